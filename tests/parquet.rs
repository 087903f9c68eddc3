//! Parquet imports: MovieLens 100k (fetched by `common::ml100k`, never committed) written as
//! CSV and as Parquet files of several column types, codecs and row groups gives the same store,
//! bit for bit, with its people file too; bad Parquet files are one-line errors naming the
//! file, the row and the column, and leave nothing behind.

mod common;

use std::path::Path;
use std::sync::Arc;

use arrow_array::{
    ArrayRef, BooleanArray, Date32Array, DictionaryArray, Float64Array, Int32Array, Int64Array,
    RecordBatch, StringArray, TimestampMillisecondArray, TimestampNanosecondArray, UInt32Array,
    types::Int32Type,
};
use common::*;
use parquet::arrow::ArrowWriter;
use parquet::basic::{Compression, ZstdLevel};
use parquet::file::properties::WriterProperties;

/// MovieLens 100k's ratings: user, item, stars, Unix seconds.
type Rows = [[i64; 4]];

/// Column `k` of `rows`.
fn column(rows: &Rows, k: usize) -> impl Iterator<Item = i64> + '_ {
    rows.iter().map(move |r| r[k])
}

/// `rows` as four `int64` columns named `names`.
fn int_columns<'a>(rows: &Rows, names: [&'a str; 4]) -> Vec<(&'a str, ArrayRef)> {
    (0..4).map(|k| (names[k], ints(column(rows, k)))).collect()
}

/// The people of ml-100k.user: the header's names without their types, and the rows.
fn ml100k_people_rows() -> (Vec<String>, Vec<Vec<String>>) {
    let text = std::fs::read_to_string(ml100k_people()).unwrap();
    let mut lines = text.lines().filter(|l| !l.trim().is_empty());
    let header = lines
        .next()
        .unwrap()
        .split('\t')
        .map(|f| f.split(':').next().unwrap().to_string())
        .collect();
    let rows = lines
        .map(|l| l.split('\t').map(|f| f.trim().to_string()).collect())
        .collect();
    (header, rows)
}

/// Writes `columns` to the Parquet file `path` with `codec`, `group_rows` rows a row group.
fn write_parquet(
    path: &Path,
    columns: Vec<(&str, ArrayRef)>,
    codec: Compression,
    group_rows: usize,
) {
    let batch = RecordBatch::try_from_iter(columns).unwrap();
    let properties = WriterProperties::builder()
        .set_compression(codec)
        .set_max_row_group_row_count(Some(group_rows))
        .build();
    let file = std::fs::File::create(path).unwrap();
    let mut writer = ArrowWriter::try_new(file, batch.schema(), Some(properties)).unwrap();
    writer.write(&batch).unwrap();
    writer.close().unwrap();
}

fn ints(values: impl Iterator<Item = i64>) -> ArrayRef {
    Arc::new(Int64Array::from_iter_values(values))
}

fn strings(values: impl Iterator<Item = String>) -> ArrayRef {
    Arc::new(StringArray::from_iter_values(values))
}

/// The plain CSV of the ratings: `user,item,rating,date` in Unix seconds.
fn write_csv(path: &Path, rows: &Rows) {
    let mut text = String::from("user,item,rating,date\n");
    for [user, item, stars, seconds] in rows {
        text.push_str(&format!("{user},{item},{stars},{seconds}\n"));
    }
    std::fs::write(path, text).unwrap();
}

#[test]
fn movielens_100k_in_parquet_gives_the_store_of_its_csv_bit_for_bit() {
    let dir = tempdir();
    let rows = ml100k_rows();
    assert_eq!(rows.len(), 100_000);
    let csv = dir.path().join("ratings.csv");
    write_csv(&csv, &rows);
    let from_csv = bytes(&import_into(dir.path(), "csv", &csv, &[]));

    // Integer columns, Unix seconds, Snappy, one row group.
    let plain = dir.path().join("plain.parquet");
    let names = ["user", "item", "rating", "date"];
    write_parquet(
        &plain,
        int_columns(&rows, names),
        Compression::SNAPPY,
        1 << 20,
    );
    assert!(from_csv == bytes(&import_into(dir.path(), "plain", &plain, &[])));

    // Other names and types: string ids, float stars, a millisecond timestamp with a time zone
    // (an instant: its UTC day), Zstandard, 15 row groups read in parallel.
    let typed = dir.path().join("typed.pq");
    let millis = column(&rows, 3).map(|t| t * 1000 + 999);
    let stars = column(&rows, 2).map(|r| r as f64);
    let texts = |k| strings(column(&rows, k).map(|id| id.to_string()));
    write_parquet(
        &typed,
        vec![
            (
                "ts",
                Arc::new(
                    TimestampMillisecondArray::from_iter_values(millis).with_timezone("+02:00"),
                ),
            ),
            ("customer_id", texts(0)),
            ("sku", texts(1)),
            ("stars", Arc::new(Float64Array::from_iter_values(stars))),
        ],
        Compression::ZSTD(ZstdLevel::default()),
        7_000,
    );
    let columns = [
        "--columns",
        "user=customer_id,item=sku,rating=stars,date=ts",
    ];
    assert!(from_csv == bytes(&import_into(dir.path(), "typed", &typed, &columns)));

    // 32-bit and unsigned integers, a dictionary of strings, a naive nanosecond timestamp.
    let narrow = dir.path().join("narrow.parquet");
    let keys = Int32Array::from_iter_values(column(&rows, 1).map(|i| i as i32 - 1));
    let titles = StringArray::from_iter_values((1..=1682).map(|i| format!(" {i} ")));
    let users = column(&rows, 0).map(|u| u as u32);
    let stars = column(&rows, 2).map(|r| r as i32);
    let nanos = column(&rows, 3).map(|t| t * 1_000_000_000);
    write_parquet(
        &narrow,
        vec![
            ("user", Arc::new(UInt32Array::from_iter_values(users))),
            (
                "item",
                Arc::new(DictionaryArray::<Int32Type>::try_new(keys, Arc::new(titles)).unwrap()),
            ),
            ("rating", Arc::new(Int32Array::from_iter_values(stars))),
            (
                "timestamp",
                Arc::new(TimestampNanosecondArray::from_iter_values(nanos)),
            ),
        ],
        Compression::UNCOMPRESSED,
        30_000,
    );
    assert!(from_csv == bytes(&import_into(dir.path(), "narrow", &narrow, &[])));
}

#[test]
fn a_parquet_people_file_gives_the_store_of_its_csv_bit_for_bit() {
    let dir = tempdir();
    let rows = ml100k_rows();
    let (header, people) = ml100k_people_rows();
    assert_eq!(
        header,
        ["user_id", "age", "gender", "occupation", "zip_code"]
    );
    let csv = dir.path().join("ratings.csv");
    write_csv(&csv, &rows);
    let people_csv = dir.path().join("people.csv");
    let mut text = String::from("user,age,gender,occupation,zip_code\n");
    for person in &people {
        text.push_str(&person.join(","));
        text.push('\n');
    }
    std::fs::write(&people_csv, text).unwrap();
    let from_csv = import_into(dir.path(), "csv", &csv, &["--people", s(&people_csv)]);
    assert_eq!(info(&from_csv)["attributes"].as_array().unwrap().len(), 4);

    let parquet = dir.path().join("ratings.parquet");
    let names = ["customer_id", "item", "rating", "date"];
    write_parquet(
        &parquet,
        int_columns(&rows, names),
        Compression::SNAPPY,
        1 << 20,
    );
    let people_parquet = dir.path().join("people.parquet");
    let field = |k: usize| people.iter().map(move |p| p[k].clone());
    write_parquet(
        &people_parquet,
        vec![
            ("customer_id", ints(field(0).map(|u| u.parse().unwrap()))),
            ("age", ints(field(1).map(|a| a.parse().unwrap()))),
            ("gender", strings(field(2))),
            ("occupation", strings(field(3))),
            ("zip_code", strings(field(4))),
        ],
        Compression::SNAPPY,
        1 << 20,
    );
    let from_parquet = import_into(
        dir.path(),
        "parquet",
        &parquet,
        &[
            "--people",
            s(&people_parquet),
            "--columns",
            "user=customer_id",
        ],
    );
    assert!(bytes(&from_csv) == bytes(&from_parquet));
}

/// Imports `input` (a Parquet file) plus `extra`, expecting a one-line error; returns it, and
/// checks that nothing was written.
fn refused(dir: &Path, input: &Path, extra: &[&str]) -> String {
    let store = dir.join("out.deanon");
    let mut args = vec!["import", s(input)];
    args.extend_from_slice(extra);
    args.extend(["-o", s(&store)]);
    let err = fails(&args);
    assert!(!store.exists(), "no store may be left behind: {err}");
    assert!(err.contains(s(input)), "the error names the file: {err}");
    err
}

#[test]
fn bad_parquet_files_are_one_line_errors_naming_row_and_column() {
    let dir = tempdir();
    let path = dir.path().join("bad.parquet");
    let write = |columns: Vec<(&str, ArrayRef)>| {
        write_parquet(&path, columns, Compression::SNAPPY, 2);
    };
    let users = || ints([1, 2, 3].into_iter());
    let items = || strings(["a", "b", "c"].map(String::from).into_iter());

    write(vec![
        ("user", users()),
        ("item", items()),
        ("stars", Arc::new(Float64Array::from(vec![4.0, 3.5, 4.3]))),
    ]);
    let err = refused(dir.path(), &path, &["--columns", "rating=stars"]);
    assert!(
        err.contains("bad.parquet: row 3: column 'stars': rating '4.3' is not a number of stars"),
        "{err}"
    );
    let err = refused(dir.path(), &path, &["--columns", "rating=score"]);
    assert!(
        err.contains(
            "no column 'score' (--columns rating=score); the columns are: user, item, stars"
        ),
        "{err}"
    );
    let err = refused(dir.path(), &path, &["--delimiter", ";"]);
    assert!(err.contains("--delimiter applies to CSV files"), "{err}");

    write(vec![
        ("user", users()),
        (
            "item",
            strings(["a", "b", "a"].map(String::from).into_iter()),
        ),
        (
            "date",
            strings(
                ["2023-01-02", "2023-01-02T25:00:00", "x"]
                    .map(String::from)
                    .into_iter(),
            ),
        ),
    ]);
    let err = refused(dir.path(), &path, &[]);
    assert!(
        err.contains("bad.parquet: row 2: column 'date': date '2023-01-02T25:00:00'"),
        "{err}"
    );

    let day = |d: i32| Arc::new(Date32Array::from(vec![d, d, d])) as ArrayRef;
    write(vec![
        ("user", ints([1, 2, 1].into_iter())),
        (
            "item",
            strings(["a", "b", "a"].map(String::from).into_iter()),
        ),
        ("date", day(19_000)),
    ]);
    let err = refused(dir.path(), &path, &[]);
    assert!(
        err.contains("bad.parquet: row 3: user 1 rated item a twice")
            && err.ends_with("first at row 1\n"),
        "{err}"
    );
    write(vec![
        ("user", users()),
        ("item", items()),
        ("date", day(-1)),
    ]);
    let err = refused(dir.path(), &path, &[]);
    assert!(
        err.contains("row 1: column 'date': date '1969-12-31' is before 1970-01-01"),
        "{err}"
    );

    write(vec![
        (
            "user",
            Arc::new(Int64Array::from(vec![Some(1), None, Some(3)])),
        ),
        ("item", items()),
    ]);
    let err = refused(dir.path(), &path, &[]);
    assert!(err.contains("bad.parquet: row 2: user: empty id"), "{err}");

    write(vec![
        (
            "user",
            Arc::new(BooleanArray::from(vec![true, false, true])),
        ),
        ("item", items()),
    ]);
    let err = refused(dir.path(), &path, &[]);
    assert!(
        err.contains(
            "column 'user' (user) is of type Boolean; a user column holds integers or strings"
        ),
        "{err}"
    );

    std::fs::write(&path, "user,item\n1,2\n").unwrap();
    let err = refused(dir.path(), &path, &[]);
    assert!(err.contains("not a readable Parquet file"), "{err}");
}

#[test]
fn a_codec_this_build_does_not_read_is_named() {
    let dir = tempdir();
    let path = dir.path().join("gzip.parquet");
    write_parquet(
        &path,
        vec![
            ("user", ints([1, 2].into_iter())),
            ("item", ints([3, 4].into_iter())),
        ],
        Compression::UNCOMPRESSED,
        10,
    );
    // This build cannot write GZIP either, so the footer is edited: a column chunk's metadata
    // (Thrift compact) lists its path, then field 4, the codec, as the bytes 0x15 and the
    // zigzag varint of the codec's number, UNCOMPRESSED 0 -> GZIP 2.
    let mut data = bytes(&path);
    let pattern = [b"item".as_slice(), &[0x15, 0x00]].concat();
    let at = data
        .windows(pattern.len())
        .rposition(|w| w == pattern)
        .expect("the item column's codec in the footer");
    data[at + pattern.len() - 1] = 0x04;
    std::fs::write(&path, data).unwrap();
    let err = refused(dir.path(), &path, &[]);
    assert!(
        err.contains("column 'item' is compressed with gzip, which deanon does not read")
            && err.contains("snappy or zstd"),
        "{err}"
    );
}
