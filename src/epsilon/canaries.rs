//! The canaries: people of the data drawn with the seed, each included in a run's data with
//! probability 1/2 by a coin of its own; everyone else is always included.
//!
//! An excluded canary is replaced by an empty record (the same id, no entries, no attribute
//! values), not removed: the data keeps its number of people, so the two datasets a canary's
//! coin chooses between differ in one person's record, the neighbours of bounded DP (what `dp`
//! claims: one record replaced). Removing the canary instead would also change the number of
//! people, which `dp` does not hide. Data with a declared catalogue keeps it whole (it is public,
//! whoever is in the data); otherwise the item table is what its people hold (plus any item the
//! original lists that nobody holds): an item only an excluded canary held is not in it. What
//! the original declares (catalogue, rating scale) is declared by each run's data too.

use rayon::prelude::*;

use crate::dataset::builder::{self, EntryChunk};
use crate::dataset::{Dataset, IdKey, IdTable, NO_DAY, NO_RATING, People};
use crate::rng::Rng;
use crate::rng::streams;
use crate::{Error, Result};

/// The canaries and their coins.
#[derive(Clone, Debug)]
pub struct Draw {
    /// Record indices of the canaries, sorted.
    pub canaries: Vec<u32>,
    /// Per run, per canary (in `canaries` order): whether it is in that run's data.
    pub included: Vec<Vec<bool>>,
}

/// Draws `m` canaries among `data`'s people and their coins for `runs` runs.
pub fn draw(data: &Dataset, m: usize, runs: usize, seed: u64) -> Draw {
    let everyone: Vec<u32> = (0..data.num_records() as u32).collect();
    let canaries = Rng::derive(seed, &[streams::EPSILON_CANARIES]).sample_sorted(&everyone, m);
    let included = (0..runs)
        .map(|t| {
            let mut rng = Rng::derive(seed, &[streams::EPSILON_COINS, t as u64]);
            (0..m).map(|_| rng.below(2) == 1).collect()
        })
        .collect();
    Draw { canaries, included }
}

/// `data` with the canaries whose coin says out (`included[k]` false for `canaries[k]`)
/// replaced by empty records; items nobody holds any more leave the catalogue.
pub fn with_canaries(data: &Dataset, canaries: &[u32], included: &[bool]) -> Result<Dataset> {
    let mut out = vec![false; data.num_records()];
    for (&c, &inc) in canaries.iter().zip(included) {
        out[c as usize] = !inc;
    }
    let everyone: Vec<u32> = (0..data.num_records() as u32).collect();
    rebuild(data, &everyone, &out)
}

/// `n` people of `data` drawn with `seed` (in their order, with their ids), or all of it when
/// it holds no more: a smaller dataset to measure on. Epsilon-DP is a promise about every
/// dataset, so a bound measured on part of the data bounds the policy as much as one measured
/// on the whole.
pub fn some_people(data: &Dataset, n: usize, seed: u64) -> Result<Option<Dataset>> {
    if n >= data.num_records() {
        return Ok(None);
    }
    let everyone: Vec<u32> = (0..data.num_records() as u32).collect();
    let kept = Rng::derive(seed, &[streams::EPSILON_PEOPLE]).sample_sorted(&everyone, n);
    rebuild(data, &kept, &vec![false; data.num_records()]).map(Some)
}

/// The dataset of `data`'s records `records` (sorted), those marked in `out` (by original
/// index) emptied; its catalogue is what they hold, plus the items nobody in `data` holds.
fn rebuild(data: &Dataset, records: &[u32], out: &[bool]) -> Result<Dataset> {
    // The catalogue: items someone kept holds, and items nobody in the original holds.
    let declared = data.declared();
    let mut kept = vec![declared.catalogue; data.num_items()];
    for (i, k) in kept.iter_mut().enumerate() {
        *k |= data.support(i as u32) == 0;
    }
    for &r in records.iter().filter(|&&r| !out[r as usize]) {
        for &i in data.record(r).keys {
            kept[i as usize] = true;
        }
    }
    let mut new_item = vec![u32::MAX; kept.len()];
    let mut item_keys = Vec::new();
    for (i, _) in kept.iter().enumerate().filter(|(_, k)| **k) {
        new_item[i] = item_keys.len() as u32;
        item_keys.push(key(data.item_ids().get(i)));
    }
    let record_keys: Vec<IdKey> = records
        .iter()
        .map(|&r| key(data.record_ids().get(r as usize)))
        .collect();
    let chunks: Vec<EntryChunk> = records
        .par_chunks(4096)
        .enumerate()
        .map(|(c, rows)| {
            let mut chunk = EntryChunk::default();
            for (k, &r) in rows.iter().enumerate() {
                if out[r as usize] {
                    continue;
                }
                let e = data.record(r);
                for k2 in 0..e.len() {
                    chunk.push(
                        (c * 4096 + k) as u32,
                        new_item[e.keys[k2] as usize],
                        e.rating(k2).map_or(NO_RATING, |x| x.0),
                        e.day(k2).unwrap_or(NO_DAY),
                    );
                }
            }
            chunk
        })
        .collect();
    let mut built = builder::build(
        data.kind(),
        IdTable::from_keys(&record_keys),
        IdTable::from_keys(&item_keys),
        chunks,
    )
    .map_err(|d| Error::Corrupt(format!("a duplicate entry in the data: {d}")))?;
    built.declare(declared.catalogue, declared.rating_scale);
    if data.has_attributes() {
        let people = data.people();
        let columns = people
            .attributes()
            .map(|a| {
                records
                    .iter()
                    .map(|&r| {
                        let r = r as usize;
                        (!out[r])
                            .then(|| a.value_of(r).map(str::to_string))
                            .flatten()
                    })
                    .collect()
            })
            .collect();
        built.set_people(People::from_values(people.names().to_vec(), columns));
    }
    Ok(built)
}

fn key(text: &str) -> IdKey {
    IdKey::from_bytes(text.as_bytes()).expect("stored ids are UTF-8")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dataset::generate::{GenerateParams, Preset, generate};

    #[test]
    fn an_excluded_canary_is_an_empty_record_and_its_own_items_leave() {
        let data = generate(&GenerateParams::new(Preset::NetflixLike).users(300).seed(3)).unwrap();
        let d = draw(&data, 100, 2, 9);
        assert_eq!(d.canaries.len(), 100);
        assert!(d.canaries.windows(2).all(|w| w[0] < w[1]));
        let ins = d.included[0].iter().filter(|&&i| i).count();
        assert!((30..=70).contains(&ins), "{ins} of 100 in");
        assert_ne!(
            d.included[0], d.included[1],
            "each run has coins of its own"
        );
        let built = with_canaries(&data, &d.canaries, &d.included[0]).unwrap();
        assert_eq!(built.num_records(), data.num_records());
        assert!(built.has_attributes());
        for (k, &c) in d.canaries.iter().enumerate() {
            let len = built.record(c).len();
            if d.included[0][k] {
                assert_eq!(len, data.record(c).len());
                assert_eq!(
                    built.people().row(c as usize),
                    data.people().row(c as usize)
                );
            } else {
                assert_eq!(len, 0);
                assert!(built.people().row(c as usize).iter().all(Option::is_none));
            }
        }
        // Every item of the built data is held by someone in it.
        assert!(built.supports().iter().all(|&s| s > 0));
        assert!(built.num_items() <= data.num_items());
        // Part of the people, with their own records and ids.
        let part = some_people(&data, 50, 1).unwrap().unwrap();
        assert_eq!(part.num_records(), 50);
        let ids = data.record_ids().index_map();
        for r in 0..50u32 {
            let original = ids[part.record_ids().get(r as usize)];
            assert_eq!(part.record(r).len(), data.record(original).len());
            assert_eq!(
                part.people().row(r as usize),
                data.people().row(original as usize)
            );
        }
        assert!(some_people(&data, 300, 1).unwrap().is_none());
        // The same draw for the same seed.
        let again = draw(&data, 100, 2, 9);
        assert_eq!(again.canaries, d.canaries);
        assert_eq!(again.included, d.included);
    }
}
