//! Release policies: the anonymization side, and what it costs.
//!
//! A policy ([`spec::Policy`]) is a pipeline of steps applied to the original data in its
//! working form ([`working::Working`]): sampling people, dropping or inserting entries, noise on
//! ratings and dates, coarsening and dropping values, suppressing rare items, truncating
//! profiles, k^m-anonymity ([`km`]), and on people's attributes dropping, banding and
//! truncating values ([`attributes`]) and k-anonymity ([`kanon`]). Pseudonymization always comes last: people get new random
//! ids, and the release key ([`ReleaseKey`], in `dataset`, written with mode 0600) is the only place
//! the original ids appear. [`utility`] prices a policy by the RMSE of a baseline predictor.

pub mod attributes;
pub mod dp;
pub mod guarantee;
pub mod kanon;
pub mod km;
pub mod knowledge;
pub mod microaggregate;
pub mod spec;
pub mod step;
pub mod utility;
pub mod working;

/// The defaults of a release.
pub mod defaults {
    /// Seed of every random step.
    pub const SEED: u64 = 0;
}

pub use crate::dataset::ReleaseKey;
pub use knowledge::PolicyKnowledge;
pub use spec::Policy;
pub use step::Step;

use crate::Result;
use crate::dataset::Dataset;
use crate::rng::streams;

/// A release: the released data and its key.
pub struct Release {
    /// The released dataset (new record ids).
    pub data: Dataset,
    /// Released id -> original id.
    pub key: ReleaseKey,
}

/// Applies `policy` to `original` with `seed`.
pub fn release(original: &Dataset, policy: &Policy, seed: u64) -> Result<Release> {
    release_without(original, policy, seed, &[])
}

/// `n` people of `original` (record indices, sorted), drawn with `seed` from a generator of their
/// own: the control group `deanon release --hold-out` leaves out. More than all but one
/// person is an error naming the parameter.
pub fn held_out(original: &Dataset, n: usize, seed: u64) -> Result<Vec<u32>> {
    let people = original.num_records();
    if n > 0 && n >= people {
        return Err(crate::Error::Parameter {
            name: "hold_out",
            message: format!(
                "hold_out must leave someone to release: at most {} of {people} people, got {n}",
                people.saturating_sub(1)
            ),
        });
    }
    let everyone: Vec<u32> = (0..people as u32).collect();
    Ok(crate::rng::Rng::derive(seed, &[streams::RELEASE_HELD_OUT]).sample_sorted(&everyone, n))
}

/// [`release`] of `original` less the people `held_out` (original record indices): a control
/// group the release never saw, against which what linking reveals is measured. The recorded
/// policy is the same (holding people out is the auditor's, not part of the policy), and every
/// released person's steps draw from the same generators as in [`release`].
pub fn release_without(
    original: &Dataset,
    policy: &Policy,
    seed: u64,
    held_out: &[u32],
) -> Result<Release> {
    let mut w = working::Working::from_dataset(original);
    if !held_out.is_empty() {
        let out: std::collections::HashSet<u32> = held_out.iter().copied().collect();
        w.people.retain(|p| !out.contains(&p.original));
    }
    for (index, step) in policy.steps.iter().enumerate() {
        crate::progress::timed(&format!("step {}", index + 1), || {
            step.apply(&mut w, index, seed)
        })?;
    }
    guarantee::verify(&w, &policy.steps)?;
    let (mut data, originals) = w.into_release(original, seed)?;
    data.mark_pseudonymized();
    data.record_release_policy(policy.to_string());
    let key = ReleaseKey::from_pairs((0..data.num_records()).map(|r| {
        (
            data.record_ids().get(r).to_string(),
            original.record_ids().get(originals[r] as usize).to_string(),
        )
    }));
    Ok(Release { data, key })
}
