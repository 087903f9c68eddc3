//! Inputs that must belong together: a release and the original data it was made from, a key
//! and its release. `deanon release` records the original's fingerprint in the release and
//! both fingerprints in the key ([`crate::dataset::store::fingerprint`]); the commands that
//! take two of them check these before any work starts. Files written before they recorded
//! fingerprints are checked by what they hold (ids) instead.

use std::path::Path;

use crate::dataset::{Dataset, ReleaseKey};
use crate::{Error, Result};

/// `release` (read from `release_path`) must be a release of the data whose fingerprint is
/// `original` (read from `original_path`).
pub fn release_of(
    release: &Dataset,
    release_path: &Path,
    original: &str,
    original_path: &Path,
) -> Result<()> {
    if !release.is_pseudonymized() {
        return Err(Error::input(
            release_path,
            format!(
                "is not a release (it was not made by `deanon release`); give the release of {} made with its key",
                original_path.display()
            ),
        ));
    }
    release_source_is(release, release_path, original, original_path)
}

/// `release` (read from `release_path`), if it records the data it was made from, must record
/// the data whose fingerprint is `original` (read from `original_path`); a store made elsewhere
/// records none and passes.
pub fn release_source_is(
    release: &Dataset,
    release_path: &Path,
    original: &str,
    original_path: &Path,
) -> Result<()> {
    match release.release_source() {
        Some(source) if source != original => Err(Error::input(
            release_path,
            format!(
                "is a release of other data than {} (fingerprints {source} and {original})",
                original_path.display()
            ),
        )),
        _ => Ok(()),
    }
}

/// `key` (read from `key_path`) must be the key of `release`, whose fingerprint is
/// `release_fingerprint`: by the fingerprint it records, and in any case every released record
/// in the key and nothing else.
pub fn key_of(
    key: &ReleaseKey,
    key_path: &Path,
    release: &Dataset,
    release_fingerprint: &str,
    release_path: &Path,
) -> Result<()> {
    let other = |detail: String| {
        Error::input(
            key_path,
            format!(
                "is not the key of {}: {detail}; give the key written with that release",
                release_path.display()
            ),
        )
    };
    if let Some(f) = key.fingerprints()
        && f.release != release_fingerprint
    {
        return Err(other(format!(
            "it belongs to another release (fingerprints {} and {release_fingerprint})",
            f.release
        )));
    }
    let ids = release.record_ids();
    if let Some(r) = (0..release.num_records()).find(|&r| key.original_of(ids.get(r)).is_none()) {
        return Err(other(format!(
            "the release's record {} is not in it",
            ids.get(r)
        )));
    }
    if key.len() != release.num_records() {
        return Err(other(format!(
            "it lists {} released records, the release holds {}",
            key.len(),
            release.num_records()
        )));
    }
    Ok(())
}

/// `key` (read from `key_path`) must come from the data whose fingerprint is `original` (read
/// from `original_path`), where it records one.
pub fn key_from(
    key: &ReleaseKey,
    key_path: &Path,
    original: &str,
    original_path: &Path,
) -> Result<()> {
    match key.fingerprints() {
        Some(f) if f.original != original => Err(Error::input(
            key_path,
            format!(
                "is the key of a release of other data than {} (fingerprints {} and {original})",
                original_path.display(),
                f.original
            ),
        )),
        _ => Ok(()),
    }
}
