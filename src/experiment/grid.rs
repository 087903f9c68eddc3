//! The cells of an experiment: the Cartesian product of its grid axes, each with its own seed
//! derived from the experiment's seed and the cell's parameters (not its position), so adding
//! an axis value never changes the seeds of existing cells.
//!
//! The product is taken in three parts: the aux settings, the attack settings (an algorithm
//! with the values of only the parameters it reads), and the repetitions.

use serde::{Deserialize, Serialize};
use xxhash_rust::xxh3::xxh3_64;

use super::config::{AuxSize, Config};
use crate::Result;
use crate::attack::algorithm::scoreboard_rh::COUNT_TOLERANCE;
use crate::attack::parameter::{Column, Values};
use crate::attack::{Algorithm, AttackParams, AttackParamsBuilder, Parameter, parameters};
use crate::auxiliary::sampler::{AuxParams, Selection};

/// One cell of the grid (one repetition of one parameter setting).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Cell {
    /// Position in the grid (row order of results.csv).
    pub index: usize,
    /// Policy name.
    pub policy: String,
    /// Policy spec.
    pub policy_spec: String,
    /// Facts per target.
    pub items: usize,
    /// Wrong facts.
    pub wrong: usize,
    /// Date error, days.
    pub date_error: u32,
    /// Rating error, stars.
    pub rating_error: f64,
    /// Fact selection.
    pub select: Selection,
    /// Facts carry dates.
    pub dates: bool,
    /// Facts carry ratings.
    pub ratings: bool,
    /// Relative error of the known rating count (0: unknown).
    pub count_error: f64,
    /// Attack algorithm.
    pub algorithm: Algorithm,
    /// The attack's parameters as results.csv shows them, by name ([`shown`]): phi, rho0 and d0
    /// always, and those of the others the algorithm reads that the file varies (B of
    /// Scoreboard-RH-norm always). The ones left out take their defaults, but for the seed (the
    /// cell's) and the count tolerance (the aux's count error, when it has one).
    #[serde(flatten)]
    pub parameters: Values,
    /// Repetition number (0-based).
    pub repetition: usize,
    /// Targets sampled.
    pub targets: usize,
    /// Non-members sampled.
    pub non_members: usize,
    /// The cell's seed.
    pub seed: u64,
    /// Whether the cell's attack is chosen by the search (`[attack] search = true`); the
    /// algorithm and parameter fields then hold the attack chosen, once the cell has run.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub search: bool,
}

/// The aux part of a cell.
#[derive(Clone)]
struct AuxSetting {
    size: AuxSize,
    date_error: u32,
    rating_error: f64,
    select: Selection,
    dates: bool,
    ratings: bool,
    count_error: f64,
}

/// The product of `outer` and `inner`, outer-major.
fn product<A: Clone, B: Clone, C>(outer: &[A], inner: &[B], f: impl Fn(A, B) -> C) -> Vec<C> {
    outer
        .iter()
        .flat_map(|a| inner.iter().map(|b| f(a.clone(), b.clone())))
        .collect()
}

fn aux_settings(config: &Config) -> Vec<AuxSetting> {
    let a = &config.aux;
    let sizes: Vec<AuxSize> = match &a.settings {
        Some(s) => s.clone(),
        None => product(&a.items, &a.wrong, |items, wrong| AuxSize { items, wrong })
            .into_iter()
            .filter(|s| s.wrong <= s.items)
            .collect(),
    };
    let mut out: Vec<AuxSetting> = sizes
        .iter()
        .map(|&size| AuxSetting {
            size,
            date_error: 0,
            rating_error: 0.0,
            select: Selection::Uniform,
            dates: true,
            ratings: true,
            count_error: 0.0,
        })
        .collect();
    out = product(&out, &a.date_error, |s, date_error| AuxSetting {
        date_error,
        ..s
    });
    out = product(&out, &a.rating_error, |s, rating_error| AuxSetting {
        rating_error,
        ..s
    });
    out = product(&out, &a.select, |s, select| AuxSetting { select, ..s });
    out = product(&out, &a.dates, |s, dates| AuxSetting { dates, ..s });
    out = product(&out, &a.ratings, |s, ratings| AuxSetting { ratings, ..s });
    product(&out, &a.count_error, |s, count_error| AuxSetting {
        count_error,
        ..s
    })
}

/// The attack settings of the grid, algorithm-major: each algorithm times the axes of the
/// parameters it reads (in registry order, the first outermost); a parameter it does not read
/// adds no cells.
fn attack_settings(config: &Config) -> Vec<(Algorithm, Values)> {
    let a = &config.attack;
    let mut out = Vec::new();
    for &algorithm in &a.algorithm {
        let mut first = AttackParams::builder().algorithm(algorithm);
        for p in parameters() {
            if p.column == Column::Always
                && !algorithm.uses(p.name)
                && let Some(&v) = a.axis(p).and_then(|values| values.first())
            {
                first = first.with(p, v);
            }
        }
        let mut builders = vec![first];
        for p in algorithm.parameters() {
            let values = match a.axis(p) {
                Some(values) => values.to_vec(),
                None if p.column == Column::WhenVaried => continue,
                None => vec![p.default],
            };
            builders = product(&builders, &values, |b, v| b.with(p, v));
        }
        out.extend(
            builders
                .iter()
                .map(|b| (algorithm, shown(b, |p| a.axis(p).is_some()))),
        );
    }
    out
}

/// The parameters of `params` results.csv shows: those with [`Column::Always`], those with
/// [`Column::WhenRead`] that the algorithm reads, and those with [`Column::WhenVaried`] that it
/// reads and `varied` says the experiment varies.
pub fn shown(params: &AttackParamsBuilder, varied: impl Fn(&Parameter) -> bool) -> Values {
    let algorithm = params.algorithm;
    params.values(|p| match p.column {
        Column::Always => true,
        Column::WhenRead => algorithm.uses(p.name),
        Column::WhenVaried => algorithm.uses(p.name) && varied(p),
    })
}

/// All cells of `config`, in grid order: policy, aux size, date error, rating error, selection,
/// dates, ratings, count error, algorithm, the algorithm's parameters (in registry order),
/// repetition.
pub fn cells(config: &Config) -> Vec<Cell> {
    let a = &config.aux;
    let (aux, attacks) = (aux_settings(config), attack_settings(config));
    let mut out = Vec::new();
    for p in &config.policies {
        for x in &aux {
            for y in &attacks {
                for repetition in 0..a.repetitions.max(1) {
                    let mut cell = Cell {
                        index: out.len(),
                        policy: p.name.clone(),
                        policy_spec: p.spec.clone(),
                        items: x.size.items,
                        wrong: x.size.wrong,
                        date_error: x.date_error,
                        rating_error: x.rating_error,
                        select: x.select,
                        dates: x.dates,
                        ratings: x.ratings,
                        count_error: x.count_error,
                        algorithm: y.0,
                        parameters: y.1.clone(),
                        repetition,
                        targets: a.targets,
                        non_members: a.non_members,
                        seed: 0,
                        search: config.attack.search,
                    };
                    cell.seed = cell_seed(config.seed, &cell);
                    out.push(cell);
                }
            }
        }
    }
    out
}

impl Cell {
    /// Whether a finished cell `self` is the cell `configured` of the grid: equal, but for the
    /// attack a search chose (algorithm and parameters) in a searching cell.
    pub fn same_setting(&self, configured: &Cell) -> bool {
        if !configured.search {
            return self == configured;
        }
        let blank = |c: &Cell| Cell {
            algorithm: Algorithm::default(),
            parameters: Values::default(),
            ..c.clone()
        };
        blank(self) == blank(configured)
    }

    /// The cell's aux sampling parameters.
    pub fn aux_params(&self) -> AuxParams {
        AuxParams {
            targets: self.targets,
            items: self.items,
            wrong: self.wrong,
            rating_error: self.rating_error,
            date_error: self.date_error,
            dates: self.dates,
            ratings: self.ratings,
            select: self.select,
            non_members: self.non_members,
            count_error: self.count_error,
            seed: self.seed,
            ..AuxParams::default()
        }
    }

    /// The cell's attack parameters, checked: its [`Cell::parameters`], the others at their
    /// defaults, but for the seed (the cell's) and the count tolerance: the adversary who knows
    /// the rating count within E rules records out with tolerance E.
    pub fn attack_params(&self) -> Result<AttackParams> {
        let count_tolerance = if self.count_error > 0.0 {
            self.count_error
        } else {
            COUNT_TOLERANCE.default_f64()
        };
        let mut params = AttackParams::builder()
            .algorithm(self.algorithm)
            .seed(self.seed)
            .with(&COUNT_TOLERANCE, count_tolerance);
        for &(name, value) in &self.parameters.0 {
            params = params.set(name, value)?;
        }
        params.check()
    }

    /// The cell's eccentricity threshold.
    pub fn phi(&self) -> f64 {
        self.parameters
            .get(crate::attack::params::PHI.name)
            .map_or(crate::attack::params::PHI.default_f64(), |v| v.as_f64())
    }

    /// The algorithm in words, with the values of the parameters results.csv does not always
    /// show (`scoreboard-rh-norm (B = 0.5)`).
    pub fn attack_label(&self) -> String {
        let shown = self.varied_parameters();
        if shown.is_empty() {
            self.algorithm.to_string()
        } else {
            format!("{} ({})", self.algorithm, shown.join(", "))
        }
    }

    /// The cell in words for the progress bar, one of `cells`: "cell 3/40: 6 of 8 facts, dates
    /// +-14 d, scoreboard-rh".
    pub fn in_words(&self, cells: usize) -> String {
        let dates = if self.dates {
            format!("dates +-{} d", self.date_error)
        } else {
            "no dates".to_string()
        };
        format!(
            "cell {}/{cells}: {} of {} facts, {dates}, {}",
            self.index + 1,
            self.items - self.wrong,
            self.items,
            self.attack_label()
        )
    }

    /// `B = 0.5` for each parameter the cell shows that is not always shown.
    pub fn varied_parameters(&self) -> Vec<String> {
        self.parameters.in_words(|p| p.column != Column::Always)
    }
}

/// The seed of a cell's aux sample: the experiment seed and the parameters that shape the aux
/// (attack parameters are left out, so every attack setting sees the same aux records).
fn cell_seed(seed: u64, c: &Cell) -> u64 {
    let key = format!(
        "{seed}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}",
        c.policy_spec,
        c.items,
        c.wrong,
        c.date_error,
        c.rating_error,
        c.select.name(),
        c.dates,
        c.ratings,
        c.repetition,
        c.targets,
        c.non_members
    );
    xxh3_64(key.as_bytes())
}

/// The seed of a policy's release.
pub fn policy_seed(seed: u64, spec: &str) -> u64 {
    xxh3_64(format!("{seed}|release|{spec}").as_bytes())
}
