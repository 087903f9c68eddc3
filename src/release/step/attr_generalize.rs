//! `attr-generalize:name=A,width=W`: numeric values of an attribute into bands of W (`20-29`).

use std::fmt;

use super::{Args, ReleaseStep, Step, StepInfo};
use crate::release::attributes;
use crate::release::knowledge::PolicyKnowledge;
use crate::release::working::Working;
use crate::{Error, Result};

/// Numeric values of an attribute into bands of `width`.
#[derive(Clone, Debug, PartialEq)]
pub struct AttrGeneralize {
    /// The attribute.
    pub name: String,
    /// Band width.
    pub width: i64,
}

/// The step in the policy language.
pub const INFO: StepInfo = StepInfo {
    name: "attr-generalize",
    usage: "attr-generalize:name=A,width=W",
    help: "numeric attribute A into bands of width W (20-29)",
    example: "attr-generalize:name=age,width=10",
    keys: &["name", "width"],
    parse,
};

fn parse(a: &Args) -> Result<Step> {
    Ok(Step::AttrGeneralize(AttrGeneralize {
        name: a.name()?,
        width: band_width(a.get("width"))?,
    }))
}

/// The width: a whole number from 1 to `i64::MAX` (written as digits, or as a number with no
/// fraction such as `1e3`).
fn band_width(text: Option<&str>) -> Result<i64> {
    let text = text.unwrap_or("").trim();
    let bad = |why: &str| {
        Error::InvalidArgument(format!(
            "step 'attr-generalize' needs a whole width from 1 to {}{why}, got '{text}'",
            i64::MAX
        ))
    };
    let width = match text.parse::<u128>() {
        Ok(w) => w,
        Err(_) => match text.parse::<f64>() {
            Ok(w) if w.is_finite() && w >= 0.0 && w.fract() == 0.0 => w as u128,
            _ => return Err(bad("")),
        },
    };
    match i64::try_from(width) {
        Ok(w) if w >= 1 => Ok(w),
        Ok(_) => Err(bad("")),
        Err(_) => Err(bad(" (the largest band an i64 holds)")),
    }
}

impl fmt::Display for AttrGeneralize {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "attr-generalize:name={},width={}", self.name, self.width)
    }
}

impl ReleaseStep for AttrGeneralize {
    fn apply(&self, w: &mut Working, _: usize, _: u64) -> Result<()> {
        attributes::generalize(w, &self.name, self.width)
    }

    /// The release shows the attribute as it is (a band): an adversary maps a known value
    /// through it by reading the released value itself, so there is nothing more to know.
    fn inform(&self, _: &mut PolicyKnowledge, _: f64) {}
}
