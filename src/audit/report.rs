//! The audit's report: one self-contained `report.html` (CSS and SVG inline; nothing from the
//! network; print CSS for PDF) that a non-specialist reads, verdict first; and the plots as SVG
//! and PNG files beside it. Aggregates only: no person's id appears.

use std::fmt::Write as _;
use std::path::Path;

pub use super::verdict::{assumed_words, verdict};
use super::verdict::{pct, pct_ci, pct1};
use super::{Adversary, Audit, PolicyResult};
use crate::Result;
use crate::plot::{self, Legend, Plot, Series, Style};
use crate::search::AttackConfig;

pub(crate) fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// An attack configuration in words: `scoreboard-rh-norm (d0 30, B 0.25, rho0 2.5), facts
/// mapped by the policy`: the parameters with a label ([`crate::attack::Parameter::label`]),
/// by name.
pub fn attack_words(a: &AttackConfig) -> String {
    let shown: Vec<String> = a
        .parameters
        .iter()
        .filter_map(|(p, v)| {
            let label = crate::attack::parameter(p)?.label?;
            Some(format!("{label} {v}"))
        })
        .collect();
    format!(
        "{}{}{}",
        a.algorithm,
        if shown.is_empty() {
            String::new()
        } else {
            format!(" ({})", shown.join(", "))
        },
        if a.informed {
            ", facts mapped by the policy"
        } else {
            ""
        }
    )
}

/// One plot of the report.
struct Figure {
    title: String,
    /// File name without extension.
    name: String,
    style: Style,
    series: Vec<Series>,
    /// A horizontal target line.
    target: Option<f64>,
    x_desc: String,
    y_desc: String,
    /// Interval bars per series: (x, low, high).
    bars: Option<Vec<crate::plot::Bars>>,
}

/// The report's plots.
fn figures(audit: &Audit) -> Vec<Figure> {
    let mut out = Vec::new();
    let shown: Vec<&PolicyResult> = audit
        .policies
        .iter()
        .enumerate()
        .filter(|(k, p)| {
            *k == 0
                || audit.recommended.as_deref() == Some(&p.policy)
                || audit.closest.as_deref() == Some(&p.policy)
        })
        .map(|(_, p)| p)
        .collect();
    let frontier: Vec<Series> = audit
        .policies
        .iter()
        .filter_map(|p| {
            let y = p.worst_reidentified?;
            let x = p.rmse_cost.unwrap_or(1.0 - p.kept_fraction);
            let marker = if audit.recommended.as_deref() == Some(&p.policy) {
                " (recommended)"
            } else {
                ""
            };
            Some((format!("{}{marker}", p.policy), vec![(x, y)]))
        })
        .collect();
    out.push(Figure {
        title: "Privacy-utility frontier: worst adversary against cost".to_string(),
        name: "frontier".to_string(),
        style: Style::Points,
        series: frontier,
        target: Some(audit.target_risk),
        x_desc: if audit.data.has_ratings {
            "RMSE cost (stars)"
        } else {
            "share of entries removed"
        }
        .to_string(),
        y_desc: "re-identified (worst adversary)".to_string(),
        bars: None,
    });
    if let Some(curve) = curve_figure(audit) {
        out.push(curve);
    }
    let mut unicity = Vec::new();
    for p in &shown {
        let mut kinds: Vec<_> = p.unicity.iter().map(|u| u.knowledge).collect();
        kinds.dedup();
        kinds.sort();
        kinds.dedup();
        for k in kinds {
            unicity.push((
                format!("{}: {k}", p.policy),
                p.unicity
                    .iter()
                    .filter(|u| u.knowledge == k)
                    .filter_map(|u| Some((u.points as f64, u.unicity?)))
                    .collect(),
            ));
        }
    }
    out.push(Figure {
        title: "Unicity: share of people whom p points single out".to_string(),
        name: "unicity".to_string(),
        style: Style::Lines,
        series: unicity,
        target: None,
        x_desc: "points known (p)".to_string(),
        y_desc: "unicity".to_string(),
        bars: None,
    });
    let histogram: Vec<Series> = shown
        .iter()
        .map(|p| {
            let n = p.risk.histogram.iter().sum::<usize>().max(1) as f64;
            (
                p.policy.clone(),
                p.risk
                    .histogram
                    .iter()
                    .enumerate()
                    .map(|(b, &c)| (b as f64 + 1.0, c as f64 / n))
                    .collect(),
            )
        })
        .collect();
    out.push(Figure {
        title: "Per-person risk under the worst adversary".to_string(),
        name: "risk-histogram".to_string(),
        style: Style::Bars,
        series: histogram,
        target: None,
        x_desc: "risk in tenths (1: named in under 10% of draws, 10: in 90% or more)".to_string(),
        y_desc: "share of people".to_string(),
        bars: None,
    });
    let deciles: Vec<Series> = shown
        .iter()
        .map(|p| {
            (
                p.policy.clone(),
                p.risk
                    .by_activity_decile
                    .iter()
                    .enumerate()
                    .filter_map(|(d, v)| Some((d as f64 + 1.0, (*v)?)))
                    .collect(),
            )
        })
        .collect();
    out.push(Figure {
        title: "Risk by activity decile (1: the lightest raters)".to_string(),
        name: "risk-by-activity".to_string(),
        style: Style::Bars,
        series: deciles,
        target: None,
        x_desc: "decile of entries per person".to_string(),
        y_desc: "mean risk".to_string(),
        bars: None,
    });
    out.push(Figure {
        title: "Sparsity: similarity to the nearest other record".to_string(),
        name: "sparsity".to_string(),
        style: Style::Lines,
        series: vec![
            (
                "items only".to_string(),
                audit.data.sparsity.iter().map(|c| (c.0, c.1)).collect(),
            ),
            (
                "exact ratings".to_string(),
                audit.data.sparsity.iter().map(|c| (c.0, c.2)).collect(),
            ),
        ],
        target: None,
        x_desc: "similarity x".to_string(),
        y_desc: "share of people whose nearest other record is >= x".to_string(),
        bars: None,
    });
    out
}

const CSS: &str = "body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;max-width:960px;margin:2em auto;padding:0 1em;color:#222;line-height:1.45}\
h1{font-size:1.6em}h2{font-size:1.25em;margin-top:1.8em;border-bottom:1px solid #ccc}\
.verdict{font-size:1.15em;padding:1em 1.2em;border-left:6px solid #c0392b;background:#fdf2f0}\
.verdict.ok{border-color:#27ae60;background:#eefaf2}\
table{border-collapse:collapse;width:100%;font-size:.92em;margin:.6em 0}th,td{border:1px solid #ddd;padding:.3em .5em;text-align:left}\
th{background:#f4f4f4}tr.rec{background:#eefaf2;font-weight:600}td.n{text-align:right;font-variant-numeric:tabular-nums}\
figure{margin:1em 0}figure svg{width:100%;height:auto}figcaption{font-size:.9em;color:#555}\
.note{color:#666;font-size:.9em}code{background:#f4f4f4;padding:0 .2em}\
@media print{body{max-width:none;margin:0}h2{page-break-after:avoid}figure,table{page-break-inside:avoid}}";

/// The people's attributes: which combinations make people unique, and how unique the
/// attributes each release carries leave them.
/// The three tests of anonymisation side by side (Article 29 Working Party, Opinion 05/2014),
/// when the audit measured inference.
fn three_tests_section(audit: &Audit) -> String {
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
        "<h2 id=\"three-tests\">The three tests</h2><p>European guidance judges anonymisation by three tests (Article 29 Working Party, Opinion 05/2014). <b>Singling out</b>: can a person be isolated? (unicity: how often a few points of a person's data are theirs alone). <b>Linkability</b>: can records about the same person be linked? (re-identification by the strongest adversary). <b>Inference</b>: can something about a person be deduced? Here the secret is {secret}. The strongest adversary links each person's facts to a released record and reads the secret off it; the same attack on people held out of the release (the control) shows what the population reveals by itself, since their linked record is somebody else's. The inference risk is the share of the control's wrong guesses that linking puts right: (members right - control right) / (1 - control right); 0 means linking teaches nothing beyond the base rate, 100% that it reveals every secret the population does not.</p><table><tr><th>policy</th><th>singling out: unicity of 2 points</th><th>linkability: re-identified</th><th>inference: members right</th><th>control right</th><th>majority guess right</th><th>inference risk</th><th>95% interval</th><th>entries revealed</th></tr>"
    );
    for p in &audit.policies {
        // The most identifying kind of knowledge the release keeps.
        let unicity = p
            .unicity
            .iter()
            .filter(|u| u.points == 2)
            .filter_map(|u| u.unicity.map(|x| (x, u.knowledge)))
            .max_by(|a, b| a.0.total_cmp(&b.0));
        let (main, control, baseline, risk, ci, learned) = match &p.inference {
            Some(i) => {
                let m = &i.measured;
                (
                    pct(m.all.main_accuracy),
                    pct(m.all.control_accuracy),
                    pct(m.baseline_accuracy),
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
            "<tr><td><code>{}</code></td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{main}</td><td class=\"n\">{control}</td><td class=\"n\">{baseline}</td><td class=\"n\">{risk}</td><td class=\"n\">{ci}</td><td class=\"n\">{learned}</td></tr>",
            escape(&p.policy),
            unicity.map_or("-".to_string(), |(x, kind)| format!(
                "{} ({kind})",
                pct(Some(x))
            )),
            p.worst_reidentified.map_or("-".to_string(), pct1),
        );
    }
    h.push_str("</table><p class=\"note\">Unicity: for the kind of knowledge (items, ratings, dates) that makes people most unique. Entries revealed: per person, the distinct items a member's linked record holds beyond what the adversary knew that are truly the person's (and, in brackets, the share of the linked record's claims that are). With a secret that nearly everyone or nearly no one has, the control is almost always right and the risk rests on few people: read it beside the two accuracies.</p>");
    h
}

fn attributes_section(audit: &Audit) -> String {
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
fn knowledge_section(audit: &Audit, figure: &str) -> String {
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

/// The knowledge curve's x: log2 of the entries known; every entry one step past the largest
/// count.
fn curve_x(facts: crate::audit::curve::KnownFacts, largest: usize) -> f64 {
    match facts {
        crate::audit::curve::KnownFacts::Count(k) => (k as f64).log2(),
        crate::audit::curve::KnownFacts::All => (largest.max(1) as f64).log2() + 1.0,
    }
}

/// Labels of the curve's x axis: the count at whole powers of two.
fn curve_x_label(x: &f64) -> String {
    if (x - x.round()).abs() < 1e-9 && *x >= 0.0 {
        format!("{}", 2f64.powi(x.round() as i32))
    } else {
        String::new()
    }
}

/// The knowledge curves: re-identified against entries known (log scale), one line per policy,
/// with attributes where the data has them, intervals as bars, and the target.
fn curve_figure(audit: &Audit) -> Option<Figure> {
    let with_attributes = !audit.data.attributes.is_empty();
    let largest = audit
        .policies
        .iter()
        .flat_map(|p| &p.curve)
        .filter_map(|c| match c.facts {
            crate::audit::curve::KnownFacts::Count(k) => Some(k),
            crate::audit::curve::KnownFacts::All => None,
        })
        .max()?;
    let has_all = audit
        .policies
        .iter()
        .flat_map(|p| &p.curve)
        .any(|c| c.facts == crate::audit::curve::KnownFacts::All);
    let mut series = Vec::new();
    let mut bars = Vec::new();
    for p in audit.policies.iter().filter(|p| !p.curve.is_empty()) {
        let points: Vec<&crate::audit::curve::CurvePoint> =
            crate::audit::curve::judged(&p.curve, with_attributes).collect();
        series.push((
            p.policy.clone(),
            points
                .iter()
                .filter_map(|c| Some((curve_x(c.facts, largest), c.reidentified?)))
                .collect(),
        ));
        bars.push(
            points
                .iter()
                .filter_map(|c| {
                    let [lo, hi] = c.reidentified_ci?;
                    Some((curve_x(c.facts, largest), lo, hi))
                })
                .collect(),
        );
    }
    Some(Figure {
        title: "Knowledge curve: re-identified by entries known".to_string(),
        name: "knowledge-curve".to_string(),
        style: Style::Lines,
        series,
        target: Some(audit.target_risk),
        x_desc: format!(
            "entries known (log scale{}){}",
            if has_all {
                "; the last point: every entry"
            } else {
                ""
            },
            if with_attributes {
                ", with the attributes"
            } else {
                ""
            }
        ),
        y_desc: "re-identified (strongest adversary)".to_string(),
        bars: Some(bars),
    })
}

/// Writes `dir/report.html` and the plots (`dir/*.svg`, `dir/*.png`).
pub fn write(audit: &Audit, adversaries: &[Adversary], seconds: f64, dir: &Path) -> Result<()> {
    let mut svgs = Vec::new();
    for Figure {
        title,
        name,
        style,
        series,
        target,
        x_desc: x,
        y_desc: y,
        bars,
    } in figures(audit)
    {
        if series.iter().all(|s| s.1.is_empty()) {
            continue;
        }
        let target_label = format!("target {}", pct1(audit.target_risk));
        let p = Plot {
            name: &name,
            title: &title,
            x_desc: &x,
            y_desc: &y,
            y_max: if matches!(name.as_str(), "sparsity" | "unicity" | "frontier") {
                Some(1.0)
            } else {
                None
            },
            style,
            hline: target.map(|t| (target_label.as_str(), t)),
            legend: match name.as_str() {
                "unicity" | "risk-histogram" => Legend::UpperLeft,
                "frontier" | "knowledge-curve" => Legend::Middle,
                _ => Legend::LowerRight,
            },
            bars: bars.as_deref(),
            x_labels: (name == "knowledge-curve")
                .then_some(&curve_x_label as &dyn Fn(&f64) -> String),
        };
        plot::both(dir, &p, &series)?;
        let svg = plot::svg_string(&p, &series)?;
        svgs.push((
            name.clone(),
            format!(
                "<figure>{svg}<figcaption>{}</figcaption></figure>",
                escape(&title)
            ),
        ));
    }
    let html = page(audit, adversaries, seconds, &svgs);
    crate::atomic_file::write_atomically(&dir.join("report.html"), |w| {
        std::io::Write::write_all(w, html.as_bytes())
    })
}

fn page(
    audit: &Audit,
    adversaries: &[Adversary],
    seconds: f64,
    svgs: &[(String, String)],
) -> String {
    let figure = |name: &str| {
        svgs.iter()
            .find(|(n, _)| n == name)
            .map_or(String::new(), |(_, f)| f.clone())
    };
    let mut h = String::new();
    let ok = audit.recommended.is_some() || super::released_words::meets(audit);
    let _ = write!(
        h,
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>deanon audit</title><style>{CSS}</style></head><body>"
    );
    let _ = write!(h, "<h1>Re-identification audit</h1>");
    let _ = write!(
        h,
        "<p class=\"verdict{}\" id=\"verdict\">{}</p>",
        if ok { " ok" } else { "" },
        escape(&audit.verdict)
    );
    h.push_str(&super::released_words::section(audit));
    if let Some(rec) = &audit.recommended {
        let _ = write!(
            h,
            "<p>Recommended policy: <code id=\"recommended\">{}</code></p>",
            escape(rec)
        );
    }
    let _ = write!(
        h,
        "<p class=\"note\">A policy meets the target when the upper end of the 95% interval of its strongest adversary's re-identification rate is at most {}. That threshold is the one the European Medicines Agency (Policy 0070) and Health Canada use for the public release of clinical-trial data: a convention, not a law of nature.</p>",
        pct1(audit.target_risk)
    );

    h.push_str(&knowledge_section(audit, &figure("knowledge-curve")));
    let informed = super::released_words::attacks_searched(audit);
    if let Some(text) = super::released_words::threat_model(audit) {
        h.push_str(&text);
    } else if informed {
        let tuning = audit
            .policies
            .iter()
            .flat_map(|p| &p.adversaries)
            .map(|a| a.tuning.as_str())
            .find(|t| *t == "cross-fit")
            .map_or(
                format!(
                    "on {} other people of the release (one draw each), never on the people whose risk is reported",
                    audit.provenance.tuning
                ),
                |_| "on one half of the people and measured on the other, and back (too few other people were left to tune on)".to_string(),
            );
        let _ = write!(
            h,
            "<h2>Threat model</h2><p id=\"threat-model\">A release policy is published with the data, so every adversary here knows it (Kerckhoffs' principle); it does not know the policy's seed. Knowing the policy, an adversary writes what it knows the way the release does (dates rounded to the release's unit, kinds of facts the release dropped left out) and allows for the policy's noise. Each adversary tries every linkage algorithm deanon has over a small grid of its parameters, and the policy-blind attack besides; the attack that names the most people correctly is chosen {tuning}. The figures are what the strongest adversary we tried achieves: a lower bound on the risk, not a guarantee that no stronger attack exists. The <em>blind</em> column shows what the same people's draws give to an adversary who ignores the policy and uses the default attack (the figure of a <code>--naive</code> audit).</p>"
        );
    } else {
        let _ = write!(
            h,
            "<h2>Threat model</h2><p id=\"threat-model\">This is a <code>--naive</code> audit: the adversaries do not know the published policy and use the default attack (Scoreboard-RH with its default parameters). An adversary who knows the policy can do much better; the default audit measures that one.</p>"
        );
    }

    let _ = write!(
        h,
        "<h2>Policies</h2><table><tr><th>policy</th><th>RMSE cost</th><th>entries kept</th><th>strongest adversary</th><th>re-identified</th><th>95% interval</th>{}<th>people in the release</th></tr>",
        if informed {
            "<th>blind adversary</th>"
        } else {
            ""
        }
    );
    for p in &audit.policies {
        let rec = audit.recommended.as_deref() == Some(&p.policy);
        let _ = write!(
            h,
            "<tr{}><td><code>{}</code>{}</td><td class=\"n\">{}</td><td class=\"n\">{:.1}%</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td>{}<td class=\"n\">{}</td></tr>",
            if rec { " class=\"rec\"" } else { "" },
            escape(&p.policy),
            if rec { " (recommended)" } else { "" },
            p.rmse_cost.map_or("-".to_string(), |c| format!("{c:+.3}")),
            p.kept_fraction * 100.0,
            escape(p.worst_adversary.as_deref().unwrap_or("-")),
            p.worst_reidentified.map_or("-".to_string(), pct1),
            pct_ci(p.worst_reidentified_ci),
            if informed {
                format!(
                    "<td class=\"n\">{}</td>",
                    p.blind_worst()
                        .and_then(|a| a.blind_reidentified)
                        .map_or("-".to_string(), pct1)
                )
            } else {
                String::new()
            },
            p.members
        );
    }
    h.push_str("</table>");
    h.push_str(&figure("frontier"));
    h.push_str(&super::epsilon::section(audit));
    h.push_str(&three_tests_section(audit));

    let _ = write!(
        h,
        "<h2>Adversaries</h2><p>What each adversary knows about a target, and how often it names the target correctly (re-identified: eccentricity at least {} for the Scoreboard-RH family, a posterior at least the attack's threshold for the likelihood-ratio algorithm, a single candidate for Scoreboard) or ranks them first (best guess). False matches: how often it names somebody for a person who is not in the release.</p>",
        audit.provenance.phi
    );
    let _ = write!(
        h,
        "<table><tr><th>policy</th><th>adversary</th><th>re-identified</th><th>95% interval</th><th>best guess</th><th>false matches</th>{}<th>people</th></tr>",
        if informed {
            "<th>blind</th><th>gain</th><th>attack chosen (of those tried)</th>"
        } else {
            ""
        }
    );
    for p in &audit.policies {
        for a in &p.adversaries {
            let extra = if informed {
                let gain = match (a.reidentified, a.blind_reidentified) {
                    (Some(x), Some(b)) => format!("{:+.1} pts", (x - b) * 100.0),
                    _ => "-".to_string(),
                };
                let mut chosen = a.attack.as_ref().map_or("-".to_string(), attack_words);
                if a.reported.starts_with("blind, stronger") {
                    let searched = a
                        .chosen_attack
                        .as_ref()
                        .map_or("-".to_string(), attack_words);
                    chosen = format!(
                        "{chosen}: stronger here than the attack chosen on other people, {searched}"
                    );
                }
                let other = a.attack_other_half.as_ref().map_or(String::new(), |o| {
                    format!("; other half: {}", attack_words(o))
                });
                format!(
                    "<td class=\"n\">{}</td><td class=\"n\">{gain}</td><td>{} ({} tried){}</td>",
                    pct(a.blind_reidentified),
                    escape(&chosen),
                    a.searched,
                    escape(&other)
                )
            } else {
                String::new()
            };
            let _ = write!(
                h,
                "<tr><td><code>{}</code></td><td>{}{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td>{extra}<td class=\"n\">{}</td></tr>",
                escape(&p.policy),
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
            );
        }
    }
    h.push_str("</table>");
    let _ = write!(h, "<p class=\"note\">The adversaries: ");
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
    h.push_str(&figure("unicity"));

    let _ = write!(
        h,
        "<h2>Who is at risk</h2><table><tr><th>policy</th><th>mean risk</th><th>people with risk at least 50%</th><th>by activity decile (lightest first)</th><th>by taste rarity decile (rarest first)</th></tr>"
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
    h.push_str(&figure("risk-histogram"));
    h.push_str(&figure("risk-by-activity"));

    let d = &audit.data;
    let _ = write!(
        h,
        "<h2>The data</h2><p>{} people, {} items, {} entries ({:.3}% of all person-item pairs); {}, {}.</p>",
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
    );
    h.push_str(&figure("sparsity"));
    if !d.attributes.is_empty() {
        h.push_str(&attributes_section(audit));
    }

    let _ = write!(
        h,
        "<h2>Method</h2>\
<p>Each policy is applied to the data, then attacked as Narayanan and Shmatikov attacked the Netflix Prize data (\"Robust De-anonymization of Large Sparse Datasets\", IEEE S&amp;P 2008). For a sampled person in the release, the adversary knows a few of their entries (items, perhaps with a rating and a date, with the errors listed above) and scores every released record: Score = &sum; wt(i) (e<sup>-|&Delta;rating|/&rho;<sub>0</sub></sup> + e<sup>-|&Delta;days|/d<sub>0</sub></sup>), with wt(i) = 1 / ln supp(i), so that rare items weigh more. The adversary names the top record when it stands out: (best &minus; second) / &sigma; &ge; &phi; = {}, &sigma; the standard deviation of all scores. A person's <em>risk</em> is the share of {} independent draws of such knowledge in which the adversary names them; a policy's re-identification rate is the mean risk, with a 95% bootstrap interval over people.</p>\
<p><em>Unicity</em> (de Montjoye et al., \"Unique in the Crowd\", Scientific Reports 2013) is the share of people whom p of their points single out: no other record holds all p (a point is an item, with the exact rating and/or the day where the release keeps them). It counts points as the release shows them; noise that makes released values more diverse can raise it while it lowers the risk above, which is measured against what people really did.</p>\
<p><em>Utility</em> is the RMSE of a baseline rating predictor (global mean plus person and item biases) trained on the release, minus the same trained on the original data, on held-out ratings.</p>",
        audit.provenance.phi, audit.provenance.draws
    );
    let pv = &audit.provenance;
    let _ = write!(
        h,
        "<h2>Provenance</h2><table><tr><th>deanon</th><td>{} (commit {})</td></tr><tr><th>seed</th><td>{}</td></tr><tr><th>data fingerprint</th><td><code>{}</code></td></tr><tr><th>people sampled</th><td>{}</td></tr><tr><th>draws per person and adversary</th><td>{}</td></tr><tr><th>time taken</th><td>{:.1} s</td></tr></table>",
        escape(&pv.version),
        escape(&pv.git_commit),
        pv.seed,
        escape(&pv.data_fingerprint),
        pv.sample.map_or("everyone".to_string(), |s| s.to_string()),
        pv.draws,
        seconds
    );
    h.push_str("</body></html>\n");
    h
}
