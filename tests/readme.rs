//! The README's tour runs as written: every `sh` block after the set-up commands is run with
//! the built binary first on the PATH, in a fresh folder, and what the text says of its results
//! is checked. (The set-up block itself is CI's own command line.)

mod common;

use std::path::Path;
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
    let bin = Path::new(env!("CARGO_BIN_EXE_deanon")).parent().unwrap();
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap());
    for (k, block) in blocks.iter().enumerate().skip(1) {
        let out = Command::new("bash")
            .args(["-euo", "pipefail", "-c", block])
            .current_dir(dir.path())
            .env("PATH", &path)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "README block {k} failed:\n{block}\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
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
    // The audit's recommendation survives the informed adversaries.
    let audit = read_json(&dir.path().join("audit/audit.json"));
    assert_eq!(
        audit["recommended"],
        "date-drop|rating-drop|truncate:max_per_record=5"
    );
    assert!(dir.path().join("audit/report.html").exists());
}
