//! `dp:epsilon=E,max_per_record=T,presence=P`: a differentially private release of each
//! person's record, by randomized response on presence and the Laplace mechanism on ratings.
//!
//! The mechanism, per person (every person is released, under a new id):
//! 1. Contribution bound: keep at most T of the person's ratings (a random subset).
//! 2. Presence, with eps_p = P * E / (2T) per item: each item the person rated is released
//!    with probability e^eps_p / (1 + e^eps_p); each item they did not rate is released with
//!    probability 1 / (1 + e^eps_p) (randomized response over all M items).
//! 3. Ratings: every released entry's rating is the true rating (an item the person rated) or
//!    the middle of the scale (an item they did not), plus Laplace noise of scale
//!    2T * range / ((1 - P) * E), then rounded to the scale and clamped.
//! 4. Dates are dropped.
//!
//! What holds: replacing one person's record (entries and attributes) by any other record
//! changes at most 2T presence bits (T removed, T added, after truncation) and at most 2T
//! coordinates of the rating vector, each by at most the rating range. So presence is
//! (2T * eps_p) = P * E differentially private, ratings (1 - P) * E, and by composition the
//! release of each person's record is E-DP at the person level (bounded DP: one record
//! replaced). Nothing else the release holds is read from the people's data, which the step
//! checks before it runs ([`check_input`]):
//! - the items randomized over are the declared public catalogue (`deanon import --items`),
//!   items nobody holds included, not the items the data happens to hold;
//! - the rating scale (its bounds, step, middle and the noise's range) is the declared one
//!   (`--rating-scale`), not the data's;
//! - no attribute is released: the step refuses data whose people table still has attributes
//!   (drop them first with `attr-drop`);
//! - no earlier step looks across people (as its [`super::step::Effects`] say: `insert`,
//!   `rare-items`, `microaggregate`, `km-anonymity`, `k-anonymity`), which would make one
//!   person's input depend on the others' data. Later steps see only the randomized records: post-processing.
//!
//! Rounding, clamping, pseudonymization (a random permutation of records under fresh ids) and
//! listing the items that remain are post-processing and keep the guarantee.
//!
//! What does not hold: the number of people is released exactly (replacing a record keeps it;
//! adding or removing a person is visible: this is bounded, not unbounded, DP); dates are not
//! protected, which is why they are dropped; the guarantee is about the truncated record, so
//! ratings beyond T are simply not released. Small E means a release that is mostly noise: with
//! E = 1 and T = 20 almost half of all items appear in every record; the step refuses outputs
//! over 500 million entries (a bound on the count of people and catalogue items, both public).

use rayon::prelude::*;

use super::working::{Entry, Working};
use crate::dataset::{NO_DAY, NO_RATING};
use crate::rng::Rng;
use crate::rng::streams;
use crate::{Error, Result};

const MAX_OUTPUT: f64 = 5e8;

/// Refuses to run `dp` (written `step`) where its guarantee would not cover the whole release:
/// no declared catalogue, rated data without a declared scale, attributes still released, or an
/// earlier step that looks across people.
pub fn check_input(w: &Working, step: &str) -> Result<()> {
    let refuse = |why: String| Err(Error::InvalidArgument(format!("step '{step}': {why}")));
    if !w.declared.catalogue {
        return refuse(
            "the data declares no item catalogue, so the items dp randomizes over would be read from the people's data; import it with `deanon import --items CATALOGUE.csv` (every item that exists, held or not)".into(),
        );
    }
    let rated = w
        .people
        .iter()
        .any(|p| p.entries.iter().any(|e| e.rating != NO_RATING));
    if rated && w.declared.rating_scale.is_none() {
        return refuse(
            "the data declares no rating scale, so dp's bounds and noise would be read from the people's ratings; import it with `deanon import --rating-scale MIN..MAX:STEP` (e.g. 1..5:1)".into(),
        );
    }
    if !w.attributes.is_empty() {
        return refuse(format!(
            "dp does not privatize the people's attributes ({}); drop them before it (attr-drop:name=...)",
            w.attributes.join(", ")
        ));
    }
    if let Some(earlier) = w.across_people.first() {
        return refuse(format!(
            "an earlier step ({earlier}) makes one person's record depend on others' data, which dp's guarantee does not cover; put dp before it"
        ));
    }
    Ok(())
}

/// Step 2's probabilities: that an item the person rated is released, and that one they did not
/// rate is.
pub fn presence_odds(epsilon: f64, max_per_record: usize, presence: f64) -> (f64, f64) {
    let eps_p = presence * epsilon / (2.0 * max_per_record as f64);
    (eps_p.exp() / (1.0 + eps_p.exp()), 1.0 / (1.0 + eps_p.exp()))
}

/// Applies steps 2-4 (the caller has truncated to `max_per_record`).
pub fn randomize(
    w: &mut Working,
    epsilon: f64,
    max_per_record: usize,
    presence: f64,
    index: usize,
    seed: u64,
) -> Result<()> {
    let t = max_per_record as f64;
    let (keep, add) = presence_odds(epsilon, max_per_record, presence);
    let m = w.items as f64;
    let expected = w.people.len() as f64 * (t * keep + m * add);
    if expected > MAX_OUTPUT {
        return Err(Error::InvalidArgument(format!(
            "dp with epsilon={epsilon} and max_per_record={max_per_record} would release about {expected:.0} entries \
             ({:.0} per person, most of them noise); raise epsilon or lower max_per_record",
            expected / w.people.len().max(1) as f64
        )));
    }
    let scale = w.scale;
    let range = (scale.max - scale.min) as f64; // half stars
    let laplace = 2.0 * t * range / ((1.0 - presence) * epsilon);
    let middle = (scale.min as f64 + scale.max as f64) / 2.0;
    // Declared, not read off the entries: rated data declares its scale ([`check_input`]).
    let has_ratings = w.declared.rating_scale.is_some();
    let items = w.items as u32;
    w.people.par_iter_mut().for_each(|p| {
        let mut rng = Rng::derive(seed, &[streams::DP_NOISE, index as u64, p.original as u64]);
        let mut held: Vec<Entry> = std::mem::take(&mut p.entries);
        held.sort_unstable_by_key(|e| e.item);
        let mut out = Vec::new();
        // Walk all items, jumping between the non-held ones chosen with probability `add`
        // (geometric gaps), and flipping a coin for each held one.
        let mut next_added = rng.geometric(add) - 1;
        let mut non_held_seen = 0u64;
        let mut h = 0usize;
        let mut item = 0u32;
        while item < items {
            if h < held.len() && held[h].item == item {
                if rng.f64() < keep {
                    let base = if held[h].rating == NO_RATING {
                        middle
                    } else {
                        held[h].rating as f64
                    };
                    out.push((item, base));
                }
                h += 1;
                item += 1;
                continue;
            }
            // Skip ahead to the next chosen non-held item, item by item across held ones.
            if non_held_seen == next_added {
                out.push((item, middle));
                next_added += rng.geometric(add);
            }
            non_held_seen += 1;
            item += 1;
        }
        p.entries = out
            .into_iter()
            .map(|(item, base)| Entry {
                item,
                rating: if has_ratings {
                    scale.round(base + rng.laplace(laplace))
                } else {
                    NO_RATING
                },
                day: NO_DAY,
            })
            .collect();
    });
    Ok(())
}
