//! The scoring kernels: one aux record against every released record, into a dense per-worker
//! accumulator, followed by passes over the accumulator that produce the statistics and reset
//! it to zero.
//!
//! Scoreboard-RH (DESIGN.md section 4): for each fact on item i, every posting (record, rating,
//! day) of i adds wt(i) * sim, sim = exp(-|dr| / rho0) + exp(-|dd| / d0) (a term dropped when
//! the aux lacks the value; 1 when it lacks both). The exponentials come from tables indexed by
//! the difference (half stars, days). A released entry without a rating or date sits at the
//! sentinel value 255 / 65535, so far from any real value that its term is 0 to within f32.
//! For view logs, a record's postings of one item are consecutive, and only the best event
//! counts.
//!
//! After scattering: one pass for the sum, the sum of squares and the top two (ties: the smaller
//! record index stays first), then, knowing sigma, one pass for the entropic output
//! (Pr[r] proportional to exp(score / sigma), over all N records) that also zeroes the
//! accumulator. Sums run in record order in 8 fixed lanes, so they do not depend on threads.

use super::query::Query;
use crate::dataset::{Dataset, DatasetKind, NO_DAY, NO_RATING};

/// wt(i) = 1 / ln(max(supp(i), 2)) for every item of the release.
pub fn item_weights(release: &Dataset) -> Vec<f32> {
    release
        .supports()
        .iter()
        .map(|&s| (1.0 / (s.max(2) as f64).ln()) as f32)
        .collect()
}

/// Similarity lookup tables for Scoreboard-RH.
#[derive(Clone)]
pub struct RhTables {
    /// exp(-(d / 2) / rho0) for a difference of d half stars.
    rating: Vec<f32>,
    /// exp(-d / d0) for a difference of d days.
    day: Vec<f32>,
}

impl RhTables {
    /// Tables for `rho0` (stars) and `d0` (days).
    pub fn new(rho0: f64, d0: f64) -> Self {
        RhTables {
            rating: (0..256)
                .map(|d| (-(d as f64 / 2.0) / rho0).exp() as f32)
                .collect(),
            day: (0..65_536)
                .map(|d| (-(d as f64) / d0).exp() as f32)
                .collect(),
        }
    }
}

/// Statistics of one aux record's scores over all N records.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ScoreStats {
    /// Index of the best record (smallest index among ties).
    pub best_record: u32,
    /// Its score.
    pub best: f64,
    /// The second-best score (equal to `best` on a tie).
    pub second: f64,
    /// Population standard deviation of the scores over all N records.
    pub sigma: f64,
    /// Records whose score equals the best.
    pub tied_at_best: u64,
    /// Shannon entropy of the entropic output, bits.
    pub entropy_bits: f64,
    /// Probability of the best record under the entropic output.
    pub top_probability: f64,
}

/// Adds `weight * sim(k)` for every posting `k` into `acc[records[k]]` (views: the best event
/// of each record). Every record index must be below `acc.len()`: the builder and the store's
/// validation guarantee it for postings, and [`scatter_rh`] checks `acc.len()` is N.
#[inline(always)]
fn add_postings(
    records: &[u32],
    acc: &mut [f32],
    weight: f32,
    views: bool,
    sim: impl Fn(usize) -> f32,
) {
    if !views {
        for (k, &r) in records.iter().enumerate() {
            debug_assert!((r as usize) < acc.len());
            // SAFETY: r < N = acc.len() (see above); this is the hot loop of the attack, where
            // the bounds check cost a measured 10-15%.
            unsafe { *acc.get_unchecked_mut(r as usize) += weight * sim(k) };
        }
        return;
    }
    let mut k = 0;
    while k < records.len() {
        let r = records[k];
        let mut best = sim(k);
        k += 1;
        while k < records.len() && records[k] == r {
            best = best.max(sim(k));
            k += 1;
        }
        acc[r as usize] += weight * best;
    }
}

/// Table lookup without a bounds check: `d` is a difference of two u8 (u16) values, so it is
/// below 256 (65,536), the tables' lengths.
#[inline(always)]
fn lookup(table: &[f32], d: u32) -> f32 {
    debug_assert!((d as usize) < table.len());
    // SAFETY: see above; the tables are built with 256 and 65,536 entries.
    unsafe { *table.get_unchecked(d as usize) }
}

/// Adds one aux record's Scoreboard-RH scores into `acc` (which must be all zero, length N).
pub fn scatter_rh(
    release: &Dataset,
    weights: &[f32],
    tables: &RhTables,
    query: &Query,
    acc: &mut [f32],
) {
    let views = release.kind() == DatasetKind::Views;
    for fact in &query.facts {
        let postings = release.postings(fact.item);
        let weight = weights[fact.item as usize];
        let use_rating = fact.rating != NO_RATING;
        let use_day = fact.day != NO_DAY;
        let (ra, da) = (fact.rating as i32, fact.day as i32);
        let rt = &tables.rating;
        let dt = &tables.day;
        match (use_rating, use_day, postings.ratings, postings.days) {
            (true, true, Some(rs), Some(ds)) => {
                add_postings(postings.keys, acc, weight, views, |k| {
                    rt[(ra - rs[k] as i32).unsigned_abs() as usize]
                        + dt[(da - ds[k] as i32).unsigned_abs() as usize]
                })
            }
            (true, _, Some(rs), _) => add_postings(postings.keys, acc, weight, views, |k| {
                lookup(rt, (ra - rs[k] as i32).unsigned_abs())
            }),
            (_, true, _, Some(ds)) => add_postings(postings.keys, acc, weight, views, |k| {
                lookup(dt, (da - ds[k] as i32).unsigned_abs())
            }),
            // The aux has a value the release lacks entirely: that term is 0 for everyone.
            (true, _, None, _) | (_, true, _, None) => {}
            (false, false, _, _) => add_postings(postings.keys, acc, weight, views, |_| 1.0),
        }
    }
}

/// Scoreboard (Algorithm 1A) match counts: each record gains 1 per fact it matches within the
/// tolerances (`rating_tol` in half stars; dates ignored when the aux has none).
pub fn scatter_scoreboard(
    release: &Dataset,
    query: &Query,
    rating_tol: u32,
    date_tol: u32,
    acc: &mut [f32],
) {
    let views = release.kind() == DatasetKind::Views;
    for fact in &query.facts {
        let postings = release.postings(fact.item);
        let (ra, da) = (fact.rating as i32, fact.day as i32);
        let check_rating = fact.rating != NO_RATING;
        let check_day = fact.day != NO_DAY;
        let rs = postings.ratings;
        let ds = postings.days;
        add_postings(postings.keys, acc, 1.0, views, |k| {
            let rating_ok = !check_rating
                || rs.is_some_and(|rs| {
                    rs[k] != NO_RATING && (ra - rs[k] as i32).unsigned_abs() <= rating_tol
                });
            let day_ok = !check_day
                || ds.is_some_and(|ds| {
                    ds[k] != NO_DAY && (da - ds[k] as i32).unsigned_abs() <= date_tol
                });
            if rating_ok && day_ok { 1.0 } else { 0.0 }
        });
    }
}

const LANES: usize = 8;

/// Sum, sum of squares and top two of `acc`, in record order: (sum, sum of squares, best
/// index, best, second, records tied at best).
pub fn moments_and_top2(acc: &[f32]) -> (f64, f64, u32, f32, f32, u64) {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: AVX2 is present; same arithmetic either way.
        let (sum, sumsq) = unsafe { moments_avx2(acc) };
        return with_top2(acc, sum, sumsq);
    }
    let (sum, sumsq) = moments_lanes(acc);
    with_top2(acc, sum, sumsq)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn moments_avx2(acc: &[f32]) -> (f64, f64) {
    moments_lanes(acc)
}

#[inline(always)]
fn moments_lanes(acc: &[f32]) -> (f64, f64) {
    let (mut sum, mut sumsq) = (0f64, 0f64);
    for block in acc.chunks(BLOCK) {
        let mut bs = [0f32; LANES];
        let mut bq = [0f32; LANES];
        let chunks = block.chunks_exact(LANES);
        let tail = chunks.remainder();
        for c in chunks {
            for l in 0..LANES {
                bs[l] += c[l];
                bq[l] += c[l] * c[l];
            }
        }
        for (l, &v) in tail.iter().enumerate() {
            bs[l] += v;
            bq[l] += v * v;
        }
        sum += bs.iter().map(|&v| v as f64).sum::<f64>();
        sumsq += bq.iter().map(|&v| v as f64).sum::<f64>();
    }
    (sum, sumsq)
}

fn with_top2(acc: &[f32], sum: f64, sumsq: f64) -> (f64, f64, u32, f32, f32, u64) {
    let (mut best, mut best_idx, mut second) = (f32::NEG_INFINITY, 0u32, f32::NEG_INFINITY);
    for (r, &v) in acc.iter().enumerate() {
        if v > second {
            if v > best {
                second = best;
                best = v;
                best_idx = r as u32;
            } else {
                second = v;
            }
        }
    }
    let tied = if best == second {
        acc.iter().filter(|&&v| v == best).count() as u64
    } else {
        1
    };
    (sum, sumsq, best_idx, best, second, tied)
}

/// exp(x) for x <= 0 in f32 (relative error below 5e-7), written to vectorize: Cody-Waite
/// reduction x = n ln 2 + r with |r| <= ln 2 / 2, then a degree-7 Taylor polynomial for e^r.
#[inline(always)]
fn exp_nonpositive(x: f32) -> f32 {
    const LN2_HI: f32 = 0.693_145_75;
    const LN2_LO: f32 = 1.428_606_8e-6;
    let x = x.clamp(-87.0, 0.0);
    // x <= 0: truncating x / ln 2 - 0.5 rounds to nearest.
    // SAFETY: x is in [-87, 0], so the value is in [-126, -0.5]: finite and in i32's range
    // (the unchecked conversion is what lets this loop vectorize).
    let n: i32 = unsafe { (x * std::f32::consts::LOG2_E - 0.5).to_int_unchecked() };
    let nf = n as f32;
    let r = (x - nf * LN2_HI) - nf * LN2_LO;
    let p = 1.0
        + r * (1.0
            + r * (0.5
                + r * (1.0 / 6.0
                    + r * (1.0 / 24.0
                        + r * (1.0 / 120.0 + r * (1.0 / 720.0 + r * (1.0 / 5040.0)))))));
    p * f32::from_bits(((n + 127) as u32) << 23)
}

/// Entropic output over all N records, and resets `acc` to zero: returns (entropy in bits,
/// probability of the best record).
pub fn entropy_and_reset(acc: &mut [f32], best: f32, sigma: f64) -> (f64, f64) {
    if sigma <= 0.0 {
        acc.fill(0.0);
        let n = acc.len() as f64;
        return (n.log2(), 1.0 / n);
    }
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: the CPU supports AVX2 (checked just above). The same lane-wise arithmetic
        // runs either way, so the result is identical with and without it.
        return unsafe { entropy_and_reset_avx2(acc, best, sigma) };
    }
    entropy_and_reset_lanes(acc, best, sigma)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn entropy_and_reset_avx2(acc: &mut [f32], best: f32, sigma: f64) -> (f64, f64) {
    entropy_and_reset_lanes(acc, best, sigma)
}

/// Elements summed in f32 lanes before the lanes are added into f64 totals.
const BLOCK: usize = 512;

#[inline(always)]
fn entropy_and_reset_lanes(acc: &mut [f32], best: f32, sigma: f64) -> (f64, f64) {
    let inv = (1.0 / sigma) as f32;
    let (mut z, mut zx) = (0f64, 0f64);
    for block in acc.chunks_mut(BLOCK) {
        let mut bz = [0f32; LANES];
        let mut bzx = [0f32; LANES];
        let mut chunks = block.chunks_exact_mut(LANES);
        for c in &mut chunks {
            for l in 0..LANES {
                let x = (c[l] - best) * inv;
                let e = exp_nonpositive(x);
                bz[l] += e;
                bzx[l] += x * e;
                c[l] = 0.0;
            }
        }
        for (l, v) in chunks.into_remainder().iter_mut().enumerate() {
            let x = (*v - best) * inv;
            let e = exp_nonpositive(x);
            bz[l] += e;
            bzx[l] += x * e;
            *v = 0.0;
        }
        z += bz.iter().map(|&v| v as f64).sum::<f64>();
        zx += bzx.iter().map(|&v| v as f64).sum::<f64>();
    }
    let entropy_nats = z.ln() - zx / z;
    (entropy_nats.max(0.0) / std::f64::consts::LN_2, 1.0 / z)
}

/// The statistics of the scores in `acc` (over all N records), resetting it to zero.
pub fn finish_rh(acc: &mut [f32]) -> ScoreStats {
    let n = acc.len() as f64;
    let (sum, sumsq, best_record, best, second, tied) = moments_and_top2(acc);
    let mean = sum / n;
    let sigma = (sumsq / n - mean * mean).max(0.0).sqrt();
    let (entropy_bits, top_probability) = entropy_and_reset(acc, best, sigma);
    ScoreStats {
        best_record,
        best: best as f64,
        second: second as f64,
        sigma,
        tied_at_best: tied,
        entropy_bits,
        top_probability,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fast_exp_is_accurate() {
        let mut worst = 0f64;
        for k in 0..200_000 {
            let x = -(k as f32) * 0.0004;
            let got = exp_nonpositive(x) as f64;
            let want = (x as f64).exp();
            worst = worst.max(((got - want) / want).abs());
        }
        assert!(worst < 5e-7, "relative error {worst}");
    }

    #[test]
    fn top2_prefers_smaller_index_on_ties() {
        let acc = [0.0, 2.0, 1.0, 2.0];
        let (sum, sumsq, idx, best, second, tied) = moments_and_top2(&acc);
        assert_eq!((idx, best, second, tied), (1, 2.0, 2.0, 2));
        assert_eq!((sum, sumsq), (5.0, 9.0));
    }

    #[test]
    fn entropy_of_uniform_and_peaked() {
        let mut acc = vec![0.0f32; 16];
        let (h, p) = entropy_and_reset(&mut acc, 0.0, 0.0);
        assert!((h - 4.0).abs() < 1e-12 && (p - 1.0 / 16.0).abs() < 1e-12);
        let mut acc = vec![0.0f32, 0.0, 3.0, 0.0];
        let sigma = 1.0;
        let (h, p) = entropy_and_reset(&mut acc, 3.0, sigma);
        let z = 1.0 + 3.0 * (-3.0f64).exp();
        assert!((p - 1.0 / z).abs() < 1e-6, "{p}");
        let probs = [
            (-3.0f64).exp() / z,
            (-3.0f64).exp() / z,
            1.0 / z,
            (-3.0f64).exp() / z,
        ];
        let want: f64 = probs.iter().map(|q| -q * q.log2()).sum();
        assert!((h - want).abs() < 1e-5, "{h} vs {want}");
        assert!(acc.iter().all(|&v| v == 0.0));
    }
}
