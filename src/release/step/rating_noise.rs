//! `rating-noise:scale=B[,dist=laplace|uniform]`: noise on every rating, in stars, rounded to
//! the scale and clamped.

use std::fmt;

use rayon::prelude::*;

use super::noise::Noise;
use super::{Args, ReleaseStep, Step, StepInfo, rng};
use crate::Result;
use crate::dataset::NO_RATING;
use crate::release::knowledge::PolicyKnowledge;
use crate::release::working::Working;

/// The distribution when `dist=` is not given.
const DEFAULT_NOISE: Noise = Noise::Laplace;

/// Add noise to every rating, round to the scale and clamp.
#[derive(Clone, Debug, PartialEq)]
pub struct RatingNoise {
    /// Noise scale, stars.
    pub scale: f64,
    /// Distribution.
    pub noise: Noise,
}

/// The step in the policy language.
pub const INFO: StepInfo = StepInfo {
    name: "rating-noise",
    usage: "rating-noise:scale=B[,dist=laplace|uniform]",
    help: "noise in stars, rounded to the scale and clamped",
    example: "rating-noise:scale=1,dist=uniform",
    keys: &["scale", "dist"],
    parse,
};

fn parse(a: &Args) -> Result<Step> {
    Ok(Step::RatingNoise(RatingNoise {
        scale: a.number("scale")?,
        noise: Noise::from_args(a, DEFAULT_NOISE)?,
    }))
}

impl fmt::Display for RatingNoise {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "rating-noise:scale={}", self.scale)?;
        if self.noise != DEFAULT_NOISE {
            write!(f, ",dist={}", self.noise)?;
        }
        Ok(())
    }
}

impl ReleaseStep for RatingNoise {
    fn apply(&self, w: &mut Working, index: usize, seed: u64) -> Result<()> {
        let (s, scale, noise) = (w.scale, self.scale, self.noise);
        w.people.par_iter_mut().for_each(|p| {
            let mut r = rng(seed, index, p.original);
            for e in p.entries.iter_mut().filter(|e| e.rating != NO_RATING) {
                // Ratings are stored in half stars.
                e.rating = s.round(e.rating as f64 + 2.0 * noise.draw(&mut r, scale));
            }
        });
        Ok(())
    }

    fn inform(&self, k: &mut PolicyKnowledge, _: f64) {
        let (mean, bound) = self.noise.spread(self.scale);
        k.widen_ratings(mean, bound);
    }
}
