//! Data as auditors keep it: the format told by the extension, other column names
//! (`--columns`), other delimiters (`--delimiter`, `.tsv`), ISO 8601 dates and date-times with
//! offsets. The same data written these ways gives the same store as the plain CSV, bit for bit
//! (MovieLens 100k, fetched by `common::ml100k`); bad values and flags are one-line errors that
//! leave nothing behind.

mod common;

use std::path::Path;

use common::*;
use deanon::dataset::values::civil_from_days;

/// Unix seconds as the local date-time at `offset_minutes` east of UTC, written with
/// `separator` between date and time and the offset as `zone` says.
fn iso(seconds: i64, offset_minutes: i64, separator: char, zone: &str) -> String {
    let local = seconds + offset_minutes * 60;
    let (y, m, d) = civil_from_days(local.div_euclid(86_400));
    let t = local.rem_euclid(86_400);
    let (h, mi, s) = (t / 3600, t / 60 % 60, t % 60);
    format!("{y:04}-{m:02}-{d:02}{separator}{h:02}:{mi:02}:{s:02}{zone}")
}

#[test]
fn semicolons_other_names_and_iso_date_times_give_the_store_of_the_plain_csv() {
    let dir = tempdir();
    let rows = ml100k_rows();
    let mut plain = String::from("user,item,rating,date\n");
    let mut kept = String::from("\"stars\";sku;ts;customer_id;note\n");
    let mut tabs = String::from("user\titem\trating\ttimestamp\n");
    for (k, [user, item, stars, seconds]) in rows.iter().copied().enumerate() {
        plain.push_str(&format!("{user},{item},{stars},{seconds}\n"));
        // The same instant in many zones, written in many ways: each is read to its UTC day.
        let ts = match k % 6 {
            0 => iso(seconds, 0, 'T', ""),
            1 => iso(seconds, -120, 'T', "-02:00"),
            2 => iso(seconds, 330, ' ', "+05:30"),
            3 => iso(seconds, 0, 'T', "Z"),
            4 => format!("{}.250+01:00", iso(seconds, 60, 'T', "")),
            _ => iso(seconds, -600, ' ', "-1000"),
        };
        kept.push_str(&format!("{stars};\"{item}\";{ts};{user};\"a;b\"\n"));
        tabs.push_str(&format!("{user}\t{item}\t{stars}\t{seconds}\n"));
    }
    let plain_csv = write(dir.path(), "plain.csv", &plain);
    let kept_csv = write(dir.path(), "kept.csv", &kept);
    let tabs_tsv = write(dir.path(), "tabs.tsv", &tabs);
    let expected = bytes(&import_into(dir.path(), "plain", &plain_csv, &[]));
    let from_kept = import_into(
        dir.path(),
        "kept",
        &kept_csv,
        &[
            "--delimiter",
            ";",
            "--columns",
            "user=customer_id,item=SKU,rating=stars,date=ts",
        ],
    );
    assert!(expected == bytes(&from_kept));
    assert!(expected == bytes(&import_into(dir.path(), "tabs", &tabs_tsv, &[])));
    let named_tab = write(dir.path(), "tabs.txt", &tabs);
    let from_txt = import_into(
        dir.path(),
        "txt",
        &named_tab,
        &["--format", "csv", "--delimiter", "tab"],
    );
    assert!(expected == bytes(&from_txt));
}

#[test]
fn an_offset_lands_on_the_utc_day_of_the_instant() {
    let dir = tempdir();
    let csv = write(
        dir.path(),
        "r.csv",
        "user,item,date\n\
         late,a,2023-01-01T23:30:00-02:00\n\
         early,a,2023-01-01T00:30:00+02:00\n\
         naive,a,2023-01-01T23:30:00\n\
         unix,a,1672623000\n",
    );
    let store = import_into(dir.path(), "r", &csv, &[]);
    let out = dir.path().join("r-out.csv");
    ok(&["export", s(&store), "-o", s(&out)]);
    let text = std::fs::read_to_string(&out).unwrap();
    let day = |user: &str| {
        text.lines()
            .find(|l| l.starts_with(&format!("{user},")))
            .and_then(|l| l.rsplit(',').next())
            .unwrap_or_else(|| panic!("{user} in {text}"))
            .to_string()
    };
    assert_eq!(
        day("late"),
        "2023-01-02",
        "23:30 at UTC-2 is 01:30 UTC the next day"
    );
    assert_eq!(
        day("early"),
        "2022-12-31",
        "00:30 at UTC+2 is 22:30 UTC the day before"
    );
    assert_eq!(
        day("naive"),
        "2023-01-01",
        "without an offset, the day as written"
    );
    assert_eq!(day("unix"), "2023-01-02");
}

#[test]
fn a_people_file_names_its_user_column_as_the_data_does() {
    let dir = tempdir();
    let csv = write(dir.path(), "r.csv", "customer_id;sku\n1;a\n2;b\n");
    let people = write(dir.path(), "p.csv", "age;Customer_ID\n24;1\n31;2\n");
    let store = import_into(
        dir.path(),
        "r",
        &csv,
        &[
            "--delimiter",
            ";",
            "--columns",
            "user=customer_id,item=sku",
            "--people",
            s(&people),
        ],
    );
    assert_eq!(info(&store)["attributes"][0]["name"], "age");
    let err = fails(&[
        "import",
        s(&csv),
        "--delimiter",
        ";",
        "--columns",
        "user=customer_id,item=sku",
        "--people",
        s(&write(dir.path(), "q.csv", "age;user\n24;1\n")),
        "-o",
        s(&dir.path().join("q.deanon")),
    ]);
    assert!(
        err.contains(
            "q.csv:1: the header needs a 'customer_id' column (--columns user=customer_id)"
        ) && err.contains("the columns are: age, user"),
        "{err}"
    );
}

/// `deanon import ARGS -o DIR/out.deanon` fails with one line; returns it after checking that
/// nothing was written.
fn refused(dir: &Path, args: &[&str]) -> String {
    let store = dir.join("out.deanon");
    let listing = || {
        let mut names: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        names.sort();
        names
    };
    let before = listing();
    let mut all = vec!["import"];
    all.extend_from_slice(args);
    all.extend(["-o", s(&store)]);
    let out = deanon(&all);
    let err = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(!out.status.success(), "{args:?} should fail");
    assert_eq!(err.trim_end().lines().count(), 1, "one line: {err}");
    assert!(!store.exists(), "no store may be left behind: {err}");
    assert_eq!(listing(), before, "nothing written");
    err
}

#[test]
fn bad_dates_columns_and_delimiters_are_one_line_errors() {
    for (date, words) in [
        (
            "2023-02-30T10:00:00",
            "date '2023-02-30T10:00:00' is not an ISO 8601 date or date-time: no such day",
        ),
        (
            "2023-01-02T25:00",
            "the time is not between 00:00:00 and 23:59:60",
        ),
        ("2023-01-02T10:11:12+2", "the offset is not +HH:MM"),
        ("2023-01-02T10:11:12 CET", "neither 'Z' nor an offset"),
        (
            "02/01/2023",
            "date '02/01/2023' is not a date, a date-time or Unix seconds",
        ),
        ("1969-12-31T23:00:00", "before 1970-01-01"),
    ] {
        let dir = tempdir();
        let csv = write(
            dir.path(),
            "r.csv",
            &format!("user;item;ts\n1;a;2023-01-02\n2;b;{date}\n"),
        );
        let err = refused(
            dir.path(),
            &[s(&csv), "--delimiter", ";", "--columns", "date=ts"],
        );
        assert!(err.contains("r.csv:3: column 3 (ts): "), "{err}");
        assert!(err.contains(words), "{date}: {err}");
    }
    let dir = tempdir();
    let csv = write(dir.path(), "r.csv", "user,item,rating\n1,a,4\n");
    for (args, words) in [
        (
            vec!["--columns", "rating=stars"],
            "r.csv:1: no column 'stars' (--columns rating=stars); the columns are: user, item, rating",
        ),
        (vec!["--columns", "usr=id"], "unknown key 'usr'"),
        (
            vec!["--delimiter", ";;"],
            "delimiter ';;' is not one ASCII character",
        ),
        (vec!["--delimiter", "x"], "cannot separate fields"),
        (
            vec!["--format", "movielens", "--columns", "user=id"],
            "--columns and --delimiter apply to csv and parquet",
        ),
    ] {
        let mut all = vec![s(&csv)];
        all.extend(args);
        let err = refused(dir.path(), &all);
        assert!(err.contains(words), "{err}");
    }
    let semicolons = write(dir.path(), "s.csv", "user;item\n1;a\n");
    std::fs::remove_file(&csv).unwrap();
    let err = refused(dir.path(), &[s(&semicolons)]);
    assert!(err.contains("give --delimiter ';'"), "{err}");
}

#[test]
fn the_extension_tells_the_format() {
    let dir = tempdir();
    let inter = write(
        dir.path(),
        "ml.inter",
        "user_id:token\titem_id:token\trating:float\ttimestamp:float\n1\t2\t3\t881250949\n",
    );
    let store = import_into(dir.path(), "ml", &inter, &[]);
    assert_eq!(
        info(&store)["rating_scale"],
        "1..5:1",
        "read as MovieLens 100k"
    );
    std::fs::remove_file(&store).unwrap();
    std::fs::remove_file(&inter).unwrap();
    let unknown = write(dir.path(), "r.xlsx", "user,item\n1,2\n");
    let err = refused(dir.path(), &[s(&unknown)]);
    assert!(
        err.contains("r.xlsx: cannot tell the format from the name; give --format (one of csv, netflix, movielens, parquet)"),
        "{err}"
    );
    std::fs::remove_file(&unknown).unwrap();
    let err = refused(dir.path(), &[s(&dir.path().join("nope.csv"))]);
    assert!(err.contains("nope.csv: no such file"), "{err}");
}
