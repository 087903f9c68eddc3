//! An audit's folder: a [`RunFolder`] whose part files, one per policy (mode 0600: they name
//! people), `--resume` reads back; and risk.csv.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::{Adversary, PolicyResult};
use crate::atomic_file::write_naming_people;
use crate::dataset::Dataset;
use crate::file_roles::FolderWrites;
use crate::release::Policy;
use crate::resumable::RunFolder;
use crate::{Error, Result};

/// One row of risk.csv.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(super) struct RiskRow {
    pub(super) adversary: usize,
    pub(super) person: u32,
    pub(super) risk: f64,
    pub(super) best_guess: f64,
}

/// A policy's part file: its result and its people's risks (mode 0600).
#[derive(Serialize, Deserialize)]
pub(super) struct Part {
    pub(super) result: PolicyResult,
    pub(super) rows: Vec<RiskRow>,
}

/// The format of an audit's part files: a change of what they hold bumps it, so that
/// `--resume` refuses the parts of an earlier version.
const PART_FORMAT: u32 = 1;

/// The run folder of an audit writing into `dir`.
pub fn run_folder(dir: &Path) -> RunFolder {
    RunFolder {
        dir: dir.to_path_buf(),
        kind: "audit",
        results: "parts",
        format: PART_FORMAT,
    }
}

/// Where everything of an audit goes: a [`RunFolder`] whose result files are the parts.
pub(super) struct Layout {
    pub(super) folder: RunFolder,
}

impl Layout {
    pub(super) fn new(dir: &Path) -> Layout {
        Layout {
            folder: run_folder(dir),
        }
    }
    pub(super) fn part(&self, k: usize) -> PathBuf {
        self.folder.results().join(format!("policy-{k:03}.json"))
    }
}

/// What an audit writes into its folder (the plots are its .svg and .png files).
pub const FOLDER_WRITES: FolderWrites = FolderWrites {
    names: &["audit.json", "report.html", "risk.csv", "state.json"],
    extensions: &["svg", "png"],
    subfolders: &["parts"],
};

/// The part file of the policy `spec` written by an earlier run of this audit, `None` when
/// there is none; one of another policy, or that names people the data (of `people` records)
/// does not hold, is an error.
pub(super) fn load_part(path: &Path, spec: &str, people: usize) -> Result<Option<Part>> {
    let Some(part) = crate::atomic_file::read_json::<Part>(path)? else {
        return Ok(None);
    };
    if part.result.policy != spec {
        return Err(Error::input(
            path,
            format!(
                "is the part of the policy '{}', not of '{spec}': the folder holds another audit; delete it to recompute",
                part.result.policy
            ),
        ));
    }
    if part.rows.iter().any(|r| r.person as usize >= people) {
        return Err(Error::input(
            path,
            "names people the data does not hold: the folder holds an audit of other data; delete it to recompute",
        ));
    }
    Ok(Some(part))
}

/// JSON of a file that names people: mode 0600.
pub(super) fn write_private_json<T: Serialize>(path: &Path, value: &T) -> Result<()> {
    write_naming_people(path, |w| {
        serde_json::to_writer(&mut *w, value).map_err(std::io::Error::other)?;
        writeln!(w)
    })
}

/// risk.csv: `policy,adversary,person,entries,risk,best_guess`, mode 0600.
pub(super) fn write_risk_csv(
    original: &Dataset,
    policies: &[(String, Policy)],
    adversaries: &[Adversary],
    parts: &[Part],
    path: &Path,
) -> Result<()> {
    let quote = |t: &str| {
        if t.contains([',', '"', '|']) {
            format!("\"{}\"", t.replace('"', "\"\""))
        } else {
            t.to_string()
        }
    };
    write_naming_people(path, |w| {
        writeln!(w, "policy,adversary,person,entries,risk,best_guess")?;
        for (part, (spec, _)) in parts.iter().zip(policies) {
            for row in &part.rows {
                writeln!(
                    w,
                    "{},{},{},{},{},{}",
                    quote(spec),
                    quote(&adversaries[row.adversary].name),
                    quote(original.record_ids().get(row.person as usize)),
                    original.record(row.person).len(),
                    row.risk,
                    row.best_guess
                )?;
            }
        }
        Ok(())
    })
}
