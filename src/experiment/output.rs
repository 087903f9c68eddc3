//! The files an experiment ends with: `results.csv` (tidy: one row per cell, every parameter
//! and every metric with its interval), `results.json` (the same, plus utilities and the
//! sparsity curve), `provenance.json` (versions, hashes, seeds, threads, timings, host) and
//! `report.md` (the tables, and the plots). Results depend only on the configuration and the
//! data; timings and host live in provenance.json alone.

use std::fmt::Write as _;
use std::io::Write;
use std::path::Path;

use serde::Serialize;

use super::run::{CellResult, Finished};
use crate::Result;
use crate::atomic_file::write_atomically;
use crate::attack::Parameter;
use crate::attack::parameter::Column;

const COLUMNS: &str = "cell,policy,policy_spec,items,wrong,date_error,rating_error,select,dates,ratings,count_error,algorithm,repetition,targets,non_members_requested,\
aux_records,members,non_members,skipped,top1_rate,top1_rate_lo,top1_rate_hi,matched_rate,matched_rate_lo,matched_rate_hi,\
precision,precision_lo,precision_hi,recall,recall_lo,recall_hi,false_match_rate,false_match_rate_lo,false_match_rate_hi,\
eer_phi,entropy_bits_mean,entropy_bits_median,log2_candidates_mean,rmse_released,rmse_original,rmse_cost,kept_fraction";

fn opt(x: Option<f64>) -> String {
    x.map_or(String::new(), |v| format!("{v}"))
}

fn quote(text: &str) -> String {
    if text.contains([',', '"', '|']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

/// One row of results.csv: the attack parameters of `columns` after the algorithm, `searched`
/// the `informed` and `searched` values at the end.
fn csv_row(
    r: &CellResult,
    utility: Option<&crate::release::utility::Utility>,
    columns: &[&Parameter],
    searched: bool,
) -> String {
    let c = &r.cell;
    let s = &r.summary;
    let ci = |x: Option<[f64; 2]>| [opt(x.map(|v| v[0])), opt(x.map(|v| v[1]))];
    let mut row = vec![
        c.index.to_string(),
        quote(&c.policy),
        quote(&c.policy_spec),
        c.items.to_string(),
        c.wrong.to_string(),
        c.date_error.to_string(),
        c.rating_error.to_string(),
        quote(&c.select.name()),
        c.dates.to_string(),
        c.ratings.to_string(),
        c.count_error.to_string(),
        c.algorithm.to_string(),
    ];
    row.extend(columns.iter().map(|p| {
        c.parameters
            .get(p.name)
            .map_or(String::new(), |v| v.to_string())
    }));
    row.extend([
        c.repetition.to_string(),
        c.targets.to_string(),
        c.non_members.to_string(),
        s.aux_records.to_string(),
        s.members.to_string(),
        s.non_members.to_string(),
        r.skipped.to_string(),
        opt(s.top1_rate),
    ]);
    row.extend(ci(s.top1_rate_ci));
    row.push(s.matched_rate.to_string());
    row.extend(ci(s.matched_rate_ci));
    row.push(opt(s.precision));
    row.extend(ci(s.precision_ci));
    row.push(opt(s.recall));
    row.extend(ci(s.recall_ci));
    row.push(opt(s.false_match_rate));
    row.extend(ci(s.false_match_rate_ci));
    row.extend([
        opt(s.eer_phi),
        opt(s.entropy_bits.as_ref().map(|d| d.mean)),
        opt(s.entropy_bits.as_ref().map(|d| d.median)),
        opt(s.log2_candidates.as_ref().map(|d| d.mean)),
        opt(utility.and_then(|u| u.rmse_released)),
        opt(utility.and_then(|u| u.rmse_original)),
        opt(utility.and_then(|u| u.rmse_cost)),
        opt(utility.map(|u| u.kept_fraction)),
    ]);
    if searched {
        row.extend([
            r.chosen
                .as_ref()
                .map_or(String::new(), |c| c.attack.informed.to_string()),
            r.chosen
                .as_ref()
                .map_or(String::new(), |c| c.searched.to_string()),
        ]);
    }
    row.join(",")
}

fn utility_of<'a>(f: &'a Finished, policy: &str) -> Option<&'a crate::release::utility::Utility> {
    f.utilities
        .iter()
        .find(|u| u.policy == policy)
        .map(|u| &u.utility)
}

/// The attack parameters results.csv has a column for, in registry order: those with
/// [`Column::Always`] (phi, rho0, d0), and the others when some cell shows them (B when a cell
/// runs Scoreboard-RH-norm; a tolerance the file varies).
fn parameter_columns(f: &Finished) -> Vec<&'static Parameter> {
    crate::attack::parameters()
        .iter()
        .copied()
        .filter(|p| {
            p.column == Column::Always
                || f.cells
                    .iter()
                    .any(|r| r.cell.parameters.get(p.name).is_some())
        })
        .collect()
}

/// Writes results.csv.
/// The attack parameter columns follow `algorithm` ([`parameter_columns`]); `informed` and
/// `searched` (last) are there when the cells' attacks were searched (the algorithm and
/// parameter columns then hold the attack chosen).
pub fn write_csv(f: &Finished, path: &Path) -> Result<()> {
    let columns = parameter_columns(f);
    let searched = f.cells.iter().any(|r| r.chosen.is_some());
    let names: Vec<&str> = columns.iter().map(|p| p.name).collect();
    let mut header = COLUMNS.replacen(
        ",algorithm,",
        &format!(",algorithm,{},", names.join(",")),
        1,
    );
    if searched {
        header.push_str(",informed,searched");
    }
    write_atomically(path, |w| {
        writeln!(w, "{header}")?;
        for r in &f.cells {
            writeln!(
                w,
                "{}",
                csv_row(r, utility_of(f, &r.cell.policy), &columns, searched)
            )?;
        }
        Ok(())
    })
}

/// The version of results.json's layout (docs/results.schema.json): raised when a field changes
/// meaning or goes away, not when one is added.
pub const RESULTS_SCHEMA_VERSION: u32 = 1;

#[derive(Serialize)]
struct ResultsJson<'a> {
    schema_version: u32,
    name: Option<&'a str>,
    config_hash: &'a str,
    data_fingerprint: &'a str,
    cells: Vec<CellJson<'a>>,
    utilities: &'a [super::run::PolicyUtility],
    sparsity: Option<&'a [(f64, f64, f64)]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    unicity: Option<&'a [crate::dataset::unicity::UnicityRow]>,
}

#[derive(Serialize)]
struct CellJson<'a> {
    cell: &'a super::grid::Cell,
    summary: &'a crate::metrics::AttackSummary,
    skipped: usize,
}

/// Writes results.json (no timings: identical for identical results).
pub fn write_json(f: &Finished, path: &Path) -> Result<()> {
    let doc = ResultsJson {
        schema_version: RESULTS_SCHEMA_VERSION,
        name: f.config.name.as_deref(),
        config_hash: &f.config_hash,
        data_fingerprint: &f.data_fingerprint,
        cells: f
            .cells
            .iter()
            .map(|r| CellJson {
                cell: &r.cell,
                summary: &r.summary,
                skipped: r.skipped,
            })
            .collect(),
        utilities: &f.utilities,
        sparsity: f.sparsity.as_deref(),
        unicity: f.unicity.as_deref(),
    };
    crate::atomic_file::write_json(path, &doc)
}

#[derive(Serialize)]
struct Provenance<'a> {
    tool: &'static str,
    version: &'static str,
    git_commit: &'static str,
    rustc: &'static str,
    config_hash: &'a str,
    data_fingerprint: &'a str,
    /// The data's file (null: generated).
    data_file: Option<&'a crate::provenance::InputFile>,
    /// The generator's settings, for generated data.
    #[serde(skip_serializing_if = "Option::is_none")]
    generated: Option<&'a super::config::GenerateSpec>,
    seed: u64,
    cell_seeds: Vec<u64>,
    threads: usize,
    host: String,
    wall_seconds_this_run: f64,
    cells_computed_this_run: usize,
    cell_wall_seconds: Vec<f64>,
    cell_peak_rss_kib: Vec<Option<u64>>,
}

fn host() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .or_else(|_| std::fs::read_to_string("/etc/hostname"))
        .map(|h| h.trim().to_string())
        .unwrap_or_else(|_| "unknown".into())
}

/// Writes provenance.json.
pub fn write_provenance(f: &Finished, path: &Path) -> Result<()> {
    let doc = Provenance {
        tool: "deanon",
        version: env!("CARGO_PKG_VERSION"),
        git_commit: env!("DEANON_GIT_COMMIT"),
        rustc: env!("DEANON_RUSTC_VERSION"),
        config_hash: &f.config_hash,
        data_fingerprint: &f.data_fingerprint,
        data_file: f.data_file.as_ref(),
        generated: f.config.data.generate.as_ref(),
        seed: f.config.seed,
        cell_seeds: f.cells.iter().map(|c| c.cell.seed).collect(),
        threads: rayon::current_num_threads(),
        host: host(),
        wall_seconds_this_run: f.wall_seconds,
        cells_computed_this_run: f.computed,
        cell_wall_seconds: f.cells.iter().map(|c| c.wall_seconds).collect(),
        cell_peak_rss_kib: f.cells.iter().map(|c| c.peak_rss_kib).collect(),
    };
    crate::atomic_file::write_json(path, &doc)
}

/// Where the data came from, for the report: the file by name, size, SHA-256 and date, or the
/// generator's settings.
fn data_words(f: &Finished) -> String {
    match (&f.data_file, &f.config.data.generate) {
        (Some(d), _) => format!(
            "`{}`, {} bytes, SHA-256 `{}`{}",
            d.name,
            d.bytes,
            d.sha256,
            d.modified
                .as_ref()
                .map_or(String::new(), |m| format!(", modified {m}"))
        ),
        (None, Some(g)) => format!(
            "generated: preset {}, {} people, seed {}",
            g.preset,
            g.users
                .map_or("the preset's".to_string(), |u| u.to_string()),
            g.seed
        ),
        (None, None) => "imported from a folder".to_string(),
    }
}

fn show(x: Option<f64>) -> String {
    x.map_or("-".into(), |v| format!("{v:.3}"))
}

/// The report's markdown.
pub fn report_markdown(f: &Finished, plots: &[(String, String)]) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "# {}\n",
        f.config.name.as_deref().unwrap_or("Experiment")
    );
    let _ = writeln!(
        s,
        "{} cells; config hash `{}`; data fingerprint `{}`; seed {}. Rates with 95% Wilson score intervals.\n",
        f.cells.len(),
        f.config_hash,
        f.data_fingerprint,
        f.config.seed
    );
    let _ = writeln!(s, "Data: {}.\n", data_words(f));
    let _ = writeln!(
        s,
        "| policy | aux | date error | rating error | select | dates | algorithm | phi | rep | re-identified (top-1) | matched | precision | false matches | entropy (bits) |"
    );
    let _ = writeln!(
        s,
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
    );
    for r in &f.cells {
        let c = &r.cell;
        let m = &r.summary;
        let aux = if c.wrong == 0 {
            format!("{}", c.items)
        } else {
            format!("{} of {}", c.items - c.wrong, c.items)
        };
        let ci = |v: Option<f64>, i: Option<[f64; 2]>| match (v, i) {
            (Some(v), Some([a, b])) => format!("{v:.3} [{a:.3}, {b:.3}]"),
            (v, _) => show(v),
        };
        let _ = writeln!(
            s,
            "| {} | {} | +-{} d | +-{} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            c.policy,
            aux,
            c.date_error,
            c.rating_error,
            c.select.name(),
            c.dates,
            c.attack_label(),
            c.phi(),
            c.repetition,
            ci(m.top1_rate, m.top1_rate_ci),
            ci(Some(m.matched_rate), m.matched_rate_ci),
            show(m.precision),
            show(m.false_match_rate),
            show(m.entropy_bits.as_ref().map(|d| d.mean)),
        );
    }
    if !f.utilities.is_empty() {
        let _ = writeln!(
            s,
            "\n## Utility\n\n| policy | RMSE released | RMSE original | RMSE cost | entries kept |\n|---|---|---|---|---|"
        );
        for u in &f.utilities {
            let x = &u.utility;
            let _ = writeln!(
                s,
                "| {} | {} | {} | {} | {:.3} |",
                u.policy,
                show(x.rmse_released),
                show(x.rmse_original),
                show(x.rmse_cost),
                x.kept_fraction
            );
        }
    }
    if !plots.is_empty() {
        let _ = writeln!(s, "\n## Plots\n");
        for (title, file) in plots {
            let _ = writeln!(s, "### {title}\n\n![{title}]({file})\n");
        }
    }
    s
}
