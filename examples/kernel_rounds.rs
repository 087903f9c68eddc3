//! The kernel benches' measurements interleaved round by round, for a machine whose speed
//! drifts: each round times the plain pass, the Scoreboard-RH scatter alone, the scatter plus
//! the first pass, and the whole Scoreboard-RH kernel over the same aux records (those of
//! `benches/attack.rs`), stashed as the attack runs it and over a whole-release accumulator,
//! and the ratios are taken within a round.
//!
//! ```text
//! cargo run --release --example kernel_rounds -- STORE [ROUNDS]
//! ```
//!
//! Prints, per measurement, the minimum and median time of a round, and the median over rounds
//! of the plain pass's time divided by each (the "of the plain pass" figures of
//! docs/performance.md).

mod common;

use std::hint::black_box;
use std::time::Instant;

use deanon::attack::kernel::{self, RhContext};

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(path) = args.next() else {
        eprintln!("usage: kernel_rounds STORE [ROUNDS]");
        std::process::exit(2);
    };
    let rounds: usize = args
        .next()
        .map_or(21, |r| r.parse().expect("ROUNDS: a number"));
    let common::Setup {
        data,
        queries,
        shard,
        scorer,
        mut acc,
        postings,
    } = common::Setup::open(&path);
    let context = RhContext::new(&data, 1.5, 30.0);
    let names = [
        "plain-pass",
        "scoreboard-rh-scatter-only",
        "scatter + first pass",
        "scoreboard-rh",
        "scoreboard-rh, whole accumulator",
    ];
    let mut space = scorer.workspace();
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
                black_box(scorer.score_stashed(&data, k, q, &mut space));
            }
        });
        time(4, &mut || {
            for (k, q) in queries.iter().enumerate() {
                black_box(scorer.score_alone(&data, k, q, &mut acc));
            }
        });
    }
    println!(
        "{} records, {} aux records, {postings} postings, {rounds} rounds",
        data.num_records(),
        queries.len()
    );
    for (k, name) in names.iter().enumerate() {
        let min = times[k].iter().copied().fold(f64::INFINITY, f64::min);
        let ratio = common::median((0..rounds).map(|i| times[0][i] / times[k][i]).collect());
        println!(
            "{name:<32} min {min:7.1} ms  median {:7.1} ms  of the plain pass {ratio:.3}",
            common::median(times[k].clone())
        );
    }
}
