//! The manual's commands run as written. A block fenced `sh` is run with `bash -euo pipefail`,
//! the built binary first on the PATH, the blocks of one file in order in one fresh folder (so
//! a file's blocks may build on each other), and what the text says of their results is
//! checked. Not run: `text` blocks (output samples, the Slurm script, which needs a cluster, and
//! commands on the Netflix Prize files, which cannot be had offline), `python` blocks (the
//! package's own tests are python/tests) and `rust` blocks; nor commands quoted inside a
//! sentence or a table, which record full-scale measurements. The README's set-up block is CI's
//! own command line.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::*;

fn sh_blocks(markdown: &str) -> Vec<String> {
    let mut blocks = Vec::new();
    let mut current: Option<String> = None;
    for line in markdown.lines() {
        match (&mut current, line.trim_end()) {
            (None, "```sh") => current = Some(String::new()),
            (Some(_), "```") => blocks.push(current.take().unwrap()),
            (Some(block), _) => {
                block.push_str(line);
                block.push('\n');
            }
            (None, _) => {}
        }
    }
    blocks
}

/// Runs `blocks` in order in `dir` with the built binary first on the PATH; returns each one's
/// stdout.
fn run_blocks(doc: &str, blocks: &[String], dir: &Path) -> Vec<String> {
    let bin = Path::new(env!("CARGO_BIN_EXE_deanon")).parent().unwrap();
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap());
    let mut stdout = Vec::new();
    for (k, block) in blocks.iter().enumerate() {
        let out = Command::new("bash")
            .args(["-euo", "pipefail", "-c", block])
            .current_dir(dir)
            .env("PATH", &path)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{doc}: sh block {k} failed:\n{block}\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        stdout.push(String::from_utf8_lossy(&out.stdout).into_owned());
    }
    stdout
}

/// The Markdown files whose `sh` blocks [`every_sh_block_of_the_docs_runs_as_written`] runs.
fn docs() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut docs: Vec<PathBuf> = std::fs::read_dir(root.join("docs"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    docs.sort();
    docs.push(root.join("experiments/README.md"));
    docs
}

#[test]
fn every_sh_block_of_the_docs_runs_as_written() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for doc in docs() {
        let blocks = sh_blocks(&std::fs::read_to_string(&doc).unwrap());
        if blocks.is_empty() {
            continue;
        }
        let name = doc.strip_prefix(root).unwrap().display().to_string();
        let dir = tempdir();
        let dir = dir.path();
        // experiments/README.md's commands run from the repository root, beside its configs.
        if name == "experiments/README.md" {
            std::fs::create_dir(dir.join("experiments")).unwrap();
            for config in std::fs::read_dir(root.join("experiments")).unwrap() {
                let config = config.unwrap().path();
                if config.extension().is_some_and(|e| e == "toml") {
                    std::fs::copy(
                        &config,
                        dir.join("experiments").join(config.file_name().unwrap()),
                    )
                    .unwrap();
                }
            }
        }
        if blocks.iter().any(|b| b.contains("ml-100k.inter")) {
            std::fs::copy(ml100k(), dir.join("ml-100k.inter")).unwrap();
        }
        let stdout = run_blocks(&name, &blocks, dir);
        // What the text says of the results.
        match name.as_str() {
            "docs/audit.md" => {
                assert!(dir.join("audit/report.html").exists());
                // The release made elsewhere, blind and with its policy stated: named, and
                // far over the target either way.
                for (folder, policy) in [("audit-blind", "unknown"), ("audit-stated", "stated")] {
                    let a = read_json(&dir.join(folder).join("audit.json"));
                    assert_eq!(a["released"]["file"], "vendor.deanon");
                    assert_eq!(a["released"]["policy"], policy);
                    assert_eq!(a["released"]["meets_target"], false);
                }
            }
            "docs/attack.md" => {
                // "MATCHES.csv gains a posterior column, and the summary a reliability table".
                let matches = std::fs::read_to_string(dir.join("lk.csv")).unwrap();
                assert!(
                    matches
                        .lines()
                        .next()
                        .unwrap()
                        .ends_with(",sigma,posterior")
                );
                let summary = read_json(&dir.join("lk.json"));
                assert_eq!(summary["reliability"].as_array().unwrap().len(), 7);
                assert_eq!(summary["membership"], 0.5, "informed of the sample");
            }
            "docs/cohorts.md" => {
                // "prints the seasonal title's id (230)"; the measured table's first row.
                assert!(stdout[0].contains("230"), "{}", stdout[0]);
                let statement = read_json(&dir.join("statement.json"));
                assert_eq!(statement["cohort_size"], 23);
                assert_eq!(statement["dp_count"], 21);
            }
            "docs/performance.md" => assert!(dir.join("s.json").exists()),
            "experiments/README.md" => {
                assert!(dir.join("out/fig4-small/results.csv").exists());
                assert!(dir.join("out/ln-ml100k/results.csv").exists());
            }
            _ => {}
        }
    }
}

/// Every `--example NAME`, `--bench NAME` and `examples/NAME.rs` the documentation names exists.
#[test]
fn the_examples_and_benches_the_docs_name_exist() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = docs();
    files.extend(["README.md", "ARCHITECTURE.md"].map(|f| root.join(f)));
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        for (flag, folder) in [("--example ", "examples"), ("--bench ", "benches")] {
            for (at, _) in text.match_indices(flag) {
                let name: String = text[at + flag.len()..]
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                let path = root.join(folder).join(format!("{name}.rs"));
                assert!(
                    path.is_file(),
                    "{}: {flag}{name}: no {}",
                    file.display(),
                    path.display()
                );
            }
        }
        for (at, _) in text.match_indices("examples/") {
            let name: String = text[at + "examples/".len()..]
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '.')
                .collect();
            if let Some(stem) = name.strip_suffix(".rs") {
                let path = root.join("examples").join(format!("{stem}.rs"));
                assert!(path.is_file(), "{}: no {}", file.display(), path.display());
            }
        }
    }
}

#[test]
fn the_readme_tour_runs_as_written_and_says_what_it_finds() {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let blocks = sh_blocks(&readme);
    assert!(
        blocks[0].contains("cargo run --release -- demo") && blocks[0].contains("bash .ci/run"),
        "the README starts with the two set-up commands"
    );
    let dir = tempdir();
    run_blocks("README", &blocks[1..], dir.path());
    // "deanon info rel.deanon  # ... release policy    date-coarsen:to=year|rating-noise:scale=1"
    let info = info(&dir.path().join("rel.deanon"));
    assert_eq!(info["policy"], "date-coarsen:to=year|rating-noise:scale=1");
    // "The policy-blind Scoreboard-RH names nobody (0.0% ...)"
    let blind = read_json(&dir.path().join("blind.json"));
    assert_eq!(blind["algorithm"], "scoreboard-rh");
    assert_eq!(
        format!("{:.1}", 100.0 * blind["recall"].as_f64().unwrap()),
        "0.0"
    );
    // "... with Scoreboard-RH-norm names 70.2% of the targets correctly, with precision 0.97."
    let s = read_json(&dir.path().join("s.json"));
    assert_eq!(s["informed"], true);
    assert_eq!(
        format!("{:.1}", 100.0 * s["recall"].as_f64().unwrap()),
        "70.2"
    );
    assert_eq!(format!("{:.2}", s["precision"].as_f64().unwrap()), "0.97");
    // "the likelihood-ratio algorithm ... names 77.5% with precision 0.95 ... (of the guesses it
    // gives a posterior of 0.9 to 0.99, 96% are right)"
    let lk = read_json(&dir.path().join("lk.json"));
    let pct = |v: &serde_json::Value| format!("{:.1}", 100.0 * v.as_f64().unwrap());
    assert_eq!(pct(&lk["recall"]), "77.5");
    assert_eq!(format!("{:.2}", lk["precision"].as_f64().unwrap()), "0.95");
    let bin = &lk["reliability"][5];
    assert_eq!(
        (bin["low"].as_f64(), pct(&bin["accuracy"])),
        (Some(0.9), "96.0".into())
    );
    // The audit's recommendation survives the informed adversaries.
    let audit = read_json(&dir.path().join("audit/audit.json"));
    assert_eq!(
        audit["recommended"],
        "date-drop|rating-drop|truncate:max_per_record=2|attr-drop:name=region|attr-generalize:name=age,width=20"
    );
    assert!(dir.path().join("audit/report.html").exists());
}
