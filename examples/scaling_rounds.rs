//! Time per aux record on two releases, interleaved round by round: does the Scoreboard-RH
//! kernel's cost grow with the postings an aux record reads, not with N? Each round runs the
//! plain pass and the whole Scoreboard-RH kernel over the aux records of `benches/attack.rs`
//! drawn from each release; the ratios are taken within a round.
//!
//! ```text
//! cargo run --release --example scaling_rounds -- SMALL_STORE LARGE_STORE [ROUNDS]
//! ```

mod common;

use std::hint::black_box;
use std::time::Instant;

use common::{Setup, median};
use deanon::attack::kernel;

/// (plain pass, Scoreboard-RH) seconds per aux record.
fn round(s: &mut Setup) -> (f64, f64) {
    let n = s.queries.len() as f64;
    let start = Instant::now();
    for q in &s.queries {
        kernel::plain_pass(&s.data, q, &mut s.acc);
        s.acc.fill(0.0);
    }
    let plain = start.elapsed().as_secs_f64() / n;
    let start = Instant::now();
    for (k, q) in s.queries.iter().enumerate() {
        black_box(s.scorer.score_alone(&s.data, k, q, &mut s.acc));
    }
    (plain, start.elapsed().as_secs_f64() / n)
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.len() < 2 {
        eprintln!("usage: scaling_rounds SMALL_STORE LARGE_STORE [ROUNDS]");
        std::process::exit(2);
    }
    let rounds: usize = args
        .get(2)
        .map_or(15, |r| r.parse().expect("ROUNDS: a number"));
    let mut small = Setup::open(&args[0]);
    let mut large = Setup::open(&args[1]);
    let per_aux = |s: &Setup| s.postings as f64 / s.queries.len() as f64;
    println!(
        "records {} -> {}; postings per aux record {:.0} -> {:.0} (x{:.3}); {rounds} rounds",
        small.data.num_records(),
        large.data.num_records(),
        per_aux(&small),
        per_aux(&large),
        per_aux(&large) / per_aux(&small)
    );
    let (mut plain, mut rh) = (Vec::new(), Vec::new());
    let (mut small_rh, mut large_rh) = (Vec::new(), Vec::new());
    for _ in 0..rounds {
        let (ps, rs) = round(&mut small);
        let (pl, rl) = round(&mut large);
        plain.push(pl / ps);
        rh.push(rl / rs);
        small_rh.push(rs * 1e3);
        large_rh.push(rl * 1e3);
    }
    println!(
        "scoreboard-rh per aux record: median {:.3} ms -> {:.3} ms; ratio within a round: median x{:.3}",
        median(small_rh),
        median(large_rh),
        median(rh)
    );
    println!(
        "plain pass per aux record: ratio within a round: median x{:.3}",
        median(plain)
    );
}
