//! `k-anonymity:k=K,attributes=A+B+...[,max_suppressed=F]`: k-anonymity on a set of attributes,
//! by full-domain generalization along each attribute's hierarchy, then suppression (see
//! [`crate::release::kanon`]).

use std::fmt;

use super::{Args, Effects, ReleaseStep, Step, StepInfo};
use crate::release::guarantee::{SHRINKS_GROUPS, people_in_small_groups};
use crate::release::kanon;
use crate::release::knowledge::PolicyKnowledge;
use crate::release::working::Working;
use crate::{Error, Result};

/// The default largest share of people suppressed.
pub const DEFAULT_MAX_SUPPRESSED: f64 = 0.05;

/// Every combination of the attributes' released values shared by at least `k` people.
#[derive(Clone, Debug, PartialEq)]
pub struct KAnonymity {
    /// Smallest group.
    pub k: u32,
    /// The quasi-identifiers.
    pub attributes: Vec<String>,
    /// Largest share of people whose values may be suppressed.
    pub max_suppressed: f64,
}

/// The step in the policy language.
pub const INFO: StepInfo = StepInfo {
    name: "k-anonymity",
    usage: "k-anonymity:k=K,attributes=A+B+C[,max_suppressed=F]",
    help: "generalize those attributes (bands, prefixes; least in total), then suppress the rest, until every combination is shared by >= K people (at most F of them suppressed, default 0.05)",
    example: "k-anonymity:k=5,attributes=age+gender+zip_code",
    keys: &["k", "attributes", "max_suppressed"],
    parse,
};

fn parse(a: &Args) -> Result<Step> {
    let k = a.number("k")?;
    if k < 1.0 || k.fract() != 0.0 {
        return Err(Error::InvalidArgument(
            "step 'k-anonymity' needs a whole k >= 1".into(),
        ));
    }
    let attributes = attribute_list(a.get("attributes").unwrap_or(""))?;
    let max_suppressed = a.number_or("max_suppressed", DEFAULT_MAX_SUPPRESSED)?;
    if max_suppressed > 1.0 {
        return Err(Error::InvalidArgument(
            "step 'k-anonymity': max_suppressed must be in [0, 1]".into(),
        ));
    }
    Ok(Step::KAnonymity(KAnonymity {
        k: k as u32,
        attributes,
        max_suppressed,
    }))
}

/// The attributes of `attributes=A+B+...`: each named once, none empty.
fn attribute_list(text: &str) -> Result<Vec<String>> {
    let bad = |why: String| {
        Error::InvalidArgument(format!(
            "step 'k-anonymity' needs attributes=A+B+... {why}, got '{text}'"
        ))
    };
    let mut names: Vec<String> = Vec::new();
    for name in text.split('+').map(str::trim) {
        if name.is_empty() {
            return Err(bad("with no empty name".into()));
        }
        if names.iter().any(|n| n == name) {
            return Err(bad(format!("with each named once ('{name}' twice)")));
        }
        names.push(name.to_string());
    }
    Ok(names)
}

impl fmt::Display for KAnonymity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "k-anonymity:k={},attributes={}",
            self.k,
            self.attributes.join("+")
        )?;
        if self.max_suppressed != DEFAULT_MAX_SUPPRESSED {
            write!(f, ",max_suppressed={}", self.max_suppressed)?;
        }
        Ok(())
    }
}

impl ReleaseStep for KAnonymity {
    fn apply(&self, w: &mut Working, _: usize, _: u64) -> Result<()> {
        kanon::anonymize(w, self.k, &self.attributes, self.max_suppressed)?;
        Ok(())
    }

    /// The release shows the attributes as they are (bands, prefixes, blanks): an adversary maps
    /// a known value through them by reading the released value itself, so there is nothing
    /// more to know.
    fn inform(&self, _: &mut PolicyKnowledge, _: f64) {}

    fn effects(&self) -> Effects {
        Effects::ACROSS_PEOPLE
    }

    fn broken_by(&self, later: &Step) -> Option<&'static str> {
        later.effects().removes_people.then_some(SHRINKS_GROUPS)
    }

    fn shortfall(&self, w: &Working) -> Result<Option<String>> {
        let columns: Vec<usize> = self
            .attributes
            .iter()
            .filter_map(|n| w.attributes.iter().position(|a| a == n))
            .collect();
        let k = self.k;
        let people = people_in_small_groups(w, &columns, k as usize);
        Ok((people > 0)
            .then(|| format!("{people} people share their values with fewer than k = {k} people")))
    }
}
