//! The report's detailed tables, below the summary: each policy's strongest adversary, every
//! adversary of the battery (with a short attack label; the full parameters in a tooltip and in
//! audit.json), who is at risk, and the data audited.

use std::fmt::Write as _;

use super::{attack_words, escape};
use crate::audit::report::{pct, pct_ci, pct1};
use crate::audit::{Adversary, AdversaryResult, Audit, Reported};
use crate::study::AttackConfig;

/// An attack in a few words: the algorithm, and whether it maps facts by the policy.
fn short_label(a: &AttackConfig) -> String {
    format!(
        "{}{}",
        a.algorithm,
        if a.informed { ", informed" } else { "" }
    )
}

/// An attack cell: the short label, the full parameters in a tooltip.
fn attack_cell(a: Option<&AttackConfig>) -> String {
    a.map_or("-".to_string(), |a| {
        format!(
            "<span title=\"{}\">{}</span>",
            escape(&attack_words(a)),
            escape(&short_label(a))
        )
    })
}

/// Each policy's cost, strongest adversary and the sampled people it was measured on.
pub(super) fn policies_table(audit: &Audit) -> String {
    let informed = crate::audit::released_words::attacks_searched(audit);
    let mut h = format!(
        "<h3>Policies</h3><table><tr><th>policy</th><th>RMSE cost</th><th>entries kept</th><th>strongest adversary</th><th>re-identified</th><th>95% interval</th>{}<th>sampled people in the release</th><th>sampled people left out</th></tr>",
        if informed {
            "<th>blind adversary</th>"
        } else {
            ""
        }
    );
    for p in &audit.policies {
        let rec = audit.recommended.as_deref() == Some(&p.policy);
        let blind = if informed {
            format!(
                "<td class=\"n\">{}</td>",
                p.blind_worst()
                    .and_then(|a| a.blind_reidentified)
                    .map_or("-".to_string(), pct1)
            )
        } else {
            String::new()
        };
        let _ = write!(
            h,
            "<tr{}><td><code>{}</code>{}</td><td class=\"n\">{}</td><td class=\"n\">{:.1}%</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td>{blind}<td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
            if rec { " class=\"rec\"" } else { "" },
            escape(&p.policy),
            if rec { " (recommended)" } else { "" },
            p.rmse_cost.map_or("-".to_string(), |c| format!("{c:+.3}")),
            p.kept_fraction * 100.0,
            escape(p.worst_adversary.as_deref().unwrap_or("-")),
            p.worst_reidentified.map_or("-".to_string(), pct1),
            pct_ci(p.worst_reidentified_ci),
            p.members,
            p.non_members
        );
    }
    h.push_str("</table>");
    h
}

/// One adversary's row (the policy cell spans the policy's rows).
fn adversary_row(a: &AdversaryResult, informed: bool) -> String {
    let mut attack = attack_cell(a.attack.as_ref());
    match a.reported {
        Reported::BlindStronger => {
            attack.push_str(" (stronger here than the attack chosen on other people)")
        }
        Reported::BlindNamesEveryone => attack.push_str(" (names everyone: nothing to search)"),
        Reported::Searched | Reported::Blind => {}
    }
    let extra = if informed {
        let gain = match (a.reidentified, a.blind_reidentified) {
            (Some(x), Some(b)) => format!("{:+.1} pts", (x - b) * 100.0),
            _ => "-".to_string(),
        };
        format!(
            "<td class=\"n\">{}</td><td class=\"n\">{gain}</td><td>{attack} <span class=\"note\">of {}</span></td>",
            pct(a.blind_reidentified),
            a.searched
        )
    } else {
        format!("<td>{attack}</td>")
    };
    format!(
        "<td>{}{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td>{extra}<td class=\"n\">{}</td></tr>",
        escape(&a.name),
        a.note.as_ref().map_or(String::new(), |n| format!(
            "<br><span class=\"note\">{}</span>",
            escape(n)
        )),
        pct(a.reidentified),
        pct_ci(a.reidentified_ci),
        pct(a.best_guess),
        pct(a.false_match_rate),
        a.people
    )
}

/// Every adversary against every policy, then what each adversary knows.
pub(super) fn adversaries_table(audit: &Audit, adversaries: &[Adversary]) -> String {
    let informed = crate::audit::released_words::attacks_searched(audit);
    let mut h = format!(
        "<h3>Adversaries</h3><p>What each adversary knows about a target, and how often it names the target correctly (re-identified: eccentricity at least {} for the Scoreboard-RH family, a posterior at least the attack's threshold for the likelihood-ratio algorithm, a single candidate for Scoreboard) or ranks them first (best guess). False matches: how often it names somebody for a person who is not in the release. Point at an attack for its parameters.</p>",
        audit.provenance.phi
    );
    let _ = write!(
        h,
        "<table class=\"compact\"><tr><th>policy</th><th>adversary</th><th>re-identified</th><th>95% interval</th><th>best guess</th><th>false matches</th>{}<th>people</th></tr>",
        if informed {
            "<th>blind</th><th>gain</th><th>attack chosen (of those tried)</th>"
        } else {
            "<th>attack</th>"
        }
    );
    for p in &audit.policies {
        for (k, a) in p.adversaries.iter().enumerate() {
            let policy = if k == 0 {
                format!(
                    "<td rowspan=\"{}\"><code>{}</code></td>",
                    p.adversaries.len(),
                    escape(&p.policy)
                )
            } else {
                String::new()
            };
            let _ = write!(h, "<tr>{policy}{}", adversary_row(a, informed));
        }
    }
    h.push_str("</table><p class=\"note\">The adversaries: ");
    for (k, a) in adversaries.iter().enumerate() {
        let _ = write!(
            h,
            "{}{}: {}{} facts ({} wrong), {}, {}, items {}",
            if k > 0 { "; " } else { "" },
            escape(&a.name),
            if a.attributes.is_empty() {
                String::new()
            } else {
                format!(
                    "the attributes {} exactly, ",
                    escape(&a.attributes.join(", "))
                )
            },
            a.facts,
            a.wrong,
            if a.dates {
                format!("dates within {} days", a.date_error)
            } else {
                "no dates".into()
            },
            if a.ratings {
                format!("ratings within {} stars", a.rating_error)
            } else {
                "no ratings".into()
            },
            escape(&a.select.name())
        );
    }
    h.push_str(".</p>");
    h
}

/// The per-person risk under each policy's worst adversary.
pub(super) fn at_risk_table(audit: &Audit) -> String {
    let mut h = String::from(
        "<h3>Who is at risk</h3><table><tr><th>policy</th><th>mean risk</th><th>people with risk at least 50%</th><th>by activity decile (lightest first)</th><th>by taste rarity decile (rarest first)</th></tr>",
    );
    for p in &audit.policies {
        let deciles = |v: &[Option<f64>]| v.iter().map(|x| pct(*x)).collect::<Vec<_>>().join(" ");
        let _ = write!(
            h,
            "<tr><td><code>{}</code></td><td class=\"n\">{}</td><td class=\"n\">{}</td><td>{}</td><td>{}</td></tr>",
            escape(&p.policy),
            pct(p.risk.mean),
            pct(p.risk.share_at_least_half),
            deciles(&p.risk.by_activity_decile),
            deciles(&p.risk.by_rarity_decile)
        );
    }
    h.push_str("</table>");
    h
}

/// The data audited, in aggregates.
pub(super) fn data_section(audit: &Audit) -> String {
    let d = &audit.data;
    format!(
        "<h2 id=\"data\">The data</h2><p>{} people, {} items, {} entries ({:.3}% of all person-item pairs); {}, {}.</p>",
        d.records,
        d.items,
        d.entries,
        100.0 * d.entries as f64 / (d.records as f64 * d.items as f64).max(1.0),
        if d.has_ratings {
            "with ratings"
        } else {
            "without ratings"
        },
        if d.has_dates {
            "with dates"
        } else {
            "without dates"
        }
    )
}
