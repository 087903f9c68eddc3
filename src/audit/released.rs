//! A release made elsewhere (by a colleague, a vendor), audited as it is: `deanon audit
//! ORIGINAL --released REL.deanon --key KEY.csv [--policy-known SPEC]`.
//!
//! The release is loaded rather than made, and measured as the audit measures each policy's
//! release ([`super::one_release`]): the same people, adversaries, draws and seeds. Its
//! adversaries are blind (they model no policy, but still search their attack) unless the
//! policy it was made with is stated, when they model it as the audit's informed adversaries
//! model a candidate's. Nothing else of a candidate applies: no utility cost (there is no
//! policy to price; the share of entries kept is measured through the key), no measured
//! epsilon (that needs the mechanism, not one of its outputs), no recommendation (the verdict
//! says whether this release meets the targets), and the inference test's control is the
//! people the release left out. Before any work: the release, its key and the original must
//! belong together, as far as their fingerprints and ids can tell.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::files::Part;
use super::one_release::{self, Control, Cost, Subject};
use super::{AuditParams, Sample};
use crate::dataset::{Dataset, ReleaseKey, store};
use crate::linkage::Executor;
use crate::release::{Policy, PolicyKnowledge};
use crate::{Error, Result};

/// What `--released` names: a release made elsewhere, its key, and what is known of its policy.
#[derive(Clone, Debug, PartialEq)]
pub struct ReleasedInput {
    /// The released store.
    pub release: PathBuf,
    /// Its key: `released_id,original_id` per released record (a key written by `deanon
    /// release`, with its fingerprints, or a plain two-column CSV).
    pub key: PathBuf,
    /// The policy the release was made with (a spec or a `.toml` file), as its maker states it;
    /// none: the adversaries are blind.
    pub policy_known: Option<String>,
}

/// Whether the audit knew the policy a release was made with (audit.json's `released.policy`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PolicyKnown {
    /// Stated with `--policy-known`: the informed adversaries model it.
    Stated,
    /// Not stated: the adversaries are blind.
    Unknown,
}

/// The release audited (audit.json's `released`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReleasedSummary {
    /// The release's file name.
    pub file: String,
    /// Its size, bytes.
    pub bytes: u64,
    /// Its fingerprint (of its sections' checksums: what `deanon release` records in its key).
    pub fingerprint: String,
    /// The key's file name.
    pub key_file: String,
    /// Whether the key carries the fingerprints of its release and original (a key written by
    /// `deanon release`, checked against both), rather than being a plain two-column key.
    pub key_fingerprinted: bool,
    /// People (records) in the release.
    pub records: usize,
    /// People of the original the release leaves out.
    pub left_out: usize,
    /// Whether the adversaries knew the policy (`stated`) or were blind (`unknown`).
    pub policy: PolicyKnown,
    /// The policy stated, as a spec.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stated_policy: Option<String>,
    /// The policy the release records it was made with (`deanon release` records it); the
    /// audit uses it only when it is stated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recorded_policy: Option<String>,
    /// Whether the release meets the targets: its binding adversary's interval (the assumed
    /// knowledge's, else the battery's worst), and with a target inference risk its inference
    /// risk's interval, at most them.
    pub meets_target: bool,
}

/// A release made elsewhere, loaded and checked against its key and the original.
pub(super) struct Given {
    released: Arc<Dataset>,
    key: ReleaseKey,
    policy: Option<Policy>,
    kept_fraction: f64,
    summary: ReleasedSummary,
}

/// Loads the release of `input` and its key, and checks that they belong to `original` (read
/// from `data`) and that the audit's `params` make sense for one release made elsewhere.
pub(super) fn open(
    input: &ReleasedInput,
    data: &Path,
    original: &Dataset,
    params: &AuditParams,
) -> Result<Given> {
    check_params(params)?;
    let policy = input
        .policy_known
        .as_deref()
        .map(|spec| {
            Policy::from_arg(spec).map_err(|e| Error::Parameter {
                name: "policy_known",
                message: format!("policy_known '{spec}': {e}"),
            })
        })
        .transpose()?;
    let path = &input.release;
    let released = store::open(path)?;
    let original_fingerprint = store::file_fingerprint(data)?;
    crate::belonging::release_source_is(&released, path, &original_fingerprint, data)?;
    if released.num_records() == 0 {
        return Err(Error::input(path, "holds no records"));
    }
    if let (Some(stated), Some(recorded)) = (&policy, released.release_policy())
        && stated.to_string() != recorded
    {
        return Err(Error::input(
            path,
            format!(
                "records the policy '{recorded}' it was made with, and --policy-known states '{stated}': state the policy it records, or leave --policy-known out for a blind audit"
            ),
        ));
    }
    let fingerprint = store::file_fingerprint(path)?;
    let key = read_key(
        input,
        data,
        original,
        &released,
        &fingerprint,
        &original_fingerprint,
    )?;
    let left_out = original.num_records() - members(original, &key);
    if params.inference.is_some() && left_out == 0 {
        return Err(Error::input(
            path,
            format!(
                "holds every person of {}: the inference test needs people the release left out as its control; release with `deanon release --hold-out N`, or audit without the inference test",
                data.display()
            ),
        ));
    }
    let bytes = std::fs::metadata(path)
        .map_err(|e| Error::io(path, e))?
        .len();
    let summary = ReleasedSummary {
        file: file_name(path),
        bytes,
        fingerprint,
        key_file: file_name(&input.key),
        key_fingerprinted: key.fingerprints().is_some(),
        records: released.num_records(),
        left_out,
        policy: if policy.is_some() {
            PolicyKnown::Stated
        } else {
            PolicyKnown::Unknown
        },
        stated_policy: policy.as_ref().map(Policy::to_string),
        recorded_policy: released.release_policy().map(str::to_string),
        meets_target: false,
    };
    Ok(Given {
        kept_fraction: kept_fraction(original, &released, &key),
        released: Arc::new(released),
        key,
        policy,
        summary,
    })
}

/// Refuses the settings that make no sense for one release made elsewhere.
fn check_params(params: &AuditParams) -> Result<()> {
    if !params.policies.is_empty() {
        return Err(Error::Parameter {
            name: "policies",
            message: "a release made elsewhere (--released) is audited alone: give no candidate policy with it, and audit candidates in another run".into(),
        });
    }
    if params.naive
        && params
            .released
            .as_ref()
            .is_some_and(|r| r.policy_known.is_some())
    {
        return Err(Error::Parameter {
            name: "policy_known",
            message:
                "a --naive audit's adversaries know no policy: leave out --policy-known or --naive"
                    .into(),
        });
    }
    Ok(())
}

/// Reads the key of `input` and checks it: against the fingerprints it carries, when it does;
/// then row by row (each released id in the release, each original id in the original); then
/// that it holds every released record.
fn read_key(
    input: &ReleasedInput,
    data: &Path,
    original: &Dataset,
    released: &Dataset,
    release_fingerprint: &str,
    original_fingerprint: &str,
) -> Result<ReleaseKey> {
    let path = &input.key;
    let key = ReleaseKey::read(path)?;
    crate::belonging::key_from(&key, path, original_fingerprint, data)?;
    let key_of =
        || crate::belonging::key_of(&key, path, released, release_fingerprint, &input.release);
    if key.fingerprints().is_some() {
        key_of()?;
    }
    let in_release = released.record_ids().index_map();
    let in_original = original.record_ids().index_map();
    let mut rows = csv::Reader::from_path(path).map_err(|e| Error::input(path, e.to_string()))?;
    for (k, row) in rows.records().enumerate() {
        let line = k as u64 + 2;
        let row = row.map_err(|e| Error::parse(path, line, e.to_string()))?;
        let (r, o) = (
            row.get(0).unwrap_or("").trim(),
            row.get(1).unwrap_or("").trim(),
        );
        if !in_release.contains_key(r) {
            let message = format!(
                "released record {r} is not in {}: the key is of another release",
                input.release.display()
            );
            return Err(Error::parse(path, line, message));
        }
        if !in_original.contains_key(o) {
            let message = format!(
                "person {o} is not in {}: the key is of a release of other data",
                data.display()
            );
            return Err(Error::parse(path, line, message));
        }
    }
    key_of()?;
    Ok(key)
}

/// People of `original` in the release of `key`.
fn members(original: &Dataset, key: &ReleaseKey) -> usize {
    let ids = original.record_ids();
    (0..ids.len())
        .filter(|&r| key.is_member(ids.get(r)))
        .count()
}

/// The share of the original's entries whose person and item the release keeps (its records
/// joined to the original's people through the key, its items to the original's by id).
fn kept_fraction(original: &Dataset, released: &Dataset, key: &ReleaseKey) -> f64 {
    let people = original.record_ids().index_map();
    let items = original.item_ids().index_map();
    let item_of: Vec<Option<u32>> = (0..released.num_items())
        .map(|i| items.get(released.item_ids().get(i)).copied())
        .collect();
    let ids = released.record_ids();
    let kept: usize = (0..released.num_records() as u32)
        .map(|r| {
            let Some(&person) = key
                .original_of(ids.get(r as usize))
                .and_then(|id| people.get(id))
            else {
                return 0;
            };
            let mut theirs: Vec<u32> = released
                .record(r)
                .keys
                .iter()
                .filter_map(|&i| item_of[i as usize])
                .collect();
            theirs.sort_unstable();
            original
                .record(person)
                .keys
                .iter()
                .filter(|i| theirs.binary_search(i).is_ok())
                .count()
        })
        .sum();
    kept as f64 / original.num_entries().max(1) as f64
}

fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

impl Given {
    /// The release as the audit's one "policy" row: named by its file, with the policy stated
    /// (none: pseudonymization, which models nothing).
    pub(super) fn row(&self) -> (String, Policy) {
        (
            self.summary.file.clone(),
            self.policy.clone().unwrap_or_default(),
        )
    }

    /// Whether the adversaries know the policy.
    pub(super) fn knows_policy(&self) -> bool {
        self.policy.is_some()
    }

    /// What ties an audit's folder to this release, key and stated policy.
    pub(super) fn settings(&self) -> String {
        format!(
            "{}|{}|{:?}",
            self.summary.fingerprint,
            self.key.checksum(),
            self.summary.stated_policy
        )
    }

    /// audit.json's `released`, with whether the release met the targets.
    pub(super) fn summary(&self, meets_target: bool) -> ReleasedSummary {
        ReleasedSummary {
            meets_target,
            ..self.summary.clone()
        }
    }

    /// Measures the release as the `index`-th (and only) release of the audit, named `spec`.
    /// `None` in the cluster processes other than 0.
    pub(super) fn audit(
        &self,
        original: &Dataset,
        params: &AuditParams,
        (index, spec): (usize, &str),
        sample: &Sample<'_>,
        executor: &Executor,
    ) -> Result<Option<Part>> {
        let knowledge = match &self.policy {
            Some(policy) => PolicyKnowledge::of(policy, &self.released),
            None => PolicyKnowledge::default(),
        };
        let subject = Subject {
            released: &self.released,
            key: &self.key,
            knowledge,
            knows_policy: self.knows_policy(),
            control: Control::LeftOut,
        };
        let cost = Cost {
            rmse_cost: None,
            kept_fraction: self.kept_fraction,
        };
        one_release::measure(
            original,
            params,
            (index, spec),
            &subject,
            cost,
            sample,
            executor,
        )
    }
}
