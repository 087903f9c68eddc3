//! `rating-drop`: remove every rating (release presence only).

use std::fmt;

use rayon::prelude::*;

use super::{Args, ReleaseStep, Step, StepInfo};
use crate::Result;
use crate::dataset::NO_RATING;
use crate::release::knowledge::{FactMap, PolicyKnowledge};
use crate::release::working::Working;

/// Remove every rating (release presence only).
#[derive(Clone, Debug, PartialEq)]
pub struct RatingDrop;

/// The step in the policy language.
pub const INFO: StepInfo = StepInfo {
    name: "rating-drop",
    usage: "rating-drop",
    help: "release presence only",
    example: "rating-drop",
    keys: &[],
    parse,
};

fn parse(_: &Args) -> Result<Step> {
    Ok(Step::RatingDrop(RatingDrop))
}

impl fmt::Display for RatingDrop {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "rating-drop")
    }
}

impl ReleaseStep for RatingDrop {
    fn apply(&self, w: &mut Working, _: usize, _: u64) -> Result<()> {
        w.people
            .par_iter_mut()
            .for_each(|p| p.entries.iter_mut().for_each(|e| e.rating = NO_RATING));
        Ok(())
    }

    fn inform(&self, k: &mut PolicyKnowledge, _: f64) {
        k.push_map(FactMap::DropRating);
    }
}
