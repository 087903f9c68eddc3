//! End-to-end tests of `deanon audit`: outputs and their contract, privacy of our own outputs,
//! thread invariance, resume, clear errors.

mod common;

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use common::*;

/// A 2,500-person twin whose people have ids like "zq-subject-00042" (so that a leaked id would be
/// found in a report), as a store.
fn named_twin(dir: &Path) -> PathBuf {
    let generated = dir.join("g.deanon");
    ok(&[
        "generate",
        "--preset",
        "netflix-like",
        "--users",
        "2500",
        "--seed",
        "9",
        "-o",
        s(&generated),
    ]);
    let csv = dir.join("g.csv");
    ok(&["export", s(&generated), "-o", s(&csv)]);
    let text = std::fs::read_to_string(&csv).unwrap();
    let mut lines = text.lines();
    let mut named = format!("{}\n", lines.next().unwrap());
    for line in lines {
        let (user, rest) = line.split_once(',').unwrap();
        named.push_str(&format!("zq-subject-{user:0>5},{rest}\n"));
    }
    let named_csv = write(dir, "named.csv", &named);
    let store = dir.join("named.deanon");
    ok(&["import", s(&named_csv), "--format", "csv", "-o", s(&store)]);
    store
}

fn audit(data: &Path, out: &Path, extra: &[&str]) -> String {
    let base = [
        "audit",
        s(data),
        "--policy",
        "sample:fraction=0.5|date-coarsen:to=month",
        "--policy",
        "date-coarsen:to=year|rating-noise:scale=1",
        "--sample",
        "200",
        "--draws",
        "2",
        "-o",
        s(out),
    ];
    ok(&[&base[..], extra].concat())
}

#[test]
fn audit_writes_its_contract_and_names_nobody_in_the_report() {
    let dir = tempdir();
    let data = named_twin(dir.path());
    let out = dir.path().join("audit");
    audit(&data, &out, &[]);
    let a = read_json(&out.join("audit.json"));
    assert_eq!(a["target_risk"], 0.09);
    let policies = a["policies"].as_array().unwrap();
    assert_eq!(policies.len(), 3, "baseline and two candidates");
    assert_eq!(policies[0]["policy"], "pseudonymize");
    for p in policies {
        for key in [
            "rmse_cost",
            "worst_reidentified",
            "worst_reidentified_ci",
            "adversaries",
            "unicity",
            "risk",
        ] {
            assert!(p.get(key).is_some(), "{key} in {p}");
        }
        let adversaries = p["adversaries"].as_array().unwrap();
        assert_eq!(adversaries.len(), 5, "the standard battery");
        for ad in adversaries {
            for key in [
                "name",
                "facts",
                "wrong",
                "date_error",
                "rating_error",
                "dates",
                "select",
                "reidentified",
                "reidentified_ci",
                "best_guess",
                "people",
            ] {
                assert!(ad.get(key).is_some(), "{key} in {ad}");
            }
            // An adversary that finds no usable facts (6 rare facts on a catalogue of fewer
            // than 500 items) has no rate.
            if ad["people"] == 0 {
                assert!(ad["reidentified"].is_null());
                continue;
            }
            let (r, b) = (
                ad["reidentified"].as_f64().unwrap(),
                ad["best_guess"].as_f64().unwrap(),
            );
            assert!(
                (0.0..=1.0).contains(&r) && r <= b + 1e-12,
                "named and right implies ranked first: {ad}"
            );
        }
        assert_eq!(
            p["risk"]["by_activity_decile"].as_array().unwrap().len(),
            10
        );
        let worst = p["worst_reidentified"].as_f64().unwrap();
        let max = adversaries
            .iter()
            .filter_map(|a| a["reidentified"].as_f64())
            .fold(0.0, f64::max);
        assert_eq!(worst, max);
    }
    // The 50% sample leaves people out: false matches on them are measured.
    assert!(
        policies[1]["adversaries"][0]["false_match_rate"]
            .as_f64()
            .is_some()
    );
    assert!(policies[1]["members"].as_u64().unwrap() < 200);
    // A dropped kind of fact is left out, and said so.
    // The recommendation: the cheapest policy whose worst interval is under the target.
    let target = a["target_risk"].as_f64().unwrap();
    match a["recommended"].as_str() {
        Some(spec) => {
            let p = policies.iter().find(|p| p["policy"] == spec).unwrap();
            assert!(p["worst_reidentified_ci"][1].as_f64().unwrap() <= target);
            for q in policies {
                if q["worst_reidentified_ci"][1].as_f64().unwrap() <= target {
                    assert!(p["rmse_cost"].as_f64().unwrap() <= q["rmse_cost"].as_f64().unwrap());
                }
            }
        }
        None => assert!(a["closest"].is_string()),
    }
    let baseline = policies[0]["worst_reidentified"].as_f64().unwrap();
    assert!(
        baseline > 0.1,
        "the raw twin is re-identifiable: {baseline}"
    );

    // risk.csv names people: mode 0600; the report and audit.json hold aggregates only.
    let risk = out.join("risk.csv");
    assert_eq!(
        std::fs::metadata(&risk).unwrap().permissions().mode() & 0o777,
        0o600
    );
    let text = std::fs::read_to_string(&risk).unwrap();
    assert_eq!(
        text.lines().next().unwrap(),
        "policy,adversary,person,entries,risk,best_guess"
    );
    assert!(text.lines().count() > 3 * 5 * 100);
    assert!(text.contains(",zq-subject-"));
    for public in ["report.html", "audit.json", "frontier.svg", "unicity.svg"] {
        let body = std::fs::read_to_string(out.join(public)).unwrap();
        assert!(!body.contains("zq-subject-"), "{public} names a person");
    }
    for part in std::fs::read_dir(out.join("parts")).unwrap() {
        let part = part.unwrap().path();
        assert_eq!(
            std::fs::metadata(&part).unwrap().permissions().mode() & 0o777,
            0o600,
            "{part:?}"
        );
    }
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains(a["verdict"].as_str().unwrap().split(" (").next().unwrap()));
    assert!(
        [
            "<script", "<link", "<img", "@import", "src=", "href=", "url("
        ]
        .iter()
        .all(|t| !html.contains(t)),
        "self-contained: nothing loaded from anywhere"
    );
    for plot in [
        "frontier",
        "unicity",
        "risk-histogram",
        "risk-by-activity",
        "sparsity",
    ] {
        assert!(
            out.join(format!("{plot}.png")).exists() && out.join(format!("{plot}.svg")).exists(),
            "{plot}"
        );
    }
}

#[test]
fn audit_is_the_same_for_any_thread_count_and_resumes_to_the_same_bytes() {
    let dir = tempdir();
    let data = named_twin(dir.path());
    let one = dir.path().join("one");
    let three = dir.path().join("three");
    audit(&data, &one, &["--threads", "1"]);
    audit(&data, &three, &["--threads", "3"]);
    for file in ["audit.json", "risk.csv", "unicity.svg", "frontier.svg"] {
        let (a, b) = (
            std::fs::read_to_string(one.join(file)).unwrap(),
            std::fs::read_to_string(three.join(file)).unwrap(),
        );
        let first = a.lines().zip(b.lines()).position(|(x, y)| x != y);
        assert!(a == b, "{file} differs at line {first:?}");
    }
    // On timely dataflow workers (the cluster executor), the same bytes.
    let cluster = dir.path().join("cluster");
    audit(&data, &cluster, &["--workers", "2"]);
    for file in ["audit.json", "risk.csv"] {
        assert!(
            std::fs::read(one.join(file)).unwrap() == std::fs::read(cluster.join(file)).unwrap(),
            "{file}: cluster executor"
        );
    }
    // Again into the same folder: refused without --resume.
    let err = fails(&[
        "audit",
        s(&data),
        "--policy",
        "sample:fraction=0.5|date-coarsen:to=month",
        "--policy",
        "date-coarsen:to=year|rating-noise:scale=1",
        "--sample",
        "200",
        "--draws",
        "2",
        "-o",
        s(&one),
    ]);
    assert!(err.contains("--resume"), "{err}");
    // An interrupted audit (one policy's part lost) resumes to the same results.
    std::fs::remove_file(one.join("parts/policy-002.json")).unwrap();
    std::fs::remove_file(one.join("audit.json")).unwrap();
    audit(&data, &one, &["--resume"]);
    assert!(
        std::fs::read(one.join("audit.json")).unwrap()
            == std::fs::read(three.join("audit.json")).unwrap(),
        "a resumed audit writes the same audit.json"
    );
}

#[test]
fn audit_mistakes_get_clear_errors() {
    let dir = tempdir();
    let data = named_twin(dir.path());
    let out = dir.path().join("x");
    let err = fails(&["audit", s(&data), "--policy", "blur", "-o", s(&out)]);
    assert!(err.contains("blur"), "{err}");
    let err = fails(&["audit", s(&data), "--target-risk", "1.5", "-o", s(&out)]);
    assert!(err.contains("--target-risk"), "{err}");
    // A release is not the data to audit.
    let released = dir.path().join("r.deanon");
    ok(&[
        "release",
        s(&data),
        "--policy",
        "pseudonymize",
        "-o",
        s(&released),
        "--key",
        s(&dir.path().join("k.csv")),
    ]);
    let err = fails(&["audit", s(&released), "-o", s(&out)]);
    assert!(err.contains("is a release"), "{err}");
    // A bad adversary file names its line.
    let file = write(
        dir.path(),
        "adv.toml",
        "[[adversary]]\nname = \"x\"\nfacts = 2\ncolour = 3\n",
    );
    let err = fails(&["audit", s(&data), "--adversaries", s(&file), "-o", s(&out)]);
    assert!(err.contains("adv.toml:4"), "{err}");
    let file = write(
        dir.path(),
        "adv2.toml",
        "[[adversary]]\nname = \"x\"\nfacts = 2\nwrong = 3\n",
    );
    let err = fails(&["audit", s(&data), "--adversaries", s(&file), "-o", s(&out)]);
    assert!(err.contains("wrong must be at most"), "{err}");
    assert!(!out.join("audit.json").exists());
}

#[test]
fn an_adversary_file_replaces_the_battery_and_dropped_facts_are_said() {
    let dir = tempdir();
    let data = named_twin(dir.path());
    let file = write(
        dir.path(),
        "adv.toml",
        "[[adversary]]\nname = \"8 with dates\"\nfacts = 8\ndate_error = 3\n",
    );
    let out = dir.path().join("a");
    ok(&[
        "audit",
        s(&data),
        "--adversaries",
        s(&file),
        "--policy",
        "date-drop",
        "--sample",
        "150",
        "--draws",
        "1",
        "-o",
        s(&out),
    ]);
    let a = read_json(&out.join("audit.json"));
    let p = &a["policies"][1];
    assert_eq!(p["adversaries"].as_array().unwrap().len(), 1);
    assert_eq!(p["adversaries"][0]["dates"], false);
    assert!(
        p["adversaries"][0]["note"]
            .as_str()
            .unwrap()
            .contains("no dates")
    );
    assert!(
        p["unicity"]
            .as_array()
            .unwrap()
            .iter()
            .all(|u| !u["knowledge"].as_str().unwrap().contains("days"))
    );
}
