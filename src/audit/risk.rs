//! Per-person risk under one adversary model: each sampled person in the
//! release gets R aux draws; their risk is the share of draws in which the attack names them
//! (eccentricity >= phi) and is right, their best-guess share the share in which they are the
//! top record. People left out of the release cannot be found; one draw each measures how often
//! the adversary names an innocent record instead (the false-match rate).

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::adversary::Adversary;
use crate::Result;
use crate::auxiliary::sampler;
use crate::dataset::{AuxRecord, Dataset, ReleaseKey};
use crate::linkage::{AttackOptions, Executor};
use crate::release::PolicyKnowledge;
use crate::study::{Candidate, Scene};

/// One person's risk under one adversary.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct PersonRisk {
    /// The person (record index of the original data).
    pub person: u32,
    /// Aux draws scored (draws lacking enough facts are skipped).
    pub draws: u32,
    /// Share of draws in which the adversary names the person and is right.
    pub risk: f64,
    /// Share of draws in which the person is the top record.
    pub best_guess: f64,
    /// Share of draws in which the adversary names somebody (rightly or not).
    #[serde(default)]
    pub named: f64,
}

/// What one adversary achieves against one release.
#[derive(Clone, Debug, Default)]
pub struct AdversaryRisk {
    /// The members' risks, in person order.
    pub people: Vec<PersonRisk>,
    /// The non-members attacked (one draw each) and whether the adversary named a record for
    /// them (wrongly, by construction), in person order.
    pub innocents: Vec<(u32, bool)>,
}

/// The 95% interval of the mean of `values` (per-person shares, over people): Wilson's score
/// interval ([`crate::interval::wilson_mean`]), never zero-width, not a bootstrap.
/// `_resamples` and `_seed` are left over from the bootstrap it replaced and are not read.
pub fn mean_interval(values: &[f64], _resamples: usize, _seed: u64) -> Option<[f64; 2]> {
    crate::interval::wilson_mean(values)
}

/// What one measurement needs besides the adversary.
pub struct Target<'a> {
    /// The original data (aux facts are drawn from it).
    pub original: &'a Dataset,
    /// The release attacked.
    pub released: &'a Arc<Dataset>,
    /// Its key.
    pub key: &'a ReleaseKey,
    /// Sampled people in the release (original record indices, sorted).
    pub members: &'a [u32],
    /// Sampled people left out of it.
    pub non_members: &'a [u32],
    /// Draws per member.
    pub draws: usize,
    /// Where the attack runs.
    pub executor: &'a Executor,
}

impl<'a> Target<'a> {
    /// The release as an adversary knowing `knowledge` of its policy faces it.
    pub fn scene(&self, knowledge: &'a PolicyKnowledge) -> Scene<'a> {
        Scene::new(self.released, Some(self.key), knowledge)
    }
}

/// One adversary's aux draws for the people of a [`Target`]: `draws` for each member, then one
/// for each non-member.
pub struct Sampled {
    /// The person (original record index) each aux record is about.
    owners: Vec<u32>,
    /// The aux records, members' first.
    records: Vec<AuxRecord>,
    /// How many of them are members' draws.
    members_drawn: usize,
}

impl Sampled {
    /// Draws `adversary`'s aux records for the people of `target` with `seed` (none for an
    /// adversary who knows nothing). A person's draws depend on the person, the draw and the
    /// seed only, not on who else is drawn.
    pub fn draw(target: &Target<'_>, adversary: &Adversary, seed: u64) -> Result<Sampled> {
        if adversary.knows_nothing() {
            return Ok(Sampled {
                owners: Vec::new(),
                records: Vec::new(),
                members_drawn: 0,
            });
        }
        let params = adversary.aux_params(seed);
        let mut aux =
            sampler::sample_people(target.original, &params, target.members, target.draws)?;
        let members_drawn = aux.len();
        aux.extend(sampler::sample_people(
            target.original,
            &params,
            target.non_members,
            1,
        )?);
        let (owners, records) = aux.into_iter().unzip();
        Ok(Sampled {
            owners,
            records,
            members_drawn,
        })
    }

    /// The draws of the people for whom `keep` holds.
    pub fn only(&self, keep: impl Fn(u32) -> bool) -> Sampled {
        let mut out = Sampled {
            owners: Vec::new(),
            records: Vec::new(),
            members_drawn: 0,
        };
        for (k, (&owner, record)) in self.owners.iter().zip(&self.records).enumerate() {
            if keep(owner) {
                out.owners.push(owner);
                out.records.push(record.clone());
                if k < self.members_drawn {
                    out.members_drawn += 1;
                }
            }
        }
        out
    }
}

impl Sampled {
    /// The draws in parts of about `people` members each (a member's draws in one part), the
    /// non-members' draws in the last.
    fn parts(&self, people: usize) -> Vec<Sampled> {
        let mut parts: Vec<Sampled> = Vec::new();
        let mut in_part = 0;
        for (k, (&owner, record)) in self.owners.iter().zip(&self.records).enumerate() {
            let member = k < self.members_drawn;
            let new_person = member && (k == 0 || self.owners[k - 1] != owner);
            if parts.is_empty() || (new_person && in_part == people) {
                parts.push(Sampled {
                    owners: Vec::new(),
                    records: Vec::new(),
                    members_drawn: 0,
                });
                in_part = 0;
            }
            in_part += new_person as usize;
            let part = parts.last_mut().expect("pushed");
            part.owners.push(owner);
            part.records.push(record.clone());
            part.members_drawn += member as usize;
        }
        parts
    }

    /// The members with a draw.
    fn people(&self) -> usize {
        let members = &self.owners[..self.members_drawn];
        members
            .iter()
            .enumerate()
            .filter(|&(k, &o)| k == 0 || members[k - 1] != o)
            .count()
    }
}

/// Parts a contested attack is scored in ([`contest`]).
const CONTEST_PARTS: usize = 8;

/// What [`contest`] found.
pub enum Contest {
    /// The attack's result on every draw.
    Scored(AdversaryRisk),
    /// It stopped early: its mean risk could not exceed the rival's.
    CannotBeat,
}

/// [`score`] for an attack that counts only if its members' mean risk exceeds `rival`'s (on the
/// same draws): the draws are scored in parts, and the scoring stops once even naming every
/// member not yet scored could not exceed it. The result, when it counts, is [`score`]'s, bit
/// for bit; `None` in the cluster processes other than 0.
pub fn contest(
    target: &Target<'_>,
    sampled: &Sampled,
    attack: &Candidate,
    knowledge: &PolicyKnowledge,
    label: String,
    rival: &AdversaryRisk,
) -> Result<Option<Contest>> {
    let (Some(to_beat), people) = (rival.mean_risk(), sampled.people()) else {
        return score(target, sampled, attack, knowledge, target.executor, label)
            .map(|r| r.map(Contest::Scored));
    };
    let per_part = people.div_ceil(CONTEST_PARTS).max(1);
    let mut whole = AdversaryRisk::default();
    let mut left = people;
    for (k, part) in sampled.parts(per_part).iter().enumerate() {
        let label = format!("{label}/part{k}");
        let Some(scored) = score(target, part, attack, knowledge, target.executor, label)? else {
            return Ok(None);
        };
        left -= part.people();
        whole.people.extend(scored.people);
        whole.innocents.extend(scored.innocents);
        // Rounding aside (a margin far above it), the best this attack can still reach.
        let so_far: f64 = whole.people.iter().map(|p| p.risk).sum();
        let reachable = (so_far + left as f64) / people as f64;
        if reachable < to_beat - 1e-9 {
            return Ok(Some(Contest::CannotBeat));
        }
    }
    Ok(Some(Contest::Scored(whole)))
}

/// Scores the draws `sampled` of `target`'s people with `attack` (its facts mapped by
/// `knowledge` when it is informed) on `executor`; `None` in the cluster processes other than 0.
pub fn score(
    target: &Target<'_>,
    sampled: &Sampled,
    attack: &Candidate,
    knowledge: &PolicyKnowledge,
    executor: &Executor,
    label: String,
) -> Result<Option<AdversaryRisk>> {
    if sampled.records.is_empty() {
        return Ok(Some(AdversaryRisk::default()));
    }
    let options = AttackOptions::per_outcome(label);
    let Some(attacked) =
        target
            .scene(knowledge)
            .link(attack, &sampled.records, executor, &options)?
    else {
        return Ok(None);
    };
    let outcomes = &attacked.outcomes;
    let members_drawn = sampled.members_drawn;
    let mut people: Vec<PersonRisk> = Vec::new();
    for (k, &person) in sampled.owners[..members_drawn].iter().enumerate() {
        let o = &outcomes[k];
        if people.last().is_none_or(|p| p.person != person) {
            people.push(PersonRisk::unfound(person));
        }
        let p = people.last_mut().expect("pushed");
        p.draws += 1;
        p.risk += (o.correct && o.m.matched) as u32 as f64;
        p.best_guess += o.correct as u32 as f64;
        p.named += o.m.matched as u32 as f64;
    }
    for p in &mut people {
        p.risk /= p.draws as f64;
        p.best_guess /= p.draws as f64;
        p.named /= p.draws as f64;
    }
    let innocents = sampled.owners[members_drawn..]
        .iter()
        .zip(&outcomes[members_drawn..])
        .map(|(&person, o)| (person, o.m.matched))
        .collect();
    Ok(Some(AdversaryRisk { people, innocents }))
}

impl PersonRisk {
    /// A person with no draw scored yet: never found.
    pub fn unfound(person: u32) -> PersonRisk {
        PersonRisk {
            person,
            draws: 0,
            risk: 0.0,
            best_guess: 0.0,
            named: 0.0,
        }
    }
}

impl AdversaryRisk {
    /// Every one of `members` (sorted) counted: a member without a usable draw (too few usable
    /// entries for an adversary who needs a fixed number) is counted as never found, so that
    /// rates are over everyone sampled.
    pub fn counting_everyone(mut self, members: &[u32]) -> AdversaryRisk {
        if self.people.len() == members.len() {
            return self;
        }
        let scored: std::collections::HashSet<u32> = self.people.iter().map(|p| p.person).collect();
        self.people.extend(
            members
                .iter()
                .filter(|m| !scored.contains(m))
                .map(|&m| PersonRisk::unfound(m)),
        );
        self.people.sort_by_key(|p| p.person);
        self
    }

    /// Of the people named, the share named rightly (per-person shares summed); `None` when
    /// nobody was named.
    pub fn precision(&self) -> Option<f64> {
        let named: f64 = self.people.iter().map(|p| p.named).sum();
        let right: f64 = self.people.iter().map(|p| p.risk).sum();
        (named > 0.0).then(|| right / named)
    }

    /// The results of two disjoint groups of people as one, in person order.
    pub fn merge(mut self, other: AdversaryRisk) -> AdversaryRisk {
        self.people.extend(other.people);
        self.people.sort_by_key(|p| p.person);
        self.innocents.extend(other.innocents);
        self.innocents.sort_unstable();
        self
    }

    /// The result restricted to the people for whom `keep` holds.
    pub fn only(&self, keep: impl Fn(u32) -> bool) -> AdversaryRisk {
        AdversaryRisk {
            people: self
                .people
                .iter()
                .copied()
                .filter(|p| keep(p.person))
                .collect(),
            innocents: self
                .innocents
                .iter()
                .copied()
                .filter(|p| keep(p.0))
                .collect(),
        }
    }

    /// Non-members named (wrongly) / non-members attacked; `None` when none was attacked.
    pub fn false_match_rate(&self) -> Option<f64> {
        let named = self.innocents.iter().filter(|p| p.1).count();
        (!self.innocents.is_empty()).then(|| named as f64 / self.innocents.len() as f64)
    }

    /// Whether every one of `members` is named rightly in every draw (a person without a
    /// usable draw is not).
    pub fn names_everyone(&self, members: &[u32]) -> bool {
        !members.is_empty()
            && self.people.len() == members.len()
            && self.people.iter().all(|p| p.risk >= 1.0)
    }

    /// The members' mean risk, if any member was scored.
    pub fn mean_risk(&self) -> Option<f64> {
        (!self.people.is_empty())
            .then(|| self.people.iter().map(|p| p.risk).sum::<f64>() / self.people.len() as f64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dataset::generate::{GenerateParams, Preset, generate};

    fn with_risk(of: &AdversaryRisk, risk: f64) -> AdversaryRisk {
        AdversaryRisk {
            people: of
                .people
                .iter()
                .map(|p| PersonRisk { risk, ..*p })
                .collect(),
            innocents: Vec::new(),
        }
    }

    #[test]
    fn a_contest_gives_the_score_bit_for_bit_or_stops_only_when_it_cannot_win() {
        let params = GenerateParams::new(Preset::NetflixLike).users(400).seed(5);
        let original = generate(&params).unwrap();
        let release =
            crate::release::release(&original, &crate::release::Policy::default(), 1).unwrap();
        let released = Arc::new(release.data);
        let members: Vec<u32> = (0..200).collect();
        let target = Target {
            original: &original,
            released: &released,
            key: &release.key,
            members: &members,
            non_members: &[],
            draws: 2,
            executor: &Executor::Local,
        };
        let one_fact = Adversary::battery().remove(0);
        let sampled = Sampled::draw(&target, &one_fact, 9).unwrap();
        let (knowledge, attack) = (PolicyKnowledge::default(), Candidate::naive());
        let run = |rival: &AdversaryRisk| {
            contest(&target, &sampled, &attack, &knowledge, "t".into(), rival)
                .unwrap()
                .unwrap()
        };
        let whole = score(
            &target,
            &sampled,
            &attack,
            &knowledge,
            &Executor::Local,
            "t".into(),
        )
        .unwrap()
        .unwrap();
        let rate = whole.mean_risk().unwrap();
        assert!(
            rate > 0.05 && rate < 0.95,
            "a rate to beat and to lose to: {rate}"
        );
        assert_eq!(sampled.parts(25).len(), sampled.people().div_ceil(25));
        // Against a rival naming nobody, or exactly as many: scored to the end, the same bits.
        for rival in [with_risk(&whole, 0.0), whole.clone()] {
            match run(&rival) {
                Contest::Scored(r) => {
                    assert_eq!(r.people, whole.people);
                    assert_eq!(r.innocents, whole.innocents);
                }
                Contest::CannotBeat => panic!("stopped against a rival it can reach"),
            }
        }
        // Against a rival naming everyone: it stops.
        assert!(matches!(run(&with_risk(&whole, 1.0)), Contest::CannotBeat));
    }
}
