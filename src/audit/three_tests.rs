//! Each policy judged by the three tests of anonymisation (Article 29 Working Party, Opinion
//! 05/2014), each a figure with its 95% interval against a target: singling out (unicity of 2
//! released points), linkability (re-identification at the knowledge the verdict assumes, or
//! the battery's worst in a `--naive` audit) and inference (the inference risk, when measured).
//! A test passes when the upper end of the interval is at most the target. Filled when the
//! audit is written, like `assumed`, so a resumed audit judges with its own targets.

use serde::{Deserialize, Serialize};

use super::PolicyResult;

/// The points of a person's released data that the singling-out test assumes an adversary
/// knows: the battery's smallest knowledge.
pub const SINGLING_OUT_POINTS: usize = 2;

/// One test of one policy (audit.json's `tests` per policy).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Judged {
    /// The figure (a share of people); null when it could not be measured.
    pub figure: Option<f64>,
    /// Its 95% interval.
    pub ci: Option<[f64; 2]>,
    /// The target the upper end of the interval must not exceed; null when none was set.
    pub target: Option<f64>,
    /// Whether the policy passes: null without a target or a figure.
    pub passes: Option<bool>,
}

impl Judged {
    fn new(figure: Option<f64>, ci: Option<[f64; 2]>, target: Option<f64>) -> Self {
        let upper = ci.map(|c| c[1]).or(figure);
        Judged {
            figure,
            ci,
            target,
            passes: target.zip(upper).map(|(t, u)| u <= t),
        }
    }
}

/// The three tests of one policy.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ThreeTests {
    /// Singling out: the share of people whom 2 points of their released data single out, for
    /// the kind of point (items, ratings, dates) that singles out the most; its interval is
    /// Wilson's over the people measured.
    pub singling_out: Judged,
    /// The kind of point that figure counts (`items`, `items+ratings`, ...).
    pub singling_out_knowledge: Option<String>,
    /// Linkability: re-identified by the adversary the verdict assumes (the battery's worst
    /// in a `--naive` audit).
    pub linkability: Judged,
    /// Inference: the inference risk (null when the audit measured no inference).
    pub inference: Option<Judged>,
}

impl ThreeTests {
    /// Whether every test with a target passes.
    pub fn all_pass(&self) -> bool {
        [
            Some(&self.singling_out),
            Some(&self.linkability),
            self.inference.as_ref(),
        ]
        .into_iter()
        .flatten()
        .all(|j| j.passes != Some(false))
    }
}

/// Judges `p` with the audit's targets (singling out shares the re-identification target).
pub fn judge(p: &PolicyResult, target_risk: f64, target_inference: Option<f64>) -> ThreeTests {
    let unicity = p
        .unicity
        .iter()
        .filter(|u| u.points == SINGLING_OUT_POINTS)
        .filter_map(|u| Some((u.unicity?, u)))
        .max_by(|a, b| a.0.total_cmp(&b.0));
    let singling_out = match unicity {
        Some((x, u)) => Judged::new(
            Some(x),
            crate::interval::wilson(x * u.people as f64, u.people as f64),
            Some(target_risk),
        ),
        None => Judged::new(None, None, Some(target_risk)),
    };
    let linkability = match &p.assumed {
        Some(a) => Judged::new(a.reidentified, a.reidentified_ci, Some(target_risk)),
        None => Judged::new(
            p.worst_reidentified,
            p.worst_reidentified_ci,
            Some(target_risk),
        ),
    };
    let inference = p.inference.as_ref().map(|i| {
        let r = &i.measured.all;
        Judged::new(r.risk, r.risk_ci, target_inference)
    });
    ThreeTests {
        singling_out,
        singling_out_knowledge: unicity.map(|(_, u)| u.knowledge.to_string()),
        linkability,
        inference,
    }
}

/// Fills each policy's `tests`.
pub fn fill(policies: &mut [PolicyResult], target_risk: f64, target_inference: Option<f64>) {
    for p in policies {
        p.tests = Some(judge(p, target_risk, target_inference));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_test_passes_only_when_the_upper_end_is_within_the_target() {
        assert_eq!(
            Judged::new(Some(0.05), Some([0.03, 0.08]), Some(0.09)).passes,
            Some(true)
        );
        assert_eq!(
            Judged::new(Some(0.05), Some([0.03, 0.10]), Some(0.09)).passes,
            Some(false)
        );
        assert_eq!(Judged::new(Some(0.05), None, Some(0.09)).passes, Some(true));
        assert_eq!(Judged::new(Some(0.05), Some([0.0, 1.0]), None).passes, None);
        assert_eq!(Judged::new(None, None, Some(0.09)).passes, None);
    }

    #[test]
    fn singling_out_takes_the_most_identifying_kind_at_two_points() {
        let audit: serde_json::Value =
            serde_json::from_str(include_str!("../../tests/fixtures/naive-audit/audit.json"))
                .unwrap();
        let p: PolicyResult = serde_json::from_value(audit["policies"][0].clone()).unwrap();
        let want = p
            .unicity
            .iter()
            .filter(|u| u.points == 2)
            .filter_map(|u| u.unicity)
            .fold(f64::NEG_INFINITY, f64::max);
        let t = judge(&p, 0.09, None);
        assert_eq!(t.singling_out.figure, Some(want));
        let [lo, hi] = t.singling_out.ci.unwrap();
        assert!(lo < want && want < hi, "{lo} {want} {hi}");
        assert_eq!(t.singling_out.passes, Some(hi <= 0.09));
        assert!(t.inference.is_none());
    }
}
