//! Per-person risk under one adversary model (DESIGN.md section 9): each sampled person in the
//! release gets R aux draws; their risk is the share of draws in which the attack names them
//! (eccentricity >= phi) and is right, their best-guess share the share in which they are the
//! top record. People left out of the release cannot be found; one draw each measures how often
//! the adversary names an innocent record instead (the false-match rate).

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::adversary::Adversary;
use crate::Result;
use crate::attack::AttackParams;
use crate::auxiliary::sampler;
use crate::dataset::{Dataset, ReleaseKey};
use crate::linkage::{self, AttackOptions, Executor};
use crate::rng::Rng;

/// One person's risk under one adversary.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct PersonRisk {
    /// The person (record index of the original data).
    pub person: u32,
    /// Aux draws scored (draws lacking enough facts are skipped).
    pub draws: u32,
    /// Share of draws in which the adversary names the person and is right.
    pub risk: f64,
    /// Share of draws in which the person is the top record.
    pub best_guess: f64,
}

/// What one adversary achieves against one release.
#[derive(Clone, Debug, Default)]
pub struct AdversaryRisk {
    /// The members' risks, in person order.
    pub people: Vec<PersonRisk>,
    /// Non-members attacked (one draw each).
    pub non_members: usize,
    /// Non-members for whom the adversary named a record (all wrong by construction).
    pub false_matches: usize,
}

/// A seeded 95% bootstrap interval of the mean of `values` (over people).
pub fn mean_interval(values: &[f64], resamples: usize, seed: u64) -> Option<[f64; 2]> {
    crate::rng::bootstrap_mean_interval(values, resamples, &mut Rng::derive(seed, &[61]))
}

/// What one measurement needs besides the adversary.
pub struct Target<'a> {
    /// The original data (aux facts are drawn from it).
    pub original: &'a Dataset,
    /// The release attacked.
    pub released: &'a Arc<Dataset>,
    /// Its key.
    pub key: &'a ReleaseKey,
    /// Sampled people in the release (original record indices, sorted).
    pub members: &'a [u32],
    /// Sampled people left out of it.
    pub non_members: &'a [u32],
    /// Draws per member.
    pub draws: usize,
    /// Where the attack runs.
    pub executor: &'a Executor,
}

/// Attacks `target` as `adversary` would; `None` in the cluster processes other than 0.
pub fn measure(
    target: &Target<'_>,
    adversary: &Adversary,
    seed: u64,
    label: String,
) -> Result<Option<AdversaryRisk>> {
    let params = adversary.aux_params(seed);
    let mut aux = sampler::sample_people(target.original, &params, target.members, target.draws)?;
    let members_drawn = aux.len();
    aux.extend(sampler::sample_people(
        target.original,
        &params,
        target.non_members,
        1,
    )?);
    let (owners, records): (Vec<u32>, Vec<_>) = aux.into_iter().unzip();
    if records.is_empty() {
        return Ok(Some(AdversaryRisk::default()));
    }
    let options = AttackOptions {
        resamples: 0,
        label,
        require_common_items: false,
        ..AttackOptions::default()
    };
    let Some(attacked) = linkage::attack(
        target.released,
        &records,
        Some(target.key),
        &AttackParams::defaults(),
        target.executor,
        &options,
    )?
    else {
        return Ok(None);
    };
    let outcomes = &attacked.outcomes;
    let mut people: Vec<PersonRisk> = Vec::new();
    for (k, &person) in owners[..members_drawn].iter().enumerate() {
        let o = &outcomes[k];
        if people.last().is_none_or(|p| p.person != person) {
            people.push(PersonRisk {
                person,
                draws: 0,
                risk: 0.0,
                best_guess: 0.0,
            });
        }
        let p = people.last_mut().expect("pushed");
        p.draws += 1;
        p.risk += (o.correct && o.m.matched) as u32 as f64;
        p.best_guess += o.correct as u32 as f64;
    }
    for p in &mut people {
        p.risk /= p.draws as f64;
        p.best_guess /= p.draws as f64;
    }
    let innocent = &outcomes[members_drawn..];
    Ok(Some(AdversaryRisk {
        people,
        non_members: innocent.len(),
        false_matches: innocent.iter().filter(|o| o.m.matched).count(),
    }))
}
