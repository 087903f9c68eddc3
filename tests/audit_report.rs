//! The audit's report and audit.json as an auditor reads them: the report opens with a summary
//! that judges each policy by the three tests, and names its inputs by SHA-256; audit.json meets
//! docs/audit.schema.json (every test that reads an audit.json checks it, in
//! `common::read_json`), and the check can fail: an audit.json with a field gone or out of range
//! does not meet the schema.

mod common;

use common::{check_schema, ok, read_json, s, tempdir, twin};

#[test]
fn the_summary_comes_first_and_audit_json_meets_its_schema() {
    let dir = tempdir();
    let data = twin(dir.path(), 300, 1);
    let out = dir.path().join("a");
    ok(&[
        "audit",
        s(&data),
        "--policy",
        "date-coarsen:to=month",
        "--sample",
        "60",
        "--draws",
        "1",
        "--tuning",
        "40",
        "--curve",
        "1,all",
        "--assume-facts",
        "all",
        "--curve-tuning",
        "20",
        "--epsilon-canaries",
        "40",
        "-o",
        s(&out),
    ]);
    let path = out.join("audit.json");
    let audit = read_json(&path);
    assert_eq!(audit["schema_version"], 1);
    summary_judges_every_policy(&audit, &out, &data);
    type Break = (&'static str, Box<dyn Fn(&mut serde_json::Value)>);
    let breaks: [Break; 4] = [
        (
            "no verdict",
            Box::new(|a| {
                a.as_object_mut().unwrap().remove("verdict");
            }),
        ),
        (
            "a target above 1",
            Box::new(|a| a["target_risk"] = 2.0.into()),
        ),
        (
            "a share above 1",
            Box::new(|a| a["policies"][0]["worst_reidentified"] = 1.5.into()),
        ),
        (
            "a hash that is not one",
            Box::new(|a| a["provenance"]["inputs"][0]["sha256"] = "abc".into()),
        ),
    ];
    for (what, change) in breaks {
        let mut broken = audit.clone();
        change(&mut broken);
        let failed = std::panic::catch_unwind(|| check_schema(&broken, "audit.schema.json", &path));
        assert!(failed.is_err(), "{what}: the schema let it through");
    }
}

/// The summary section opens the report, and holds one pass or fail per judged test, as
/// audit.json's `tests` say; the provenance names the data by its SHA-256.
fn summary_judges_every_policy(
    audit: &serde_json::Value,
    out: &std::path::Path,
    data: &std::path::Path,
) {
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    let summary = html
        .find("<section id=\"summary\">")
        .expect("a summary section");
    for later in [
        "id=\"knowledge\"",
        "id=\"threat-model\"",
        "id=\"method\"",
        "id=\"provenance\"",
    ] {
        let at = html
            .find(later)
            .unwrap_or_else(|| panic!("{later} is missing"));
        assert!(summary < at, "the summary comes before {later}");
    }
    let end = summary + html[summary..].find("</section>").unwrap();
    let section = &html[summary..end];
    let (mut passes, mut fails) = (0, 0);
    for p in audit["policies"].as_array().unwrap() {
        assert!(section.contains(p["policy"].as_str().unwrap()));
        let tests = &p["tests"];
        for test in ["singling_out", "linkability"] {
            match tests[test]["passes"].as_bool() {
                Some(true) => passes += 1,
                Some(false) => fails += 1,
                None => {}
            }
        }
        let upper = tests["linkability"]["ci"][1].as_f64().unwrap();
        assert_eq!(
            tests["linkability"]["passes"].as_bool(),
            Some(upper <= audit["target_risk"].as_f64().unwrap())
        );
    }
    assert_eq!(section.matches("<b>pass</b>").count(), passes);
    assert_eq!(section.matches("<b>fail</b>").count(), fails);
    let sha = std::process::Command::new("sha256sum")
        .arg(data)
        .output()
        .expect("sha256sum runs");
    let sha = String::from_utf8_lossy(&sha.stdout);
    let sha = sha.split_whitespace().next().unwrap();
    assert_eq!(audit["provenance"]["inputs"][0]["sha256"], sha);
    assert!(
        html.contains(sha),
        "the report names the data by its SHA-256"
    );
}
