//! `truncate:max_per_record=T`: keep at most T entries per person (a random subset, in their
//! original order).

use std::fmt;

use rayon::prelude::*;

use super::{Args, Effects, ReleaseStep, Step, StepInfo, rng};
use crate::Result;
use crate::release::knowledge::PolicyKnowledge;
use crate::release::working::Working;

/// Keep at most `max_per_record` entries per person (a random subset).
#[derive(Clone, Debug, PartialEq)]
pub struct Truncate {
    /// Entries kept per person.
    pub max_per_record: usize,
}

/// The step in the policy language.
pub const INFO: StepInfo = StepInfo {
    name: "truncate",
    usage: "truncate:max_per_record=T",
    help: "keep at most T ratings per person (random subset)",
    example: "truncate:max_per_record=50",
    keys: &["max_per_record"],
    parse,
};

fn parse(a: &Args) -> Result<Step> {
    Ok(Step::Truncate(Truncate {
        max_per_record: a.number("max_per_record")? as usize,
    }))
}

impl fmt::Display for Truncate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "truncate:max_per_record={}", self.max_per_record)
    }
}

impl ReleaseStep for Truncate {
    fn apply(&self, w: &mut Working, index: usize, seed: u64) -> Result<()> {
        let max = self.max_per_record;
        w.people.par_iter_mut().for_each(|p| {
            if p.entries.len() > max {
                let mut r = rng(seed, index, p.original);
                let mut keep: Vec<usize> = (0..p.entries.len()).collect();
                for k in 0..max {
                    let j = k + r.below((keep.len() - k) as u64) as usize;
                    keep.swap(k, j);
                }
                keep.truncate(max);
                keep.sort_unstable();
                p.entries = keep.into_iter().map(|k| p.entries[k]).collect();
            }
        });
        Ok(())
    }

    /// A record shorter than the cap lost nothing; one at the cap may have lost most.
    fn inform(&self, k: &mut PolicyKnowledge, _: f64) {
        k.cap_records(self.max_per_record as u64);
    }

    fn effects(&self) -> Effects {
        Effects {
            removes_entries: true,
            ..Effects::NONE
        }
    }
}
