//! `attr-drop:name=A`: remove a people's attribute from the release.

use std::fmt;

use super::{Args, ReleaseStep, Step, StepInfo};
use crate::Result;
use crate::release::attributes;
use crate::release::knowledge::PolicyKnowledge;
use crate::release::working::Working;

/// Remove a people's attribute from the release.
#[derive(Clone, Debug, PartialEq)]
pub struct AttrDrop {
    /// The attribute.
    pub name: String,
}

/// The step in the policy language.
pub const INFO: StepInfo = StepInfo {
    name: "attr-drop",
    usage: "attr-drop:name=A",
    help: "remove the people's attribute A",
    example: "attr-drop:name=occupation",
    keys: &["name"],
    parse,
};

fn parse(a: &Args) -> Result<Step> {
    Ok(Step::AttrDrop(AttrDrop { name: a.name()? }))
}

impl fmt::Display for AttrDrop {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "attr-drop:name={}", self.name)
    }
}

impl ReleaseStep for AttrDrop {
    fn apply(&self, w: &mut Working, _: usize, _: u64) -> Result<()> {
        attributes::drop(w, &self.name)
    }

    /// The release shows the attribute as it is (a blank): an adversary reads the released value
    /// itself, so there is nothing more to know.
    fn inform(&self, _: &mut PolicyKnowledge, _: f64) {}
}
