//! Runs an experiment: loads the data once, releases it under each policy, and for every cell
//! samples aux records, attacks and summarizes. Each finished cell is written at once,
//! atomically, to `DIR/cells/NNNNN.json`, so a run killed at any moment loses only the cells in
//! flight, and `--resume` computes just the missing ones; the final tables are made from the
//! cell files alone, so a resumed run ends with the same results as an uninterrupted one.

use std::path::{Path, PathBuf};
use std::time::Instant;

use serde::{Deserialize, Serialize};
use xxhash_rust::xxh3::xxh3_64;

use super::config::{Config, PolicySpec};
use super::grid::{self, Cell};
use crate::atomic_file::{read_json, write_json};
use crate::attack::algorithm::scoreboard_rh::COUNT_TOLERANCE;
use crate::auxiliary::sampler::{self, AuxParams};
use crate::dataset::{AuxRecord, Dataset, store};
use crate::linkage::{AttackOptions, Executor};
use crate::metrics::AttackSummary;
use crate::release;
use crate::resumable::RunFolder;
use crate::rng::Rng;
use crate::rng::streams;
use crate::study::search::{self, Choice};
use crate::study::{Candidate, Released, Scene};
use crate::{Error, Result};

/// What one finished cell holds.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CellResult {
    /// The cell.
    pub cell: Cell,
    /// Its attack summary.
    pub summary: AttackSummary,
    /// Targets skipped for lack of facts.
    pub skipped: usize,
    /// Seconds the cell took (provenance only; not part of the results).
    pub wall_seconds: f64,
    /// Peak resident memory of the process so far, KiB (provenance only).
    pub peak_rss_kib: Option<u64>,
    /// With `[attack] search = true`: the attack chosen and how.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chosen: Option<ChosenAttack>,
}

/// The attack a search chose for a cell.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ChosenAttack {
    /// The configuration.
    pub attack: crate::study::AttackConfig,
    /// Configurations tried.
    pub searched: usize,
    /// Tuning people with a usable draw.
    pub tuning_people: usize,
    /// The chosen attack's rate on them (optimistic: it was chosen on them).
    pub tuning_rate: Option<f64>,
}

/// The utility of one policy.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PolicyUtility {
    /// Policy name.
    pub policy: String,
    /// The report.
    pub utility: release::utility::Utility,
}

/// The format of an experiment's cell files: a change of what they hold bumps it, so that
/// `--resume` refuses the cells of an earlier version.
const CELL_FORMAT: u32 = 1;

/// Where everything of a run goes: a [`RunFolder`] whose result files are the cells.
pub struct Layout {
    /// The output folder, its state and cells.
    pub folder: RunFolder,
}

impl Layout {
    /// The layout of the output folder `dir`.
    pub fn new(dir: &Path) -> Layout {
        Layout {
            folder: RunFolder {
                dir: dir.to_path_buf(),
                kind: "experiment",
                results: "cells",
                format: CELL_FORMAT,
            },
        }
    }
    fn cells(&self) -> PathBuf {
        self.folder.results()
    }
    fn cell(&self, index: usize) -> PathBuf {
        self.cells().join(format!("{index:05}.json"))
    }
    fn utility(&self, policy: usize) -> PathBuf {
        self.cells().join(format!("utility-{policy:03}.json"))
    }
    fn sparsity(&self) -> PathBuf {
        self.cells().join("sparsity.json")
    }
    fn unicity(&self) -> PathBuf {
        self.cells().join("unicity.json")
    }
}

/// Everything the outputs are made from.
pub struct Finished {
    /// The configuration.
    pub config: Config,
    /// Hash of the configuration file's text.
    pub config_hash: String,
    /// Fingerprint of the data set.
    pub data_fingerprint: String,
    /// Cell results in grid order.
    pub cells: Vec<CellResult>,
    /// Per policy, its utility (when configured).
    pub utilities: Vec<PolicyUtility>,
    /// The sparsity curve (x, items only, exact ratings), when configured.
    pub sparsity: Option<Vec<(f64, f64, f64)>>,
    /// Unicity of the data, when configured.
    pub unicity: Option<Vec<crate::dataset::unicity::UnicityRow>>,
    /// The file the data was read from (null for generated data), named, sized and hashed.
    pub data_file: Option<crate::provenance::InputFile>,
    /// Seconds the whole run took (this invocation).
    pub wall_seconds: f64,
    /// Cells computed by this invocation.
    pub computed: usize,
}

/// Peak resident memory of this process, KiB (Linux).
pub fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn load_data(config: &Config) -> Result<Dataset> {
    let d = &config.data;
    if let Some(path) = &d.path {
        return store::open(path);
    }
    if let Some(i) = &d.import {
        let format = i.format.parse()?;
        let kind = i.kind.as_deref().unwrap_or("ratings").parse()?;
        return crate::dataset::import::import(&i.path, format, kind);
    }
    let g = d.generate.as_ref().expect("checked when read");
    let preset = crate::dataset::generate::Preset::from_name(&g.preset)?;
    let mut params = crate::dataset::generate::GenerateParams::new(preset).seed(g.seed);
    params.users = g.users;
    crate::dataset::generate::generate(&params)
}

/// The file the configuration's data is read from: a store, or an import's file (an import of
/// a folder, like the Netflix Prize's, names no one file).
fn data_source(config: &Config) -> Option<&Path> {
    match (&config.data.path, &config.data.import) {
        (Some(p), _) => Some(p.as_path()),
        (None, Some(i)) if i.path.is_file() => Some(i.path.as_path()),
        _ => None,
    }
}

/// Runs (or resumes) the experiment in `config_path` into `dir`. `data`, when given, replaces
/// the configuration's `[data]` (to run a paper-figure config on the real data).
///
/// Each cell's attack runs on `executor`. On a cluster, every process runs the same command and
/// computes the same releases and aux records; only process 0 writes to `dir` and gets `Some`.
/// The other processes read `dir` only to skip the cells already finished, so with more than
/// one process `dir` must be on a file system they share.
pub fn run(
    config_path: &Path,
    dir: &Path,
    resume: bool,
    data: Option<&Path>,
    executor: &Executor,
) -> Result<Option<Finished>> {
    let writer = executor.is_writer();
    let started = Instant::now();
    let (config, text) = read_config(config_path, data)?;
    let config_hash = format!("{:016x}", xxh3_64(text.as_bytes()));
    let layout = Layout::new(dir);
    let fresh = writer && prepare_dir(&layout, &config, &text, resume)?;
    let mut abandon = AbandonOnError {
        layout: fresh.then_some(&layout),
    };

    let cells = grid::cells(&config);
    let original = crate::progress::timed("load data", || load_data(&config))?;
    let sparsity = sparsity_curve(&config, &layout, &original, writer)?;
    let unicity = unicity_rows(&config, &layout, &original, writer)?;

    let bar = crate::progress::stages(cells.len() as u64, "experiment");
    let sweep = Sweep {
        config: &config,
        config_hash: &config_hash,
        cells: &cells,
        layout: &layout,
        original: &original,
        executor,
        writer,
        bar: &bar,
    };
    let mut computed = 0;
    let mut utilities = Vec::new();
    for (pi, p) in config.policies.iter().enumerate() {
        let (utility, new) = sweep.run_policy(pi, p)?;
        utilities.extend(utility);
        computed += new;
    }
    bar.finish_and_clear();
    if !writer {
        return Ok(None);
    }
    let data_fingerprint = store::fingerprint(&original);
    let data_file = data_source(&config)
        .map(|p| crate::provenance::InputFile::dated("data", p))
        .transpose()?;
    let results = read_cell_results(&layout, &cells)?;
    abandon.layout = None;
    Ok(Some(Finished {
        config,
        config_hash,
        data_fingerprint,
        cells: results,
        utilities,
        sparsity,
        unicity,
        data_file,
        wall_seconds: started.elapsed().as_secs_f64(),
        computed,
    }))
}

/// The configuration in `config_path` and its text; `data`, when given, replaces its `[data]`
/// and is noted at the end of the text.
fn read_config(config_path: &Path, data: Option<&Path>) -> Result<(Config, String)> {
    let (mut config, mut text) = Config::read(config_path)?;
    if let Some(path) = data {
        config.data = super::config::DataSpec {
            path: Some(path.to_path_buf()),
            ..Default::default()
        };
        // The override is part of what the results depend on.
        text.push_str(&format!("\n# --data {}\n", path.display()));
    }
    Ok((config, text))
}

/// The sparsity curve, when configured, at the writer: from an earlier run's cell file, or
/// measured and written.
fn sparsity_curve(
    config: &Config,
    layout: &Layout,
    original: &Dataset,
    writer: bool,
) -> Result<Option<Vec<(f64, f64, f64)>>> {
    Ok(match &config.sparsity {
        Some(spec) if writer => Some(
            match read_json::<Vec<(f64, f64, f64)>>(&layout.sparsity())? {
                Some(curve) => curve,
                None => {
                    let curve =
                        crate::dataset::sparsity::measure(original, spec.sample, config.seed)
                            .curve();
                    write_json(&layout.sparsity(), &curve)?;
                    curve
                }
            },
        ),
        _ => None,
    })
}

/// The unicity of the data, when configured, at the writer: from an earlier run's cell file, or
/// measured and written.
fn unicity_rows(
    config: &Config,
    layout: &Layout,
    original: &Dataset,
    writer: bool,
) -> Result<Option<Vec<crate::dataset::unicity::UnicityRow>>> {
    Ok(match &config.unicity {
        Some(spec) if writer => Some(match read_json(&layout.unicity())? {
            Some(rows) => rows,
            None => {
                let params = crate::dataset::unicity::UnicityParams {
                    points: spec.points.clone(),
                    knowledge: spec.knowledge.clone(),
                    date_tol: spec.date_tol,
                    sample: spec.sample,
                    draws: spec.draws,
                    seed: config.seed,
                    ..Default::default()
                };
                let rows = crate::dataset::unicity::measure(original, &params)?;
                write_json(&layout.unicity(), &rows)?;
                rows
            }
        }),
        _ => None,
    })
}

/// What every policy of a run shares.
struct Sweep<'a> {
    config: &'a Config,
    config_hash: &'a str,
    cells: &'a [Cell],
    layout: &'a Layout,
    original: &'a Dataset,
    executor: &'a Executor,
    writer: bool,
    bar: &'a crate::progress::Bar,
}

impl Sweep<'_> {
    /// Policy `pi`: its utility (when configured, at the writer) and its missing cells, each
    /// written as it finishes. Returns the utility and the number of cells computed.
    fn run_policy(&self, pi: usize, p: &PolicySpec) -> Result<(Option<PolicyUtility>, usize)> {
        let (config, layout, writer) = (self.config, self.layout, self.writer);
        let group = format!("policy {}/{} {}:", pi + 1, config.policies.len(), p.name);
        crate::progress::stage_group(group);
        let mine: Vec<&Cell> = self
            .cells
            .iter()
            .filter(|c| c.policy == p.name && c.policy_spec == p.spec)
            .collect();
        let missing: Vec<&&Cell> = mine
            .iter()
            .filter(|c| !layout.cell(c.index).exists())
            .collect();
        self.bar.inc((mine.len() - missing.len()) as u64);
        let utility_done = !config.utility || !writer || layout.utility(pi).exists();
        if missing.is_empty() && utility_done {
            if config.utility && writer {
                return Ok((Some(read_json(&layout.utility(pi))?.expect("exists")), 0));
            }
            return Ok((None, 0));
        }
        let policy = &p.policy;
        let policy_seed = grid::policy_seed(config.seed, &p.spec);
        let released = Released::make(self.original, policy, policy_seed, &[])?;
        let mut utility = None;
        if config.utility && writer {
            utility = Some(match read_json::<PolicyUtility>(&layout.utility(pi))? {
                Some(u) => u,
                None => {
                    let u = PolicyUtility {
                        policy: p.name.clone(),
                        utility: release::utility::measure(self.original, policy, policy_seed)?,
                    };
                    write_json(&layout.utility(pi), &u)?;
                    u
                }
            });
        }
        let run = CellRun {
            config_hash: self.config_hash,
            original: self.original,
            released: &released,
            executor: self.executor,
        };
        let mut computed = 0;
        for cell in missing {
            if self.run_missing_cell(&run, cell)? {
                computed += 1;
            }
        }
        Ok((utility, computed))
    }

    /// Runs one missing cell and writes its result; whether it was computed here (not in a
    /// cluster process other than 0).
    fn run_missing_cell(&self, run: &CellRun<'_>, cell: &Cell) -> Result<bool> {
        crate::progress::stage(|| cell.in_words(self.cells.len()));
        let cell_started = Instant::now();
        let Some((summary, skipped, chosen)) = run_cell(run, cell)? else {
            return Ok(false);
        };
        let mut cell = cell.clone();
        if let Some(c) = &chosen {
            let p = &c.candidate.params;
            cell.algorithm = p.algorithm();
            cell.parameters =
                super::grid::shown(&p.to_builder(), |p| self.config.attack.axis(p).is_some());
        }
        let result = CellResult {
            cell,
            summary,
            skipped,
            wall_seconds: cell_started.elapsed().as_secs_f64(),
            peak_rss_kib: peak_rss_kib(),
            chosen: chosen.map(|c| ChosenAttack {
                attack: c.candidate.config(),
                searched: c.tried,
                tuning_people: c.people,
                tuning_rate: c.rate,
            }),
        };
        write_json(&self.layout.cell(result.cell.index), &result)?;
        self.bar.inc(1);
        Ok(true)
    }
}

/// Every cell's result, in grid order, from the cell files; each must be of its cell's setting.
fn read_cell_results(layout: &Layout, cells: &[Cell]) -> Result<Vec<CellResult>> {
    let mut results = Vec::with_capacity(cells.len());
    for c in cells {
        let r: CellResult = read_json(&layout.cell(c.index))?
            .ok_or_else(|| Error::input(&layout.cell(c.index), "missing cell result"))?;
        if !r.cell.same_setting(c) {
            return Err(Error::input(
                &layout.cell(c.index),
                "cell result does not match the configuration",
            ));
        }
        results.push(r);
    }
    Ok(results)
}

/// Makes the folder ready ([`RunFolder::prepare`]; the fingerprint is the configuration's, as
/// parsed, so that a comment or a reordered table does not stop a resume) and keeps a copy of
/// the configuration's text beside the results. Returns whether the experiment starts afresh.
fn prepare_dir(layout: &Layout, config: &Config, text: &str, resume: bool) -> Result<bool> {
    let dir = &layout.folder.dir;
    let fresh = layout
        .folder
        .prepare(&layout.folder.fingerprint(config), resume)?;
    let copy = dir.join("config.toml");
    // The configuration may be read from its own copy (`deanon experiment DIR/config.toml -o
    // DIR --resume`): an identical copy is left alone.
    if std::fs::read_to_string(&copy).ok().as_deref() != Some(text) {
        crate::atomic_file::write_atomically(&copy, |w| {
            std::io::Write::write_all(w, text.as_bytes())
        })?;
    }
    Ok(fresh)
}

/// A run that started afresh and fails takes its cells and state with it, so that the same
/// command, corrected, runs without `--resume` (a killed run keeps them, to be resumed).
/// Disarmed on success by taking `layout`.
struct AbandonOnError<'a> {
    layout: Option<&'a Layout>,
}

impl Drop for AbandonOnError<'_> {
    fn drop(&mut self) {
        if let Some(layout) = self.layout {
            layout.folder.abandon();
        }
    }
}

/// What one cell's attack needs.
struct CellRun<'a> {
    config_hash: &'a str,
    original: &'a Dataset,
    /// The release of the cell's policy.
    released: &'a Released,
    executor: &'a Executor,
}

/// Samples a cell's aux records and attacks (with the attack a search chooses, for a cell that
/// searches); `None` in the processes of a cluster other than 0.
fn run_cell(
    run: &CellRun<'_>,
    cell: &Cell,
) -> Result<Option<(AttackSummary, usize, Option<Choice>)>> {
    let sampled = sampler::sample(run.original, &cell.aux_params(), Some(&run.released.key))?;
    let options = AttackOptions {
        label: format!("{}/{}", run.config_hash, cell.index),
        require_common_items: false,
        ..AttackOptions::default()
    };
    let scene = run.released.scene();
    let (attack, chosen) = if cell.search {
        let chosen = search_cell(run, cell, &scene, &sampled.records)?;
        (chosen.candidate.clone(), Some(chosen))
    } else {
        (Candidate::blind(cell.attack_params()?), None)
    };
    let attacked = scene.link(&attack, &sampled.records, run.executor, &options)?;
    Ok(attacked.map(|a| (a.summary, sampled.skipped, chosen)))
}

/// Chooses a searching cell's attack on tuning people: members of the release outside the
/// cell's targets, in a seeded order, as many as the cell has targets (at most
/// [`search::TUNING_PEOPLE`]), one draw each with the cell's aux settings.
fn search_cell(
    run: &CellRun<'_>,
    cell: &Cell,
    scene: &Scene<'_>,
    targets: &[AuxRecord],
) -> Result<Choice> {
    let ids = run.original.record_ids();
    let taken: std::collections::HashSet<&str> = targets
        .iter()
        .filter_map(|r| r.true_user.as_deref())
        .collect();
    let mut order: Vec<u32> = (0..run.original.num_records() as u32).collect();
    Rng::derive(cell.seed, &[streams::EXPERIMENT_TUNING]).shuffle(&mut order);
    let wanted = cell.targets.clamp(1, search::TUNING_PEOPLE);
    let people: Vec<u32> = order
        .into_iter()
        .filter(|&r| {
            let id = ids.get(r as usize);
            run.released.key.is_member(id) && !taken.contains(id)
        })
        .take(wanted)
        .collect();
    let base = cell.attack_params()?;
    let candidates: Vec<Candidate> = search::candidates(&scene.knowledge, cell.phi())
        .into_iter()
        .map(|c| Candidate {
            params: c
                .params
                .to_builder()
                .seed(base.seed())
                .with(&COUNT_TOLERANCE, base.real(&COUNT_TOLERANCE))
                .check()
                .expect("values checked with the cell"),
            ..c
        })
        .collect();
    let aux = AuxParams {
        seed: Rng::derive(cell.seed, &[streams::EXPERIMENT_TUNING]).next_u64(),
        ..cell.aux_params()
    };
    let label = format!("{}/{}/tune", run.config_hash, cell.index);
    search::choose(run.original, scene, &candidates, &people, &aux, &label)
}
