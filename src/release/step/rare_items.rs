//! `rare-items:min_support=K`: suppress items held by fewer than K people.

use std::fmt;

use rayon::prelude::*;

use super::{Args, Effects, ReleaseStep, Step, StepInfo};
use crate::Result;
use crate::release::knowledge::PolicyKnowledge;
use crate::release::working::Working;

/// Suppress items held by fewer than `min_support` people.
#[derive(Clone, Debug, PartialEq)]
pub struct RareItems {
    /// Smallest support kept.
    pub min_support: u32,
}

/// The step in the policy language.
pub const INFO: StepInfo = StepInfo {
    name: "rare-items",
    usage: "rare-items:min_support=K",
    help: "suppress items held by fewer than K people",
    example: "rare-items:min_support=5",
    keys: &["min_support"],
    parse,
};

fn parse(a: &Args) -> Result<Step> {
    Ok(Step::RareItems(RareItems {
        min_support: a.number("min_support")? as u32,
    }))
}

impl fmt::Display for RareItems {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "rare-items:min_support={}", self.min_support)
    }
}

impl ReleaseStep for RareItems {
    fn apply(&self, w: &mut Working, _: usize, _: u64) -> Result<()> {
        let supports = w.supports();
        let min_support = self.min_support;
        w.people.par_iter_mut().for_each(|p| {
            p.entries
                .retain(|e| supports[e.item as usize] >= min_support)
        });
        Ok(())
    }

    /// An item it removes is removed from everyone, so is not in the release: the adversary's
    /// facts on it say nothing, and the released values are the true ones.
    fn inform(&self, _: &mut PolicyKnowledge, _: f64) {}

    fn effects(&self) -> Effects {
        Effects::ACROSS_PEOPLE
    }
}
