//! A step's arguments as a spec writes them (`key=value,...`), and the checks the steps share:
//! unknown keys, missing values, numbers >= 0, fractions, attribute names.

use crate::{Error, Result};

/// The `key=value` pairs after a step's `name:`.
pub struct Args<'a> {
    step: &'a str,
    pairs: Vec<(&'a str, &'a str)>,
}

impl<'a> Args<'a> {
    /// The pairs of `text`, the arguments of the step `step`: an error for a part that is not
    /// `key=value`.
    pub fn parse(step: &'a str, text: &'a str) -> Result<Self> {
        let mut pairs = Vec::new();
        for part in text.split(',').filter(|p| !p.trim().is_empty()) {
            let (k, v) = part.split_once('=').ok_or_else(|| {
                Error::InvalidArgument(format!("step '{step}': argument '{part}' is not key=value"))
            })?;
            pairs.push((k.trim(), v.trim()));
        }
        Ok(Args { step, pairs })
    }

    /// The step's name.
    pub fn step(&self) -> &'a str {
        self.step
    }

    /// An error unless every key is one of `allowed`.
    pub fn only(&self, allowed: &[&str]) -> Result<()> {
        for (k, _) in &self.pairs {
            if !allowed.contains(k) {
                return Err(Error::InvalidArgument(format!(
                    "step '{}' takes {}; got '{k}'",
                    self.step,
                    if allowed.is_empty() {
                        "no arguments".to_string()
                    } else {
                        allowed.join(", ")
                    }
                )));
            }
        }
        Ok(())
    }

    /// The value of `key`, if given.
    pub fn get(&self, key: &str) -> Option<&'a str> {
        self.pairs.iter().find(|(k, _)| *k == key).map(|(_, v)| *v)
    }

    /// The value of `key`, a finite number >= 0; an error when it is missing or not one.
    pub fn number(&self, key: &str) -> Result<f64> {
        let v = self.get(key).ok_or_else(|| {
            Error::InvalidArgument(format!("step '{}' needs {key}=...", self.step))
        })?;
        v.parse::<f64>()
            .ok()
            .filter(|x| x.is_finite() && *x >= 0.0)
            .ok_or_else(|| {
                Error::InvalidArgument(format!(
                    "step '{}': {key}='{v}' is not a number >= 0",
                    self.step
                ))
            })
    }

    /// The value of `key` when given, a number >= 0; `default` when not.
    pub fn number_or(&self, key: &str, default: f64) -> Result<f64> {
        match self.get(key) {
            Some(_) => self.number(key),
            None => Ok(default),
        }
    }

    /// The attribute `name=...`, not empty.
    pub fn name(&self) -> Result<String> {
        match self.get("name") {
            Some(n) if !n.is_empty() => Ok(n.to_string()),
            _ => Err(Error::InvalidArgument(format!(
                "step '{}' needs name=<attribute>",
                self.step
            ))),
        }
    }

    /// `fraction=F`, in [0, 1].
    pub fn fraction(&self) -> Result<f64> {
        let f = self.number("fraction")?;
        if f > 1.0 {
            return Err(Error::InvalidArgument(format!(
                "step '{}': fraction must be in [0, 1]",
                self.step
            )));
        }
        Ok(f)
    }
}
