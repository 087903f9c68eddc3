//! The audit's side of the strongest adversary ([`crate::study::search`]): for one adversary of the
//! battery against one release, choose the attack on tuning people and measure the reported
//! people with it. The tuning people are never the people whose risk is reported: a disjoint
//! sample of members when there are enough ([`Tuning::Disjoint`]), else the reported people in
//! two halves, each measured with the attack chosen on the other ([`Tuning::CrossFit`]).

use super::adversary::Adversary;
use super::results::TuningKind;
use super::risk::{self, AdversaryRisk, Contest, Sampled, Target};
use crate::Result;
use crate::release::PolicyKnowledge;
use crate::study::Candidate;
use crate::study::search::{Choice, candidates, choose};

/// Where the tuning people come from.
#[derive(Clone, Copy)]
pub enum Tuning<'a> {
    /// Members of the release outside the reported sample.
    Disjoint(&'a [u32]),
    /// The reported people in two halves: `true` for the first.
    CrossFit(&'a dyn Fn(u32) -> bool),
}

impl Tuning<'_> {
    /// As audit.json names it.
    pub fn kind(&self) -> TuningKind {
        match self {
            Tuning::Disjoint(_) => TuningKind::Disjoint,
            Tuning::CrossFit(_) => TuningKind::CrossFit,
        }
    }
}

/// What the search found for one adversary.
pub struct Searched {
    /// The risk measured on the reported people with the chosen attack(s).
    pub risk: AdversaryRisk,
    /// The choice (cross-fit: on the first half of the people, measuring the second).
    pub chosen: Choice,
    /// Cross-fit: the choice on the second half, measuring the first.
    pub chosen_other_half: Option<Choice>,
}

impl Searched {
    /// Tuning people with a usable draw, over both halves when cross-fit.
    pub fn tuning_people(&self) -> usize {
        self.chosen.people + self.chosen_other_half.as_ref().map_or(0, |c| c.people)
    }
}

/// The search's inputs for one adversary against one release.
pub struct Search<'a> {
    /// The release and the reported people.
    pub target: &'a Target<'a>,
    /// The adversary (its knowledge kinds adjusted to the release).
    pub adversary: &'a Adversary,
    /// What the policy tells the adversary.
    pub knowledge: &'a PolicyKnowledge,
    /// Seed of the tuning people's draws.
    pub tuning_seed: u64,
    /// Tuning people at most (per half when cross-fit).
    pub tuning: usize,
    /// The label of the attacks (cluster runs check that every process runs the same one).
    pub label: String,
}

impl Search<'_> {
    /// Chooses the attack and measures the reported people with it. `sampled` holds the
    /// reported people's draws, `blind` the policy-blind default's result on them (reused when
    /// that attack is chosen). `None` in the cluster processes other than 0.
    pub fn run(
        &self,
        tuning: Tuning<'_>,
        sampled: &Sampled,
        blind: &AdversaryRisk,
    ) -> Result<Option<Searched>> {
        let t = self.target;
        let scene = t.scene(self.knowledge);
        let candidates = candidates(self.knowledge, crate::attack::params::PHI.default_f64());
        let aux = self.adversary.aux_params(self.tuning_seed);
        match tuning {
            Tuning::Disjoint(people) => {
                let people = &people[..people.len().min(self.tuning)];
                let mut chosen = choose(
                    t.original,
                    &scene,
                    &candidates,
                    people,
                    &aux,
                    &format!("{}/tune", self.label),
                )?;
                let Some(risk) =
                    self.measure(&mut chosen, (sampled, &|_| true), blind, "measure")?
                else {
                    return Ok(None);
                };
                Ok(Some(Searched {
                    risk,
                    chosen,
                    chosen_other_half: None,
                }))
            }
            Tuning::CrossFit(first_half) => {
                let half = |first: bool| -> Vec<u32> {
                    t.members
                        .iter()
                        .copied()
                        .filter(|&p| first_half(p) == first)
                        .take(self.tuning)
                        .collect()
                };
                let mut on_first = choose(
                    t.original,
                    &scene,
                    &candidates,
                    &half(true),
                    &aux,
                    &format!("{}/tune-first", self.label),
                )?;
                let mut on_second = choose(
                    t.original,
                    &scene,
                    &candidates,
                    &half(false),
                    &aux,
                    &format!("{}/tune-second", self.label),
                )?;
                let in_second = |p: u32| !first_half(p);
                let in_first = |p: u32| first_half(p);
                let Some(second) = self.measure(
                    &mut on_first,
                    (&sampled.only(in_second), &in_second),
                    blind,
                    "measure-second",
                )?
                else {
                    return Ok(None);
                };
                let Some(first) = self.measure(
                    &mut on_second,
                    (&sampled.only(in_first), &in_first),
                    blind,
                    "measure-first",
                )?
                else {
                    return Ok(None);
                };
                Ok(Some(Searched {
                    risk: second.merge(first),
                    chosen: on_first,
                    chosen_other_half: Some(on_second),
                }))
            }
        }
    }

    /// The chosen attack and those the tuning people cannot tell from it, each on `part` (the
    /// draws of the people for whom `keep` holds): the strongest is kept (and becomes the
    /// choice), so that a choice among attacks the tuning people cannot separate does not flip
    /// on a handful of hits. `blind` is the blind default's result on every reported person.
    fn measure(
        &self,
        choice: &mut Choice,
        (part, keep): (&Sampled, &dyn Fn(u32) -> bool),
        blind: &AdversaryRisk,
        stage: &str,
    ) -> Result<Option<AdversaryRisk>> {
        let t = self.target;
        let mut best: Option<(AdversaryRisk, Candidate)> = None;
        let tied = std::iter::once(choice.candidate.clone()).chain(choice.runners_up.clone());
        for (j, candidate) in tied.enumerate() {
            let label = format!("{}/{stage}/{j}", self.label);
            let risk = if candidate == Candidate::naive() {
                blind.only(keep)
            } else if let Some((rival, _)) = &best {
                // A runner-up counts only if it names more: it stops once it cannot.
                match risk::contest(t, part, &candidate, self.knowledge, label, rival)? {
                    Some(Contest::Scored(r)) => r,
                    Some(Contest::CannotBeat) => continue,
                    None => return Ok(None),
                }
            } else {
                match risk::score(t, part, &candidate, self.knowledge, t.executor, label)? {
                    Some(r) => r,
                    None => return Ok(None),
                }
            };
            if best
                .as_ref()
                .is_none_or(|(b, _)| risk.mean_risk() > b.mean_risk())
            {
                best = Some((risk, candidate));
            }
        }
        let (risk, candidate) = best.expect("the chosen attack is measured");
        choice.candidate = candidate;
        Ok(Some(risk))
    }
}
