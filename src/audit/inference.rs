//! The audit's third test, inference: for one policy, what the strongest adversary learns about
//! the people it links, against a control group the release never saw.
//!
//! For a candidate policy the control is held out of a release made for this measurement alone
//! (`study::Released::make`: the same policy and seed, less the control people), so that
//! every policy has one, whether or not it samples people; for a release made elsewhere it is
//! people the release left out. The adversary is the release's strongest on re-identification
//! (the one whose figures it reports), with the attack it chose; each reported member and each
//! control person gets one aux draw.

use serde::{Deserialize, Serialize};

use super::adversary::Adversary;
use crate::Result;
use crate::auxiliary::sampler;
use crate::dataset::{AuxRecord, Dataset};
use crate::inference::{self, Inference, Secret, Sensitive};
use crate::linkage::{AttackOptions, Executor};
use crate::study::{AttackConfig, Candidate, Scene};

/// One policy's inference figures (audit.json's `inference`).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct InferenceResult {
    /// The adversary (the policy's strongest on re-identification).
    pub adversary: String,
    /// The attack it linked with.
    pub attack: AttackConfig,
    /// People held out of the release as the control.
    pub control_held_out: usize,
    /// The people's attributes the inference adversary knew: the re-identification
    /// adversary's, less the sensitive attribute (it never knows the secret it infers).
    #[serde(default)]
    pub adversary_attributes: Vec<String>,
    /// The entries it knew of each person (at most; `all` for every entry).
    #[serde(default)]
    pub facts: super::curve::KnownFacts,
    /// The measurement.
    #[serde(flatten)]
    pub measured: Inference,
}

/// The people of one measurement.
pub(super) struct People<'a> {
    /// The reported people (original record indices).
    pub reported: &'a [u32],
    /// The control group, held out of the release.
    pub control: &'a [u32],
}

/// The adversary who links, and where.
pub(super) struct Linker<'a> {
    /// The release (with its key; the control people are not in it) and what its adversary
    /// knows of its policy.
    pub scene: Scene<'a>,
    /// The adversary whose draws are linked.
    pub adversary: &'a Adversary,
    /// The attack it links with.
    pub attack: &'a Candidate,
    /// Where the attack runs.
    pub executor: &'a Executor,
}

/// Measures the inference of the `sensitive` secret from the release `linker` attacks, linking
/// as its adversary would (its draws from `aux_seed`). `None` in the cluster processes other
/// than 0.
pub(super) fn measure(
    original: &Dataset,
    linker: &Linker<'_>,
    people: &People<'_>,
    sensitive: &Sensitive,
    (aux_seed, resamples): (u64, usize),
    label: String,
) -> Result<Option<InferenceResult>> {
    let released = linker.scene.released;
    let key = linker.scene.key.expect("the audit's releases have keys");
    let adversary = &without_secret(linker.adversary, sensitive);
    let (effective, _) = adversary.against(released);
    let ids = original.record_ids();
    let (members, mut non_members): (Vec<u32>, Vec<u32>) = people
        .reported
        .iter()
        .partition(|&&r| key.is_member(ids.get(r as usize)));
    non_members.extend_from_slice(people.control);
    non_members.sort_unstable();
    let params = effective.aux_params(aux_seed);
    let mut aux: Vec<AuxRecord> = sampler::sample_people(original, &params, &members, 1)?
        .into_iter()
        .map(|(_, a)| a)
        .collect();
    aux.extend(
        sampler::sample_people(original, &params, &non_members, 1)?
            .into_iter()
            .map(|(_, a)| a),
    );
    let options = AttackOptions::per_outcome(label);
    let Some(attacked) = linker
        .scene
        .link(linker.attack, &aux, linker.executor, &options)?
    else {
        return Ok(None);
    };
    let secret = Secret::resolve(sensitive, original, released)?;
    let inputs = inference::Inputs {
        release: released,
        original,
        aux: &aux,
        outcomes: &attacked.outcomes,
        secret: &secret,
    };
    let mut measured = inference::measure(&inputs, resamples, aux_seed).map_err(in_audit_words)?;
    measured.people.clear();
    Ok(Some(InferenceResult {
        adversary: adversary.name.clone(),
        attack: linker.attack.config(),
        control_held_out: people.control.len(),
        adversary_attributes: adversary.attributes.clone(),
        facts: super::curve::KnownFacts::of(adversary.facts),
        measured,
    }))
}

/// An error of the inference measure as the audit words it: the aux is the audit's own, so
/// advice about sampling one names the audit's flags instead.
fn in_audit_words(e: crate::Error) -> crate::Error {
    match e {
        crate::Error::NoControl => no_control(),
        crate::Error::Parameter {
            name: "aux",
            message,
        } => crate::Error::InvalidArgument(format!("the inference test: {message}")),
        e => e,
    }
}

/// The audit's control is the people left out of its sample: its own advice when none of them
/// could be scored.
fn no_control() -> crate::Error {
    crate::Error::InvalidArgument(
        "the inference test: no person of the control (the people left out of the audit's sample) could be scored, for want of entries or of a value of the secret: lower --sample to leave more people out, or use --everyone to split everyone in two"
            .into(),
    )
}

/// The adversary less the secret: an adversary who knew the sensitive attribute would
/// "infer" what it already knows.
fn without_secret(adversary: &Adversary, sensitive: &Sensitive) -> Adversary {
    let mut a = adversary.clone();
    if let Sensitive::Attribute(name) = sensitive {
        a.attributes.retain(|known| known != name);
    }
    a
}

/// Checks the secret against the original data before any release is made: the sensitive
/// items are items of the data, the sensitive attribute one of its attributes.
pub(super) fn check(original: &Dataset, sensitive: &Sensitive) -> Result<()> {
    Secret::resolve(sensitive, original, original).map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_audit_without_a_control_names_the_audits_flags_not_deanon_aux() {
        let e = in_audit_words(crate::Error::NoControl).to_string();
        assert!(e.contains("--sample") && e.contains("--everyone"), "{e}");
        assert!(
            !e.contains("deanon aux") && !e.contains("--non-members"),
            "{e}"
        );
        let e = crate::Error::NoControl.to_string();
        assert!(e.contains("deanon aux --key KEY --non-members N"), "{e}");
    }
}
