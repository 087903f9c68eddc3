//! Attack algorithms and their parameters, checked once into a valid set.

use crate::{Error, Result};

/// Which scoring algorithm.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Algorithm {
    /// Scoreboard-RH: weighted similarity, best guess by eccentricity, entropic output.
    ScoreboardRh,
    /// Scoreboard (Algorithm 1A): records matching every fact within tolerances.
    Scoreboard,
}

impl Algorithm {
    /// Parses `scoreboard-rh` or `scoreboard`.
    pub fn parse(text: &str) -> Result<Algorithm> {
        match text {
            "scoreboard-rh" => Ok(Algorithm::ScoreboardRh),
            "scoreboard" => Ok(Algorithm::Scoreboard),
            other => Err(Error::InvalidArgument(format!(
                "unknown algorithm '{other}' (expected scoreboard-rh or scoreboard)"
            ))),
        }
    }

    /// The algorithm's name.
    pub fn name(self) -> &'static str {
        match self {
            Algorithm::ScoreboardRh => "scoreboard-rh",
            Algorithm::Scoreboard => "scoreboard",
        }
    }
}

/// Attack parameters. Build with the setters from [`AttackParams::default`], then
/// [`AttackParams::validate`].
#[derive(Clone, Debug, PartialEq)]
pub struct AttackParams {
    /// The algorithm.
    pub algorithm: Algorithm,
    /// Rating scale of the similarity, stars (Scoreboard-RH). Default 1.5.
    pub rho0: f64,
    /// Date scale of the similarity, days (Scoreboard-RH). Default 30.
    pub d0: f64,
    /// Eccentricity threshold of a match. Default 1.5.
    pub phi: f64,
    /// Rating tolerance, stars (Scoreboard). Default 0.
    pub rating_tol: f64,
    /// Date tolerance, days (Scoreboard). Default 14.
    pub date_tol: u32,
    /// Seed of the uniform pick among Scoreboard candidates.
    pub seed: u64,
    /// Relative error of the aux `count` (how many ratings the target has): records whose
    /// number of entries n could not give that count (count = round(n x f), f in [1 - E, 1 + E])
    /// are ruled out.
    pub count_tolerance: f64,
}

impl Default for AttackParams {
    fn default() -> Self {
        AttackParams {
            algorithm: Algorithm::ScoreboardRh,
            rho0: 1.5,
            d0: 30.0,
            phi: 1.5,
            rating_tol: 0.0,
            date_tol: 14,
            seed: 0,
            count_tolerance: 0.5,
        }
    }
}

impl AttackParams {
    /// Sets the algorithm.
    pub fn algorithm(mut self, a: Algorithm) -> Self {
        self.algorithm = a;
        self
    }
    /// Sets rho0.
    pub fn rho0(mut self, v: f64) -> Self {
        self.rho0 = v;
        self
    }
    /// Sets d0.
    pub fn d0(mut self, v: f64) -> Self {
        self.d0 = v;
        self
    }
    /// Sets phi.
    pub fn phi(mut self, v: f64) -> Self {
        self.phi = v;
        self
    }

    /// Checks every value's domain.
    pub fn validate(self) -> Result<Self> {
        let positive = |name: &str, v: f64| {
            if v.is_finite() && v > 0.0 {
                Ok(())
            } else {
                Err(Error::InvalidArgument(format!(
                    "--{name} must be a positive number, got {v}"
                )))
            }
        };
        positive("rho0", self.rho0)?;
        positive("d0", self.d0)?;
        if !self.phi.is_finite() || self.phi < 0.0 {
            return Err(Error::InvalidArgument(format!(
                "--phi must be >= 0, got {}",
                self.phi
            )));
        }
        if !self.rating_tol.is_finite() || self.rating_tol < 0.0 {
            return Err(Error::InvalidArgument(format!(
                "--rating-tol must be >= 0, got {}",
                self.rating_tol
            )));
        }
        if !(0.0..1.0).contains(&self.count_tolerance) {
            return Err(Error::InvalidArgument(format!(
                "--count-tolerance must be in [0, 1), got {}",
                self.count_tolerance
            )));
        }
        Ok(self)
    }
}
