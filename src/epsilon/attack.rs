//! The attack: for each canary of each run, a score saying how sure it is that the canary was in
//! that run's data (positive: in; negative: out; the larger, the surer), decided from the data,
//! the canaries and the releases, never from the coins.
//!
//! Four attacks, each reading one thing a release shows; each is scored on its own and the
//! bound takes the best (the Bonferroni correction counts them all):
//! - `records`: the canary's record in the release. Every released record is scored against the
//!   canary's entries (1 per shared item, +1 for the same rating, +1 for the same day), divided
//!   by the square root of the released record's length (short released records that lie wholly
//!   inside the canary's count as much as long ones); the statistic is the eccentricity of the
//!   best score, (best - second) / standard deviation over all released records (Narayanan &
//!   Shmatikov's test that a match stands out). It catches releases that keep a person's record
//!   recognizable: pseudonymization, sampling, truncation, `dp` at a large epsilon.
//! - `catalogue`: the items only the canary holds in the data, and the share of them the
//!   release's item table lists. It catches a catalogue read from the data: with it, such an item
//!   is listed only when its holder was in the data, whatever noise the records carry.
//! - `attributes`: whether the canary's exact combination of attribute values, held by no one else
//!   in the data, appears in the release. It catches attributes passed through.
//! - `scale`: for a canary whose ratings alone widen the data's rating scale (the only 0.5 star,
//!   the only half star), whether the release's ratings use the scale with or without it. It
//!   catches a rating scale read from the data. A scale is one value per release, so it speaks
//!   about few canaries per run: this attack needs several runs to show much.
//!
//! A statistic becomes a signed score by subtracting its centre over every slot it speaks about:
//! the median for `records` (a continuous statistic whose members lie far out), the mean for the
//! others (shares, mostly 0 or 1). A slot it does not speak about scores 0.

use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};

use crate::dataset::{Dataset, NO_RATING, RatingScale};

/// One of the attacks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Attack {
    /// The canary's record, found by its entries.
    Records,
    /// The items only the canary holds, in the release's item table.
    Catalogue,
    /// The canary's unique combination of attribute values.
    Attributes,
    /// The rating scale the canary alone widens.
    Scale,
}

impl Attack {
    /// Every attack, in the order E.json lists them.
    pub const ALL: [Attack; 4] = [
        Attack::Records,
        Attack::Catalogue,
        Attack::Attributes,
        Attack::Scale,
    ];

    /// Its name in E.json and the report.
    pub fn name(self) -> &'static str {
        match self {
            Attack::Records => "records",
            Attack::Catalogue => "catalogue",
            Attack::Attributes => "attributes",
            Attack::Scale => "scale",
        }
    }
}

/// What the attack knows before any release: the data and who the canaries are.
pub struct Knowledge<'a> {
    data: &'a Dataset,
    canaries: &'a [u32],
    /// Per canary: the items nobody else in the data holds.
    own_items: Vec<Vec<u32>>,
    /// Per canary: its combination of attribute values when nobody else has it.
    own_combination: Vec<Option<String>>,
    /// The data's rating scale.
    scale: Option<RatingScale>,
    /// Per canary: the scale of the data without it, when that differs.
    scale_without: Vec<Option<Option<RatingScale>>>,
}

/// The raw statistic of each attack for each canary of one run (`None`: it says nothing).
pub type Observed = [Vec<Option<f64>>; 4];

impl<'a> Knowledge<'a> {
    /// What can be known about `canaries` (record indices of `data`).
    pub fn new(data: &'a Dataset, canaries: &'a [u32]) -> Knowledge<'a> {
        let own_items = canaries
            .iter()
            .map(|&c| {
                let keys = data.record(c).keys;
                let mut own: Vec<u32> = keys
                    .iter()
                    .copied()
                    .filter(|&i| data.support(i) == 1)
                    .collect();
                own.dedup();
                own
            })
            .collect();
        let combinations: Vec<Option<String>> = (0..data.num_records())
            .map(|r| combination(data, &all_attributes(data), r))
            .collect();
        let mut counts: FxHashMap<&str, u32> = FxHashMap::default();
        for c in combinations.iter().flatten() {
            *counts.entry(c.as_str()).or_default() += 1;
        }
        let own_combination = canaries
            .iter()
            .map(|&c| {
                combinations[c as usize]
                    .clone()
                    .filter(|k| counts[k.as_str()] == 1)
            })
            .collect();
        let scale = data.rating_scale();
        let histogram = rating_histogram(data, 0..data.num_records() as u32);
        let scale_without = canaries
            .iter()
            .map(|&c| {
                let mine = rating_histogram(data, c..c + 1);
                let rest: Vec<u64> = histogram.iter().zip(&mine).map(|(a, b)| a - b).collect();
                let without = scale_of(&rest);
                (without != scale).then_some(without)
            })
            .collect();
        Knowledge {
            data,
            canaries,
            own_items,
            own_combination,
            scale,
            scale_without,
        }
    }

    /// Each attack's statistic for each canary, from one release.
    pub fn observe(&self, release: &Dataset) -> Observed {
        let index = release.item_ids().index_map();
        let to_release: Vec<u32> = (0..self.data.num_items())
            .map(|i| {
                index
                    .get(self.data.item_ids().get(i))
                    .copied()
                    .unwrap_or(u32::MAX)
            })
            .collect();
        [
            self.records(release, &to_release),
            self.catalogue(&to_release),
            self.attributes(release),
            self.scale(release),
        ]
    }

    fn records(&self, release: &Dataset, to_release: &[u32]) -> Vec<Option<f64>> {
        let n = release.num_records();
        let norms: Vec<f32> = (0..n as u32)
            .map(|r| 1.0 / (release.record(r).len().max(1) as f32).sqrt())
            .collect();
        self.canaries
            .par_iter()
            .map_init(
                || (vec![0f32; n], Vec::<u32>::new()),
                |(acc, touched), &c| {
                    let x = self.data.record(c);
                    if x.is_empty() || n < 2 {
                        return None;
                    }
                    for k in 0..x.len() {
                        let item = to_release[x.keys[k] as usize];
                        if item == u32::MAX {
                            continue;
                        }
                        let p = release.postings(item);
                        for j in 0..p.len() {
                            let r = p.keys[j] as usize;
                            let same_rating =
                                matches!((x.rating(k), p.rating(j)), (Some(a), Some(b)) if a == b);
                            let same_day =
                                matches!((x.day(k), p.day(j)), (Some(a), Some(b)) if a == b);
                            if acc[r] == 0.0 {
                                touched.push(r as u32);
                            }
                            acc[r] += 1.0 + same_rating as u8 as f32 + same_day as u8 as f32;
                        }
                    }
                    Some(eccentricity(acc, touched, &norms))
                },
            )
            .collect()
    }

    fn catalogue(&self, to_release: &[u32]) -> Vec<Option<f64>> {
        self.own_items
            .iter()
            .map(|own| {
                (!own.is_empty()).then(|| {
                    let listed = own
                        .iter()
                        .filter(|&&i| to_release[i as usize] != u32::MAX)
                        .count();
                    listed as f64 / own.len() as f64
                })
            })
            .collect()
    }

    fn attributes(&self, release: &Dataset) -> Vec<Option<f64>> {
        let wanted: FxHashSet<&str> = self
            .own_combination
            .iter()
            .flatten()
            .map(String::as_str)
            .collect();
        let mut seen: FxHashSet<String> = FxHashSet::default();
        if !wanted.is_empty() && release.has_attributes() {
            let names = self.data.people().names();
            let columns: Vec<Option<usize>> = names
                .iter()
                .map(|name| release.people().find(name).map(|(a, _)| a))
                .collect();
            for r in 0..release.num_records() {
                if let Some(k) = combination(release, &columns, r)
                    && wanted.contains(k.as_str())
                {
                    seen.insert(k);
                }
            }
        }
        self.own_combination
            .iter()
            .map(|own| own.as_ref().map(|k| seen.contains(k) as u8 as f64))
            .collect()
    }

    fn scale(&self, release: &Dataset) -> Vec<Option<f64>> {
        let released = release.rating_scale();
        self.scale_without
            .iter()
            .map(|without| {
                let without = without.as_ref()?;
                match released {
                    None => None,
                    r if r == self.scale => Some(1.0),
                    r if r == *without => Some(0.0),
                    _ => None,
                }
            })
            .collect()
    }
}

/// (best - second) / standard deviation of the normalized scores over all `norms.len()`
/// records (the untouched ones score 0); resets the accumulator.
fn eccentricity(acc: &mut [f32], touched: &mut Vec<u32>, norms: &[f32]) -> f64 {
    let n = norms.len() as f64;
    let (mut best, mut second, mut sum, mut squares) = (0f64, 0f64, 0f64, 0f64);
    for &r in touched.iter() {
        let s = (acc[r as usize] * norms[r as usize]) as f64;
        acc[r as usize] = 0.0;
        sum += s;
        squares += s * s;
        if s > best {
            second = best;
            best = s;
        } else if s > second {
            second = s;
        }
    }
    touched.clear();
    let mean = sum / n;
    let sd = (squares / n - mean * mean).max(0.0).sqrt();
    if sd > 0.0 { (best - second) / sd } else { 0.0 }
}

/// Positions of `data`'s attributes, for [`combination`].
fn all_attributes(data: &Dataset) -> Vec<Option<usize>> {
    (0..data.people().len()).map(Some).collect()
}

/// Record `r`'s values of the attributes at `columns` (`None`: the dataset lacks it), joined;
/// `None` when it has none of them.
fn combination(data: &Dataset, columns: &[Option<usize>], r: usize) -> Option<String> {
    let people = data.people();
    let values: Vec<Option<&str>> = columns
        .iter()
        .map(|a| a.and_then(|a| people.attribute(a).value_of(r)))
        .collect();
    values.iter().any(Option::is_some).then(|| {
        values
            .iter()
            .map(|v| v.unwrap_or("\u{0}"))
            .collect::<Vec<_>>()
            .join("\u{1f}")
    })
}

/// How many entries of `records` hold each rating (half stars).
fn rating_histogram(data: &Dataset, records: std::ops::Range<u32>) -> Vec<u64> {
    let mut h = vec![0u64; 256];
    for r in records {
        if let Some(ratings) = data.record(r).ratings {
            for &x in ratings.iter().filter(|&&x| x != NO_RATING) {
                h[x as usize] += 1;
            }
        }
    }
    h
}

/// The scale of the ratings counted in `histogram`, as [`Dataset::rating_scale`] reads it.
fn scale_of(histogram: &[u64]) -> Option<RatingScale> {
    let used = || {
        histogram
            .iter()
            .enumerate()
            .filter(|(_, c)| **c > 0)
            .map(|(v, _)| v as u8)
    };
    Some(RatingScale {
        min: used().min()?,
        max: used().max()?,
        step: if used().any(|v| v % 2 == 1) { 1 } else { 2 },
    })
}

/// The signed scores of one attack over every slot: its statistic less the centre (module
/// docs), 0 where it says nothing.
pub fn signed(attack: Attack, raw: &[Option<f64>]) -> Vec<f64> {
    let shape = |x: f64| match attack {
        Attack::Records => x.ln_1p(),
        _ => x,
    };
    let spoken: Vec<f64> = raw.iter().flatten().map(|&x| shape(x)).collect();
    if spoken.is_empty() {
        return vec![0.0; raw.len()];
    }
    let centre = match attack {
        Attack::Records => natural_break(spoken),
        _ => spoken.iter().sum::<f64>() / spoken.len() as f64,
    };
    raw.iter()
        .map(|x| x.map_or(0.0, |x| shape(x) - centre))
        .collect()
}

/// The threshold that splits `values` into the two groups with the most variance between them
/// (Otsu's), halfway between the two values it falls between; the single value when all are
/// equal.
fn natural_break(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    let total: f64 = values.iter().sum();
    let (mut below, mut best, mut at) = (0.0, f64::NEG_INFINITY, values[0]);
    for k in 1..n {
        below += values[k - 1];
        if values[k] == values[k - 1] {
            continue;
        }
        let (a, b) = (k as f64, (n - k) as f64);
        let gap = below / a - (total - below) / b;
        let between = a * b * gap * gap;
        if between > best {
            best = between;
            at = 0.5 * (values[k - 1] + values[k]);
        }
    }
    at
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_natural_break_falls_in_the_widest_gap_between_groups() {
        let values = vec![1.0, 1.2, 0.9, 1.1, 5.0, 6.0, 5.5, 1.05, 0.95];
        let t = natural_break(values);
        assert!(t > 1.2 && t < 5.0, "{t}");
        assert_eq!(natural_break(vec![2.0, 2.0]), 2.0);
        // Unbalanced groups split at their gap, not at the median.
        let mut values = vec![0.0; 90];
        values.extend([10.0; 10]);
        assert_eq!(natural_break(values), 5.0);
    }

    #[test]
    fn a_slot_the_attack_cannot_speak_about_scores_zero() {
        let s = signed(
            Attack::Catalogue,
            &[Some(1.0), None, Some(0.0), Some(0.0), Some(1.0)],
        );
        assert_eq!(s, vec![0.5, 0.0, -0.5, -0.5, 0.5]);
        let s = signed(
            Attack::Records,
            &[Some(0.5), Some(0.6), None, Some(20.0), Some(30.0)],
        );
        assert!(
            s[0] < 0.0 && s[1] < 0.0 && s[2] == 0.0 && s[3] > 0.0 && s[4] > 0.0,
            "{s:?}"
        );
    }
}
