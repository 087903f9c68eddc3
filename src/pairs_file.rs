//! Two-column CSV files that map one id to another: release keys (`released_id,original_id`)
//! and item maps (`aux_item,release_item`). One reader, so both give the same errors.

use std::collections::HashMap;
use std::path::Path;

use crate::{Error, Result};

/// Reads `path`, which must have exactly the header `columns` and two non-empty fields per
/// line, with no first column given twice. `what` names the file kind in messages
/// ("a release key").
pub fn read_pairs(path: &Path, columns: [&str; 2], what: &str) -> Result<HashMap<String, String>> {
    let mut reader = csv::ReaderBuilder::new()
        .from_path(path)
        .map_err(|e| Error::input(path, e.to_string()))?;
    let headers = reader
        .headers()
        .map_err(|e| Error::parse(path, 1, e.to_string()))?
        .clone();
    let expected = columns.join(",");
    if headers.iter().map(str::trim).collect::<Vec<_>>() != columns {
        return Err(Error::parse(
            path,
            1,
            format!("{what} has the header {expected}"),
        ));
    }
    let mut map = HashMap::new();
    for (k, row) in reader.records().enumerate() {
        let line = k as u64 + 2;
        let row = row.map_err(|e| Error::parse(path, line, e.to_string()))?;
        let (a, b) = (
            row.get(0).unwrap_or("").trim(),
            row.get(1).unwrap_or("").trim(),
        );
        if row.len() != 2 || a.is_empty() || b.is_empty() {
            return Err(Error::parse(path, line, format!("expected {expected}")));
        }
        if map.insert(a.to_string(), b.to_string()).is_some() {
            return Err(Error::parse(
                path,
                line,
                format!("{} {a} is given twice", columns[0]),
            ));
        }
    }
    if map.is_empty() {
        return Err(Error::input(path, format!("{what} lists nothing")));
    }
    Ok(map)
}
