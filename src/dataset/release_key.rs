//! The release key: `released_id,original_id` per released record, a CSV file written with mode
//! 0600. It is the only place where released and original ids meet. A key written by `deanon
//! release` also carries, on every row, the fingerprints of its release and of the original
//! data and a checksum of its pairs (`release_fingerprint,original_fingerprint,key_checksum`),
//! so that a key is never used with another release or another data set, nor once edited or
//! damaged.

use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::path::Path;

use crate::Result;
use crate::atomic_file::write_naming_people;

/// Released id -> original id, for every released record.
#[derive(Debug, Clone, Default)]
pub struct ReleaseKey {
    to_original: HashMap<String, String>,
    originals: HashSet<String>,
    fingerprints: Option<Fingerprints>,
}

/// What a key belongs to: the fingerprints ([`crate::dataset::store::fingerprint`]) of its
/// release and of the original data it was made from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fingerprints {
    /// The release's.
    pub release: String,
    /// The original data's.
    pub original: String,
}

const FINGERPRINT_COLUMNS: [&str; 3] = [
    "release_fingerprint",
    "original_fingerprint",
    "key_checksum",
];

/// The XXH3-64 (hex) of the pairs as the key file lists them, `released,original` lines sorted
/// by released id.
fn checksum(rows: &[(String, String)]) -> String {
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    for (released, original) in rows {
        h.update(released.as_bytes());
        h.update(b",");
        h.update(original.as_bytes());
        h.update(b"\n");
    }
    format!("{:016x}", h.digest())
}

impl ReleaseKey {
    /// A key from (released, original) pairs.
    pub fn from_pairs(pairs: impl IntoIterator<Item = (String, String)>) -> Self {
        let to_original: HashMap<String, String> = pairs.into_iter().collect();
        let originals = to_original.values().cloned().collect();
        ReleaseKey {
            to_original,
            originals,
            fingerprints: None,
        }
    }

    /// The key, marked as the key of the release and original data with these fingerprints.
    pub fn with_fingerprints(mut self, fingerprints: Fingerprints) -> Self {
        self.fingerprints = Some(fingerprints);
        self
    }

    /// The fingerprints of the release and original this key belongs to (`None` for a key
    /// made in memory, or written before keys recorded them).
    pub fn fingerprints(&self) -> Option<&Fingerprints> {
        self.fingerprints.as_ref()
    }

    /// The original id of a released record.
    pub fn original_of(&self, released: &str) -> Option<&str> {
        self.to_original.get(released).map(String::as_str)
    }

    /// Whether the person with this original id is in the release.
    pub fn is_member(&self, original: &str) -> bool {
        self.originals.contains(original)
    }

    /// Number of released records.
    pub fn len(&self) -> usize {
        self.to_original.len()
    }

    /// Whether the key is empty.
    pub fn is_empty(&self) -> bool {
        self.to_original.is_empty()
    }

    /// Reads a key file.
    pub fn read(path: &Path) -> Result<Self> {
        let (pairs, tags) = crate::pairs_file::read_tagged_pairs(
            path,
            ["released_id", "original_id"],
            &FINGERPRINT_COLUMNS,
            "a release key (made by `deanon release --key`)",
        )?;
        let key = ReleaseKey::from_pairs(pairs);
        Ok(match tags.as_slice() {
            [Some(release), Some(original), Some(sum)] => {
                if *sum != checksum(&key.pairs_sorted()) {
                    return Err(crate::Error::input(
                        path,
                        "its rows do not match its key_checksum: the key was edited or damaged; use the key `deanon release` wrote",
                    ));
                }
                key.with_fingerprints(Fingerprints {
                    release: release.clone(),
                    original: original.clone(),
                })
            }
            _ => key,
        })
    }

    /// The checksum of the key's pairs (XXH3-64, hex): what a key file written by `deanon
    /// release` carries as `key_checksum`.
    pub fn checksum(&self) -> String {
        checksum(&self.pairs_sorted())
    }

    /// The (released, original) pairs sorted by released id, as the key file lists them.
    pub fn pairs_sorted(&self) -> Vec<(String, String)> {
        let mut rows: Vec<(String, String)> = self
            .to_original
            .iter()
            .map(|(r, o)| (r.clone(), o.clone()))
            .collect();
        rows.sort();
        rows
    }

    /// Writes the key with mode 0600, rows sorted by released id for reproducible files, with
    /// its fingerprints on every row when it has them.
    pub fn write(&self, path: &Path) -> Result<()> {
        let rows = self.pairs_sorted();
        let tail = match &self.fingerprints {
            Some(f) => format!(",{},{},{}", f.release, f.original, checksum(&rows)),
            None => String::new(),
        };
        write_naming_people(path, |w| {
            write!(w, "released_id,original_id")?;
            if self.fingerprints.is_some() {
                write!(w, ",{}", FINGERPRINT_COLUMNS.join(","))?;
            }
            writeln!(w)?;
            for (released, original) in rows {
                writeln!(w, "{released},{original}{tail}")?;
            }
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> ReleaseKey {
        ReleaseKey::from_pairs([("a".into(), "7".into()), ("b".into(), "9".into())])
            .with_fingerprints(Fingerprints {
                release: "00000000000000aa".into(),
                original: "00000000000000bb".into(),
            })
    }

    #[test]
    fn a_key_reads_back_with_its_fingerprints() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("k.csv");
        key().write(&path).unwrap();
        let back = ReleaseKey::read(&path).unwrap();
        assert_eq!(back.fingerprints(), key().fingerprints());
        assert_eq!(back.pairs_sorted(), key().pairs_sorted());
    }

    /// Regression: a key whose original ids were edited was used as if right.
    #[test]
    fn an_edited_key_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("k.csv");
        key().write(&path).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::write(&path, text.replace("a,7,", "a,9,")).unwrap();
        let e = ReleaseKey::read(&path).unwrap_err().to_string();
        assert!(e.contains("edited or damaged"), "{e}");
    }
}
