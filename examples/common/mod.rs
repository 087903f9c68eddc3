//! What the kernel timing examples share: a store, the bench's aux sample (200 targets, 8
//! facts, dates +-14 days, seed 1, as `benches/attack.rs`), and a Scoreboard-RH scorer with its
//! accumulator over the whole release.

// Each example uses a part of this.
#![allow(dead_code)]

use deanon::attack::{AttackParams, CheckedShard, Query, ReleaseStats, Scorer, query};
use deanon::auxiliary::sampler::{self, AuxParams};
use deanon::dataset::Dataset;

/// One release ready to be scored.
pub struct Setup {
    pub data: Dataset,
    pub queries: Vec<Query>,
    pub shard: CheckedShard,
    pub scorer: Scorer,
    pub acc: Vec<f32>,
    /// Postings read by all the aux records.
    pub postings: usize,
}

impl Setup {
    /// Opens the store at `path` and draws the aux sample.
    pub fn open(path: &str) -> Setup {
        let data = deanon::dataset::store::open(std::path::Path::new(path)).expect("a store");
        let params = AuxParams {
            targets: 200,
            items: 8,
            date_error: 14,
            seed: 1,
            ..AuxParams::default()
        };
        let aux = sampler::sample(&data, &params, None).expect("aux").records;
        let queries = query::resolve(&data, &aux, None);
        let postings = queries
            .iter()
            .flat_map(|q| &q.facts)
            .map(|f| data.postings(f.item).len())
            .sum();
        let shard = CheckedShard::whole(&data).expect("a verified store");
        let scorer = Scorer::new(
            &data,
            &AttackParams::defaults(),
            &ReleaseStats::of(&data),
            shard,
        );
        let acc = vec![0f32; data.num_records()];
        Setup {
            data,
            queries,
            shard,
            scorer,
            acc,
            postings,
        }
    }
}

/// The median of `v`.
pub fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// The command line of an example comparing two stores: `NAME SMALL_STORE LARGE_STORE
/// [ROUNDS]` (exits with a usage line when a store is missing).
pub fn two_stores_and_rounds(name: &str, default_rounds: usize) -> (String, String, usize) {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.len() < 2 {
        eprintln!("usage: {name} SMALL_STORE LARGE_STORE [ROUNDS]");
        std::process::exit(2);
    }
    let rounds = args
        .get(2)
        .map_or(default_rounds, |r| r.parse().expect("ROUNDS: a number"));
    (args[0].clone(), args[1].clone(), rounds)
}
