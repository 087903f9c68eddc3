//! A release as its adversaries face it ([`Scene`]: the released data, its key, what the
//! published policy tells them) and how one is made for a study ([`Released`]).

use std::borrow::Cow;
use std::sync::Arc;

use super::Candidate;
use crate::Result;
use crate::dataset::{AuxRecord, Dataset, ReleaseKey};
use crate::linkage::{self, AttackOptions, Attacked, Executor};
use crate::release::{self, Policy, PolicyKnowledge};

/// A release under attack: the data, the key that tells whether a guess is right (none: the
/// outcomes name records by their released ids), and what its published policy tells an
/// adversary who knows it.
#[derive(Clone, Debug)]
pub struct Scene<'a> {
    /// The released data.
    pub released: &'a Arc<Dataset>,
    /// Released id -> original id.
    pub key: Option<&'a ReleaseKey>,
    /// What knowing the policy tells an adversary (nothing, for a blind one).
    pub knowledge: Cow<'a, PolicyKnowledge>,
}

impl<'a> Scene<'a> {
    /// `released` with `key`, its adversaries knowing `knowledge` of its policy.
    pub fn new(
        released: &'a Arc<Dataset>,
        key: Option<&'a ReleaseKey>,
        knowledge: &'a PolicyKnowledge,
    ) -> Scene<'a> {
        Scene {
            released,
            key,
            knowledge: Cow::Borrowed(knowledge),
        }
    }

    /// `released` with `key`, its adversaries knowing nothing of its policy.
    pub fn blind(released: &'a Arc<Dataset>, key: Option<&'a ReleaseKey>) -> Scene<'a> {
        Scene {
            released,
            key,
            knowledge: Cow::Owned(PolicyKnowledge::default()),
        }
    }

    /// `released` with `key`, its adversaries knowing the policy the release records (`deanon
    /// release` writes it into the store). An error message about the release when it records
    /// none, or one that does not parse.
    pub fn knowing_recorded_policy(
        released: &'a Arc<Dataset>,
        key: Option<&'a ReleaseKey>,
    ) -> std::result::Result<Scene<'a>, String> {
        let spec = released.release_policy().ok_or_else(|| {
            "records no release policy (it was not made by `deanon release`, or by a version before releases recorded theirs): --informed needs it"
                .to_string()
        })?;
        let policy = Policy::parse(spec)
            .map_err(|e| format!("its recorded policy '{spec}' does not parse: {e}"))?;
        Ok(Scene {
            released,
            key,
            knowledge: Cow::Owned(PolicyKnowledge::of(&policy, released)),
        })
    }

    /// Links the adversary's `records` to the release with `attack` (its facts mapped by the
    /// policy first when it is informed) on `executor`. `None` in the cluster processes that
    /// do not report.
    pub fn link(
        &self,
        attack: &Candidate,
        records: &[AuxRecord],
        executor: &Executor,
        options: &AttackOptions<'_>,
    ) -> Result<Option<Attacked>> {
        let records = attack.records(&self.knowledge, records);
        linkage::attack(
            self.released,
            &records,
            self.key,
            &attack.params,
            executor,
            options,
        )
    }

    /// [`Scene::link`] in this process, which always reports.
    pub fn link_here(
        &self,
        attack: &Candidate,
        records: &[AuxRecord],
        options: &AttackOptions<'_>,
    ) -> Result<Attacked> {
        Ok(self
            .link(attack, records, &Executor::Local, options)?
            .expect("a local attack always reports"))
    }
}

/// A release a study made: the data, its key, and what its policy tells an adversary.
pub struct Released {
    /// The released data.
    pub data: Arc<Dataset>,
    /// Released id -> original id.
    pub key: ReleaseKey,
    /// What knowing the policy tells an adversary.
    pub knowledge: PolicyKnowledge,
}

impl Released {
    /// Releases `original` under `policy` with `seed`, less the people `held_out` (original
    /// record indices, sorted: a control the release never saw; every released person's steps
    /// draw as in the release of everyone).
    pub fn make(
        original: &Dataset,
        policy: &Policy,
        seed: u64,
        held_out: &[u32],
    ) -> Result<Released> {
        let made = release::release_without(original, policy, seed, held_out)?;
        let data = Arc::new(made.data);
        let knowledge = PolicyKnowledge::of(policy, &data);
        Ok(Released {
            data,
            key: made.key,
            knowledge,
        })
    }

    /// The release as an adversary who knows its policy faces it.
    pub fn scene(&self) -> Scene<'_> {
        Scene::new(&self.data, Some(&self.key), &self.knowledge)
    }
}
