//! Experiments: a TOML file names the data, the release policies and a grid of aux settings and
//! attack parameters; `deanon experiment` runs every cell, resumably, and ends with tidy
//! results, provenance, a report and plots.
//!
//! - [`config`]: the file format; [`grid`]: its cells and their seeds;
//! - [`run`]: execution, per-cell result files, resume;
//! - [`output`]: results.csv / results.json / provenance.json / report.md; [`plots`]: the figures.

pub mod config;
pub mod grid;
pub mod output;
pub mod plots;
pub mod run;

use std::path::Path;

use crate::Result;

/// What an experiment writes into its folder (the plots are its .svg and .png files;
/// config.toml, its configuration's copy, is left alone when it is that configuration).
pub const FOLDER_WRITES: crate::file_roles::FolderWrites = crate::file_roles::FolderWrites {
    names: &[
        "results.csv",
        "results.json",
        "unicity.csv",
        "report.md",
        "provenance.json",
        "state.json",
    ],
    extensions: &["svg", "png"],
    subfolders: &["cells"],
};

/// Runs (or resumes) an experiment and writes all its outputs into `dir` (`data` replaces the
/// configuration's data set); returns a short summary for the terminal.
pub fn run_experiment(
    config: &Path,
    dir: &Path,
    resume: bool,
    data: Option<&Path>,
    executor: &crate::linkage::Executor,
) -> Result<String> {
    let Some(finished) = run::run(config, dir, resume, data, executor)? else {
        return Ok("done; process 0 writes the results\n".to_string());
    };
    output::write_csv(&finished, &dir.join("results.csv"))?;
    output::write_json(&finished, &dir.join("results.json"))?;
    if let Some(rows) = &finished.unicity {
        crate::dataset::unicity::write_csv(rows, &dir.join("unicity.csv"))?;
    }
    let plots = plots::draw_all(&finished, dir)?;
    let report = output::report_markdown(&finished, &plots);
    crate::atomic_file::write_atomically(&dir.join("report.md"), |w| {
        std::io::Write::write_all(w, report.as_bytes())
    })?;
    output::write_provenance(&finished, &dir.join("provenance.json"))?;
    Ok(format!(
        "{} cells ({} computed now) in {:.1} s; results in {}: results.csv, results.json, report.md, provenance.json{}\n",
        finished.cells.len(),
        finished.computed,
        finished.wall_seconds,
        dir.display(),
        if plots.is_empty() {
            String::new()
        } else {
            ", plots (SVG and PNG)".to_string()
        }
    ))
}
