//! What the adversary wants to learn about a target (the *secret*), and how it is read off a
//! record: whether the record holds any of a list of sensitive items (every title of a genre,
//! say), or the record's value of a sensitive attribute.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::dataset::{Dataset, ItemIdx};
use crate::{Error, Result};

/// What is sensitive, as the user names it.
#[derive(Clone, Debug, PartialEq)]
pub enum Sensitive {
    /// External item ids; the secret is whether the target holds any of them beyond those the
    /// adversary already knew.
    Items {
        /// Each id with the line (or position in a list, from 1) it was given on.
        ids: Vec<(u64, String)>,
        /// Where they came from, named in errors with the line: the file, or
        /// `sensitive_items` for a list.
        source: PathBuf,
    },
    /// An attribute of the people table; the secret is the target's value.
    Attribute(String),
}

impl Sensitive {
    /// The secret the command line names: `--sensitive-items FILE` (read here) or
    /// `--sensitive-attribute NAME`; `None` for neither (the first wins when both are given).
    pub fn from_flags(items: Option<&Path>, attribute: Option<&str>) -> Result<Option<Sensitive>> {
        Ok(match (items, attribute) {
            (Some(file), _) => Some(Sensitive::Items {
                ids: read_items(file)?,
                source: file.to_path_buf(),
            }),
            (None, Some(name)) => Some(Sensitive::Attribute(name.to_string())),
            (None, None) => None,
        })
    }

    /// Sensitive items given as a list (the Python package): errors name the list
    /// `sensitive_items` and the position; an empty list is an error.
    pub fn from_list(ids: Vec<String>) -> Result<Sensitive> {
        if ids.is_empty() {
            return Err(Error::Parameter {
                name: "sensitive_items",
                message: "sensitive_items is empty: give at least one item id".into(),
            });
        }
        Ok(Sensitive::Items {
            ids: (1..).zip(ids).collect(),
            source: PathBuf::from("sensitive_items"),
        })
    }
}

/// Reads a sensitive-items file: one item id a line; blank lines and lines starting with `#`
/// are skipped. Errors name the file and line: an item listed twice, or an empty list.
pub fn read_items(path: &Path) -> Result<Vec<(u64, String)>> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    let mut items = Vec::new();
    let mut seen: HashMap<String, u64> = HashMap::new();
    for (k, line) in text.trim_start_matches('\u{feff}').lines().enumerate() {
        let line_no = k as u64 + 1;
        let item = line.trim();
        if item.is_empty() || item.starts_with('#') {
            continue;
        }
        if item.contains(',') {
            return Err(Error::parse(
                path,
                line_no,
                format!("'{item}': one item id a line, without commas"),
            ));
        }
        if let Some(first) = seen.insert(item.to_string(), line_no) {
            return Err(Error::parse(
                path,
                line_no,
                format!("item '{item}' is listed twice (first on line {first})"),
            ));
        }
        items.push((line_no, item.to_string()));
    }
    if items.is_empty() {
        return Err(Error::input(
            path,
            "lists no item: give one sensitive item id a line",
        ));
    }
    Ok(items)
}

/// Sensitive items resolved against both data sets (external ids are shared: a release keeps
/// its items' ids).
#[derive(Clone, Debug)]
pub struct SensitiveItems {
    /// The external ids, in file order.
    pub ids: Vec<String>,
    /// Their indices in the original data.
    pub original: Vec<ItemIdx>,
    /// Their indices in the release (`None`: the release holds the item nowhere).
    pub released: Vec<Option<ItemIdx>>,
}

impl SensitiveItems {
    /// Resolves `items` (with the line each came from) against `original` and `release`. An
    /// item the original data lacks is an error naming `path` and the line: it is a typo or
    /// another catalogue, and would silently lower the measured risk.
    pub fn resolve(
        items: &[(u64, String)],
        original: &Dataset,
        release: &Dataset,
        path: &Path,
    ) -> Result<SensitiveItems> {
        let in_original = original.item_ids().index_map();
        let in_release = release.item_ids().index_map();
        let mut resolved = SensitiveItems {
            ids: Vec::with_capacity(items.len()),
            original: Vec::with_capacity(items.len()),
            released: Vec::with_capacity(items.len()),
        };
        for (line, id) in items {
            let Some(&i) = in_original.get(id.as_str()) else {
                return Err(Error::parse(
                    path,
                    *line,
                    format!("item '{id}' is not in the original data"),
                ));
            };
            resolved.ids.push(id.clone());
            resolved.original.push(i);
            resolved.released.push(in_release.get(id.as_str()).copied());
        }
        Ok(resolved)
    }
}

/// A sensitive attribute resolved against both data sets.
#[derive(Clone, Debug)]
pub struct SensitiveAttribute {
    /// Its name.
    pub name: String,
    /// Its index in the original data's people table.
    pub original: usize,
    /// Its index in the release's (`None`: the release dropped it).
    pub released: Option<usize>,
}

impl SensitiveAttribute {
    /// Finds `name` in both people tables; the original data must have it (the error names
    /// the attributes it has).
    pub fn resolve(
        name: &str,
        original: &Dataset,
        release: &Dataset,
    ) -> Result<SensitiveAttribute> {
        let Some((a, _)) = original.people().find(name) else {
            let has = original.people().names();
            let message = if has.is_empty() {
                format!(
                    "the original data has no people table, so no attribute '{name}' (import it with --people)"
                )
            } else {
                format!(
                    "the original data has no attribute '{name}' (it has: {})",
                    has.join(", ")
                )
            };
            return Err(Error::Parameter {
                name: "sensitive_attribute",
                message,
            });
        };
        Ok(SensitiveAttribute {
            name: name.to_string(),
            original: a,
            released: release.people().find(name).map(|(a, _)| a),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_byte_order_mark_before_the_first_item_is_not_part_of_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sensitive.txt");
        std::fs::write(&path, "\u{feff}246\n# a comment\n247\n").unwrap();
        let items = read_items(&path).unwrap();
        assert_eq!(items, [(1, "246".to_string()), (3, "247".to_string())]);
    }
}
