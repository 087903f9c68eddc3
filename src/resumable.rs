//! A resumable run folder, shared by the audit (`parts/`) and the experiment (`cells/`): the
//! result files a long run writes as it goes, and `state.json`, which says whose they are.
//!
//! The state holds a [`Fingerprint`]: a hash of the run's kind, its format version and its
//! serialized settings, so that a folder is read back only by the run that wrote it. A setting
//! that changes a figure is part of the settings struct a run serializes (the runs build theirs
//! by destructuring their parameters, so that a new parameter does not compile until it is
//! placed in the fingerprint or left out with a reason); a change of what the files hold bumps
//! the format version. Both refuse the folder of an earlier run.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::atomic_file::{read_json, write_json};
use crate::{Error, Result};

/// What identifies a run's folder: a hash of its kind, format version and settings.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fingerprint(String);

impl Fingerprint {
    /// The fingerprint of a run of `kind` (as "audit"), whose files are of format `format`,
    /// with `settings` (everything that changes what its files hold).
    pub fn of(kind: &str, format: u32, settings: &impl Serialize) -> Fingerprint {
        let serialized =
            serde_json::to_vec(&(kind, format, settings)).expect("run settings serialize to JSON");
        Fingerprint(format!("{:032x}", xxhash_rust::xxh3::xxh3_128(&serialized)))
    }
}

/// state.json.
#[derive(Serialize, Deserialize, PartialEq)]
struct State {
    /// The run's kind.
    run: String,
    /// The format version of its files.
    format: u32,
    /// Its fingerprint.
    fingerprint: Fingerprint,
}

/// A run folder: `dir`, its result files in `dir/<results>`, its state in `dir/state.json`.
pub struct RunFolder {
    /// The folder.
    pub dir: PathBuf,
    /// The kind of run that writes it, as users name it ("audit", "experiment").
    pub kind: &'static str,
    /// The subfolder of its result files ("parts", "cells").
    pub results: &'static str,
    /// The format version of those files.
    pub format: u32,
}

impl RunFolder {
    /// The subfolder of the result files.
    pub fn results(&self) -> PathBuf {
        self.dir.join(self.results)
    }

    /// state.json.
    pub fn state(&self) -> PathBuf {
        self.dir.join("state.json")
    }

    /// This run's fingerprint, for `settings`.
    pub fn fingerprint(&self, settings: &impl Serialize) -> Fingerprint {
        Fingerprint::of(self.kind, self.format, settings)
    }

    /// Makes the folder ready for the run with `fingerprint`: a new one, or with `resume` one
    /// that holds this run's state. Result files without a state are refused whatever the
    /// flags: nothing says whose they are. Returns whether the run starts afresh (no state
    /// before).
    pub fn prepare(&self, fingerprint: &Fingerprint, resume: bool) -> Result<bool> {
        let (dir, kind, results) = (&self.dir, self.kind, self.results);
        let old = self.read_state()?;
        if old.is_none() && crate::file_roles::holds_files(&self.results()) {
            return Err(Error::input(
                dir,
                format!(
                    "holds result files ({results}/) but no state.json, so nothing says which {kind} made them; delete {results}/ or use another output folder"
                ),
            ));
        }
        std::fs::create_dir_all(self.results()).map_err(|e| Error::io(&self.results(), e))?;
        let state = State {
            run: kind.to_string(),
            format: self.format,
            fingerprint: fingerprint.clone(),
        };
        let fresh = old.is_none();
        if let Some(old) = old {
            if old.run != kind {
                return Err(Error::input(
                    dir,
                    format!(
                        "holds a run of `deanon {}`; use another output folder",
                        old.run
                    ),
                ));
            }
            if old.format != self.format {
                return Err(Error::input(
                    dir,
                    format!(
                        "holds {kind} results written by another version of deanon (files of format {}, this version writes {}); delete the folder or use another",
                        old.format, self.format
                    ),
                ));
            }
            if old != state {
                return Err(Error::input(
                    dir,
                    format!(
                        "holds the results of another {kind} (other data or settings); use another output folder"
                    ),
                ));
            }
            if !resume {
                return Err(Error::input(
                    dir,
                    format!("holds this {kind} already; pass --resume to finish or reuse it"),
                ));
            }
        }
        write_json(&self.state(), &state)?;
        Ok(fresh)
    }

    /// Whether the folder holds a run's state or result files.
    pub fn holds_a_run(&self) -> bool {
        self.state().exists() || self.results().exists()
    }

    /// The folder's state, if any; one of an earlier format of state.json is a clear error.
    fn read_state(&self) -> Result<Option<State>> {
        let Some(value) = read_json::<serde_json::Value>(&self.state())? else {
            return Ok(None);
        };
        serde_json::from_value(value).map(Some).map_err(|_| {
            Error::input(
                &self.state(),
                format!(
                    "is the state of a run written by an earlier version of deanon; delete {} or use another output folder",
                    self.dir.display()
                ),
            )
        })
    }

    /// After a failed run that started afresh: its result files and state go, so that the same
    /// command, corrected, runs without `--resume` (a killed run keeps them, to be resumed).
    pub fn abandon(&self) {
        let _ = std::fs::remove_dir_all(self.results());
        let _ = std::fs::remove_file(self.state());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[derive(Serialize)]
    struct Settings {
        seed: u64,
        policies: Vec<String>,
    }

    fn folder(dir: &Path, format: u32) -> RunFolder {
        RunFolder {
            dir: dir.to_path_buf(),
            kind: "audit",
            results: "parts",
            format,
        }
    }

    #[test]
    fn the_fingerprint_follows_the_kind_the_format_and_every_setting() {
        let settings = |seed| Settings {
            seed,
            policies: vec!["dp:epsilon=1".into()],
        };
        let a = Fingerprint::of("audit", 1, &settings(0));
        assert_eq!(a, Fingerprint::of("audit", 1, &settings(0)));
        assert_ne!(a, Fingerprint::of("audit", 1, &settings(1)));
        assert_ne!(a, Fingerprint::of("audit", 2, &settings(0)));
        assert_ne!(a, Fingerprint::of("experiment", 1, &settings(0)));
    }

    #[test]
    fn a_folder_is_read_back_only_by_its_own_run_with_resume() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("out");
        let f = folder(&dir, 1);
        let mine = f.fingerprint(&1u64);
        assert!(
            f.prepare(&mine, false).unwrap(),
            "a new folder starts afresh"
        );
        let again = f.prepare(&mine, false).unwrap_err().to_string();
        assert!(again.contains("--resume"), "{again}");
        assert!(!f.prepare(&mine, true).unwrap(), "resumed");
        let other = f.prepare(&f.fingerprint(&2u64), true).unwrap_err();
        assert!(
            other.to_string().contains("other data or settings"),
            "{other}"
        );
        let newer = folder(&dir, 2);
        let err = newer.prepare(&newer.fingerprint(&1u64), true).unwrap_err();
        assert!(err.to_string().contains("another version"), "{err}");
        let experiment = RunFolder {
            kind: "experiment",
            ..folder(&dir, 1)
        };
        let err = experiment.prepare(&mine, true).unwrap_err().to_string();
        assert!(err.contains("deanon audit"), "{err}");
        // A state of the format before fingerprints were hashed from settings.
        std::fs::write(f.state(), r#"{"settings":"00ff"}"#).unwrap();
        let err = f.prepare(&mine, true).unwrap_err().to_string();
        assert!(err.contains("earlier version"), "{err}");
    }

    #[test]
    fn result_files_without_a_state_are_refused_and_a_failed_fresh_run_leaves_nothing() {
        let tmp = tempfile::tempdir().unwrap();
        let f = folder(tmp.path(), 1);
        std::fs::create_dir_all(f.results()).unwrap();
        std::fs::write(f.results().join("policy-000.json"), "{}").unwrap();
        for resume in [false, true] {
            let err = f.prepare(&f.fingerprint(&0u8), resume).unwrap_err();
            assert!(err.to_string().contains("no state.json"), "{err}");
        }
        std::fs::remove_dir_all(f.results()).unwrap();
        assert!(!f.holds_a_run());
        assert!(f.prepare(&f.fingerprint(&0u8), false).unwrap());
        assert!(f.holds_a_run());
        f.abandon();
        assert!(!f.holds_a_run());
    }
}
