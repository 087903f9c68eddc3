//! Tests that span the kernel's parts: the scatter and both passes at every instruction set,
//! the stash against the accumulator, and the statistics against direct computations.

use super::first_pass::{summarize_and_pack_at, summary_pass};
use super::lanes::LANES;
use super::second_pass::{spread_pass, spread_stash_pass};
use super::simd::Simd;
use super::*;
use crate::attack::partial::{Spread, Summary, to_fixed};
use crate::attack::shard::{BLOCK, CheckedShard, Shard};
use crate::dataset::{NO_DAY, NO_RATING};

/// The inputs of the tests that compare vector levels: a 3,000-person data set of `preset` and
/// 12 aux records of 6 facts, plus the first with every fact lacking its rating, its day or both
/// (every kind of term).
pub(super) fn level_inputs(
    preset: crate::dataset::generate::Preset,
) -> (crate::dataset::Dataset, Vec<crate::attack::Query>) {
    use crate::attack::query::{self, QueryFact};
    use crate::auxiliary::sampler::{self, AuxParams};
    use crate::dataset::generate::{GenerateParams, generate};
    let data = generate(&GenerateParams::new(preset).users(3000).seed(5)).unwrap();
    let aux = sampler::sample(
        &data,
        &AuxParams {
            targets: 12,
            items: 6,
            date_error: 14,
            seed: 3,
            ..AuxParams::default()
        },
        None,
    )
    .unwrap()
    .records;
    let mut queries = query::resolve(&data, &aux, None);
    let lacking = |f: fn(&mut QueryFact)| {
        let mut q = queries[0].clone();
        q.facts.iter_mut().for_each(f);
        q
    };
    let more = [
        lacking(|f| f.rating = NO_RATING),
        lacking(|f| f.day = NO_DAY),
        lacking(|f| (f.rating, f.day) = (NO_RATING, NO_DAY)),
    ];
    queries.extend(more);
    (data, queries)
}

/// Every instruction set the CPU has scatters, summarizes and spreads to the same bits,
/// whatever the tiling and wherever the shard starts: on ratings, with aux facts lacking
/// the rating, the day or both (every kind of term), and on view logs.
#[test]
fn every_simd_level_gives_the_same_bits() {
    use crate::attack::algorithm::for_each_tile;
    use crate::dataset::generate::Preset;
    let levels: Vec<Simd> = Simd::supported().collect();
    for preset in [Preset::NetflixLike, Preset::ViewsLike] {
        let (data, queries) = level_inputs(preset);
        let ctx = RhContext::new(&data, 1.5, 30.0);
        let n = data.num_records() as u32;
        let shards = [
            CheckedShard::whole(&data).unwrap(),
            CheckedShard::new(
                &data,
                Shard {
                    start: 1024,
                    end: n - 5,
                },
            )
            .unwrap(),
        ];
        for shard in shards {
            for q in &queries {
                let mut first = None;
                for &level in &levels {
                    for tile in [BLOCK, 1 << 30] {
                        let mut acc = vec![0f32; shard.len()];
                        let mut scatter = RhScatter::new(&data, &ctx, q, shard);
                        scatter.level = level;
                        let tiles: Vec<_> = shard.tiles(tile).collect();
                        for_each_tile(&tiles, &mut acc, |t, part| scatter.tile(t, part));
                        let start = shard.shard().start;
                        let scores: Vec<u32> = acc.iter().map(|v| v.to_bits()).collect();
                        let summary = summary_pass(level, &acc, start);
                        // The stashed order: each tile packed and stashed.
                        let mut tiled = acc.clone();
                        let mut stashed = Vec::new();
                        let mut summaries = Vec::new();
                        for_each_tile(&tiles, &mut tiled, |t, part| {
                            let stash = Some(&mut stashed);
                            summaries.push(summarize_and_pack_at(level, part, t.shard(), stash));
                        });
                        assert!(tiled.iter().all(|&v| v == 0.0), "stashing resets");
                        assert_eq!(Summary::merge_all(summaries), summary);
                        assert_eq!(
                            summarize_and_pack_at(level, &mut acc, shard.shard(), None),
                            summary
                        );
                        let inv = (1.0 / summary.sigma().max(1e-3)) as f32;
                        let spread = spread_pass(level, &mut acc, summary.best, inv);
                        assert!(acc.iter().all(|&v| v == 0.0), "reset");
                        let from_stash =
                            spread_stash_pass(level, &stashed, shard.len(), summary.best, inv);
                        assert_eq!(from_stash, spread, "{level:?} tile {tile}");
                        assert!(scores.iter().any(|&v| v != 0), "something scored");
                        let got = (scores, summary, spread);
                        match &first {
                            None => first = Some(got),
                            Some(want) => assert!(
                                *want == got,
                                "{preset:?} {level:?} tile {tile} shard {:?}",
                                shard.shard()
                            ),
                        }
                    }
                }
            }
        }
    }
}

/// The stash holds each block's packed vectors as the in-place second pass reads them,
/// whatever a block holds: nothing, whole vectors of scores (with and without room for a
/// vector of zeros after them), a full block, and a shard's short last block with scores
/// up to its end (in whole vectors and not).
#[test]
fn the_stash_gives_the_sums_of_the_accumulator() {
    let score = |k: usize| 0.25 + (k % 7) as f32 * 0.5;
    for (nonzero, last) in [
        ([0, 16, 496, 512, 37], (96, 96)),
        ([512, 512, 512, 512, 0], (100, 100)),
        ([5, 0, 512, 480, 1], (100, 96)),
        ([512, 512, 512, 512, 512], (1, 1)),
    ] {
        let (last_len, last_nonzero) = last;
        let mut acc = vec![0f32; nonzero.len() * BLOCK + last_len];
        let counts = nonzero.iter().copied().chain([last_nonzero]);
        for (block, n) in acc.chunks_mut(BLOCK).zip(counts) {
            // Scores spread through the block (packing moves them to its front).
            let len = block.len();
            for k in 0..n {
                block[(k * 7) % len] = score(k);
            }
            assert_eq!(block.iter().filter(|v| **v != 0.0).count(), n);
        }
        let shard = Shard {
            start: 0,
            end: acc.len() as u32,
        };
        for level in Simd::supported() {
            let mut a = acc.clone();
            let summary = summarize_and_pack_at(level, &mut a, shard, None);
            let mut stashed = Vec::new();
            let mut b = acc.clone();
            let stash = Some(&mut stashed);
            assert_eq!(summarize_and_pack_at(level, &mut b, shard, stash), summary);
            assert!(b.iter().all(|&v| v == 0.0), "stashing resets");
            assert_eq!(stashed.len() % LANES, 0, "whole vectors");
            let spread = spread_pass(level, &mut a, summary.best, 0.7);
            let got = spread_stash_pass(level, &stashed, acc.len(), summary.best, 0.7);
            assert_eq!(got, spread, "{nonzero:?} {last:?} {level:?}");
            let scored: usize = nonzero.iter().sum::<usize>() + last_nonzero;
            assert_eq!(got.zeros, (acc.len() - scored) as u64);
        }
    }
}

/// Both passes over one shard: (summary, entropy bits, top probability).
fn both_passes(acc: &mut [f32]) -> (Summary, f64, f64) {
    let shard = Shard {
        start: 0,
        end: acc.len() as u32,
    };
    let s = summarize(acc, shard);
    assert_eq!(summarize_and_pack(acc, shard), s);
    let inv = (1.0 / s.sigma()) as f32;
    let (z, zx) = spread(acc, s.best, inv).entropic_sums(s.best, inv);
    (s, (z.ln() - zx / z) / std::f64::consts::LN_2, 1.0 / z)
}

#[test]
fn top2_prefers_smaller_index_on_ties() {
    let mut acc = vec![0.0, 2.0, 1.0, 2.0];
    let (s, _, _) = both_passes(&mut acc);
    assert_eq!((s.best_record, s.best, s.second, s.tied), (1, 2.0, 2.0, 2));
    assert_eq!((s.sum, s.sum_squares), (to_fixed(5.0), to_fixed(9.0)));
    assert!(acc.iter().all(|&v| v == 0.0));
}

#[test]
fn entropy_matches_a_direct_computation() {
    // Scores spread over many blocks, the maximum late; then the same with most scores 0
    // (their terms in closed form), and with whole blocks of 0.
    let spread_out: Vec<f32> = (0..5000).map(|i| ((i * 37) % 101) as f32 / 50.0).collect();
    let mostly_zero: Vec<f32> = (0..5000)
        .map(|i| {
            if i % 7 == 3 {
                ((i * 37) % 101) as f32 / 50.0
            } else {
                0.0
            }
        })
        .collect();
    let zero_blocks: Vec<f32> = (0..5000)
        .map(|i| {
            if (1024..3000).contains(&i) {
                0.0
            } else {
                spread_out[i]
            }
        })
        .collect();
    // No score 0: every block packed full.
    let all_nonzero: Vec<f32> = (0..5000).map(|i| 1.0 + (i % 7) as f32 / 3.0).collect();
    for acc in [spread_out, mostly_zero, zero_blocks, all_nonzero] {
        entropy_matches(acc);
    }
}

fn entropy_matches(mut acc: Vec<f32>) {
    acc[4321] = 9.0;
    let scores: Vec<f64> = acc.iter().map(|&v| v as f64).collect();
    let n = scores.len() as f64;
    let mean = scores.iter().sum::<f64>() / n;
    let sigma = (scores.iter().map(|s| (s - mean).powi(2)).sum::<f64>() / n).sqrt();
    let z: f64 = scores.iter().map(|s| ((s - 9.0) / sigma).exp()).sum();
    let probs: Vec<f64> = scores
        .iter()
        .map(|s| ((s - 9.0) / sigma).exp() / z)
        .collect();
    assert!((probs.iter().sum::<f64>() - 1.0).abs() < 1e-12);
    let want: f64 = probs.iter().map(|q| -q * q.log2()).sum();
    let (s, entropy, top) = both_passes(&mut acc);
    assert_eq!(s.best_record, 4321);
    assert!((s.sigma() - sigma).abs() < 1e-6 * sigma);
    assert!(
        (top - probs[4321]).abs() < 1e-5 * probs[4321],
        "{top} vs {}",
        probs[4321]
    );
    assert!((entropy - want).abs() < 1e-5, "{entropy} vs {want}");
    assert!(acc.iter().all(|&v| v == 0.0));
}

#[test]
fn shards_merge_to_the_single_pass_bit_for_bit() {
    // About a third of the scores 0.
    let scores: Vec<f32> = (0..7000u32)
        .map(|i| ((i.wrapping_mul(2_654_435_761) >> 7) % 1000) as f32 / 137.0)
        .map(|v| if v < 2.5 { 0.0 } else { v })
        .collect();
    let mut whole = scores.clone();
    let (single, _, _) = both_passes(&mut whole);
    for cuts in [
        vec![0, 7000],
        vec![0, 512, 7000],
        vec![0, 1024, 1536, 6656, 7000],
    ] {
        let shards: Vec<Shard> = cuts
            .windows(2)
            .map(|w| Shard {
                start: w[0],
                end: w[1],
            })
            .collect();
        let part_of = |s: &Shard| scores[s.start as usize..s.end as usize].to_vec();
        let parts: Vec<Summary> = shards
            .iter()
            .map(|s| summarize(&scores[s.start as usize..s.end as usize], *s))
            .collect();
        let merged = Summary::merge_all(parts);
        assert_eq!(merged, single, "{cuts:?}");
        let inv = (1.0 / merged.sigma()) as f32;
        let spreads = Spread::merge_all(shards.iter().map(|s| {
            let mut part = scores[s.start as usize..s.end as usize].to_vec();
            assert_eq!(
                summarize_and_pack(&mut part, *s),
                summarize(&part_of(s), *s)
            );
            spread(&mut part, merged.best, inv)
        }));
        let mut again = scores.clone();
        summarize_and_pack(
            &mut again,
            Shard {
                start: 0,
                end: 7000,
            },
        );
        assert_eq!(spreads, spread(&mut again, single.best, inv), "{cuts:?}");
        assert!(again.iter().all(|&v| v == 0.0));
    }
}
