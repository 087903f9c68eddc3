//! What each release step does to the working data. Every random choice draws from a generator
//! derived from the seed, the step's position and the person's original index, so a release is
//! reproducible whatever the thread count.

use rayon::prelude::*;

use super::knowledge::{FactMap, PolicyKnowledge};
use super::spec::{Noise, Step, Unit};
use super::working::{Entry, Working};
use crate::dataset::values::{MAX_DAY, civil_from_days, days_from_civil};
use crate::dataset::{DatasetKind, NO_DAY, NO_RATING};
use crate::rng::{AliasTable, Rng};
use crate::{Error, Result};

const STREAM: u64 = 0x7e1e;

fn rng(seed: u64, step: usize, person: u32) -> Rng {
    Rng::derive(seed, &[STREAM, step as u64, person as u64])
}

fn noise(rng: &mut Rng, kind: Noise, scale: f64) -> f64 {
    match kind {
        Noise::Laplace => rng.laplace(scale),
        Noise::Uniform => (2.0 * rng.f64() - 1.0) * scale,
    }
}

/// Applies step number `index` to `w`.
pub fn apply(w: &mut Working, step: &Step, index: usize, seed: u64) -> Result<()> {
    match *step {
        Step::Pseudonymize => {}
        Step::Sample { fraction } => {
            w.people
                .retain(|p| rng(seed, index, p.original).f64() < fraction);
        }
        Step::Drop { fraction } => w.people.par_iter_mut().for_each(|p| {
            let mut r = rng(seed, index, p.original);
            p.entries.retain(|_| r.f64() >= fraction);
        }),
        Step::Insert { fraction } => insert(w, fraction, index, seed),
        Step::RatingNoise { scale, noise: kind } => {
            let s = w.scale;
            w.people.par_iter_mut().for_each(|p| {
                let mut r = rng(seed, index, p.original);
                for e in p.entries.iter_mut().filter(|e| e.rating != NO_RATING) {
                    e.rating = s.round(e.rating as f64 + 2.0 * noise(&mut r, kind, scale));
                }
            })
        }
        Step::RatingDrop => w
            .people
            .par_iter_mut()
            .for_each(|p| p.entries.iter_mut().for_each(|e| e.rating = NO_RATING)),
        Step::DateNoise { days, noise: kind } => w.people.par_iter_mut().for_each(|p| {
            let mut r = rng(seed, index, p.original);
            for e in p.entries.iter_mut().filter(|e| e.day != NO_DAY) {
                let shifted = e.day as f64 + noise(&mut r, kind, days).round();
                e.day = shifted.clamp(0.0, MAX_DAY as f64) as u16;
            }
        }),
        Step::DateCoarsen { to } => w.people.par_iter_mut().for_each(|p| {
            for e in p.entries.iter_mut().filter(|e| e.day != NO_DAY) {
                e.day = coarsen(e.day, to);
            }
        }),
        Step::DateDrop => w
            .people
            .par_iter_mut()
            .for_each(|p| p.entries.iter_mut().for_each(|e| e.day = NO_DAY)),
        Step::RareItems { min_support } => {
            let supports = w.supports();
            w.people.par_iter_mut().for_each(|p| {
                p.entries
                    .retain(|e| supports[e.item as usize] >= min_support)
            });
        }
        Step::Truncate { max_per_record } => w.people.par_iter_mut().for_each(|p| {
            if p.entries.len() > max_per_record {
                let mut r = rng(seed, index, p.original);
                let mut keep: Vec<usize> = (0..p.entries.len()).collect();
                for k in 0..max_per_record {
                    let j = k + r.below((keep.len() - k) as u64) as usize;
                    keep.swap(k, j);
                }
                keep.truncate(max_per_record);
                keep.sort_unstable();
                p.entries = keep.into_iter().map(|k| p.entries[k]).collect();
            }
        }),
        Step::KmAnonymity { k, m } => super::km::anonymize(w, k, m)?,
        Step::AttrDrop { ref name } => super::attributes::drop(w, name)?,
        Step::AttrGeneralize { ref name, width } => super::attributes::generalize(w, name, width)?,
        Step::AttrTruncate { ref name, keep } => super::attributes::truncate(w, name, keep)?,
        Step::KAnonymity {
            k,
            ref attributes,
            max_suppressed,
        } => {
            super::kanon::anonymize(w, k, attributes, max_suppressed)?;
        }
        Step::Microaggregate { k } => super::microaggregate::microaggregate(w, k, index, seed)?,
        Step::Dp {
            epsilon,
            max_per_record,
            presence,
        } => {
            super::dp::check_input(w, &step.to_string())?;
            apply(w, &Step::Truncate { max_per_record }, index, seed)?;
            super::dp::randomize(w, epsilon, max_per_record, presence, index, seed)?;
        }
    }
    if super::dp::looks_across_people(step) {
        w.across_people.push(step.to_string());
    }
    if w.people.is_empty() {
        return Err(Error::InvalidArgument(format!(
            "release step {} ({step}) left nobody in the release",
            index + 1
        )));
    }
    Ok(())
}

/// What an adversary who knows `step` does with it (see [`PolicyKnowledge`]): how it maps its
/// facts into the release's representation and how far the step moves released values from the
/// truth. `rating_range` is the release's rating range, stars (it sizes `dp`'s noise). One arm
/// per step, beside [`apply`]: a step that changes values says so here.
pub fn inform(step: &Step, k: &mut PolicyKnowledge, rating_range: f64) {
    // Mean absolute value and a bound covering most draws of a noise of scale `scale`: Laplace
    // (b, b; P(|X| > 3b) = 5%) or uniform in [-s, s] (s / 2, s).
    let spread = |kind: Noise, scale: f64| match kind {
        Noise::Laplace => (scale, 3.0 * scale),
        Noise::Uniform => (scale / 2.0, scale),
    };
    match *step {
        // These remove people or entries at random: the released values are the true ones, but a
        // target may be missing, or a true fact of theirs.
        Step::Sample { fraction } => k.sample_people(fraction),
        Step::Drop { fraction } => k.delete_entries(fraction),
        // A record shorter than the cap lost nothing; one at the cap may have lost most.
        Step::Truncate { max_per_record } => k.cap_records(max_per_record as u64),
        // These remove or add people or entries by rule: the released values are the true ones.
        // An item a step removes from everyone is not in the release: the adversary's facts on it
        // say nothing. Entries `insert` adds are in the release's item popularity, which the
        // attack's model of a random other person reads.
        Step::Pseudonymize
        | Step::Insert { .. }
        | Step::RareItems { .. }
        | Step::KmAnonymity { .. } => {}
        // These change people's attributes, which the release shows as they are (a band, a
        // prefix, a blank): an adversary maps a known value through them by reading the
        // released value itself, so there is nothing more to know.
        Step::AttrDrop { .. }
        | Step::AttrGeneralize { .. }
        | Step::AttrTruncate { .. }
        | Step::KAnonymity { .. } => {}
        Step::RatingNoise { scale, noise: kind } => {
            let (mean, bound) = spread(kind, scale);
            k.widen_ratings(mean, bound);
        }
        Step::RatingDrop => k.push_map(FactMap::DropRating),
        Step::DateNoise { days, noise: kind } => {
            let (mean, bound) = spread(kind, days);
            k.widen_dates(mean, bound);
        }
        Step::DateCoarsen { to } => k.coarsen_dates(to),
        Step::DateDrop => k.push_map(FactMap::DropDate),
        // A rating becomes its group's mean for the item: about one star from the truth on a
        // five-star scale (the spread of ratings around an item's mean), rarely more than two.
        Step::Microaggregate { .. } => k.widen_ratings(1.0, 2.0),
        // Dates dropped; ratings carry Laplace noise of scale 2T x range / ((1 - P) E) stars
        // (the `dp` module's mechanism). Truncation to T caps the records; the randomized
        // response on presence then deletes each kept entry at random (its false entries are in
        // the release's item popularity, which the attack reads).
        Step::Dp {
            epsilon,
            max_per_record,
            presence,
        } => {
            k.cap_records(max_per_record as u64);
            let (kept, _) = super::dp::presence_odds(epsilon, max_per_record, presence);
            k.delete_entries(1.0 - kept);
            k.push_map(FactMap::DropDate);
            let scale = 2.0 * max_per_record as f64 * rating_range / ((1.0 - presence) * epsilon);
            k.widen_ratings(scale, 3.0 * scale);
        }
    }
}

/// The first day of the week (Monday), month or year holding `day`.
pub fn coarsen(day: u16, to: Unit) -> u16 {
    let d = day as i64;
    let start = match to {
        // 1970-01-01 was a Thursday: Mondays are the days with (d + 3) % 7 == 0.
        Unit::Week => d - (d + 3).rem_euclid(7),
        Unit::Month => {
            let (y, m, _) = civil_from_days(d);
            days_from_civil(y, m, 1)
        }
        Unit::Year => {
            let (y, _, _) = civil_from_days(d);
            days_from_civil(y, 1, 1)
        }
    };
    start.max(0) as u16
}

fn insert(w: &mut Working, fraction: f64, index: usize, seed: u64) {
    let supports = w.supports();
    if supports.iter().all(|&s| s == 0) {
        return;
    }
    let items = AliasTable::new(&supports.iter().map(|&s| s as f64).collect::<Vec<_>>());
    let mut rating_counts = vec![0f64; 256];
    let mut day_counts = vec![0f64; 65_536];
    for p in &w.people {
        for e in &p.entries {
            rating_counts[e.rating as usize] += 1.0;
            day_counts[e.day as usize] += 1.0;
        }
    }
    let ratings = AliasTable::new(&rating_counts);
    let days = AliasTable::new(&day_counts);
    let views = w.kind == DatasetKind::Views;
    w.people.par_iter_mut().for_each(|p| {
        let mut r = rng(seed, index, p.original);
        let wanted = fraction * p.entries.len() as f64;
        let count = wanted.floor() as usize + r.bernoulli(wanted.fract()) as usize;
        let mut held: std::collections::HashSet<u32> = p.entries.iter().map(|e| e.item).collect();
        for _ in 0..count {
            // Ratings data holds one entry per item: draw an item the person lacks.
            let item = (0..1000)
                .map(|_| items.sample(&mut r) as u32)
                .find(|i| views || !held.contains(i));
            let Some(item) = item else { break };
            held.insert(item);
            p.entries.push(Entry {
                item,
                rating: ratings.sample(&mut r) as u8,
                day: days.sample(&mut r) as u16,
            });
        }
        p.entries.sort_unstable_by_key(|e| (e.item, e.day));
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dataset::values::{day_to_iso, parse_iso_date};

    #[test]
    fn coarsened_dates_fall_on_boundaries() {
        let d = parse_iso_date(b"2005-06-15").unwrap();
        assert_eq!(day_to_iso(coarsen(d, Unit::Week)), "2005-06-13");
        assert_eq!(day_to_iso(coarsen(d, Unit::Month)), "2005-06-01");
        assert_eq!(day_to_iso(coarsen(d, Unit::Year)), "2005-01-01");
        for day in 10_000..11_000u16 {
            let w = coarsen(day, Unit::Week);
            assert!(w <= day && day - w < 7 && (w as i64 + 3) % 7 == 0);
            assert!(day_to_iso(coarsen(day, Unit::Month)).ends_with("-01"));
        }
    }
}
