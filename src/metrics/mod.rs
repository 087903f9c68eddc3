//! Re-identification metrics of an attack: rates with 95% Wilson score intervals
//! ([`crate::interval::wilson`], from each rate's count and denominator), the precision-recall trade-off over the eccentricity threshold phi, the
//! equal-error-rate phi, and the distribution of the adversary's uncertainty (entropy, log2 of
//! the candidate-set size).
//!
//! Definitions (over aux records; "members" are aux records whose target is in the release):
//! - top1_rate: members whose top candidate is the target / members;
//! - matched_rate: aux records matched / aux records;
//! - precision: matched and correct / matched;
//! - recall: matched and correct / members;
//! - false_match_rate: non-members matched / non-members (null without non-members);
//! - eer_phi: the phi where the false-match rate on non-members equals the miss rate
//!   (1 - recall); null without non-members (with members only, both error rates meet at
//!   phi = 0 by construction, which says nothing).

use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

use crate::attack::AttackParams;
use crate::attack::matches::Outcome;

/// Quantiles of a real-valued distribution.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Distribution {
    /// Mean.
    pub mean: f64,
    /// 10th percentile.
    pub p10: f64,
    /// Median.
    pub median: f64,
    /// 90th percentile.
    pub p90: f64,
}

impl Distribution {
    fn of(mut values: Vec<f64>) -> Option<Distribution> {
        values.retain(|v| v.is_finite());
        if values.is_empty() {
            return None;
        }
        values.sort_by(f64::total_cmp);
        let at =
            |q: f64| values[((q * values.len() as f64).ceil() as usize).clamp(1, values.len()) - 1];
        Some(Distribution {
            mean: values.iter().sum::<f64>() / values.len() as f64,
            p10: at(0.1),
            median: at(0.5),
            p90: at(0.9),
        })
    }
}

/// One point of the precision-recall table.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct PrPoint {
    /// The eccentricity threshold.
    pub phi: f64,
    /// Precision at phi (null when nothing matches).
    pub precision: Option<f64>,
    /// Recall at phi.
    pub recall: Option<f64>,
    /// Matched rate at phi.
    pub matched_rate: f64,
    /// False-match rate at phi (non-members; null without them).
    pub false_match_rate: Option<f64>,
}

/// One bin of the reliability table: the aux records whose best guess has a posterior in
/// `[low, high)` (the last bin includes 1), and how often that guess is the target.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ReliabilityBin {
    /// The bin's lowest posterior.
    pub low: f64,
    /// The bin's highest posterior (excluded, but for the last bin).
    pub high: f64,
    /// Aux records in the bin (with the truth known).
    pub aux_records: usize,
    /// Their mean posterior (null for an empty bin).
    pub mean_posterior: Option<f64>,
    /// The share whose best guess is the target (null for an empty bin).
    pub accuracy: Option<f64>,
}

/// The bins' edges of the reliability table.
pub const RELIABILITY_EDGES: [f64; 8] = [0.0, 0.1, 0.3, 0.5, 0.7, 0.9, 0.99, 1.0];

/// The reliability table of outcomes with a posterior and the truth known (empty without).
pub fn reliability(outcomes: &[Outcome]) -> Vec<ReliabilityBin> {
    let known: Vec<(f64, bool)> = outcomes
        .iter()
        .filter(|o| o.true_user.is_some())
        .filter_map(|o| o.m.posterior.map(|p| (p, o.correct)))
        .collect();
    if known.is_empty() {
        return Vec::new();
    }
    let last = RELIABILITY_EDGES.len() - 2;
    RELIABILITY_EDGES
        .windows(2)
        .enumerate()
        .map(|(k, edge)| {
            let inside: Vec<&(f64, bool)> = known
                .iter()
                .filter(|(p, _)| *p >= edge[0] && (*p < edge[1] || (k == last && *p <= edge[1])))
                .collect();
            let n = inside.len();
            let mean = |f: &dyn Fn(&(f64, bool)) -> f64| {
                (n > 0).then(|| inside.iter().map(|x| f(x)).sum::<f64>() / n as f64)
            };
            ReliabilityBin {
                low: edge[0],
                high: edge[1],
                aux_records: n,
                mean_posterior: mean(&|x| x.0),
                accuracy: mean(&|x| x.1 as u8 as f64),
            }
        })
        .collect()
}

/// The attack summary (`attack --summary S.json`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AttackSummary {
    /// The algorithm.
    pub algorithm: String,
    /// The threshold the rates are given at.
    pub phi: f64,
    /// The parameters the algorithm reads that a summary names
    /// ([`crate::attack::Parameter::in_summary`]; `length_norm` for Scoreboard-RH-norm), by name.
    #[serde(flatten)]
    pub parameters: crate::attack::parameter::Values,
    /// Whether the adversary knew the release's policy (`--informed`; absent when not).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub informed: bool,
    /// Aux records scored.
    pub aux_records: usize,
    /// Aux records whose target is in the release.
    pub members: usize,
    /// Aux records whose target is not in the release.
    pub non_members: usize,
    /// See the module docs.
    pub top1_rate: Option<f64>,
    /// 95% Wilson score interval.
    pub top1_rate_ci: Option<[f64; 2]>,
    /// See the module docs.
    pub matched_rate: f64,
    /// 95% Wilson score interval.
    pub matched_rate_ci: Option<[f64; 2]>,
    /// See the module docs.
    pub precision: Option<f64>,
    /// 95% Wilson score interval.
    pub precision_ci: Option<[f64; 2]>,
    /// See the module docs.
    pub recall: Option<f64>,
    /// 95% Wilson score interval.
    pub recall_ci: Option<[f64; 2]>,
    /// See the module docs.
    pub false_match_rate: Option<f64>,
    /// 95% Wilson score interval.
    pub false_match_rate_ci: Option<[f64; 2]>,
    /// See the module docs (Scoreboard-RH only).
    pub eer_phi: Option<f64>,
    /// Entropy of the adversary's output, bits.
    pub entropy_bits: Option<Distribution>,
    /// log2 of the candidate-set size (Scoreboard) or of the records tied at the best score.
    pub log2_candidates: Option<Distribution>,
    /// Precision and recall over phi (Scoreboard-RH only).
    pub pr_curve: Vec<PrPoint>,
    /// The reliability table (posterior bins against how often the guess is right), for an
    /// algorithm that gives a posterior; left out for the others.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reliability: Vec<ReliabilityBin>,
}

/// A rate: how many of how many.
#[derive(Clone, Copy)]
struct Count {
    of: usize,
    out_of: usize,
}

impl Count {
    /// The rate; `None` without a denominator.
    fn rate(self) -> Option<f64> {
        (self.out_of > 0).then(|| self.of as f64 / self.out_of as f64)
    }

    /// Its 95% Wilson score interval; `None` without a denominator.
    fn interval(self) -> Option<[f64; 2]> {
        crate::interval::wilson(self.of as f64, self.out_of as f64)
    }
}

struct Rates {
    top1: Option<f64>,
    matched: f64,
    precision: Option<f64>,
    recall: Option<f64>,
    false_match: Option<f64>,
}

/// The counts behind [`Rates`], in its order.
struct Counts {
    top1: Count,
    matched: Count,
    precision: Count,
    recall: Count,
    false_match: Count,
}

impl Counts {
    fn rates(&self) -> Rates {
        Rates {
            top1: self.top1.rate(),
            matched: self.matched.rate().unwrap_or(0.0),
            precision: self.precision.rate(),
            recall: self.recall.rate(),
            false_match: self.false_match.rate(),
        }
    }
}

fn rates(outcomes: &[&Outcome], matched: impl Fn(&Outcome) -> bool) -> Rates {
    counts(outcomes, matched).rates()
}

fn counts(outcomes: &[&Outcome], matched: impl Fn(&Outcome) -> bool) -> Counts {
    let (mut members, mut non_members, mut top1, mut m, mut m_correct, mut m_non) =
        (0, 0, 0, 0, 0, 0);
    for o in outcomes {
        let is_matched = matched(o);
        if o.member {
            members += 1;
            top1 += o.correct as usize;
        } else if o.true_user.is_some() {
            non_members += 1;
            m_non += is_matched as usize;
        }
        m += is_matched as usize;
        m_correct += (is_matched && o.correct) as usize;
    }
    let count = |of, out_of| Count { of, out_of };
    Counts {
        top1: count(top1, members),
        matched: count(m, outcomes.len()),
        precision: count(m_correct, m),
        recall: count(m_correct, members),
        false_match: count(m_non, non_members),
    }
}

/// Summarizes the outcomes of an attack with `params` (matched at its phi).
pub fn summarize(outcomes: &[Outcome], params: &AttackParams) -> AttackSummary {
    let algorithm = params.algorithm();
    // Eccentricity (and so phi, the precision-recall trade-off and the equal-error phi) exists
    // for the algorithms that rank by score; Scoreboard's is NaN.
    let rh = outcomes.iter().any(|o| o.m.eccentricity.is_finite());
    let all: Vec<&Outcome> = outcomes.iter().collect();
    let at_phi = |o: &Outcome| o.m.matched;
    let counted = counts(&all, at_phi);
    let point = counted.rates();
    let with_truth = point.top1.is_some() || point.false_match.is_some();
    let pr_curve: Vec<PrPoint> = if rh && with_truth {
        (0..=40)
            .map(|k| {
                let t = k as f64 * 0.25;
                let r = rates(&all, |o| o.m.eccentricity >= t && o.m.eccentricity > 0.0);
                PrPoint {
                    phi: t,
                    precision: r.precision,
                    recall: r.recall,
                    matched_rate: r.matched,
                    false_match_rate: r.false_match,
                }
            })
            .collect()
    } else {
        Vec::new()
    };
    let eer_phi = if rh && point.recall.is_some() && point.false_match.is_some() {
        equal_error_phi(&all)
    } else {
        None
    };
    let members = outcomes.iter().filter(|o| o.member).count();
    let non_members = outcomes
        .iter()
        .filter(|o| !o.member && o.true_user.is_some())
        .count();
    AttackSummary {
        algorithm: algorithm.name().to_string(),
        phi: params.phi(),
        parameters: params.values(|p| p.in_summary && algorithm.uses(p.name)),
        informed: false,
        aux_records: outcomes.len(),
        members,
        non_members,
        top1_rate: point.top1,
        top1_rate_ci: counted.top1.interval(),
        matched_rate: point.matched,
        matched_rate_ci: counted.matched.interval(),
        precision: point.precision,
        precision_ci: counted.precision.interval(),
        recall: point.recall,
        recall_ci: counted.recall.interval(),
        false_match_rate: point.false_match,
        false_match_rate_ci: counted.false_match.interval(),
        eer_phi,
        entropy_bits: Distribution::of(outcomes.iter().map(|o| o.m.entropy_bits).collect()),
        log2_candidates: Distribution::of(
            outcomes
                .iter()
                .filter(|o| o.m.candidates > 0)
                .map(|o| (o.m.candidates as f64).log2())
                .collect(),
        ),
        pr_curve,
        reliability: reliability(outcomes),
    }
}

/// The threshold among the observed eccentricities where false matches and misses balance.
fn equal_error_phi(outcomes: &[&Outcome]) -> Option<f64> {
    let members = outcomes.iter().filter(|o| o.member).count();
    if members == 0 {
        return None;
    }
    let mut thresholds: Vec<f64> = outcomes
        .iter()
        .map(|o| o.m.eccentricity)
        .filter(|e| e.is_finite())
        .collect();
    thresholds.push(0.0);
    thresholds.sort_by(f64::total_cmp);
    thresholds.dedup();
    let mut best: Option<(f64, f64)> = None;
    for &t in &thresholds {
        let matched = |o: &Outcome| o.m.eccentricity >= t && o.m.eccentricity > 0.0;
        let r = rates(outcomes, matched);
        let false_rate = r.false_match.unwrap_or(0.0);
        let gap = (false_rate - (1.0 - r.recall.unwrap_or(0.0))).abs();
        if best.is_none_or(|(g, _)| gap < g) {
            best = Some((gap, t));
        }
    }
    best.map(|(_, t)| t)
}

fn show(x: Option<f64>) -> String {
    x.map_or("-".into(), |v| format!("{v:.3}"))
}

fn show_ci(x: Option<[f64; 2]>) -> String {
    x.map_or(String::new(), |[a, b]| format!("[{a:.3}, {b:.3}]"))
}

impl AttackSummary {
    /// The summary as a table.
    pub fn to_text(&self) -> String {
        let mut s = String::new();
        let shown = self.parameters.in_words(|_| true);
        let norm = if shown.is_empty() {
            String::new()
        } else {
            format!(" ({})", shown.join(", "))
        };
        // An algorithm that names by another rule (the likelihood's posterior threshold, among
        // its parameters) is not "at phi".
        let at_phi = match self.algorithm.parse::<crate::attack::Algorithm>() {
            Ok(a) if a.uses(crate::attack::algorithm::likelihood::THRESHOLD.name) => String::new(),
            _ => format!(" at phi {}", self.phi),
        };
        let _ = writeln!(
            s,
            "{}{norm}{at_phi}: {} aux records ({} members, {} non-members)",
            self.algorithm, self.aux_records, self.members, self.non_members
        );
        let rows = [
            ("re-identified (top-1)", self.top1_rate, self.top1_rate_ci),
            ("matched", Some(self.matched_rate), self.matched_rate_ci),
            ("precision", self.precision, self.precision_ci),
            ("recall", self.recall, self.recall_ci),
            (
                "false matches",
                self.false_match_rate,
                self.false_match_rate_ci,
            ),
        ];
        for (name, v, ci) in rows {
            let _ = writeln!(s, "  {name:<22}{:>7}  {}", show(v), show_ci(ci));
        }
        if let Some(e) = self.eer_phi {
            let _ = writeln!(s, "  {:<22}{e:>7.3}", "equal-error phi");
        }
        if let Some(d) = &self.entropy_bits {
            let _ = writeln!(
                s,
                "  {:<22}mean {:.2}, median {:.2}, p10 {:.2}, p90 {:.2}",
                "entropy (bits)", d.mean, d.median, d.p10, d.p90
            );
        }
        if let Some(d) = &self.log2_candidates {
            let _ = writeln!(
                s,
                "  {:<22}mean {:.2}, median {:.2}, p10 {:.2}, p90 {:.2}",
                "log2 candidates", d.mean, d.median, d.p10, d.p90
            );
        }
        if !self.pr_curve.is_empty() {
            let _ = writeln!(
                s,
                "  {:>6} {:>10} {:>10} {:>10} {:>10}",
                "phi", "precision", "recall", "matched", "false"
            );
            for p in self
                .pr_curve
                .iter()
                .filter(|p| (p.phi * 2.0).fract() == 0.0 && p.phi <= 5.0)
            {
                let _ = writeln!(
                    s,
                    "  {:>6.2} {:>10} {:>10} {:>10.3} {:>10}",
                    p.phi,
                    show(p.precision),
                    show(p.recall),
                    p.matched_rate,
                    show(p.false_match_rate)
                );
            }
        }
        if !self.reliability.is_empty() {
            let _ = writeln!(
                s,
                "  {:>13} {:>10} {:>10} {:>10}",
                "posterior", "records", "mean", "right"
            );
            for b in &self.reliability {
                let _ = writeln!(
                    s,
                    "  {:>13} {:>10} {:>10} {:>10}",
                    format!("{:.2}-{:.2}", b.low, b.high),
                    b.aux_records,
                    show(b.mean_posterior),
                    show(b.accuracy)
                );
            }
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::attack::Match;

    /// An aux record about a member (or a non-member), named or not, right or not.
    fn outcome(member: bool, matched: bool, correct: bool) -> Outcome {
        Outcome {
            aux_id: String::new(),
            candidate: matched.then(String::new),
            true_user: Some(String::new()),
            member,
            correct,
            m: Match {
                candidate: Some(0),
                score: 1.0,
                runner_up: 0.0,
                eccentricity: if matched { 5.0 } else { 0.5 },
                matched,
                entropy_bits: 0.0,
                top_probability: 1.0,
                candidates: 1,
                sigma: 1.0,
                facts_used: 4,
                posterior: None,
            },
        }
    }

    #[test]
    fn everyone_named_gives_an_interval_below_one() {
        let outcomes = vec![outcome(true, true, true); 400];
        let s = summarize(&outcomes, &AttackParams::defaults());
        assert_eq!(s.top1_rate, Some(1.0));
        for ci in [
            s.top1_rate_ci,
            s.matched_rate_ci,
            s.precision_ci,
            s.recall_ci,
        ] {
            let [lo, hi] = ci.expect("an interval");
            // Wilson's 400 of 400: [0.99049, 1].
            assert!(lo > 0.98 && lo < 0.995, "{lo}");
            assert_eq!(hi, 1.0);
        }
        assert_eq!(s.false_match_rate_ci, None);
    }

    #[test]
    fn each_rate_takes_the_interval_of_its_own_count() {
        // 10 members: 5 named rightly, 1 named wrongly, 4 not named; 4 non-members, 1 named.
        let mut outcomes = vec![outcome(true, true, true); 5];
        outcomes.push(outcome(true, true, false));
        outcomes.extend(vec![outcome(true, false, false); 4]);
        outcomes.extend(vec![outcome(false, false, false); 3]);
        outcomes.push(outcome(false, true, false));
        let s = summarize(&outcomes, &AttackParams::defaults());
        let near = |ci: Option<[f64; 2]>, want: [f64; 2]| {
            let [lo, hi] = ci.unwrap();
            assert!(
                (lo - want[0]).abs() < 1e-4 && (hi - want[1]).abs() < 1e-4,
                "{lo}, {hi} vs {want:?}"
            );
        };
        // Wilson's bounds, computed apart: 5/10 (top-1: the correct ones), 7/14 (matched),
        // 5/7 (precision), 5/10 (recall), 1/4 (false matches).
        near(s.top1_rate_ci, [0.2366, 0.7634]);
        near(s.matched_rate_ci, [0.2679, 0.7321]);
        near(s.precision_ci, [0.3589, 0.9178]);
        near(s.recall_ci, [0.2366, 0.7634]);
        near(s.false_match_rate_ci, [0.0456, 0.6994]);
    }
}
