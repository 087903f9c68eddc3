//! The library's one entry point for an attack (`deanon::linkage::attack`), used as a program
//! would use it: parameters through the builder, the local executor, and a store opened for
//! shards whose postings are corrupt (an error, never a write out of bounds).

mod common;

use std::sync::Arc;

use deanon::attack::{AttackParams, CheckedShard, Shard};
use deanon::auxiliary::sampler::{self, AuxParams};
use deanon::dataset::generate::{GenerateParams, Preset, generate};
use deanon::dataset::store;
use deanon::linkage::{self, AttackOptions, Executor};

#[test]
fn the_entry_point_attacks_and_summarizes() {
    let data =
        Arc::new(generate(&GenerateParams::new(Preset::NetflixLike).users(3000).seed(5)).unwrap());
    let aux = sampler::sample(
        &data,
        &AuxParams {
            targets: 100,
            items: 6,
            date_error: 3,
            seed: 2,
            ..AuxParams::default()
        },
        None,
    )
    .unwrap()
    .records;
    let params = AttackParams::builder().phi(1.0).check().unwrap();
    let attacked = linkage::attack(
        &data,
        &aux,
        None,
        &params,
        &Executor::Local,
        &AttackOptions::default(),
    )
    .unwrap()
    .expect("a local attack reports");
    assert_eq!(attacked.outcomes.len(), aux.len());
    assert_eq!(attacked.summary.aux_records, aux.len());
    assert_eq!(attacked.summary.phi, 1.0);
    let correct = attacked.outcomes.iter().filter(|o| o.correct).count();
    assert_eq!(
        attacked.summary.top1_rate,
        Some(correct as f64 / aux.len() as f64)
    );
    assert!(
        correct > 90,
        "6 exact facts, dates +-3 days: {correct} of 100"
    );
}

#[test]
fn a_corrupt_posting_in_a_store_opened_for_shards_is_an_error_not_a_write() {
    let dir = common::tempdir();
    let path = dir.path().join("d.deanon");
    let data = generate(&GenerateParams::new(Preset::NetflixLike).users(3000).seed(1)).unwrap();
    store::save(&data, &path).unwrap();
    let aux = sampler::sample(
        &data,
        &AuxParams {
            targets: 20,
            items: 4,
            seed: 1,
            ..AuxParams::default()
        },
        None,
    )
    .unwrap()
    .records;
    // A record index far past N in the postings of the first items: the per-entry arrays of a
    // store opened for shards are not verified when it is opened.
    let offset = store::section_offset(&path, "item_records").unwrap();
    let mut bytes = std::fs::read(&path).unwrap();
    for k in [10usize, 50, 90] {
        let at = offset as usize + 4 * k;
        bytes[at..at + 4].copy_from_slice(&(u32::MAX - 7).to_le_bytes());
    }
    std::fs::write(&path, bytes).unwrap();
    assert!(
        store::open(&path).is_err(),
        "a full open verifies everything"
    );
    let corrupt = Arc::new(store::open_for_shards(&path).unwrap());
    assert!(!corrupt.indices_verified());

    let err = linkage::attack(
        &corrupt,
        &aux,
        None,
        &AttackParams::defaults(),
        &Executor::Local,
        &AttackOptions::default(),
    )
    .unwrap_err();
    assert!(
        matches!(err, deanon::Error::Corrupt(_))
            && err.to_string().contains("out of order or out of range"),
        "{err}"
    );
    // The kernels take only checked shards: a shard whose postings hold a corrupt record index
    // is refused, and so is a range outside the release.
    let n = corrupt.num_records() as u32;
    assert!(CheckedShard::whole(&corrupt).is_err());
    assert!(
        CheckedShard::new(
            &corrupt,
            Shard {
                start: 0,
                end: n + 1
            }
        )
        .is_err()
    );
    // The same store, intact, opened for shards: its shards check out.
    store::save(&data, &path).unwrap();
    let intact = store::open_for_shards(&path).unwrap();
    assert!(CheckedShard::new(&intact, Shard { start: 512, end: n }).is_ok());
}
