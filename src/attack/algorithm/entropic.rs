//! What docs/method.md section 6 defines after the score, shared by the Scoreboard-RH family:
//! sigma over all N records, eccentricity against phi, ties to the smaller record index, and
//! the entropic output Pr[r] proportional to exp(Score / sigma).

use super::Match;
use crate::attack::partial::{SecondPass, Spread, Summary};
use crate::attack::query::Query;

/// Every shard sums exp((score - best) / sigma), or resets when all scores are equal.
pub(super) fn plan(summaries: &[Summary]) -> Vec<SecondPass> {
    let merged = Summary::merge_all(summaries.iter().copied());
    let pass = match scale(&merged) {
        Some((reference, inv_sigma)) => SecondPass::Entropy {
            reference,
            inv_sigma,
        },
        None => SecondPass::Reset,
    };
    vec![pass; summaries.len()]
}

/// The reference score and 1 / sigma of the entropic sums, or `None` when all scores are equal.
fn scale(merged: &Summary) -> Option<(f32, f32)> {
    let sigma = merged.sigma();
    (sigma > 0.0).then(|| (merged.best, (1.0 / sigma) as f32))
}

/// (best - second) / sigma of a merged summary, 0 on a tie for the top or with sigma 0.
pub(super) fn eccentricity(s: &Summary) -> f64 {
    let sigma = s.sigma();
    let (best, second) = (s.best as f64, s.second as f64);
    if sigma > 0.0 && best > second {
        (best - second) / sigma
    } else {
        0.0
    }
}

/// The match: eccentricity, the named candidate at `phi`, entropy and the top probability.
pub(super) fn finish(s: &Summary, spread: &Spread, phi: f64, query: &Query) -> Match {
    let sigma = s.sigma();
    let (best, second) = (s.best as f64, s.second as f64);
    let eccentricity = eccentricity(s);
    let n = s.records as f64;
    let (entropy_bits, top_probability) = if let Some((reference, inv_sigma)) = scale(s) {
        // The reference was the best score, whose term is exp(0) = 1.
        let (z, zx) = spread.entropic_sums(reference, inv_sigma);
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
        facts_used: query.facts_used(),
        posterior: None,
    }
}
