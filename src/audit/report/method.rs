//! The report's Method section, which explains every algorithm that produced one of its figures
//! (with the section of docs/method.md that defines it), and its Provenance: the inputs by name,
//! size and SHA-256, the command, the version and the time of the run.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use super::escape;
use crate::audit::Audit;
use crate::provenance::Run;

/// What an algorithm does, in a paragraph, and where docs/method.md defines it.
fn algorithm_paragraph(name: &str, phi: f64) -> String {
    match name {
        "scoreboard-rh" => format!(
            "<p><em>Scoreboard-RH</em> (docs/method.md &sect;3, &sect;6), the algorithm of Narayanan and Shmatikov (\"Robust De-anonymization of Large Sparse Datasets\", IEEE S&amp;P 2008): Score = &sum; wt(i) (e<sup>-|&Delta;rating|/&rho;<sub>0</sub></sup> + e<sup>-|&Delta;days|/d<sub>0</sub></sup>), with wt(i) = 1 / ln supp(i), so that rare items weigh more. It names the top record when it stands out: (best &minus; second) / &sigma; &ge; &phi; = {phi}, &sigma; the standard deviation of all scores.</p>"
        ),
        "scoreboard-rh-norm" => "<p><em>Scoreboard-RH-norm</em> (docs/method.md &sect;4): Scoreboard-RH with each score divided by (1 &minus; B) + B |r| / mean |r|, so that records with many entries, which match anything, do not win by their length.</p>".to_string(),
        "scoreboard" => "<p><em>Scoreboard</em> (docs/method.md &sect;5, the paper's Algorithm 1A): the records that match every known fact within a rating and a date tolerance; it names a record when exactly one matches.</p>".to_string(),
        "likelihood" => "<p><em>Likelihood ratio</em> (docs/method.md &sect;13): each record is scored by the log-likelihood ratio of the adversary's facts under a model of what the adversary gets wrong and of what the policy does (noise, coarsening, a cap on a person's entries) against a random other record of the same length; the ratios become a posterior over the records, and the best guess is named when its posterior reaches the attack's threshold.</p>".to_string(),
        other => format!(
            "<p><em>{}</em>: {}</p>",
            escape(other),
            crate::attack::algorithm::ALGORITHMS
                .iter()
                .find(|a| a.name == other)
                .map_or(String::new(), |a| escape(a.help))
        ),
    }
}

/// The algorithms whose attacks produced a figure of the audit, in registry order.
fn algorithms_used(audit: &Audit) -> Vec<String> {
    let mut used = BTreeSet::new();
    for p in &audit.policies {
        for a in &p.adversaries {
            used.extend(a.attack.as_ref().map(|c| c.algorithm.clone()));
        }
        for c in &p.curve {
            used.extend(c.attack.as_ref().map(|c| c.algorithm.clone()));
        }
        used.extend(p.inference.as_ref().map(|i| i.attack.algorithm.clone()));
    }
    crate::attack::Algorithm::names()
        .filter(|n| used.contains(*n))
        .map(str::to_string)
        .collect()
}

/// The Method section.
pub(super) fn method_section(audit: &Audit) -> String {
    let mut h = String::from("<h2 id=\"method\">Method</h2>");
    let _ = write!(
        h,
        "<p>Each policy is applied to the data, then attacked as Narayanan and Shmatikov attacked the Netflix Prize data. For a sampled person, the adversary knows a few of their entries (items, perhaps with a rating and a date, with the errors listed above) and scores every released record with the algorithms below. A person's <em>risk</em> is the share of {} independent draws of such knowledge in which the adversary names them; a policy's re-identification rate is the mean risk over the people sampled, with a 95% Wilson interval (docs/method.md &sect;7, &sect;9). The algorithms that produced this report's figures:</p>",
        audit.provenance.draws
    );
    for name in algorithms_used(audit) {
        h.push_str(&algorithm_paragraph(&name, audit.provenance.phi));
    }
    h.push_str("<p><em>Unicity</em> (de Montjoye et al., \"Unique in the Crowd\", Scientific Reports 2013; docs/method.md &sect;8) is the share of people whom p of their points single out: no other record holds all p (a point is an item, with the exact rating and/or the day where the release keeps them). It counts points as the release shows them; noise that makes released values more diverse can raise it while it lowers the risk above, which is measured against what people really did.</p>");
    h.push_str("<p><em>Utility</em> (docs/method.md &sect;12) is the RMSE of a baseline rating predictor (global mean plus person and item biases) trained on the release, minus the same trained on the original data, on held-out ratings.</p>");
    if audit.policies.iter().any(|p| p.inference.is_some()) {
        h.push_str("<p><em>Inference</em> (docs/method.md &sect;15): the strongest adversary links each person's facts to a released record and reads the secret off it, against a control of people held out of the release.</p>");
    }
    if audit.policies.iter().any(|p| p.measured_epsilon.is_some()) {
        h.push_str("<p><em>Measured epsilon</em> (docs/method.md &sect;16): a lower bound at 95% confidence on the epsilon of differential privacy that the policy could claim, from an attack that tells whether a canary record was in the data.</p>");
    }
    h
}

/// The Provenance section: inputs, command, version, seed and times.
pub(super) fn provenance_section(audit: &Audit, run: &Run, finished: &str) -> String {
    let seconds = run.started.elapsed().map_or(0.0, |d| d.as_secs_f64());
    let pv = &audit.provenance;
    let mut h = String::from("<h2 id=\"provenance\">Provenance</h2><table>");
    for f in &pv.inputs {
        let _ = write!(
            h,
            "<tr><th>{}</th><td><code>{}</code>, {} bytes{}, SHA-256 <code class=\"hash\">{}</code></td></tr>",
            escape(&f.role),
            escape(&f.name),
            f.bytes,
            f.modified
                .as_ref()
                .map_or(String::new(), |m| format!(", modified {m}")),
            escape(&f.sha256)
        );
    }
    let _ = write!(
        h,
        "<tr><th>command</th><td><code>{}</code></td></tr><tr><th>deanon</th><td>{} (commit {})</td></tr><tr><th>seed</th><td>{}</td></tr><tr><th>data fingerprint</th><td><code>{}</code></td></tr><tr><th>people sampled</th><td>{}</td></tr><tr><th>draws per person and adversary</th><td>{}</td></tr><tr><th>started</th><td>{}</td></tr><tr><th>finished</th><td>{} ({:.1} s)</td></tr></table>",
        escape(&run.command),
        escape(&pv.version),
        escape(&pv.git_commit),
        pv.seed,
        escape(&pv.data_fingerprint),
        pv.sample.map_or("everyone".to_string(), |s| s.to_string()),
        pv.draws,
        crate::provenance::iso8601(run.started),
        escape(finished),
        seconds
    );
    h
}
