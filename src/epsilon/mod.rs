//! A measured lower bound on any release policy's epsilon (`deanon epsilon`, the audit's
//! `measured_epsilon`): canaries, one release, an attack, and the number of right guesses.
//!
//! Canaries are people of the data drawn with the seed ([`canaries`]); each is in the data with
//! probability 1/2 (an excluded one becomes an empty record: the neighbours of bounded DP).
//! The mechanism, a black box, releases the data once per run (one run by default). The attack
//! ([`attack`]) scores every canary for membership from the releases alone; for each of its
//! attacks and each number of guesses r fixed in advance, it guesses on the r canaries it is
//! surest about, and the number right gives a bound ([`bound`], Steinke, Nasr & Jagielski 2023).
//! The largest bound over those tests, each held to a Bonferroni share of the confidence, is a
//! lower bound on epsilon at the stated confidence: the policy is no better than epsilon-DP at
//! that value, whatever its claim.

pub mod attack;
pub mod bound;
pub mod canaries;
pub mod job;

use serde::{Deserialize, Serialize};

use crate::dataset::Dataset;
use crate::release::Policy;
use crate::rng::Rng;
use crate::rng::streams;
use crate::{Error, Result};
use attack::{Attack, Knowledge};

/// The defaults of a measure.
pub mod defaults {
    /// Canaries (all the people when the data has fewer).
    pub const CANARIES: usize = 1000;
    /// The fewest canaries a measure accepts: with fewer, even every guess right shows little.
    pub const MIN_CANARIES: usize = 20;
    /// Releases (runs).
    pub const RUNS: usize = 1;
    /// The most runs a measure accepts.
    pub const MAX_RUNS: usize = 10_000;
    /// Confidence of the bound.
    pub const CONFIDENCE: f64 = 0.95;
    /// Seed.
    pub const SEED: u64 = 0;
}

/// A mechanism: data and a seed in, a release out. A policy is one ([`policy_mechanism`]);
/// tests pass others.
pub type Mechanism<'a> = dyn Fn(&Dataset, u64) -> Result<Dataset> + Sync + 'a;

/// The settings of a measure.
#[derive(Clone, Debug, PartialEq)]
pub struct EpsilonParams {
    /// Canaries (`None`: [`defaults::CANARIES`], or everyone when fewer).
    pub canaries: Option<usize>,
    /// Releases, each with fresh coins for the same canaries.
    pub runs: usize,
    /// Confidence of the bound, in (0.5, 1).
    pub confidence: f64,
    /// Seed of the canaries, the coins, the releases and the attack's tie-breaks.
    pub seed: u64,
}

impl Default for EpsilonParams {
    fn default() -> Self {
        EpsilonParams {
            canaries: None,
            runs: defaults::RUNS,
            confidence: defaults::CONFIDENCE,
            seed: defaults::SEED,
        }
    }
}

impl EpsilonParams {
    /// The number of canaries for data of `people` people, after checking every value.
    pub fn check(&self, people: usize) -> Result<usize> {
        let bad = |name: &'static str, message: String| Error::Parameter { name, message };
        if !(self.confidence > 0.5 && self.confidence < 1.0) {
            return Err(bad(
                "confidence",
                format!("confidence must be in (0.5, 1), got {}", self.confidence),
            ));
        }
        if self.runs == 0 || self.runs > defaults::MAX_RUNS {
            return Err(bad(
                "runs",
                format!(
                    "runs must be in 1..={}, got {}",
                    defaults::MAX_RUNS,
                    self.runs
                ),
            ));
        }
        let m = self.canaries.unwrap_or(defaults::CANARIES.min(people));
        if m < defaults::MIN_CANARIES || m > people {
            return Err(bad(
                "canaries",
                format!(
                    "canaries must be in {}..={people} (the data's people), got {m}{}",
                    defaults::MIN_CANARIES,
                    if people < defaults::MIN_CANARIES {
                        ": the data is too small to measure"
                    } else {
                        ""
                    }
                ),
            ));
        }
        Ok(m)
    }
}

/// One attack's best test (E.json).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AttackResult {
    /// The attack's name.
    pub attack: String,
    /// Canaries (over all runs) it has something to say about.
    pub speaks_about: usize,
    /// Which guesses its best test made: `in and out` (each by the score's sign), `in` or
    /// `out`.
    pub guessed: String,
    /// Guesses of its best test.
    pub guesses: usize,
    /// Right among them.
    pub right: usize,
    /// Its bound (already at the Bonferroni level).
    pub epsilon_lower_bound: f64,
}

/// What a measure finds (E.json; the audit's `measured_epsilon`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Measurement {
    /// The lower bound: the policy is no better than epsilon-DP at this value.
    pub epsilon_lower_bound: f64,
    /// Its confidence.
    pub confidence: f64,
    /// Canaries.
    pub canaries: usize,
    /// Releases made.
    pub runs: usize,
    /// Canary slots (canaries times runs) that were in their run's data.
    pub included: usize,
    /// Guesses made by the best test.
    pub guesses: usize,
    /// Right among them.
    pub right: usize,
    /// Their share.
    pub accuracy: Option<f64>,
    /// Its 95% Wilson interval.
    pub accuracy_ci: Option<[f64; 2]>,
    /// The attack of the best test.
    pub attack: String,
    /// Which guesses it made: `in and out`, `in` or `out`.
    pub guessed: String,
    /// Tests tried (attacks times sides times numbers of guesses), each at
    /// (1 - confidence) / tests.
    pub tests: usize,
    /// The most any attack could show here (every guess right, at the largest number of
    /// guesses).
    pub most_measurable: f64,
    /// Every attack's best test.
    pub attacks: Vec<AttackResult>,
    /// How the bound is computed, in words.
    pub method: String,
}

/// The method, in E.json's words.
pub const METHOD: &str = "one release, canaries in with probability 1/2 (an excluded canary replaced by an empty record), \
guesses on the canaries the attack is surest about (both ways, only in, or only out), bound from the right guesses (Steinke, Nasr & Jagielski 2023, pure DP), \
Bonferroni over the attacks and numbers of guesses tried";

/// A policy as a mechanism: [`crate::release::release`] with the seed given.
pub fn policy_mechanism(policy: &Policy) -> impl Fn(&Dataset, u64) -> Result<Dataset> + Sync + '_ {
    move |data, seed| Ok(crate::release::release(data, policy, seed)?.data)
}

/// Measures a lower bound on `mechanism`'s epsilon on `data`.
pub fn measure(
    data: &Dataset,
    mechanism: &Mechanism<'_>,
    params: &EpsilonParams,
) -> Result<Measurement> {
    let m = params.check(data.num_records())?;
    let draw = canaries::draw(data, m, params.runs, params.seed);
    let knowledge = Knowledge::new(data, &draw.canaries);
    let mut raw: Vec<Vec<Option<f64>>> = vec![Vec::new(); Attack::ALL.len()];
    for (t, included) in draw.included.iter().enumerate() {
        let input = canaries::with_canaries(data, &draw.canaries, included)?;
        let seed = Rng::derive(params.seed, &[streams::EPSILON_RUNS, t as u64]).next_u64();
        let release = mechanism(&input, seed)?;
        drop(input);
        for (all, run) in raw.iter_mut().zip(knowledge.observe(&release)) {
            all.extend(run);
        }
    }
    let truth: Vec<bool> = draw.included.concat();
    let slots = truth.len();
    let mut ties = Rng::derive(params.seed, &[streams::EPSILON_TIES]);
    let ties: Vec<u64> = (0..slots).map(|_| ties.next_u64()).collect();
    let counts = bound::guess_counts(slots);
    let tests = counts.len() * Attack::ALL.len() * Side::ALL.len();
    let beta = (1.0 - params.confidence) / tests as f64;
    let attacks: Vec<AttackResult> = Attack::ALL
        .iter()
        .zip(&raw)
        .map(|(&a, raw)| best_test(a, raw, &truth, &ties, &counts, beta))
        .collect();
    // The first attack wins ties (records, when nothing is shown).
    let best = attacks
        .iter()
        .fold(&attacks[0], |b, a| {
            if a.epsilon_lower_bound > b.epsilon_lower_bound {
                a
            } else {
                b
            }
        })
        .clone();
    Ok(Measurement {
        epsilon_lower_bound: best.epsilon_lower_bound,
        confidence: params.confidence,
        canaries: m,
        runs: params.runs,
        included: truth.iter().filter(|&&x| x).count(),
        guesses: best.guesses,
        right: best.right,
        accuracy: (best.guesses > 0).then(|| best.right as f64 / best.guesses as f64),
        accuracy_ci: crate::interval::wilson(best.right as f64, best.guesses as f64),
        attack: best.attack,
        guessed: best.guessed,
        tests,
        most_measurable: bound::most_with(slots as u64, beta),
        attacks,
        method: METHOD.to_string(),
    })
}

/// Which guesses a test makes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Side {
    /// On the slots the scores are surest about either way, each by its sign.
    Both,
    /// "In" on the highest scores: for attacks that only ever see members (a sampled release
    /// shows who is in, not who is out).
    In,
    /// "Out" on the lowest scores.
    Out,
}

impl Side {
    const ALL: [Side; 3] = [Side::Both, Side::In, Side::Out];

    fn name(self) -> &'static str {
        match self {
            Side::Both => "in and out",
            Side::In => "in",
            Side::Out => "out",
        }
    }
}

/// One attack's best test over the sides and the numbers of guesses `counts`: the guesses on
/// the slots its scores are surest about (ties in the seeded order `ties`; a score of 0, when
/// guessed both ways, by the tie's low bit), counted against `truth` only here.
fn best_test(
    attack: Attack,
    raw: &[Option<f64>],
    truth: &[bool],
    ties: &[u64],
    counts: &[usize],
    beta: f64,
) -> AttackResult {
    let scores = attack::signed(attack, raw);
    let mut best: Option<AttackResult> = None;
    for side in Side::ALL {
        let key = |k: usize| match side {
            Side::Both => -scores[k].abs(),
            Side::In => -scores[k],
            Side::Out => scores[k],
        };
        let mut order: Vec<usize> = (0..scores.len()).collect();
        order.sort_by(|&a, &b| key(a).total_cmp(&key(b)).then(ties[a].cmp(&ties[b])));
        let guess = |k: usize| match (side, scores[k]) {
            (Side::In, _) => true,
            (Side::Out, _) => false,
            (Side::Both, s) if s != 0.0 => s > 0.0,
            (Side::Both, _) => ties[k] & 1 == 1,
        };
        for &r in counts {
            let right = order[..r].iter().filter(|&&k| guess(k) == truth[k]).count();
            let eps = bound::epsilon_lower_bound(r as u64, right as u64, beta);
            // The first test wins ties: both ways, the fewest guesses.
            if best.as_ref().is_none_or(|b| eps > b.epsilon_lower_bound) {
                best = Some(AttackResult {
                    attack: attack.name().to_string(),
                    speaks_about: raw.iter().flatten().count(),
                    guessed: side.name().to_string(),
                    guesses: r,
                    right,
                    epsilon_lower_bound: eps,
                });
            }
        }
    }
    best.expect("at least one number of guesses")
}

#[cfg(test)]
mod tests;
