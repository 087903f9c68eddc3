//! The recommendation: the cheapest candidate whose strongest adversary stays under the target,
//! and what a policy-blind audit would have recommended instead.

use super::{Audit, PolicyResult};

/// The policy a policy-blind audit would have recommended, and what each adversary makes of it.
#[derive(Clone, Debug, PartialEq)]
pub struct BlindRecommendation {
    /// The policy.
    pub policy: String,
    /// Its worst blind rate and interval.
    pub blind: (f64, [f64; 2]),
    /// Its worst informed rate and interval.
    pub informed: (f64, [f64; 2]),
}

/// What a policy-blind audit (`--naive`) would have recommended, from the blind figures an
/// informed audit measures beside its own (the same people and draws). `None` when the blind
/// audit would recommend nothing, or this audit is itself naive.
pub fn blind_recommendation(audit: &Audit) -> Option<BlindRecommendation> {
    if !audit.provenance.adversaries_know_policy {
        return None;
    }
    let blind: Vec<PolicyResult> = audit
        .policies
        .iter()
        .map(|p| {
            let worst = p.blind_worst();
            PolicyResult {
                worst_reidentified: worst.and_then(|a| a.blind_reidentified),
                worst_reidentified_ci: worst.and_then(|a| a.blind_reidentified_ci),
                assumed: None,
                ..p.clone()
            }
        })
        .collect();
    let (spec, _) = recommend(&blind, audit.target_risk, audit.target_inference_risk);
    let spec = spec?;
    let b = blind.iter().find(|p| p.policy == spec)?;
    let p = audit.policies.iter().find(|p| p.policy == spec)?;
    Some(BlindRecommendation {
        blind: (b.worst_reidentified?, b.worst_reidentified_ci?),
        informed: (p.worst_reidentified?, p.worst_reidentified_ci?),
        policy: spec,
    })
}

/// The cheapest policy whose worst adversary's interval stays at or below the target (the
/// adversary of the assumed knowledge, where the policy has one: the curve at K and the
/// battery's adversaries knowing at most K facts; cost:
/// RMSE, or the share of entries lost without ratings), and with `inference_target` whose
/// inference risk's interval does too (a risk the control leaves undefined, or one not
/// measured, counts as none); else the closest one on re-identification.
pub fn recommend(
    results: &[PolicyResult],
    target: f64,
    inference_target: Option<f64>,
) -> (Option<String>, Option<String>) {
    let cost = |p: &PolicyResult| p.rmse_cost.unwrap_or(1.0 - p.kept_fraction);
    // Against the assumed knowledge where the audit measured it, else the battery's worst.
    let upper = |p: &PolicyResult| match &p.assumed {
        Some(a) => a.upper(),
        None => p.worst_reidentified_ci.map_or(f64::INFINITY, |c| c[1]),
    };
    let inference_upper = |p: &PolicyResult| {
        p.inference.as_ref().map_or(0.0, |i| {
            let rates = &i.measured.all;
            rates.risk_ci.map(|c| c[1]).or(rates.risk).unwrap_or(0.0)
        })
    };
    let meets = results
        .iter()
        .filter(|p| upper(p) <= target)
        .filter(|p| inference_target.is_none_or(|t| inference_upper(p) <= t))
        .min_by(|a, b| cost(a).total_cmp(&cost(b)));
    match meets {
        Some(p) => (Some(p.policy.clone()), None),
        None => (
            None,
            results
                .iter()
                .min_by(|a, b| upper(a).total_cmp(&upper(b)))
                .map(|p| p.policy.clone()),
        ),
    }
}
