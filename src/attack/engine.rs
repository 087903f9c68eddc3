//! The parallel driver: scores aux records in parallel (one record per task, one dense
//! accumulator per worker, reused), and returns one [`Match`] per aux record in input order.

use rayon::prelude::*;

use super::kernel::{self, RhContext};
use super::params::{Algorithm, AttackParams};
use super::query::Query;
use crate::dataset::Dataset;
use crate::rng::Rng;

/// The outcome for one aux record.
#[derive(Clone, Debug, PartialEq)]
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

/// Scores every query against `release`.
pub fn run(release: &Dataset, queries: &[Query], params: &AttackParams) -> Vec<Match> {
    let n = release.num_records();
    let context = RhContext::new(release, params.rho0, params.d0);
    let rating_tol = (params.rating_tol * 2.0).round() as u32;
    let bar = crate::progress::bar(queries.len() as u64, "attacking");
    let out: Vec<Match> = queries
        .par_iter()
        .enumerate()
        .with_min_len(4)
        .map_init(
            || vec![0f32; n],
            |acc, (k, query)| {
                // count = round(n * f) with f in [1 - e, 1 + e], so n lies in
                // [(count - 0.5) / (1 + e), (count + 0.5) / (1 - e)].
                let count_range = query.count.map(|c| {
                    let e = params.count_tolerance;
                    let c = c as f64;
                    (
                        ((c - 0.5) / (1.0 + e)).ceil().max(0.0) as u64,
                        ((c + 0.5) / (1.0 - e)).floor() as u64,
                    )
                });
                let m = match params.algorithm {
                    Algorithm::ScoreboardRh => {
                        kernel::scatter_rh(release, &context, query, acc);
                        if let Some((low, high)) = count_range {
                            kernel::rule_out_by_count(release, acc, low, high);
                        }
                        rh_match(kernel::finish_rh(acc), params.phi, query)
                    }
                    Algorithm::Scoreboard => {
                        kernel::scatter_scoreboard(
                            release,
                            query,
                            rating_tol,
                            params.date_tol,
                            acc,
                        );
                        let mut rng = Rng::derive(params.seed, &[STREAM_PICK, k as u64]);
                        scoreboard_match(acc, query, &mut rng)
                    }
                };
                bar.inc(1);
                m
            },
        )
        .collect();
    bar.finish_and_clear();
    out
}

fn rh_match(s: kernel::ScoreStats, phi: f64, query: &Query) -> Match {
    let eccentricity = if s.sigma > 0.0 && s.best > s.second {
        (s.best - s.second) / s.sigma
    } else {
        0.0
    };
    Match {
        candidate: Some(s.best_record),
        score: s.best,
        runner_up: s.second,
        eccentricity,
        matched: eccentricity >= phi && eccentricity > 0.0,
        entropy_bits: s.entropy_bits,
        top_probability: s.top_probability,
        candidates: s.tied_at_best,
        sigma: s.sigma,
        facts_used: query.facts.len(),
    }
}

fn scoreboard_match(acc: &mut [f32], query: &Query, rng: &mut Rng) -> Match {
    let needed = query.facts.len() as f32;
    let (_, _, _, best, second, _) = kernel::moments_and_top2(acc);
    let count = acc.iter().filter(|&&v| v == needed).count() as u64;
    let candidate = (count > 0).then(|| {
        let pick = rng.below(count) as usize;
        acc.iter()
            .enumerate()
            .filter(|(_, v)| **v == needed)
            .nth(pick)
            .map(|(r, _)| r as u32)
            .expect("k-th candidate")
    });
    acc.fill(0.0);
    let size = count as f64;
    Match {
        candidate,
        score: best as f64,
        runner_up: second as f64,
        eccentricity: f64::NAN,
        matched: count == 1,
        entropy_bits: if count > 0 { size.log2() } else { f64::NAN },
        top_probability: if count > 0 { 1.0 / size } else { 0.0 },
        candidates: count,
        sigma: f64::NAN,
        facts_used: query.facts.len(),
    }
}
