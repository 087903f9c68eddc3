//! Re-identification metrics of an attack: rates with seeded 95% bootstrap confidence
//! intervals, the precision-recall trade-off over the eccentricity threshold phi, the
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
use crate::rng::{Rng, percentile_interval};

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
    /// 95% bootstrap interval.
    pub top1_rate_ci: Option<[f64; 2]>,
    /// See the module docs.
    pub matched_rate: f64,
    /// 95% bootstrap interval.
    pub matched_rate_ci: Option<[f64; 2]>,
    /// See the module docs.
    pub precision: Option<f64>,
    /// 95% bootstrap interval.
    pub precision_ci: Option<[f64; 2]>,
    /// See the module docs.
    pub recall: Option<f64>,
    /// 95% bootstrap interval.
    pub recall_ci: Option<[f64; 2]>,
    /// See the module docs.
    pub false_match_rate: Option<f64>,
    /// 95% bootstrap interval.
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
    /// Bootstrap resamples behind the intervals.
    pub bootstrap_resamples: usize,
}

struct Rates {
    top1: Option<f64>,
    matched: f64,
    precision: Option<f64>,
    recall: Option<f64>,
    false_match: Option<f64>,
}

fn ratio(a: usize, b: usize) -> Option<f64> {
    (b > 0).then(|| a as f64 / b as f64)
}

fn rates(outcomes: &[&Outcome], matched: impl Fn(&Outcome) -> bool) -> Rates {
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
    Rates {
        top1: ratio(top1, members),
        matched: m as f64 / outcomes.len().max(1) as f64,
        precision: ratio(m_correct, m),
        recall: ratio(m_correct, members),
        false_match: ratio(m_non, non_members),
    }
}

/// Summarizes the outcomes of an attack with `params` (matched at its phi) with `resamples`
/// bootstrap resamples drawn from `seed`.
pub fn summarize(
    outcomes: &[Outcome],
    params: &AttackParams,
    resamples: usize,
    seed: u64,
) -> AttackSummary {
    let algorithm = params.algorithm();
    // Eccentricity (and so phi, the precision-recall trade-off and the equal-error phi) exists
    // for the algorithms that rank by score; Scoreboard's is NaN.
    let rh = outcomes.iter().any(|o| o.m.eccentricity.is_finite());
    let all: Vec<&Outcome> = outcomes.iter().collect();
    let at_phi = |o: &Outcome| o.m.matched;
    let point = rates(&all, at_phi);
    let mut samples: [Vec<f64>; 5] = Default::default();
    let mut rng = Rng::derive(seed, &[31]);
    if !outcomes.is_empty() {
        for _ in 0..resamples {
            let pick: Vec<&Outcome> = (0..outcomes.len())
                .map(|_| &outcomes[rng.below(outcomes.len() as u64) as usize])
                .collect();
            let r = rates(&pick, at_phi);
            for (k, v) in [
                r.top1,
                Some(r.matched),
                r.precision,
                r.recall,
                r.false_match,
            ]
            .into_iter()
            .enumerate()
            {
                if let Some(v) = v {
                    samples[k].push(v);
                }
            }
        }
    }
    let [s_top1, s_matched, s_precision, s_recall, s_false] = samples;
    let with_truth = point.top1.is_some() || point.false_match.is_some();
    let ci = |s: Vec<f64>, present: bool| {
        if present {
            percentile_interval(s)
        } else {
            None
        }
    };
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
        top1_rate_ci: ci(s_top1, point.top1.is_some()),
        matched_rate: point.matched,
        matched_rate_ci: ci(s_matched, true),
        precision: point.precision,
        precision_ci: ci(s_precision, point.precision.is_some()),
        recall: point.recall,
        recall_ci: ci(s_recall, point.recall.is_some()),
        false_match_rate: point.false_match,
        false_match_rate_ci: ci(s_false, point.false_match.is_some()),
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
        bootstrap_resamples: resamples,
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
