//! The adversary of a published statement: they know that their target is in the cohort (a
//! friend who saw them binge) and M more facts of the target, of items other than the
//! statement's, with dates within +-D days. Each target's facts are scored once against every
//! record with Scoreboard-RH and its default parameters (the engine's [`Scorer`], the passes
//! `attack::local` runs), which gives two answers:
//!
//! - in the population: the engine's own match (top record, eccentricity, entropic output over
//!   all N records);
//! - in the cohort: the same scores and the same sigma, with only the cohort's records as
//!   candidates: the top record among them (ties to the smaller index), the eccentricity of the
//!   best two of them, and the entropic output conditioned on the cohort (Pr[r] proportional to
//!   exp(Score(r) / sigma) over the cohort's records, renormalized), which is what the
//!   statement adds to the adversary's knowledge.
//!
//! Top-1 is the share of draws whose top record is the target; the anonymity set is 2 to the
//! entropy of the entropic output (the number of equally likely records that much uncertainty
//! is worth). Both are averaged over a person's draws, then over people, with 95% intervals over
//! people: Wilson's score interval for top-1 (a mean of per-person shares in [0, 1]), a
//! percentile bootstrap for the anonymity set (a mean size, not a proportion).

use serde::Serialize;

use crate::Result;
use crate::attack::{AttackParams, Match, Query, query};
use crate::auxiliary::sampler::{self, AuxParams};
use crate::dataset::{Dataset, ItemIdx, RecordIdx};
use crate::interval::wilson_mean;
use crate::rng::streams;
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
    /// Bootstrap resamples of the anonymity set's interval (and of the inference risk's).
    pub resamples: usize,
    /// Seed of the sample, the draws and the bootstrap.
    pub seed: u64,
}

/// Rates over the targets in one haystack.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Haystack {
    /// Mean over targets of the share of draws whose top record is the target.
    pub reidentified: f64,
    /// Its 95% Wilson score interval over targets ([`crate::interval::wilson_mean`]).
    pub reidentified_ci: Option<[f64; 2]>,
    /// The same, when the adversary also needs eccentricity >= phi to name the record.
    pub named: f64,
    /// Its 95% Wilson score interval over targets.
    pub named_ci: Option<[f64; 2]>,
    /// Mean over targets of 2^entropy (bits) of the entropic output.
    pub anonymity_set: f64,
    /// Its 95% bootstrap interval over targets: a mean set size, not a proportion, so a
    /// bootstrap rather than Wilson's interval.
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

/// One draw's answer in one haystack.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Guess {
    /// The top record (ties to the smaller index).
    pub top: Option<RecordIdx>,
    /// Whether its eccentricity reaches phi.
    pub named: bool,
    /// Entropy of the entropic output over the candidates, bits.
    pub entropy_bits: f64,
}

/// The cohort members attacked: all of them, or a seeded sample of `targets`, in record order.
fn sample_targets(cohort: &[RecordIdx], targets: usize, seed: u64) -> Vec<RecordIdx> {
    Rng::derive(seed, &[streams::COHORT_TARGETS]).sample_sorted(cohort, targets)
}

/// The guess among `candidates` (sorted) from their `scores` and the population's `sigma`.
pub fn conditional_guess(candidates: &[RecordIdx], scores: &[f64], sigma: f64, phi: f64) -> Guess {
    let (mut best, mut second, mut top) = (f64::NEG_INFINITY, f64::NEG_INFINITY, None);
    for (&r, &s) in candidates.iter().zip(scores) {
        if s > best {
            second = best;
            best = s;
            top = Some(r);
        } else if s > second {
            second = s;
        }
    }
    if candidates.is_empty() {
        return Guess {
            top: None,
            named: false,
            entropy_bits: f64::NAN,
        };
    }
    // As the engine does (docs/method.md section 6): with sigma = 0 the eccentricity is 0 and the
    // entropic output uniform.
    if sigma.is_nan() || sigma <= 0.0 {
        return Guess {
            top,
            named: false,
            entropy_bits: libm::log2(candidates.len() as f64),
        };
    }
    let eccentricity = if second.is_finite() {
        (best - second) / sigma
    } else {
        // A cohort of one: nobody to confuse the target with.
        f64::INFINITY
    };
    let weights: Vec<f64> = scores
        .iter()
        .map(|s| libm::exp((s - best) / sigma))
        .collect();
    let z: f64 = weights.iter().sum();
    let entropy_bits = -weights
        .iter()
        .map(|w| w / z)
        .filter(|&p| p > 0.0)
        .map(|p| p * libm::log2(p))
        .sum::<f64>();
    Guess {
        top,
        named: eccentricity >= phi,
        entropy_bits: entropy_bits.max(0.0),
    }
}

/// Scores every query against all of `data` as the engine does ([`crate::linkage::score_reading`]),
/// and returns, per query, the engine's match (everyone a candidate) and the guess among `cohort` (sorted).
pub fn score(
    data: &Dataset,
    queries: &[Query],
    cohort: &[RecordIdx],
    params: &AttackParams,
) -> Result<Vec<(Match, Guess)>> {
    Ok(
        crate::linkage::score_reading(data, queries, cohort, params)?
            .into_iter()
            .map(|(found, scores)| {
                let guess = conditional_guess(cohort, &scores, found.sigma, params.phi());
                (found, guess)
            })
            .collect(),
    )
}

/// Per person (draws grouped by owner, in order): the mean of `value` over their draws.
fn per_person<T>(
    owners: &[RecordIdx],
    draws: &[T],
    value: impl Fn(RecordIdx, &T) -> f64,
) -> Vec<f64> {
    let mut out: Vec<(RecordIdx, f64, usize)> = Vec::new();
    for (&person, d) in owners.iter().zip(draws) {
        match out.last_mut() {
            Some(last) if last.0 == person => {
                last.1 += value(person, d);
                last.2 += 1;
            }
            _ => out.push((person, value(person, d), 1)),
        }
    }
    out.into_iter().map(|(_, sum, n)| sum / n as f64).collect()
}

fn mean(values: &[f64]) -> f64 {
    values.iter().sum::<f64>() / values.len() as f64
}

fn haystack(owners: &[RecordIdx], guesses: &[Guess], k: &Knowledge, stream: u64) -> Haystack {
    let top1 = per_person(owners, guesses, |p, g| (g.top == Some(p)) as u8 as f64);
    let named = per_person(owners, guesses, |p, g| {
        (g.top == Some(p) && g.named) as u8 as f64
    });
    let sets = per_person(owners, guesses, |_, g| libm::exp2(g.entropy_bits));
    // Stream 1 is the anonymity set's (0 was top-1's, before it took Wilson's interval): the
    // same seed gives the same anonymity-set interval as before.
    let mut rng = Rng::derive(k.seed, &[streams::COHORT_BOOTSTRAP, stream, 1]);
    Haystack {
        reidentified: mean(&top1),
        reidentified_ci: wilson_mean(&top1),
        named: mean(&named),
        named_ci: wilson_mean(&named),
        anonymity_set: mean(&sets),
        anonymity_set_ci: bootstrap_mean_interval(&sets, k.resamples, &mut rng),
    }
}

/// Attacks the cohort's members (`cohort`, sorted record indices of `data`) as the module docs
/// say, with facts of items other than `statement_items`. `None` when no member has M facts of
/// other items (or the cohort is empty).
pub fn measure(
    data: &Dataset,
    cohort: &[RecordIdx],
    statement_items: &[ItemIdx],
    k: &Knowledge,
) -> Result<Option<Haystacks>> {
    let targets = sample_targets(cohort, k.targets, k.seed);
    let params = AuxParams {
        items: k.facts,
        date_error: k.date_error,
        rating_error: 0.0,
        seed: Rng::derive(k.seed, &[streams::COHORT_AUX]).next_u64(),
        ..AuxParams::default()
    };
    let drawn = sampler::sample_people_except(data, &params, &targets, k.draws, statement_items)?;
    if drawn.is_empty() {
        return Ok(None);
    }
    let (owners, records): (Vec<RecordIdx>, Vec<_>) = drawn.into_iter().unzip();
    let mut attacked = owners.clone();
    attacked.dedup();
    let queries = query::resolve(data, &records, None);
    let scored = score(data, &queries, cohort, &AttackParams::defaults())?;
    let (everyone, in_cohort): (Vec<Guess>, Vec<Guess>) = scored
        .into_iter()
        .map(|(m, g)| {
            let engine = Guess {
                top: m.candidate,
                named: m.matched,
                entropy_bits: m.entropy_bits,
            };
            (engine, g)
        })
        .unzip();
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

    #[test]
    fn thirteen_targets_all_found_give_an_interval_below_one() {
        // 13 targets, 10 draws each, every draw's top record the target.
        let owners: Vec<RecordIdx> = (0..13).flat_map(|r| [r; 10]).collect();
        let guesses: Vec<Guess> = owners
            .iter()
            .map(|&r| Guess {
                top: Some(r),
                named: true,
                entropy_bits: 0.0,
            })
            .collect();
        let k = Knowledge {
            facts: 2,
            date_error: 3,
            targets: 13,
            draws: 10,
            resamples: 200,
            seed: 0,
        };
        let h = haystack(&owners, &guesses, &k, 0);
        assert_eq!(h.reidentified, 1.0);
        // Wilson's 13 of 13 (computed apart): [0.7719, 1].
        let [lo, hi] = h.reidentified_ci.unwrap();
        assert!((lo - 0.7719).abs() < 1e-4 && hi == 1.0, "[{lo}, {hi}]");
        // The anonymity set is a size, not a proportion: its bootstrap, all ones here, is [1, 1].
        assert_eq!(h.anonymity_set_ci, Some([1.0, 1.0]));
    }

    #[test]
    fn the_conditional_guess_is_the_entropic_output_restricted_to_the_cohort() {
        // Scores 3, 1, 1 with sigma 1: Pr = e^0, e^-2, e^-2 over (1 + 2 e^-2).
        let g = conditional_guess(&[4, 7, 9], &[3.0, 1.0, 1.0], 1.0, 1.5);
        assert_eq!(g.top, Some(4));
        assert!(g.named); // eccentricity 2
        let z = 1.0 + 2.0 * (-2.0f64).exp();
        let p = [1.0 / z, (-2.0f64).exp() / z, (-2.0f64).exp() / z];
        let want: f64 = -p.iter().map(|p| p * p.log2()).sum::<f64>();
        assert!(
            (g.entropy_bits - want).abs() < 1e-12,
            "{} vs {want}",
            g.entropy_bits
        );
        // Ties go to the smaller record, with eccentricity 0.
        let g = conditional_guess(&[2, 5], &[1.0, 1.0], 1.0, 1.5);
        assert_eq!((g.top, g.named), (Some(2), false));
        assert!((g.entropy_bits - 1.0).abs() < 1e-12);
        // sigma 0: uniform; a cohort of one: certain.
        let g = conditional_guess(&[1, 2, 3, 4], &[0.0; 4], 0.0, 1.5);
        assert!((g.entropy_bits - 2.0).abs() < 1e-12 && !g.named);
        let g = conditional_guess(&[8], &[0.5], 1.0, 1.5);
        assert_eq!((g.top, g.named, g.entropy_bits), (Some(8), true, 0.0));
    }

    #[test]
    fn everyone_as_candidates_is_the_engine_s_own_match() {
        use crate::auxiliary::sampler::{self, AuxParams};
        use crate::dataset::generate::{GenerateParams, Preset, generate};
        let data = generate(&GenerateParams::new(Preset::ViewsLike).users(3000).seed(5)).unwrap();
        let aux = sampler::sample(
            &data,
            &AuxParams {
                targets: 100,
                items: 2,
                date_error: 3,
                ..AuxParams::default()
            },
            None,
        )
        .unwrap()
        .records;
        let queries = query::resolve(&data, &aux, None);
        let params = AttackParams::defaults();
        let engine = crate::attack::local::run(&data, &queries, &params).unwrap();
        // Everyone as the cohort: the conditional guess is the engine's too.
        let everyone: Vec<u32> = (0..data.num_records() as u32).collect();
        let scored = score(&data, &queries, &everyone, &params).unwrap();
        for ((m, g), e) in scored.iter().zip(&engine) {
            assert_eq!(m, e);
            assert_eq!(g.top, e.candidate);
            assert_eq!(g.named, e.matched);
            assert!(
                (g.entropy_bits - e.entropy_bits).abs() < 1e-3,
                "{g:?} vs {e:?}"
            );
        }
    }
}
