//! `dp:epsilon=E[,max_per_record=T][,presence=P]`: a differentially private release of each
//! person's truncated record (see [`crate::release::dp`] for the mechanism and exactly what is
//! guaranteed).

use std::fmt;

use super::truncate::Truncate;
use super::{Args, Effects, ReleaseStep, Step, StepInfo};
use crate::release::dp;
use crate::release::knowledge::{FactMap, PolicyKnowledge};
use crate::release::working::Working;
use crate::{Error, Result};

/// The default contribution bound.
const DEFAULT_MAX_PER_RECORD: usize = 20;
/// The default share of epsilon spent on presence.
const DEFAULT_PRESENCE: f64 = 0.5;

/// A differentially private release of each person's truncated record.
#[derive(Clone, Debug, PartialEq)]
pub struct Dp {
    /// Total privacy budget per person.
    pub epsilon: f64,
    /// Contribution bound: ratings kept per person.
    pub max_per_record: usize,
    /// Share of epsilon spent on presence (the rest on rating values).
    pub presence: f64,
}

/// The step in the policy language.
pub const INFO: StepInfo = StepInfo {
    name: "dp",
    usage: "dp:epsilon=E[,max_per_record=T][,presence=P]",
    help: "E-DP per person: randomized response on presence, Laplace on ratings, dates dropped",
    example: "dp:epsilon=1",
    keys: &["epsilon", "max_per_record", "presence"],
    parse,
};

fn parse(a: &Args) -> Result<Step> {
    let epsilon = a.number("epsilon")?;
    let max_per_record = a.number_or("max_per_record", DEFAULT_MAX_PER_RECORD as f64)? as usize;
    let presence = a.number_or("presence", DEFAULT_PRESENCE)?;
    if epsilon <= 0.0 || max_per_record == 0 || !(0.0..1.0).contains(&presence) || presence == 0.0 {
        return Err(Error::InvalidArgument(
            "step 'dp' needs epsilon > 0, max_per_record >= 1 and 0 < presence < 1".into(),
        ));
    }
    Ok(Step::Dp(Dp {
        epsilon,
        max_per_record,
        presence,
    }))
}

impl fmt::Display for Dp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "dp:epsilon={}", self.epsilon)?;
        if self.max_per_record != DEFAULT_MAX_PER_RECORD {
            write!(f, ",max_per_record={}", self.max_per_record)?;
        }
        if self.presence != DEFAULT_PRESENCE {
            write!(f, ",presence={}", self.presence)?;
        }
        Ok(())
    }
}

impl ReleaseStep for Dp {
    fn apply(&self, w: &mut Working, index: usize, seed: u64) -> Result<()> {
        dp::check_input(w, &self.to_string())?;
        let max_per_record = self.max_per_record;
        // As the step `truncate` would (an error names it if it leaves nobody).
        Step::from(Truncate { max_per_record }).apply(w, index, seed)?;
        dp::randomize(w, self.epsilon, max_per_record, self.presence, index, seed)
    }

    /// Dates dropped; ratings carry Laplace noise of scale 2T x range / ((1 - P) E) stars (the
    /// mechanism's). Truncation to T caps the records; the randomized response on presence then
    /// deletes each kept entry at random (its false entries are in the release's item
    /// popularity, which the attack reads).
    fn inform(&self, k: &mut PolicyKnowledge, rating_range: f64) {
        let (epsilon, max_per_record, presence) =
            (self.epsilon, self.max_per_record, self.presence);
        k.cap_records(max_per_record as u64);
        let (kept, _) = dp::presence_odds(epsilon, max_per_record, presence);
        k.delete_entries(1.0 - kept);
        k.push_map(FactMap::DropDate);
        let scale = 2.0 * max_per_record as f64 * rating_range / ((1.0 - presence) * epsilon);
        k.widen_ratings(scale, 3.0 * scale);
    }

    /// Randomized response both removes the person's entries and adds others.
    fn effects(&self) -> Effects {
        Effects {
            removes_entries: true,
            adds_entries: true,
            ..Effects::NONE
        }
    }
}
