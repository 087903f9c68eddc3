//! The noise `rating-noise` and `date-noise` draw: Laplace or uniform, its `dist=` argument, and
//! how far it moves a value for an adversary who knows it.

use std::fmt;

use super::Args;
use crate::rng::Rng;
use crate::{Error, Result};

/// How noise is drawn.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Noise {
    /// Laplace with the given scale.
    Laplace,
    /// Uniform in [-scale, scale].
    Uniform,
}

impl fmt::Display for Noise {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Noise::Laplace => "laplace",
            Noise::Uniform => "uniform",
        })
    }
}

impl Noise {
    /// The step's `dist=laplace|uniform`, `default` when not given.
    pub fn from_args(a: &Args, default: Noise) -> Result<Noise> {
        match a.get("dist") {
            None => Ok(default),
            Some("laplace") => Ok(Noise::Laplace),
            Some("uniform") => Ok(Noise::Uniform),
            Some(other) => Err(Error::InvalidArgument(format!(
                "step '{}': dist must be laplace or uniform, got '{other}'",
                a.step()
            ))),
        }
    }

    /// One draw of scale `scale`.
    pub fn draw(self, rng: &mut Rng, scale: f64) -> f64 {
        match self {
            Noise::Laplace => rng.laplace(scale),
            Noise::Uniform => (2.0 * rng.f64() - 1.0) * scale,
        }
    }

    /// Mean absolute value and a bound covering most draws of scale `scale`: Laplace (b, 3b;
    /// P(|X| > 3b) = 5%) or uniform in [-s, s] (s / 2, s).
    pub fn spread(self, scale: f64) -> (f64, f64) {
        match self {
            Noise::Laplace => (scale, 3.0 * scale),
            Noise::Uniform => (scale / 2.0, scale),
        }
    }
}
