//! Aux records resolved against a release: each fact's item becomes the release's item index,
//! through the release's own item ids or an item map (`aux_item,release_item`) for aux from
//! another catalogue. Facts whose item the release does not hold contribute nothing and are
//! dropped here (counted in `facts_dropped`).

use std::collections::HashMap;
use std::path::Path;

use crate::auxiliary::AuxRecord;
use crate::dataset::{Dataset, NO_DAY, NO_RATING};
use crate::{Error, Result};

/// One resolved fact. Missing values use [`NO_RATING`] / [`NO_DAY`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct QueryFact {
    /// Release item index.
    pub item: u32,
    /// Half stars or [`NO_RATING`].
    pub rating: u8,
    /// Day or [`NO_DAY`].
    pub day: u16,
}

/// A resolved aux record.
#[derive(Clone, Debug, PartialEq)]
pub struct Query {
    /// The facts whose items the release holds, in aux order.
    pub facts: Vec<QueryFact>,
    /// Facts dropped because the release does not hold their item.
    pub facts_dropped: usize,
}

/// A map from aux item ids to release item ids.
#[derive(Clone, Debug, Default)]
pub struct ItemMap {
    map: HashMap<String, String>,
}

impl ItemMap {
    /// Reads an `aux_item,release_item` CSV.
    pub fn read(path: &Path) -> Result<Self> {
        let mut reader = csv::ReaderBuilder::new()
            .from_path(path)
            .map_err(|e| Error::input(path, e.to_string()))?;
        let headers = reader
            .headers()
            .map_err(|e| Error::parse(path, 1, e.to_string()))?
            .clone();
        if headers.iter().map(str::trim).collect::<Vec<_>>() != ["aux_item", "release_item"] {
            return Err(Error::parse(
                path,
                1,
                "an item map has the header aux_item,release_item",
            ));
        }
        let mut map = HashMap::new();
        for (k, row) in reader.records().enumerate() {
            let line = k as u64 + 2;
            let row = row.map_err(|e| Error::parse(path, line, e.to_string()))?;
            let (a, r) = (
                row.get(0).unwrap_or("").trim(),
                row.get(1).unwrap_or("").trim(),
            );
            if a.is_empty() || r.is_empty() {
                return Err(Error::parse(path, line, "expected aux_item,release_item"));
            }
            if map.insert(a.to_string(), r.to_string()).is_some() {
                return Err(Error::parse(
                    path,
                    line,
                    format!("aux item {a} is mapped twice"),
                ));
            }
        }
        Ok(ItemMap { map })
    }
}

/// Resolves aux records against `release`.
pub fn resolve(release: &Dataset, aux: &[AuxRecord], item_map: Option<&ItemMap>) -> Vec<Query> {
    let index = release.item_ids().index_map();
    aux.iter()
        .map(|record| {
            let mut facts = Vec::with_capacity(record.facts.len());
            let mut dropped = 0;
            for f in &record.facts {
                let release_item = match item_map {
                    Some(m) => m.map.get(&f.item).map(String::as_str),
                    None => Some(f.item.as_str()),
                };
                match release_item.and_then(|i| index.get(i)) {
                    Some(&item) if release.support(item) > 0 => facts.push(QueryFact {
                        item,
                        rating: f.rating.unwrap_or(NO_RATING),
                        day: f.day.unwrap_or(NO_DAY),
                    }),
                    _ => dropped += 1,
                }
            }
            Query {
                facts,
                facts_dropped: dropped,
            }
        })
        .collect()
}
