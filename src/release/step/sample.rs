//! `sample:fraction=F`: keep each person with probability F.

use std::fmt;

use super::{Args, Effects, ReleaseStep, Step, StepInfo, rng};
use crate::Result;
use crate::release::knowledge::PolicyKnowledge;
use crate::release::working::Working;

/// Keep each person with probability `fraction`.
#[derive(Clone, Debug, PartialEq)]
pub struct Sample {
    /// Probability of keeping a person.
    pub fraction: f64,
}

/// The step in the policy language.
pub const INFO: StepInfo = StepInfo {
    name: "sample",
    usage: "sample:fraction=F",
    help: "keep each person with probability F",
    example: "sample:fraction=0.1",
    keys: &["fraction"],
    parse,
};

fn parse(a: &Args) -> Result<Step> {
    Ok(Step::Sample(Sample {
        fraction: a.fraction()?,
    }))
}

impl fmt::Display for Sample {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "sample:fraction={}", self.fraction)
    }
}

impl ReleaseStep for Sample {
    fn apply(&self, w: &mut Working, index: usize, seed: u64) -> Result<()> {
        let fraction = self.fraction;
        w.people
            .retain(|p| rng(seed, index, p.original).f64() < fraction);
        Ok(())
    }

    /// The released values are the true ones, but a target may be missing: the prior of
    /// membership.
    fn inform(&self, k: &mut PolicyKnowledge, _: f64) {
        k.sample_people(self.fraction);
    }

    fn effects(&self) -> Effects {
        Effects {
            removes_people: true,
            ..Effects::NONE
        }
    }
}
