//! `attr-truncate:name=A,keep=K`: keep the first K characters of an attribute's values (`857*`).

use std::fmt;

use super::{Args, ReleaseStep, Step, StepInfo};
use crate::release::attributes;
use crate::release::knowledge::PolicyKnowledge;
use crate::release::working::Working;
use crate::{Error, Result};

/// Keep the first `keep` characters of an attribute's values.
#[derive(Clone, Debug, PartialEq)]
pub struct AttrTruncate {
    /// The attribute.
    pub name: String,
    /// Characters kept.
    pub keep: usize,
}

/// The step in the policy language.
pub const INFO: StepInfo = StepInfo {
    name: "attr-truncate",
    usage: "attr-truncate:name=A,keep=K",
    help: "keep the first K characters of attribute A (zip prefixes: 857*)",
    example: "attr-truncate:name=zip_code,keep=3",
    keys: &["name", "keep"],
    parse,
};

fn parse(a: &Args) -> Result<Step> {
    let keep = a.number("keep")?;
    if keep.fract() != 0.0 {
        return Err(Error::InvalidArgument(
            "step 'attr-truncate' needs a whole number keep >= 0".into(),
        ));
    }
    Ok(Step::AttrTruncate(AttrTruncate {
        name: a.name()?,
        keep: keep as usize,
    }))
}

impl fmt::Display for AttrTruncate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "attr-truncate:name={},keep={}", self.name, self.keep)
    }
}

impl ReleaseStep for AttrTruncate {
    fn apply(&self, w: &mut Working, _: usize, _: u64) -> Result<()> {
        attributes::truncate(w, &self.name, self.keep)
    }

    /// The release shows the attribute as it is (a prefix): an adversary maps a known value
    /// through it by reading the released value itself, so there is nothing more to know.
    fn inform(&self, _: &mut PolicyKnowledge, _: f64) {}
}
