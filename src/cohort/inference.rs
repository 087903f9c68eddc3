//! What publishing a cohort reveals about the items it is about, against a control
//! (docs/method.md section 15).
//!
//! The secret is whether a person meets the statement ("watched A Christmas Prince every day
//! for 18 days"). The adversary knows M facts of the person's other items, links them to a
//! record of the data, and guesses "yes" when that record is in the published cohort (which it
//! can select from the pseudonymized data itself). Measured on people whose data the statement
//! was computed from (main) and on people held out of it (control), each group half people who
//! meet the statement and half who do not, so that both have the same base rate; the risk is
//! the share of the control's wrong guesses that linking puts right.

use std::collections::HashSet;
use std::sync::Arc;

use serde::Serialize;

use super::adversary::Knowledge;
use crate::Result;
use crate::auxiliary::sampler::{self, AuxParams};
use crate::dataset::cohort::{self, Rule, Window};
use crate::dataset::{AuxRecord, Dataset, ItemIdx, RecordIdx};
use crate::inference::{Rates, rates_of};
use crate::linkage::AttackOptions;
use crate::release::Policy;
use crate::rng::Rng;
use crate::rng::streams;
use crate::study::{Candidate, Released};

/// The inference figures of a cohort (`deanon cohort`'s `inference`).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CohortInference {
    /// People held out of the data the statement is computed from: as many who meet it as
    /// who do not.
    pub held_out: usize,
    /// The cohort's size in the data without them.
    pub cohort_size_without_held_out: usize,
    /// Of the people in the data whose guess is scored (`members`), those who meet the
    /// statement (the rest do not).
    pub members_meeting_statement: usize,
    /// Of the people held out whose guess is scored (`non_members`), those who meet it.
    pub non_members_meeting_statement: usize,
    /// Accuracy over people in the data (`members`), over those held out (`non_members`), and
    /// the risk with its 95% bootstrap interval.
    #[serde(flatten)]
    pub rates: Rates,
}

impl CohortInference {
    /// The line of `deanon cohort`'s table: for each group, how many guesses were right out of
    /// how many people were scored, the share, and how many of them meet the statement.
    pub fn to_text(&self) -> String {
        let r = &self.rates;
        let group = |accuracy: Option<f64>, people: usize, meeting: usize| match accuracy {
            Some(a) => format!(
                "right for {} of {people} ({a:.3}; {meeting} meeting the statement)",
                (a * people as f64).round() as usize
            ),
            None => format!("no guess scored of {people}"),
        };
        let risk = match (r.risk, r.risk_ci) {
            (Some(v), Some([lo, hi])) => format!("{v:.3} [{lo:.3}, {hi:.3}]"),
            (Some(v), None) => format!("{v:.3}"),
            _ => "-".into(),
        };
        format!(
            "inference (does a person meet the statement? guessed \"yes\" when their linked record is in the cohort): people in the data {}; people held out of it {}; risk {risk}",
            group(r.main_accuracy, r.members, self.members_meeting_statement),
            group(
                r.control_accuracy,
                r.non_members,
                self.non_members_meeting_statement
            ),
        )
    }
}

/// Measures what membership of the cohort `members` (sorted record indices of `data`, meeting
/// `rule` in `window`; `items`: the statement's items) reveals, with the cohort adversary's
/// `knowledge` (M facts of other items, one draw per person). `None` when the cohort has fewer
/// than two members, or nobody outside it: no control can be held out.
pub fn measure(
    data: &Arc<Dataset>,
    (rule, window, items): (&Rule, &Window, &[ItemIdx]),
    members: &[RecordIdx],
    knowledge: &Knowledge,
) -> Result<Option<CohortInference>> {
    let n = data.num_records();
    let inside: HashSet<RecordIdx> = members.iter().copied().collect();
    let outside: Vec<RecordIdx> = (0..n as RecordIdx)
        .filter(|r| !inside.contains(r))
        .collect();
    // Half of the cohort (at most the targets) held out, as many people outside it beside them.
    let half = (members.len() / 2).min(knowledge.targets);
    if half == 0 || outside.len() < 2 * half {
        return Ok(None);
    }
    let mut rng = Rng::derive(knowledge.seed, &[streams::COHORT_INFERENCE_PEOPLE]);
    let held_yes = rng.sample_sorted(members, half);
    let held_no = rng.sample_sorted(&outside, half);
    let held: HashSet<RecordIdx> = held_yes.iter().chain(&held_no).copied().collect();
    let kept_yes: Vec<RecordIdx> = members
        .iter()
        .copied()
        .filter(|r| !held.contains(r))
        .collect();
    let kept_no: Vec<RecordIdx> = outside
        .iter()
        .copied()
        .filter(|r| !held.contains(r))
        .collect();
    let main_yes = rng.sample_sorted(&kept_yes, half);
    let main_no = rng.sample_sorted(&kept_no, main_yes.len());
    let mut control: Vec<RecordIdx> = held.iter().copied().collect();
    control.sort_unstable();

    // The data the statement is computed from: everyone but the control, pseudonymized.
    let made = Released::make(
        data,
        &Policy::default(),
        Rng::derive(knowledge.seed, &[streams::COHORT_INFERENCE_RELEASE]).next_u64(),
        &control,
    )?;
    let published = &made.data;
    let cohort_after: HashSet<RecordIdx> = cohort::select(published, rule, window)
        .into_iter()
        .collect();

    // Every person's M facts of other items, one draw each: main first, then the control.
    let params = AuxParams {
        items: knowledge.facts,
        date_error: knowledge.date_error,
        rating_error: 0.0,
        seed: Rng::derive(knowledge.seed, &[streams::COHORT_INFERENCE_AUX]).next_u64(),
        ..AuxParams::default()
    };
    let mut people: Vec<RecordIdx> = main_yes.iter().chain(&main_no).copied().collect();
    people.sort_unstable();
    people.extend_from_slice(&control);
    let drawn = sampler::sample_people_except(data, &params, &people, 1, items)?;
    let (owners, aux): (Vec<RecordIdx>, Vec<AuxRecord>) = drawn.into_iter().unzip();
    if aux.is_empty() {
        return Ok(None);
    }
    let options = AttackOptions::per_outcome(String::new());
    let attacked = made
        .scene()
        .link_here(&Candidate::naive(), &aux, &options)?;
    let (mut main, mut held_out) = (Vec::new(), Vec::new());
    let (mut main_meeting, mut held_out_meeting) = (0, 0);
    for (owner, outcome) in owners.iter().zip(&attacked.outcomes) {
        let secret = inside.contains(owner);
        let guess = outcome
            .m
            .candidate
            .is_some_and(|r| cohort_after.contains(&r));
        let right = guess == secret;
        if held.contains(owner) {
            held_out.push(right);
            held_out_meeting += usize::from(secret);
        } else {
            main.push(right);
            main_meeting += usize::from(secret);
        }
    }
    Ok(Some(CohortInference {
        held_out: control.len(),
        cohort_size_without_held_out: cohort_after.len(),
        members_meeting_statement: main_meeting,
        non_members_meeting_statement: held_out_meeting,
        rates: rates_of(
            &main,
            &held_out,
            knowledge.resamples,
            Rng::derive(knowledge.seed, &[streams::COHORT_INFERENCE_BOOTSTRAP]).next_u64(),
        ),
    }))
}
