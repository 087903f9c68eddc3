//! End-to-end tests of `deanon audit`: outputs and their contract, privacy of our own outputs,
//! thread invariance, resume, clear errors.

mod common;

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use common::*;

/// A 2,500-person twin whose people have ids like "zq-subject-00042" (so that a leaked id would be
/// found in a report), as a store.
fn named_twin(dir: &Path) -> PathBuf {
    let generated = twin(dir, 2500, 9);
    let csv = dir.join("g.csv");
    ok(&["export", s(&generated), "-o", s(&csv)]);
    let text = std::fs::read_to_string(&csv).unwrap();
    let mut lines = text.lines();
    let mut named = format!("{}\n", lines.next().unwrap());
    for line in lines {
        let (user, rest) = line.split_once(',').unwrap();
        named.push_str(&format!("zq-subject-{user:0>5},{rest}\n"));
    }
    import_csv(&write(dir, "named.csv", &named), &[])
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
        "--curve",
        "2,8",
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
        "--curve",
        "2,8",
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
        "--curve",
        "8",
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

/// The measured case, small: on this twin, year coarsening and rating noise defeat the blind
/// battery (a naive audit recommends the policy) but not an adversary who knows the policy.
#[test]
fn an_informed_audit_refuses_the_policy_a_blind_audit_recommends() {
    let dir = tempdir();
    let data = twin(dir.path(), 5000, 4);
    let policy = "date-coarsen:to=year|rating-noise:scale=1";
    let run = |name: &str, extra: &[&str]| {
        let out = dir.path().join(name);
        let base = [
            "audit",
            s(&data),
            "--policy",
            policy,
            "--sample",
            "200",
            "--draws",
            "2",
            "--tuning",
            "200",
            "--curve",
            "8",
            "-o",
            s(&out),
        ];
        ok(&[&base[..], extra].concat());
        (read_json(&out.join("audit.json")), out)
    };
    let (naive, _) = run("naive", &["--naive"]);
    assert_eq!(naive["recommended"], policy, "the blind battery passes it");
    assert_eq!(naive["provenance"]["adversaries_know_policy"], false);
    let (informed, out) = run("informed", &[]);
    assert!(informed["recommended"].is_null(), "{}", informed["verdict"]);
    let upper = informed["policies"][1]["worst_reidentified_ci"][1]
        .as_f64()
        .unwrap();
    assert!(upper > 0.09, "the informed adversary breaks it: {upper}");
    assert!(
        informed["verdict"]
            .as_str()
            .unwrap()
            .contains("knows the published policy")
    );
    for (k, p) in informed["policies"].as_array().unwrap().iter().enumerate() {
        for (a, adv) in p["adversaries"].as_array().unwrap().iter().enumerate() {
            assert_eq!(adv["knows_policy"], true);
            assert_eq!(adv["tuning"], "disjoint");
            assert!(adv["searched"].as_u64().unwrap() >= 5, "{adv}");
            if adv["tuning_people"] == 0 {
                // (This small twin has too few items for the rare-facts adversary: it knows
                // nothing of anyone, and everyone sampled counts as not found.)
                assert_eq!(adv["reidentified"], 0.0, "{adv}");
                assert_eq!(adv["people"], naive["policies"][k]["members"], "{adv}");
                continue;
            }
            assert!(adv["tuning_people"].as_u64().unwrap() > 100, "{adv}");
            assert!(adv["attack"]["algorithm"].is_string());
            // The blind figure is the naive audit's, measured on the same people and draws,
            // plus the light raters the naive audit leaves out (attacked here with all of
            // their entries): as many hits, and at most one more for each of them.
            let naive_adv = &naive["policies"][k]["adversaries"][a];
            let naive_hits =
                naive_adv["reidentified"].as_f64().unwrap() * naive_adv["people"].as_f64().unwrap();
            let people = adv["people"].as_f64().unwrap();
            let hits = adv["blind_reidentified"].as_f64().unwrap() * people;
            let extra = people - naive_adv["people"].as_f64().unwrap();
            assert!(
                extra >= 0.0 && hits >= naive_hits - 1e-6 && hits <= naive_hits + extra + 1e-6,
                "{adv}"
            );
            // The blind default is measured too, and never reported above the informed figure.
            assert!(
                adv["reidentified"].as_f64() >= adv["blind_reidentified"].as_f64(),
                "{adv}"
            );
        }
    }
    // Against the coarsened release, the strongest adversary maps its dates.
    let worst = &informed["policies"][1];
    let name = worst["worst_adversary"].as_str().unwrap();
    let chosen = worst["adversaries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["name"] == name)
        .unwrap();
    assert_eq!(chosen["attack"]["informed"], true, "{chosen}");
    assert!(chosen["reidentified"].as_f64() > chosen["blind_reidentified"].as_f64());
    let report = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(report.contains("id=\"threat-model\"") && report.contains("Kerckhoffs"));
    assert!(report.contains("blind adversary"));
}

/// Today's (policy-blind) audit, committed as a fixture from the binary of commit 628a0fd: the
/// same numbers, risk.csv byte for byte. Its intervals (`*_ci` and the verdict's) were
/// regenerated when they became Wilson's score intervals, and the verdict gained its sentence on
/// singling out; nothing else in it changed.
#[test]
fn a_naive_audit_reproduces_the_blind_audit_of_earlier_versions() {
    let dir = tempdir();
    let data = twin(dir.path(), 2000, 21);
    let out = dir.path().join("a");
    ok(&[
        "audit",
        s(&data),
        "--policy",
        "sample:fraction=0.5|date-coarsen:to=month",
        "--policy",
        "date-coarsen:to=year|rating-noise:scale=1",
        "--sample",
        "80",
        "--draws",
        "2",
        "--seed",
        "3",
        "--naive",
        "-o",
        s(&out),
    ]);
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/naive-audit");
    assert!(
        std::fs::read(fixture.join("risk.csv")).unwrap()
            == std::fs::read(out.join("risk.csv")).unwrap(),
        "risk.csv differs from the fixture"
    );
    // Every value the fixture holds, the same (new fields may be added; the commit it was built
    // from differs).
    fn same(old: &serde_json::Value, new: &serde_json::Value, path: &str) {
        match old {
            serde_json::Value::Object(fields) => {
                for (k, v) in fields {
                    if path == "/provenance" && k == "git_commit" {
                        continue;
                    }
                    let n = new.get(k).unwrap_or_else(|| panic!("{path}/{k} is gone"));
                    same(v, n, &format!("{path}/{k}"));
                }
            }
            serde_json::Value::Array(items) => {
                let n = new.as_array().unwrap();
                assert_eq!(items.len(), n.len(), "{path}");
                for (k, (a, b)) in items.iter().zip(n).enumerate() {
                    same(a, b, &format!("{path}/{k}"));
                }
            }
            v => assert_eq!(v, new, "{path}"),
        }
    }
    same(
        &read_json(&fixture.join("audit.json")),
        &read_json(&out.join("audit.json")),
        "",
    );
}

/// With everyone audited, no disjoint people are left: the people are split in two halves, each
/// measured with the attack chosen on the other.
#[test]
fn with_everyone_the_attack_is_cross_fit() {
    let dir = tempdir();
    let data = twin(dir.path(), 400, 5);
    let out = dir.path().join("a");
    ok(&[
        "audit",
        s(&data),
        "--everyone",
        "--draws",
        "1",
        "--tuning",
        "100",
        "--curve",
        "8",
        "-o",
        s(&out),
    ]);
    let a = read_json(&out.join("audit.json"));
    let adversaries = a["policies"][0]["adversaries"].as_array().unwrap();
    assert!(
        adversaries
            .iter()
            .filter(|a| a["tuning_people"] != 0)
            .count()
            >= 4
    );
    for adv in adversaries.iter().filter(|a| a["tuning_people"] != 0) {
        assert_eq!(adv["tuning"], "cross-fit", "{adv}");
        assert!(adv["attack_other_half"]["algorithm"].is_string(), "{adv}");
        let tuned = adv["tuning_people"].as_u64().unwrap();
        assert!(tuned > 0 && tuned <= 200, "{adv}");
        // Every person is measured, by the attack chosen on the other half.
        assert!(adv["people"].as_u64().unwrap() > 300, "{adv}");
    }
    let report = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(report.contains("on one half of the people"));
}

#[test]
fn bad_adversaries_get_clear_errors_and_nothing_is_written() {
    let dir = tempdir();
    let data = twin(dir.path(), 300, 5);
    let out = dir.path().join("x");
    let bad = |name: &str, toml: &str, wants: &[&str]| {
        let file = write(dir.path(), name, toml);
        let err = fails(&["audit", s(&data), "--adversaries", s(&file), "-o", s(&out)]);
        for w in wants {
            assert!(err.contains(w), "'{w}' not in {err}");
        }
        assert_eq!(err.trim().lines().count(), 1, "{err}");
        assert!(!out.exists(), "{name} left an output");
    };
    bad(
        "twins.toml",
        "[[adversary]]\nname = \"a\"\nfacts = 2\n[[adversary]]\nname = \"a\"\nfacts = 3\n",
        &["twins.toml", "two adversaries are named 'a'"],
    );
    bad(
        "many.toml",
        "[[adversary]]\nname = \"m\"\nfacts = 5000\n",
        &["many.toml", "facts = 5000", "more than anyone"],
    );
    bad(
        "zero.toml",
        "[[adversary]]\nname = \"z\"\nfacts = 0\n",
        &["zero.toml", "facts must be at least 1"],
    );
    let err = fails(&["audit", s(&data), "--tuning", "0", "-o", s(&out)]);
    assert!(err.contains("--tuning"), "{err}");
}

/// The third test: each policy's strongest adversary links the reported members and a control
/// held out of the release; the report puts the three tests side by side; the recommendation
/// can require an inference target; the same for any thread count.
#[test]
fn an_audit_with_sensitive_items_measures_inference_against_a_control() {
    let dir = tempdir();
    let data = twin(dir.path(), 2500, 9);
    // Five titles outside the most popular forty: most people hold one of them, so a random
    // record's answer is often the target's too (the control is far from 0).
    let csv = dir.path().join("g.csv");
    ok(&["export", s(&data), "-o", s(&csv)]);
    let mut support: std::collections::HashMap<String, usize> = Default::default();
    for row in rows(&csv) {
        *support.entry(row["item"].clone()).or_default() += 1;
    }
    let mut by_support: Vec<(usize, String)> = support.into_iter().map(|(i, n)| (n, i)).collect();
    by_support.sort_unstable_by(|a, b| b.cmp(a));
    let sensitive: String = by_support[40..45]
        .iter()
        .map(|(_, i)| format!("{i}\n"))
        .collect();
    let sensitive = write(dir.path(), "sensitive.txt", &sensitive);
    let mut outputs = Vec::new();
    for threads in ["1", "2"] {
        let out = dir.path().join(format!("audit-{threads}"));
        audit(
            &data,
            &out,
            &["--sensitive-items", s(&sensitive), "--threads", threads],
        );
        outputs.push(std::fs::read(out.join("audit.json")).unwrap());
    }
    assert!(outputs[0] == outputs[1], "thread count changed audit.json");
    let out = dir.path().join("audit-1");
    let a = read_json(&out.join("audit.json"));
    for p in a["policies"].as_array().unwrap() {
        let i = &p["inference"];
        assert_eq!(i["adversary"], p["worst_adversary"], "{i}");
        assert_eq!(i["control_held_out"], 200);
        assert!(i["members"].as_u64().unwrap() <= 200, "{i}");
        assert!(i["non_members"].as_u64().unwrap() >= 190, "{i}");
        assert_eq!(i["sensitive_items"], 5);
        let (main, control) = (
            i["main_accuracy"].as_f64().unwrap(),
            i["control_accuracy"].as_f64().unwrap(),
        );
        let risk = i["risk"].as_f64().unwrap();
        assert!(close(risk, (main - control) / (1.0 - control)), "{i}");
        assert!(i["learned"]["members"].as_u64().unwrap() > 0);
    }
    // Pseudonymized only, the links are right and the secrets follow them.
    let base = &a["policies"][0]["inference"];
    assert!(base["main_accuracy"].as_f64().unwrap() > 0.95, "{base}");
    assert!(base["risk"].as_f64().unwrap() > 0.8, "{base}");
    assert!(
        base["control_accuracy"].as_f64().unwrap() < base["main_accuracy"].as_f64().unwrap(),
        "{base}"
    );
    let report = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(
        report.contains("id=\"three-tests\""),
        "the three tests' section"
    );
    assert!(report.contains("Singling out") || report.contains("<b>Singling out</b>"));
    let verdict = a["verdict"].as_str().unwrap();
    assert!(
        verdict.contains("Linking reveals, released as it is"),
        "{verdict}"
    );
    // An inference target no policy meets: nothing is recommended on it.
    let strict = dir.path().join("strict");
    audit(
        &data,
        &strict,
        &[
            "--sensitive-items",
            s(&sensitive),
            "--target-risk",
            "0.99",
            "--target-inference-risk",
            "0.01",
        ],
    );
    let a = read_json(&strict.join("audit.json"));
    assert_eq!(a["target_inference_risk"], 0.01);
    for p in a["policies"].as_array().unwrap() {
        let i = &p["inference"];
        let upper = i["risk_ci"][1]
            .as_f64()
            .or(i["risk"].as_f64())
            .unwrap_or(0.0);
        if a["recommended"] == p["policy"] {
            assert!(upper <= 0.01, "recommended above the inference target: {i}");
        }
    }
    // Mistakes.
    let err = fails(&[
        "audit",
        s(&data),
        "--target-inference-risk",
        "0.1",
        "-o",
        s(&dir.path().join("x")),
    ]);
    assert!(err.contains("needs the inference test"), "{err}");
    let bad = write(dir.path(), "bad.txt", "no-such-title\n");
    let err = fails(&[
        "audit",
        s(&data),
        "--sensitive-items",
        s(&bad),
        "-o",
        s(&dir.path().join("x")),
    ]);
    assert!(
        err.contains("bad.txt:1: item 'no-such-title' is not in the original data"),
        "{err}"
    );
    let err = fails(&[
        "audit",
        s(&data),
        "--sensitive-attribute",
        "age",
        "-o",
        s(&dir.path().join("x")),
    ]);
    assert!(err.contains("has no people table"), "{err}");
    assert!(!dir.path().join("x").join("audit.json").exists());
}

/// Data where everyone holds fewer entries than the standard battery's adversaries know: the
/// error says what the audit's user can change (their own battery), not a flag audit lacks.
#[test]
fn the_standard_battery_knowing_more_than_anyone_holds_names_the_adversaries_flag() {
    let dir = tempdir();
    let mut csv = String::from("user,item,rating\n");
    for u in 0..40 {
        for i in 0..2 {
            csv.push_str(&format!("u{u},m{},{}\n", (u + i * 7) % 30, 1 + (u + i) % 5));
        }
    }
    let data = import_csv(&write(dir.path(), "two.csv", &csv), &[]);
    let out = dir.path().join("audit");
    let err = fails(&[
        "audit",
        s(&data),
        "--policy",
        "sample:fraction=0.5",
        "-o",
        s(&out),
    ]);
    assert!(
        err.contains("more than anyone in the data holds (at most 2 entries)")
            && err.contains("--adversaries FILE.toml"),
        "{err}"
    );
    assert!(!err.contains("--facts"), "{err}");
}
