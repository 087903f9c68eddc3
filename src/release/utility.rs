//! What a release policy costs: a seeded holdout of the original ratings, the policy applied to
//! the rest (train), a baseline predictor (global mean + regularized item and user biases)
//! fitted on the released train and on the unreleased train, and the RMSE of both on the true
//! held-out ratings. Also the share of train entries kept, the mean absolute rating and date
//! distortion of kept entries, and the change of item popularity (total variation distance).
//!
//! The predictor: mu = mean rating; b_i = sum(r - mu - b_u) / (25 + n_i); b_u = sum(r - mu -
//! b_i) / (10 + n_u), alternated 4 times; prediction clamped to the rating scale. A released
//! person is joined to the test ratings through the original index the release keeps (the
//! key); people not released get b_u = 0, items not released b_i = 0. With no ratings released
//! (rating-drop) the predictor falls back to the middle of the scale.

use std::fmt::Write as _;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::spec::Policy;
use super::working::{Person, Working};
use crate::dataset::{Dataset, NO_DAY, NO_RATING};
use crate::rng::Rng;
use crate::rng::streams;
use crate::{Error, Result};

/// The utility report (`release --utility U.json`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Utility {
    /// RMSE (stars) on the held-out ratings of the predictor fitted on the released train.
    pub rmse_released: Option<f64>,
    /// The same predictor fitted on the unreleased train.
    pub rmse_original: Option<f64>,
    /// rmse_released - rmse_original.
    pub rmse_cost: Option<f64>,
    /// Train entries still in the release (same person and item) / train entries.
    pub kept_fraction: f64,
    /// Released entries that are not train entries (inserted) / released entries.
    pub fake_fraction: f64,
    /// Mean |released - original| rating of kept entries, stars (null without ratings).
    pub mean_abs_rating_distortion: Option<f64>,
    /// Mean |released - original| date of kept entries, days (null without dates).
    pub mean_abs_date_distortion_days: Option<f64>,
    /// Total variation distance between the item popularity distributions (train vs release).
    pub popularity_tv_distance: f64,
    /// People released / people in the data.
    pub people_kept_fraction: f64,
    /// Held-out ratings.
    pub test_ratings: usize,
    /// Share of ratings held out.
    pub holdout: f64,
    /// How much of each people's attribute the release kept (empty without a people table).
    #[serde(default)]
    pub attributes: Vec<AttributeUtility>,
}

/// What a release kept of one attribute, over the released people who had a value.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct AttributeUtility {
    /// The attribute.
    pub name: String,
    /// Share released exactly.
    pub exact: f64,
    /// Share released generalized (a band, a prefix).
    pub generalized: f64,
    /// Share suppressed (blank, or the attribute dropped).
    pub suppressed: f64,
}

/// The values an attribute takes in the original data, as far as telling whether a released
/// value rules any of them out: a band that holds every number, or a prefix every value
/// starts with, tells nothing, and counts as suppressed.
struct Domain {
    /// The smallest and largest number, when every value is a number or a band.
    range: Option<(i64, i64)>,
    /// The longest prefix every value shares.
    common_prefix: String,
    /// Whether there are at least two distinct values (one value is no domain to cover).
    varied: bool,
}

impl Domain {
    fn of<'a>(values: impl Iterator<Item = &'a str> + Clone) -> Domain {
        use crate::dataset::people::range;
        let numeric = values.clone().all(|v| range(v).is_some());
        let range = numeric
            .then(|| {
                values
                    .clone()
                    .filter_map(range)
                    .reduce(|(a, b), (l, h)| (a.min(l), b.max(h)))
            })
            .flatten();
        let mut all = values;
        let first = all.next().unwrap_or("");
        let mut common_prefix = first.to_string();
        let mut varied = false;
        for v in all {
            varied |= v != first;
            let shared = common_prefix
                .chars()
                .zip(v.chars())
                .take_while(|(a, b)| a == b)
                .count();
            common_prefix = common_prefix.chars().take(shared).collect();
        }
        Domain {
            range,
            common_prefix,
            varied,
        }
    }

    /// Whether the released value `v` agrees with every original value.
    fn covered_by(&self, v: &str) -> bool {
        if !self.varied {
            return false;
        }
        if let (Some((lo, hi)), Some((a, b))) = (self.range, crate::dataset::people::band(v)) {
            return a <= lo && hi <= b;
        }
        v.strip_suffix('*')
            .is_some_and(|stem| self.common_prefix.starts_with(stem))
    }
}

/// Per attribute of `original`, the shares of the released people's values kept, generalized
/// and suppressed (a value generalized to the whole domain is suppressed).
fn attribute_utility(original: &Working, released: &Working) -> Vec<AttributeUtility> {
    let by_original: rustc_hash::FxHashMap<u32, &Person> =
        original.people.iter().map(|p| (p.original, p)).collect();
    original
        .attributes
        .iter()
        .enumerate()
        .map(|(a, name)| {
            let kept = released.attributes.iter().position(|n| n == name);
            let domain = Domain::of(
                original
                    .people
                    .iter()
                    .filter_map(|p| p.attributes[a].as_deref()),
            );
            let (mut exact, mut generalized, mut suppressed) = (0usize, 0usize, 0usize);
            for p in &released.people {
                let Some(o) = by_original
                    .get(&p.original)
                    .and_then(|o| o.attributes[a].as_ref())
                else {
                    continue;
                };
                match kept.and_then(|k| p.attributes[k].as_ref()) {
                    None => suppressed += 1,
                    Some(v) if v == o => exact += 1,
                    Some(v) if domain.covered_by(v) => suppressed += 1,
                    Some(_) => generalized += 1,
                }
            }
            let total = (exact + generalized + suppressed).max(1) as f64;
            AttributeUtility {
                name: name.clone(),
                exact: exact as f64 / total,
                generalized: generalized as f64 / total,
                suppressed: suppressed as f64 / total,
            }
        })
        .collect()
}

const HOLDOUT: f64 = 0.1;

/// Measures the cost of `policy` on `original` (see the module docs).
pub fn measure(original: &Dataset, policy: &Policy, seed: u64) -> Result<Utility> {
    let mut train = Working::from_dataset(original);
    // Holdout: each rated entry goes to test with probability HOLDOUT.
    let test: Vec<Vec<(u32, f64)>> = train
        .people
        .par_iter_mut()
        .map(|p| {
            let mut rng = Rng::derive(seed, &[streams::UTILITY_HOLD_OUT, p.original as u64]);
            let mut test = Vec::new();
            p.entries.retain(|e| {
                if e.rating != NO_RATING && rng.f64() < HOLDOUT {
                    test.push((e.item, e.rating as f64 / 2.0));
                    false
                } else {
                    true
                }
            });
            test
        })
        .collect();
    let mut released = train.clone();
    for (index, step) in policy.steps.iter().enumerate() {
        step.apply(&mut released, index, seed)?;
    }
    let scale = (train.scale.min as f64 / 2.0, train.scale.max as f64 / 2.0);
    let rmse_of = |w: &Working| -> Option<f64> {
        let model = Baseline::fit(w, original.num_records(), scale)?;
        let (mut se, mut n) = (0f64, 0usize);
        for (u, ratings) in test.iter().enumerate() {
            for &(i, r) in ratings {
                let e = model.predict(u, i as usize) - r;
                se += e * e;
                n += 1;
            }
        }
        (n > 0).then(|| (se / n as f64).sqrt())
    };
    let test_ratings = test.iter().map(Vec::len).sum();
    let rmse_original = if test_ratings > 0 {
        rmse_of(&train)
    } else {
        None
    };
    let rmse_released = if test_ratings > 0 {
        rmse_of(&released).or_else(|| Some(midpoint_rmse(&test, scale)))
    } else {
        None
    };
    let distortion = Distortion::between(&train, &released, original.num_records());
    Ok(Utility {
        rmse_cost: rmse_released.zip(rmse_original).map(|(a, b)| a - b),
        rmse_released,
        rmse_original,
        kept_fraction: distortion.kept as f64 / train.entries().max(1) as f64,
        fake_fraction: 1.0 - distortion.kept as f64 / released.entries().max(1) as f64,
        mean_abs_rating_distortion: (distortion.rated > 0)
            .then(|| distortion.rating_error / distortion.rated as f64),
        mean_abs_date_distortion_days: (distortion.dated > 0)
            .then(|| distortion.date_error / distortion.dated as f64),
        popularity_tv_distance: tv_distance(&train.supports(), &released.supports()),
        people_kept_fraction: released.people.len() as f64 / original.num_records().max(1) as f64,
        test_ratings,
        holdout: HOLDOUT,
        attributes: attribute_utility(&train, &released),
    })
}

fn midpoint_rmse(test: &[Vec<(u32, f64)>], scale: (f64, f64)) -> f64 {
    let mid = (scale.0 + scale.1) / 2.0;
    let (se, n) = test
        .iter()
        .flatten()
        .fold((0f64, 0usize), |(se, n), &(_, r)| {
            (se + (mid - r).powi(2), n + 1)
        });
    (se / n.max(1) as f64).sqrt()
}

/// Global mean + regularized item and user biases.
struct Baseline {
    mu: f64,
    item: Vec<f64>,
    user: Vec<f64>,
    scale: (f64, f64),
}

impl Baseline {
    fn fit(w: &Working, records: usize, scale: (f64, f64)) -> Option<Baseline> {
        let rated = |p: &Person| {
            p.entries
                .iter()
                .filter(|e| e.rating != NO_RATING)
                .map(|e| (e.item, e.rating as f64 / 2.0))
                .collect::<Vec<_>>()
        };
        let people: Vec<(u32, Vec<(u32, f64)>)> =
            w.people.iter().map(|p| (p.original, rated(p))).collect();
        let (sum, n) = people
            .iter()
            .flat_map(|(_, r)| r)
            .fold((0f64, 0usize), |(s, n), &(_, r)| (s + r, n + 1));
        if n == 0 {
            return None;
        }
        let mu = sum / n as f64;
        let mut item = vec![0f64; w.items];
        let mut user = vec![0f64; records];
        for _ in 0..4 {
            let mut num = vec![0f64; w.items];
            let mut cnt = vec![0f64; w.items];
            for (u, ratings) in &people {
                for &(i, r) in ratings {
                    num[i as usize] += r - mu - user[*u as usize];
                    cnt[i as usize] += 1.0;
                }
            }
            for i in 0..w.items {
                item[i] = num[i] / (25.0 + cnt[i]);
            }
            for (u, ratings) in &people {
                let s: f64 = ratings
                    .iter()
                    .map(|&(i, r)| r - mu - item[i as usize])
                    .sum();
                user[*u as usize] = s / (10.0 + ratings.len() as f64);
            }
        }
        Some(Baseline {
            mu,
            item,
            user,
            scale,
        })
    }

    fn predict(&self, user: usize, item: usize) -> f64 {
        (self.mu + self.item[item] + self.user[user]).clamp(self.scale.0, self.scale.1)
    }
}

#[derive(Default)]
struct Distortion {
    kept: usize,
    rated: usize,
    rating_error: f64,
    dated: usize,
    date_error: f64,
}

impl Distortion {
    /// Joins each released person's entries with their train entries by item (merge join).
    fn between(train: &Working, released: &Working, records: usize) -> Distortion {
        let mut by_original: Vec<Option<&Person>> = vec![None; records];
        for p in &train.people {
            by_original[p.original as usize] = Some(p);
        }
        released
            .people
            .par_iter()
            .map(|rel| {
                let mut d = Distortion::default();
                let Some(orig) = by_original[rel.original as usize] else {
                    return d;
                };
                let (mut a, mut b) = (0, 0);
                while a < orig.entries.len() && b < rel.entries.len() {
                    let (x, y) = (orig.entries[a], rel.entries[b]);
                    match x.item.cmp(&y.item) {
                        std::cmp::Ordering::Less => a += 1,
                        std::cmp::Ordering::Greater => b += 1,
                        std::cmp::Ordering::Equal => {
                            d.kept += 1;
                            if x.rating != NO_RATING && y.rating != NO_RATING {
                                d.rated += 1;
                                d.rating_error += (x.rating as f64 - y.rating as f64).abs() / 2.0;
                            }
                            if x.day != NO_DAY && y.day != NO_DAY {
                                d.dated += 1;
                                d.date_error += (x.day as f64 - y.day as f64).abs();
                            }
                            a += 1;
                            b += 1;
                        }
                    }
                }
                d
            })
            .reduce(Distortion::default, |mut x, y| {
                x.kept += y.kept;
                x.rated += y.rated;
                x.rating_error += y.rating_error;
                x.dated += y.dated;
                x.date_error += y.date_error;
                x
            })
    }
}

fn tv_distance(a: &[u32], b: &[u32]) -> f64 {
    let (sa, sb) = (
        a.iter().map(|&x| x as f64).sum::<f64>(),
        b.iter().map(|&x| x as f64).sum::<f64>(),
    );
    if sa == 0.0 || sb == 0.0 {
        return 1.0;
    }
    0.5 * a
        .iter()
        .zip(b)
        .map(|(&x, &y)| (x as f64 / sa - y as f64 / sb).abs())
        .sum::<f64>()
}

fn show(x: Option<f64>, digits: usize) -> String {
    x.map_or("-".into(), |v| format!("{v:.digits$}"))
}

impl Utility {
    /// The report as a table.
    pub fn to_text(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(
            s,
            "utility ({} held-out ratings, {:.0}% holdout)",
            self.test_ratings,
            self.holdout * 100.0
        );
        let _ = writeln!(
            s,
            "  RMSE, released train      {}",
            show(self.rmse_released, 4)
        );
        let _ = writeln!(
            s,
            "  RMSE, original train      {}",
            show(self.rmse_original, 4)
        );
        let _ = writeln!(s, "  RMSE cost                 {}", show(self.rmse_cost, 4));
        let _ = writeln!(s, "  entries kept              {:.4}", self.kept_fraction);
        let _ = writeln!(s, "  entries inserted          {:.4}", self.fake_fraction);
        let _ = writeln!(
            s,
            "  people kept               {:.4}",
            self.people_kept_fraction
        );
        let _ = writeln!(
            s,
            "  rating distortion (stars) {}",
            show(self.mean_abs_rating_distortion, 4)
        );
        let _ = writeln!(
            s,
            "  date distortion (days)    {}",
            show(self.mean_abs_date_distortion_days, 2)
        );
        let _ = writeln!(
            s,
            "  popularity TV distance    {:.4}",
            self.popularity_tv_distance
        );
        if !self.attributes.is_empty() {
            let _ = writeln!(
                s,
                "  attributes                exact  generalized  suppressed"
            );
            for a in &self.attributes {
                let _ = writeln!(
                    s,
                    "    {:<22}{:>7.3}  {:>11.3}  {:>10.3}",
                    a.name, a.exact, a.generalized, a.suppressed
                );
            }
        }
        s
    }
}

/// Fails early on a policy that cannot run on `data` (used by the command line).
pub fn check(data: &Dataset) -> Result<()> {
    if data.num_records() == 0 {
        return Err(Error::InvalidArgument("the data set is empty".into()));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_generalized_to_the_whole_domain_counts_as_suppressed() {
        let ages = ["7", "24", "73", "159"];
        let domain = Domain::of(ages.iter().copied());
        assert!(domain.covered_by("0-159"));
        assert!(domain.covered_by("0-255"));
        assert!(!domain.covered_by("0-79"));
        assert!(!domain.covered_by("24"));
        let zips = ["85711", "85302", "94043"];
        let domain = Domain::of(zips.iter().copied());
        assert!(!domain.covered_by("8*"));
        let domain = Domain::of(["85711", "85302"].iter().copied());
        assert!(domain.covered_by("8*") && domain.covered_by("85*"));
        assert!(!domain.covered_by("857*"));
        assert!(!Domain::of(["M"].iter().copied()).covered_by("M*"));
    }
}
