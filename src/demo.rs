//! `deanon demo`: the whole pipeline on built-in synthetic data, for a first look at the tool.
//!
//! Today it generates a Netflix-like data set, stores it, reopens the store and describes it;
//! the attack and release stages join it as they land.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::dataset::generate::{GenerateParams, Preset, generate};
use crate::dataset::{store, summary};
use crate::{Error, Result};

/// What the demo runs on.
#[derive(Clone, Debug)]
pub struct DemoParams {
    /// Output folder.
    pub out_dir: PathBuf,
    /// Number of synthetic people.
    pub users: usize,
    /// Seed of everything random.
    pub seed: u64,
}

impl Default for DemoParams {
    fn default() -> Self {
        DemoParams {
            out_dir: PathBuf::from("deanon-demo"),
            users: 50_000,
            seed: 2008,
        }
    }
}

/// Runs the demo and returns its report as text.
pub fn run(params: &DemoParams) -> Result<String> {
    std::fs::create_dir_all(&params.out_dir).map_err(|e| Error::io(&params.out_dir, e))?;
    let mut report = String::new();
    let started = Instant::now();
    let data = generate(
        &GenerateParams::new(Preset::NetflixLike)
            .users(params.users)
            .seed(params.seed),
    )?;
    let generated = started.elapsed();
    let path: PathBuf = params.out_dir.join("netflix-like.deanon");
    store::save(&data, &path)?;
    drop(data);
    let opened_at = Instant::now();
    let data = store::open(&path)?;
    let opened = opened_at.elapsed();
    let _ = writeln!(
        report,
        "Generated a Netflix-like data set ({} people, seed {}) in {:.2} s, stored it at {} and reopened it in {:.3} s:\n",
        params.users,
        params.seed,
        generated.as_secs_f64(),
        display(&path),
        opened.as_secs_f64()
    );
    report.push_str(&summary::summarize(&data).to_text());
    Ok(report)
}

fn display(path: &Path) -> String {
    path.display().to_string()
}
