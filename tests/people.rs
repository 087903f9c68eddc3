//! People's attributes end to end on small files: `import --people`, the store, `info`,
//! `export --people`, and every bad people file (one-line error naming file, line and column,
//! non-zero exit, no store left behind).

mod common;

use common::*;

const RATINGS: &str = "user,item,rating,date\n\
alice,m1,4,2005-01-02\n\
bob,m1,3,2005-01-03\n\
alice,m2,5,2005-01-03\n";

const PEOPLE: &str = "user,age,gender,zip\n\
alice,24,F,85711\n\
bob,53,,94043\n\
dora,31,F,85711\n";

fn import(dir: &std::path::Path, people: &str) -> (std::path::PathBuf, std::process::Output) {
    let ratings = write(dir, "r.csv", RATINGS);
    let people = write(dir, "p.csv", people);
    let store = dir.join("r.deanon");
    let out = deanon(&[
        "import",
        s(&ratings),
        "--format",
        "csv",
        "--people",
        s(&people),
        "-o",
        s(&store),
    ]);
    (store, out)
}

#[test]
fn people_become_records_and_info_lists_their_attributes() {
    let dir = tempdir();
    let (store, out) = import(dir.path(), PEOPLE);
    assert!(out.status.success(), "{out:?}");
    let info = info(&store);
    // dora has attributes and no entries: a record with no entries.
    assert_eq!(info["records"], 3);
    assert_eq!(info["entries"], 3);
    let attributes = info["attributes"].as_array().unwrap();
    let described: Vec<(String, u64, u64, bool)> = attributes
        .iter()
        .map(|a| {
            (
                a["name"].as_str().unwrap().to_string(),
                a["distinct"].as_u64().unwrap(),
                a["missing"].as_u64().unwrap(),
                a["numeric"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        described,
        [
            ("age".into(), 3, 0, true),
            ("gender".into(), 1, 1, false),
            ("zip".into(), 2, 0, true),
        ]
    );
    let text = ok(&["info", s(&store)]);
    assert!(
        text.contains("attributes") && text.contains("gender"),
        "{text}"
    );
}

#[test]
fn export_writes_the_people_back_and_the_round_trip_is_lossless() {
    let dir = tempdir();
    let (store, out) = import(dir.path(), PEOPLE);
    assert!(out.status.success(), "{out:?}");
    let people = assert_people_round_trip(&store, dir.path());
    let written = std::fs::read_to_string(&people).unwrap();
    assert_eq!(
        written,
        "user,age,gender,zip\nalice,24,F,85711\nbob,53,,94043\ndora,31,F,85711\n"
    );
}

#[test]
fn a_store_without_people_has_no_attributes_and_refuses_to_export_them() {
    let dir = tempdir();
    let ratings = write(dir.path(), "r.csv", RATINGS);
    let store = import_csv(&ratings, &[]);
    assert_eq!(info(&store)["attributes"].as_array().unwrap().len(), 0);
    let people = dir.path().join("p.csv");
    let err = fails(&[
        "export",
        s(&store),
        "-o",
        s(&dir.path().join("e.csv")),
        "--people",
        s(&people),
    ]);
    assert!(err.contains("no people table"), "{err}");
    assert!(!people.exists() && !dir.path().join("e.csv").exists());
}

#[test]
fn a_corrupted_people_section_is_detected() {
    let dir = tempdir();
    let (store, out) = import(dir.path(), PEOPLE);
    assert!(out.status.success(), "{out:?}");
    let offset = deanon::dataset::store::section_offset(&store, "attribute_codes").unwrap();
    let mut bytes = std::fs::read(&store).unwrap();
    bytes[offset as usize] ^= 0x5a;
    std::fs::write(&store, bytes).unwrap();
    let err = fails(&["info", s(&store)]);
    assert!(
        err.contains("attribute_codes") && err.contains("corrupt"),
        "{err}"
    );
}

#[test]
fn bad_people_files_name_the_file_line_and_column() {
    for (people, expected) in [
        (
            "user,age\nalice,24\nbob,30\nalice,31\n",
            "p.csv:4: column 1 (user): user alice is given twice; first at line 2",
        ),
        (
            "user,age,zip\nalice,24,85711\nbob,30\n",
            "p.csv:3: 2 fields, but the header has 3",
        ),
        (
            "user,,zip\nalice,24,85711\n",
            "p.csv:1: column 2: empty header",
        ),
        ("name,age\nalice,24\n", "needs a 'user' column"),
    ] {
        let dir = tempdir();
        let (store, out) = import(dir.path(), people);
        assert!(!out.status.success(), "{people} was accepted");
        let err = String::from_utf8_lossy(&out.stderr).to_string();
        assert!(err.contains(expected), "{people}: {err}");
        assert_eq!(err.trim().lines().count(), 1, "{err}");
        assert!(!store.exists(), "a store was left behind for {people}");
    }
}

#[test]
fn a_people_column_named_like_an_aux_column_is_refused_at_import() {
    for name in ["count", "item", "rating", "date", "true_user", "aux_id"] {
        let dir = tempdir();
        let (store, out) = import(dir.path(), &format!("user,{name}\nalice,3\nbob,4\n"));
        assert!(!out.status.success(), "{name} was accepted");
        let err = String::from_utf8_lossy(&out.stderr).to_string();
        assert!(
            err.contains("p.csv:1: column 2 '") && err.contains("reserved for aux files"),
            "{name}: {err}"
        );
        assert_eq!(err.trim().lines().count(), 1, "{err}");
        assert!(!store.exists());
    }
}

#[test]
fn a_people_file_whose_ids_match_nobody_is_an_error_with_an_id_from_each_side() {
    let dir = tempdir();
    let (store, out) = import(dir.path(), "user,age\n0alice,24\n0bob,53\n");
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(
        err.contains("p.csv") && err.contains("'0alice'") && err.contains("'alice'"),
        "{err}"
    );
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(!store.exists());
}

#[test]
fn people_without_a_row_are_counted_in_a_warning_at_import() {
    let dir = tempdir();
    let (store, out) = import(dir.path(), "user,age\nalice,24\n");
    assert!(out.status.success(), "{out:?}");
    assert!(store.exists());
    let err = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(
        err.contains("deanon: warning: 1 of 2 people have no row in the people file"),
        "{err}"
    );
    let (_, out) = import(dir.path(), PEOPLE);
    let err = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(!err.contains("warning"), "{err}");
}

/// The people file of `store`'s export, as rows of fields (no quoting in these tests).
fn exported_people(store: &std::path::Path) -> Vec<Vec<String>> {
    let dir = store.parent().unwrap();
    let (csv, people) = (dir.join("x.csv"), dir.join("x-people.csv"));
    ok(&["export", s(store), "-o", s(&csv), "--people", s(&people)]);
    std::fs::read_to_string(&people)
        .unwrap()
        .lines()
        .map(|l| l.split(',').map(str::to_string).collect())
        .collect()
}

#[test]
fn attribute_steps_drop_band_and_truncate_and_utility_says_how_much_was_kept() {
    let dir = tempdir();
    let (store, out) = import(dir.path(), PEOPLE);
    assert!(out.status.success(), "{out:?}");
    let released = dir.path().join("rel.deanon");
    let utility = dir.path().join("u.json");
    ok(&[
        "release",
        s(&store),
        "--policy",
        "attr-generalize:name=age,width=10|attr-truncate:name=zip,keep=3|attr-drop:name=gender",
        "--seed",
        "1",
        "-o",
        s(&released),
        "--key",
        s(&dir.path().join("k.csv")),
        "--utility",
        s(&utility),
    ]);
    let mut rows = exported_people(&released);
    assert_eq!(rows.remove(0), ["user", "age", "zip"]);
    let mut values: Vec<(String, String)> = rows
        .into_iter()
        .map(|r| (r[1].clone(), r[2].clone()))
        .collect();
    values.sort();
    assert_eq!(
        values,
        [
            ("20-29".into(), "857*".into()),
            ("30-39".into(), "857*".into()),
            ("50-59".into(), "940*".into())
        ]
    );
    let u = read_json(&utility);
    let shares: Vec<(String, f64, f64, f64)> = u["attributes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["name"].as_str().unwrap().to_string(),
                a["exact"].as_f64().unwrap(),
                a["generalized"].as_f64().unwrap(),
                a["suppressed"].as_f64().unwrap(),
            )
        })
        .collect();
    // The utility holds out ratings, never people: all three are measured (gender: two had one).
    assert_eq!(
        shares,
        [
            ("age".into(), 0.0, 1.0, 0.0),
            ("gender".into(), 0.0, 0.0, 1.0),
            ("zip".into(), 0.0, 1.0, 0.0)
        ]
    );
}

#[test]
fn attribute_steps_reject_unknown_or_unfit_attributes() {
    let dir = tempdir();
    let (store, out) = import(dir.path(), PEOPLE);
    assert!(out.status.success(), "{out:?}");
    for (policy, expected) in [
        (
            "attr-drop:name=income",
            "no attribute 'income' in the release (attributes: age, gender, zip)",
        ),
        (
            "attr-generalize:name=gender,width=5",
            "attribute 'gender' is not numeric (value 'F')",
        ),
        (
            "attr-generalize:name=age,width=0",
            "needs a whole width from 1 to 9223372036854775807",
        ),
        ("attr-truncate:name=zip", "needs keep=..."),
        ("k-anonymity:k=2", "needs attributes=A+B+..."),
        (
            "k-anonymity:k=4,attributes=age",
            "3 people in the release, fewer than k = 4",
        ),
    ] {
        let released = dir.path().join("rel.deanon");
        let err = fails(&[
            "release",
            s(&store),
            "--policy",
            policy,
            "-o",
            s(&released),
            "--key",
            s(&dir.path().join("k.csv")),
        ]);
        assert!(err.contains(expected), "{policy}: {err}");
        assert!(!released.exists(), "{policy} left a release behind");
    }
}

const FOUR_RATINGS: &str = "user,item,rating,date\n\
ann,m1,4,2005-01-02\n\
ben,m1,3,2005-01-03\n\
cat,m2,5,2005-01-03\n\
dan,m2,2,2005-01-04\n";

const FOUR_PEOPLE: &str = "user,age,gender\n\
ann,24,F\n\
ben,30,M\n\
cat,24,M\n\
dan,50,F\n";

/// The four people above, released as they are (pseudonymized); returns (release, key).
fn four(dir: &std::path::Path) -> (std::path::PathBuf, std::path::PathBuf) {
    let ratings = write(dir, "four.csv", FOUR_RATINGS);
    let people = write(dir, "four-people.csv", FOUR_PEOPLE);
    let store = import_csv(&ratings, &["--people", s(&people)]);
    release(dir, &store, "pseudonymize", 3)
}

#[test]
fn the_likelihood_of_attributes_alone_is_the_documented_one() {
    let dir = tempdir();
    let (released, key) = four(dir.path());
    // Knows ann is F and 24: F is held by 2 of 4 (Q = 1/2), so is 24. With w = 0.1 (K = 9) an
    // agreeing attribute adds ln(1 + 9 / 0.5) = ln 19: ann scores 2 ln 19, dan and cat ln 19,
    // ben 0, and ann's posterior is 361 / (361 + 19 + 19 + 1).
    let aux = write(
        dir.path(),
        "a.csv",
        "aux_id,item,rating,date,true_user,age,gender\nx,,,,ann,24,F\n",
    );
    let (rows, _) = attack(
        dir.path(),
        &released,
        &aux,
        Some(&key),
        &["--algorithm", "likelihood"],
    );
    assert_eq!(rows[0]["candidate"], "ann");
    assert!(
        close(num(&rows[0], "score"), 2.0 * 19f64.ln()),
        "{:?}",
        rows[0]
    );
    assert!(
        close(num(&rows[0], "posterior"), 361.0 / 400.0),
        "{:?}",
        rows[0]
    );
    assert_eq!(num(&rows[0], "facts_used"), 2.0);
    // Scoreboard: ann is the only record meeting both constraints.
    let (rows, _) = attack(
        dir.path(),
        &released,
        &aux,
        Some(&key),
        &["--algorithm", "scoreboard"],
    );
    assert_eq!(
        (rows[0]["candidate"].as_str(), rows[0]["matched"].as_str()),
        ("ann", "true")
    );
    // Scoreboard-RH: each agreeing value weighs 1 / ln 2 (two records hold it).
    let (rows, _) = attack(dir.path(), &released, &aux, Some(&key), &[]);
    assert_eq!(rows[0]["candidate"], "ann");
    assert!(
        close(num(&rows[0], "score"), 2.0 / 2f64.ln()),
        "{:?}",
        rows[0]
    );
}

#[test]
fn known_ranges_and_released_bands_agree_and_a_suppressed_value_rules_nobody_out() {
    let dir = tempdir();
    let ratings = write(dir.path(), "four.csv", FOUR_RATINGS);
    let people = write(dir.path(), "four-people.csv", FOUR_PEOPLE);
    let store = import_csv(&ratings, &["--people", s(&people)]);
    let (released, key) = release(
        dir.path(),
        &store,
        "attr-generalize:name=age,width=10|attr-drop:name=gender",
        3,
    );
    // "22-26" agrees with the band 20-29 (ann, cat) only; gender is not in the release.
    let aux = write(
        dir.path(),
        "a.csv",
        "aux_id,item,rating,date,true_user,age,gender\nx,,,,ann,22-26,F\ny,m2,5,,cat,22-26,M\n",
    );
    let (rows, _) = attack(
        dir.path(),
        &released,
        &aux,
        Some(&key),
        &["--algorithm", "scoreboard"],
    );
    assert_eq!(num(&rows[0], "candidates"), 2.0, "{:?}", rows[0]);
    assert_eq!(num(&rows[0], "facts_used"), 1.0, "gender dropped");
    assert_eq!(
        (rows[1]["candidate"].as_str(), rows[1]["matched"].as_str()),
        ("cat", "true")
    );
    // A suppressed value cannot rule anyone out: k-anonymity with k = 4 suppresses or
    // generalizes until all four agree with anything ann is known to be.
    let (released, key) = release(
        dir.path(),
        &store,
        "k-anonymity:k=4,attributes=age+gender",
        3,
    );
    let (rows, _) = attack(
        dir.path(),
        &released,
        &aux,
        Some(&key),
        &["--algorithm", "scoreboard"],
    );
    assert_eq!(num(&rows[0], "candidates"), 4.0, "{:?}", rows[0]);
}

#[test]
fn aux_files_carry_attributes_and_check_that_lines_agree() {
    let dir = tempdir();
    let ratings = write(dir.path(), "four.csv", FOUR_RATINGS);
    let people = write(dir.path(), "four-people.csv", FOUR_PEOPLE);
    let store = import_csv(&ratings, &["--people", s(&people)]);
    let (_, key) = release(dir.path(), &store, "pseudonymize", 3);
    let aux = aux(
        dir.path(),
        &store,
        Some(&key),
        &[
            "--items",
            "1",
            "--attributes",
            "gender,age",
            "--attribute-error",
            "age=3",
            "--seed",
            "4",
        ],
    );
    let text = std::fs::read_to_string(&aux).unwrap();
    let mut lines = text.lines();
    assert_eq!(
        lines.next().unwrap(),
        "aux_id,item,rating,date,true_user,gender,age"
    );
    let truth: std::collections::HashMap<&str, (i64, &str)> = [
        ("ann", (24, "F")),
        ("ben", (30, "M")),
        ("cat", (24, "M")),
        ("dan", (50, "F")),
    ]
    .into();
    for line in lines {
        let f: Vec<&str> = line.split(',').collect();
        let (age, gender) = truth[f[4]];
        assert_eq!(f[5], gender, "{line}");
        let (lo, hi) = f[6].split_once('-').unwrap();
        let (lo, hi): (i64, i64) = (lo.parse().unwrap(), hi.parse().unwrap());
        assert!(hi - lo == 6 && lo <= age && age <= hi, "{line}");
    }
    for (bad, expected) in [
        (
            "aux_id,item,rating,date,age\nx,m1,4,,24\nx,m2,4,,25\n",
            "a.csv:3: aux record x gives different attributes on two lines",
        ),
        ("aux_id,item,rating,date\nx,,4,\n", "a.csv:2: empty item"),
        (
            "aux_id,item,rating,date,age\nx,,4,,24\n",
            "a.csv:2: a rating or date without an item",
        ),
    ] {
        let path = write(dir.path(), "a.csv", bad);
        let (released, key) = release(dir.path(), &store, "pseudonymize", 3);
        let err = fails(&[
            "attack",
            s(&released),
            "--aux",
            s(&path),
            "--key",
            s(&key),
            "-o",
            s(&dir.path().join("m.csv")),
        ]);
        assert!(err.contains(expected), "{bad}: {err}");
    }
    let err = fails(&[
        "aux",
        s(&store),
        "--attributes",
        "zip",
        "-o",
        s(&dir.path().join("b.csv")),
    ]);
    assert!(
        err.contains("'zip' is not an attribute of the data (age, gender)"),
        "{err}"
    );
    let err = fails(&[
        "aux",
        s(&store),
        "--attributes",
        "gender",
        "--attribute-error",
        "gender=2",
        "-o",
        s(&dir.path().join("b.csv")),
    ]);
    assert!(err.contains("'gender' is not numeric"), "{err}");
    let err = fails(&[
        "aux",
        s(&store),
        "--attributes",
        "age,age",
        "-o",
        s(&dir.path().join("b.csv")),
    ]);
    assert!(err.contains("attributes names 'age' twice"), "{err}");
    let err = fails(&[
        "aux",
        s(&store),
        "--items",
        "0",
        "-o",
        s(&dir.path().join("b.csv")),
    ]);
    assert!(err.contains("items must be at least 1"), "{err}");
}

/// k-anonymity that bands an age into one band holding every age has suppressed it: the
/// utility counts it so, not as generalized.
#[test]
fn a_value_generalized_to_the_whole_domain_is_counted_as_suppressed() {
    let dir = tempdir();
    let data = generated_as(dir.path(), "movielens-like", 300, 1, true);
    let utility = dir.path().join("u.json");
    ok(&[
        "release",
        s(&data),
        "--policy",
        "k-anonymity:k=150,attributes=age+gender,max_suppressed=0",
        "-o",
        s(&dir.path().join("k.deanon")),
        "--key",
        s(&dir.path().join("k.key.csv")),
        "--utility",
        s(&utility),
    ]);
    let u = read_json(&utility);
    let age = u["attributes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["name"] == "age")
        .unwrap()
        .clone();
    assert_eq!(age["suppressed"], 1.0, "{age}");
    assert_eq!(age["generalized"], 0.0, "{age}");
}

/// Reversed, malformed or NaN known values, and an attribute column the data lacks, are
/// one-line errors: the file, line and column for a value, the data's attributes for a column.
#[test]
fn bad_aux_attribute_values_and_unknown_attribute_columns_are_refused() {
    let dir = tempdir();
    let ratings = write(dir.path(), "four.csv", FOUR_RATINGS);
    let people = write(dir.path(), "four-people.csv", FOUR_PEOPLE);
    let store = import_csv(&ratings, &["--people", s(&people)]);
    let (released, key) = release(dir.path(), &store, "pseudonymize", 3);
    for (bad, expected) in [
        (
            "aux_id,item,rating,date,age\nx,m1,4,,24\ny,m1,4,,30-20\n",
            "a.csv:3: column 5 (age): the range '30-20' is reversed",
        ),
        (
            "aux_id,item,rating,date,age\nx,m1,4,,4-5-6\n",
            "a.csv:2: column 5 (age): '4-5-6' is not a number or a range lo-hi",
        ),
        (
            "aux_id,item,rating,date,gender,age\nx,m1,4,,F,NaN\n",
            "a.csv:2: column 6 (age): 'NaN' is not a value",
        ),
        (
            "aux_id,item,rating,date,agee\nx,m1,4,,24\n",
            "the aux's column 'agee' is not an attribute of the data (its attributes: age, gender)",
        ),
    ] {
        let path = write(dir.path(), "a.csv", bad);
        let err = fails(&[
            "attack",
            s(&released),
            "--aux",
            s(&path),
            "--key",
            s(&key),
            "-o",
            s(&dir.path().join("m.csv")),
        ]);
        assert!(err.contains(expected), "{bad}: {err}");
    }
    // An attribute the release's policy dropped is known to the adversary, not a misnamed column.
    let (dropped, key) = release(dir.path(), &store, "attr-drop:name=age", 3);
    let path = write(
        dir.path(),
        "a.csv",
        "aux_id,item,rating,date,age\nx,m1,4,,24\n",
    );
    ok(&[
        "attack",
        s(&dropped),
        "--aux",
        s(&path),
        "--key",
        s(&key),
        "-o",
        s(&dir.path().join("m.csv")),
    ]);
}
