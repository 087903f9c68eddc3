//! Helpers shared by the end-to-end tests: run the real binary, make files.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Runs `deanon` with `args`.
pub fn deanon(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_deanon"))
        .args(args)
        .arg("--quiet")
        .output()
        .expect("the deanon binary runs")
}

/// Runs `deanon` and asserts success; returns stdout.
pub fn ok(args: &[&str]) -> String {
    let out = deanon(args);
    assert!(
        out.status.success(),
        "deanon {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

/// Runs `deanon`, asserts failure with one line on stderr; returns stderr.
pub fn fails(args: &[&str]) -> String {
    let out = deanon(args);
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(
        !out.status.success(),
        "deanon {args:?} should fail; stderr: {stderr}"
    );
    assert_eq!(out.status.code(), Some(1), "exit code for {args:?}");
    assert_eq!(
        stderr.trim_end().lines().count(),
        1,
        "one-line error expected, got: {stderr}"
    );
    stderr
}

/// A fresh temporary folder.
pub fn tempdir() -> tempfile::TempDir {
    tempfile::tempdir().expect("temporary folder")
}

/// Writes `content` to `dir/name` and returns the path.
pub fn write(dir: &Path, name: &str, content: &str) -> PathBuf {
    let path = dir.join(name);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    std::fs::write(&path, content).unwrap();
    path
}

/// A path as &str.
pub fn s(path: &Path) -> &str {
    path.to_str().expect("UTF-8 path")
}

/// `info --json` of a store.
pub fn info(store: &Path) -> serde_json::Value {
    serde_json::from_str(&ok(&["info", s(store), "--json"])).expect("info --json is JSON")
}

/// A JSON file, parsed.
pub fn read_json(path: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(path).expect("JSON file exists"))
        .expect("valid JSON")
}

/// Runs `deanon attack RELEASE --aux AUX` plus `extra` arguments, writing MATCHES.csv and the
/// summary beside the aux file; returns the summary.
pub fn attack_summary(release: &Path, aux: &Path, extra: &[&str]) -> serde_json::Value {
    let matches = aux.with_extension("matches.csv");
    let summary = aux.with_extension("summary.json");
    let mut args = vec![
        "attack",
        s(release),
        "--aux",
        s(aux),
        "-o",
        s(&matches),
        "--summary",
        s(&summary),
    ];
    args.extend_from_slice(extra);
    ok(&args);
    read_json(&summary)
}

/// A netflix-like twin of `users` people made with `seed`, as `dir/twin-USERS-SEED.deanon`.
pub fn twin(dir: &Path, users: usize, seed: u64) -> PathBuf {
    let path = dir.join(format!("twin-{users}-{seed}.deanon"));
    ok(&[
        "generate",
        "--preset",
        "netflix-like",
        "--users",
        &users.to_string(),
        "--seed",
        &seed.to_string(),
        "-o",
        s(&path),
    ]);
    path
}
