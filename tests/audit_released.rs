//! End-to-end tests of `deanon audit --released REL --key KEY`: the audit of a release made
//! elsewhere. With the policy stated it measures what the ordinary audit measures for that
//! policy; blind, it claims no knowledge of the policy; a plain two-column key works; inputs
//! that do not belong together are refused with one line and nothing written; the report and
//! audit.json name the release audited.

mod common;

use std::path::{Path, PathBuf};

use common::*;
use serde_json::Value;

/// Samples people (so that the release leaves some out) and coarsens dates (so that knowing
/// the policy changes the attack).
const POLICY: &str = "sample:fraction=0.8|date-coarsen:to=month";
const SEED: u64 = 5;

/// The settings every audit here shares: small and fast, and the same for both kinds.
fn settings() -> Vec<&'static str> {
    vec![
        "--sample", "150", "--draws", "2", "--tuning", "100", "--curve", "2,8", "--seed", "5",
    ]
}

/// The data (1,500 people with attributes), and its release under [`POLICY`] made by `deanon
/// release` with the seed the audit's own release of [`POLICY`] uses: the same release.
struct Fixture {
    dir: tempfile::TempDir,
    data: PathBuf,
    released: PathBuf,
    key: PathBuf,
}

fn fixture() -> Fixture {
    let dir = tempdir();
    let data = generated_as(dir.path(), "netflix-like", 1500, 4, true);
    let seed = deanon::audit::release_seed(SEED, POLICY);
    let (released, key) = release(dir.path(), &data, POLICY, seed);
    Fixture {
        dir,
        data,
        released,
        key,
    }
}

/// `deanon audit DATA --released REL --key KEY` with [`settings`] and `extra` into `out`;
/// returns audit.json.
fn audit_released(f: &Fixture, key: &Path, out: &Path, extra: &[&str]) -> Value {
    let mut args = vec![
        "audit",
        s(&f.data),
        "--released",
        s(&f.released),
        "--key",
        s(key),
        "-o",
        s(out),
    ];
    args.extend(settings());
    args.extend_from_slice(extra);
    ok(&args);
    read_json(&out.join("audit.json"))
}

/// The fields of a policy's result that measure its release (not its cost, name or epsilon).
const MEASURED: [&str; 12] = [
    "worst_adversary",
    "worst_reidentified",
    "worst_reidentified_ci",
    "members",
    "non_members",
    "adversaries",
    "unicity",
    "attribute_unicity",
    "risk",
    "curve",
    "assumed",
    "holds_up_to",
];

/// risk.csv's rows without the policy column, for `policy`.
fn risk_rows(path: &Path, policy: &str) -> Vec<String> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .skip(1)
        .filter_map(|l| {
            let rest = l.strip_prefix(&format!("\"{policy}\","))?;
            Some(rest.to_string())
        })
        .collect()
}

fn released_rows(path: &Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .skip(1)
        .map(|l| l.split_once(',').unwrap().1.to_string())
        .collect()
}

/// (a) The release `deanon release` makes with the audit's seed is the audit's own release of
/// the policy: stated, its figures are the ordinary audit's for that policy, to the bit. What
/// differs, and why: no RMSE cost (a release is not a policy to price), the entries kept
/// measured on every entry through the key (the audit's on its training split), no measured
/// epsilon, and the inference test's control (the people this release left out, where the
/// audit holds a control out of a release of its own).
#[test]
fn a_release_audited_with_its_policy_stated_measures_what_the_audit_measures_for_that_policy() {
    let f = fixture();
    let ordinary = f.dir.path().join("ordinary");
    let mut args = vec![
        "audit",
        s(&f.data),
        "--policy",
        POLICY,
        "--epsilon-canaries",
        "0",
        "-o",
        s(&ordinary),
    ];
    args.extend(settings());
    ok(&args);
    let a = read_json(&ordinary.join("audit.json"));
    let theirs = &a["policies"][1];
    assert_eq!(theirs["policy"], POLICY);

    let stated = f.dir.path().join("stated");
    let b = audit_released(&f, &f.key, &stated, &["--policy-known", POLICY]);
    let policies = b["policies"].as_array().unwrap();
    assert_eq!(policies.len(), 1, "the release alone, no baseline");
    let ours = &policies[0];
    assert_eq!(ours["policy"], "rel.deanon");
    for field in MEASURED {
        assert_eq!(ours[field], theirs[field], "{field}");
    }
    assert!(theirs["worst_reidentified"].as_f64().unwrap() > 0.0);
    assert!(ours["adversaries"].as_array().unwrap().len() >= 5);
    assert!(ours["curve"].as_array().unwrap().len() == 4);
    // Per person too.
    let rows = risk_rows(&ordinary.join("risk.csv"), POLICY);
    assert!(!rows.is_empty());
    assert_eq!(released_rows(&stated.join("risk.csv")), rows);
    // What differs.
    assert!(ours["rmse_cost"].is_null() && theirs["rmse_cost"].as_f64().is_some());
    let kept = ours["kept_fraction"].as_f64().unwrap();
    let audit_kept = theirs["kept_fraction"].as_f64().unwrap();
    assert!((kept - audit_kept).abs() < 0.02, "{kept} {audit_kept}");
    assert!(ours.get("measured_epsilon").is_none());
    // The verdict is the release's own: met or not, nothing recommended.
    assert!(b["recommended"].is_null() && b["closest"].is_null());
    let r = &b["released"];
    assert_eq!(r["policy"], "stated");
    assert_eq!(r["stated_policy"], POLICY);
    assert_eq!(r["recorded_policy"], POLICY);
    let upper = ours["assumed"]["reidentified_ci"][1].as_f64().unwrap();
    assert_eq!(r["meets_target"], upper <= 0.09, "{upper}");
    assert_eq!(b["provenance"]["adversaries_know_policy"], true);
}

/// (b) Blind: no adversary knows the policy, no attack maps facts by it, the knowledge claimed
/// is the knowledge tried, and every figure is a rate inside its interval. The default attack's
/// figures are those of the stated audit (it ignores the policy, on the same draws), and the
/// searched ones never fall below them. The inference test's control is the people the
/// release left out.
#[test]
fn a_blind_audit_of_a_release_claims_no_knowledge_of_its_policy() {
    let f = fixture();
    let blind_dir = f.dir.path().join("blind");
    let extra = ["--sensitive-attribute", "gender"];
    let b = audit_released(&f, &f.key, &blind_dir, &extra);
    assert_eq!(b["released"]["policy"], "unknown");
    assert!(b["released"].get("stated_policy").is_none());
    assert_eq!(b["provenance"]["adversaries_know_policy"], false);
    let p = &b["policies"][0];
    let within = |rate: &Value, ci: &Value| {
        let (r, lo, hi) = (
            rate.as_f64().unwrap(),
            ci[0].as_f64().unwrap(),
            ci[1].as_f64().unwrap(),
        );
        assert!(
            (0.0..=1.0).contains(&lo) && lo <= r && r <= hi && hi <= 1.0,
            "{r} [{lo}, {hi}]"
        );
    };
    within(&p["worst_reidentified"], &p["worst_reidentified_ci"]);
    for a in p["adversaries"].as_array().unwrap() {
        assert_eq!(a["knows_policy"], false, "{a}");
        for attack in [&a["attack"], &a["chosen_attack"]] {
            assert_eq!(attack["informed"], false, "{a}");
        }
        if a["people"] != 0 {
            within(&a["reidentified"], &a["reidentified_ci"]);
            let (r, blind) = (
                a["reidentified"].as_f64().unwrap(),
                a["blind_reidentified"].as_f64().unwrap(),
            );
            assert!(r >= blind, "{a}");
        }
    }
    // The curve holds the points asked for and no other; the verdict's knowledge is one of them.
    let tried: Vec<&Value> = p["curve"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| &c["facts"])
        .collect();
    assert!(tried.iter().all(|k| *k == 2 || *k == 8), "{tried:?}");
    for c in p["curve"].as_array().unwrap() {
        assert_eq!(c["attack"]["informed"], false);
        within(&c["reidentified"], &c["reidentified_ci"]);
    }
    assert_eq!(b["assumed_facts"], 8);
    assert_eq!(p["assumed"]["facts"], 8);
    assert!(p["holds_up_to"].as_u64().unwrap() <= 8);
    let verdict = b["verdict"].as_str().unwrap();
    assert!(
        verdict.contains("blind")
            && verdict.contains("rel.deanon")
            && !verdict.contains("Recommended"),
        "{verdict}"
    );
    // The control is people the release left out.
    let i = &p["inference"];
    assert!(i["control_held_out"].as_u64().unwrap() > 0, "{i}");
    assert!(b["released"]["left_out"].as_u64().unwrap() > 250);

    // The same release with the policy stated: the default attack scores the same.
    let stated = audit_released(
        &f,
        &f.key,
        &f.dir.path().join("stated"),
        &["--policy-known", POLICY],
    );
    let q = &stated["policies"][0];
    for (x, y) in p["adversaries"]
        .as_array()
        .unwrap()
        .iter()
        .zip(q["adversaries"].as_array().unwrap())
    {
        assert_eq!(
            x["blind_reidentified"], y["blind_reidentified"],
            "{}",
            x["name"]
        );
        assert_eq!(y["knows_policy"], true);
    }
    assert_eq!(p["unicity"], q["unicity"]);

    // (c) A plain two-column key made by hand: the same audit, to the bit.
    let text = std::fs::read_to_string(&f.key).unwrap();
    let mut plain = String::from("released_id,original_id\n");
    for line in text.lines().skip(1) {
        let mut fields = line.split(',');
        let (r, o) = (fields.next().unwrap(), fields.next().unwrap());
        plain.push_str(&format!("{r},{o}\n"));
    }
    let plain = write(f.dir.path(), "plain-key.csv", &plain);
    let by_hand = audit_released(&f, &plain, &f.dir.path().join("plain"), &extra);
    assert_eq!(by_hand["policies"], b["policies"]);
    assert_eq!(by_hand["released"]["key_fingerprinted"], false);
    assert_eq!(b["released"]["key_fingerprinted"], true);
    assert_eq!(by_hand["released"]["key_file"], "plain-key.csv");
}

/// (c) A release made elsewhere: a store that `deanon release` did not write (no recorded
/// policy or original), with a plain key.
#[test]
fn a_release_imported_from_elsewhere_with_a_plain_key_is_audited() {
    let f = fixture();
    let csv = f.dir.path().join("vendor.csv");
    ok(&["export", s(&f.released), "-o", s(&csv)]);
    let vendor = import_csv(&csv, &[]);
    assert!(info(&vendor)["policy"].is_null());
    let mut key = String::from("released_id,original_id\n");
    for line in std::fs::read_to_string(&f.key).unwrap().lines().skip(1) {
        let mut fields = line.split(',');
        key.push_str(&format!(
            "{},{}\n",
            fields.next().unwrap(),
            fields.next().unwrap()
        ));
    }
    let key = write(f.dir.path(), "vendor-key.csv", &key);
    let out = f.dir.path().join("vendor-audit");
    ok(&[
        "audit",
        s(&f.data),
        "--released",
        s(&vendor),
        "--key",
        s(&key),
        "--naive",
        "--sample",
        "100",
        "--draws",
        "1",
        "-o",
        s(&out),
    ]);
    let a = read_json(&out.join("audit.json"));
    let r = &a["released"];
    assert_eq!(r["file"], "vendor.deanon");
    assert!(r.get("recorded_policy").is_none());
    assert_eq!(r["key_fingerprinted"], false);
    assert!(a["policies"][0]["worst_reidentified"].as_f64().is_some());
    // The store carries no people table: what the adversaries know of the people is left out,
    // and said so; the one who knows nothing else names nobody.
    for ad in a["policies"][0]["adversaries"].as_array().unwrap() {
        if ad["name"].as_str().unwrap().contains("attributes") {
            let note = ad["note"].as_str().unwrap();
            assert!(note.contains("age, gender and region"), "{note}");
        }
        if ad["name"].as_str().unwrap().starts_with("attributes only") {
            assert!(ad["reidentified"].as_f64().unwrap_or(0.0) == 0.0, "{ad}");
        }
    }
}

/// (d) Inputs that do not belong together, and flags that make no sense with a release made
/// elsewhere: one line, and nothing written.
#[test]
fn mismatched_inputs_and_flags_are_refused_with_one_line_and_nothing_written() {
    let f = fixture();
    let dir = f.dir.path();
    let out = dir.join("out");
    let refused = |released: &Path, key: &Path, extra: &[&str]| -> String {
        let mut args = vec![
            "audit",
            s(&f.data),
            "--released",
            s(released),
            "--key",
            s(key),
            "-o",
            s(&out),
        ];
        args.extend_from_slice(extra);
        let e = fails(&args);
        assert!(!out.exists(), "nothing written: {e}");
        e
    };
    // The key of another release of the same data.
    let (_, other_key) = release_as(dir, "other", &f.data, POLICY, 99, &[]);
    let e = refused(&f.released, &other_key, &[]);
    assert!(
        e.contains("other.key.csv") && e.contains("another release"),
        "{e}"
    );
    // A release of other data, with its own key.
    let elsewhere = generated_as(dir, "netflix-like", 1500, 8, true);
    let (their, their_key) = release_as(dir, "theirs", &elsewhere, POLICY, 1, &[]);
    let e = refused(&their, &their_key, &[]);
    assert!(
        e.contains("theirs.deanon") && e.contains("release of other data"),
        "{e}"
    );
    // A plain key whose row names nobody of the original: the file and the row.
    let mut text = String::from("released_id,original_id\n");
    for (k, line) in std::fs::read_to_string(&f.key)
        .unwrap()
        .lines()
        .skip(1)
        .enumerate()
    {
        let mut fields = line.split(',');
        let r = fields.next().unwrap();
        let o = if k == 3 {
            "nobody-here"
        } else {
            fields.next().unwrap()
        };
        text.push_str(&format!("{r},{o}\n"));
    }
    let bad = write(dir, "bad-key.csv", &text);
    let e = refused(&f.released, &bad, &[]);
    assert!(
        e.contains("bad-key.csv:5") && e.contains("nobody-here"),
        "{e}"
    );
    // A plain key that leaves a released record out.
    let short: String = text
        .lines()
        .filter(|l| !l.contains("nobody-here"))
        .map(|l| format!("{l}\n"))
        .collect();
    let short = write(dir, "short-key.csv", &short);
    let e = refused(&f.released, &short, &[]);
    assert!(
        e.contains("short-key.csv") && e.contains("is not in it"),
        "{e}"
    );
    // A stated policy other than the one the release records.
    let e = refused(
        &f.released,
        &f.key,
        &["--policy-known", "date-coarsen:to=year"],
    );
    assert!(e.contains("records the policy"), "{e}");
    // The inference test without anyone left out of the release.
    let (everyone, everyone_key) =
        release_as(dir, "everyone", &f.data, "date-coarsen:to=month", 1, &[]);
    let e = refused(
        &everyone,
        &everyone_key,
        &["--sensitive-attribute", "gender"],
    );
    assert!(
        e.contains("holds every person") && e.contains("--hold-out"),
        "{e}"
    );

    // Usage errors: --released needs --key; candidate policies, measured epsilon and --naive
    // with a stated policy make no sense with it.
    let usage = |args: &[&str]| {
        let o = deanon(args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(!out.exists());
        String::from_utf8_lossy(&o.stderr).to_string()
    };
    let (data, rel, key, o) = (s(&f.data), s(&f.released), s(&f.key), s(&out));
    let e = usage(&["audit", data, "--released", rel, "-o", o]);
    assert!(e.contains("--key"), "{e}");
    let e = usage(&["audit", data, "--key", key, "-o", o]);
    assert!(e.contains("--released"), "{e}");
    for extra in [["--policy", POLICY], ["--epsilon-canaries", "500"]] {
        let mut args = vec!["audit", data, "--released", rel, "--key", key, "-o", o];
        args.extend(extra);
        let e = usage(&args);
        assert!(e.contains("cannot be used with"), "{e}");
    }
    let e = usage(&[
        "audit",
        data,
        "--released",
        rel,
        "--key",
        key,
        "--policy-known",
        POLICY,
        "--naive",
        "-o",
        o,
    ]);
    assert!(e.contains("cannot be used with"), "{e}");
}

/// (e) The report and audit.json name the release audited: its file, size and fingerprint (the
/// one `deanon release` wrote into its key), and whether its policy was stated.
#[test]
fn the_report_and_audit_json_name_the_release_audited() {
    let f = fixture();
    let out = f.dir.path().join("named");
    let a = audit_released(&f, &f.key, &out, &["--naive"]);
    let r = &a["released"];
    assert_eq!(r["file"], "rel.deanon");
    assert_eq!(
        r["bytes"].as_u64().unwrap(),
        std::fs::metadata(&f.released).unwrap().len()
    );
    let key_text = std::fs::read_to_string(&f.key).unwrap();
    let header: Vec<&str> = key_text.lines().next().unwrap().split(',').collect();
    let row: Vec<&str> = key_text.lines().nth(1).unwrap().split(',').collect();
    let column = header
        .iter()
        .position(|h| *h == "release_fingerprint")
        .unwrap();
    assert_eq!(r["fingerprint"], row[column]);
    assert_eq!(r["records"], info(&f.released)["records"]);
    assert_eq!(r["policy"], "unknown");
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(
        html.contains("id=\"released-file\">rel.deanon</code>"),
        "file named"
    );
    assert!(html.contains(r["fingerprint"].as_str().unwrap()));
    assert!(html.contains("unknown: the adversaries are blind"));
    assert!(html.contains("--naive</code> audit of a release made elsewhere"));
    assert!(!html.contains("Recommended policy"));
    assert!(out.join("risk.csv").exists());
}
