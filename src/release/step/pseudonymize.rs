//! `pseudonymize`: new random record ids. It always happens, last, whatever the spec says (see
//! [`crate::release::working::Working::into_release`]); a spec may write it for explicitness,
//! and the policy parser leaves it out of the policy's steps.

use std::fmt;

use super::{Args, ReleaseStep, Step, StepInfo};
use crate::Result;
use crate::release::knowledge::PolicyKnowledge;
use crate::release::working::Working;

/// Random new record ids (always applied; accepted for explicitness).
#[derive(Clone, Debug, PartialEq)]
pub struct Pseudonymize;

/// The step in the policy language.
pub const INFO: StepInfo = StepInfo {
    name: "pseudonymize",
    usage: "pseudonymize",
    help: "new random record ids (implicit; always last)",
    example: "pseudonymize",
    keys: &[],
    parse,
};

fn parse(_: &Args) -> Result<Step> {
    Ok(Step::Pseudonymize(Pseudonymize))
}

impl fmt::Display for Pseudonymize {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "pseudonymize")
    }
}

impl ReleaseStep for Pseudonymize {
    /// Nothing here: the release pseudonymizes when it is made.
    fn apply(&self, _: &mut Working, _: usize, _: u64) -> Result<()> {
        Ok(())
    }

    /// New ids tell an adversary nothing it could map its facts by.
    fn inform(&self, _: &mut PolicyKnowledge, _: f64) {}
}
