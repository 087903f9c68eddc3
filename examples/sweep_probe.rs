//! A probe of a kernel with no work in N (issue 13's second target): after the scatter, a
//! second sweep over the aux record's postings, facts last first, takes each scored record's
//! final score once (the first time the sweep meets it), adds its entropic terms and zeroes it,
//! so that neither the statistics nor the reset visit the records nobody touched. (Sigma's sums
//! would be telescoped in the scatter; not probed here, so this is a lower bound on such a
//! kernel's cost.) The sweep's sums are plain f32 (an exact kernel would convert each term to
//! fixed point): again a lower bound.
//!
//! Each round times, per aux record: the scatter alone (tile by tile, as the scorer runs it),
//! the scatter followed by the sweep, and today's whole kernel (the scatter and the two passes
//! over the N records); the sweep's cost is the difference of the first two.
//!
//! ```text
//! cargo run --release --example sweep_probe -- SMALL_STORE LARGE_STORE [ROUNDS]
//! ```
//!
//! `DEANON_SIMD=avx2` makes the scatter scalar; the sweep follows the same level (AVX-512
//! gathers and scatters where the scatter uses them, a scalar loop otherwise: a fallback that
//! takes the standard library's exp() of every posting, not tuned, and no lower bound). Ratings
//! stores only: a view log's postings may name a record twice.
//!
//! Both stores are timed round by round, interleaved, and the ratios are taken within a round.
//! The README's "Why the second target cannot be met" reports what it measured: the sweep is
//! slower than today's two passes over the N records at both sizes and grows no slower.

mod common;

use std::hint::black_box;
use std::time::Instant;

use common::{Setup, median};
use deanon::attack::CheckedShard;
use deanon::attack::algorithm::{TILE, for_each_tile};
use deanon::attack::kernel::simd::{self, Simd};
use deanon::attack::kernel::{RhContext, RhScatter};
use deanon::dataset::DatasetKind;

/// The sweep, scalar: returns the sums of exp(x) and x exp(x) and the records taken.
fn sweep_scalar(keys: &[&[u32]], acc: &mut [f32], reference: f32, inv: f32) -> (f32, f32, u32) {
    let (mut z, mut zx, mut taken) = (0f32, 0f32, 0u32);
    for keys in keys.iter().rev() {
        for &r in *keys {
            let v = acc[r as usize];
            let x = (v - reference) * inv;
            let e = x.exp();
            let keep = v != 0.0;
            z += if keep { e } else { 0.0 };
            zx += if keep { x * e } else { 0.0 };
            taken += keep as u32;
            acc[r as usize] = 0.0;
        }
    }
    (z, zx, taken)
}

/// The sweep with AVX-512: 16 postings at a time, scores gathered, zeros scattered (an item's
/// postings name distinct records).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
unsafe fn sweep_avx512(
    keys: &[&[u32]],
    acc: &mut [f32],
    reference: f32,
    inv: f32,
) -> (f32, f32, u32) {
    use std::arch::x86_64::*;
    let base = acc.as_mut_ptr();
    let mut z = _mm512_setzero_ps();
    let mut zx = _mm512_setzero_ps();
    let mut taken = 0u32;
    let (rf, iv) = (_mm512_set1_ps(reference), _mm512_set1_ps(inv));
    let c = |v: f32| _mm512_set1_ps(v);
    for keys in keys.iter().rev() {
        for chunk in keys.chunks(16) {
            let lanes: __mmask16 = if chunk.len() == 16 {
                0xffff
            } else {
                (1u32 << chunk.len()) as u16 - 1
            };
            // SAFETY: the lanes read are within the chunk; every key is below acc.len().
            unsafe {
                let idx = _mm512_maskz_loadu_epi32(lanes, chunk.as_ptr() as *const i32);
                let v = _mm512_mask_i32gather_ps::<4>(
                    _mm512_setzero_ps(),
                    lanes,
                    idx,
                    base as *const f32,
                );
                let keep = _mm512_mask_cmp_ps_mask::<_CMP_NEQ_OQ>(lanes, v, _mm512_setzero_ps());
                let x = _mm512_mul_ps(_mm512_sub_ps(v, rf), iv);
                let x = _mm512_min_ps(_mm512_max_ps(x, c(-87.0)), c(0.0));
                let n = _mm512_cvttps_epi32(_mm512_sub_ps(
                    _mm512_mul_ps(x, c(std::f32::consts::LOG2_E)),
                    c(0.5),
                ));
                let nf = _mm512_cvtepi32_ps(n);
                let r = _mm512_sub_ps(
                    _mm512_sub_ps(x, _mm512_mul_ps(nf, c(0.693_145_75))),
                    _mm512_mul_ps(nf, c(1.428_606_8e-6)),
                );
                let mut p = c(1.0 / 5040.0);
                for k in [
                    1.0 / 720.0,
                    1.0 / 120.0,
                    1.0 / 24.0,
                    1.0 / 6.0,
                    0.5,
                    1.0,
                    1.0,
                ] {
                    p = _mm512_fmadd_ps(p, r, c(k));
                }
                let scale = _mm512_castsi512_ps(_mm512_slli_epi32::<23>(_mm512_add_epi32(
                    n,
                    _mm512_set1_epi32(127),
                )));
                let e = _mm512_mul_ps(p, scale);
                z = _mm512_mask_add_ps(z, keep, z, e);
                zx = _mm512_mask_add_ps(zx, keep, zx, _mm512_mul_ps(x, e));
                taken += keep.count_ones();
                _mm512_mask_i32scatter_ps::<4>(base, keep, idx, _mm512_setzero_ps());
            }
        }
    }
    (_mm512_reduce_add_ps(z), _mm512_reduce_add_ps(zx), taken)
}

fn sweep(
    level: Simd,
    keys: &[&[u32]],
    acc: &mut [f32],
    reference: f32,
    inv: f32,
) -> (f32, f32, u32) {
    #[cfg(target_arch = "x86_64")]
    if level == Simd::Avx512 {
        // SAFETY: the CPU has AVX-512F (the level).
        return unsafe { sweep_avx512(keys, acc, reference, inv) };
    }
    let _ = level;
    sweep_scalar(keys, acc, reference, inv)
}

/// The sweep tile by tile, the last tile first (where the scatter left it in the cache): each
/// tile's postings of every fact, facts last first.
fn sweep_tiled(
    level: Simd,
    tiles: &[CheckedShard],
    keys: &[&[u32]],
    acc: &mut [f32],
    reference: f32,
    inv: f32,
) -> (f32, f32, u32) {
    let mut ends: Vec<usize> = keys.iter().map(|k| k.len()).collect();
    let (mut z, mut zx, mut taken) = (0f32, 0f32, 0u32);
    let mut parts: Vec<&[u32]> = Vec::with_capacity(keys.len());
    for tile in tiles.iter().rev() {
        parts.clear();
        for (k, end) in keys.iter().zip(ends.iter_mut()) {
            let from = k[..*end].partition_point(|&r| r < tile.shard().start);
            parts.push(&k[from..*end]);
            *end = from;
        }
        let out = sweep(level, &parts, acc, reference, inv);
        z += out.0;
        zx += out.1;
        taken += out.2;
    }
    (z, zx, taken)
}

/// One store ready to be probed.
struct Probe {
    s: Setup,
    context: RhContext,
    tiles: Vec<CheckedShard>,
    /// Each aux record's reference (best score) and 1 / sigma, computed once, outside the
    /// timing.
    scales: Vec<(f32, f32)>,
    /// Records the sweep took per aux record.
    scored: f64,
}

/// What a row of the table reads from a round.
type Measure = fn(&Round) -> f64;

/// One round's milliseconds per aux record.
struct Round {
    scatter: f64,
    swept: f64,
    swept_tiled: f64,
    kernel: f64,
}

impl Probe {
    fn open(path: &str) -> Probe {
        let mut s = Setup::open(path);
        assert_eq!(
            s.data.kind(),
            DatasetKind::Ratings,
            "{path}: a ratings store"
        );
        let context = RhContext::new(&s.data, 1.5, 30.0);
        let tiles: Vec<CheckedShard> = s.shard.tiles(TILE).collect();
        let mut scales = Vec::new();
        for q in &s.queries {
            let mut scatter = RhScatter::new(&s.data, &context, q, s.shard);
            for_each_tile(&tiles, &mut s.acc, |tile, part| scatter.tile(tile, part));
            let n = s.acc.len() as f64;
            let best = s.acc.iter().copied().fold(0f32, f32::max);
            let mean = s.acc.iter().map(|&v| v as f64).sum::<f64>() / n;
            let var = s
                .acc
                .iter()
                .map(|&v| (v as f64 - mean).powi(2))
                .sum::<f64>()
                / n;
            scales.push((best, (1.0 / var.sqrt()) as f32));
            s.acc.fill(0.0);
        }
        Probe {
            s,
            context,
            tiles,
            scales,
            scored: 0.0,
        }
    }

    fn round(&mut self, level: Simd) -> Round {
        let Probe {
            s,
            context,
            tiles,
            scales,
            scored,
        } = self;
        let n = s.queries.len() as f64;
        let keys: Vec<Vec<&[u32]>> = s
            .queries
            .iter()
            .map(|q| {
                q.facts
                    .iter()
                    .map(|f| s.data.postings(f.item).keys)
                    .collect()
            })
            .collect();
        let start = Instant::now();
        for q in &s.queries {
            let mut scatter = RhScatter::new(&s.data, context, q, s.shard);
            for_each_tile(tiles, &mut s.acc, |tile, part| scatter.tile(tile, part));
            black_box(&mut s.acc);
        }
        let scatter = start.elapsed().as_secs_f64() / n * 1e3;
        // Not reset by the scatter alone: reset outside the timing.
        s.acc.fill(0.0);
        let mut swept = [0.0; 2];
        for (tiled, time) in swept.iter_mut().enumerate() {
            let start = Instant::now();
            let mut taken = 0u64;
            for (k, q) in s.queries.iter().enumerate() {
                let mut scatter = RhScatter::new(&s.data, context, q, s.shard);
                for_each_tile(tiles, &mut s.acc, |tile, part| scatter.tile(tile, part));
                let (reference, inv) = scales[k];
                let out = if tiled == 1 {
                    sweep_tiled(level, tiles, &keys[k], &mut s.acc, reference, inv)
                } else {
                    sweep(level, &keys[k], &mut s.acc, reference, inv)
                };
                taken += out.2 as u64;
                black_box(out);
            }
            *time = start.elapsed().as_secs_f64() / n * 1e3;
            *scored = taken as f64 / n;
            assert!(s.acc.iter().all(|&v| v == 0.0), "the sweep resets");
        }
        let start = Instant::now();
        for (k, q) in s.queries.iter().enumerate() {
            black_box(s.scorer.score_alone(&s.data, k, q, &mut s.acc));
        }
        let kernel = start.elapsed().as_secs_f64() / n * 1e3;
        Round {
            scatter,
            swept: swept[0],
            swept_tiled: swept[1],
            kernel,
        }
    }
}

fn main() {
    let (small, large, rounds) = common::two_stores_and_rounds("sweep_probe", 11);
    let level = simd::level();
    let mut probes = [Probe::open(&small), Probe::open(&large)];
    let mut times: [Vec<Round>; 2] = [Vec::new(), Vec::new()];
    for _ in 0..rounds {
        for (probe, times) in probes.iter_mut().zip(&mut times) {
            times.push(probe.round(level));
        }
    }
    println!("level {level:?}, {rounds} rounds; medians, ms per aux record; ratio within a round");
    for probe in &probes {
        println!(
            "  {} records: {:.0} scored per aux record",
            probe.s.data.num_records(),
            probe.scored
        );
    }
    let rows: [(&str, Measure); 6] = [
        ("the scatter (tiled, no reset)", |r| r.scatter),
        ("today's kernel", |r| r.kernel),
        ("  its two passes over N", |r| r.kernel - r.scatter),
        ("the scatter, then the sweep", |r| r.swept),
        ("the scatter, then the tiled sweep", |r| r.swept_tiled),
        ("  the tiled sweep", |r| r.swept_tiled - r.scatter),
    ];
    for (name, f) in rows {
        let ms = |t: &[Round]| median(t.iter().map(f).collect());
        let ratio = median(
            times[0]
                .iter()
                .zip(&times[1])
                .map(|(a, b)| f(b) / f(a))
                .collect(),
        );
        println!(
            "{name:<36} {:.3} -> {:.3}  x{ratio:.3}",
            ms(&times[0]),
            ms(&times[1])
        );
    }
}
