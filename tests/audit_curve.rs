//! End-to-end tests of the audit's knowledge curve and assumed knowledge: every point counts
//! everyone sampled, the verdict names the knowledge it assumes, the recommendation holds at
//! it, and the inference adversary never knows the secret it infers.

mod common;

use common::*;

const TRUNCATE: &str = "date-drop|rating-drop|truncate:max_per_record=5|attr-drop:name=region|attr-generalize:name=age,width=20";

fn upper(v: &serde_json::Value) -> f64 {
    v["reidentified_ci"][1]
        .as_f64()
        .or(v["reidentified"].as_f64())
        .unwrap_or(0.0)
}

#[test]
fn the_curve_counts_everyone_and_the_recommendation_holds_at_the_assumed_knowledge() {
    let dir = tempdir();
    // The twin carries age, gender and region.
    let data = generated_as(dir.path(), "netflix-like", 1500, 4, true);
    let out = dir.path().join("audit");
    ok(&[
        "audit",
        s(&data),
        "--policy",
        TRUNCATE,
        "--policy",
        "date-coarsen:to=year|rating-noise:scale=1",
        "--sample",
        "150",
        "--draws",
        "1",
        "--tuning",
        "100",
        "--curve",
        "1,4,all",
        "--assume-facts",
        "4",
        "--target-risk",
        "0.3",
        "-o",
        s(&out),
    ]);
    let a = read_json(&out.join("audit.json"));
    assert_eq!(a["assumed_facts"], 4);
    let verdict = a["verdict"].as_str().unwrap();
    assert!(
        verdict.contains("knows 4 of a person's entries")
            && verdict.contains("age, gender, region"),
        "{verdict}"
    );
    let target = 0.3;
    let cost = |p: &serde_json::Value| {
        p["rmse_cost"]
            .as_f64()
            .unwrap_or(1.0 - p["kept_fraction"].as_f64().unwrap())
    };
    let mut meets = Vec::new();
    for p in a["policies"].as_array().unwrap() {
        unsearched_exactly_where_the_blind_default_names_everyone(p);
        let members = p["members"].as_u64().unwrap();
        let curve = p["curve"].as_array().unwrap();
        assert_eq!(curve.len(), 6, "three points, alone and with attributes");
        for c in curve {
            // Everyone sampled counts, light raters included.
            assert_eq!(c["people"].as_u64().unwrap(), members, "{c}");
            let ci = c["reidentified_ci"].as_array().unwrap();
            assert!(ci[0].as_f64().unwrap() <= c["reidentified"].as_f64().unwrap());
        }
        for adversary in p["adversaries"].as_array().unwrap() {
            assert_eq!(
                adversary["people"].as_u64().unwrap(),
                members,
                "{adversary}"
            );
        }
        // The judged points are those with attributes; holds_up_to is the last point before
        // the first one over the target.
        let judged: Vec<&serde_json::Value> =
            curve.iter().filter(|c| c["attributes"] == true).collect();
        let mut held = serde_json::json!(0);
        for c in &judged {
            if upper(c) > target {
                break;
            }
            held = c["facts"].clone();
        }
        assert_eq!(p["holds_up_to"], held, "{}", p["policy"]);
        // The assumed figure is the worst of the curve at 4 and the battery knowing <= 4 facts.
        let at_4 = judged.iter().find(|c| c["facts"] == 4).unwrap();
        let mut worst = upper(at_4);
        for adversary in p["adversaries"].as_array().unwrap() {
            if adversary["facts"].as_u64().unwrap() <= 4 && adversary["reidentified"].is_f64() {
                worst = worst.max(upper(adversary));
            }
        }
        assert!(
            (upper(&p["assumed"]) - worst).abs() < 1e-12,
            "{}",
            p["assumed"]
        );
        // Its best guess is the highest of the same adversaries', with an interval around it.
        let mut best_guess = at_4["best_guess"].as_f64().unwrap();
        for adversary in p["adversaries"].as_array().unwrap() {
            if adversary["facts"].as_u64().unwrap() <= 4 {
                best_guess = best_guess.max(adversary["best_guess"].as_f64().unwrap_or(0.0));
            }
        }
        let assumed = &p["assumed"];
        assert_eq!(
            assumed["best_guess"].as_f64(),
            Some(best_guess),
            "{assumed}"
        );
        let ci = assumed["best_guess_ci"].as_array().unwrap();
        assert!(ci[0].as_f64().unwrap() <= best_guess && best_guess <= ci[1].as_f64().unwrap());
        if worst <= target {
            meets.push((cost(p), p["policy"].as_str().unwrap().to_string()));
        }
    }
    meets.sort_by(|x, y| x.0.total_cmp(&y.0));
    assert_eq!(
        a["recommended"].as_str(),
        meets.first().map(|m| m.1.as_str()),
        "the cheapest policy that holds at the assumed knowledge"
    );
    // The verdict gives the recommended (or closest) policy's best-guess ceiling when it is
    // above the rate it judges by.
    let named = a["recommended"].as_str().or(a["closest"].as_str()).unwrap();
    let p = a["policies"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["policy"] == named)
        .unwrap();
    let above = p["assumed"]["best_guess"].as_f64() > p["assumed"]["reidentified"].as_f64();
    let verdict = a["verdict"].as_str().unwrap();
    let sentence = ["Recommended: ", "the closest is "]
        .iter()
        .find_map(|lead| verdict.split_once(&format!("{lead}{named},")))
        .map(|(_, rest)| rest.split(". ").next().unwrap())
        .unwrap();
    assert_eq!(
        sentence.contains("naming its best guess whatever its confidence, it is right for"),
        above,
        "{verdict}"
    );
    let report = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(report.contains("What the verdict assumes"));
    assert!(out.join("knowledge-curve.svg").exists() && out.join("knowledge-curve.png").exists());
}

/// Where the blind default names everyone in every draw, nothing can name more: no search, and
/// the report says so; everywhere else the search runs. Returns how many were not searched.
fn unsearched_exactly_where_the_blind_default_names_everyone(policy: &serde_json::Value) -> usize {
    let mut unsearched = 0;
    for adversary in policy["adversaries"].as_array().unwrap() {
        let everyone = adversary["blind_reidentified"].as_f64() == Some(1.0);
        let skipped = adversary["reported"] == "blind, names everyone (no search needed)";
        assert_eq!(skipped, everyone, "{adversary}");
        if skipped {
            assert_eq!(adversary["searched"], 1, "{adversary}");
            assert_eq!(adversary["reidentified"].as_f64(), Some(1.0));
            unsearched += 1;
        }
    }
    unsearched
}

#[test]
fn no_search_where_the_blind_default_names_everyone() {
    // 40 people, each with 12 items nobody else holds: any fact names its person.
    let dir = tempdir();
    let mut csv = String::from("user,item,rating,date\n");
    for person in 0..40 {
        for k in 0..12 {
            let day = 1 + (person + 3 * k) % 28;
            csv += &format!(
                "{person},{},{},2005-02-{day:02}\n",
                100 + 12 * person + k,
                1 + k % 5
            );
        }
    }
    let data = import_csv(&write(dir.path(), "unique.csv", &csv), &[]);
    let out = dir.path().join("audit");
    ok(&[
        "audit",
        s(&data),
        "--curve",
        "1,all",
        "--assume-facts",
        "1",
        "--epsilon-canaries",
        "0",
        "-o",
        s(&out),
    ]);
    let a = read_json(&out.join("audit.json"));
    let baseline = &a["policies"][0];
    assert!(
        unsearched_exactly_where_the_blind_default_names_everyone(baseline) > 0,
        "{baseline}"
    );
    let report = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(report.contains("(names everyone: nothing to search)"));
}

#[test]
fn a_naive_audit_has_no_curve_and_counts_as_before() {
    let dir = tempdir();
    let data = twin(dir.path(), 800, 5);
    let out = dir.path().join("audit");
    ok(&[
        "audit",
        s(&data),
        "--sample",
        "100",
        "--draws",
        "1",
        "--naive",
        "-o",
        s(&out),
    ]);
    let a = read_json(&out.join("audit.json"));
    assert!(a["assumed_facts"].is_null());
    let base = &a["policies"][0];
    assert!(base.get("curve").is_none() && base.get("holds_up_to").is_none());
    assert!(!a["verdict"].as_str().unwrap().contains("assumes"));
}

#[test]
fn the_assumed_knowledge_must_be_a_point_of_the_curve() {
    let dir = tempdir();
    let data = twin(dir.path(), 300, 5);
    let out = dir.path().join("audit");
    let e = fails(&[
        "audit",
        s(&data),
        "--curve",
        "1,2",
        "--assume-facts",
        "8",
        "-o",
        s(&out),
    ]);
    assert!(
        e.contains("assume_facts (8) must be one of the curve's points (1,2)"),
        "{e}"
    );
    let e = fails(&["audit", s(&data), "--curve", "1,zero", "-o", s(&out)]);
    assert!(e.contains("curve takes whole numbers"), "{e}");
    assert!(!out.exists(), "nothing written");
}

#[test]
fn the_inference_adversary_never_knows_the_secret() {
    let dir = tempdir();
    let data = generated_as(dir.path(), "netflix-like", 1200, 6, true);
    let out = dir.path().join("audit");
    ok(&[
        "audit",
        s(&data),
        "--sample",
        "120",
        "--draws",
        "1",
        "--tuning",
        "100",
        "--curve",
        "8",
        "--sensitive-attribute",
        "gender",
        "-o",
        s(&out),
    ]);
    let a = read_json(&out.join("audit.json"));
    for p in a["policies"].as_array().unwrap() {
        let i = &p["inference"];
        let known: Vec<&str> = i["adversary_attributes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        assert!(!known.contains(&"gender"), "{known:?}");
        assert!(i["facts"].is_u64() || i["facts"] == "all", "{}", i["facts"]);
    }
}
