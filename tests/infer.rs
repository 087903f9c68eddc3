//! `deanon infer`: what linking reveals, against a control. Checked against hand-made data
//! whose secrets are known, recomputed from the raw files; thread invariance and determinism;
//! attribute secrets through generalization and suppression; bad input.

mod common;

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use common::*;
use deanon::rng::Rng;

/// People `p0..pN`: each holds 3 items of their own (`u{k}.{1,2,3}`), 8 of 40 shared fillers
/// (`f0..f39`), and the sensitive item `s` with probability 0.3, independently of the rest;
/// ratings and dates plain. Returns the CSV.
fn hand_made(dir: &Path, people: usize) -> PathBuf {
    let mut rng = Rng::seed_from(11);
    let mut csv = String::from("user,item,rating,date\n");
    for k in 0..people {
        let mut items: Vec<String> = (1..=3).map(|j| format!("u{k}.{j}")).collect();
        let mut fillers: Vec<usize> = (0..40).collect();
        rng.shuffle(&mut fillers);
        items.extend(fillers[..8].iter().map(|f| format!("f{f}")));
        if rng.bernoulli(0.3) {
            items.push("s".to_string());
        }
        for (d, item) in items.iter().enumerate() {
            csv.push_str(&format!(
                "p{k},{item},{},2005-01-{:02}\n",
                1 + (k + d) % 5,
                1 + d
            ));
        }
    }
    write(dir, "people.csv", &csv)
}

/// Each person's items, from the CSV.
fn holdings(csv: &Path) -> HashMap<String, HashSet<String>> {
    let mut held: HashMap<String, HashSet<String>> = HashMap::new();
    for row in rows(csv) {
        held.entry(row["user"].clone())
            .or_default()
            .insert(row["item"].clone());
    }
    held
}

/// Each aux record's items.
fn aux_items(aux: &Path) -> HashMap<String, HashSet<String>> {
    let mut known: HashMap<String, HashSet<String>> = HashMap::new();
    for row in rows(aux) {
        known
            .entry(row["aux_id"].clone())
            .or_default()
            .insert(row["item"].clone());
    }
    known
}

struct Setup {
    _dir: tempfile::TempDir,
    csv: PathBuf,
    original: PathBuf,
    released: PathBuf,
    key: PathBuf,
    aux: PathBuf,
    sensitive: PathBuf,
}

fn setup(policy: &str) -> Setup {
    let dir = tempdir();
    let csv = hand_made(dir.path(), 600);
    let original = import_csv(&csv, &[]);
    let (released, key) = release(dir.path(), &original, policy, 1);
    let aux = aux(
        dir.path(),
        &original,
        Some(&key),
        &[
            "--targets",
            "150",
            "--non-members",
            "150",
            "--items",
            "3",
            "--seed",
            "5",
        ],
    );
    let sensitive = write(
        dir.path(),
        "sensitive.txt",
        "# the one sensitive title\ns\n",
    );
    Setup {
        csv,
        original,
        released,
        key,
        aux,
        sensitive,
        _dir: dir,
    }
}

/// `deanon infer RELEASED --aux AUX --key KEY --original ORIGINAL -o OUT` and `extra`.
fn infer_args<'a>(
    [released, aux, key, original, out]: [&'a Path; 5],
    extra: &[&'a str],
) -> Vec<&'a str> {
    let mut args = vec![
        "infer",
        common::s(released),
        "--aux",
        common::s(aux),
        "--key",
        common::s(key),
        "--original",
        common::s(original),
        "-o",
        common::s(out),
    ];
    args.extend_from_slice(extra);
    args
}

fn infer(s: &Setup, out: &Path, per_person: &Path, extra: &[&str]) -> serde_json::Value {
    let mut flags = vec!["--per-person", common::s(per_person)];
    flags.extend_from_slice(extra);
    ok(&infer_args(
        [&s.released, &s.aux, &s.key, &s.original, out],
        &flags,
    ));
    read_json(out)
}

fn f(v: &serde_json::Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("{v} is a number"))
}

/// Every row's secret, guess and correctness recomputed from the raw files (a sampled release
/// keeps each kept person's entries as they are, so the linked record is the candidate's
/// original record), and the rates and risk from the rows.
#[test]
fn sensitive_items_recomputed_from_the_raw_files() {
    let s = setup("sample:fraction=0.5");
    let dir = s.released.parent().unwrap();
    let (out, pp) = (dir.join("infer.json"), dir.join("pp.csv"));
    let report = infer(
        &s,
        &out,
        &pp,
        &["--sensitive-items", common::s(&s.sensitive)],
    );
    let held = holdings(&s.csv);
    let known = aux_items(&s.aux);
    let members: HashSet<String> = rows(&s.key)
        .into_iter()
        .map(|r| r["original_id"].clone())
        .collect();
    let rows = rows(&pp);
    assert_eq!(rows.len(), 300);
    let holds_beyond =
        |user: &str, aux_id: &str| held[user].contains("s") && !known[aux_id].contains("s");
    let yes_no = |b: bool| if b { "yes" } else { "no" };
    let (mut main, mut control) = (Vec::new(), Vec::new());
    for r in &rows {
        let target = &r["true_user"];
        assert_eq!(r["member"] == "true", members.contains(target), "{r:?}");
        assert_eq!(
            r["secret"],
            yes_no(holds_beyond(target, &r["aux_id"])),
            "{r:?}"
        );
        assert_eq!(
            r["guess"],
            yes_no(holds_beyond(&r["candidate"], &r["aux_id"])),
            "{r:?}"
        );
        let correct = r["secret"] == r["guess"];
        assert_eq!(r["correct"], correct.to_string(), "{r:?}");
        // The linked record's items beyond the aux, and those the target holds.
        let linked: HashSet<&String> = held[&r["candidate"]]
            .iter()
            .filter(|i| !known[&r["aux_id"]].contains(*i))
            .collect();
        let own = linked.iter().filter(|i| held[target].contains(**i)).count();
        assert_eq!(num(r, "entries_claimed") as usize, linked.len(), "{r:?}");
        assert_eq!(num(r, "entries_revealed") as usize, own, "{r:?}");
        let sensitive_own = linked
            .iter()
            .filter(|i| i.as_str() == "s" && held[target].contains(**i))
            .count();
        assert_eq!(
            num(r, "sensitive_revealed") as usize,
            sensitive_own,
            "{r:?}"
        );
        if r["member"] == "true" {
            main.push(correct);
        } else {
            control.push(correct);
        }
    }
    let share = |v: &[bool]| v.iter().filter(|&&b| b).count() as f64 / v.len() as f64;
    let (m, c) = (share(&main), share(&control));
    assert_eq!(report["members"], 150);
    assert_eq!(report["non_members"], 150);
    assert!(close(f(&report["main_accuracy"]), m));
    assert!(close(f(&report["control_accuracy"]), c));
    assert!(close(f(&report["risk"]), (m - c) / (1.0 - c)));
    let [lo, hi] = [f(&report["risk_ci"][0]), f(&report["risk_ci"][1])];
    assert!(
        lo <= f(&report["risk"]) && f(&report["risk"]) <= hi,
        "{report}"
    );
    // Unique items link every member to themselves: main accuracy is 1.
    assert_eq!(m, 1.0, "members are linked right");
    // The base rate, and the baseline: the release's majority answer ("no": 30% hold s).
    let base = rows
        .iter()
        .filter(|r| r["member"] == "true" && r["secret"] == "yes")
        .count() as f64
        / 150.0;
    assert!(close(f(&report["members_with_secret"]), base));
    assert_eq!(report["baseline_guess"], "no");
    assert!(close(f(&report["baseline_accuracy"]), 1.0 - base));
    // A non-member's linked record is somebody else's: the control guesses as a random
    // record would, p^2 + (1 - p)^2 with the population's rate p, and the risk is the share of
    // its errors that linking removes.
    let p = base;
    assert!(
        (c - (p * p + (1.0 - p) * (1.0 - p))).abs() < 0.12,
        "control {c}, base rate {p}"
    );
    assert!(f(&report["risk"]) > 0.9, "{report}");
    // Named matches: the same definitions over the named rows.
    let named: Vec<&Row> = rows.iter().filter(|r| r["named"] == "true").collect();
    assert_eq!(
        report["named"]["members"],
        named.iter().filter(|r| r["member"] == "true").count()
    );
    // What else is learned: a member's own record, all of it true.
    let learned = &report["learned"];
    assert_eq!(learned["precision"], 1.0);
    assert_eq!(learned["members"], 150);
    // The attack behind it is reported beside.
    assert_eq!(report["attack"]["members"], 150);
    // It names people: private.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&pp).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "the per-person file names people");
    }
}

/// Fake entries (`insert`) lower the precision of what a linked record claims; the same
/// inputs give the same files whatever the thread count.
#[test]
fn inserted_entries_lower_precision_and_threads_change_nothing() {
    let s = setup("sample:fraction=0.5|insert:fraction=0.5");
    let dir = s.released.parent().unwrap();
    let sensitive = common::s(&s.sensitive).to_string();
    let mut outputs = Vec::new();
    for threads in ["1", "2"] {
        let (out, pp) = (
            dir.join(format!("infer-{threads}.json")),
            dir.join(format!("pp-{threads}.csv")),
        );
        let report = infer(
            &s,
            &out,
            &pp,
            &["--sensitive-items", &sensitive, "--threads", threads],
        );
        let precision = f(&report["learned"]["precision"]);
        assert!(
            (0.5..0.8).contains(&precision),
            "half as many fakes as real entries: precision {precision}"
        );
        outputs.push((std::fs::read(&out).unwrap(), std::fs::read(&pp).unwrap()));
    }
    assert!(outputs[0] == outputs[1], "thread count changed the output");
}

/// The secret as an attribute: read off the linked record's released value, right when that
/// value (perhaps a band) holds the target's; a release that drops the attribute reveals
/// nothing of it.
#[test]
fn sensitive_attribute_through_generalization_and_suppression() {
    let dir = tempdir();
    let original = generated_as(dir.path(), "movielens-like", 1500, 3, true);
    let mut results = Vec::new();
    for (name, policy) in [
        ("kept", "sample:fraction=0.5"),
        (
            "banded",
            "sample:fraction=0.5|attr-generalize:name=age,width=10",
        ),
        ("dropped", "sample:fraction=0.5|attr-drop:name=age"),
    ] {
        let (released, key) = release_as(dir.path(), name, &original, policy, 2, &[]);
        let aux = aux(
            dir.path(),
            &original,
            Some(&key),
            &[
                "--targets",
                "100",
                "--non-members",
                "100",
                "--items",
                "4",
                "--seed",
                "1",
            ],
        );
        let out = dir.path().join(format!("{name}.json"));
        let pp = dir.path().join(format!("{name}.csv"));
        ok(&infer_args(
            [&released, &aux, &key, &original, &out],
            &[
                "--sensitive-attribute",
                "age",
                "--per-person",
                common::s(&pp),
            ],
        ));
        let report = read_json(&out);
        for r in rows(&pp) {
            if name == "banded" {
                let (lo, hi) = r["guess"].split_once('-').expect("a band");
                let age: i64 = r["secret"].parse().unwrap();
                let inside = lo.parse::<i64>().unwrap() <= age && age <= hi.parse().unwrap();
                assert_eq!(r["correct"], inside.to_string(), "{r:?}");
            } else if name == "kept" {
                assert_eq!(
                    r["correct"],
                    (r["guess"] == r["secret"]).to_string(),
                    "{r:?}"
                );
            } else {
                assert_eq!(r["guess"], "", "nothing to read: {r:?}");
                assert_eq!(r["correct"], "false");
            }
        }
        results.push(report);
    }
    let (kept, banded, dropped) = (&results[0], &results[1], &results[2]);
    assert!(f(&kept["main_accuracy"]) > 0.9, "{kept}");
    assert!(f(&kept["control_accuracy"]) < 0.2, "{kept}");
    assert!(f(&kept["risk"]) > 0.85, "{kept}");
    // Bands of ten years: every member right, and random records right far more often.
    assert!(f(&banded["main_accuracy"]) >= f(&kept["main_accuracy"]));
    assert!(f(&banded["control_accuracy"]) > f(&kept["control_accuracy"]));
    assert_eq!(dropped["risk"], 0.0);
    assert_eq!(dropped["baseline_guess"], serde_json::Value::Null);
}

#[test]
fn bad_input_is_refused_with_the_file_and_line() {
    let s = setup("sample:fraction=0.5");
    let dir = s.released.parent().unwrap().to_path_buf();
    let out = dir.join("never.json");
    let run = |sensitive: &[&str], aux: &Path| {
        fails(&infer_args(
            [&s.released, aux, &s.key, &s.original, &out],
            sensitive,
        ))
    };
    let unknown = write(&dir, "unknown.txt", "s\n\nnot-a-title\n");
    let err = run(&["--sensitive-items", common::s(&unknown)], &s.aux);
    assert!(
        err.contains("unknown.txt:3: item 'not-a-title' is not in the original data"),
        "{err}"
    );
    let empty = write(&dir, "empty.txt", "# nothing\n\n");
    let err = run(&["--sensitive-items", common::s(&empty)], &s.aux);
    assert!(err.contains("empty.txt: lists no item"), "{err}");
    let twice = write(&dir, "twice.txt", "s\ns\n");
    let err = run(&["--sensitive-items", common::s(&twice)], &s.aux);
    assert!(
        err.contains("twice.txt:2: item 's' is listed twice (first on line 1)"),
        "{err}"
    );
    let err = run(&["--sensitive-attribute", "age"], &s.aux);
    assert!(err.contains("has no people table"), "{err}");
    // Members only: no control.
    let members_only = aux(
        &dir,
        &s.original,
        Some(&s.key),
        &["--targets", "20", "--items", "3"],
    );
    let sensitive = ["--sensitive-items", common::s(&s.sensitive)];
    let err = run(&sensitive, &members_only);
    assert!(
        err.contains("aux.csv: the aux holds no non-members")
            && err.contains("control is undefined"),
        "{err}"
    );
    // No truth.
    let no_truth = write(
        &dir,
        "no-truth.csv",
        "aux_id,item,rating,date\n1,u1.1,3,2005-01-01\n",
    );
    let err = run(&sensitive, &no_truth);
    assert!(
        err.contains("no-truth.csv: aux record '1' has no true_user"),
        "{err}"
    );
    assert!(!out.exists(), "nothing written on error");
    // One of the two secrets is required.
    let out_args = infer_args([&s.released, &s.aux, &s.key, &s.original, &out], &[]);
    let o = deanon(&out_args);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--sensitive-items"));
}

/// A member-and-control check with an attribute the people table lacks names what it has.
#[test]
fn an_attribute_the_data_lacks_is_named() {
    let dir = tempdir();
    let original = generated_as(dir.path(), "movielens-like", 300, 1, true);
    let (released, key) = release(dir.path(), &original, "sample:fraction=0.5", 1);
    let aux = aux(
        dir.path(),
        &original,
        Some(&key),
        &["--targets", "10", "--non-members", "10"],
    );
    let out = dir.path().join("x.json");
    let err = fails(&infer_args(
        [&released, &aux, &key, &original, &out],
        &["--sensitive-attribute", "zip"],
    ));
    assert!(
        err.contains("no attribute 'zip' (it has: age, gender, region)"),
        "{err}"
    );
}

/// A secret that each person holds alone (an identifier): its most common released value is
/// one person's, and no summary may show it.
#[test]
fn a_baseline_guess_held_by_fewer_than_five_people_is_withheld() {
    let dir = tempdir();
    let csv = hand_made(dir.path(), 300);
    let mut people = String::from("user,ssn,group\n");
    for k in 0..300 {
        people.push_str(&format!("p{k},SSN-{:09},g{}\n", 987_658_765 + k, k % 2));
    }
    let people = write(dir.path(), "attributes.csv", &people);
    let original = import_csv(&csv, &["--people", common::s(&people)]);
    let (released, key) = release(dir.path(), &original, "sample:fraction=0.5", 1);
    let aux = aux(
        dir.path(),
        &original,
        Some(&key),
        &["--targets", "60", "--non-members", "60", "--items", "3"],
    );
    let mut reports = Vec::new();
    for secret in ["ssn", "group"] {
        let out = dir.path().join(format!("{secret}.json"));
        // Without --quiet: the text summary too.
        let run = std::process::Command::new(env!("CARGO_BIN_EXE_deanon"))
            .args(infer_args(
                [&released, &aux, &key, &original, &out],
                &["--sensitive-attribute", secret],
            ))
            .output()
            .unwrap();
        assert!(run.status.success(), "{run:?}");
        let stdout = String::from_utf8_lossy(&run.stdout).to_string();
        reports.push((read_json(&out), stdout));
    }
    let (ssn, text) = &reports[0];
    assert_eq!(ssn["baseline_guess"], serde_json::Value::Null, "{ssn}");
    assert_eq!(ssn["baseline_guess_withheld"], true);
    assert!(!ssn.to_string().contains("SSN-"), "{ssn}");
    assert!(!text.contains("SSN-"), "{text}");
    assert!(
        text.contains("(withheld: fewer than 5 people share it)"),
        "{text}"
    );
    let (group, _) = &reports[1];
    assert!(
        group["baseline_guess"].as_str().unwrap().starts_with('g'),
        "{group}"
    );
    assert_eq!(group["baseline_guess_withheld"], false);
}
