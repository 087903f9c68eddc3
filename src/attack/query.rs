//! Aux records resolved against a release: each fact's item becomes the release's item index,
//! through the release's own item ids or an item map (`aux_item,release_item`) for aux from
//! another catalogue. Facts whose item the release does not hold contribute nothing and are
//! dropped here (counted in `facts_dropped`). Each attribute the adversary knows becomes the
//! set of the release's values of that attribute that agree with it (exactly, within its
//! range, or inside a released band or prefix: [`crate::dataset::people::compatible`]); an
//! attribute the release does not carry is dropped (counted in `attributes_dropped`); that is
//! only accepted for an attribute the release's policy dropped ([`check_attributes`]), as any
//! other is a misnamed column.

use std::collections::HashMap;
use std::path::Path;

use crate::Result;
use crate::dataset::{AuxRecord, Dataset, NO_DAY, NO_RATING};

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
    /// The adversary's estimate of the target's number of ratings, if any.
    pub count: Option<u32>,
    /// The attributes the adversary knows that the release carries, in aux order.
    pub attributes: Vec<QueryAttribute>,
    /// Known attributes the release does not carry.
    pub attributes_dropped: usize,
}

/// One resolved attribute fact.
#[derive(Clone, Debug, PartialEq)]
pub struct QueryAttribute {
    /// The attribute's index in the release's people table.
    pub attribute: usize,
    /// For each value of the release's dictionary of that attribute, whether it agrees with
    /// what the adversary knows.
    pub agrees: Vec<bool>,
}

impl Query {
    /// Facts scored: item facts whose item the release holds, and attributes it carries.
    pub fn facts_used(&self) -> usize {
        self.facts.len() + self.attributes.len()
    }
}

/// A map from aux item ids to release item ids.
#[derive(Clone, Debug, Default)]
pub struct ItemMap {
    map: HashMap<String, String>,
}

impl ItemMap {
    /// A map from (aux item, release item) pairs.
    pub fn from_pairs(pairs: impl IntoIterator<Item = (String, String)>) -> Self {
        ItemMap {
            map: pairs.into_iter().collect(),
        }
    }

    /// Reads an `aux_item,release_item` CSV.
    pub fn read(path: &Path) -> Result<Self> {
        let map = crate::pairs_file::read_pairs(path, ["aux_item", "release_item"], "an item map")?;
        Ok(ItemMap { map })
    }
}

/// Checks that every attribute `aux` names is an attribute of `release`, or one that the
/// policy recorded in the release dropped (`attr-drop:name=A`, as the policy prints it); the
/// error names the attribute and the release's attributes.
pub fn check_attributes(release: &Dataset, aux: &[AuxRecord]) -> Result<()> {
    let people = release.people();
    for record in aux {
        for known in &record.attributes {
            if knows_attribute(release, &known.name) {
                continue;
            }
            return Err(crate::Error::InvalidArgument(format!(
                "the aux's column '{}' is not an attribute of the data ({})",
                known.name,
                if people.is_empty() {
                    "it has none".to_string()
                } else {
                    format!("its attributes: {}", people.names().join(", "))
                }
            )));
        }
    }
    Ok(())
}

/// Whether an aux column `name` may be attacked with against `release`: an attribute of it, or
/// one its recorded policy dropped (`attr-drop:name=A`, as the policy prints it).
pub fn knows_attribute(release: &Dataset, name: &str) -> bool {
    let step = format!("attr-drop:name={name}");
    release.people().find(name).is_some()
        || release
            .release_policy()
            .is_some_and(|p| p.split('|').any(|s| s.trim() == step))
}

/// Resolves aux records against `release`.
pub fn resolve(release: &Dataset, aux: &[AuxRecord], item_map: Option<&ItemMap>) -> Vec<Query> {
    let index = release.item_ids().index_map();
    let people = release.people();
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
            let mut attributes: Vec<QueryAttribute> = Vec::with_capacity(record.attributes.len());
            let mut attributes_dropped = 0;
            for known in &record.attributes {
                let Some((a, attribute)) = people.find(&known.name) else {
                    attributes_dropped += 1;
                    continue;
                };
                // An attribute named twice is one fact (the first value counts).
                if attributes.iter().any(|q| q.attribute == a) {
                    continue;
                }
                let agrees = (0..attribute.num_values() as u32)
                    .map(|c| crate::dataset::people::compatible(&known.value, attribute.value(c)))
                    .collect();
                attributes.push(QueryAttribute {
                    attribute: a,
                    agrees,
                });
            }
            Query {
                facts,
                facts_dropped: dropped,
                count: record.count,
                attributes_dropped,
                attributes,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dataset::AuxAttribute;
    use crate::dataset::generate::{GenerateParams, Preset, generate};

    #[test]
    fn attributes_agree_through_ranges_and_one_named_twice_counts_once() {
        let mut data = generate(
            &GenerateParams::new(Preset::MovielensLike)
                .users(200)
                .seed(1),
        )
        .unwrap();
        let known = |name: &str, value: &str| AuxAttribute {
            name: name.into(),
            value: value.into(),
        };
        let record = AuxRecord {
            id: "x".into(),
            facts: Vec::new(),
            true_user: None,
            count: None,
            attributes: vec![
                known("age", "30-31"),
                known("income", "high"),
                known("age", "60"),
            ],
        };
        let e = check_attributes(&data, std::slice::from_ref(&record))
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("column 'income'") && e.contains("its attributes: age, gender, region"),
            "{e}"
        );
        data.record_release_policy("sample:fraction=0.5|attr-drop:name=income".into());
        check_attributes(&data, std::slice::from_ref(&record)).unwrap();
        let q = &resolve(&data, &[record], None)[0];
        assert_eq!((q.attributes.len(), q.attributes_dropped), (1, 1));
        let age = data.people().find("age").unwrap().1;
        let agreeing: Vec<&str> = (0..age.num_values() as u32)
            .filter(|&c| q.attributes[0].agrees[c as usize])
            .map(|c| age.value(c))
            .collect();
        let in_range: Vec<&str> = (0..age.num_values() as u32)
            .map(|c| age.value(c))
            .filter(|v| (30..=31).contains(&v.parse::<i64>().unwrap()))
            .collect();
        assert!(!in_range.is_empty());
        assert_eq!(agreeing, in_range);
        assert_eq!(q.facts_used(), 1);
    }
}
