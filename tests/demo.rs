//! `deanon demo`: the main job runs end to end and leaves its report behind.

mod common;

use common::*;

#[test]
fn demo_runs_end_to_end() {
    let dir = tempdir();
    let out = dir.path().join("demo");
    let text = ok(&["demo", "-o", s(&out), "--users", "4000"]);
    assert!(text.contains("6-of-8") && text.contains("paper"), "{text}");
    assert!(out.join("netflix-like.deanon").exists());
    for file in [
        "report.md",
        "results.csv",
        "reidentification.png",
        "frontier.svg",
    ] {
        assert!(out.join("experiment").join(file).exists(), "{file}");
    }
    // Its audit's adversaries know each published policy, and its recommendation survives them.
    let audit = read_json(&out.join("audit").join("audit.json"));
    assert_eq!(audit["provenance"]["adversaries_know_policy"], true);
    let recommended = audit["recommended"].as_str().expect("a recommendation");
    let policy = audit["policies"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["policy"] == recommended)
        .unwrap();
    assert!(policy["worst_reidentified_ci"][1].as_f64().unwrap() <= 0.09);
    assert!(text.contains("knows the published policy"), "{text}");
    // It names the strongest attack against each policy, the worst adversary's.
    for p in audit["policies"].as_array().unwrap() {
        let worst = p["adversaries"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["name"] == p["worst_adversary"])
            .unwrap();
        let line = format!(
            "  against {}: {:.1}% by {}",
            p["policy"].as_str().unwrap(),
            100.0 * worst["reidentified"].as_f64().unwrap(),
            worst["attack"]["algorithm"].as_str().unwrap()
        );
        assert!(text.contains(&line), "{line} in {text}");
    }
    // It says what linking reveals under each policy: the audit's third test.
    assert!(
        text.contains("What linking reveals (the third test"),
        "{text}"
    );
    for p in audit["policies"].as_array().unwrap() {
        let i = &p["inference"];
        assert!(
            i["main_accuracy"].is_f64() && i["control_held_out"] == 400,
            "{i}"
        );
        let line = format!("    {}: members right ", p["policy"].as_str().unwrap());
        assert!(text.contains(&line), "{line} in {text}");
    }
    // It says what the twin's people's attributes add, from the audit's own adversaries.
    assert_eq!(
        audit["data"]["attributes"],
        serde_json::json!(["age", "gender", "region"])
    );
    assert!(
        text.contains("What the people's attributes add (age, gender, region)"),
        "{text}"
    );
    // It ends with a published statement about a small group on a views-like log.
    assert!(
        text.contains("published statement") && text.contains("every day for 18 days"),
        "{text}"
    );
    let cohort = read_json(&out.join("cohort.json"));
    assert_eq!(cohort["rule"], "streak");
    assert_eq!(cohort["k"], 18);
    assert!(cohort["cohort_size"].is_u64() && cohort["dp_count"].is_i64());
    // Running it again into the same folder works (the demo starts its experiment afresh).
    ok(&["demo", "-o", s(&out), "--users", "4000"]);
}
