//! The mutable form of a dataset that release steps transform: one list of entries per record,
//! remembering each record's original index. Steps change entries and drop records; the last
//! step, pseudonymization, turns it back into a [`Dataset`] with fresh record ids.

use rayon::prelude::*;

use crate::dataset::builder::{self, EntryChunk};
use crate::dataset::{Dataset, DatasetKind, IdKey, IdTable, NO_DAY, NO_RATING, RatingScale};
use crate::rng::Rng;
use crate::rng::streams;
use crate::{Error, Result};

/// One entry of a record.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Entry {
    /// Item index (the original data's).
    pub item: u32,
    /// Half stars or [`NO_RATING`].
    pub rating: u8,
    /// Day or [`NO_DAY`].
    pub day: u16,
}

/// One person.
#[derive(Clone, Debug)]
pub struct Person {
    /// Index of the record in the original data.
    pub original: u32,
    /// Entries, sorted by item then day.
    pub entries: Vec<Entry>,
    /// The person's value of each attribute of [`Working::attributes`] (`None`: missing or
    /// suppressed).
    pub attributes: Vec<Option<String>>,
}

/// A dataset being released.
#[derive(Clone, Debug)]
pub struct Working {
    /// Ratings or views.
    pub kind: DatasetKind,
    /// Number of items of the original data.
    pub items: usize,
    /// The people still in the release.
    pub people: Vec<Person>,
    /// The rating scale (for noise, rounding and fake ratings): the declared one, else the
    /// original data's.
    pub scale: RatingScale,
    /// What the original's holder declared public (the item catalogue, the rating scale).
    pub declared: crate::dataset::Declared,
    /// The steps applied so far that look across people (a person's output depends on others'
    /// data), by name: no differentially private step may follow them.
    pub across_people: Vec<String>,
    /// Names of the people's attributes still released.
    pub attributes: Vec<String>,
}

impl Working {
    /// The working form of `data`.
    pub fn from_dataset(data: &Dataset) -> Working {
        let table = data.people();
        let people = (0..data.num_records() as u32)
            .into_par_iter()
            .map(|r| {
                let e = data.record(r);
                let entries = (0..e.len())
                    .map(|k| Entry {
                        item: e.keys[k],
                        rating: e.rating(k).map_or(NO_RATING, |x| x.0),
                        day: e.day(k).unwrap_or(NO_DAY),
                    })
                    .collect();
                Person {
                    original: r,
                    entries,
                    attributes: if table.is_empty() {
                        Vec::new()
                    } else {
                        table
                            .row(r as usize)
                            .into_iter()
                            .map(|v| v.map(str::to_string))
                            .collect()
                    },
                }
            })
            .collect();
        Working {
            kind: data.kind(),
            items: data.num_items(),
            people,
            // Without ratings, the Netflix scale (1-5 stars) for steps that make ratings up.
            scale: data
                .declared()
                .rating_scale
                .or_else(|| data.rating_scale())
                .unwrap_or(RatingScale {
                    min: 2,
                    max: 10,
                    step: 2,
                }),
            declared: data.declared(),
            across_people: Vec::new(),
            attributes: table.names().to_vec(),
        }
    }

    /// The position of attribute `name` among the released ones, or an error naming `step`.
    pub fn attribute(&self, name: &str, step: &str) -> Result<usize> {
        self.attributes
            .iter()
            .position(|a| a == name)
            .ok_or_else(|| {
                Error::InvalidArgument(if self.attributes.is_empty() {
                    format!(
                        "step '{step}': the data has no people table (import one with --people)"
                    )
                } else {
                    format!(
                        "step '{step}': no attribute '{name}' in the release (attributes: {})",
                        self.attributes.join(", ")
                    )
                })
            })
    }

    /// Number of entries.
    pub fn entries(&self) -> usize {
        self.people.iter().map(|p| p.entries.len()).sum()
    }

    /// Distinct people holding each item.
    pub fn supports(&self) -> Vec<u32> {
        let mut s = vec![0u32; self.items];
        for p in &self.people {
            let mut last = u32::MAX;
            for e in &p.entries {
                if e.item != last {
                    s[e.item as usize] += 1;
                    last = e.item;
                }
            }
        }
        s
    }

    /// Pseudonymizes: people get new ids 1..n in a random order (seeded); items keep their ids,
    /// and only items that remain are listed. Returns the released dataset and, per released
    /// record, the original record index.
    pub fn into_release(mut self, original: &Dataset, seed: u64) -> Result<(Dataset, Vec<u32>)> {
        let mut rng = Rng::derive(seed, &[streams::PSEUDONYMS, 0]);
        rng.shuffle(&mut self.people);
        for p in &mut self.people {
            p.entries
                .sort_unstable_by_key(|e| (e.item, e.day, e.rating));
        }
        let mut used = vec![false; self.items];
        for p in &self.people {
            for e in &p.entries {
                used[e.item as usize] = true;
            }
        }
        let mut new_item = vec![u32::MAX; self.items];
        let mut item_keys = Vec::new();
        for (i, &u) in used.iter().enumerate() {
            if u {
                new_item[i] = item_keys.len() as u32;
                item_keys.push(
                    IdKey::from_bytes(original.item_ids().get(i).as_bytes())
                        .expect("stored ids are UTF-8"),
                );
            }
        }
        let n = self.people.len();
        let record_keys: Vec<IdKey> = (1..=n as u64).map(IdKey::Num).collect();
        let originals: Vec<u32> = self.people.iter().map(|p| p.original).collect();
        let chunks: Vec<EntryChunk> = self
            .people
            .par_chunks(4096)
            .enumerate()
            .map(|(c, people)| {
                let mut chunk = EntryChunk::default();
                for (k, p) in people.iter().enumerate() {
                    let r = (c * 4096 + k) as u32;
                    for e in &p.entries {
                        chunk.push(r, new_item[e.item as usize], e.rating, e.day);
                    }
                }
                chunk
            })
            .collect();
        let data = builder::build(
            self.kind,
            IdTable::from_keys(&record_keys),
            IdTable::from_keys(&item_keys),
            chunks,
        )
        .map_err(|d| {
            Error::InvalidArgument(format!("a release step produced a duplicate rating ({d})"))
        })?;
        let mut data = data;
        // A release lists the items that remain: its item table is no catalogue.
        data.declare(false, self.declared.rating_scale);
        if !self.attributes.is_empty() {
            let columns = (0..self.attributes.len())
                .map(|a| {
                    self.people
                        .iter()
                        .map(|p| p.attributes[a].clone())
                        .collect()
                })
                .collect();
            data.set_people(crate::dataset::People::from_values(
                self.attributes,
                columns,
            ));
        }
        Ok((data, originals))
    }
}
