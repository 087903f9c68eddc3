//! End-to-end tests of `deanon unicity`: the CSV contract, lists, defaults by what the data
//! holds, thread-count invariance, monotonicity in p, and clear errors.

mod common;

use common::*;

#[test]
fn unicity_csv_has_the_contract_columns_and_sane_values() {
    let dir = tempdir();
    let store = generated(dir.path(), "netflix-like", 3000, 2);
    let out = dir.path().join("u.csv");
    let table = ok(&[
        "unicity",
        s(&store),
        "--points",
        "1,2,4",
        "--knowledge",
        "items,items+days",
        "--date-tol",
        "1",
        "--draws",
        "2",
        "--sample",
        "800",
        "--seed",
        "5",
        "-o",
        s(&out),
    ]);
    // --quiet leaves out progress, not the result.
    assert!(
        table.starts_with("knowledge ") && table.lines().count() == 1 + 2 * 3,
        "{table}"
    );
    let text = std::fs::read_to_string(&out).unwrap();
    let mut lines = text.lines();
    assert_eq!(
        lines.next().unwrap(),
        "knowledge,points,date_tol,people,draws,unique,unicity,unicity_lo,unicity_hi,attributes"
    );
    let rows: Vec<Vec<String>> = lines
        .map(|l| l.split(',').map(str::to_string).collect())
        .collect();
    assert_eq!(rows.len(), 6, "3 point counts x 2 kinds");
    let mut by_kind: std::collections::HashMap<String, Vec<f64>> = Default::default();
    for r in &rows {
        let (people, draws, unique): (usize, usize, usize) = (
            r[3].parse().unwrap(),
            r[4].parse().unwrap(),
            r[5].parse().unwrap(),
        );
        assert!(people <= 800 && people > 700, "{r:?}");
        assert_eq!(draws, 2 * people);
        assert_eq!(r[2], "1");
        let u: f64 = r[6].parse().unwrap();
        assert!((u - unique as f64 / draws as f64).abs() < 1e-12);
        let (lo, hi): (f64, f64) = (r[7].parse().unwrap(), r[8].parse().unwrap());
        assert!(lo <= u && u <= hi && lo < hi, "{r:?}");
        // The 95% Wilson score interval over people at the mean share (docs/method.md).
        let (n, z) = (people as f64, 1.959_963_984_540_054_f64);
        let centre = (u + z * z / (2.0 * n)) / (1.0 + z * z / n);
        let half = z * (u * (1.0 - u) / n + z * z / (4.0 * n * n)).sqrt() / (1.0 + z * z / n);
        assert!(
            (lo - (centre - half).max(0.0)).abs() < 1e-9
                && (hi - (centre + half).min(1.0)).abs() < 1e-9,
            "{r:?}"
        );
        by_kind.entry(r[0].clone()).or_default().push(u);
    }
    // More points, or more known of each point, single people out more often.
    for curve in by_kind.values() {
        assert!(curve.windows(2).all(|w| w[0] <= w[1]), "{curve:?}");
    }
    for (with_days, items) in by_kind["items+days"].iter().zip(&by_kind["items"]) {
        assert!(with_days >= items);
    }
    assert!(
        by_kind["items+days"][2] > 0.5,
        "4 points with days +-1: {:?}",
        by_kind["items+days"]
    );
}

#[test]
fn unicity_is_the_same_for_any_thread_count_and_defaults_follow_the_data() {
    let dir = tempdir();
    let store = generated(dir.path(), "netflix-like", 3000, 2);
    let mut outputs = Vec::new();
    for threads in ["1", "3"] {
        let out = dir.path().join(format!("u{threads}.csv"));
        ok(&[
            "unicity",
            s(&store),
            "--sample",
            "500",
            "--threads",
            threads,
            "-o",
            s(&out),
        ]);
        outputs.push(std::fs::read_to_string(&out).unwrap());
    }
    assert_eq!(outputs[0], outputs[1]);
    // Defaults: p = 1..8, the four kinds a rated and dated data set supports.
    assert_eq!(outputs[0].lines().count(), 1 + 8 * 4);
    // A data set without ratings: the kinds with ratings are left out, and asking for one is a
    // clear error.
    let csv = write(
        dir.path(),
        "v.csv",
        "user,item,date\na,X,2020-01-01\nb,X,2020-01-02\nb,Y,2020-01-02\n",
    );
    let views = import_csv(&csv, &[]);
    let out = dir.path().join("v.csv.out");
    ok(&["unicity", s(&views), "--points", "1", "-o", s(&out)]);
    let text = std::fs::read_to_string(&out).unwrap();
    assert_eq!(text.lines().count(), 3, "items and items+days: {text}");
    let err = fails(&[
        "unicity",
        s(&views),
        "--knowledge",
        "items+ratings",
        "-o",
        s(&out),
    ]);
    assert!(
        err.contains("--knowledge") && err.contains("ratings"),
        "{err}"
    );
    let err = fails(&[
        "unicity",
        s(&views),
        "--points",
        "0",
        "-o",
        s(&dir.path().join("z.csv")),
    ]);
    assert!(err.contains("--points"), "{err}");
    assert!(!dir.path().join("z.csv").exists());
}

#[test]
fn missing_attribute_values_are_warned_about_with_their_count() {
    let dir = tempdir();
    let ratings = write(
        dir.path(),
        "r.csv",
        "user,item,rating\na,m1,4\nb,m1,3\nc,m2,5\nd,m2,2\n",
    );
    let people = write(dir.path(), "p.csv", "user,age\na,24\nb,31\nc,40\n");
    let store = import_csv(&ratings, &["--people", s(&people)]);
    let out = deanon(&[
        "unicity",
        s(&store),
        "--points",
        "0,1",
        "--attributes",
        "age",
        "-o",
        s(&dir.path().join("u.csv")),
    ]);
    assert!(out.status.success(), "{out:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("deanon: warning: 1 of 4 people lack a value of age")
            && err.contains("a missing value matches anything"),
        "{err}"
    );
}
