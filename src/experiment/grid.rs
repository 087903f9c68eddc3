//! The cells of an experiment: the Cartesian product of its grid axes, each with its own seed
//! derived from the experiment's seed and the cell's parameters (not its position), so adding
//! an axis value never changes the seeds of existing cells.

use serde::{Deserialize, Serialize};
use xxhash_rust::xxh3::xxh3_64;

use super::config::{AuxSize, Config};

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
    pub select: String,
    /// Facts carry dates.
    pub dates: bool,
    /// Facts carry ratings.
    pub ratings: bool,
    /// Relative error of the known rating count (0: unknown).
    pub count_error: f64,
    /// Attack algorithm.
    pub algorithm: String,
    /// Eccentricity threshold.
    pub phi: f64,
    /// Rating scale.
    pub rho0: f64,
    /// Date scale.
    pub d0: f64,
    /// Repetition number (0-based).
    pub repetition: usize,
    /// Targets sampled.
    pub targets: usize,
    /// Non-members sampled.
    pub non_members: usize,
    /// The cell's seed.
    pub seed: u64,
}

/// All cells of `config`, in grid order: policy, aux size, date error, rating error, selection,
/// dates, ratings, algorithm, phi, rho0, d0, repetition.
pub fn cells(config: &Config) -> Vec<Cell> {
    let a = &config.aux;
    let sizes: Vec<AuxSize> = match &a.settings {
        Some(s) => s.clone(),
        None => a
            .items
            .iter()
            .flat_map(|&items| {
                a.wrong
                    .iter()
                    .filter(move |&&w| w <= items)
                    .map(move |&wrong| AuxSize { items, wrong })
            })
            .collect(),
    };
    let mut out = Vec::new();
    for p in &config.policies {
        for size in &sizes {
            for &date_error in &a.date_error {
                for &rating_error in &a.rating_error {
                    for select in &a.select {
                        for &dates in &a.dates {
                            for (&ratings, &count_error) in a
                                .ratings
                                .iter()
                                .flat_map(|r| a.count_error.iter().map(move |c| (r, c)))
                            {
                                for algorithm in &config.attack.algorithm {
                                    for &phi in &config.attack.phi {
                                        for &rho0 in &config.attack.rho0 {
                                            for &d0 in &config.attack.d0 {
                                                for repetition in 0..a.repetitions.max(1) {
                                                    let mut cell = Cell {
                                                        index: out.len(),
                                                        policy: p.name.clone(),
                                                        policy_spec: p.spec.clone(),
                                                        items: size.items,
                                                        wrong: size.wrong,
                                                        date_error,
                                                        rating_error,
                                                        select: select.clone(),
                                                        dates,
                                                        ratings,
                                                        count_error,
                                                        algorithm: algorithm.clone(),
                                                        phi,
                                                        rho0,
                                                        d0,
                                                        repetition,
                                                        targets: a.targets,
                                                        non_members: a.non_members,
                                                        seed: 0,
                                                    };
                                                    cell.seed = cell_seed(config.seed, &cell);
                                                    out.push(cell);
                                                }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
    out
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
        c.select,
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
