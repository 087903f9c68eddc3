//! An audit's folder: the per-policy part files (mode 0600: they name people) that `--resume`
//! reads back, the state that refuses another audit's folder, and risk.csv.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::{Adversary, PolicyResult};
use crate::atomic_file::{write_json, write_naming_people};
use crate::dataset::Dataset;
use crate::file_roles::FolderWrites;
use crate::release::Policy;
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

/// Where everything of an audit goes.
pub(super) struct Layout {
    pub(super) dir: PathBuf,
}

impl Layout {
    pub(super) fn parts(&self) -> PathBuf {
        self.dir.join("parts")
    }
    pub(super) fn part(&self, k: usize) -> PathBuf {
        self.parts().join(format!("policy-{k:03}.json"))
    }
    pub(super) fn state(&self) -> PathBuf {
        self.dir.join("state.json")
    }
}

#[derive(Serialize, Deserialize, PartialEq)]
pub(super) struct State {
    pub(super) settings: String,
}

/// What an audit writes into its folder (the plots are its .svg and .png files).
pub const FOLDER_WRITES: FolderWrites = FolderWrites {
    names: &["audit.json", "report.html", "risk.csv", "state.json"],
    extensions: &["svg", "png"],
    subfolders: &["parts"],
};

/// Makes the folder ready for this audit: a new one, or with `resume` one that holds this
/// audit's state. Part files without a state are refused whatever the flags: nothing says
/// whose they are. Returns whether the audit starts afresh (no state before).
pub(super) fn prepare_dir(layout: &Layout, settings: &str, resume: bool) -> Result<bool> {
    let dir = &layout.dir;
    let state = State {
        settings: format!("{:016x}", xxhash_rust::xxh3::xxh3_64(settings.as_bytes())),
    };
    let old = crate::atomic_file::read_json::<State>(&layout.state())?;
    if old.is_none() && crate::file_roles::holds_files(&layout.parts()) {
        return Err(Error::input(
            dir,
            "holds part files (parts/) but no state.json, so nothing says which audit made them; delete parts/ or use another output folder",
        ));
    }
    std::fs::create_dir_all(layout.parts()).map_err(|e| Error::io(&layout.parts(), e))?;
    let fresh = old.is_none();
    if let Some(old) = old {
        if old != state {
            return Err(Error::input(
                dir,
                "holds an audit of other data or settings; use another output folder",
            ));
        }
        if !resume {
            return Err(Error::input(
                dir,
                "holds this audit already; pass --resume to finish or reuse it",
            ));
        }
    }
    write_json(&layout.state(), &state)?;
    Ok(fresh)
}

/// After a failed audit that started afresh: its part files and state go, so that the same
/// command, corrected, runs without `--resume` (a killed audit keeps them, to be resumed).
pub(super) fn abandon(layout: &Layout) {
    let _ = std::fs::remove_dir_all(layout.parts());
    let _ = std::fs::remove_file(layout.state());
}

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
