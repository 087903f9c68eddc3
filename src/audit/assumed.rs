//! The knowledge the verdict assumes, and what each policy does against it: the adversary who
//! knows K of a person's entries (and all of their attributes, where the data has them) is the
//! curve at K; a policy meets the target at K only if that point, and every adversary of the
//! battery who knows at most K facts, stay at or below it. Computed from a policy's measured
//! results when the audit is written, so a resumed audit judges with its own target.

use serde::{Deserialize, Serialize};

use super::curve::{self, KnownFacts};
use super::{AdversaryResult, PolicyResult};

/// What a policy does against the assumed adversary (audit.json's `assumed` per policy).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Assumed {
    /// Entries known.
    pub facts: KnownFacts,
    /// Whether all of the person's attributes are known too.
    pub attributes: bool,
    /// The binding adversary: the curve's point at K, or a battery adversary knowing at most K
    /// facts that does better.
    pub adversary: String,
    /// Its re-identification rate.
    pub reidentified: Option<f64>,
    /// Its 95% interval.
    pub reidentified_ci: Option<[f64; 2]>,
    /// The highest best-guess rate among the same adversaries (the curve's point and the
    /// battery's adversaries knowing at most K facts): how often the top record is the
    /// person's. An adversary who names its top record whatever its confidence is right that
    /// often, so it bounds what any naming rule of these attacks re-identifies.
    #[serde(default)]
    pub best_guess: Option<f64>,
    /// Its 95% interval.
    #[serde(default)]
    pub best_guess_ci: Option<[f64; 2]>,
}

impl Assumed {
    /// The upper end of the interval (the rate without one; infinite without either: a policy
    /// that measured nothing meets no target).
    pub fn upper(&self) -> f64 {
        self.reidentified_ci
            .map(|c| c[1])
            .or(self.reidentified)
            .unwrap_or(f64::INFINITY)
    }
}

/// The binding adversary of `policy` at `assumed` entries (with attributes when
/// `with_attributes`): the highest upper end among the curve's point there and the battery's
/// adversaries knowing at most that many facts. `None` when the policy has no curve (a `--naive`
/// audit).
pub fn judge(policy: &PolicyResult, assumed: KnownFacts, with_attributes: bool) -> Option<Assumed> {
    let point = curve::at(&policy.curve, with_attributes, assumed)?;
    let mut best = Assumed {
        facts: assumed,
        attributes: with_attributes,
        adversary: curve::adversary(assumed, &[]).name,
        reidentified: point.reidentified,
        reidentified_ci: point.reidentified_ci,
        best_guess: None,
        best_guess_ci: None,
    };
    if with_attributes {
        best.adversary = format!("{} + attributes", curve::adversary(assumed, &[]).name);
    }
    let within = |a: &&AdversaryResult| KnownFacts::Count(a.facts) <= assumed;
    let mut best_guess = (point.best_guess, point.best_guess_ci);
    for a in policy.adversaries.iter().filter(within) {
        if a.best_guess
            .is_some_and(|b| best_guess.0.is_none_or(|x| b > x))
        {
            best_guess = (a.best_guess, a.best_guess_ci);
        }
        let candidate = Assumed {
            facts: assumed,
            attributes: with_attributes,
            adversary: a.name.clone(),
            reidentified: a.reidentified,
            reidentified_ci: a.reidentified_ci,
            best_guess: None,
            best_guess_ci: None,
        };
        if a.reidentified.is_some() && candidate.upper() > best.upper() {
            best = candidate;
        }
    }
    (best.best_guess, best.best_guess_ci) = best_guess;
    Some(best)
}

/// Fills each policy's `assumed` and `holds_up_to` for the audit's assumed knowledge and target.
pub fn fill(
    policies: &mut [PolicyResult],
    assumed: KnownFacts,
    with_attributes: bool,
    target: f64,
) {
    for p in policies {
        p.assumed = judge(p, assumed, with_attributes);
        p.holds_up_to = if p.curve.is_empty() {
            None
        } else {
            Some(
                curve::holds_up_to(&p.curve, with_attributes, target)
                    .map_or(HoldsUpTo::None, HoldsUpTo::Facts),
            )
        };
    }
}

/// Up to how many known entries a policy holds the target (audit.json's `holds_up_to`: a
/// number, `"all"`, or 0 when it fails with a single known entry).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HoldsUpTo {
    /// Not even against one known entry.
    None,
    /// Up to and including this point of the curve.
    Facts(KnownFacts),
}

impl HoldsUpTo {
    /// In words, for the report.
    pub fn words(self) -> String {
        match self {
            HoldsUpTo::None => "does not hold against 1 known entry".to_string(),
            HoldsUpTo::Facts(KnownFacts::All) => "holds even against every entry".to_string(),
            HoldsUpTo::Facts(KnownFacts::Count(1)) => "holds up to 1 known entry".to_string(),
            HoldsUpTo::Facts(k) => format!("holds up to {k} known entries"),
        }
    }
}

impl Serialize for HoldsUpTo {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        match self {
            HoldsUpTo::None => s.serialize_u64(0),
            HoldsUpTo::Facts(k) => k.serialize(s),
        }
    }
}

impl<'de> Deserialize<'de> for HoldsUpTo {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        Ok(match KnownFacts::deserialize(d)? {
            KnownFacts::Count(0) => HoldsUpTo::None,
            k => HoldsUpTo::Facts(k),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn holds_up_to_writes_0_a_count_or_all_and_reads_them_back() {
        let values = [
            HoldsUpTo::None,
            HoldsUpTo::Facts(KnownFacts::Count(4)),
            HoldsUpTo::Facts(KnownFacts::All),
        ];
        let json = serde_json::to_string(&values).unwrap();
        assert_eq!(json, r#"[0,4,"all"]"#);
        let back: Vec<HoldsUpTo> = serde_json::from_str(&json).unwrap();
        assert_eq!(back, values);
        assert_eq!(values[1].words(), "holds up to 4 known entries");
    }

    #[test]
    fn the_best_guess_is_the_highest_among_the_point_and_the_battery_within_k() {
        let audit: serde_json::Value =
            serde_json::from_str(include_str!("../../tests/fixtures/naive-audit/audit.json"))
                .unwrap();
        let mut p: PolicyResult = serde_json::from_value(audit["policies"][1].clone()).unwrap();
        let battery = |k: usize| {
            p.adversaries
                .iter()
                .filter(|a| a.facts <= k)
                .filter_map(|a| a.best_guess)
                .fold(f64::NEG_INFINITY, f64::max)
        };
        let (within_2, within_8) = (battery(2), battery(8));
        assert!(within_2 < within_8, "the fixture tells the two apart");
        let point = |facts: usize, best_guess: f64| curve::CurvePoint {
            facts: KnownFacts::Count(facts),
            attributes: false,
            reidentified: Some(0.0),
            reidentified_ci: Some([0.0, 0.01]),
            best_guess: Some(best_guess),
            best_guess_ci: Some([best_guess / 2.0, (best_guess + 1.0) / 2.0]),
            precision: None,
            people: 400,
            attack: None,
        };
        p.curve = vec![point(2, 0.0), point(8, 0.0)];
        let at = |p: &PolicyResult, k| judge(p, KnownFacts::Count(k), false).unwrap();
        assert_eq!(at(&p, 2).best_guess, Some(within_2));
        assert_eq!(at(&p, 8).best_guess, Some(within_8));
        // A stronger point wins, with its own interval.
        p.curve[1] = point(8, 1.0);
        let a = at(&p, 8);
        assert_eq!(
            (a.best_guess, a.best_guess_ci),
            (Some(1.0), Some([0.5, 1.0]))
        );
    }
}
