//! The audit's report: one self-contained `report.html` (CSS and SVG inline; nothing from the
//! network; print CSS for a short PDF) that a non-specialist reads, summary first (the verdict,
//! the three tests per policy, the knowledge curves), details below; and the plots as SVG and
//! PNG files beside it. Aggregates only: no person's id appears.

mod details;
mod figures;
mod method;
mod sections;
mod summary;

use std::fmt::Write as _;
use std::path::Path;

pub use super::verdict::{assumed_words, verdict};
use super::verdict::{pct, pct_ci, pct1};
use super::{Adversary, Audit};
use crate::Result;
use crate::plot::{self, Plot};
use crate::provenance::Run;
use crate::study::AttackConfig;

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

const CSS: &str = "body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;max-width:1000px;margin:2em auto;padding:0 1em;color:#222;line-height:1.45}\
h1{font-size:1.6em}h2{font-size:1.25em;margin-top:1.8em;border-bottom:1px solid #ccc}h3{font-size:1.05em;margin-top:1.4em}\
.verdict{font-size:1.05em;padding:.8em 1.1em;border-left:6px solid #c0392b;background:#fdf2f0}\
.verdict.ok{border-color:#27ae60;background:#eefaf2}.verdict.warn{border-color:#e67e22;background:#fdf6ec}\
table{border-collapse:collapse;width:100%;font-size:.9em;margin:.6em 0}th,td{border:1px solid #ddd;padding:.3em .5em;text-align:left;vertical-align:top}\
th{background:#f4f4f4}tr.rec{background:#eefaf2}td.n{text-align:right;font-variant-numeric:tabular-nums}\
td code{word-break:break-all}td.pass b{color:#1e8449}td.fail b{color:#c0392b}.ci{color:#555;font-size:.9em;white-space:nowrap}\
table.compact{font-size:.82em}table.compact td,table.compact th{padding:.15em .35em}\
figure{margin:1em 0}figure svg{width:100%;height:auto}figcaption{font-size:.9em;color:#555}\
.note{color:#666;font-size:.9em}th .note{font-weight:normal}code{background:#f4f4f4;padding:0 .2em}code.hash{font-size:.8em}\
details{margin:1em 0}summary{cursor:pointer;font-weight:600;font-size:1.1em}\
@media print{body{max-width:none;margin:0;font-size:10pt}h2{page-break-after:avoid}figure,tr{page-break-inside:avoid}\
details:not([open]){display:none}.no-print{display:none}figure svg{max-height:8.5cm}}";

/// Writes `dir/report.html` and the plots (`dir/*.svg`, `dir/*.png`).
pub fn write(audit: &Audit, adversaries: &[Adversary], run: &Run, dir: &Path) -> Result<()> {
    let mut svgs = Vec::new();
    for f in figures::figures(audit) {
        if f.series.iter().all(|s| s.1.is_empty()) {
            continue;
        }
        let target_label = format!("target {}", pct1(audit.target_risk));
        let p = Plot {
            y_max: f.y_max,
            style: f.style,
            hline: f.target.map(|t| (target_label.as_str(), t)),
            bars: f.bars.as_deref(),
            x_labels: f.x_labels.as_deref(),
            integer_x: f.integer_x,
            ..Plot::new(&f.name, &f.title, &f.x_desc, &f.y_desc)
        };
        plot::both(dir, &p, &f.series)?;
        let svg = plot::svg_string(&p, &f.series)?;
        svgs.push((
            f.name.clone(),
            format!(
                "<figure>{svg}<figcaption>{}</figcaption></figure>",
                escape(&f.title)
            ),
        ));
    }
    let finished = crate::provenance::iso8601(std::time::SystemTime::now());
    let html = page(audit, adversaries, run, &finished, &svgs);
    crate::atomic_file::write_atomically(&dir.join("report.html"), |w| {
        std::io::Write::write_all(w, html.as_bytes())
    })
}

/// The threat model in a paragraph: what the adversaries know and how their attacks are chosen.
fn threat_model(audit: &Audit) -> String {
    if let Some(text) = super::released_words::threat_model(audit) {
        return text;
    }
    if !audit.provenance.adversaries_know_policy {
        return "<h2>Threat model</h2><p id=\"threat-model\">This is a <code>--naive</code> audit: the adversaries do not know the published policy and use the default attack (Scoreboard-RH with its default parameters). An adversary who knows the policy can do much better; the default audit measures that one.</p>".to_string();
    }
    let tuning = audit
        .policies
        .iter()
        .flat_map(|p| &p.adversaries)
        .find(|a| a.tuning == crate::audit::TuningKind::CrossFit)
        .map_or(
            format!(
                "on {} other people of the release (one draw each), never on the people whose risk is reported",
                audit.provenance.tuning
            ),
            |_| "on one half of the people and measured on the other, and back (too few other people were left to tune on)".to_string(),
        );
    format!(
        "<h2>Threat model</h2><p id=\"threat-model\">A release policy is published with the data, so every adversary here knows it (Kerckhoffs' principle); it does not know the policy's seed. Knowing the policy, an adversary writes what it knows the way the release does (dates rounded to the release's unit, kinds of facts the release dropped left out) and allows for the policy's noise. Each adversary tries every linkage algorithm deanon has over a small grid of its parameters, and the policy-blind attack besides; the attack that names the most people correctly is chosen {tuning}. The figures are what the strongest adversary we tried achieves: a lower bound on the risk, not a guarantee that no stronger attack exists. The <em>blind</em> column shows what the same people's draws give to an adversary who ignores the policy and uses the default attack (the figure of a <code>--naive</code> audit).</p>"
    )
}

/// The whole page: the summary first, then the sections, the details folded (and left out of
/// print).
fn page(
    audit: &Audit,
    adversaries: &[Adversary],
    run: &Run,
    finished: &str,
    svgs: &[(String, String)],
) -> String {
    let figure = |name: &str| {
        svgs.iter()
            .find(|(n, _)| n == name)
            .map_or(String::new(), |(_, f)| f.clone())
    };
    let mut h = String::new();
    let _ = write!(
        h,
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>deanon audit</title><style>{CSS}</style></head><body><h1>Re-identification audit</h1>"
    );
    h.push_str(&summary::section(audit, &figure("knowledge-curve")));
    h.push_str(&super::released_words::section(audit));
    h.push_str(&sections::knowledge_section(audit, ""));
    h.push_str(&threat_model(audit));
    h.push_str(&sections::three_tests_section(audit));
    h.push_str(&super::epsilon::section(audit));
    h.push_str(&figure("frontier"));
    let details = [
        details::policies_table(audit),
        details::adversaries_table(audit, adversaries),
        figure("unicity"),
        details::at_risk_table(audit),
        figure("risk-histogram"),
        figure("risk-by-activity"),
    ]
    .concat();
    let _ = write!(
        h,
        "<h2 id=\"details\">Details</h2><details><summary>Every adversary against every policy, unicity and who is at risk</summary>{details}</details>"
    );
    h.push_str(&details::data_section(audit));
    let _ = write!(h, "<div class=\"no-print\">{}</div>", figure("sparsity"));
    if !audit.data.attributes.is_empty() {
        h.push_str(&sections::attributes_section(audit));
    }
    h.push_str(&method::method_section(audit));
    h.push_str(&method::provenance_section(audit, run, finished));
    h.push_str("</body></html>\n");
    h
}
