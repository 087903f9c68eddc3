//! An audit's folder: the per-policy part files (mode 0600: they name people) that `--resume`
//! reads back, the state that refuses another audit's folder, and risk.csv.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::{Adversary, PolicyResult};
use crate::atomic_file::{write_atomically_with_mode, write_json};
use crate::dataset::Dataset;
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

pub(super) fn prepare_dir(layout: &Layout, settings: &str, resume: bool) -> Result<()> {
    let dir = &layout.dir;
    std::fs::create_dir_all(layout.parts()).map_err(|e| Error::io(&layout.parts(), e))?;
    let state = State {
        settings: format!("{:016x}", xxhash_rust::xxh3::xxh3_64(settings.as_bytes())),
    };
    if let Some(old) = crate::atomic_file::read_json::<State>(&layout.state())? {
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
    write_json(&layout.state(), &state)
}

pub(super) fn load_part(path: &Path) -> Result<Option<Part>> {
    crate::atomic_file::read_json(path)
}

/// JSON of a file that names people: mode 0600.
pub(super) fn write_private_json<T: Serialize>(path: &Path, value: &T) -> Result<()> {
    write_atomically_with_mode(path, Some(0o600), |w| {
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
    write_atomically_with_mode(path, Some(0o600), |w| {
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
