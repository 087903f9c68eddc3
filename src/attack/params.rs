//! Attack parameters, linfa style: an [`AttackParamsBuilder`] with public fields and the
//! defaults of [`defaults`], checked once by [`AttackParamsBuilder::check`] into an
//! [`AttackParams`], whose fields are private: the engine accepts nothing else, so every value
//! it sees is in its domain.
//!
//! The defaults are defined here only; the command line (clap) and the experiment file (TOML)
//! take them from [`defaults`]. Errors name the parameter (`rho0 must be a positive number,
//! got -1`); the command line or the experiment file adds where the value came from.

use super::algorithm::Algorithm;
use crate::{Error, Result};

/// The default of every attack parameter (docs/method.md sections 3 to 6).
pub mod defaults {
    /// Rating scale of the Scoreboard-RH similarity, stars.
    pub const RHO0: f64 = 1.5;
    /// Date scale of the Scoreboard-RH similarity, days.
    pub const D0: f64 = 30.0;
    /// Eccentricity needed to name a match.
    pub const PHI: f64 = 1.5;
    /// Scoreboard's rating tolerance, stars.
    pub const RATING_TOL: f64 = 0.0;
    /// Scoreboard's date tolerance, days.
    pub const DATE_TOL: u32 = 14;
    /// Relative error of the aux `count` column.
    pub const COUNT_TOLERANCE: f64 = 0.5;
    /// B of Scoreboard-RH-norm: how much a record's length discounts its score.
    pub const LENGTH_NORM: f64 = 0.75;
    /// Seed of Scoreboard's pick among candidates.
    pub const SEED: u64 = 0;
    /// The algorithm's name.
    pub const ALGORITHM: &str = "scoreboard-rh";
}

/// Unchecked attack parameters: set the fields (or use the setters), then [`Self::check`].
#[derive(Clone, Debug, PartialEq)]
pub struct AttackParamsBuilder {
    /// The algorithm.
    pub algorithm: Algorithm,
    /// Rating scale of the similarity, stars (Scoreboard-RH family).
    pub rho0: f64,
    /// Date scale of the similarity, days (Scoreboard-RH family).
    pub d0: f64,
    /// Eccentricity threshold of a match (Scoreboard-RH family).
    pub phi: f64,
    /// Rating tolerance, stars (Scoreboard).
    pub rating_tol: f64,
    /// Date tolerance, days (Scoreboard).
    pub date_tol: u32,
    /// B in [0, 1] (Scoreboard-RH-norm).
    pub length_norm: f64,
    /// Seed of the uniform pick among Scoreboard candidates.
    pub seed: u64,
    /// Relative error of the aux `count`: records whose number of entries n could not give that
    /// count (count = round(n x f), f in [1 - E, 1 + E]) are ruled out.
    pub count_tolerance: f64,
}

impl Default for AttackParamsBuilder {
    fn default() -> Self {
        AttackParamsBuilder {
            algorithm: Algorithm::default(),
            rho0: defaults::RHO0,
            d0: defaults::D0,
            phi: defaults::PHI,
            rating_tol: defaults::RATING_TOL,
            date_tol: defaults::DATE_TOL,
            length_norm: defaults::LENGTH_NORM,
            seed: defaults::SEED,
            count_tolerance: defaults::COUNT_TOLERANCE,
        }
    }
}

macro_rules! setters {
    ($($(#[$doc:meta])* $name:ident: $ty:ty),* $(,)?) => {
        $(
            $(#[$doc])*
            pub fn $name(mut self, v: $ty) -> Self {
                self.$name = v;
                self
            }
        )*
    };
}

impl AttackParamsBuilder {
    setters! {
        /// Sets the algorithm.
        algorithm: Algorithm,
        /// Sets rho0.
        rho0: f64,
        /// Sets d0.
        d0: f64,
        /// Sets phi.
        phi: f64,
        /// Sets the rating tolerance.
        rating_tol: f64,
        /// Sets the date tolerance.
        date_tol: u32,
        /// Sets B of Scoreboard-RH-norm.
        length_norm: f64,
        /// Sets the seed.
        seed: u64,
        /// Sets the count tolerance.
        count_tolerance: f64,
    }

    /// Checks every value's domain.
    pub fn check(self) -> Result<AttackParams> {
        let invalid = |name: &'static str, message: String| Error::Parameter { name, message };
        for (name, v) in [("rho0", self.rho0), ("d0", self.d0)] {
            if !(v.is_finite() && v > 0.0) {
                return Err(invalid(
                    name,
                    format!("{name} must be a positive number, got {v}"),
                ));
            }
        }
        for (name, v) in [("phi", self.phi), ("rating_tol", self.rating_tol)] {
            if !(v.is_finite() && v >= 0.0) {
                return Err(invalid(name, format!("{name} must be >= 0, got {v}")));
            }
        }
        if !(0.0..=1.0).contains(&self.length_norm) {
            return Err(invalid(
                "length_norm",
                format!("length_norm must be in [0, 1], got {}", self.length_norm),
            ));
        }
        if !(0.0..1.0).contains(&self.count_tolerance) {
            return Err(invalid(
                "count_tolerance",
                format!(
                    "count_tolerance must be in [0, 1), got {}",
                    self.count_tolerance
                ),
            ));
        }
        Ok(AttackParams(self))
    }
}

/// Checked attack parameters: made only by [`AttackParamsBuilder::check`].
#[derive(Clone, Debug, PartialEq)]
pub struct AttackParams(AttackParamsBuilder);

impl AttackParams {
    /// A builder with the defaults.
    pub fn builder() -> AttackParamsBuilder {
        AttackParamsBuilder::default()
    }

    /// The default parameters (checked).
    pub fn defaults() -> AttackParams {
        AttackParams(AttackParamsBuilder::default())
    }

    /// A builder holding these values, to change some and check again.
    pub fn to_builder(&self) -> AttackParamsBuilder {
        self.0.clone()
    }

    /// The algorithm.
    pub fn algorithm(&self) -> Algorithm {
        self.0.algorithm
    }
    /// Rating scale, stars.
    pub fn rho0(&self) -> f64 {
        self.0.rho0
    }
    /// Date scale, days.
    pub fn d0(&self) -> f64 {
        self.0.d0
    }
    /// Eccentricity threshold.
    pub fn phi(&self) -> f64 {
        self.0.phi
    }
    /// Rating tolerance, stars.
    pub fn rating_tol(&self) -> f64 {
        self.0.rating_tol
    }
    /// Date tolerance, days.
    pub fn date_tol(&self) -> u32 {
        self.0.date_tol
    }
    /// B of Scoreboard-RH-norm.
    pub fn length_norm(&self) -> f64 {
        self.0.length_norm
    }
    /// Seed.
    pub fn seed(&self) -> u64 {
        self.0.seed
    }
    /// Count tolerance.
    pub fn count_tolerance(&self) -> f64 {
        self.0.count_tolerance
    }

    /// The parameter `name`'s value, by its name in [`crate::attack::Algorithm::parameters`].
    pub fn value(&self, name: &str) -> Option<f64> {
        Some(match name {
            "rho0" => self.rho0(),
            "d0" => self.d0(),
            "phi" => self.phi(),
            "rating_tol" => self.rating_tol(),
            "date_tol" => self.date_tol() as f64,
            "length_norm" => self.length_norm(),
            "seed" => self.seed() as f64,
            "count_tolerance" => self.count_tolerance(),
            _ => return None,
        })
    }

    /// The parameters the algorithm reads, with their values, in the registry's order.
    pub fn read_by_algorithm(&self) -> Vec<(&'static str, f64)> {
        self.algorithm()
            .parameters()
            .iter()
            .map(|&name| (name, self.value(name).expect("a registered parameter")))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_name_the_parameter() {
        let e = AttackParams::builder().rho0(-1.0).check().unwrap_err();
        assert_eq!(e.to_string(), "rho0 must be a positive number, got -1");
        assert!(matches!(e, Error::Parameter { name: "rho0", .. }));
        let e = AttackParams::builder()
            .length_norm(1.5)
            .check()
            .unwrap_err();
        assert_eq!(e.to_string(), "length_norm must be in [0, 1], got 1.5");
        for bad in [
            AttackParams::builder().d0(0.0),
            AttackParams::builder().phi(f64::NAN),
            AttackParams::builder().rating_tol(-0.5),
            AttackParams::builder().count_tolerance(1.0),
        ] {
            assert!(bad.check().is_err());
        }
        assert_eq!(
            AttackParams::builder().check().unwrap(),
            AttackParams::defaults()
        );
    }
}
