//! The report's summary, its first screen: the verdict, then one row per policy with its cost
//! and the three tests (singling out, linkability at the assumed knowledge, inference), each a
//! figure with its interval and pass or fail against its target; the measured epsilon; the
//! recommendation; then the knowledge curves.

use std::fmt::Write as _;

use super::escape;
use crate::audit::report::{assumed_words, pct_ci, pct1};
use crate::audit::three_tests::{Judged, SINGLING_OUT_POINTS};
use crate::audit::{Audit, PolicyResult};

/// How the verdict box is coloured: green when the recommended policy passes every test with a
/// target, amber when it passes linkability but fails another, red without a recommendation.
pub(super) fn verdict_class(audit: &Audit) -> &'static str {
    let recommended = audit
        .recommended
        .as_deref()
        .and_then(|r| audit.policies.iter().find(|p| p.policy == r))
        // A release made elsewhere that meets the target is coloured as a recommendation.
        .or_else(|| {
            crate::audit::released_words::meets(audit)
                .then(|| audit.policies.first())
                .flatten()
        });
    match recommended.and_then(|p| p.tests.as_ref()) {
        Some(t) if t.all_pass() => "verdict ok",
        Some(_) => "verdict warn",
        None if recommended.is_some() => "verdict ok",
        None => "verdict",
    }
}

/// A test's cell: pass or fail, the figure and its interval.
fn test_cell(j: Option<&Judged>) -> String {
    let Some(j) = j else {
        return "<td class=\"n\">not measured</td>".to_string();
    };
    let Some(figure) = j.figure else {
        return "<td class=\"n\">-</td>".to_string();
    };
    let (class, word) = match j.passes {
        Some(true) => ("pass", "pass"),
        Some(false) => ("fail", "fail"),
        None => ("", "no target"),
    };
    format!(
        "<td class=\"n {class}\"><b>{word}</b> {} <span class=\"ci\">{}</span></td>",
        pct1(figure),
        pct_ci(j.ci)
    )
}

fn cost_cell(p: &PolicyResult) -> String {
    match p.rmse_cost {
        Some(c) => format!("{c:+.3} RMSE"),
        None => format!("{:.1}% removed", (1.0 - p.kept_fraction) * 100.0),
    }
}

fn target_words(t: Option<f64>) -> String {
    t.map_or("no target".to_string(), |t| {
        format!("target &le; {}", pct1(t))
    })
}

/// The summary section.
pub(super) fn section(audit: &Audit, curve: &str) -> String {
    let mut h = String::from("<section id=\"summary\"><h2>Summary</h2>");
    let _ = write!(
        h,
        "<p class=\"{}\" id=\"verdict\">{}</p>",
        verdict_class(audit),
        escape(&audit.verdict)
    );
    let inference = audit.policies.iter().any(|p| p.inference.is_some());
    let epsilon = audit.policies.iter().any(|p| p.measured_epsilon.is_some());
    let linkability = match assumed_words(audit) {
        Some(w) => format!("an adversary who knows {}", escape(&w)),
        None => "the battery's strongest adversary".to_string(),
    };
    let _ = write!(
        h,
        "<table class=\"summary\"><tr><th>policy</th><th>cost</th><th>singling out<br><span class=\"note\">unicity of {SINGLING_OUT_POINTS} points; {}</span></th><th>linkability<br><span class=\"note\">re-identified by {linkability}; {}</span></th>{}{}</tr>",
        target_words(Some(audit.target_risk)),
        target_words(Some(audit.target_risk)),
        if inference {
            format!(
                "<th>inference<br><span class=\"note\">inference risk; {}</span></th>",
                target_words(audit.target_inference_risk)
            )
        } else {
            String::new()
        },
        if epsilon {
            "<th>measured epsilon<br><span class=\"note\">lower bound</span></th>"
        } else {
            ""
        }
    );
    for p in &audit.policies {
        let rec = audit.recommended.as_deref() == Some(&p.policy);
        let t = p.tests.as_ref();
        let _ = write!(
            h,
            "<tr{}><td><code>{}</code>{}</td><td class=\"n\">{}</td>{}{}",
            if rec { " class=\"rec\"" } else { "" },
            escape(&p.policy),
            if rec { " <b>(recommended)</b>" } else { "" },
            cost_cell(p),
            test_cell(t.map(|t| &t.singling_out)),
            test_cell(t.map(|t| &t.linkability)),
        );
        if inference {
            h.push_str(&test_cell(t.and_then(|t| t.inference.as_ref())));
        }
        if epsilon {
            let _ = write!(
                h,
                "<td class=\"n\">{}</td>",
                p.measured_epsilon
                    .as_ref()
                    .map_or("-".to_string(), |m| format!(
                        "&ge; {:.2}",
                        m.epsilon_lower_bound
                    ))
            );
        }
        h.push_str("</tr>");
    }
    h.push_str("</table>");
    match (&audit.recommended, &audit.closest) {
        (Some(r), _) => {
            let _ = write!(
                h,
                "<p>Recommended policy: <code id=\"recommended\">{}</code>: the cheapest that passes linkability{}.</p>",
                escape(r),
                if audit.target_inference_risk.is_some() {
                    " and inference"
                } else {
                    ""
                }
            );
        }
        (None, Some(c)) => {
            let _ = write!(
                h,
                "<p>No policy passes linkability; the closest is <code>{}</code>.</p>",
                escape(c)
            );
        }
        _ => {}
    }
    let _ = write!(
        h,
        "<p class=\"note\">A test passes when the upper end of its 95% interval is at most its target. The re-identification target ({}) is the one the European Medicines Agency (Policy 0070) and Health Canada use for the public release of clinical-trial data: a convention, not a law of nature; singling out is held to the same. Singling out counts the people whom {SINGLING_OUT_POINTS} points of their released data (the most identifying kind the release keeps) are enough to isolate; the recommendation is made on linkability{}, and says when it fails singling out. Every figure is what the strongest adversary tried achieves: a lower bound on the risk.</p>",
        pct1(audit.target_risk),
        if audit.target_inference_risk.is_some() {
            " and inference"
        } else {
            ""
        }
    );
    h.push_str(curve);
    h.push_str("</section>");
    h
}
