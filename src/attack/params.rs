//! Attack parameters, linfa style: an [`AttackParamsBuilder`] holding the algorithm and a value
//! for every registered [`Parameter`] (their defaults to start with), checked once by
//! [`AttackParamsBuilder::check`] into an [`AttackParams`], which the engine alone accepts, so
//! every value it sees is in its domain.
//!
//! Each algorithm declares the parameters it reads in its own file; [`parameters`] is their union,
//! in registry order, each once. Errors name the parameter (`rho0 must be a positive number,
//! got -1`); the command line or the experiment file adds where the value came from.

use std::sync::LazyLock;

use super::algorithm::{ALGORITHMS, Algorithm};
use super::parameter::{Column, Domain, Parameter, Value, Values, Widen};
use crate::{Error, Result};

/// The defaults that are not a parameter's.
pub mod defaults {
    /// The algorithm's name.
    pub const ALGORITHM: &str = "scoreboard-rh";
}

/// Eccentricity needed to name a match (docs/method.md section 6): read by the Scoreboard-RH
/// family, and the threshold every attack's rates are reported at.
pub const PHI: Parameter = Parameter {
    name: "phi",
    label: None,
    help: "Eccentricity needed to name a match",
    value_name: None,
    default: Value::Real(1.5),
    domain: Domain::NonNegative,
    widen: Widen::Not,
    column: Column::Always,
    // The summary has a field of its own for phi.
    in_summary: false,
};

/// The attack's seed: Scoreboard's pick among its candidates, and the bootstrap of the inference
/// risk's interval (`deanon infer`).
pub const SEED: Parameter = Parameter {
    name: "seed",
    label: None,
    help: "Seed of the pick among candidates and of the inference risk's bootstrap",
    value_name: None,
    default: Value::Whole(0),
    domain: Domain::Seed,
    widen: Widen::Not,
    column: Column::WhenVaried,
    in_summary: false,
};

static PARAMETERS: LazyLock<Vec<&'static Parameter>> = LazyLock::new(|| {
    let mut all: Vec<&'static Parameter> = Vec::new();
    for entry in &ALGORITHMS {
        for &p in entry.parameters {
            match all.iter().find(|q| q.name == p.name) {
                Some(q) => assert_eq!(*q, p, "two parameters named {}", p.name),
                None => all.push(p),
            }
        }
    }
    if !all.iter().any(|p| p.name == SEED.name) {
        all.push(&SEED);
    }
    all
});

/// Every parameter of every registered algorithm (and the attack's seed), each once, in
/// registry order.
pub fn parameters() -> &'static [&'static Parameter] {
    &PARAMETERS
}

/// The registered parameter named `name`.
pub fn parameter(name: &str) -> Option<&'static Parameter> {
    parameters().iter().copied().find(|p| p.name == name)
}

fn index(p: &Parameter) -> usize {
    parameters()
        .iter()
        .position(|q| q.name == p.name)
        .unwrap_or_else(|| panic!("parameter {} is not in the registry", p.name))
}

/// Unchecked attack parameters: set the algorithm and values, then [`Self::check`].
#[derive(Clone, Debug, PartialEq)]
pub struct AttackParamsBuilder {
    /// The algorithm.
    pub algorithm: Algorithm,
    /// One value per entry of [`parameters`].
    values: Vec<Value>,
}

impl Default for AttackParamsBuilder {
    fn default() -> Self {
        AttackParamsBuilder {
            algorithm: Algorithm::default(),
            values: parameters().iter().map(|p| p.default).collect(),
        }
    }
}

impl AttackParamsBuilder {
    /// Sets the algorithm.
    pub fn algorithm(mut self, algorithm: Algorithm) -> Self {
        self.algorithm = algorithm;
        self
    }

    /// Sets the parameter `p` (a registered one).
    pub fn with(mut self, p: &Parameter, value: impl Into<Value>) -> Self {
        self.values[index(p)] = value.into();
        self
    }

    /// Sets the eccentricity threshold ([`PHI`]).
    pub fn phi(self, phi: f64) -> Self {
        self.with(&PHI, phi)
    }

    /// Sets the seed ([`SEED`]).
    pub fn seed(self, seed: u64) -> Self {
        self.with(&SEED, seed)
    }

    /// Sets the parameter named `name`; an error when no algorithm has one of that name.
    pub fn set(self, name: &str, value: impl Into<Value>) -> Result<Self> {
        match parameter(name) {
            Some(p) => Ok(self.with(p, value)),
            None => Err(Error::Parameter {
                name: "parameter",
                message: format!(
                    "unknown attack parameter '{name}' (expected one of: {})",
                    parameters()
                        .iter()
                        .map(|p| p.name)
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            }),
        }
    }

    /// The value of `p`.
    pub fn get(&self, p: &Parameter) -> Value {
        self.values[index(p)]
    }

    /// The value of `p` as a real number.
    pub fn real(&self, p: &Parameter) -> f64 {
        self.get(p).as_f64()
    }

    /// The values of the parameters `keep` selects, in [`parameters`]' order.
    pub fn values(&self, keep: impl Fn(&Parameter) -> bool) -> Values {
        Values(
            parameters()
                .iter()
                .filter(|p| keep(p))
                .map(|p| (p.name, self.get(p)))
                .collect(),
        )
    }

    /// Checks every value's domain.
    pub fn check(mut self) -> Result<AttackParams> {
        for (p, v) in parameters().iter().zip(&mut self.values) {
            *v = p.check(*v)?;
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
        AttackParams::builder()
            .check()
            .expect("defaults in their domains")
    }

    /// A builder holding these values, to change some and check again.
    pub fn to_builder(&self) -> AttackParamsBuilder {
        self.0.clone()
    }

    /// The algorithm.
    pub fn algorithm(&self) -> Algorithm {
        self.0.algorithm
    }

    /// The value of `p`.
    pub fn get(&self, p: &Parameter) -> Value {
        self.0.get(p)
    }

    /// The value of `p` as a real number.
    pub fn real(&self, p: &Parameter) -> f64 {
        self.0.real(p)
    }

    /// The value of `p`, a whole-number parameter.
    pub fn whole(&self, p: &Parameter) -> u64 {
        match self.get(p) {
            Value::Whole(n) => n,
            Value::Real(x) => panic!("{} is not a whole number: {x}", p.name),
        }
    }

    /// The eccentricity threshold ([`PHI`]).
    pub fn phi(&self) -> f64 {
        self.real(&PHI)
    }

    /// The seed ([`SEED`]).
    pub fn seed(&self) -> u64 {
        self.whole(&SEED)
    }

    /// The parameter `name`'s value as a real number.
    pub fn value(&self, name: &str) -> Option<f64> {
        parameter(name).map(|p| self.real(p))
    }

    /// The parameters the algorithm reads, with their values, in the registry's order.
    pub fn read_by_algorithm(&self) -> Vec<(&'static str, f64)> {
        self.algorithm()
            .parameters()
            .iter()
            .map(|p| (p.name, self.real(p)))
            .collect()
    }

    /// The values of the parameters `keep` selects, in [`parameters`]' order.
    pub fn values(&self, keep: impl Fn(&Parameter) -> bool) -> Values {
        self.0.values(keep)
    }
}

impl From<f64> for Value {
    fn from(x: f64) -> Value {
        Value::Real(x)
    }
}

impl From<u64> for Value {
    fn from(n: u64) -> Value {
        Value::Whole(n)
    }
}

impl From<u32> for Value {
    fn from(n: u32) -> Value {
        Value::Whole(n as u64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::attack::algorithm::{scoreboard, scoreboard_rh, scoreboard_rh_norm};

    #[test]
    fn errors_name_the_parameter() {
        let e = AttackParams::builder()
            .with(&scoreboard_rh::RHO0, -1.0)
            .check()
            .unwrap_err();
        assert_eq!(e.to_string(), "rho0 must be a positive number, got -1");
        assert!(matches!(e, Error::Parameter { name: "rho0", .. }));
        let e = AttackParams::builder()
            .with(&scoreboard_rh_norm::LENGTH_NORM, 1.5)
            .check()
            .unwrap_err();
        assert_eq!(e.to_string(), "length_norm must be in [0, 1], got 1.5");
        for bad in [
            AttackParams::builder().with(&scoreboard_rh::D0, 0.0),
            AttackParams::builder().phi(f64::NAN),
            AttackParams::builder().with(&scoreboard::RATING_TOL, -0.5),
            AttackParams::builder().with(&scoreboard_rh::COUNT_TOLERANCE, 1.0),
            AttackParams::builder().with(&scoreboard::DATE_TOL, 2.5),
        ] {
            assert!(bad.check().is_err());
        }
        assert_eq!(
            AttackParams::builder().check().unwrap(),
            AttackParams::defaults()
        );
        let e = AttackParams::builder().set("rh0", 1.0).unwrap_err();
        assert!(
            e.to_string().contains("unknown attack parameter 'rh0'"),
            "{e}"
        );
    }

    #[test]
    fn every_parameter_is_registered_once_and_its_default_is_in_its_domain() {
        let names: Vec<&str> = parameters().iter().map(|p| p.name).collect();
        for (k, name) in names.iter().enumerate() {
            assert!(!names[..k].contains(name), "{name} twice");
            let p = parameter(name).unwrap();
            assert_eq!(p.check(p.default).unwrap(), p.default, "{name}");
        }
        assert!(names.contains(&"seed"));
        let checked = AttackParams::builder()
            .with(&scoreboard::DATE_TOL, 7.0)
            .check()
            .unwrap();
        assert_eq!(checked.whole(&scoreboard::DATE_TOL), 7);
    }
}
