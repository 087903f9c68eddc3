//! The verdict: what the audit says in a paragraph, first in the report and printed by the
//! command; and the formatting of rates it shares with the report.

use std::fmt::Write as _;

use super::{Adversary, Audit, PolicyResult};

pub(super) fn pct(x: Option<f64>) -> String {
    x.map_or("-".to_string(), |v| {
        if v > 0.0 && v < 0.01 {
            format!("{:.1}%", v * 100.0)
        } else {
            format!("{:.0}%", v * 100.0)
        }
    })
}

pub(super) fn pct_ci(x: Option<[f64; 2]>) -> String {
    x.map_or(String::new(), |[a, b]| {
        format!("[{}, {}]", pct1(a), pct1(b))
    })
}

pub(super) fn pct1(v: f64) -> String {
    format!("{:.1}%", v * 100.0)
}

/// A policy's cost in the unit of the metric that priced it, as a phrase that follows "at":
/// the RMSE increase of the baseline predictor (data with ratings), else the share of entries
/// the policy removed.
pub(super) fn cost(p: &PolicyResult) -> String {
    match p.rmse_cost {
        Some(c) => format!("an RMSE increase of {c:+.3} stars"),
        None => format!(
            "a cost of {:.1}% of entries removed",
            (1.0 - p.kept_fraction) * 100.0
        ),
    }
}

/// The verdict in words and numbers.
pub fn verdict(audit: &Audit, _adversaries: &[Adversary]) -> String {
    let mut s = String::new();
    if let Some(base) = audit.policies.first() {
        let _ = write!(
            s,
            "Released as it is (pseudonymized only), {} {} of people are re-identified by the strongest adversary measured ({}).",
            pct1(base.worst_reidentified.unwrap_or(0.0)),
            pct_ci(base.worst_reidentified_ci),
            base.worst_adversary.as_deref().unwrap_or("none")
        );
    }
    if let Some(text) = assumed_words(audit) {
        let _ = write!(
            s,
            " The verdict assumes an adversary who knows {text}, and every adversary of the battery who knows no more."
        );
        if let Some(a) = audit.policies.first().and_then(|b| b.assumed.as_ref()) {
            let _ = write!(
                s,
                " Released as it is, that adversary re-identifies {} {}{}.",
                pct1(a.reidentified.unwrap_or(0.0)),
                pct_ci(a.reidentified_ci),
                best_guess_words(a)
            );
        }
    }
    let find = |spec: &str| audit.policies.iter().find(|p| p.policy == spec);
    // The figure a policy is judged by: against the assumed knowledge, else the battery's worst.
    let judged = |p: &PolicyResult| match &p.assumed {
        Some(a) => (a.reidentified, a.reidentified_ci),
        None => (p.worst_reidentified, p.worst_reidentified_ci),
    };
    let holds = |p: &PolicyResult| {
        p.holds_up_to
            .map(|h| format!("; it {}", h.words()))
            .unwrap_or_default()
    };
    match (&audit.recommended, &audit.closest) {
        (Some(spec), _) => {
            let p = find(spec).expect("recommended is audited");
            let (rate, ci) = judged(p);
            let _ = write!(
                s,
                " Recommended: {spec}, {} {} at {} (target: at most {}){}{}.",
                pct1(rate.unwrap_or(0.0)),
                pct_ci(ci),
                cost(p),
                pct1(audit.target_risk),
                p.assumed.as_ref().map(best_guess_words).unwrap_or_default(),
                holds(p)
            );
        }
        (None, Some(spec)) => {
            let p = find(spec).expect("closest is audited");
            let (rate, ci) = judged(p);
            let _ = write!(
                s,
                " No candidate meets the target of {}; the closest is {spec}, {} {} at {}{}{}.",
                pct1(audit.target_risk),
                pct1(rate.unwrap_or(0.0)),
                pct_ci(ci),
                cost(p),
                p.assumed.as_ref().map(best_guess_words).unwrap_or_default(),
                holds(p)
            );
        }
        _ => s.push_str(" No candidate was audited."),
    }
    if let Some(p) = audit
        .recommended
        .as_deref()
        .or(audit.closest.as_deref())
        .and_then(find)
        && let Some(text) = singling_out(p)
    {
        s.push_str(&text);
    }
    let inferred = inference_words;
    if let Some(text) = audit.policies.first().and_then(inferred) {
        let _ = write!(s, " Linking reveals, released as it is: {text}.");
    }
    if let Some(p) = audit.recommended.as_deref().and_then(find)
        && let Some(text) = inferred(p)
    {
        let _ = write!(s, " Under the recommended policy: {text}.");
    }
    if let Some(t) = audit.target_inference_risk {
        let _ = write!(
            s,
            " A recommended policy must also keep the inference risk's interval at most {}.",
            pct1(t)
        );
    }
    if audit.provenance.adversaries_know_policy {
        let tried = audit
            .policies
            .iter()
            .flat_map(|p| &p.adversaries)
            .map(|a| a.searched)
            .max()
            .unwrap_or(0);
        let _ = write!(
            s,
            " Each adversary knows the published policy (not its seed) and uses the strongest of up to {tried} attacks, chosen on other people: these rates are lower bounds on the risk."
        );
    }
    s
}

/// The assumed adversary's best-guess rate as a clause ("; naming its best guess whatever its
/// confidence, it is right for 5.5% [3.6%, 8.2%]"), when it was measured and exceeds the re-identification
/// rate: the figure for an adversary content with a low precision.
pub(super) fn best_guess_words(a: &super::assumed::Assumed) -> String {
    match (a.best_guess, a.reidentified) {
        (Some(b), Some(r)) if b > r => format!(
            "; naming its best guess whatever its confidence, it is right for {} {}",
            pct1(b),
            pct_ci(a.best_guess_ci)
        ),
        _ => String::new(),
    }
}

/// What linking reveals under a policy, as a phrase ("an inference risk of 12.0% [...]"), if the
/// inference test measured it.
pub(super) fn inference_words(p: &PolicyResult) -> Option<String> {
    p.inference.as_ref().map(|i| {
        let r = &i.measured.all;
        match r.risk {
            Some(risk) => format!(
                "an inference risk of {} {} (members' secrets guessed right {}, the control's {})",
                pct1(risk),
                pct_ci(r.risk_ci),
                pct(r.main_accuracy),
                pct(r.control_accuracy)
            ),
            None => format!(
                "no measurable inference (the control's secrets are guessed right {} of the time)",
                pct(r.control_accuracy)
            ),
        }
    })
}

/// The singling-out test of `p` in a sentence, when it was judged: how many people 2 points of
/// their released data isolate, and whether that passes the target.
pub(super) fn singling_out(p: &PolicyResult) -> Option<String> {
    let t = p.tests.as_ref()?;
    let j = &t.singling_out;
    let figure = j.figure?;
    let verdict = match (j.passes, j.target) {
        (Some(true), Some(target)) => {
            format!("it passes the singling-out test (target {})", pct1(target))
        }
        (Some(false), Some(target)) => format!(
            "it fails the singling-out test (target {}): whoever knows two such points of theirs can isolate their record",
            pct1(target)
        ),
        _ => "no target was set for singling out".to_string(),
    };
    Some(format!(
        " Under {}, {} points of a person's released data ({}) single out {} {}: {verdict}.",
        p.policy,
        super::three_tests::SINGLING_OUT_POINTS,
        t.singling_out_knowledge.as_deref().unwrap_or("as released"),
        pct1(figure),
        pct_ci(j.ci)
    ))
}

/// The knowledge the verdict assumes, in words: "8 of a person's entries (true, dates within
/// +-3 days) and their age, gender, region"; `None` for a `--naive` audit.
pub fn assumed_words(audit: &Audit) -> Option<String> {
    let k = audit.assumed_facts?;
    let entries = match k {
        super::curve::KnownFacts::All => "every one of a person's entries".to_string(),
        super::curve::KnownFacts::Count(1) => "1 of a person's entries".to_string(),
        super::curve::KnownFacts::Count(k) => format!("{k} of a person's entries"),
    };
    let mut text = format!(
        "{entries} (true, dates within +-{} days)",
        super::curve::DATE_ERROR
    );
    if !audit.data.attributes.is_empty() {
        let _ = write!(text, " and their {}", audit.data.attributes.join(", "));
    }
    Some(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> PolicyResult {
        let audit: serde_json::Value =
            serde_json::from_str(include_str!("../../tests/fixtures/naive-audit/audit.json"))
                .unwrap();
        serde_json::from_value(audit["policies"][2].clone()).unwrap()
    }

    #[test]
    fn a_cost_is_named_in_the_unit_of_the_metric_that_priced_it() {
        let mut p = policy();
        p.rmse_cost = Some(0.0304);
        assert_eq!(cost(&p), "an RMSE increase of +0.030 stars");
        p.rmse_cost = None;
        p.kept_fraction = 0.322;
        assert_eq!(cost(&p), "a cost of 67.8% of entries removed");
        assert!(!cost(&p).contains("RMSE"));
    }
}
