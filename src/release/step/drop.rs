//! `drop:fraction=F`: delete each entry with probability F.

use std::fmt;

use rayon::prelude::*;

use super::{Args, Effects, ReleaseStep, Step, StepInfo, rng};
use crate::Result;
use crate::release::knowledge::PolicyKnowledge;
use crate::release::working::Working;

/// Delete each entry with probability `fraction`.
#[derive(Clone, Debug, PartialEq)]
pub struct Drop {
    /// Probability of deleting an entry.
    pub fraction: f64,
}

/// The step in the policy language.
pub const INFO: StepInfo = StepInfo {
    name: "drop",
    usage: "drop:fraction=F",
    help: "delete each rating with probability F",
    example: "drop:fraction=0.2",
    keys: &["fraction"],
    parse,
};

fn parse(a: &Args) -> Result<Step> {
    Ok(Step::Drop(Drop {
        fraction: a.fraction()?,
    }))
}

impl fmt::Display for Drop {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "drop:fraction={}", self.fraction)
    }
}

impl ReleaseStep for Drop {
    fn apply(&self, w: &mut Working, index: usize, seed: u64) -> Result<()> {
        let fraction = self.fraction;
        w.people.par_iter_mut().for_each(|p| {
            let mut r = rng(seed, index, p.original);
            p.entries.retain(|_| r.f64() >= fraction);
        });
        Ok(())
    }

    /// The released values are the true ones, but a true fact of the target's may be missing.
    fn inform(&self, k: &mut PolicyKnowledge, _: f64) {
        k.delete_entries(self.fraction);
    }

    fn effects(&self) -> Effects {
        Effects {
            removes_entries: true,
            ..Effects::NONE
        }
    }
}
