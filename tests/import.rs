//! End-to-end tests of `deanon import`, `export` and `info` on small files: every importer, the
//! round trip, and every bad-input case (one-line error naming file and line, non-zero exit, no
//! output left behind).

mod common;

use common::*;

const CSV: &str = "user,item,rating,date\n\
alice,m1,4,2005-01-02\n\
bob,m1,3.5,1104710400\n\
alice,m2,,2005-01-03\n\
carol,\"m,3\",5,\n";

#[test]
fn csv_import_counts_and_info() {
    let dir = tempdir();
    let input = write(dir.path(), "r.csv", CSV);
    let store = dir.path().join("r.deanon");
    ok(&["import", s(&input), "--format", "csv", "-o", s(&store)]);
    let info = info(&store);
    assert_eq!(info["records"], 3);
    assert_eq!(info["items"], 3);
    assert_eq!(info["entries"], 4);
    assert_eq!(info["has_ratings"], true);
    assert_eq!(info["has_dates"], true);
    assert_eq!(info["date_min"], "2005-01-02");
    assert_eq!(info["date_max"], "2005-01-03");
    assert_eq!(info["missing_ratings"], 1);
    assert_eq!(info["missing_dates"], 1);
}

#[test]
fn csv_round_trip_is_lossless() {
    let dir = tempdir();
    let input = write(dir.path(), "r.csv", CSV);
    let (a, b) = (dir.path().join("a.deanon"), dir.path().join("b.deanon"));
    let (ea, eb) = (dir.path().join("a.csv"), dir.path().join("b.csv"));
    ok(&["import", s(&input), "--format", "csv", "-o", s(&a)]);
    ok(&["export", s(&a), "-o", s(&ea)]);
    ok(&["import", s(&ea), "--format", "csv", "-o", s(&b)]);
    ok(&["export", s(&b), "-o", s(&eb)]);
    let first = std::fs::read_to_string(&ea).unwrap();
    assert_eq!(first, std::fs::read_to_string(&eb).unwrap());
    assert_eq!(
        std::fs::read(&a).unwrap(),
        std::fs::read(&b).unwrap(),
        "stores differ"
    );
    assert!(first.contains("bob,m1,3.5,2005-01-03\n"), "{first}");
    assert!(first.contains("carol,\"m,3\",5,\n"), "{first}");
    assert!(first.contains("alice,m2,,2005-01-03\n"), "{first}");
}

#[test]
fn generated_round_trip_with_people_is_lossless() {
    let dir = tempdir();
    let a = generated_as(dir.path(), "movielens-like", 300, 5, true);
    assert_eq!(info(&a)["attributes"].as_array().unwrap().len(), 3);
    assert_people_round_trip(&a, dir.path());
}

#[test]
fn generated_round_trip_is_lossless() {
    let dir = tempdir();
    let a = generated(dir.path(), "movielens-like", 300, 5);
    let b = dir.path().join("b.deanon");
    let csv = dir.path().join("a.csv");
    ok(&["export", s(&a), "-o", s(&csv)]);
    let declared = common::declared_flags(&a, dir.path());
    let mut args = vec!["import", s(&csv), "--format", "csv"];
    args.extend(declared.iter().map(String::as_str));
    args.extend(["-o", s(&b)]);
    ok(&args);
    assert_eq!(std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap());
}

#[test]
fn views_keep_every_event_ratings_reject_duplicates() {
    let dir = tempdir();
    let input = write(
        dir.path(),
        "v.csv",
        "user,item,date\nu1,xmas,2019-12-01\nu1,xmas,2019-12-02\nu2,xmas,2019-12-02\nu1,xmas,2019-12-03\n",
    );
    let store = dir.path().join("v.deanon");
    ok(&[
        "import",
        s(&input),
        "--format",
        "csv",
        "--kind",
        "views",
        "-o",
        s(&store),
    ]);
    let info = info(&store);
    assert_eq!(info["kind"], "views");
    assert_eq!(info["entries"], 4);
    assert_eq!(info["support"]["max"], 2, "supp counts distinct people");
    assert_eq!(info["has_ratings"], false);

    let out = dir.path().join("r.deanon");
    let err = fails(&["import", s(&input), "--format", "csv", "-o", s(&out)]);
    assert!(
        err.contains("v.csv:3:") && err.contains("first at line 2"),
        "{err}"
    );
    assert!(
        err.contains("u1") && err.contains("xmas") && err.contains("--kind views"),
        "{err}"
    );
    assert!(!out.exists());
}

/// Each bad input: (file content, format, expected "file:line" or file marker, expected words).
#[test]
fn bad_inputs_fail_with_file_line_and_reason() {
    let cases: &[(&str, &str, &str, &str)] = &[
        (
            "user,rating\n1,4\n",
            "csv",
            "bad.txt:1:",
            "'user' and 'item'",
        ),
        (
            "user,item,rating\n1,2,4\n3,4,four\n",
            "csv",
            "bad.txt:3:",
            "rating 'four'",
        ),
        (
            "user,item,rating\n1,2,3.7\n",
            "csv",
            "bad.txt:2:",
            "half-star",
        ),
        (
            "user,item,date\n1,2,2005-02-30\n",
            "csv",
            "bad.txt:2:",
            "date '2005-02-30'",
        ),
        (
            "user,item,date\n1,2,yesterday\n",
            "csv",
            "bad.txt:2:",
            "column 3 (date): date 'yesterday' is not a date, a date-time or Unix seconds",
        ),
        (
            "user,item,date\n1,2,1960-01-01\n",
            "csv",
            "bad.txt:2:",
            "before 1970",
        ),
        (
            "user,item,rating\n1,2,4\n1\n",
            "csv",
            "bad.txt:3:",
            "expected at least 3 fields",
        ),
        ("", "csv", "bad.txt:", "empty"),
        ("user,item,rating\n", "csv", "bad.txt:", "no data lines"),
        (
            "1:\n6,3,2005-09-06\n",
            "csv",
            "bad.txt:1:",
            "'user' and 'item'",
        ),
        (
            "user,item,rating,date\n1,2,3,2005-01-01\n",
            "netflix",
            "bad.txt:1:",
            "MovieID:",
        ),
        ("1:\n6,3\n", "netflix", "bad.txt:2:", "CustomerID,Rating"),
        (
            "1:\n6,9.5x,2005-01-01\n",
            "netflix",
            "bad.txt:2:",
            "rating '9.5x'",
        ),
        (
            "1:\n6,3,2005-01-01\n",
            "movielens",
            "bad.txt:1:",
            "not a MovieLens",
        ),
        (
            "1\t2\t3\t88125x949\n",
            "movielens",
            "bad.txt:1:",
            "timestamp",
        ),
        (
            "1::2::3::881250949\n1::2::4::881250950\n",
            "movielens",
            "bad.txt:2:",
            "twice",
        ),
    ];
    for (content, format, location, words) in cases {
        let dir = tempdir();
        let input = write(dir.path(), "bad.txt", content);
        let out = dir.path().join("out.deanon");
        let err = fails(&["import", s(&input), "--format", format, "-o", s(&out)]);
        assert!(
            err.contains(location),
            "{format} {content:?}: expected '{location}' in: {err}"
        );
        assert!(
            err.contains(words),
            "{format} {content:?}: expected '{words}' in: {err}"
        );
        assert!(!out.exists(), "no output may be left behind");
        let leftovers: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "temporary files left behind");
    }
}

#[test]
fn missing_input_is_an_error() {
    let dir = tempdir();
    let err = fails(&[
        "import",
        s(&dir.path().join("nope.csv")),
        "--format",
        "csv",
        "-o",
        s(&dir.path().join("x.deanon")),
    ]);
    assert!(
        err.contains("nope.csv") && err.contains("no such file"),
        "{err}"
    );
}

#[test]
fn netflix_training_set_folder_and_combined_file_agree() {
    let dir = tempdir();
    let ts = dir.path().join("download");
    write(
        &ts,
        "training_set/mv_0000001.txt",
        "1:\n1488844,3,2005-09-06\n822109,5,2005-05-13\n",
    );
    write(
        &ts,
        "training_set/mv_0000002.txt",
        "2:\n1488844,4,2005-09-07\n",
    );
    let combined = write(
        dir.path(),
        "combined_data_1.txt",
        "1:\n1488844,3,2005-09-06\n822109,5,2005-05-13\n2:\n1488844,4,2005-09-07\n",
    );
    let (a, b) = (dir.path().join("a.deanon"), dir.path().join("b.deanon"));
    ok(&["import", s(&ts), "--format", "netflix", "-o", s(&a)]);
    ok(&["import", s(&combined), "--format", "netflix", "-o", s(&b)]);
    assert_eq!(std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap());
    let info = info(&a);
    assert_eq!(
        (
            info["records"].as_u64(),
            info["items"].as_u64(),
            info["entries"].as_u64()
        ),
        (Some(2), Some(2), Some(3))
    );
    // A folder of combined files works too.
    let c = dir.path().join("c.deanon");
    ok(&["import", s(dir.path()), "--format", "netflix", "-o", s(&c)]);
    assert_eq!(std::fs::read(&a).unwrap(), std::fs::read(&c).unwrap());
}

#[test]
fn movielens_variants_agree() {
    let dir = tempdir();
    let udata = write(
        dir.path(),
        "100k/u.data",
        "196\t242\t3\t881250949\n186\t302\t3\t891717742\n",
    );
    let dat = write(
        dir.path(),
        "1m/ratings.dat",
        "196::242::3::881250949\n186::302::3::891717742\n",
    );
    let csv = write(
        dir.path(),
        "latest/ratings.csv",
        "userId,movieId,rating,timestamp\n196,242,3.0,881250949\n186,302,3.0,891717742\n",
    );
    let inter = write(
        dir.path(),
        "rb/ml-100k.inter",
        "user_id:token\titem_id:token\trating:float\ttimestamp:float\n196\t242\t3\t881250949\n186\t302\t3\t891717742\n",
    );
    let stores: Vec<Vec<u8>> = [&udata, &dat, &csv, &inter]
        .iter()
        .enumerate()
        .map(|(k, p)| {
            let out = dir.path().join(format!("{k}.deanon"));
            // u.data and RecBole's .inter are MovieLens 100k, whose scale the format defines;
            // the others declare it.
            let mut args = vec!["import", s(p), "--format", "movielens", "-o", s(&out)];
            if k == 1 || k == 2 {
                args.extend(["--rating-scale", "1..5:1"]);
            }
            ok(&args);
            std::fs::read(out).unwrap()
        })
        .collect();
    assert!(
        stores.windows(2).all(|w| w[0] == w[1]),
        "all MovieLens variants give the same store"
    );
    // A folder holding u.data is accepted.
    let out = dir.path().join("dir.deanon");
    ok(&[
        "import",
        s(&dir.path().join("100k")),
        "--format",
        "movielens",
        "-o",
        s(&out),
    ]);
    assert_eq!(std::fs::read(out).unwrap(), stores[0]);
}

#[test]
fn info_prints_a_table() {
    let dir = tempdir();
    let input = write(dir.path(), "r.csv", CSV);
    let store = dir.path().join("r.deanon");
    ok(&["import", s(&input), "--format", "csv", "-o", s(&store)]);
    let text = ok(&["info", s(&store)]);
    assert!(text.contains("records           3"), "{text}");
    assert!(text.contains("supp(item)"), "{text}");
}
