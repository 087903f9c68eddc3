//! Each policy's measured epsilon ([`crate::epsilon`]): a lower bound, at 95% confidence, on
//! the epsilon of the policy, measured by an attack on canaries, shown beside what a `dp` policy
//! claims.
//!
//! The audit measures on a seeded sample of [`PEOPLE`] people of the data (epsilon-DP is a
//! promise about every dataset, so a part of the data bounds the policy as well as the whole),
//! with [`CANARIES`] canaries among them and one release: about 1.8 s per policy on the demo's
//! twin (7% of its audit).

use std::fmt::Write;

use crate::dataset::Dataset;
use crate::epsilon::{EpsilonParams, Measurement};
use crate::release::Policy;
use crate::{Error, Result};

use super::{Audit, AuditParams};

/// Canaries per policy (0 turns the measure off).
pub const CANARIES: usize = 500;
/// People of the data the measure runs on.
pub const PEOPLE: usize = 5000;

/// Checks the audit's number of canaries.
pub fn check(params: &AuditParams) -> Result<()> {
    let c = params.epsilon_canaries;
    if c != 0 && c < crate::epsilon::defaults::MIN_CANARIES {
        return Err(Error::Parameter {
            name: "epsilon_canaries",
            message: format!(
                "epsilon_canaries must be 0 (no measured epsilon) or at least {}, got {c}",
                crate::epsilon::defaults::MIN_CANARIES
            ),
        });
    }
    Ok(())
}

/// The measured epsilon of `policy` on `original` (none when turned off, or when the data has
/// fewer people than the canaries asked for, at least the fewest).
pub fn measure(
    original: &Dataset,
    policy: &Policy,
    params: &AuditParams,
    seed: u64,
) -> Result<Option<Measurement>> {
    let people = original.num_records();
    if params.epsilon_canaries == 0 || people < crate::epsilon::defaults::MIN_CANARIES {
        return Ok(None);
    }
    let part =
        crate::epsilon::canaries::some_people(original, PEOPLE.max(params.epsilon_canaries), seed)?;
    let data = part.as_ref().unwrap_or(original);
    let eps = EpsilonParams {
        canaries: Some(params.epsilon_canaries.min(data.num_records())),
        seed,
        ..EpsilonParams::default()
    };
    let mechanism = crate::epsilon::policy_mechanism(policy);
    crate::progress::timed("measured epsilon", || {
        crate::epsilon::measure(data, &mechanism, &eps)
    })
    .map(Some)
}

/// The report's section: each policy's measured epsilon beside its claim.
pub fn section(audit: &Audit) -> String {
    if audit.policies.iter().all(|p| p.measured_epsilon.is_none()) {
        return String::new();
    }
    let mut h = String::new();
    h.push_str("<h2 id=\"measured-epsilon\">Measured epsilon</h2><p>For each policy, a lower bound on its epsilon (differential privacy), at 95% confidence, measured by an attack: canary people of the data are each left in with probability 1/2 (an excluded one becomes an empty record), the policy releases the data once, and the attack guesses, for the canaries it is surest about, whether each was in. The more it gets right, the higher the bound (Steinke, Nasr &amp; Jagielski 2023). It is a lower bound: the policy is <em>no better than</em> epsilon-DP at that value, and may be worse; a policy that claims a smaller epsilon (<code>dp</code>) is contradicted. A low measure is not a guarantee: a stronger attack could show more, and the canaries bound what can be shown.</p><table><tr><th>policy</th><th>claimed epsilon</th><th>measured epsilon (lower bound)</th><th>attack</th><th>right / guesses</th><th>most measurable</th></tr>");
    for p in &audit.policies {
        let Some(m) = &p.measured_epsilon else {
            continue;
        };
        let claimed = Policy::parse(&p.policy)
            .ok()
            .and_then(|policy| crate::epsilon::job::claimed_epsilon(&policy));
        let contradicted = claimed.is_some_and(|c| m.epsilon_lower_bound > c);
        let _ = write!(
            h,
            "<tr><td><code>{}</code></td><td class=\"n\">{}</td><td class=\"n\"{}>&ge; {:.2}{}</td><td>{}</td><td class=\"n\">{} / {}</td><td class=\"n\">{:.2}</td></tr>",
            super::report::escape(&p.policy),
            claimed.map_or("-".to_string(), |c| format!("{c}")),
            if contradicted {
                " style=\"color:#c0392b\""
            } else {
                ""
            },
            m.epsilon_lower_bound,
            if contradicted {
                " (contradicts the claim)"
            } else {
                ""
            },
            m.attack,
            m.right,
            m.guesses,
            m.most_measurable,
        );
    }
    let _ = write!(
        h,
        "</table><p class=\"note\">Measured on {PEOPLE} people of the data (all of it when smaller), one release per policy. Attacks: <code>records</code> (the canary's record found by its entries), <code>catalogue</code> (items only the canary holds listed in the release), <code>attributes</code> (the canary's unique attribute values in the release), <code>scale</code> (the rating scale the canary alone widens); the best is shown, the confidence corrected for trying them all. Most measurable: what every guess right would show with these canaries.</p>"
    );
    h
}
