//! Scoring aux records: the per-shard passes and their merge ([`Scorer`]), and the
//! single-process parallel driver ([`run`]: one aux record per task, one dense accumulator per
//! thread, reused), which returns one [`Match`] per aux record in input order. The cluster
//! driver (`crate::cluster`) calls the same [`Scorer`] on shards of the release, so both give the
//! same bits.

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::kernel::{self, RhContext};
use super::params::{Algorithm, AttackParams};
use super::partial::{Shard, Spread, Summary, from_fixed};
use super::query::Query;
use crate::dataset::Dataset;
use crate::rng::Rng;

/// The outcome for one aux record.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Match {
    /// The top record (release index): Scoreboard-RH's best score (smaller index on ties),
    /// Scoreboard's uniform pick among the candidates; `None` when Scoreboard finds none.
    pub candidate: Option<u32>,
    /// Its score (Scoreboard: facts matched).
    pub score: f64,
    /// The runner-up's score.
    pub runner_up: f64,
    /// (best - second) / sigma (Scoreboard-RH); NaN for Scoreboard.
    pub eccentricity: f64,
    /// Whether the adversary names the candidate: eccentricity >= phi (Scoreboard-RH), a single
    /// candidate (Scoreboard).
    pub matched: bool,
    /// Entropy of the adversary's distribution over records, bits (Scoreboard: log2 of the
    /// candidate-set size; NaN when the set is empty).
    pub entropy_bits: f64,
    /// Probability of the candidate under that distribution.
    pub top_probability: f64,
    /// Records tied at the best score (Scoreboard: the candidate-set size).
    pub candidates: u64,
    /// Standard deviation of the scores over all N records (Scoreboard-RH).
    pub sigma: f64,
    /// Facts scored (aux facts whose item the release holds).
    pub facts_used: usize,
}

const STREAM_PICK: u64 = 21;

/// Scores aux records against shards of one release: the pure functions that both the
/// single-process driver ([`run`]) and the cluster driver call. For each aux record, every shard
/// makes a [`Summary`] ([`Scorer::first_pass`]); the owner merges them in shard order and tells
/// each shard its [`SecondPass`]; every shard answers with a [`Spread`]; the owner merges those and
/// makes the [`Match`] ([`Scorer::finish`]).
#[derive(Clone, Debug)]
pub struct Scorer {
    params: AttackParams,
    context: RhContext,
}

/// What a shard does in the second pass over one aux record's scores.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub enum SecondPass {
    /// Scoreboard-RH: the entropic sums against the best score and 1 / sigma.
    Entropy {
        /// The best score over all shards.
        reference: f32,
        /// 1 / sigma.
        inv_sigma: f32,
    },
    /// Nothing to sum (all scores equal): reset.
    Reset,
    /// Scoreboard: return the `k`-th record of this shard matching all `needed` facts.
    Pick {
        /// Number of facts.
        needed: f32,
        /// Which matching record of this shard, if the pick fell here.
        k: Option<u64>,
    },
}

impl Scorer {
    /// A scorer for `release` (weights from the whole release's supports).
    pub fn new(release: &Dataset, params: &AttackParams) -> Self {
        Self::with_day_range(release, params, release.day_range())
    }

    /// The same, with the release's first and last day given (the cluster merges them from
    /// the shards, so that no process reads every date).
    pub fn with_day_range(
        release: &Dataset,
        params: &AttackParams,
        day_range: Option<(u16, u16)>,
    ) -> Self {
        Scorer {
            params: params.clone(),
            context: RhContext::with_day_range(release, params.rho0, params.d0, day_range),
        }
    }

    /// Scores `query` against the records of `shard` into `acc` (zero on entry, one slot per
    /// record of the shard) and summarizes the scores. `acc` keeps the scores for
    /// [`Scorer::second_pass`].
    pub fn first_pass(
        &self,
        release: &Dataset,
        query: &Query,
        shard: Shard,
        acc: &mut [f32],
    ) -> Summary {
        let params = &self.params;
        match params.algorithm {
            Algorithm::ScoreboardRh => {
                kernel::scatter_rh(release, &self.context, query, shard, acc);
                // count = round(n * f) with f in [1 - e, 1 + e], so n lies in
                // [(count - 0.5) / (1 + e), (count + 0.5) / (1 - e)].
                if let Some(c) = query.count {
                    let e = params.count_tolerance;
                    let c = c as f64;
                    let low = ((c - 0.5) / (1.0 + e)).ceil().max(0.0) as u64;
                    let high = ((c + 0.5) / (1.0 - e)).floor() as u64;
                    kernel::rule_out_by_count(release, shard, acc, low, high);
                }
            }
            Algorithm::Scoreboard => {
                let rating_tol = (params.rating_tol * 2.0).round() as u32;
                kernel::scatter_scoreboard(
                    release,
                    query,
                    (rating_tol, params.date_tol),
                    shard,
                    acc,
                );
            }
        }
        kernel::summarize(acc, shard)
    }

    /// The owner's step between the passes: from the shards' summaries of aux record
    /// `aux_index` (in shard order), what each shard does next.
    pub fn plan_second_pass(
        &self,
        aux_index: usize,
        query: &Query,
        summaries: &[Summary],
    ) -> Vec<SecondPass> {
        match self.params.algorithm {
            Algorithm::ScoreboardRh => {
                let merged = Summary::merge_all(summaries.iter().copied());
                let sigma = merged.sigma();
                let pass = if sigma > 0.0 {
                    SecondPass::Entropy {
                        reference: merged.best,
                        inv_sigma: (1.0 / sigma) as f32,
                    }
                } else {
                    SecondPass::Reset
                };
                vec![pass; summaries.len()]
            }
            Algorithm::Scoreboard => {
                let needed = query.facts.len() as f32;
                let counts: Vec<u64> = summaries
                    .iter()
                    .map(|s| if s.best == needed { s.tied } else { 0 })
                    .collect();
                let total: u64 = counts.iter().sum();
                let mut pick = (total > 0).then(|| {
                    Rng::derive(self.params.seed, &[STREAM_PICK, aux_index as u64]).below(total)
                });
                counts
                    .iter()
                    .map(|&c| {
                        let k = match pick {
                            Some(g) if g < c => {
                                pick = None;
                                Some(g)
                            }
                            Some(g) => {
                                pick = Some(g - c);
                                None
                            }
                            None => None,
                        };
                        SecondPass::Pick { needed, k }
                    })
                    .collect()
            }
        }
    }

    /// The second pass over a shard's scores; resets `acc` to zero.
    pub fn second_pass(&self, shard: Shard, acc: &mut [f32], pass: SecondPass) -> Spread {
        match pass {
            SecondPass::Entropy {
                reference,
                inv_sigma,
            } => {
                let (z, zx) = kernel::spread(acc, reference, inv_sigma);
                Spread { z, zx, pick: None }
            }
            SecondPass::Reset => {
                acc.fill(0.0);
                Spread::EMPTY
            }
            SecondPass::Pick { needed, k } => Spread {
                pick: kernel::pick_and_reset(acc, shard, needed, k),
                ..Spread::EMPTY
            },
        }
    }

    /// The match of one aux record from its merged summary and spread.
    pub fn finish(&self, query: &Query, summary: &Summary, spread: &Spread) -> Match {
        match self.params.algorithm {
            Algorithm::ScoreboardRh => rh_match(summary, spread, self.params.phi, query),
            Algorithm::Scoreboard => scoreboard_match(summary, spread, query),
        }
    }
}

/// Scores every query against `release` in this process: one aux record per task, over all N
/// records as a single shard.
pub fn run(release: &Dataset, queries: &[Query], params: &AttackParams) -> Vec<Match> {
    let scorer = Scorer::new(release, params);
    let shard = Shard::whole(release);
    let bar = crate::progress::bar(queries.len() as u64, "attacking");
    let out: Vec<Match> = queries
        .par_iter()
        .enumerate()
        .with_min_len(4)
        .map_init(
            || vec![0f32; shard.len()],
            |acc, (k, query)| {
                let summary = scorer.first_pass(release, query, shard, acc);
                let pass = scorer.plan_second_pass(k, query, &[summary])[0];
                let spread = scorer.second_pass(shard, acc, pass);
                bar.inc(1);
                scorer.finish(query, &summary, &spread)
            },
        )
        .collect();
    bar.finish_and_clear();
    out
}

fn rh_match(s: &Summary, spread: &Spread, phi: f64, query: &Query) -> Match {
    let sigma = s.sigma();
    let (best, second) = (s.best as f64, s.second as f64);
    let eccentricity = if sigma > 0.0 && best > second {
        (best - second) / sigma
    } else {
        0.0
    };
    let n = s.records as f64;
    let (entropy_bits, top_probability) = if sigma > 0.0 {
        // The reference was the best score, whose term is exp(0) = 1.
        let (z, zx) = (from_fixed(spread.z), from_fixed(spread.zx));
        let nats = z.ln() - zx / z;
        (nats.max(0.0) / std::f64::consts::LN_2, 1.0 / z)
    } else {
        // All scores equal: the output is uniform.
        (n.log2(), 1.0 / n)
    };
    Match {
        candidate: Some(s.best_record),
        score: best,
        runner_up: second,
        eccentricity,
        matched: eccentricity >= phi && eccentricity > 0.0,
        entropy_bits,
        top_probability,
        candidates: s.tied,
        sigma,
        facts_used: query.facts.len(),
    }
}

fn scoreboard_match(s: &Summary, spread: &Spread, query: &Query) -> Match {
    let needed = query.facts.len() as f32;
    let count = if s.best == needed { s.tied } else { 0 };
    let size = count as f64;
    Match {
        candidate: spread.pick,
        score: s.best as f64,
        runner_up: s.second as f64,
        eccentricity: f64::NAN,
        matched: count == 1,
        entropy_bits: if count > 0 { size.log2() } else { f64::NAN },
        top_probability: if count > 0 { 1.0 / size } else { 0.0 },
        candidates: count,
        sigma: f64::NAN,
        facts_used: query.facts.len(),
    }
}
