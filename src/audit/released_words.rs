//! The words of an audit of a release made elsewhere ([`super::released`]): its verdict, the
//! report's section naming the release audited, and its threat model (the adversaries know the
//! stated policy, or are blind).

use std::fmt::Write as _;

use super::released::PolicyKnown;
use super::report::escape;
use super::verdict::{
    assumed_words, best_guess_words, inference_words, pct_ci, pct1, singling_out,
};
use super::{Audit, ReleasedSummary};

/// Whether the audit is of a release made elsewhere that meets the targets.
pub fn meets(audit: &Audit) -> bool {
    audit.released.as_ref().is_some_and(|r| r.meets_target)
}

/// Whether the adversaries searched their attack (the report's blind and attack columns): an
/// informed audit, or a blind audit of a release made elsewhere that is not `--naive`.
pub fn attacks_searched(audit: &Audit) -> bool {
    audit.provenance.adversaries_know_policy
        || (audit.released.is_some() && audit.provenance.tuning > 0)
}

/// What the adversaries knew, as a phrase.
fn knowledge(r: &ReleasedSummary, searched: bool) -> String {
    match (&r.stated_policy, searched) {
        (Some(spec), _) => format!(
            "by adversaries who know the policy it was made with, as stated: {spec}"
        ),
        (None, true) => "by blind adversaries: the policy it was made with is not stated, so they model none (each still uses the strongest of its attacks, chosen on other people)".to_string(),
        (None, false) => "by the policy-blind battery with the default attack (--naive)".to_string(),
    }
}

/// The verdict on a release made elsewhere: what it is, what its strongest adversary and the
/// assumed knowledge achieve, whether it meets the targets.
pub fn verdict(audit: &Audit) -> String {
    let (Some(r), Some(p)) = (&audit.released, audit.policies.first()) else {
        return String::new();
    };
    let mut s = String::new();
    let _ = write!(
        s,
        "The release {} ({} people, fingerprint {}) was audited against the original's {} people {}.",
        r.file,
        r.records,
        r.fingerprint,
        audit.data.records,
        knowledge(r, attacks_searched(audit))
    );
    let _ = write!(
        s,
        " Its strongest adversary ({}) re-identifies {} {}.",
        p.worst_adversary.as_deref().unwrap_or("none"),
        pct1(p.worst_reidentified.unwrap_or(0.0)),
        pct_ci(p.worst_reidentified_ci)
    );
    if let (Some(text), Some(a)) = (assumed_words(audit), &p.assumed) {
        let _ = write!(
            s,
            " The verdict assumes an adversary who knows {text}, and every adversary of the battery who knows no more: that adversary re-identifies {} {}{}.",
            pct1(a.reidentified.unwrap_or(0.0)),
            pct_ci(a.reidentified_ci),
            best_guess_words(a)
        );
    }
    let holds = p
        .holds_up_to
        .map(|h| format!("; it {}", h.words()))
        .unwrap_or_default();
    let _ = write!(
        s,
        " It {} the target of at most {}{holds}.",
        if r.meets_target {
            "meets"
        } else {
            "does not meet"
        },
        pct1(audit.target_risk)
    );
    if let Some(text) = singling_out(p) {
        s.push_str(&text);
    }
    if let Some(text) = inference_words(p) {
        let _ = write!(s, " Linking reveals: {text}.");
    }
    if let Some(t) = audit.target_inference_risk {
        let _ = write!(
            s,
            " The target also requires the inference risk's interval to stay at most {}.",
            pct1(t)
        );
    }
    s.push_str(match r.policy {
        PolicyKnown::Stated => " These rates are lower bounds on the risk, and hold for this release only if it was made with the stated policy.",
        PolicyKnown::Unknown => " These rates are lower bounds on the risk: an adversary who knows the policy may do better (state it with --policy-known to measure that adversary).",
    });
    s
}

/// The report's section on the release audited (empty for an audit of candidate policies).
pub fn section(audit: &Audit) -> String {
    let Some(r) = &audit.released else {
        return String::new();
    };
    let mut h = String::new();
    let _ = write!(
        h,
        "<h2 id=\"audited-release\">The release audited</h2><p>This audit measures one release made elsewhere, with its key, instead of releasing the data under candidate policies: there is no recommendation, only whether this release meets the target.</p><table><tr><th>release</th><td><code id=\"released-file\">{}</code>, {} bytes</td></tr><tr><th>fingerprint</th><td><code id=\"released-fingerprint\">{}</code></td></tr><tr><th>key</th><td><code>{}</code>, {}</td></tr><tr><th>people</th><td>{} in the release; {} of the original's {} left out of it</td></tr><tr><th>policy</th><td id=\"released-policy\">{}</td></tr>",
        escape(&r.file),
        r.bytes,
        escape(&r.fingerprint),
        escape(&r.key_file),
        if r.key_fingerprinted {
            "with the fingerprints of the release and the original, checked against both"
        } else {
            "a plain two-column key, checked by its ids"
        },
        r.records,
        r.left_out,
        audit.data.records,
        match &r.stated_policy {
            Some(spec) => format!(
                "stated: <code>{}</code> (the adversaries model it)",
                escape(spec)
            ),
            None => "unknown: the adversaries are blind".to_string(),
        },
    );
    if let Some(recorded) = &r.recorded_policy {
        let _ = write!(
            h,
            "<tr><th>policy the release records</th><td><code>{}</code>{}</td></tr>",
            escape(recorded),
            if r.stated_policy.is_some() {
                ""
            } else {
                " (not used: it is not stated)"
            }
        );
    }
    let _ = write!(
        h,
        "<tr><th>result</th><td>{} the target of at most {}</td></tr></table><p class=\"note\">Not measured for a release made elsewhere: the utility cost (RMSE) and the measured epsilon, which need the policy applied anew rather than one of its outputs. Entries kept: the share of the original's entries whose person and item the release holds, through the key. The inference test's control is the people the release left out.</p>",
        if r.meets_target {
            "meets"
        } else {
            "does not meet"
        },
        pct1(audit.target_risk)
    );
    h
}

/// The report's threat model for a release made elsewhere (`None` for an audit of candidate
/// policies, whose threat model the report writes).
pub fn threat_model(audit: &Audit) -> Option<String> {
    let r = audit.released.as_ref()?;
    let search = "Each adversary tries every linkage algorithm deanon has over a small grid of its parameters, and the policy-blind default attack besides; the attack that names the most people correctly is chosen on other people of the release (the key tells who they are), never on the people whose risk is reported. The figures are what the strongest adversary we tried achieves: a lower bound on the risk, not a guarantee that no stronger attack exists. The <em>blind</em> column shows what the same people's draws give the default attack.";
    let text = match (&r.stated_policy, attacks_searched(audit)) {
        (Some(spec), _) => format!(
            "The policy this release was made with is stated (<code>{}</code>), so every adversary here knows it (Kerckhoffs' principle), though not its seed: it writes what it knows the way the release does and allows for the policy's noise. {search} The figures hold for this release only if it was made with the stated policy.",
            escape(spec)
        ),
        (None, true) => format!(
            "The policy this release was made with is not stated, so the adversaries are blind: they model no policy (their facts are not mapped to the release's representation, and no noise is allowed for beyond what each attack's parameters allow). {search} An adversary who knows the policy may do better: state it with <code>--policy-known</code> to measure that adversary."
        ),
        (None, false) => "This is a <code>--naive</code> audit of a release made elsewhere: the adversaries know no policy and use the default attack (Scoreboard-RH with its default parameters). An adversary who knows the policy, or searches its attack, can do much better.".to_string(),
    };
    Some(format!(
        "<h2>Threat model</h2><p id=\"threat-model\">{text}</p>"
    ))
}
