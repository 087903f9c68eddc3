//! The `.deanon` store: generation is deterministic whatever the thread count, and corrupt,
//! truncated or foreign files are clear errors.

mod common;

use std::io::{Seek, SeekFrom, Write};

use common::*;

fn generate(dir: &std::path::Path, name: &str, preset: &str, threads: &str) -> std::path::PathBuf {
    let out = dir.join(name);
    ok(&[
        "generate",
        "--preset",
        preset,
        "--users",
        "4000",
        "--seed",
        "11",
        "--threads",
        threads,
        "-o",
        s(&out),
    ]);
    out
}

#[test]
fn same_seed_same_bytes_whatever_the_thread_count() {
    let dir = tempdir();
    for preset in ["netflix-like", "movielens-like", "views-like"] {
        let one = generate(dir.path(), "one.deanon", preset, "1");
        let two = generate(dir.path(), "two.deanon", preset, "2");
        let four = generate(dir.path(), "four.deanon", preset, "4");
        let a = std::fs::read(one).unwrap();
        assert_eq!(a, std::fs::read(two).unwrap(), "{preset}: 1 vs 2 threads");
        assert_eq!(a, std::fs::read(four).unwrap(), "{preset}: 1 vs 4 threads");
    }
}

#[test]
fn generated_info_has_the_contract_fields() {
    let dir = tempdir();
    let store = generate(dir.path(), "n.deanon", "netflix-like", "2");
    let info = info(&store);
    for key in [
        "records",
        "items",
        "entries",
        "has_ratings",
        "has_dates",
        "date_min",
        "date_max",
    ] {
        assert!(info.get(key).is_some(), "info --json lacks {key}");
    }
    assert_eq!(info["records"], 4000);
    assert_eq!(
        info["items"], 148,
        "17770 items scaled to 4000 of 480189 users"
    );
    assert!(info["date_min"].as_str().unwrap() >= "1999-11-11");
    assert!(info["date_max"].as_str().unwrap() <= "2005-12-31");
}

fn corrupt_at(path: &std::path::Path, offset: u64) {
    let mut f = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(path)
        .unwrap();
    f.seek(SeekFrom::Start(offset)).unwrap();
    let mut byte = [0u8; 1];
    std::io::Read::read_exact(&mut f, &mut byte).unwrap();
    f.seek(SeekFrom::Start(offset)).unwrap();
    f.write_all(&[byte[0] ^ 0x5a]).unwrap();
}

#[test]
fn corrupted_section_is_detected() {
    let dir = tempdir();
    let store = generate(dir.path(), "n.deanon", "netflix-like", "2");
    let offset = deanon::dataset::store::section_offset(&store, "item_records").unwrap();
    corrupt_at(&store, offset + 1000);
    let err = fails(&["info", s(&store)]);
    assert!(
        err.contains("item_records") && err.contains("corrupt"),
        "{err}"
    );
}

#[test]
fn corrupted_header_is_detected() {
    let dir = tempdir();
    let store = generate(dir.path(), "n.deanon", "netflix-like", "2");
    corrupt_at(&store, 40);
    let err = fails(&["info", s(&store)]);
    assert!(err.contains("header") && err.contains("corrupt"), "{err}");
}

#[test]
fn truncated_file_is_detected() {
    let dir = tempdir();
    let store = generate(dir.path(), "n.deanon", "netflix-like", "2");
    let len = std::fs::metadata(&store).unwrap().len();
    std::fs::OpenOptions::new()
        .write(true)
        .open(&store)
        .unwrap()
        .set_len(len / 2)
        .unwrap();
    let err = fails(&["info", s(&store)]);
    assert!(err.contains("truncated"), "{err}");
}

#[test]
fn foreign_file_is_detected() {
    let dir = tempdir();
    let path = write(dir.path(), "x.deanon", "user,item\n1,2\n");
    let err = fails(&["info", s(&path)]);
    assert!(err.contains("x.deanon") && err.contains("magic"), "{err}");
    let empty = write(dir.path(), "e.deanon", "");
    let err = fails(&["info", s(&empty)]);
    assert!(err.contains("magic"), "{err}");
}
