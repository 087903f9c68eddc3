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
use crate::attack::{Algorithm, AttackParams, defaults as attack_defaults};
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
    /// Eccentricity threshold.
    pub phi: f64,
    /// Rating scale.
    pub rho0: f64,
    /// Date scale.
    pub d0: f64,
    /// B of a length-normalized algorithm (absent for the others).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub length_norm: Option<f64>,
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

/// The attack part of a cell.
#[derive(Clone, Copy)]
struct AttackSetting {
    algorithm: Algorithm,
    phi: f64,
    rho0: f64,
    d0: f64,
    length_norm: Option<f64>,
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

fn attack_settings(config: &Config) -> Vec<AttackSetting> {
    let a = &config.attack;
    let mut out = Vec::new();
    for &algorithm in &a.algorithm {
        // An axis of a parameter the algorithm does not read adds no cells.
        let norms: Vec<Option<f64>> = if algorithm.uses("length_norm") {
            a.length_norm.iter().copied().map(Some).collect()
        } else {
            vec![None]
        };
        for &phi in &a.phi {
            for &rho0 in &a.rho0 {
                for &d0 in &a.d0 {
                    for &length_norm in &norms {
                        out.push(AttackSetting {
                            algorithm,
                            phi,
                            rho0,
                            d0,
                            length_norm,
                        });
                    }
                }
            }
        }
    }
    out
}

/// All cells of `config`, in grid order: policy, aux size, date error, rating error, selection,
/// dates, ratings, count error, algorithm, phi, rho0, d0, length_norm, repetition.
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
                        algorithm: y.algorithm,
                        phi: y.phi,
                        rho0: y.rho0,
                        d0: y.d0,
                        length_norm: y.length_norm,
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
    /// attack a search chose (algorithm, phi, rho0, d0, length_norm) in a searching cell.
    pub fn same_setting(&self, configured: &Cell) -> bool {
        if !configured.search {
            return self == configured;
        }
        let blank = |c: &Cell| Cell {
            algorithm: Algorithm::default(),
            phi: 0.0,
            rho0: 0.0,
            d0: 0.0,
            length_norm: None,
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
        }
    }

    /// The cell's attack parameters, checked. The adversary who knows the rating count within
    /// E rules records out with tolerance E.
    pub fn attack_params(&self) -> Result<AttackParams> {
        AttackParams::builder()
            .algorithm(self.algorithm)
            .rho0(self.rho0)
            .d0(self.d0)
            .phi(self.phi)
            .length_norm(self.length_norm.unwrap_or(attack_defaults::LENGTH_NORM))
            .seed(self.seed)
            .count_tolerance(if self.count_error > 0.0 {
                self.count_error
            } else {
                attack_defaults::COUNT_TOLERANCE
            })
            .check()
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
