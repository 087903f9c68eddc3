//! `km-anonymity:k=K,m=M`: suppression-based k^m-anonymity (see [`crate::release::km`]): every
//! set of up to M items that some person holds is held by at least K people.

use std::fmt;

use super::{Args, Effects, ReleaseStep, Step, StepInfo};
use crate::release::guarantee::{ADDS_ITEMS, REMOVES_ITEMS, SHRINKS_GROUPS};
use crate::release::km;
use crate::release::knowledge::PolicyKnowledge;
use crate::release::working::Working;
use crate::{Error, Result};

/// Whole items are suppressed until every set of up to `m` items that some person holds is
/// held by at least `k` people.
#[derive(Clone, Debug, PartialEq)]
pub struct KmAnonymity {
    /// Smallest group.
    pub k: u32,
    /// Largest itemset the adversary knows (1 or 2).
    pub m: u32,
}

/// The step in the policy language.
pub const INFO: StepInfo = StepInfo {
    name: "km-anonymity",
    usage: "km-anonymity:k=K,m=M",
    help: "suppress items until every set of up to M (1 or 2) items held by someone is held by >= K people",
    example: "km-anonymity:k=5,m=2",
    keys: &["k", "m"],
    parse,
};

fn parse(a: &Args) -> Result<Step> {
    let (k, m) = (a.number("k")? as u32, a.number("m")? as u32);
    if k < 1 || !(1..=2).contains(&m) {
        return Err(Error::InvalidArgument(
            "step 'km-anonymity' needs k >= 1 and m = 1 or 2".into(),
        ));
    }
    Ok(Step::KmAnonymity(KmAnonymity { k, m }))
}

impl fmt::Display for KmAnonymity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "km-anonymity:k={},m={}", self.k, self.m)
    }
}

impl ReleaseStep for KmAnonymity {
    fn apply(&self, w: &mut Working, _: usize, _: u64) -> Result<()> {
        km::anonymize(w, self.k, self.m)
    }

    /// An item it suppresses is removed from everyone, so is not in the release: the
    /// adversary's facts on it say nothing, and the released values are the true ones.
    fn inform(&self, _: &mut PolicyKnowledge, _: f64) {}

    fn effects(&self) -> Effects {
        Effects::ACROSS_PEOPLE
    }

    fn broken_by(&self, later: &Step) -> Option<&'static str> {
        let effects = later.effects();
        if effects.removes_people {
            Some(SHRINKS_GROUPS)
        } else if effects.adds_entries {
            Some(ADDS_ITEMS)
        } else if effects.removes_entries {
            Some(REMOVES_ITEMS)
        } else {
            None
        }
    }

    fn shortfall(&self, w: &Working) -> Result<Option<String>> {
        let (k, m) = (self.k, self.m);
        Ok((!km::holds(w, k, m)?)
            .then(|| format!("a set of up to {m} items is held by fewer than k = {k} people")))
    }
}
