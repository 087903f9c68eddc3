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
    let (csv, people) = (dir.path().join("e.csv"), dir.path().join("e-people.csv"));
    ok(&["export", s(&store), "-o", s(&csv), "--people", s(&people)]);
    let written = std::fs::read_to_string(&people).unwrap();
    assert_eq!(
        written,
        "user,age,gender,zip\nalice,24,F,85711\nbob,53,,94043\ndora,31,F,85711\n"
    );
    let again = dir.path().join("again.deanon");
    ok(&[
        "import",
        s(&csv),
        "--format",
        "csv",
        "--people",
        s(&people),
        "-o",
        s(&again),
    ]);
    assert_eq!(
        std::fs::read(&store).unwrap(),
        std::fs::read(&again).unwrap()
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
            "needs a whole width >= 1",
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
