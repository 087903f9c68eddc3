//! Unicity (de Montjoye et al., "Unique in the Crowd", Sci. Rep. 2013; docs/method.md section 8):
//! how often p points of a person's data are theirs alone.
//!
//! For each sampled person with at least p distinct items, R independent draws of p distinct
//! items of theirs, one entry of each (a view log may hold several events of an item: one is
//! drawn); a draw is unique when no other record holds all p points. A point is the item plus,
//! by the knowledge kind, the exact rating, the day within +-D days, both, or nothing. Unicity =
//! unique draws / draws, with the 95% Wilson score interval of the mean over people of each
//! person's share of unique draws ([`crate::interval::wilson_mean`]).
//!
//! A draw is checked against the postings of its rarest item only: every record holding that
//! point is a candidate; a few are checked whole, the rest are intersected with the holders of
//! each further point. Draws are nested: a person's draw orders their items at random once,
//! and its p points are the first p (each p still a uniform random p-subset), so a draw that is
//! unique with p points is unique with more and is not checked again. The same items and
//! entries are drawn for every knowledge kind (the generator depends on the person and the
//! draw, not on the kind), so the kinds' curves differ only by what the adversary knows.
//!
//! With attributes (`--attributes age,gender,zip`), the adversary also knows the person's value
//! of each named attribute they have (a person missing one is measured with the others), and a
//! draw is unique when no other record holds the p points *and* agrees on those attributes; a
//! record without a value (never given, or suppressed) cannot be ruled out, so it agrees. With
//! p = 0 the attributes alone are measured: counted at once for everyone by grouping the
//! records on their values, one group table per pattern of missing values.

use std::fmt;
use std::io::Write;
use std::path::Path;
use std::str::FromStr;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::people::MISSING;
use super::{Dataset, NO_DAY, NO_RATING};
use crate::atomic_file::write_atomically;
use crate::rng::Rng;
use crate::rng::streams;
use crate::{Error, Result};

/// What the adversary knows of each point besides the item.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Knowledge {
    /// The item alone.
    Items,
    /// The item and the exact rating.
    ItemsRatings,
    /// The item and the day within +-D days.
    ItemsDays,
    /// The item, the exact rating and the day within +-D days.
    ItemsRatingsDays,
}

impl Knowledge {
    /// Every kind.
    pub const ALL: [Knowledge; 4] = [
        Knowledge::Items,
        Knowledge::ItemsRatings,
        Knowledge::ItemsDays,
        Knowledge::ItemsRatingsDays,
    ];

    /// The name on the command line and in files.
    pub fn name(self) -> &'static str {
        match self {
            Knowledge::Items => "items",
            Knowledge::ItemsRatings => "items+ratings",
            Knowledge::ItemsDays => "items+days",
            Knowledge::ItemsRatingsDays => "items+ratings+days",
        }
    }

    /// Whether a point carries the rating.
    pub fn ratings(self) -> bool {
        matches!(self, Knowledge::ItemsRatings | Knowledge::ItemsRatingsDays)
    }

    /// Whether a point carries the day.
    pub fn days(self) -> bool {
        matches!(self, Knowledge::ItemsDays | Knowledge::ItemsRatingsDays)
    }

    /// The kinds that `data` supports (ratings only with ratings, days only with dates).
    pub fn supported_by(data: &Dataset) -> Vec<Knowledge> {
        Knowledge::ALL
            .into_iter()
            .filter(|k| (!k.ratings() || data.has_ratings()) && (!k.days() || data.has_dates()))
            .collect()
    }
}

impl fmt::Display for Knowledge {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Knowledge {
    type Err = Error;

    fn from_str(text: &str) -> Result<Knowledge> {
        crate::error::parse_named(text, &Knowledge::ALL, Knowledge::name, "knowledge kind")
    }
}

impl Serialize for Knowledge {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

impl<'de> Deserialize<'de> for Knowledge {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// The default of every unicity parameter.
pub mod defaults {
    /// Points per draw: 1 to 8.
    pub const POINTS: [usize; 8] = [1, 2, 3, 4, 5, 6, 7, 8];
    /// Day tolerance, days.
    pub const DATE_TOL: u32 = 0;
    /// Draws per person.
    pub const DRAWS: usize = 1;
    /// Seed.
    pub const SEED: u64 = 0;
}

/// What to measure. Python's `unicity` reads its keywords into it (serde), each field by its
/// name; one left out takes the default.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct UnicityParams {
    /// Numbers of points per draw.
    pub points: Vec<usize>,
    /// Knowledge kinds; empty: every kind the data supports.
    pub knowledge: Vec<Knowledge>,
    /// Day tolerance D (points with days).
    pub date_tol: u32,
    /// People sampled (`None`: everyone).
    pub sample: Option<usize>,
    /// Draws per person, R.
    pub draws: usize,
    /// Seed of the sample and the draws.
    pub seed: u64,
    /// Attributes of the people table the adversary knows besides the points (names).
    pub attributes: Vec<String>,
}

impl Default for UnicityParams {
    fn default() -> Self {
        UnicityParams {
            points: defaults::POINTS.to_vec(),
            knowledge: Vec::new(),
            date_tol: defaults::DATE_TOL,
            sample: None,
            draws: defaults::DRAWS,
            seed: defaults::SEED,
            attributes: Vec::new(),
        }
    }
}

impl UnicityParams {
    /// Checks the values against `data`; errors name the parameter.
    pub fn check(&self, data: &Dataset) -> Result<()> {
        let bad = |name: &'static str, message: String| Err(Error::Parameter { name, message });
        if self.points.is_empty() {
            return bad("points", "points must be a list of numbers".into());
        }
        if self.points.contains(&0) && self.attributes.is_empty() {
            return bad(
                "points",
                "points 0 means the attributes alone: give --attributes, or points >= 1".into(),
            );
        }
        for (k, name) in self.attributes.iter().enumerate() {
            if data.people().find(name).is_none() {
                let names = data.people().names();
                return bad(
                    "attributes",
                    if names.is_empty() {
                        format!("'{name}': the data has no people table (import one with --people)")
                    } else {
                        format!(
                            "'{name}' is not an attribute of the data ({})",
                            names.join(", ")
                        )
                    },
                );
            }
            if k >= 32 {
                return bad("attributes", "at most 32 attributes".into());
            }
            if self.attributes[..k].contains(name) {
                return bad("attributes", format!("'{name}' is named twice"));
            }
        }
        if self.draws == 0 {
            return bad("draws", "draws must be at least 1, got 0".into());
        }
        if self.sample == Some(0) {
            return bad("sample", "sample must be at least 1, got 0".into());
        }
        for k in &self.knowledge {
            if (k.ratings() && !data.has_ratings()) || (k.days() && !data.has_dates()) {
                return bad(
                    "knowledge",
                    format!(
                        "knowledge '{k}' needs {} the data does not have",
                        if k.ratings() && !data.has_ratings() {
                            "ratings"
                        } else {
                            "dates"
                        }
                    ),
                );
            }
        }
        Ok(())
    }
}

/// Warnings about what `params` measures on `data`: people who lack a value of a known
/// attribute, whose missing value matches anything (they count as unique less often).
pub fn warnings(data: &Dataset, params: &UnicityParams) -> Vec<String> {
    let missing = data.people().records_missing_any(&params.attributes);
    if missing == 0 {
        return Vec::new();
    }
    vec![format!(
        "{missing} of {} people lack a value of {}: a missing value matches anything, so they and the people they could be are counted unique less often",
        data.num_records(),
        params.attributes.join(", ")
    )]
}

/// One row of the result: one knowledge kind and number of points.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct UnicityRow {
    /// The knowledge kind.
    pub knowledge: Knowledge,
    /// Points per draw.
    pub points: usize,
    /// Day tolerance.
    pub date_tol: u32,
    /// Sampled people with at least `points` distinct items.
    pub people: usize,
    /// Draws (people x R).
    pub draws: usize,
    /// Unique draws.
    pub unique: usize,
    /// unique / draws (null without people).
    pub unicity: Option<f64>,
    /// 95% Wilson score interval over people, low end.
    pub unicity_lo: Option<f64>,
    /// 95% Wilson score interval over people, high end.
    pub unicity_hi: Option<f64>,
    /// The attributes known besides the points, joined by `+` (empty: none).
    #[serde(default)]
    pub attributes: String,
}

/// The attributes an adversary knows, as code columns of the people table.
struct KnownAttributes<'a> {
    columns: Vec<&'a [u32]>,
    /// Records of the data.
    records: usize,
}

impl<'a> KnownAttributes<'a> {
    /// The attributes `names` of `data` (each a column of its people table; fewer than 64, the
    /// bits of a pattern of missing values).
    fn new(data: &'a Dataset, names: &[String]) -> KnownAttributes<'a> {
        assert!(names.len() < 64, "at most 63 attributes known at once");
        let columns = names
            .iter()
            .map(|n| data.people().find(n).expect("checked").1.codes)
            .collect();
        KnownAttributes {
            columns,
            records: data.num_records(),
        }
    }

    /// Whether `other` agrees with every attribute `owner` has (a missing value agrees).
    #[inline]
    fn agree(&self, owner: u32, other: u32) -> bool {
        self.columns.iter().all(|c| {
            let (o, x) = (c[owner as usize], c[other as usize]);
            o == MISSING || x == MISSING || o == x
        })
    }

    /// Bit a set when record `r` lacks attribute a.
    fn missing_mask(&self, r: usize) -> u64 {
        self.columns
            .iter()
            .enumerate()
            .filter(|(_, c)| c[r] == MISSING)
            .fold(0, |m, (a, _)| m | 1 << a)
    }

    /// The codes of record `r` on the attributes of `mask`.
    fn project(&self, r: usize, mask: u64) -> Vec<u32> {
        self.columns
            .iter()
            .enumerate()
            .filter(|(a, _)| mask >> a & 1 == 1)
            .map(|(_, c)| c[r])
            .collect()
    }

    /// For each of `people`, how many other records agree with them on the attributes alone.
    ///
    /// A record with missing set m agrees with a person who knows the set K exactly when they
    /// hold the same values on K minus m; so for each (K, m) pair present, the records with
    /// missing set m are counted by their values on K minus m.
    fn others_agreeing(&self, people: &[u32]) -> Vec<u32> {
        let records = self.records;
        let all = (1u64 << self.columns.len()) - 1;
        let masks: Vec<u64> = (0..records).map(|r| self.missing_mask(r)).collect();
        let mut record_masks: Vec<u64> = masks.clone();
        record_masks.sort_unstable();
        record_masks.dedup();
        let mut known_sets: Vec<u64> = people.iter().map(|&r| all & !masks[r as usize]).collect();
        known_sets.sort_unstable();
        known_sets.dedup();
        let mut counts = vec![0u32; people.len()];
        for &known in &known_sets {
            for &m in &record_masks {
                let on = known & !m;
                let mut groups: rustc_hash::FxHashMap<Vec<u32>, u32> = Default::default();
                for r in (0..records).filter(|&r| masks[r] == m) {
                    *groups.entry(self.project(r, on)).or_default() += 1;
                }
                for (k, &r) in people.iter().enumerate() {
                    if all & !masks[r as usize] == known {
                        counts[k] += groups
                            .get(&self.project(r as usize, on))
                            .copied()
                            .unwrap_or(0);
                    }
                }
            }
        }
        // Each person agrees with themself.
        counts.iter_mut().for_each(|c| *c -= 1);
        counts
    }
}

/// The people measured: everyone, or `sample` of them drawn with `seed`, in record order.
pub fn sample_people(data: &Dataset, sample: Option<usize>, seed: u64) -> Vec<u32> {
    let n = data.num_records();
    let mut people: Vec<u32> = (0..n as u32).collect();
    if let Some(take) = sample.filter(|&s| s < n) {
        let mut rng = Rng::derive(seed, &[streams::UNICITY_SAMPLE]);
        for k in 0..take {
            let j = k + rng.below((n - k) as u64) as usize;
            people.swap(k, j);
        }
        people.truncate(take);
        people.sort_unstable();
    }
    people
}

/// One drawn point: an entry of the person.
#[derive(Clone, Copy, Debug)]
struct Point {
    item: u32,
    rating: u8,
    day: u16,
}

/// The first entry index of each distinct item of a record (its entries are sorted by item).
fn distinct_starts(items: &[u32]) -> Vec<usize> {
    (0..items.len())
        .filter(|&k| k == 0 || items[k] != items[k - 1])
        .collect()
}

/// Draws `p` distinct items of `record` (and one entry of each); `starts` from
/// [`distinct_starts`], `p <= starts.len()`.
fn draw_points(
    data: &Dataset,
    record: u32,
    starts: &[usize],
    p: usize,
    rng: &mut Rng,
) -> Vec<Point> {
    let e = data.record(record);
    let mut order: Vec<usize> = (0..starts.len()).collect();
    let mut points = Vec::with_capacity(p);
    for k in 0..p {
        let j = k + rng.below((order.len() - k) as u64) as usize;
        order.swap(k, j);
        let first = starts[order[k]];
        let end = starts.get(order[k] + 1).copied().unwrap_or(e.len());
        let at = first + rng.below((end - first) as u64) as usize;
        points.push(Point {
            item: e.keys[at],
            rating: e.ratings.map_or(NO_RATING, |r| r[at]),
            day: e.days.map_or(NO_DAY, |d| d[at]),
        });
    }
    points
}

/// Whether an entry (rating, day) matches a point under `knowledge`.
#[inline]
fn entry_matches(point: &Point, rating: u8, day: u16, knowledge: Knowledge, tol: u32) -> bool {
    (!knowledge.ratings() || (rating != NO_RATING && rating == point.rating))
        && (!knowledge.days()
            || (day != NO_DAY
                && point.day != NO_DAY
                && (day as i32 - point.day as i32).unsigned_abs() <= tol))
}

/// Whether record `r` holds `point`.
fn record_holds(data: &Dataset, r: u32, point: &Point, knowledge: Knowledge, tol: u32) -> bool {
    let e = data.record(r);
    let lo = e.keys.partition_point(|&i| i < point.item);
    let hi = lo + e.keys[lo..].partition_point(|&i| i == point.item);
    (lo..hi).any(|k| {
        entry_matches(
            point,
            e.ratings.map_or(NO_RATING, |x| x[k]),
            e.days.map_or(NO_DAY, |x| x[k]),
            knowledge,
            tol,
        )
    })
}

/// Holders of the rarest point checked at once against the other points (binary search in
/// their records): a draw that is not unique usually shows it among them.
const QUICK_CHECKS: usize = 32;

/// Whether no record but `owner` holds every one of `points` (sorted rarest first) and agrees
/// with `owner` on the `known` attributes.
///
/// The holders of the rarest point are the candidates; the first [`QUICK_CHECKS`] of them are
/// checked whole at once, then the candidates are intersected with the holders of each further
/// point by galloping through that point's postings (both sorted by record), which reads the
/// postings in order instead of jumping into every candidate's record.
fn is_unique(
    data: &Dataset,
    owner: u32,
    points: &[Point],
    knowledge: Knowledge,
    tol: u32,
    known: &KnownAttributes,
) -> bool {
    let (first, rest) = points.split_first().expect("at least one point");
    let postings = data.postings(first.item);
    let mut candidates = Vec::new();
    let mut quick = 0;
    let mut previous = u32::MAX;
    for k in 0..postings.len() {
        let r = postings.keys[k];
        if r == owner || r == previous {
            continue;
        }
        let rating = postings.ratings.map_or(NO_RATING, |x| x[k]);
        let day = postings.days.map_or(NO_DAY, |x| x[k]);
        if !entry_matches(first, rating, day, knowledge, tol) || !known.agree(owner, r) {
            continue;
        }
        // r holds the first point (a view log may list r again: skip its other events).
        previous = r;
        if quick < QUICK_CHECKS {
            quick += 1;
            if rest
                .iter()
                .all(|p| record_holds(data, r, p, knowledge, tol))
            {
                return false;
            }
        } else {
            candidates.push(r);
        }
    }
    for point in rest {
        if candidates.is_empty() {
            return true;
        }
        candidates = holders_among(data, &candidates, point, knowledge, tol);
    }
    candidates.is_empty()
}

/// The records of `candidates` (sorted) that hold `point`.
fn holders_among(
    data: &Dataset,
    candidates: &[u32],
    point: &Point,
    knowledge: Knowledge,
    tol: u32,
) -> Vec<u32> {
    let postings = data.postings(point.item);
    let keys = postings.keys;
    let mut out = Vec::new();
    let mut j = 0;
    for &c in candidates {
        j = lower_bound_from(keys, j, c);
        if j == keys.len() {
            break;
        }
        let mut k = j;
        while k < keys.len() && keys[k] == c {
            let rating = postings.ratings.map_or(NO_RATING, |x| x[k]);
            let day = postings.days.map_or(NO_DAY, |x| x[k]);
            if entry_matches(point, rating, day, knowledge, tol) {
                out.push(c);
                break;
            }
            k += 1;
        }
    }
    out
}

/// The first index at or after `start` whose key is >= `target` (`keys` sorted): exponential
/// then binary search, so a walk over increasing targets costs O(log gap) per step.
fn lower_bound_from(keys: &[u32], start: usize, target: u32) -> usize {
    let (mut lo, mut hi, mut step) = (start, start, 1);
    while hi < keys.len() && keys[hi] < target {
        lo = hi + 1;
        hi = start + step;
        step *= 2;
    }
    let hi = hi.min(keys.len());
    lo + keys[lo..hi].partition_point(|&x| x < target)
}

/// Measures unicity of `data` (see the module docs). Rows in the order of `params.points`, then
/// of the knowledge kinds.
pub fn measure(data: &Dataset, params: &UnicityParams) -> Result<Vec<UnicityRow>> {
    params.check(data)?;
    let kinds = if params.knowledge.is_empty() {
        Knowledge::supported_by(data)
    } else {
        params.knowledge.clone()
    };
    let people = sample_people(data, params.sample, params.seed);
    let known = KnownAttributes::new(data, &params.attributes);
    // With attributes alone (p = 0): whether anyone else shares the person's values.
    let alone: Vec<bool> = if params.points.contains(&0) {
        known
            .others_agreeing(&people)
            .iter()
            .map(|&c| c == 0)
            .collect()
    } else {
        Vec::new()
    };
    let bar = crate::progress::bar(people.len() as u64, "unicity");
    // Per person: for each (p, kind), unique draws (None when the person has fewer than p items).
    let per_person: Vec<Vec<Option<u32>>> = people
        .par_iter()
        .enumerate()
        .with_min_len(16)
        .map(|(person, &r)| {
            crate::cancel::check()?;
            let starts = distinct_starts(data.record(r).keys);
            let slots = params.points.len() * kinds.len();
            let mut unique = vec![0u32; slots];
            // The point counts this person can be drawn for, smallest first.
            let mut order: Vec<usize> = (0..params.points.len())
                .filter(|&pi| params.points[pi] <= starts.len())
                .collect();
            order.sort_by_key(|&pi| params.points[pi]);
            if let Some(&largest) = order.last() {
                for draw in 0..params.draws {
                    let mut rng =
                        Rng::derive(params.seed, &[streams::UNICITY_DRAW, r as u64, draw as u64]);
                    let drawn = draw_points(data, r, &starts, params.points[largest], &mut rng);
                    for (ki, &kind) in kinds.iter().enumerate() {
                        // Unique with p points: unique with any superset of them too.
                        let mut settled = false;
                        for &pi in &order {
                            if !settled {
                                let mut points = drawn[..params.points[pi]].to_vec();
                                points.sort_by_key(|pt| (data.support(pt.item), pt.item));
                                settled = if points.is_empty() {
                                    alone[person]
                                } else {
                                    is_unique(data, r, &points, kind, params.date_tol, &known)
                                };
                            }
                            unique[pi * kinds.len() + ki] += settled as u32;
                        }
                    }
                }
            }
            bar.inc(1);
            Ok((0..slots)
                .map(|slot| {
                    (params.points[slot / kinds.len()] <= starts.len()).then_some(unique[slot])
                })
                .collect::<Vec<Option<u32>>>())
        })
        .collect::<Result<_>>()?;
    bar.finish_and_clear();

    // One row per (p, kind).
    let rows = (0..params.points.len() * kinds.len())
        .map(|slot| {
            let (p, kind) = (params.points[slot / kinds.len()], kinds[slot % kinds.len()]);
            let uniques: Vec<u32> = per_person.iter().filter_map(|c| c[slot]).collect();
            let draws = uniques.len() * params.draws;
            let unique: usize = uniques.iter().map(|&u| u as usize).sum();
            // Unicity is the mean over people of each person's share of unique draws.
            let shares: Vec<f64> = uniques
                .iter()
                .map(|&u| u as f64 / params.draws as f64)
                .collect();
            let interval = crate::interval::wilson_mean(&shares);
            UnicityRow {
                knowledge: kind,
                points: p,
                date_tol: params.date_tol,
                people: uniques.len(),
                draws,
                unique,
                unicity: (draws > 0).then(|| unique as f64 / draws as f64),
                unicity_lo: interval.map(|i| i[0]),
                unicity_hi: interval.map(|i| i[1]),
                attributes: params.attributes.join("+"),
            }
        })
        .collect();
    Ok(rows)
}

/// How many people one combination of attributes makes unique.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AttributeUnicity {
    /// The attributes, in the people table's order.
    pub attributes: Vec<String>,
    /// People nobody else agrees with on them (a missing value agrees with anything).
    pub unique: usize,
    /// People measured (everyone).
    pub people: usize,
    /// unique / people.
    pub unicity: f64,
}

/// The unicity of every combination of up to `max_size` of `data`'s attributes, the attributes
/// alone (points 0), everyone measured: by size, then in the table's order.
pub fn attribute_combinations(data: &Dataset, max_size: usize) -> Vec<AttributeUnicity> {
    let names = data.people().names();
    let everyone: Vec<u32> = (0..data.num_records() as u32).collect();
    // Size by size, each size's combinations in lexicographic order of attribute positions.
    let mut subsets: Vec<Vec<usize>> = Vec::new();
    let mut size: Vec<Vec<usize>> = vec![Vec::new()];
    for _ in 0..max_size.min(names.len()) {
        size = size
            .iter()
            .flat_map(|s| {
                let from = s.last().map_or(0, |&k| k + 1);
                (from..names.len()).map(move |k| [s.as_slice(), &[k]].concat())
            })
            .collect();
        subsets.extend(size.iter().cloned());
    }
    subsets
        .into_par_iter()
        .map(|subset| {
            let chosen: Vec<String> = subset.iter().map(|&k| names[k].clone()).collect();
            attributes_alone(data, &chosen, &everyone)
        })
        .collect()
}

/// The unicity of the attributes `names` of `data` alone (points 0) among `people`.
pub fn attributes_alone(data: &Dataset, names: &[String], people: &[u32]) -> AttributeUnicity {
    let known = KnownAttributes::new(data, names);
    let unique = known
        .others_agreeing(people)
        .iter()
        .filter(|&&c| c == 0)
        .count();
    AttributeUnicity {
        attributes: names.to_vec(),
        unique,
        people: people.len(),
        unicity: unique as f64 / people.len().max(1) as f64,
    }
}

fn number(x: Option<f64>) -> String {
    x.map_or(String::new(), |v| format!("{v}"))
}

/// The rows as CSV `knowledge,points,date_tol,people,draws,unique,unicity,unicity_lo,
/// unicity_hi,attributes` (what [`write_csv`] writes).
pub fn to_csv(rows: &[UnicityRow]) -> String {
    let mut s = String::from(
        "knowledge,points,date_tol,people,draws,unique,unicity,unicity_lo,unicity_hi,attributes\n",
    );
    for r in rows {
        s.push_str(&format!(
            "{},{},{},{},{},{},{},{},{},{}\n",
            r.knowledge,
            r.points,
            r.date_tol,
            r.people,
            r.draws,
            r.unique,
            number(r.unicity),
            number(r.unicity_lo),
            number(r.unicity_hi),
            r.attributes
        ));
    }
    s
}

/// Writes [`to_csv`] to `path`.
pub fn write_csv(rows: &[UnicityRow], path: &Path) -> Result<()> {
    let text = to_csv(rows);
    write_atomically(path, |w| w.write_all(text.as_bytes()))
}

/// The rows as a table for the terminal.
pub fn to_text(rows: &[UnicityRow]) -> String {
    let mut s = match rows.first() {
        Some(r) if !r.attributes.is_empty() => format!(
            "known besides the points: {} (points 0: the attributes alone)\n",
            r.attributes
        ),
        _ => String::new(),
    };
    s += &format!(
        "{:<20} {:>6} {:>9} {:>10} {:>9}  95% interval\n",
        "knowledge", "points", "people", "unique", "unicity"
    );
    for r in rows {
        let interval = match (r.unicity_lo, r.unicity_hi) {
            (Some(a), Some(b)) => format!("[{a:.3}, {b:.3}]"),
            _ => String::new(),
        };
        s.push_str(&format!(
            "{:<20} {:>6} {:>9} {:>10} {:>9}  {interval}\n",
            r.knowledge.name(),
            r.points,
            r.people,
            r.unique,
            r.unicity.map_or("-".to_string(), |u| format!("{u:.3}")),
        ));
    }
    s
}

#[cfg(test)]
#[path = "unicity_tests.rs"]
mod tests;
