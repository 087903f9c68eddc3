//! The release key: `released_id,original_id` per released record, a CSV file written with mode
//! 0600. It is the only place where released and original ids meet.

use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::path::Path;

use crate::Result;
use crate::atomic_file::write_atomically_with_mode;

/// Released id -> original id, for every released record.
#[derive(Debug, Clone, Default)]
pub struct ReleaseKey {
    to_original: HashMap<String, String>,
    originals: HashSet<String>,
}

impl ReleaseKey {
    /// A key from (released, original) pairs.
    pub fn from_pairs(pairs: impl IntoIterator<Item = (String, String)>) -> Self {
        let to_original: HashMap<String, String> = pairs.into_iter().collect();
        let originals = to_original.values().cloned().collect();
        ReleaseKey {
            to_original,
            originals,
        }
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
        let pairs = crate::pairs_file::read_pairs(
            path,
            ["released_id", "original_id"],
            "a release key (made by `deanon release --key`)",
        )?;
        Ok(ReleaseKey::from_pairs(pairs))
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

    /// Writes the key with mode 0600, rows sorted by released id for reproducible files.
    pub fn write(&self, path: &Path) -> Result<()> {
        let rows = self.pairs_sorted();
        write_atomically_with_mode(path, Some(0o600), |w| {
            writeln!(w, "released_id,original_id")?;
            for (released, original) in rows {
                writeln!(w, "{released},{original}")?;
            }
            Ok(())
        })
    }
}
