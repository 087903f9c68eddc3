//! Two-column CSV files that map one id to another: release keys (`released_id,original_id`,
//! with the fingerprints that tie a key to its release as trailing columns) and item maps
//! (`aux_item,release_item`). One reader, so both give the same errors.

use std::collections::HashMap;
use std::path::Path;

use crate::{Error, Result};

/// Reads `path`, which must have exactly the header `columns` and two non-empty fields per
/// line, with no first column given twice. `what` names the file kind in messages
/// ("a release key").
pub fn read_pairs(path: &Path, columns: [&str; 2], what: &str) -> Result<HashMap<String, String>> {
    Ok(read_tagged_pairs(path, columns, &[], what)?.0)
}

/// The values of a file's tag columns, in the order asked for (`None` without tag columns).
pub type Tags = Vec<Option<String>>;

/// [`read_pairs`] of a file whose header may go on with the columns `tags`, all of them: a tag's
/// value is the same on every line (a file-wide property written on each row, so that the file
/// stays a plain table). Returns the map and each tag's value (`None` when the file has no tag
/// columns).
pub fn read_tagged_pairs(
    path: &Path,
    columns: [&str; 2],
    tags: &[&str],
    what: &str,
) -> Result<(HashMap<String, String>, Tags)> {
    let mut reader = csv::ReaderBuilder::new()
        .from_path(path)
        .map_err(|e| Error::input(path, e.to_string()))?;
    let headers = reader
        .headers()
        .map_err(|e| Error::parse(path, 1, e.to_string()))?
        .clone();
    let expected = columns.join(",");
    let names: Vec<&str> = headers.iter().map(str::trim).collect();
    let names: Vec<&str> = match names.first() {
        Some(first) => std::iter::once(first.trim_start_matches('\u{feff}'))
            .chain(names[1..].iter().copied())
            .collect(),
        None => names,
    };
    let tagged: Vec<&str> = columns.iter().chain(tags).copied().collect();
    let width = if names == columns {
        2
    } else if !tags.is_empty() && names == tagged {
        tagged.len()
    } else {
        let message = if tags.is_empty() {
            format!("{what} has the header {expected}")
        } else {
            format!("{what} has the header {expected} or {}", tagged.join(","))
        };
        return Err(Error::parse(path, 1, message));
    };
    let mut tag_values: Vec<Option<String>> = vec![None; tags.len()];
    let mut map = HashMap::new();
    for (k, row) in reader.records().enumerate() {
        let line = k as u64 + 2;
        let row = row.map_err(|e| Error::parse(path, line, e.to_string()))?;
        let (a, b) = (
            row.get(0).unwrap_or("").trim(),
            row.get(1).unwrap_or("").trim(),
        );
        if row.len() != width || a.is_empty() || b.is_empty() {
            return Err(Error::parse(
                path,
                line,
                format!("expected {}", names.join(",")),
            ));
        }
        for (i, (t, value)) in tag_values.iter_mut().zip(row.iter().skip(2)).enumerate() {
            let value = value.trim();
            match t {
                Some(seen) if seen != value => {
                    return Err(Error::parse(
                        path,
                        line,
                        format!("{what} is one file: its {} changes here", tags[i]),
                    ));
                }
                Some(_) => {}
                None => *t = Some(value.to_string()),
            }
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
    Ok((map, tag_values))
}
