//! The strongest adversary an audit tries: one who knows the published policy (not its seed)
//! and picks its best attack.
//!
//! For each adversary of the battery, the candidates are the policy-blind default attack and
//! every registered algorithm's search grid ([`crate::attack::search`]) with the adversary's
//! facts mapped into the release's representation and the scales widened by the policy's noise
//! ([`PolicyKnowledge`]). The candidate that names the most tuning people correctly (eccentricity
//! at least phi, and right) is chosen; ties go to the earlier candidate. The tuning people are
//! never the people whose risk is reported: a disjoint sample of members when there are enough
//! ([`Tuning::Disjoint`]), else the reported people split in two halves, each measured with the
//! attack chosen on the other ([`Tuning::CrossFit`]).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::adversary::Adversary;
use super::risk::{self, AdversaryRisk, Attack, Sampled, Target};
use crate::Result;
use crate::attack::AttackParams;
use crate::attack::search::{Widening, grid};
use crate::linkage::Executor;
use crate::release::PolicyKnowledge;

/// One attack the adversary may choose.
#[derive(Clone, Debug, PartialEq)]
pub struct Candidate {
    /// The attack's parameters.
    pub params: AttackParams,
    /// Whether the facts are mapped into the release's representation.
    pub informed: bool,
}

impl Candidate {
    /// The policy-blind default attack (the `--naive` audit's only one).
    pub fn naive() -> Candidate {
        Candidate {
            params: AttackParams::defaults(),
            informed: false,
        }
    }

    /// As audit.json writes it.
    pub fn config(&self) -> AttackConfig {
        AttackConfig {
            algorithm: self.params.algorithm().name().to_string(),
            informed: self.informed,
            parameters: self
                .params
                .read_by_algorithm()
                .into_iter()
                .map(|(name, value)| (name.to_string(), value))
                .collect(),
        }
    }

    fn attack<'a>(&'a self, knowledge: &'a PolicyKnowledge) -> Attack<'a> {
        Attack {
            params: &self.params,
            knowledge: self.informed.then_some(knowledge),
        }
    }
}

/// An attack configuration in audit.json: the algorithm, whether the facts were mapped by the
/// policy, and the parameters the algorithm reads.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AttackConfig {
    /// The algorithm's name.
    pub algorithm: String,
    /// Whether the adversary mapped its facts into the release's representation.
    pub informed: bool,
    /// The parameters it reads.
    #[serde(flatten)]
    pub parameters: BTreeMap<String, f64>,
}

/// How far the knowledge of a policy widens an attack.
pub fn widening(knowledge: &PolicyKnowledge) -> Widening {
    Widening {
        rating_spread: knowledge.rating_spread,
        rating_bound: knowledge.rating_bound,
        date_spread: knowledge.date_spread,
        date_bound: knowledge.date_bound,
        date_unit: knowledge.date_unit,
    }
}

/// The candidates against a release made by a policy known as `knowledge`: the blind default
/// first, then every algorithm's grid, informed by the policy; each once.
pub fn candidates(knowledge: &PolicyKnowledge) -> Vec<Candidate> {
    let informed = !knowledge.maps.is_empty();
    let mut out = vec![Candidate::naive()];
    for params in grid(&widening(knowledge)) {
        let c = Candidate { params, informed };
        if !out.contains(&c) {
            out.push(c);
        }
    }
    out
}

/// Where the tuning people come from.
#[derive(Clone, Copy)]
pub enum Tuning<'a> {
    /// Members of the release outside the reported sample.
    Disjoint(&'a [u32]),
    /// The reported people in two halves: `true` for the first.
    CrossFit(&'a dyn Fn(u32) -> bool),
}

/// What the search found for one adversary.
pub struct Searched {
    /// The risk measured on the reported people with the chosen attack(s).
    pub risk: AdversaryRisk,
    /// The chosen attack (cross-fit: the one chosen on the first half, measuring the second).
    pub chosen: Candidate,
    /// Cross-fit: the one chosen on the second half, measuring the first.
    pub chosen_other_half: Option<Candidate>,
    /// Candidates tried.
    pub searched: usize,
    /// Tuning people (members with a usable draw), summed over the halves when cross-fit.
    pub tuning_people: usize,
    /// The chosen attack's rate on its tuning people.
    pub tuning_rate: Option<f64>,
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
    /// Chooses the attack on tuning people and measures the reported ones with it. `measured`
    /// holds the reported people's draws and the blind default's result on them (so that the
    /// blind attack, when chosen, is not run again). `None` in the cluster processes other than
    /// 0. The tuning attacks run in this process in every process of a cluster (they are small,
    /// and every process must know the choice); the measurement runs on the target's executor.
    pub fn run(
        &self,
        tuning: Tuning<'_>,
        sampled: &Sampled,
        blind: &AdversaryRisk,
    ) -> Result<Option<Searched>> {
        let candidates = candidates(self.knowledge);
        let t = self.target;
        match tuning {
            Tuning::Disjoint(people) => {
                let people = &people[..people.len().min(self.tuning)];
                let (chosen, rate, used) = self.choose(&candidates, people, "tune")?;
                let risk = if chosen == Candidate::naive() {
                    blind.clone()
                } else {
                    let attack = chosen.attack(self.knowledge);
                    let label = format!("{}/measure", self.label);
                    match risk::score(t, sampled, attack, t.executor, label)? {
                        Some(r) => r,
                        None => return Ok(None),
                    }
                };
                Ok(Some(Searched {
                    risk,
                    chosen,
                    chosen_other_half: None,
                    searched: candidates.len(),
                    tuning_people: used,
                    tuning_rate: rate,
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
                let (on_first, rate, used_first) =
                    self.choose(&candidates, &half(true), "tune-first")?;
                let (on_second, _, used_second) =
                    self.choose(&candidates, &half(false), "tune-second")?;
                let mut risk = AdversaryRisk::default();
                for (chosen, measured_first) in [(&on_first, false), (&on_second, true)] {
                    let part = sampled.only(|p| first_half(p) == measured_first);
                    let r = if *chosen == Candidate::naive() {
                        blind.only(|p| first_half(p) == measured_first)
                    } else {
                        let label = format!("{}/measure-{measured_first}", self.label);
                        let attack = chosen.attack(self.knowledge);
                        match risk::score(t, &part, attack, t.executor, label)? {
                            Some(r) => r,
                            None => return Ok(None),
                        }
                    };
                    risk = risk.merge(r);
                }
                Ok(Some(Searched {
                    risk,
                    chosen: on_first,
                    chosen_other_half: Some(on_second),
                    searched: candidates.len(),
                    tuning_people: used_first + used_second,
                    tuning_rate: rate,
                }))
            }
        }
    }

    /// The candidate naming the most of `people` (one draw each) correctly, its rate, and the
    /// number of people with a usable draw.
    fn choose(
        &self,
        candidates: &[Candidate],
        people: &[u32],
        stage: &str,
    ) -> Result<(Candidate, Option<f64>, usize)> {
        let target = Target {
            members: people,
            non_members: &[],
            draws: 1,
            ..*self.target
        };
        let sampled = Sampled::draw(&target, self.adversary, self.tuning_seed)?;
        let mut best: Option<(usize, f64, usize)> = None;
        for (k, c) in candidates.iter().enumerate() {
            let label = format!("{}/{stage}/{k}", self.label);
            let r = risk::score(
                &target,
                &sampled,
                c.attack(self.knowledge),
                &Executor::Local,
                label,
            )?
            .expect("a local attack reports");
            let named: f64 = r.people.iter().map(|p| p.risk).sum();
            if best.is_none_or(|(_, b, _)| named > b) {
                best = Some((k, named, r.people.len()));
            }
        }
        let (k, named, used) = best.expect("at least the blind candidate");
        Ok((
            candidates[k].clone(),
            (used > 0).then(|| named / used as f64),
            used,
        ))
    }
}
