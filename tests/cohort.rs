//! `deanon cohort`: cohorts of hand-made view and rating logs with known streaks, counts and
//! lists; the report's contract; bad input.

mod common;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use common::*;

/// Days from `first` (YYYY-MM-DD) on, `n` of them, as ISO dates.
fn days(first: &str, n: i64) -> Vec<String> {
    let start = deanon::dataset::values::parse_iso_date(first.as_bytes()).unwrap();
    (0..n)
        .map(|k| deanon::dataset::values::day_to_iso((start as i64 + k) as u16))
        .collect()
}

/// A view log (user,item,date) with known streaks of the title "xmas":
/// - u1: every day 2022-12-01..18 (18 days), three times on 12-05;
/// - u2: 12-01..10, a gap on 12-11, then 12-12..20 (runs of 10 and 9);
/// - u3: 2022-11-25..12-10 (16 days, 10 of them in December), and one other title only;
/// - u4: 12-25..2023-01-05 (12 days, 7 of them in December);
/// - u5: five times on 12-03;
/// - u6..u12: other titles only.
///
/// Everyone but u3 also holds several other titles ("a".."h") on other days.
fn view_log(dir: &Path) -> PathBuf {
    let mut csv = String::from("user,item,date\n");
    let mut add = |user: &str, item: &str, dates: &[String]| {
        for d in dates {
            writeln!(csv, "{user},{item},{d}").unwrap();
        }
    };
    add("u1", "xmas", &days("2022-12-01", 18));
    add("u1", "xmas", &days("2022-12-05", 1));
    add("u1", "xmas", &days("2022-12-05", 1));
    add("u2", "xmas", &days("2022-12-01", 10));
    add("u2", "xmas", &days("2022-12-12", 9));
    add("u3", "xmas", &days("2022-11-25", 16));
    add("u4", "xmas", &days("2022-12-25", 12));
    for _ in 0..5 {
        add("u5", "xmas", &days("2022-12-03", 1));
    }
    add("u3", "a", &days("2022-06-01", 1));
    let others = ["a", "b", "c", "d", "e", "f", "g", "h"];
    for (u, user) in [
        "u1", "u2", "u4", "u5", "u6", "u7", "u8", "u9", "u10", "u11", "u12",
    ]
    .iter()
    .enumerate()
    {
        // Four titles each, a different set and different days per person.
        for k in 0..4 {
            let item = others[(u * 3 + k * 2) % others.len()];
            let first = format!(
                "2022-{:02}-{:02}",
                1 + (u + k) % 11,
                1 + (7 * u + 3 * k) % 27
            );
            add(user, item, &days(&first, 1 + (u % 3) as i64));
        }
    }
    import_csv(&write(dir, "views.csv", &csv), &["--kind", "views"])
}

/// Runs `deanon cohort STORE ARGS -o dir/NAME.json` and returns the JSON report.
fn cohort(store: &Path, name: &str, args: &[&str]) -> serde_json::Value {
    let out = store.with_file_name(format!("{name}.json"));
    let mut all = vec!["cohort", s(store)];
    all.extend_from_slice(args);
    all.extend_from_slice(&["-o", s(&out)]);
    ok(&all);
    read_json(&out)
}

fn size(report: &serde_json::Value) -> u64 {
    report["cohort_size"].as_u64().unwrap()
}

const DECEMBER: [&str; 4] = ["--from", "2022-12-01", "--to", "2022-12-31"];

#[test]
fn streaks_count_days_once_break_on_gaps_and_stop_at_the_window() {
    let dir = tempdir();
    let store = view_log(dir.path());
    let streak = |k: &str, window: &[&str]| {
        let mut args = vec!["--item", "xmas", "--streak", k];
        args.extend_from_slice(window);
        size(&cohort(&store, &format!("streak{k}"), &args))
    };
    // u1's three events on 12-05 are one day; u2's gap cuts 19 days into 10 and 9.
    assert_eq!(streak("18", &DECEMBER), 1);
    assert_eq!(streak("19", &DECEMBER), 0);
    assert_eq!(streak("11", &DECEMBER), 1);
    // u3's run crosses the window's start (10 days inside).
    assert_eq!(streak("10", &DECEMBER), 3);
    // u4's crosses its end (7 days inside).
    assert_eq!(streak("8", &DECEMBER), 3);
    assert_eq!(streak("7", &DECEMBER), 4);
    // Without a window, u3's 16 days and u4's 12 count whole.
    assert_eq!(streak("16", &[]), 2);
    assert_eq!(streak("12", &[]), 3);
    assert_eq!(streak("1", &DECEMBER), 5);
}

#[test]
fn times_count_every_event_any_of_counts_distinct_items() {
    let dir = tempdir();
    let store = view_log(dir.path());
    let times = |k: &str, window: &[&str]| {
        let mut args = vec!["--item", "xmas", "--times", k];
        args.extend_from_slice(window);
        size(&cohort(&store, &format!("times{k}"), &args))
    };
    // December: u1 20 events, u2 19, u3 10, u4 7, u5 5.
    assert_eq!(times("5", &DECEMBER), 5);
    assert_eq!(times("6", &DECEMBER), 4);
    assert_eq!(times("20", &DECEMBER), 1);
    // One day: only u5's five events on it count.
    assert_eq!(
        times("2", &["--from", "2022-12-03", "--to", "2022-12-03"]),
        1
    );
    // Without a window, u3's 16 count whole (u1 20, u2 19).
    assert_eq!(times("16", &[]), 3);
    assert_eq!(times("17", &[]), 2);
    // any-of: the people holding at least K distinct titles of a list, counted from the data.
    let csv = std::fs::read_to_string(dir.path().join("views.csv")).unwrap();
    let list = ["a", "c", "e", "xmas"];
    let mut held: std::collections::BTreeMap<&str, std::collections::BTreeSet<&str>> =
        Default::default();
    for line in csv.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        if list.contains(&f[1]) {
            held.entry(f[0]).or_default().insert(f[1]);
        }
    }
    for k in 1..=4u64 {
        let want = held.values().filter(|s| s.len() as u64 >= k).count() as u64;
        let report = cohort(
            &store,
            &format!("any{k}"),
            &["--any-of", "a, c,e,xmas", "--at-least", &k.to_string()],
        );
        assert_eq!(size(&report), want, "any-of at least {k}");
        assert_eq!(report["rule"], "any-of");
        assert_eq!(report["items"], serde_json::json!(["a", "c", "e", "xmas"]));
    }
    assert!(
        held.values().any(|s| s.len() >= 3),
        "the list test needs a 3"
    );
}

#[test]
fn the_report_compares_the_cohort_with_everyone_and_is_deterministic() {
    let dir = tempdir();
    let store = view_log(dir.path());
    let args = [
        "--item",
        "xmas",
        "--streak",
        "10",
        "--from",
        "2022-12-01",
        "--to",
        "2022-12-31",
        "--epsilon",
        "1",
        "--seed",
        "5",
    ];
    let r = cohort(&store, "r", &args);
    assert_eq!(r["cohort_size"], 3);
    assert_eq!(r["population"], 12);
    assert_eq!(r["singles_out"], true);
    assert_eq!(r["min_cell"], 10);
    assert_eq!(r["from"], "2022-12-01");
    assert_eq!(r["to"], "2022-12-31");
    assert_eq!(r["adversary"]["algorithm"], "scoreboard-rh");
    assert_eq!(r["adversary"]["facts"], 2);
    assert_eq!(r["adversary"]["date_error"], 3);
    // u3 holds one title besides xmas: the statement's title is not one of the M = 2 facts.
    assert_eq!(r["targets"], 2);
    assert_eq!(r["targets_skipped"], 1);
    let num = |k: &str| r[k].as_f64().unwrap_or_else(|| panic!("{k}: {}", r[k]));
    // Among the 3 of the cohort the adversary does at least as well as among all 12 (same
    // scores, fewer candidates: a target on top of everyone is on top of the cohort, by a
    // wider margin), and is less unsure.
    assert!(num("reidentified_in_cohort") >= num("reidentified_in_population"));
    assert!(num("named_in_cohort") >= num("named_in_population"));
    assert!(num("anonymity_set_in_cohort") <= 3.0 + 1e-9);
    assert!(num("anonymity_set_in_cohort") <= num("anonymity_set_in_population"));
    assert!(num("anonymity_set_in_population") <= 12.0 + 1e-9);
    for k in [
        "reidentified_in_cohort_ci",
        "reidentified_in_population_ci",
        "anonymity_set_in_cohort_ci",
        "anonymity_set_in_population_ci",
        "named_in_cohort_ci",
        "named_in_population_ci",
    ] {
        let ci = r[k].as_array().unwrap_or_else(|| panic!("{k}"));
        assert!(ci[0].as_f64().unwrap() <= ci[1].as_f64().unwrap(), "{k}");
    }
    // Every rate is inside its interval, and a rate's interval is never zero-width.
    for k in [
        "reidentified_in_cohort",
        "reidentified_in_population",
        "named_in_cohort",
        "named_in_population",
    ] {
        let ci = r[&format!("{k}_ci")].as_array().unwrap();
        let (lo, hi) = (ci[0].as_f64().unwrap(), ci[1].as_f64().unwrap());
        assert!(
            lo <= num(k) && num(k) <= hi && lo < hi,
            "{k}: {lo} {} {hi}",
            num(k)
        );
    }
    // The DP count: an integer, and its 95% bound at epsilon 1 (2 e^-(t+1) / (1 + e^-1) <= 0.05
    // first at t = 3).
    assert!(r["dp_count"].is_i64());
    assert_eq!(r["dp_error_95"], 3);
    // Inference: one of the three held out, with one who did not binge.
    assert_eq!(r["inference"]["held_out"], 2, "{}", r["inference"]);
    // Same inputs and seed, any thread count: the same bytes.
    let out1 = dir.path().join("t1.json");
    let out3 = dir.path().join("t3.json");
    for (threads, out) in [("1", &out1), ("3", &out3)] {
        let mut all = vec!["cohort", s(&store)];
        all.extend_from_slice(&args);
        all.extend_from_slice(&["--threads", threads, "-o", s(out)]);
        ok(&all);
    }
    let a = std::fs::read(&out1).unwrap();
    assert_eq!(a, std::fs::read(&out3).unwrap());
    assert_eq!(a, std::fs::read(dir.path().join("r.json")).unwrap());
    // Without --epsilon there is no released count; the table names both haystacks.
    let mut all = vec!["cohort", s(&store), "--item", "xmas", "--times", "5"];
    let out = dir.path().join("table.json");
    all.extend_from_slice(&["-o", s(&out)]);
    let out = deanon(&all[..]);
    assert!(out.status.success());
    let r = read_json(&dir.path().join("table.json"));
    assert!(r["dp_count"].is_null() && r["dp_error_95"].is_null() && r["epsilon"].is_null());
    // --json prints the report itself (even with --quiet).
    let printed = ok(&[
        "cohort",
        s(&store),
        "--item",
        "xmas",
        "--times",
        "5",
        "--json",
        "-o",
        s(&dir.path().join("j.json")),
    ]);
    let printed: serde_json::Value = serde_json::from_str(&printed).unwrap();
    assert_eq!(printed, r);
}

#[test]
fn an_empty_cohort_singles_out_and_is_not_attacked() {
    let dir = tempdir();
    let store = view_log(dir.path());
    let r = cohort(&store, "empty", &["--item", "xmas", "--streak", "40"]);
    assert_eq!(r["cohort_size"], 0);
    assert_eq!(r["singles_out"], true);
    assert_eq!(r["targets"], 0);
    assert!(r["reidentified_in_cohort"].is_null());
    // A cohort at the minimum cell size does not single out.
    let r = cohort(
        &store,
        "cell",
        &["--item", "xmas", "--streak", "1", "--min-cell", "5"],
    );
    assert_eq!(
        (r["cohort_size"].as_u64(), r["singles_out"].as_bool()),
        (Some(5), Some(false))
    );
}

#[test]
fn ratings_work_with_counts_lists_and_streaks_of_rating_days() {
    let dir = tempdir();
    // r1 rated on each of 6 consecutive days, r2 on 3 then 3 more after a gap, r3..r8 on
    // scattered days.
    let mut csv = String::from("user,item,rating,date\n");
    for (k, d) in days("2005-03-01", 6).iter().enumerate() {
        writeln!(csv, "r1,m{k},4,{d}").unwrap();
    }
    for (k, d) in days("2005-03-01", 3)
        .iter()
        .chain(&days("2005-03-05", 3))
        .enumerate()
    {
        writeln!(csv, "r2,m{},3,{d}", k + 2).unwrap();
    }
    for r in 3..9 {
        for k in 0..5 {
            writeln!(
                csv,
                "r{r},m{},{},2005-0{}-1{k}",
                (r + k) % 9,
                1 + k % 5,
                1 + k
            )
            .unwrap();
        }
    }
    let store = import_csv(&write(dir.path(), "ratings.csv", &csv), &[]);
    let streak = |k: &str| {
        size(&cohort(
            &store,
            &format!("s{k}"),
            &["--item", "*", "--streak", k],
        ))
    };
    assert_eq!(streak("6"), 1);
    assert_eq!(streak("4"), 1);
    assert_eq!(streak("3"), 2);
    // --times on one title: one rating per person, inside the window or not.
    let rated = cohort(&store, "t", &["--item", "m2", "--times", "1"]);
    let holders = csv
        .lines()
        .filter(|l| l.split(',').nth(1) == Some("m2"))
        .count() as u64;
    assert_eq!(size(&rated), holders);
    let march = cohort(
        &store,
        "tm",
        &[
            "--item",
            "m2",
            "--times",
            "1",
            "--from",
            "2005-03-01",
            "--to",
            "2005-03-31",
        ],
    );
    assert_eq!(size(&march), 2); // r1 (m2 on 03-03) and r2 (m2 on 03-01)
    assert!(rated["statement"].as_str().unwrap().contains("rated"));
    let any = cohort(&store, "any", &["--any-of", "m0,m1,m2", "--at-least", "3"]);
    // r1 (m0..m5), r7 (m7, m8, m0, m1, m2) and r8 (m8, m0, m1, m2, m3).
    assert_eq!(size(&any), 3);
    let any = cohort(&store, "any2", &["--any-of", "m0,m1,m2", "--at-least", "2"]);
    assert_eq!(size(&any), 4); // and r6 (m6, m7, m8, m0, m1)
}

#[test]
fn bad_input_gives_one_line_naming_the_problem_and_no_output() {
    let dir = tempdir();
    let store = view_log(dir.path());
    let out = dir.path().join("bad.json");
    let bad = |args: &[&str], wants: &[&str]| {
        let mut all = vec!["cohort", s(&store)];
        all.extend_from_slice(args);
        all.extend_from_slice(&["-o", s(&out)]);
        let err = fails(&all);
        for w in wants {
            assert!(err.contains(w), "{args:?}: '{w}' not in {err}");
        }
        assert!(!out.exists(), "{args:?} left an output");
    };
    bad(
        &["--item", "nosuch", "--streak", "3"],
        &["--item", "unknown item 'nosuch'"],
    );
    bad(
        &["--any-of", "a,nosuch", "--at-least", "1"],
        &["--any-of", "'nosuch'"],
    );
    bad(
        &["--item", "xmas", "--streak", "0"],
        &["--streak", "at least 1"],
    );
    bad(
        &["--item", "xmas", "--times", "0"],
        &["--times", "at least 1"],
    );
    bad(
        &["--any-of", "a,b", "--at-least", "0"],
        &["--at-least", "at least 1"],
    );
    bad(&["--any-of", "", "--at-least", "1"], &["--any-of", "empty"]);
    bad(
        &["--any-of", "a,a,a", "--at-least", "1"],
        &["--any-of", "'a' twice"],
    );
    bad(
        &["--any-of", "a,b,", "--at-least", "1"],
        &["--any-of", "empty item name"],
    );
    bad(
        &["--item", "xmas", "--times", "1", "--epsilon", "1e-300"],
        &["--epsilon", "smallest accepted is 0.000000001"],
    );
    bad(
        &[
            "--item",
            "xmas",
            "--streak",
            "3",
            "--from",
            "2022-12-31",
            "--to",
            "2022-12-01",
        ],
        &["--from", "2022-12-31", "after", "2022-12-01"],
    );
    bad(
        &["--item", "xmas", "--streak", "3", "--from", "2022-13-01"],
        &["--from", "2022-13-01"],
    );
    bad(
        &["--item", "xmas", "--streak", "3", "--epsilon", "0"],
        &["--epsilon"],
    );
    bad(
        &["--item", "xmas", "--streak", "3", "--facts", "0"],
        &["--facts"],
    );
    bad(&["--item", "xmas"], &["--streak", "--times"]);
    // Two statements at once: clap's usage error, and no output either.
    let both = deanon(&[
        "cohort",
        s(&store),
        "--item",
        "xmas",
        "--streak",
        "2",
        "--any-of",
        "a",
        "--at-least",
        "1",
        "-o",
        s(&out),
    ]);
    assert!(!both.status.success());
    assert!(String::from_utf8_lossy(&both.stderr).contains("--any-of"));
    assert!(!out.exists());
    let missing = dir.path().join("missing.deanon");
    let err = fails(&[
        "cohort",
        s(&missing),
        "--item",
        "x",
        "--times",
        "1",
        "-o",
        s(&out),
    ]);
    assert!(err.contains("missing.deanon"), "{err}");
    assert!(!out.exists());
}

/// What membership reveals, against a control: on the views-like twin of docs/cohorts.md, half
/// of the 23 who binged the seasonal title are held out with as many who did not; linking the
/// others' two facts of other titles puts them in the published cohort, while a held-out binger's
/// link lands on somebody else.
#[test]
fn membership_of_the_cohort_is_inferred_against_people_held_out() {
    let dir = tempdir();
    let store = generated(dir.path(), "views-like", 100_000, 0);
    let r = cohort(
        &store,
        "xmas",
        &[
            "--item",
            "230",
            "--streak",
            "18",
            "--from",
            "2022-12-01",
            "--to",
            "2022-12-31",
        ],
    );
    assert_eq!(r["cohort_size"], 23);
    let i = &r["inference"];
    assert_eq!(i["held_out"], 22, "11 bingers and 11 others: {i}");
    assert_eq!(i["cohort_size_without_held_out"], 12);
    assert_eq!(i["members"], 22);
    assert_eq!(i["non_members"], 22);
    let f = |k: &str| i[k].as_f64().unwrap_or_else(|| panic!("{k}: {i}"));
    assert!(f("main_accuracy") > 0.85, "{i}");
    assert!(f("control_accuracy") <= 0.6, "{i}");
    let risk = (f("main_accuracy") - f("control_accuracy")) / (1.0 - f("control_accuracy"));
    assert!((f("risk") - risk).abs() < 1e-12, "{i}");
    assert!(f("risk") > 0.6, "{i}");
}

/// The table says what the JSON holds, in words that agree with each other: "singles out" is
/// the cell-size rule alone (the count is below the minimum cell), never a claim that linking
/// fails, and each inference figure is a count of right guesses out of the people scored.
#[test]
fn the_table_words_agree_with_the_computed_values() {
    let dir = tempdir();
    let store = view_log(dir.path());
    for (min_cell, singles_out) in [("10", true), ("2", false)] {
        let json = dir.path().join(format!("w{min_cell}.json"));
        let table = ok(&[
            "cohort",
            s(&store),
            "--item",
            "xmas",
            "--streak",
            "1",
            "--min-cell",
            min_cell,
            "-o",
            s(&json),
        ]);
        let r = read_json(&json);
        assert_eq!(r["singles_out"], singles_out);
        let size = r["cohort_size"].as_u64().unwrap();
        let line = table.lines().find(|l| l.starts_with("cohort:")).unwrap();
        let want = if singles_out {
            format!(
                "cohort: {size} of 12 people; below the minimum cell {min_cell}: the count alone singles its members out"
            )
        } else {
            format!(
                "cohort: {size} of 12 people; at or above the minimum cell {min_cell}: a cell-size rule lets it be published, which does not stop the linking measured below"
            )
        };
        assert!(line.starts_with(&want), "{line}");
        assert!(!table.contains("does not single out"), "{table}");
        let i = &r["inference"];
        let line = table.lines().find(|l| l.starts_with("inference")).unwrap();
        let group = |accuracy: &str, people: &str, meeting: &str| {
            let n = i[people].as_u64().unwrap();
            let a = i[accuracy].as_f64().unwrap();
            format!(
                "right for {} of {n} ({a:.3}; {} meeting the statement)",
                (a * n as f64).round() as u64,
                i[meeting]
            )
        };
        let main = group("main_accuracy", "members", "members_meeting_statement");
        let control = group(
            "control_accuracy",
            "non_members",
            "non_members_meeting_statement",
        );
        assert!(
            line.contains(&format!(
                "people in the data {main}; people held out of it {control}"
            )),
            "{line}"
        );
        // The groups are half people who meet the statement, half who do not.
        assert_eq!(
            2 * i["members_meeting_statement"].as_u64().unwrap(),
            i["members"].as_u64().unwrap(),
            "{i}"
        );
    }
}
