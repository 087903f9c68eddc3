//! `date-drop`: remove every date.

use std::fmt;

use rayon::prelude::*;

use super::{Args, ReleaseStep, Step, StepInfo};
use crate::Result;
use crate::dataset::NO_DAY;
use crate::release::knowledge::{FactMap, PolicyKnowledge};
use crate::release::working::Working;

/// Remove every date.
#[derive(Clone, Debug, PartialEq)]
pub struct DateDrop;

/// The step in the policy language.
pub const INFO: StepInfo = StepInfo {
    name: "date-drop",
    usage: "date-drop",
    help: "remove dates",
    example: "date-drop",
    keys: &[],
    parse,
};

fn parse(_: &Args) -> Result<Step> {
    Ok(Step::DateDrop(DateDrop))
}

impl fmt::Display for DateDrop {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "date-drop")
    }
}

impl ReleaseStep for DateDrop {
    fn apply(&self, w: &mut Working, _: usize, _: u64) -> Result<()> {
        w.people
            .par_iter_mut()
            .for_each(|p| p.entries.iter_mut().for_each(|e| e.day = NO_DAY));
        Ok(())
    }

    fn inform(&self, k: &mut PolicyKnowledge, _: f64) {
        k.push_map(FactMap::DropDate);
    }
}
