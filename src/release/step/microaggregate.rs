//! `microaggregate:k=K`: ratings replaced by averages over groups of at least K similar people
//! (see [`crate::release::microaggregate`]).

use std::fmt;

use super::{Args, Effects, ReleaseStep, Step, StepInfo};
use crate::release::knowledge::PolicyKnowledge;
use crate::release::microaggregate::microaggregate;
use crate::release::working::Working;
use crate::{Error, Result};

/// Ratings replaced by averages over groups of at least `k` similar people.
#[derive(Clone, Debug, PartialEq)]
pub struct Microaggregate {
    /// Smallest group.
    pub k: usize,
}

/// The step in the policy language.
pub const INFO: StepInfo = StepInfo {
    name: "microaggregate",
    usage: "microaggregate:k=K",
    help: "ratings replaced by averages over k-means groups of >= K similar people",
    example: "microaggregate:k=5",
    keys: &["k"],
    parse,
};

fn parse(a: &Args) -> Result<Step> {
    let k = a.number("k")? as usize;
    if k < 2 {
        return Err(Error::InvalidArgument(
            "step 'microaggregate' needs k >= 2".into(),
        ));
    }
    Ok(Step::Microaggregate(Microaggregate { k }))
}

impl fmt::Display for Microaggregate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "microaggregate:k={}", self.k)
    }
}

impl ReleaseStep for Microaggregate {
    fn apply(&self, w: &mut Working, index: usize, seed: u64) -> Result<()> {
        microaggregate(w, self.k, index, seed)
    }

    /// A rating becomes its group's mean for the item: about one star from the truth on a
    /// five-star scale (the spread of ratings around an item's mean), rarely more than two.
    fn inform(&self, k: &mut PolicyKnowledge, _: f64) {
        k.widen_ratings(1.0, 2.0);
    }

    fn effects(&self) -> Effects {
        Effects::ACROSS_PEOPLE
    }
}
