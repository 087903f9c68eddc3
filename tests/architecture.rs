//! The study layer's rule, checked on the source: the studies (audit, experiment, cohort, the
//! command jobs, the demo) run their scenarios through `deanon::study`. None of them calls the
//! linkage engine, builds a scorer, maps an adversary's facts by the policy or makes a release
//! itself, so that a change to how a scenario runs is made in one place.

use std::path::{Path, PathBuf};

/// What only the study layer (and the engine below it) may write.
const WIRING: [&str; 6] = [
    "linkage::attack(",
    "Scorer::new(",
    "knowledge.map(",
    ".map_record(",
    "release::release(",
    "release_without(",
];

/// Rust files under `dir` (or `dir` itself when it is a file).
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    if dir.is_file() {
        return vec![dir.to_path_buf()];
    }
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
    out
}

#[test]
fn no_study_wires_the_pipeline_itself() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let studies = [
        "src/audit",
        "src/experiment",
        "src/cohort",
        "src/inference",
        "src/demo.rs",
        "src/jobs.rs",
        "python/src",
    ];
    let mut found = Vec::new();
    for study in studies {
        for file in rust_files(&root.join(study)) {
            let text = std::fs::read_to_string(&file).unwrap();
            // A file's unit tests may build what they test.
            let source = text.split("#[cfg(test)]").next().unwrap_or("");
            for (n, line) in source.lines().enumerate() {
                let code = line.split("//").next().unwrap_or("");
                for wiring in WIRING {
                    // The `release` command's jobs write the release they make: that is their
                    // job, not a study's scenario.
                    let the_release_command =
                        file.ends_with("src/jobs.rs") && wiring.starts_with("release");
                    if code.contains(wiring) && !the_release_command {
                        found.push(format!("{}:{}: {}", file.display(), n + 1, line.trim()));
                    }
                }
            }
        }
    }
    assert!(
        found.is_empty(),
        "studies wire the pipeline themselves instead of through deanon::study:\n{}",
        found.join("\n")
    );
}

#[test]
fn the_rule_sees_a_study_that_wires_the_pipeline() {
    // The check above would pass on an empty tree: make sure it reads the files it names.
    let audit =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("src/study/scene.rs"))
            .unwrap();
    assert!(audit.contains("linkage::attack("));
    assert!(
        rust_files(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src/audit")).len() > 10,
        "the audit's files are found"
    );
}
