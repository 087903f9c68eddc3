//! The experiment file (TOML): the data, the release policies, the grid of aux settings and
//! attack parameters, repetitions and seeds. Every list is a grid axis; cells are the
//! Cartesian product, derived deterministically from the file and its seeds.
//!
//! ```toml
//! name = "smoke"
//! seed = 1
//! [data]
//! generate = { preset = "netflix-like", users = 5000, seed = 1 }   # or path = "x.deanon",
//!                                                                  # or import = { path = "...", format = "netflix" }
//! [[policy]]
//! name = "none"
//! spec = "pseudonymize"
//! [aux]
//! settings = [{ items = 2, wrong = 0 }, { items = 8, wrong = 2 }]  # or items = [..], wrong = [..]
//! date_error = [3, 14]
//! targets = 500
//! [attack]
//! algorithm = ["scoreboard-rh"]
//! phi = [1.5]
//! ```

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::attack::{Algorithm, Parameter, Value};
use crate::auxiliary::sampler::{Selection, defaults as aux_defaults};
use crate::release::Policy;
use crate::{Error, Result};

/// Where the data comes from.
#[derive(Debug, Clone, Deserialize, Serialize, Default, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct DataSpec {
    /// A `.deanon` store (relative paths are relative to the config file).
    pub path: Option<PathBuf>,
    /// An import of raw files.
    pub import: Option<ImportSpec>,
    /// A synthetic data set.
    pub generate: Option<GenerateSpec>,
}

/// `[data] import = { ... }`.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ImportSpec {
    /// File or folder.
    pub path: PathBuf,
    /// csv, netflix or movielens.
    pub format: String,
    /// ratings (default) or views.
    #[serde(default)]
    pub kind: Option<String>,
}

/// `[data] generate = { ... }`.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct GenerateSpec {
    /// netflix-like, movielens-like or views-like.
    pub preset: String,
    /// Number of people (the preset's default when absent).
    pub users: Option<usize>,
    /// Seed of the generator.
    #[serde(default)]
    pub seed: u64,
}

/// `[[policy]]`.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct PolicySpec {
    /// A short name for tables and plots.
    pub name: String,
    /// The policy (`deanon release --policy` syntax).
    pub spec: String,
    /// The policy, parsed from `spec` when the file is read.
    #[serde(skip)]
    pub policy: Policy,
}

/// One (items, wrong) pair.
#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct AuxSize {
    /// Facts per target.
    pub items: usize,
    /// Wrong facts among them.
    #[serde(default)]
    pub wrong: usize,
}

fn one<T>(v: T) -> Vec<T> {
    vec![v]
}
fn d_items() -> Vec<usize> {
    one(aux_defaults::ITEMS)
}
fn d_wrong() -> Vec<usize> {
    one(aux_defaults::WRONG)
}
fn d_date_error() -> Vec<u32> {
    one(aux_defaults::DATE_ERROR)
}
fn d_rating_error() -> Vec<f64> {
    one(aux_defaults::RATING_ERROR)
}
fn d_select() -> Vec<Selection> {
    one(Selection::Uniform)
}
fn d_true() -> Vec<bool> {
    one(true)
}
fn d_count_error() -> Vec<f64> {
    one(aux_defaults::COUNT_ERROR)
}
fn d_targets() -> usize {
    aux_defaults::TARGETS
}
fn d_repetitions() -> usize {
    1
}

/// `[aux]`: the aux grid.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct AuxGrid {
    /// Explicit (items, wrong) pairs; when absent, the product of `items` and `wrong`.
    pub settings: Option<Vec<AuxSize>>,
    /// Facts per target.
    #[serde(default = "d_items")]
    pub items: Vec<usize>,
    /// Wrong facts.
    #[serde(default = "d_wrong")]
    pub wrong: Vec<usize>,
    /// Date error, days.
    #[serde(default = "d_date_error")]
    pub date_error: Vec<u32>,
    /// Rating error, stars.
    #[serde(default = "d_rating_error")]
    pub rating_error: Vec<f64>,
    /// uniform or rare:TOP.
    #[serde(default = "d_select")]
    pub select: Vec<Selection>,
    /// Whether facts carry dates.
    #[serde(default = "d_true")]
    pub dates: Vec<bool>,
    /// Whether facts carry ratings.
    #[serde(default = "d_true")]
    pub ratings: Vec<bool>,
    /// Relative error of the adversary's knowledge of how many ratings the target has (0: the
    /// adversary does not know it; paper Fig. 12 uses 0.5).
    #[serde(default = "d_count_error")]
    pub count_error: Vec<f64>,
    /// Targets per cell.
    #[serde(default = "d_targets")]
    pub targets: usize,
    /// Non-members per cell (people left out by the policy).
    #[serde(default)]
    pub non_members: usize,
    /// Repetitions of every cell (different seeds).
    #[serde(default = "d_repetitions")]
    pub repetitions: usize,
}

impl Default for AuxGrid {
    fn default() -> Self {
        toml::from_str("").expect("defaults")
    }
}

/// `[attack]`: the attack grid. Its keys are `algorithm`, `bootstrap`, `search` and the name of
/// any registered algorithm's parameter ([`crate::attack::parameters`]), each a list of values
/// (a single value is a list of one).
#[derive(Debug, Clone, PartialEq)]
pub struct AttackGrid {
    /// Algorithms by name (`deanon attack --algorithm`).
    pub algorithm: Vec<Algorithm>,
    /// The axes the file gives, in the order of [`crate::attack::parameters`]: each algorithm
    /// multiplies the axes of the parameters it reads; a parameter without an axis takes its
    /// default.
    pub axes: Vec<(&'static Parameter, Vec<Value>)>,
    /// Bootstrap resamples per cell, as the file gives them. Nothing reads them since the rates
    /// take Wilson's score interval, which needs none; the key is kept so that existing files,
    /// and the config hash of their results, stay valid.
    pub bootstrap: usize,
    /// Each cell's adversary knows the cell's release policy and chooses its strongest attack
    /// (every registered algorithm over its search grid, and the blind default) on tuning
    /// people outside the cell's targets; the cell reports that attack. The algorithm and the
    /// parameters the search chooses are then left out (phi, the seed and the count tolerance
    /// may be given).
    pub search: bool,
    /// The table as the file writes it.
    written: toml::Table,
}

impl AttackGrid {
    /// The values the file gives for `p`, if it gives an axis.
    pub fn axis(&self, p: &Parameter) -> Option<&[Value]> {
        self.axes
            .iter()
            .find(|(q, _)| q.name == p.name)
            .map(|(_, v)| v.as_slice())
    }
}

/// The parameters a searching cell takes from the file; the search chooses the others.
pub const KEPT_BY_SEARCH: [&str; 3] = ["phi", "seed", "count_tolerance"];

const DEFAULT_BOOTSTRAP: usize = 200;

impl Default for AttackGrid {
    fn default() -> Self {
        AttackGrid {
            algorithm: vec![Algorithm::default()],
            axes: Vec::new(),
            bootstrap: DEFAULT_BOOTSTRAP,
            search: false,
            written: toml::Table::new(),
        }
    }
}

/// A value of a parameter's axis as the file writes it; [`Parameter::check`] then puts it in
/// the parameter's form (a whole number as a real for a real parameter, and back).
fn axis_value(p: &Parameter, v: &toml::Value) -> std::result::Result<Value, String> {
    match v {
        toml::Value::Integer(n) if *n >= 0 => Ok(Value::Whole(*n as u64)),
        toml::Value::Integer(n) => Ok(Value::Real(*n as f64)),
        toml::Value::Float(x) => Ok(Value::Real(*x)),
        other => Err(format!(
            "{}: expected a number, got {}",
            p.name,
            other.type_str()
        )),
    }
}

impl<'de> Deserialize<'de> for AttackGrid {
    /// Keeps the table as written: [`AttackGrid::resolve`] reads it, with errors that name the
    /// key's line.
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        Ok(AttackGrid {
            written: toml::Table::deserialize(d)?,
            ..AttackGrid::default()
        })
    }
}

impl AttackGrid {
    /// Reads the table as written into the grid; an error names the key and what is wrong
    /// with it. Every axis value is checked in its parameter's domain, whether or not an
    /// algorithm of the grid reads it.
    fn resolve(&mut self) -> std::result::Result<(), (String, String)> {
        let list = |v: &toml::Value| match v {
            toml::Value::Array(a) => a.clone(),
            other => vec![other.clone()],
        };
        let mut axes = Vec::new();
        for (key, value) in &self.written {
            let fail = |message: String| (key.clone(), message);
            match key.as_str() {
                "algorithm" => {
                    self.algorithm = list(value)
                        .iter()
                        .map(|v| match v {
                            toml::Value::String(name) => {
                                name.parse().map_err(|e: Error| e.to_string())
                            }
                            other => Err(format!(
                                "algorithm: expected a name, got {}",
                                other.type_str()
                            )),
                        })
                        .collect::<std::result::Result<_, _>>()
                        .map_err(fail)?;
                }
                "bootstrap" => {
                    self.bootstrap = value
                        .as_integer()
                        .and_then(|n| usize::try_from(n).ok())
                        .ok_or_else(|| fail("bootstrap: expected a whole number".into()))?;
                }
                "search" => {
                    self.search = value
                        .as_bool()
                        .ok_or_else(|| fail("search: expected true or false".into()))?;
                }
                name => {
                    let Some(p) = crate::attack::parameter(name) else {
                        return Err(fail(format!(
                            "unknown field `{name}`, expected one of {}",
                            attack_keys()
                                .map(|k| format!("`{k}`"))
                                .collect::<Vec<_>>()
                                .join(", ")
                        )));
                    };
                    let values = list(value)
                        .iter()
                        .map(|v| {
                            axis_value(p, v).and_then(|v| p.check(v).map_err(|e| e.to_string()))
                        })
                        .collect::<std::result::Result<Vec<_>, _>>()
                        .map_err(fail)?;
                    axes.push((p, values));
                }
            }
        }
        let order = |p: &Parameter| {
            crate::attack::parameters()
                .iter()
                .position(|q| q.name == p.name)
        };
        axes.sort_by_key(|(p, _)| order(p));
        self.axes = axes;
        Ok(())
    }
}

/// The keys `[attack]` takes.
fn attack_keys() -> impl Iterator<Item = &'static str> {
    ["algorithm", "bootstrap", "search"]
        .into_iter()
        .chain(crate::attack::parameters().iter().map(|p| p.name))
}

impl Serialize for AttackGrid {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = s.serialize_map(None)?;
        map.serialize_entry("algorithm", &self.algorithm)?;
        for (p, values) in &self.axes {
            map.serialize_entry(p.name, values)?;
        }
        map.serialize_entry("bootstrap", &self.bootstrap)?;
        map.serialize_entry("search", &self.search)?;
        map.end()
    }
}

/// `[sparsity]`: also measure the data's nearest-neighbour curve (Fig. 1).
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SparsitySpec {
    /// Records sampled.
    pub sample: usize,
}

/// `[unicity]`: also measure the data's unicity (de Montjoye et al. 2013; `deanon unicity`).
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct UnicitySpec {
    /// Points per draw (default 1..8).
    #[serde(default = "d_points")]
    pub points: Vec<usize>,
    /// Knowledge kinds (default: every kind the data supports).
    #[serde(default)]
    pub knowledge: Vec<crate::dataset::unicity::Knowledge>,
    /// Day tolerance.
    #[serde(default)]
    pub date_tol: u32,
    /// People sampled (default: everyone).
    pub sample: Option<usize>,
    /// Draws per person.
    #[serde(default = "d_draws")]
    pub draws: usize,
}

fn d_points() -> Vec<usize> {
    crate::dataset::unicity::defaults::POINTS.to_vec()
}
fn d_draws() -> usize {
    crate::dataset::unicity::defaults::DRAWS
}

/// The whole experiment file.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// A name for the report.
    #[serde(default)]
    pub name: Option<String>,
    /// The experiment's seed: every cell's seed derives from it.
    #[serde(default)]
    pub seed: u64,
    /// The data.
    pub data: DataSpec,
    /// Release policies (default: pseudonymization only).
    #[serde(default, rename = "policy")]
    pub policies: Vec<PolicySpec>,
    /// The aux grid.
    #[serde(default)]
    pub aux: AuxGrid,
    /// The attack grid.
    #[serde(default)]
    pub attack: AttackGrid,
    /// The sparsity curve, when wanted.
    #[serde(default)]
    pub sparsity: Option<SparsitySpec>,
    /// Unicity, when wanted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unicity: Option<UnicitySpec>,
    /// Whether to price each policy (RMSE of the baseline predictor).
    #[serde(default)]
    pub utility: bool,
    /// Published values to plot beside the measured ones (a paper's figure).
    #[serde(default, rename = "reference", skip_serializing_if = "Vec::is_empty")]
    pub references: Vec<Reference>,
}

/// `[[reference]]`: a published value of a metric at one aux setting, plotted beside the
/// experiment's own (`label` names its series: `paper, +-3 d`).
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Reference {
    /// The series it belongs to.
    pub label: String,
    /// Facts known.
    pub items: usize,
    /// Wrong facts among them.
    #[serde(default)]
    pub wrong: usize,
    /// `reidentified` (a share of targets) or `entropy` (bits).
    pub metric: String,
    /// The published value.
    pub value: f64,
}

impl Reference {
    /// Checks the metric and the value's range.
    fn check(&self) -> std::result::Result<(), String> {
        let in_range = match self.metric.as_str() {
            "reidentified" => (0.0..=1.0).contains(&self.value),
            "entropy" => self.value >= 0.0 && self.value.is_finite(),
            other => {
                return Err(format!(
                    "metric must be reidentified or entropy, got '{other}'"
                ));
            }
        };
        if !in_range {
            return Err(format!(
                "value {} is out of range for {}",
                self.value, self.metric
            ));
        }
        if self.wrong > self.items {
            return Err(format!(
                "wrong ({}) exceeds items ({})",
                self.wrong, self.items
            ));
        }
        Ok(())
    }
}

/// The line of `key = ...` in `[table]` of `text` (1 when not found: the default applies).
fn line_of(text: &str, table: &str, key: &str) -> u64 {
    let mut in_table = false;
    for (k, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.starts_with('[') {
            in_table = line.trim_matches(|c| c == '[' || c == ']') == table;
        } else if in_table
            && (line.contains(&format!("{key} =")) || line.contains(&format!("{key}=")))
        {
            return k as u64 + 1;
        }
    }
    1
}

impl Config {
    /// What the user of the file `path` (text `text`) should know: an attack axis that no
    /// algorithm of the grid reads adds no cells (`file:line: [attack] length_norm: ...`).
    pub fn warnings(&self, path: &Path, text: &str) -> Vec<String> {
        let a = &self.attack;
        if a.search {
            return Vec::new();
        }
        a.axes
            .iter()
            .filter(|(p, _)| !a.algorithm.iter().any(|alg| alg.uses(p.name)))
            .map(|(p, _)| {
                format!(
                    "{}:{}: [attack] {}: no algorithm of the grid reads it (read by {}); it adds no cells",
                    path.display(),
                    line_of(text, "attack", p.name),
                    p.name,
                    Algorithm::readers(p.name).join(", ")
                )
            })
            .collect()
    }

    /// Reads and checks an experiment file.
    pub fn read(path: &Path) -> Result<(Config, String)> {
        let (mut config, text): (Config, String) = crate::atomic_file::read_toml(path)?;
        let base = path.parent().unwrap_or(Path::new("."));
        if let Some(p) = &mut config.data.path
            && p.is_relative()
        {
            *p = base.join(&*p);
        }
        if let Some(i) = &mut config.data.import
            && i.path.is_relative()
        {
            i.path = base.join(&i.path);
        }
        let sources = [
            config.data.path.is_some(),
            config.data.import.is_some(),
            config.data.generate.is_some(),
        ];
        if sources.iter().filter(|&&x| x).count() != 1 {
            return Err(Error::input(
                path,
                "[data] needs exactly one of path, import, generate",
            ));
        }
        if config.policies.is_empty() {
            config.policies.push(PolicySpec {
                name: "none".into(),
                spec: "pseudonymize".into(),
                policy: Policy::default(),
            });
        }
        for (k, r) in config.references.iter().enumerate() {
            r.check().map_err(|m| {
                Error::input(
                    path,
                    format!("[[reference]] {} ('{}'): {m}", k + 1, r.label),
                )
            })?;
        }
        for p in &mut config.policies {
            // A policy file is read relative to the experiment file, and recorded by its steps.
            let arg = match Policy::file_of(&p.spec) {
                Some(file) => base.join(file).to_string_lossy().into_owned(),
                None => p.spec.clone(),
            };
            (p.spec, p.policy) = Policy::from_arg_with_spec(&arg).map_err(|e| match e {
                Error::InvalidArgument(m) => {
                    Error::input(path, format!("policy '{}': {m}", p.name))
                }
                e => e,
            })?;
        }
        config.attack.resolve().map_err(|(key, message)| {
            Error::parse(
                path,
                line_of(&text, "attack", &key),
                format!("[attack] {message}"),
            )
        })?;
        let a = &config.attack;
        if a.search {
            let chosen = a
                .axes
                .iter()
                .map(|(p, _)| p.name)
                .find(|name| !KEPT_BY_SEARCH.contains(name));
            let chosen = if a.algorithm != AttackGrid::default().algorithm {
                Some("algorithm")
            } else {
                chosen
            };
            if let Some(name) = chosen {
                return Err(Error::parse(
                    path,
                    line_of(&text, "attack", name),
                    format!(
                        "[attack] {name}: search = true chooses the algorithm and its parameters for each cell; leave {name} out"
                    ),
                ));
            }
        }
        // Every setting of the grid, checked now: a bad value fails before any work.
        let in_file = |table: &str, e: Error| match e {
            Error::Parameter { name, message } => Error::parse(
                path,
                line_of(&text, table, name),
                format!("[{table}] {message}"),
            ),
            e => Error::input(path, e.to_string()),
        };
        for cell in super::grid::cells(&config) {
            cell.aux_params().check().map_err(|e| in_file("aux", e))?;
            cell.attack_params().map_err(|e| in_file("attack", e))?;
        }
        Ok((config, text))
    }
}
