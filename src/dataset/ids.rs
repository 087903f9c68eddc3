//! External ids of records and items, kept as text, and their order.
//!
//! Importers keep every id exactly as written, so that an export gives back the same ids.
//! Inside, records and items are dense `u32` indices assigned in id order: numeric ids (canonical
//! decimal, no leading zeros) first in numeric order, then other ids in byte order. The order
//! depends only on the set of ids, never on the input's line order or the thread count.

use std::collections::HashMap;

use super::column::Column;

/// An id as read from input: numbers are kept as numbers to hash and sort fast.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum IdKey {
    /// A canonical decimal number (no sign, no leading zero), below 2^64.
    Num(u64),
    /// Anything else.
    Text(Box<str>),
}

impl IdKey {
    /// The key of an id's bytes. Fails on text that is not UTF-8.
    pub fn from_bytes(bytes: &[u8]) -> Result<IdKey, String> {
        if let Some(n) = canonical_number(bytes) {
            return Ok(IdKey::Num(n));
        }
        match std::str::from_utf8(bytes) {
            Ok(s) => Ok(IdKey::Text(s.into())),
            Err(_) => Err("id is not valid UTF-8 text".to_string()),
        }
    }

    /// The id as text.
    pub fn to_text(&self) -> String {
        match self {
            IdKey::Num(n) => n.to_string(),
            IdKey::Text(s) => s.to_string(),
        }
    }
}

/// The value of a canonical decimal number, or `None`.
pub fn canonical_number(bytes: &[u8]) -> Option<u64> {
    if bytes.is_empty() || bytes.len() > 19 || (bytes.len() > 1 && bytes[0] == b'0') {
        return None;
    }
    let mut n: u64 = 0;
    for &b in bytes {
        if !b.is_ascii_digit() {
            return None;
        }
        n = n * 10 + (b - b'0') as u64;
    }
    Some(n)
}

/// The external ids of one axis (records or items), indexed by dense index.
#[derive(Debug, Default)]
pub struct IdTable {
    offsets: Column<u64>,
    bytes: Column<u8>,
}

impl IdTable {
    /// Builds a table from ids already in index order.
    pub fn from_keys(keys: &[IdKey]) -> Self {
        let mut offsets = Vec::with_capacity(keys.len() + 1);
        let mut bytes = Vec::new();
        offsets.push(0u64);
        for key in keys {
            match key {
                IdKey::Num(n) => super::values::push_u64(&mut bytes, *n),
                IdKey::Text(s) => bytes.extend_from_slice(s.as_bytes()),
            }
            offsets.push(bytes.len() as u64);
        }
        IdTable {
            offsets: offsets.into(),
            bytes: bytes.into(),
        }
    }

    /// A table over stored columns. The caller has checked them with [`IdTable::validate`].
    pub fn from_columns(offsets: Column<u64>, bytes: Column<u8>) -> Self {
        IdTable { offsets, bytes }
    }

    /// Checks that offsets are monotone, in range, and cut the bytes into UTF-8 pieces.
    pub fn validate(offsets: &[u64], bytes: &[u8]) -> Result<(), String> {
        if offsets.first() != Some(&0) || *offsets.last().unwrap_or(&0) != bytes.len() as u64 {
            return Err("id table offsets do not span the id bytes".into());
        }
        for w in offsets.windows(2) {
            if w[0] > w[1] {
                return Err("id table offsets are not increasing".into());
            }
            if std::str::from_utf8(&bytes[w[0] as usize..w[1] as usize]).is_err() {
                return Err("an id is not valid UTF-8".into());
            }
        }
        Ok(())
    }

    /// Number of ids.
    pub fn len(&self) -> usize {
        self.offsets.len().saturating_sub(1)
    }

    /// Whether there are no ids.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The id at `index`.
    pub fn get(&self, index: usize) -> &str {
        let range = self.offsets[index] as usize..self.offsets[index + 1] as usize;
        // Validated as UTF-8 when built or opened.
        std::str::from_utf8(&self.bytes[range]).unwrap_or("")
    }

    /// A map from id text to index (built on demand; used to resolve ids given by users).
    pub fn index_map(&self) -> HashMap<&str, u32> {
        (0..self.len()).map(|i| (self.get(i), i as u32)).collect()
    }

    /// The stored columns (offsets, bytes).
    pub fn columns(&self) -> (&Column<u64>, &Column<u8>) {
        (&self.offsets, &self.bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_canonical_only() {
        assert_eq!(canonical_number(b"42"), Some(42));
        assert_eq!(canonical_number(b"0"), Some(0));
        assert_eq!(canonical_number(b"007"), None);
        assert_eq!(canonical_number(b"-1"), None);
        assert_eq!(
            IdKey::from_bytes(b"007").unwrap(),
            IdKey::Text("007".into())
        );
        assert!(IdKey::Num(3) < IdKey::Num(20));
        assert!(IdKey::Num(u64::MAX) < IdKey::Text("a".into()));
    }

    #[test]
    fn table_round_trips() {
        let keys = vec![
            IdKey::Num(5),
            IdKey::Text("tt0111161".into()),
            IdKey::Num(0),
        ];
        let t = IdTable::from_keys(&keys);
        assert_eq!(t.len(), 3);
        assert_eq!(t.get(0), "5");
        assert_eq!(t.get(1), "tt0111161");
        assert_eq!(t.get(2), "0");
        assert_eq!(t.index_map()["tt0111161"], 1);
    }
}
