//! An adversary's attack: the linkage parameters, and whether the adversary maps its facts into
//! the release's representation as it understands the published policy (informed) or takes
//! them as they are (blind). How it is written in audit.json and results.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::attack::AttackParams;
use crate::dataset::AuxRecord;
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
    /// An attack with `params` that takes the adversary's facts as they are.
    pub fn blind(params: AttackParams) -> Candidate {
        Candidate {
            params,
            informed: false,
        }
    }

    /// The policy-blind default attack (the `--naive` audit's only one).
    pub fn naive() -> Candidate {
        Candidate::blind(AttackParams::defaults())
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

    /// The aux records as this candidate scores them: mapped by the policy when informed.
    pub(super) fn records<'a>(
        &self,
        knowledge: &PolicyKnowledge,
        records: &'a [AuxRecord],
    ) -> std::borrow::Cow<'a, [AuxRecord]> {
        if self.informed {
            std::borrow::Cow::Owned(knowledge.map(records))
        } else {
            std::borrow::Cow::Borrowed(records)
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
