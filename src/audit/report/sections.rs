//! The report's sections on the three tests, the people's attributes and the knowledge the
//! verdict assumes.

use std::fmt::Write as _;

use super::escape;
use crate::audit::Audit;
use crate::audit::report::{assumed_words, pct, pct_ci, pct1};

/// The three tests of anonymisation side by side (Article 29 Working Party, Opinion 05/2014),
/// when the audit measured inference.
pub(super) fn three_tests_section(audit: &Audit) -> String {
    let Some(first) = audit.policies.iter().find_map(|p| p.inference.as_ref()) else {
        return String::new();
    };
    let secret = match (
        &first.measured.sensitive_items,
        &first.measured.sensitive_attribute,
    ) {
        (Some(n), _) => format!(
            "whether a person holds any of the {n} sensitive items beyond the facts the adversary already knew"
        ),
        (_, Some(a)) => format!("a person's value of <code>{}</code>", escape(a)),
        _ => "the secret".to_string(),
    };
    let mut h = String::new();
    let _ = write!(
        h,
        "<h2 id=\"three-tests\">The three tests: inference</h2><p>European guidance judges anonymisation by three tests (Article 29 Working Party, Opinion 05/2014). <b>Singling out</b>: can a person be isolated? (unicity: how often a few points of a person's data are theirs alone). <b>Linkability</b>: can records about the same person be linked? (re-identification by the strongest adversary). <b>Inference</b>: can something about a person be deduced? Here the secret is {secret}. The strongest adversary links each person's facts to a released record and reads the secret off it; the same attack on people held out of the release (the control) shows what the population reveals by itself, since their linked record is somebody else's. The inference risk is the share of the control's wrong guesses that linking puts right: (members right - control right) / (1 - control right); 0 means linking teaches nothing beyond the base rate, 100% that it reveals every secret the population does not. The summary above judges each policy by the three; the inference in detail:</p><table><tr><th>policy</th><th>members right</th><th>control right</th><th>majority of members' secrets right</th><th>release's most common value right</th><th>inference risk</th><th>95% interval</th><th>entries revealed</th></tr>"
    );
    for p in &audit.policies {
        let (main, control, (majority, baseline), risk, ci, learned) = match &p.inference {
            Some(i) => {
                let m = &i.measured;
                (
                    pct(m.all.main_accuracy),
                    pct(m.all.control_accuracy),
                    (pct(m.majority_accuracy), pct(m.baseline_accuracy)),
                    m.all.risk.map_or("undefined".to_string(), pct1),
                    pct_ci(m.all.risk_ci),
                    match (m.learned.entries_revealed_mean, m.learned.precision) {
                        (Some(x), Some(prec)) => format!("{x:.1} ({} true)", pct(Some(prec))),
                        (Some(x), None) => format!("{x:.1}"),
                        _ => "-".to_string(),
                    },
                )
            }
            None => Default::default(),
        };
        let _ = write!(
            h,
            "<tr><td><code>{}</code></td><td class=\"n\">{main}</td><td class=\"n\">{control}</td><td class=\"n\">{majority}</td><td class=\"n\">{baseline}</td><td class=\"n\">{risk}</td><td class=\"n\">{ci}</td><td class=\"n\">{learned}</td></tr>",
            escape(&p.policy),
        );
    }
    h.push_str("</table><p class=\"note\">Majority of members' secrets: always guessing the secret most members truly have (the base rate); the release's most common value: always guessing what most released records show, which under a policy that removes entries can be far from the truth. Entries revealed: per person, the distinct items a member's linked record holds beyond what the adversary knew that are truly the person's (and, in brackets, the share of the linked record's claims that are). With a secret that nearly everyone or nearly no one has, the control is almost always right and the risk rests on few people: read it beside the two accuracies.</p>");
    h
}

/// The people's attributes: which combinations make people unique, and how unique the
/// attributes each release carries leave them.
pub(super) fn attributes_section(audit: &Audit) -> String {
    let d = &audit.data;
    let mut h = String::new();
    let _ = write!(
        h,
        "<h2 id=\"attributes\">Attributes</h2><p>The data carries people's attributes ({}). The attributes alone make people unique (nobody else agrees with them on those values; a missing value agrees with anything) this often, the most identifying combinations of each size first:</p><table><tr><th>attributes</th><th>people unique</th><th>unicity</th></tr>",
        escape(&d.attributes.join(", "))
    );
    // Smallest combinations first, the most identifying first within a size.
    let mut by_size: Vec<&crate::dataset::unicity::AttributeUnicity> =
        d.attribute_unicity.iter().collect();
    by_size.sort_by(|a, b| {
        (a.attributes.len(), b.unicity)
            .partial_cmp(&(b.attributes.len(), a.unicity))
            .expect("finite")
    });
    let smallest = by_size.iter().find(|c| c.unicity >= 0.5).copied();
    let mut shown = 0;
    let mut size = 0;
    for c in by_size {
        if c.attributes.len() != size {
            size = c.attributes.len();
            shown = 0;
        }
        if shown < 3 {
            let _ = write!(
                h,
                "<tr><td>{}</td><td>{} of {}</td><td>{}</td></tr>",
                escape(&c.attributes.join(" + ")),
                c.unique,
                c.people,
                pct1(c.unicity)
            );
            shown += 1;
        }
    }
    h.push_str("</table>");
    if let Some(c) = smallest {
        let _ = write!(
            h,
            "<p id=\"identifying-attributes\">The smallest combination that makes most people unique: <strong>{}</strong> ({} of people). For comparison, Sweeney (2000) found ZIP code, gender and date of birth unique for 87% of the 1990 US census.</p>",
            escape(&c.attributes.join(" + ")),
            pct1(c.unicity)
        );
    }
    h.push_str("<table><tr><th>policy</th><th>released attributes alone: unicity</th></tr>");
    for p in &audit.policies {
        let _ = write!(
            h,
            "<tr><td><code>{}</code></td><td>{}</td></tr>",
            escape(&p.policy),
            p.attribute_unicity.map_or("not released".to_string(), pct1)
        );
    }
    h.push_str("</table>");
    h
}

/// What the verdict assumes the adversary knows, and up to how much knowledge each policy holds
/// the target (empty for a `--naive` audit).
pub(super) fn knowledge_section(audit: &Audit, figure: &str) -> String {
    let (Some(words), Some(k)) = (assumed_words(audit), audit.assumed_facts) else {
        return String::new();
    };
    let mut h = String::new();
    let _ = write!(
        h,
        "<h2 id=\"knowledge\">What the verdict assumes</h2><p>The verdict assumes an adversary who knows <b>{}</b>, and every adversary of the battery below who knows no more. A policy meets the target only against all of them. The curve measures the strongest adversary who knows k of a person's entries, for each k: everyone sampled counts (a person with fewer entries is attacked with all of theirs), and each policy holds the target up to the last point before its curve crosses it.</p><table><tr><th>policy</th><th>holds the target</th><th>at {} known</th><th>95% interval</th><th>binding adversary</th></tr>",
        escape(&words),
        escape(&k.words())
    );
    for p in &audit.policies {
        let Some(a) = &p.assumed else { continue };
        let _ = write!(
            h,
            "<tr><td><code>{}</code></td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td>{}</td></tr>",
            escape(&p.policy),
            p.holds_up_to.map_or("-".to_string(), |x| x.words()),
            a.reidentified.map_or("-".to_string(), pct1),
            pct_ci(a.reidentified_ci),
            escape(&a.adversary)
        );
    }
    h.push_str("</table>");
    h.push_str(figure);
    h
}
