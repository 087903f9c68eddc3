//! The adversary of a published statement: they know that their target is in the cohort (a
//! friend who saw them binge) and M more facts of the target, of items other than the
//! statement's, with dates within +-D days. Each target's facts are scored twice with
//! Scoreboard-RH and its default parameters through `linkage::attack`: against the cohort's
//! records alone (the statement has shrunk the haystack to them) and against everyone. Top-1 is
//! the share of draws whose best-scoring record is the target; the anonymity set is 2 to the
//! entropy of the entropic output (the number of equally likely records that much uncertainty
//! is worth). Both are averaged over a person's draws, then over people, with 95% bootstrap
//! intervals over people.

use std::sync::Arc;

use serde::Serialize;

use crate::Result;
use crate::attack::AttackParams;
use crate::attack::matches::Outcome;
use crate::auxiliary::sampler::{self, AuxParams};
use crate::dataset::{Dataset, ItemIdx, RecordIdx, cohort};
use crate::linkage::{self, AttackOptions, Executor};
use crate::rng::{Rng, bootstrap_mean_interval};

/// What the adversary knows besides the statement, and how many draws measure it.
#[derive(Clone, Debug)]
pub struct Knowledge {
    /// Facts of the target (M), of items other than the statement's.
    pub facts: usize,
    /// Their dates are off by up to this many days (D).
    pub date_error: u32,
    /// Cohort members attacked at most (a seeded sample of a larger cohort).
    pub targets: usize,
    /// Aux draws per target.
    pub draws: usize,
    /// Bootstrap resamples of the intervals.
    pub resamples: usize,
    /// Seed of the sample, the draws and the bootstrap.
    pub seed: u64,
}

/// Rates over the targets in one haystack.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Haystack {
    /// Mean over targets of the share of draws whose top record is the target.
    pub reidentified: f64,
    /// Its 95% bootstrap interval over targets.
    pub reidentified_ci: Option<[f64; 2]>,
    /// The same, when the adversary also needs eccentricity >= phi to name the record.
    pub named: f64,
    /// Mean over targets of 2^entropy (bits) of the entropic output.
    pub anonymity_set: f64,
    /// Its 95% bootstrap interval over targets.
    pub anonymity_set_ci: Option<[f64; 2]>,
}

/// What the adversary achieves in the cohort and in the whole population.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Haystacks {
    /// Cohort members attacked (those with at least M facts of other items).
    pub targets: usize,
    /// Cohort members sampled but left out for holding fewer than M facts of other items.
    pub targets_skipped: usize,
    /// Candidates: the cohort only.
    pub in_cohort: Haystack,
    /// Candidates: everyone.
    pub in_population: Haystack,
}

const STREAM_TARGETS: u64 = 41;
const STREAM_AUX: u64 = 42;
const STREAM_BOOTSTRAP: u64 = 43;

/// The cohort members attacked: all of them, or a seeded sample of `targets`, in record order.
fn sample_targets(cohort: &[RecordIdx], targets: usize, seed: u64) -> Vec<RecordIdx> {
    let mut pool = cohort.to_vec();
    if pool.len() > targets {
        let mut rng = Rng::derive(seed, &[STREAM_TARGETS]);
        for k in 0..targets {
            let j = k + rng.below((pool.len() - k) as u64) as usize;
            pool.swap(k, j);
        }
        pool.truncate(targets);
        pool.sort_unstable();
    }
    pool
}

/// Per person (in the order of `owners`, grouped): the mean of `value` over their draws.
fn per_person(
    owners: &[RecordIdx],
    outcomes: &[Outcome],
    value: impl Fn(&Outcome) -> f64,
) -> Vec<f64> {
    let mut out: Vec<(RecordIdx, f64, usize)> = Vec::new();
    for (&person, o) in owners.iter().zip(outcomes) {
        match out.last_mut() {
            Some(last) if last.0 == person => {
                last.1 += value(o);
                last.2 += 1;
            }
            _ => out.push((person, value(o), 1)),
        }
    }
    out.into_iter().map(|(_, sum, n)| sum / n as f64).collect()
}

fn mean(values: &[f64]) -> f64 {
    values.iter().sum::<f64>() / values.len() as f64
}

fn haystack(owners: &[RecordIdx], outcomes: &[Outcome], k: &Knowledge, stream: u64) -> Haystack {
    let top1 = per_person(owners, outcomes, |o| o.correct as u8 as f64);
    let named = per_person(owners, outcomes, |o| {
        (o.correct && o.m.matched) as u8 as f64
    });
    let sets = per_person(owners, outcomes, |o| libm::exp2(o.m.entropy_bits));
    let interval = |values: &[f64], which: u64| {
        let mut rng = Rng::derive(k.seed, &[STREAM_BOOTSTRAP, stream, which]);
        bootstrap_mean_interval(values, k.resamples, &mut rng)
    };
    Haystack {
        reidentified: mean(&top1),
        reidentified_ci: interval(&top1, 0),
        named: mean(&named),
        anonymity_set: mean(&sets),
        anonymity_set_ci: interval(&sets, 1),
    }
}

/// Attacks the cohort's members (`cohort`, sorted record indices of `data`) as the module docs
/// say, with facts of items other than `statement_items`. `None` when no member has M facts of
/// other items (or the cohort is empty).
pub fn measure(
    data: &Arc<Dataset>,
    cohort_records: &[RecordIdx],
    statement_items: &[ItemIdx],
    k: &Knowledge,
) -> Result<Option<Haystacks>> {
    let targets = sample_targets(cohort_records, k.targets, k.seed);
    let params = AuxParams {
        items: k.facts,
        date_error: k.date_error,
        rating_error: 0.0,
        seed: Rng::derive(k.seed, &[STREAM_AUX]).next_u64(),
        ..AuxParams::default()
    };
    let drawn = sampler::sample_people_except(data, &params, &targets, k.draws, statement_items)?;
    let attacked: Vec<RecordIdx> = {
        let mut people: Vec<RecordIdx> = drawn.iter().map(|d| d.0).collect();
        people.dedup();
        people
    };
    if drawn.is_empty() {
        return Ok(None);
    }
    let (owners, records): (Vec<RecordIdx>, Vec<_>) = drawn.into_iter().unzip();
    let options = AttackOptions {
        resamples: 0,
        require_common_items: false,
        label: "cohort".into(),
        ..AttackOptions::default()
    };
    let scoreboard_rh = AttackParams::defaults();
    let run = |release: &Arc<Dataset>| -> Result<Vec<Outcome>> {
        Ok(linkage::attack(
            release,
            &records,
            None,
            &scoreboard_rh,
            &Executor::Local,
            &options,
        )?
        .expect("a local attack reports")
        .outcomes)
    };
    let everyone = run(data)?;
    let only_cohort = Arc::new(cohort::restrict(data, cohort_records)?);
    let in_cohort = run(&only_cohort)?;
    Ok(Some(Haystacks {
        targets: attacked.len(),
        targets_skipped: targets.len() - attacked.len(),
        in_cohort: haystack(&owners, &in_cohort, k, 0),
        in_population: haystack(&owners, &everyone, k, 1),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_small_cohort_is_attacked_whole_a_large_one_sampled() {
        let cohort: Vec<u32> = (0..100).map(|r| r * 3).collect();
        assert_eq!(sample_targets(&cohort[..20], 50, 1), cohort[..20]);
        let sampled = sample_targets(&cohort, 10, 1);
        assert_eq!(sampled.len(), 10);
        assert!(sampled.windows(2).all(|w| w[0] < w[1]));
        assert!(sampled.iter().all(|r| cohort.contains(r)));
        assert_eq!(sampled, sample_targets(&cohort, 10, 1));
    }
}
