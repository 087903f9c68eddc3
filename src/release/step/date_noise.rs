//! `date-noise:days=D[,dist=uniform|laplace]`: shift every date by a noise of scale D days,
//! rounded to whole days and clamped to the days a store holds.

use std::fmt;

use rayon::prelude::*;

use super::noise::Noise;
use super::{Args, ReleaseStep, Step, StepInfo, rng};
use crate::Result;
use crate::dataset::NO_DAY;
use crate::dataset::values::MAX_DAY;
use crate::release::knowledge::PolicyKnowledge;
use crate::release::working::Working;

/// The distribution when `dist=` is not given.
const DEFAULT_NOISE: Noise = Noise::Uniform;

/// Shift every date.
#[derive(Clone, Debug, PartialEq)]
pub struct DateNoise {
    /// Noise scale, days.
    pub days: f64,
    /// Distribution.
    pub noise: Noise,
}

/// The step in the policy language.
pub const INFO: StepInfo = StepInfo {
    name: "date-noise",
    usage: "date-noise:days=D[,dist=uniform|laplace]",
    help: "shift dates",
    example: "date-noise:days=7",
    keys: &["days", "dist"],
    parse,
};

fn parse(a: &Args) -> Result<Step> {
    Ok(Step::DateNoise(DateNoise {
        days: a.number("days")?,
        noise: Noise::from_args(a, DEFAULT_NOISE)?,
    }))
}

impl fmt::Display for DateNoise {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "date-noise:days={}", self.days)?;
        if self.noise != DEFAULT_NOISE {
            write!(f, ",dist={}", self.noise)?;
        }
        Ok(())
    }
}

impl ReleaseStep for DateNoise {
    fn apply(&self, w: &mut Working, index: usize, seed: u64) -> Result<()> {
        let (days, noise) = (self.days, self.noise);
        w.people.par_iter_mut().for_each(|p| {
            let mut r = rng(seed, index, p.original);
            for e in p.entries.iter_mut().filter(|e| e.day != NO_DAY) {
                let shifted = e.day as f64 + noise.draw(&mut r, days).round();
                e.day = shifted.clamp(0.0, MAX_DAY as f64) as u16;
            }
        });
        Ok(())
    }

    fn inform(&self, k: &mut PolicyKnowledge, _: f64) {
        let (mean, bound) = self.noise.spread(self.days);
        k.widen_dates(mean, bound);
    }
}
