//! Time per aux record on two releases, interleaved round by round: does the Scoreboard-RH
//! kernel's cost grow with the postings an aux record reads, not with N? Each round runs the
//! plain pass and the whole Scoreboard-RH kernel over the aux records of `benches/attack.rs`
//! drawn from each release, and the kernel's phases apart (the scatter tile by tile, then with
//! the first pass; the second pass is the whole kernel less those); the ratios are taken within
//! a round.
//!
//! ```text
//! cargo run --release --example scaling_rounds -- SMALL_STORE LARGE_STORE [ROUNDS]
//! ```

mod common;

use std::hint::black_box;
use std::time::Instant;

use common::{Setup, median};
use deanon::attack::CheckedShard;
use deanon::attack::algorithm::{TILE, for_each_tile};
use deanon::attack::kernel::{self, RhContext, RhScatter};

/// One round's seconds per aux record.
struct Round {
    plain: f64,
    /// Scoreboard-RH's scatter alone, tile by tile as the scorer runs it (its reset, a memset
    /// timed apart, taken out).
    scatter: f64,
    /// The scatter and the first pass, tile by tile (the reset taken out).
    first: f64,
    /// The whole kernel over a whole-release accumulator.
    rh: f64,
    /// The whole kernel in a tile-sized accumulator with a stash, as the attack runs it.
    stashed: f64,
}

/// One phase's time in a round.
type Phase = fn(&Round) -> f64;

fn round(s: &mut Setup, context: &RhContext) -> Round {
    let n = s.queries.len() as f64;
    let tiles: Vec<CheckedShard> = s.shard.tiles(TILE).collect();
    let mut time = |run: &mut dyn FnMut(&mut Setup)| {
        let start = Instant::now();
        run(s);
        start.elapsed().as_secs_f64() / n
    };
    let plain = time(&mut |s| {
        for q in &s.queries {
            kernel::plain_pass(&s.data, q, &mut s.acc);
            s.acc.fill(0.0);
        }
    });
    let reset = time(&mut |s| {
        for _ in &s.queries {
            s.acc.fill(0.0);
            black_box(&mut s.acc);
        }
    });
    let tiled = |s: &mut Setup, first_pass: bool| {
        for q in &s.queries {
            let mut scatter = RhScatter::new(&s.data, context, q, s.shard);
            for_each_tile(&tiles, &mut s.acc, |tile, part| {
                scatter.tile(tile, part);
                if first_pass {
                    black_box(kernel::summarize_and_pack(part, tile.shard()));
                }
            });
            s.acc.fill(0.0);
        }
    };
    let scatter = time(&mut |s| tiled(s, false)) - reset;
    let first = time(&mut |s| tiled(s, true)) - reset;
    let rh = time(&mut |s| {
        for (k, q) in s.queries.iter().enumerate() {
            black_box(s.scorer.score_alone(&s.data, k, q, &mut s.acc));
        }
    });
    let stashed = time(&mut |s| {
        let mut space = s.scorer.workspace();
        for (k, q) in s.queries.iter().enumerate() {
            black_box(s.scorer.score_stashed(&s.data, k, q, &mut space));
        }
    });
    Round {
        plain,
        scatter,
        first,
        rh,
        stashed,
    }
}

fn main() {
    let (small, large, rounds) = common::two_stores_and_rounds("scaling_rounds", 15);
    let mut small = Setup::open(&small);
    let mut large = Setup::open(&large);
    let per_aux = |s: &Setup| s.postings as f64 / s.queries.len() as f64;
    println!(
        "records {} -> {}; postings per aux record {:.0} -> {:.0} (x{:.3}); {rounds} rounds",
        small.data.num_records(),
        large.data.num_records(),
        per_aux(&small),
        per_aux(&large),
        per_aux(&large) / per_aux(&small)
    );
    let small_context = RhContext::new(&small.data, 1.5, 30.0);
    let large_context = RhContext::new(&large.data, 1.5, 30.0);
    // Records an aux record gives a nonzero score: the least the passes must visit (each
    // enters sigma's sums and the entropic sums by its own value).
    let scored = |s: &mut Setup, context: &RhContext| {
        let mut scored = 0usize;
        for q in &s.queries {
            kernel::scatter_rh(&s.data, context, q, s.shard, &mut s.acc);
            scored += s.acc.iter().filter(|v| **v != 0.0).count();
            s.acc.fill(0.0);
        }
        scored as f64 / s.queries.len() as f64
    };
    let (scored_small, scored_large) = (
        scored(&mut small, &small_context),
        scored(&mut large, &large_context),
    );
    println!(
        "records scored (nonzero) per aux record {scored_small:.0} -> {scored_large:.0} (x{:.3})",
        scored_large / scored_small
    );
    let mut rounds_small = Vec::new();
    let mut rounds_large = Vec::new();
    for _ in 0..rounds {
        rounds_small.push(round(&mut small, &small_context));
        rounds_large.push(round(&mut large, &large_context));
    }
    let pairs = || rounds_small.iter().zip(&rounds_large);
    let ratio = |f: Phase| median(pairs().map(|(s, l)| f(l) / f(s)).collect());
    let ms = |rounds: &[Round], f: Phase| median(rounds.iter().map(f).collect()) * 1e3;
    println!(
        "scoreboard-rh, whole accumulator: median {:.3} ms -> {:.3} ms; ratio within a round: median x{:.3}",
        ms(&rounds_small, |r| r.rh),
        ms(&rounds_large, |r| r.rh),
        ratio(|r| r.rh)
    );
    println!(
        "scoreboard-rh stashed (the attack's): median {:.3} ms -> {:.3} ms; ratio within a round: median x{:.3}",
        ms(&rounds_small, |r| r.stashed),
        ms(&rounds_large, |r| r.stashed),
        ratio(|r| r.stashed)
    );
    println!(
        "plain pass per aux record: ratio within a round: median x{:.3}",
        ratio(|r| r.plain)
    );
    let phases: [(&str, Phase); 3] = [
        ("scatter (tiled)", |r| r.scatter),
        ("first pass", |r| r.first - r.scatter),
        ("second pass", |r| r.rh - r.first),
    ];
    for (name, f) in phases {
        println!(
            "  {name:<16} median {:.3} ms -> {:.3} ms; ratio within a round: median x{:.3}",
            ms(&rounds_small, f),
            ms(&rounds_large, f),
            ratio(f)
        );
    }
}
