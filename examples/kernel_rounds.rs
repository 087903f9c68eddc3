//! The kernel benches' measurements interleaved round by round, for a machine whose speed
//! drifts: each round times the plain pass, the Scoreboard-RH scatter alone, the scatter plus
//! the first pass, and the whole Scoreboard-RH kernel over the same 200 aux records (8 facts,
//! dates +-14 days, seed 1, as `benches/attack.rs`), and the ratios are taken within a round.
//!
//! ```text
//! cargo run --release --example kernel_rounds -- STORE [ROUNDS]
//! ```
//!
//! Prints, per measurement, the minimum and median time of a round, and the median over rounds
//! of the plain pass's time divided by each (the "of the plain pass" figures of the README).

use std::hint::black_box;
use std::time::Instant;

use deanon::attack::kernel::{self, RhContext};
use deanon::attack::{AttackParams, CheckedShard, ReleaseStats, Scorer, query};
use deanon::auxiliary::sampler::{self, AuxParams};

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(path) = args.next() else {
        eprintln!("usage: kernel_rounds STORE [ROUNDS]");
        std::process::exit(2);
    };
    let rounds: usize = args
        .next()
        .map_or(21, |r| r.parse().expect("ROUNDS: a number"));
    let data = deanon::dataset::store::open(std::path::Path::new(&path)).expect("a store");
    let params = AuxParams {
        targets: 200,
        items: 8,
        date_error: 14,
        seed: 1,
        ..AuxParams::default()
    };
    let aux = sampler::sample(&data, &params, None).expect("aux").records;
    let queries = query::resolve(&data, &aux, None);
    let postings: usize = queries
        .iter()
        .flat_map(|q| &q.facts)
        .map(|f| data.postings(f.item).len())
        .sum();
    let context = RhContext::new(&data, 1.5, 30.0);
    let shard = CheckedShard::whole(&data).expect("a verified store");
    let scorer = Scorer::new(
        &data,
        &AttackParams::defaults(),
        &ReleaseStats::of(&data),
        shard,
    );
    let mut acc = vec![0f32; data.num_records()];
    let names = [
        "plain-pass",
        "scoreboard-rh-scatter-only",
        "scatter + first pass",
        "scoreboard-rh",
    ];
    let mut times: Vec<Vec<f64>> = vec![Vec::new(); names.len()];
    for _ in 0..rounds {
        let mut time = |k: usize, run: &mut dyn FnMut()| {
            let start = Instant::now();
            run();
            times[k].push(start.elapsed().as_secs_f64() * 1e3);
        };
        time(0, &mut || {
            for q in &queries {
                kernel::plain_pass(&data, q, &mut acc);
                acc.fill(0.0);
            }
        });
        time(1, &mut || {
            for q in &queries {
                kernel::scatter_rh(&data, &context, q, shard, &mut acc);
                acc.fill(0.0);
            }
        });
        time(2, &mut || {
            for q in &queries {
                kernel::scatter_rh(&data, &context, q, shard, &mut acc);
                black_box(kernel::summarize_and_pack(&mut acc, shard.shard()));
                acc.fill(0.0);
            }
        });
        time(3, &mut || {
            for (k, q) in queries.iter().enumerate() {
                black_box(scorer.score_alone(&data, k, q, &mut acc));
            }
        });
    }
    let median = |mut v: Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    println!(
        "{} records, {} aux records, {postings} postings, {rounds} rounds",
        data.num_records(),
        queries.len()
    );
    for (k, name) in names.iter().enumerate() {
        let min = times[k].iter().copied().fold(f64::INFINITY, f64::min);
        let ratio = median((0..rounds).map(|i| times[0][i] / times[k][i]).collect());
        println!(
            "{name:<28} min {min:7.1} ms  median {:7.1} ms  of the plain pass {ratio:.3}",
            median(times[k].clone())
        );
    }
}
