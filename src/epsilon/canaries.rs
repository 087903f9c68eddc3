//! The canaries: people of the data drawn with the seed, each included in a run's data with
//! probability 1/2 by a coin of its own; everyone else is always included.
//!
//! An excluded canary is replaced by an empty record (the same id, no entries, no attribute
//! values), not removed: the data keeps its number of people, so the two datasets a canary's
//! coin chooses between differ in one person's record, the neighbours of bounded DP (what `dp`
//! claims: one record replaced). Removing the canary instead would also change the number of
//! people, which `dp` does not hide. The data's item catalogue is what its people hold (plus any
//! item the original lists that nobody holds): an item only an excluded canary held is not in it.

use rayon::prelude::*;

use crate::dataset::builder::{self, EntryChunk};
use crate::dataset::{Dataset, IdKey, IdTable, NO_DAY, NO_RATING, People};
use crate::rng::Rng;
use crate::{Error, Result};

/// The canaries and their coins.
#[derive(Clone, Debug)]
pub struct Draw {
    /// Record indices of the canaries, sorted.
    pub canaries: Vec<u32>,
    /// Per run, per canary (in `canaries` order): whether it is in that run's data.
    pub included: Vec<Vec<bool>>,
}

/// Stream of the canary draw (no other stream of the crate uses it).
const STREAM_CANARIES: u64 = 0xe95_0001;
/// Stream of the inclusion coins, per run.
const STREAM_COINS: u64 = 0xe95_0002;

/// Draws `m` canaries among `data`'s people and their coins for `runs` runs.
pub fn draw(data: &Dataset, m: usize, runs: usize, seed: u64) -> Draw {
    let everyone: Vec<u32> = (0..data.num_records() as u32).collect();
    let canaries = Rng::derive(seed, &[STREAM_CANARIES]).sample_sorted(&everyone, m);
    let included = (0..runs)
        .map(|t| {
            let mut rng = Rng::derive(seed, &[STREAM_COINS, t as u64]);
            (0..m).map(|_| rng.below(2) == 1).collect()
        })
        .collect();
    Draw { canaries, included }
}

/// `data` with the canaries whose coin says out (`included[k]` false for `canaries[k]`)
/// replaced by empty records; items nobody holds any more leave the catalogue.
pub fn with_canaries(data: &Dataset, canaries: &[u32], included: &[bool]) -> Result<Dataset> {
    let n = data.num_records();
    let mut out = vec![false; n];
    for (&c, &inc) in canaries.iter().zip(included) {
        out[c as usize] = !inc;
    }
    // The catalogue: items someone kept holds, and items nobody in the original holds.
    let mut kept = vec![false; data.num_items()];
    for (i, k) in kept.iter_mut().enumerate() {
        *k = data.support(i as u32) == 0;
    }
    for r in (0..n).filter(|&r| !out[r]) {
        for &i in data.record(r as u32).keys {
            kept[i as usize] = true;
        }
    }
    let mut new_item = vec![u32::MAX; kept.len()];
    let mut item_keys = Vec::new();
    for (i, _) in kept.iter().enumerate().filter(|(_, k)| **k) {
        new_item[i] = item_keys.len() as u32;
        item_keys.push(key(data.item_ids().get(i)));
    }
    let record_keys: Vec<IdKey> = (0..n).map(|r| key(data.record_ids().get(r))).collect();
    let chunks: Vec<EntryChunk> = (0..n)
        .collect::<Vec<_>>()
        .par_chunks(4096)
        .map(|rows| {
            let mut chunk = EntryChunk::default();
            for &r in rows.iter().filter(|&&r| !out[r]) {
                let e = data.record(r as u32);
                for k in 0..e.len() {
                    chunk.push(
                        r as u32,
                        new_item[e.keys[k] as usize],
                        e.rating(k).map_or(NO_RATING, |x| x.0),
                        e.day(k).unwrap_or(NO_DAY),
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
    .map_err(|d| Error::Corrupt(format!("a duplicate entry in the data: {d:?}")))?;
    if data.has_attributes() {
        let people = data.people();
        let columns = people
            .attributes()
            .map(|a| {
                (0..n)
                    .map(|r| {
                        if out[r] {
                            None
                        } else {
                            a.value_of(r).map(str::to_string)
                        }
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
        // The same draw for the same seed.
        let again = draw(&data, 100, 2, 9);
        assert_eq!(again.canaries, d.canaries);
        assert_eq!(again.included, d.included);
    }
}
