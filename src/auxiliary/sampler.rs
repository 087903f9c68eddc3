//! Samples auxiliary information from the original data, as in the Netflix study.
//!
//! For each target: M facts drawn uniformly from the target's entries (restricted to items
//! outside the TOP most-rated ones with `rare:TOP`); K of them replaced by completely wrong
//! facts (an item the target does not hold, a random rating and a random date); each kept
//! rating moved by a uniform amount in [-R, R] (rounded to the data's rating step and clamped to
//! its scale), each kept date shifted uniformly in [-D, D] days; ratings or dates dropped on
//! request. Targets with fewer than M usable entries are skipped and counted, unless
//! `up_to` is set: then such a target's adversary knows every usable entry of theirs (n of them),
//! floor(K n / M) of them replaced by wrong facts, so that everyone sampled is attacked.
//!
//! With a release key, targets are drawn from the people in the release, and `non_members` more
//! records from the people not in it (to measure false matches). Each target draws from its own
//! generator, derived from the seed and its position, so the output does not depend on the
//! thread count.

use rayon::prelude::*;

use super::{AuxFact, AuxRecord};
use crate::dataset::{Dataset, RatingScale, ReleaseKey};
use crate::rng::Rng;
use crate::rng::streams;
use crate::{Error, Result};

/// Which items facts may come from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Selection {
    /// Any item of the target.
    Uniform,
    /// Only items outside the TOP most-rated (by supp in the original data).
    Rare(usize),
}

impl Selection {
    /// Parses `uniform` or `rare:TOP`.
    pub fn parse(text: &str) -> Result<Selection> {
        if text == "uniform" {
            return Ok(Selection::Uniform);
        }
        if let Some(top) = text.strip_prefix("rare:")
            && let Ok(top) = top.parse()
        {
            return Ok(Selection::Rare(top));
        }
        Err(Error::Parameter {
            name: "select",
            message: format!(
                "select must be 'uniform' or 'rare:TOP' (e.g. rare:500), got '{text}'"
            ),
        })
    }

    /// The name, as parsed.
    pub fn name(&self) -> String {
        match self {
            Selection::Uniform => "uniform".to_string(),
            Selection::Rare(top) => format!("rare:{top}"),
        }
    }
}

impl serde::Serialize for Selection {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(&self.name())
    }
}

impl<'de> serde::Deserialize<'de> for Selection {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Selection::parse(&text).map_err(serde::de::Error::custom)
    }
}

impl std::str::FromStr for Selection {
    type Err = Error;

    fn from_str(text: &str) -> Result<Selection> {
        Selection::parse(text)
    }
}

/// The default of every sampling parameter; the command line and the experiment file take
/// them from here.
pub mod defaults {
    /// Targets.
    pub const TARGETS: usize = 1000;
    /// Facts per target (M).
    pub const ITEMS: usize = 8;
    /// Wrong facts among them (K).
    pub const WRONG: usize = 0;
    /// Rating error, stars.
    pub const RATING_ERROR: f64 = 0.0;
    /// Date error, days.
    pub const DATE_ERROR: u32 = 14;
    /// Fact selection.
    pub const SELECT: &str = "uniform";
    /// Relative error of the known rating count (0: not known).
    pub const COUNT_ERROR: f64 = 0.0;
    /// Seed.
    pub const SEED: u64 = 0;
}

/// How to sample aux records. Python's `sample_aux` reads its keywords into it (serde), each
/// field by its name; one left out takes the default.
#[derive(Clone, Debug, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AuxParams {
    /// Number of targets.
    pub targets: usize,
    /// Facts per target (M).
    pub items: usize,
    /// Completely wrong facts among them (K).
    pub wrong: usize,
    /// Maximum rating error in stars (R).
    pub rating_error: f64,
    /// Maximum date error in days (D).
    pub date_error: u32,
    /// Whether facts carry dates.
    pub dates: bool,
    /// Whether facts carry ratings.
    pub ratings: bool,
    /// Which items facts come from.
    pub select: Selection,
    /// Aux records of people not in the release (needs a key).
    pub non_members: usize,
    /// When > 0, the adversary also knows the target's number of ratings within this relative
    /// error: `count` = true count x a uniform factor in [1 - E, 1 + E], rounded.
    pub count_error: f64,
    /// The seed.
    pub seed: u64,
    /// Attributes of the people table the adversary also knows (names).
    pub attributes: Vec<String>,
    /// (attribute, E): a numeric attribute known only within +-E, as a range of width 2E whose
    /// centre is off the true value by up to E (uniformly, in whole units).
    #[serde(rename = "attribute_error")]
    pub attribute_errors: Vec<(String, u32)>,
    /// A target with fewer than M usable entries gives all of them (with proportionally fewer
    /// wrong facts) instead of being skipped; `items = usize::MAX` then means every entry. The
    /// audit's knowledge curve sets it; it is not a keyword.
    #[serde(skip)]
    pub up_to: bool,
}

impl Default for AuxParams {
    fn default() -> Self {
        AuxParams {
            targets: defaults::TARGETS,
            items: defaults::ITEMS,
            wrong: defaults::WRONG,
            rating_error: defaults::RATING_ERROR,
            date_error: defaults::DATE_ERROR,
            dates: true,
            ratings: true,
            select: Selection::Uniform,
            non_members: 0,
            count_error: defaults::COUNT_ERROR,
            seed: defaults::SEED,
            attributes: Vec::new(),
            attribute_errors: Vec::new(),
            up_to: false,
        }
    }
}

impl AuxParams {
    /// Checks every value's domain; errors name the parameter.
    pub fn check(&self) -> Result<()> {
        if self.items == 0 && self.attributes.is_empty() {
            return Err(Error::Parameter {
                name: "items",
                message: "items must be at least 1, got 0 (0 is for an adversary who knows --attributes only)".into(),
            });
        }
        for (k, name) in self.attributes.iter().enumerate() {
            if self.attributes[..k].contains(name) {
                return Err(Error::Parameter {
                    name: "attributes",
                    message: format!("attributes names '{name}' twice"),
                });
            }
            if crate::dataset::is_aux_column(name) {
                return Err(Error::Parameter {
                    name: "attributes",
                    message: format!(
                        "attributes names '{name}', a name reserved for the aux file's own columns ({})",
                        crate::dataset::AUX_COLUMNS.join(", ")
                    ),
                });
            }
        }
        for (k, (name, _)) in self.attribute_errors.iter().enumerate() {
            if self.attribute_errors[..k].iter().any(|(n, _)| n == name) {
                return Err(Error::Parameter {
                    name: "attribute_error",
                    message: format!("attribute_error names '{name}' twice"),
                });
            }
            if !self.attributes.contains(name) {
                return Err(Error::Parameter {
                    name: "attribute_error",
                    message: format!(
                        "attribute_error names '{name}', which is not among the known attributes ({})",
                        self.attributes.join(", ")
                    ),
                });
            }
        }
        if self.wrong > self.items {
            return Err(Error::Parameter {
                name: "wrong",
                message: format!(
                    "wrong must be at most items ({}), got {}",
                    self.items, self.wrong
                ),
            });
        }
        if !(self.rating_error.is_finite() && self.rating_error >= 0.0) {
            return Err(Error::Parameter {
                name: "rating_error",
                message: format!("rating_error must be >= 0, got {}", self.rating_error),
            });
        }
        if !(0.0..1.0).contains(&self.count_error) {
            return Err(Error::Parameter {
                name: "count_error",
                message: format!("count_error must be in [0, 1), got {}", self.count_error),
            });
        }
        Ok(())
    }
}

impl AuxParams {
    /// Checks the attributes against `data`'s people table: each exists, and each with an error
    /// is numeric.
    pub fn check_attributes(&self, data: &Dataset) -> Result<()> {
        let people = data.people();
        for name in &self.attributes {
            let Some((_, attribute)) = people.find(name) else {
                return Err(Error::Parameter {
                    name: "attributes",
                    message: if people.is_empty() {
                        format!("'{name}': the data has no people table (import one with --people)")
                    } else {
                        format!(
                            "'{name}' is not an attribute of the data ({})",
                            people.names().join(", ")
                        )
                    },
                });
            };
            let error = self.attribute_errors.iter().find(|(n, _)| n == name);
            if error.is_some_and(|(_, e)| *e > 0) && !attribute.is_numeric() {
                return Err(Error::Parameter {
                    name: "attribute_error",
                    message: format!("'{name}' is not numeric: it takes no error"),
                });
            }
        }
        Ok(())
    }
}

/// Parses `NAME=E` (`age=2`): an attribute and its error in whole units.
pub fn parse_attribute_error(text: &str) -> Result<(String, u32)> {
    let bad = || Error::Parameter {
        name: "attribute_error",
        message: format!(
            "attribute_error takes NAME=E with E a whole number from 0 to {} (e.g. age=2), got '{text}'",
            u32::MAX
        ),
    };
    let (name, error) = text.split_once('=').ok_or_else(bad)?;
    let error = error.trim().parse::<u32>().map_err(|_| bad())?;
    if name.trim().is_empty() {
        return Err(bad());
    }
    Ok((name.trim().to_string(), error))
}

/// The attributes of `target` the adversary knows (see [`AuxParams::attribute_errors`]).
fn known_attributes(
    data: &Dataset,
    params: &AuxParams,
    target: u32,
    rng: &mut Rng,
) -> Vec<crate::dataset::AuxAttribute> {
    let people = data.people();
    params
        .attributes
        .iter()
        .filter_map(|name| {
            let (_, attribute) = people.find(name)?;
            let value = attribute.value_of(target as usize)?;
            let error = params
                .attribute_errors
                .iter()
                .find(|(n, _)| n == name)
                .map_or(0, |(_, e)| *e as i64);
            let value = match crate::dataset::people::integer(value) {
                Some(v) if error > 0 => {
                    let (lo, hi) = known_range(v, error, rng.range_inclusive(-error, error));
                    format!("{lo}-{hi}")
                }
                _ => value.to_string(),
            };
            Some(crate::dataset::AuxAttribute {
                name: name.clone(),
                value,
            })
        })
        .collect()
}

/// The range of width `2 error + 1` centred `shift` away from `value` (so that it holds it),
/// cut to the integers an `i64` holds: near the extremes the range is narrower on that side,
/// and still holds `value`.
fn known_range(value: i64, error: i64, shift: i64) -> (i64, i64) {
    let centre = value as i128 + shift as i128;
    let clamp = |x: i128| x.clamp(i64::MIN as i128, i64::MAX as i128) as i64;
    (clamp(centre - error as i128), clamp(centre + error as i128))
}

/// Sampled aux records and how many targets were skipped.
#[derive(Debug)]
pub struct Sampled {
    /// The aux records: members first, then non-members.
    pub records: Vec<AuxRecord>,
    /// Targets skipped for having fewer than M usable entries.
    pub skipped: usize,
}

/// What a fact may be drawn from: the data's scale and the items allowed.
struct Scale {
    rating_min: u8,
    rating_max: u8,
    rating_step: u8,
    day_min: u16,
    day_max: u16,
    allowed: Vec<bool>,
    allowed_items: Vec<u32>,
}

impl Scale {
    /// The scale of `data`; facts may come from the items `select` allows, except `except`.
    fn of(data: &Dataset, select: Selection, except: &[u32]) -> Scale {
        // Unused when the data lacks ratings (dates): facts then carry none.
        let ratings = data.rating_scale().unwrap_or(RatingScale {
            min: 2,
            max: 10,
            step: 2,
        });
        let (day_min, day_max) = data.day_range().unwrap_or((0, 0));
        let m = data.num_items();
        let mut allowed = vec![true; m];
        if let Selection::Rare(top) = select {
            let mut by_support: Vec<u32> = (0..m as u32).collect();
            by_support.sort_by_key(|&i| (std::cmp::Reverse(data.support(i)), i));
            for &i in by_support.iter().take(top) {
                allowed[i as usize] = false;
            }
        }
        for &i in except {
            allowed[i as usize] = false;
        }
        let allowed_items = (0..m as u32).filter(|&i| allowed[i as usize]).collect();
        Scale {
            rating_min: ratings.min,
            rating_max: ratings.max,
            rating_step: ratings.step,
            day_min,
            day_max,
            allowed,
            allowed_items,
        }
    }

    fn random_rating(&self, rng: &mut Rng) -> u8 {
        let steps = ((self.rating_max - self.rating_min) / self.rating_step) as u64;
        self.rating_min + self.rating_step * rng.below(steps + 1) as u8
    }

    fn noisy_rating(&self, rating: u8, error: f64, rng: &mut Rng) -> u8 {
        if error <= 0.0 {
            return rating;
        }
        let stars = rating as f64 / 2.0 + (2.0 * rng.f64() - 1.0) * error;
        let step = self.rating_step as f64 / 2.0;
        let rounded = (stars / step).round() * step * 2.0;
        (rounded as i64).clamp(self.rating_min as i64, self.rating_max as i64) as u8
    }
}

/// One target's aux record with id `id`, or `None` when the target has too few usable facts.
fn aux_record(
    original: &Dataset,
    scale: &Scale,
    params: &AuxParams,
    target: u32,
    rng: &mut Rng,
    id: String,
) -> Option<AuxRecord> {
    sample_one(original, scale, params, target, rng).map(|facts| {
        let n = original.record(target).len() as f64;
        let count = (params.count_error > 0.0).then(|| {
            (n * (1.0 + (2.0 * rng.f64() - 1.0) * params.count_error))
                .round()
                .max(0.0) as u32
        });
        let attributes = known_attributes(original, params, target, rng);
        AuxRecord {
            id,
            facts,
            true_user: Some(original.record_ids().get(target as usize).to_string()),
            count,
            attributes,
        }
    })
}

/// `draws` aux records of each of `people` (record indices of `original`), each drawn from a
/// generator derived from the seed, the person and the draw, so a person's draws do not depend
/// on who else is sampled. Returns (person, record) for the draws with enough usable facts;
/// record ids are `person_index.draw`. `params.targets` and `params.non_members` are not used.
pub fn sample_people(
    original: &Dataset,
    params: &AuxParams,
    people: &[u32],
    draws: usize,
) -> Result<Vec<(u32, AuxRecord)>> {
    sample_people_except(original, params, people, draws, &[])
}

/// [`sample_people`] with facts drawn from items other than `except` (item indices of
/// `original`): what the adversary knows besides a statement about those items.
pub fn sample_people_except(
    original: &Dataset,
    params: &AuxParams,
    people: &[u32],
    draws: usize,
    except: &[u32],
) -> Result<Vec<(u32, AuxRecord)>> {
    params.check()?;
    params.check_attributes(original)?;
    let scale = Scale::of(original, params.select, except);
    let out: Vec<Vec<(u32, AuxRecord)>> = people
        .par_iter()
        .map(|&person| {
            (0..draws)
                .filter_map(|d| {
                    let mut rng =
                        Rng::derive(params.seed, &[streams::AUX_PERSON, person as u64, d as u64]);
                    aux_record(
                        original,
                        &scale,
                        params,
                        person,
                        &mut rng,
                        format!("{person}.{d}"),
                    )
                    .map(|r| (person, r))
                })
                .collect()
        })
        .collect();
    Ok(out.into_iter().flatten().collect())
}

/// Samples aux records from `original` (see the module docs).
pub fn sample(original: &Dataset, params: &AuxParams, key: Option<&ReleaseKey>) -> Result<Sampled> {
    params.check()?;
    params.check_attributes(original)?;
    if params.non_members > 0 && key.is_none() {
        return Err(Error::Parameter {
            name: "non_members",
            message: "non_members needs the release key (--key; key= in Python): non-members are the people it leaves out"
                .into(),
        });
    }
    let scale = Scale::of(original, params.select, &[]);
    let n = original.num_records();
    let ids = original.record_ids();
    let (members, others): (Vec<u32>, Vec<u32>) = match key {
        Some(key) => (0..n as u32).partition(|&r| key.is_member(ids.get(r as usize))),
        None => ((0..n as u32).collect(), Vec::new()),
    };
    if key.is_some() && members.is_empty() {
        return Err(Error::InvalidArgument(
            "no record of the original data is in the release key: is it the key of a release of this data?".into(),
        ));
    }
    let draw = |pool: &[u32], count: usize, stream: u64| -> Vec<u32> {
        let mut pool = pool.to_vec();
        let mut rng = Rng::derive(params.seed, &[streams::AUX_TARGETS, stream]);
        let count = count.min(pool.len());
        for k in 0..count {
            let j = k + rng.below((pool.len() - k) as u64) as usize;
            pool.swap(k, j);
        }
        pool.truncate(count);
        pool
    };
    let member_targets = draw(&members, params.targets, streams::AUX_MEMBER);
    let other_targets = draw(&others, params.non_members, streams::AUX_NON_MEMBER);
    let make = |targets: &[u32], stream: u64, prefix: &str| -> Vec<Option<AuxRecord>> {
        targets
            .par_iter()
            .enumerate()
            .map(|(k, &target)| {
                let mut rng = Rng::derive(params.seed, &[stream, k as u64]);
                aux_record(
                    original,
                    &scale,
                    params,
                    target,
                    &mut rng,
                    format!("{prefix}{}", k + 1),
                )
            })
            .collect()
    };
    let mut records = Vec::new();
    let mut skipped = 0;
    for r in make(&member_targets, streams::AUX_MEMBER, "")
        .into_iter()
        .chain(make(&other_targets, streams::AUX_NON_MEMBER, "n"))
    {
        match r {
            Some(r) => records.push(r),
            None => skipped += 1,
        }
    }
    Ok(Sampled { records, skipped })
}

/// How many facts (M') and wrong facts (K') a target with `usable` usable entries gives: M and
/// K when it has at least M; with `up_to`, all of them and floor(K x usable / M) wrong (an
/// adversary who also knows attributes keeps those when the target has no usable entry); else
/// `None` (skipped).
fn known_counts(params: &AuxParams, usable: usize) -> Option<(usize, usize)> {
    if usable >= params.items {
        return Some((params.items, params.wrong));
    }
    if !params.up_to || (usable == 0 && params.attributes.is_empty()) {
        return None;
    }
    let wrong = (params.wrong as u128 * usable as u128 / params.items as u128) as usize;
    Some((usable, wrong))
}

fn sample_one(
    data: &Dataset,
    scale: &Scale,
    params: &AuxParams,
    target: u32,
    rng: &mut Rng,
) -> Option<Vec<AuxFact>> {
    let entries = data.record(target);
    let usable: Vec<usize> = (0..entries.len())
        .filter(|&k| scale.allowed[entries.keys[k] as usize])
        .collect();
    let (items, wrong_count) = known_counts(params, usable.len())?;
    // M distinct entries, uniformly (partial Fisher-Yates), in the record's order.
    let mut pick = usable;
    for k in 0..items {
        let j = k + rng.below((pick.len() - k) as u64) as usize;
        pick.swap(k, j);
    }
    pick.truncate(items);
    // Which K of them become wrong facts.
    let mut order: Vec<usize> = (0..items).collect();
    rng.shuffle(&mut order);
    let mut wrong = vec![false; items];
    order
        .iter()
        .take(wrong_count)
        .for_each(|&k| wrong[k] = true);
    let ids = data.item_ids();
    let mut facts = Vec::with_capacity(items);
    for (slot, &k) in pick.iter().enumerate() {
        let (item, rating, day) = if wrong[slot] {
            // An item the target does not hold (give up on targets that hold nearly all).
            let item = (0..10_000).find_map(|_| {
                let candidate =
                    scale.allowed_items[rng.below(scale.allowed_items.len() as u64) as usize];
                entries
                    .keys
                    .binary_search(&candidate)
                    .is_err()
                    .then_some(candidate)
            })?;
            let rating = data.has_ratings().then(|| scale.random_rating(rng));
            let day = data
                .has_dates()
                .then(|| rng.range_inclusive(scale.day_min as i64, scale.day_max as i64) as u16);
            (item, rating, day)
        } else {
            let rating = entries
                .rating(k)
                .map(|r| scale.noisy_rating(r.0, params.rating_error, rng));
            let day = entries.day(k).map(|d| {
                let shift =
                    rng.range_inclusive(-(params.date_error as i64), params.date_error as i64);
                (d as i64 + shift).clamp(0, crate::dataset::values::MAX_DAY as i64) as u16
            });
            (entries.keys[k], rating, day)
        };
        facts.push(AuxFact {
            item: ids.get(item as usize).to_string(),
            rating: rating.filter(|_| params.ratings),
            day: day.filter(|_| params.dates),
        });
    }
    Some(facts)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn attribute_error_on_the_largest_integers_gives_a_range_that_holds_them() {
        for value in [i64::MAX, i64::MIN, i64::MAX - 1, i64::MIN + 1, 0] {
            for shift in [-3, 0, 3] {
                let (lo, hi) = known_range(value, 3, shift);
                assert!(lo <= value && value <= hi, "{value} {shift}: {lo}-{hi}");
                let text = format!("{lo}-{hi}");
                assert!(
                    crate::dataset::people::compatible(&text, &value.to_string()),
                    "{text} must agree with {value}"
                );
            }
        }
    }

    proptest! {
        #[test]
        fn every_known_range_holds_its_value(value: i64, error in 1i64..=u32::MAX as i64, pick: u64) {
            let shift = (pick % (2 * error as u64 + 1)) as i64 - error;
            let (lo, hi) = known_range(value, error, shift);
            prop_assert!(lo <= value && value <= hi);
        }
    }

    #[test]
    fn attribute_error_named_twice_or_too_large_is_refused_naming_the_limit() {
        let params = AuxParams {
            attributes: vec!["age".into()],
            attribute_errors: vec![("age".into(), 2), ("age".into(), 3)],
            ..AuxParams::default()
        };
        let e = params.check().unwrap_err().to_string();
        assert!(e.contains("'age' twice"), "{e}");
        let e = parse_attribute_error("age=4294967296")
            .unwrap_err()
            .to_string();
        assert!(e.contains("from 0 to 4294967295"), "{e}");
        assert_eq!(
            parse_attribute_error("age=4294967295").unwrap(),
            ("age".to_string(), u32::MAX)
        );
    }

    #[test]
    fn an_attribute_named_like_an_aux_column_is_refused() {
        let params = AuxParams {
            attributes: vec!["count".into()],
            ..AuxParams::default()
        };
        let e = params.check().unwrap_err().to_string();
        assert!(e.contains("'count'") && e.contains("reserved"), "{e}");
    }
}
