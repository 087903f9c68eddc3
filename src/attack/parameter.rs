//! One parameter of a linkage algorithm, declared once beside the algorithm that reads it
//! ([`Parameter`]: its name, default, domain, help, how a policy's noise widens it, and when
//! results.csv shows it). The registry of algorithms lists each algorithm's parameters; the
//! command line's flags, the experiment file's axes, results.csv's columns, audit.json's attack
//! parameters and the Python package's keyword arguments are all derived from those lists.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::search::Widening;
use crate::{Error, Result};

/// A parameter's value: a real number, or a whole number (days, a seed).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Value {
    /// A real number.
    Real(f64),
    /// A whole number.
    Whole(u64),
}

impl Value {
    /// The value as a real number (a whole number above 2^53 loses its last bits).
    pub fn as_f64(self) -> f64 {
        match self {
            Value::Real(x) => x,
            Value::Whole(n) => n as f64,
        }
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Real(x) => write!(f, "{x}"),
            Value::Whole(n) => write!(f, "{n}"),
        }
    }
}

impl Serialize for Value {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        match *self {
            Value::Real(x) => s.serialize_f64(x),
            Value::Whole(n) => s.serialize_u64(n),
        }
    }
}

/// The values a parameter may take.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Domain {
    /// A finite number above 0.
    Positive,
    /// A finite number at least 0.
    NonNegative,
    /// A number in [0, 1].
    Fraction,
    /// A number in [0, 1).
    BelowOne,
    /// A probability above 0: a number in (0, 1].
    Probability,
    /// A whole number of days (at most 2^32 - 1).
    Days,
    /// A whole number of things, entries say (at most 2^32 - 1).
    Count,
    /// A seed (a whole number below 2^64).
    Seed,
}

impl Domain {
    /// Whether the values are whole numbers.
    pub fn is_whole(self) -> bool {
        matches!(self, Domain::Days | Domain::Count | Domain::Seed)
    }

    /// The largest whole value.
    fn whole_max(self) -> u64 {
        match self {
            Domain::Days | Domain::Count => u32::MAX as u64,
            _ => u64::MAX,
        }
    }
}

/// How a published policy's noise moves a parameter ([`Widening`]) for an adversary who knows
/// the policy.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Widen {
    /// Not at all.
    Not,
    /// By the mean absolute change of a rating, stars.
    ByRatingSpread,
    /// By the mean absolute change of a date, days.
    ByDateSpread,
    /// By a bound covering most rating changes, stars.
    ByRatingBound,
    /// By a bound covering most date changes, rounded up to whole days.
    ByDateBound,
    /// A rate of facts the target's record does not confirm, raised by the share of entries
    /// the policy deletes: 1 - (1 - w)(1 - loss).
    ByEntryLoss,
    /// Replaced by the share of people the policy keeps, when it samples people.
    ToMembership,
    /// Replaced by the most entries the policy keeps of a person, when it caps them.
    ToRecordCap,
}

/// When an experiment's results.csv has a column for the parameter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Column {
    /// Always; a cell whose algorithm does not read it shows the axis's first value.
    Always,
    /// When some cell's algorithm reads it; empty for the other cells.
    WhenRead,
    /// When the experiment file gives it as an axis; empty for cells that do not read it.
    WhenVaried,
}

/// One parameter of one or more linkage algorithms.
#[derive(Debug, PartialEq)]
pub struct Parameter {
    /// Its name in the library, the experiment file, summaries and Python (`rho0`); the
    /// command line's flag is the name with dashes (`--length-norm`).
    pub name: &'static str,
    /// Its name in the audit report's words (`B`), or `None` when the report leaves it out.
    pub label: Option<&'static str>,
    /// One line of help (the flag's help).
    pub help: &'static str,
    /// The value's name in the flag's help (`B` in `--length-norm <B>`); `None`: the name.
    pub value_name: Option<&'static str>,
    /// The default.
    pub default: Value,
    /// The values it may take.
    pub domain: Domain,
    /// How a published policy's noise widens it.
    pub widen: Widen,
    /// When results.csv shows it.
    pub column: Column,
    /// Whether the attack summary (`--summary`) gives its value among the parameters of the
    /// algorithm, when the algorithm reads it.
    pub in_summary: bool,
}

impl Parameter {
    /// The command line's flag, without the dashes: the name with `_` as `-`.
    pub fn flag(&self) -> String {
        self.name.replace('_', "-")
    }

    /// The default as a real number.
    pub fn default_f64(&self) -> f64 {
        self.default.as_f64()
    }

    /// `value` if it is in the domain; an error naming the parameter otherwise.
    pub fn check(&self, value: Value) -> Result<Value> {
        let name = self.name;
        let invalid = |message: String| Error::Parameter { name, message };
        // A whole number given for a real parameter is checked as the real it is.
        let value = match value {
            Value::Whole(n) if !self.domain.is_whole() => Value::Real(n as f64),
            value => value,
        };
        match (self.domain, value) {
            (Domain::Positive, Value::Real(v)) if !(v.is_finite() && v > 0.0) => Err(invalid(
                format!("{name} must be a positive number, got {v}"),
            )),
            (Domain::NonNegative, Value::Real(v)) if !(v.is_finite() && v >= 0.0) => {
                Err(invalid(format!("{name} must be >= 0, got {v}")))
            }
            (Domain::Fraction, Value::Real(v)) if !(0.0..=1.0).contains(&v) => {
                Err(invalid(format!("{name} must be in [0, 1], got {v}")))
            }
            (Domain::BelowOne, Value::Real(v)) if !(0.0..1.0).contains(&v) => {
                Err(invalid(format!("{name} must be in [0, 1), got {v}")))
            }
            (Domain::Probability, Value::Real(v)) if !(v > 0.0 && v <= 1.0) => {
                Err(invalid(format!("{name} must be in (0, 1], got {v}")))
            }
            (domain, Value::Whole(n)) if domain.is_whole() && n > domain.whole_max() => {
                Err(invalid(format!(
                    "{name} must be at most {}, got {n}",
                    domain.whole_max()
                )))
            }
            (domain, Value::Real(v)) if domain.is_whole() => self.whole_from(v),
            (_, value) => Ok(value),
        }
    }

    /// A number given as a real (TOML, Python, JSON) as this parameter's value, checked.
    pub fn from_f64(&self, v: f64) -> Result<Value> {
        self.check(Value::Real(v))
    }

    fn whole_from(&self, v: f64) -> Result<Value> {
        let name = self.name;
        let max = self.domain.whole_max();
        if v.fract() == 0.0 && v >= 0.0 && v <= max as f64 {
            Ok(Value::Whole(v as u64))
        } else {
            Err(Error::Parameter {
                name,
                message: format!("{name} must be a whole number from 0 to {max}, got {v}"),
            })
        }
    }

    /// `value` widened as a policy whose noise is `widening` calls for.
    pub fn widened(&self, value: Value, widening: &Widening) -> Value {
        let by = match self.widen {
            Widen::Not => return value,
            Widen::ByEntryLoss if widening.entry_loss == 0.0 => return value,
            Widen::ByEntryLoss => {
                let loss = widening.entry_loss;
                return Value::Real(1.0 - (1.0 - value.as_f64()) * (1.0 - loss));
            }
            Widen::ToMembership => {
                return widening.membership.map_or(value, Value::Real);
            }
            Widen::ToRecordCap => {
                return widening.record_cap.map_or(value, Value::Whole);
            }
            Widen::ByRatingSpread => widening.rating_spread,
            Widen::ByDateSpread => widening.date_spread,
            Widen::ByRatingBound => widening.rating_bound,
            Widen::ByDateBound => widening.date_bound.ceil(),
        };
        match value {
            Value::Real(x) => Value::Real(x + by),
            Value::Whole(n) => {
                Value::Whole(n.saturating_add(by as u64).min(self.domain.whole_max()))
            }
        }
    }
}

/// A parameter of the attack that serializes as its value, for a struct that flattens a list of
/// them into a map in a fixed order (an experiment cell, a summary).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Values(pub Vec<(&'static str, Value)>);

impl Values {
    /// The value of the parameter `name`, if present.
    pub fn get(&self, name: &str) -> Option<Value> {
        self.0.iter().find(|(n, _)| *n == name).map(|&(_, v)| v)
    }

    /// `B = 0.5` for each parameter that `keep` selects, by its label (its name without one).
    pub fn in_words(&self, keep: impl Fn(&Parameter) -> bool) -> Vec<String> {
        self.0
            .iter()
            .filter_map(|&(name, v)| {
                let p = super::params::parameter(name)?;
                keep(p).then(|| format!("{} = {v}", p.label.unwrap_or(name)))
            })
            .collect()
    }
}

impl Serialize for Values {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (name, value) in &self.0 {
            map.serialize_entry(name, value)?;
        }
        map.end()
    }
}

/// A number as a self-describing format holds it.
#[derive(Deserialize)]
#[serde(untagged)]
enum Number {
    Whole(u64),
    Real(f64),
}

impl<'de> Deserialize<'de> for Values {
    /// Reads the entries that name a registered parameter, in their order, and ignores the
    /// others (a struct that flattens [`Values`] hands it every key it does not know).
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct Visit;
        impl<'de> serde::de::Visitor<'de> for Visit {
            type Value = Values;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a map of attack parameters")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> std::result::Result<Values, A::Error> {
                let mut out = Vec::new();
                while let Some(key) = map.next_key::<String>()? {
                    match super::params::parameter(&key) {
                        Some(p) => {
                            let value = match map.next_value::<Number>()? {
                                Number::Whole(n) => p.check(Value::Whole(n)),
                                Number::Real(v) => p.from_f64(v),
                            }
                            .map_err(serde::de::Error::custom)?;
                            out.push((p.name, value));
                        }
                        None => {
                            map.next_value::<serde::de::IgnoredAny>()?;
                        }
                    }
                }
                Ok(Values(out))
            }
        }
        d.deserialize_map(Visit)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::attack::algorithm::scoreboard::DATE_TOL;
    use crate::attack::algorithm::scoreboard_rh::RHO0;

    #[test]
    fn whole_parameters_take_whole_numbers_only() {
        assert_eq!(DATE_TOL.from_f64(7.0).unwrap(), Value::Whole(7));
        let e = DATE_TOL.from_f64(7.5).unwrap_err().to_string();
        assert_eq!(
            e,
            "date_tol must be a whole number from 0 to 4294967295, got 7.5"
        );
        assert!(DATE_TOL.from_f64(-1.0).is_err());
        assert!(DATE_TOL.check(Value::Whole(1 << 40)).is_err());
        // A whole number for a real parameter is checked in its domain (Python's `rho0=0`).
        assert_eq!(RHO0.check(Value::Whole(2)).unwrap(), Value::Real(2.0));
        let e = RHO0.check(Value::Whole(0)).unwrap_err().to_string();
        assert_eq!(e, "rho0 must be a positive number, got 0");
        let w = Widening {
            date_bound: 2.5,
            ..Widening::default()
        };
        assert_eq!(DATE_TOL.widened(Value::Whole(14), &w), Value::Whole(17));
        assert_eq!(Value::Real(30.0).to_string(), "30");
    }
}
