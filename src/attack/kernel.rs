//! The scoring kernels: one aux record against every released record, into a dense per-worker
//! accumulator, followed by passes over the accumulator that produce the statistics and reset
//! it to zero.
//!
//! Scoreboard-RH (DESIGN.md section 4): for each fact on item i, every posting (record, rating,
//! day) of i adds wt(i) * sim, sim = exp(-|dr| / rho0) + exp(-|dd| / d0), a term dropped when
//! the aux lacks the value, sim = 1 when it lacks both. Before a fact's postings are scanned,
//! its two terms are tabulated with the weight folded in: one entry per rating value (256) and
//! one per day of the release's date range, so a posting costs two loads and an add. A released
//! entry without a rating or a date contributes 0 for that term. For view logs, a record's
//! postings of one item are consecutive, and only its best event counts.
//!
//! After scattering, two streaming passes: the sum and sum of squares (sigma), then one pass for
//! the top two (ties: the smaller record index stays first), the entropic output (Pr[r]
//! proportional to exp(score / sigma) over all N records, with the running maximum as reference,
//! rescaling when it grows) and the reset. Sums run in record order, in fixed lanes and blocks,
//! so they do not depend on the thread count. The passes are compiled twice, for plain x86-64
//! and for AVX2, picked at run time; the arithmetic is the same, so are the results.

use super::query::Query;
use crate::dataset::{Dataset, DatasetKind, NO_DAY, NO_RATING};

/// wt(i) = 1 / ln(max(supp(i), 2)) for every item of the release.
pub fn item_weights(release: &Dataset) -> Vec<f64> {
    release
        .supports()
        .iter()
        .map(|&s| 1.0 / (s.max(2) as f64).ln())
        .collect()
}

/// What the Scoreboard-RH kernel needs besides the data: weights, similarity scales and the
/// release's date range.
#[derive(Clone, Debug)]
pub struct RhContext {
    weights: Vec<f64>,
    /// exp(-(d / 2) / rho0) for a difference of d half stars.
    rating_sim: Vec<f64>,
    /// exp(-d / d0) for a difference of d days, over the release's date range.
    day_sim: Vec<f64>,
    first_day: u16,
    days: usize,
}

impl RhContext {
    /// The context for `release` with scales `rho0` (stars) and `d0` (days).
    pub fn new(release: &Dataset, rho0: f64, d0: f64) -> Self {
        let (first_day, days) = match release.day_range() {
            Some((first, last)) => (first, (last - first) as usize + 1),
            None => (0, 0),
        };
        RhContext {
            weights: item_weights(release),
            rating_sim: (0..256).map(|d| (-(d as f64 / 2.0) / rho0).exp()).collect(),
            day_sim: (0..65_536).map(|d| (-(d as f64) / d0).exp()).collect(),
            first_day,
            days,
        }
    }
}

/// One fact's similarity terms, weight included.
struct FactTables {
    /// `wt * exp(-|ra - x| / 2 / rho0)` for x in half stars; 0 for the missing value 255.
    rating: [f32; 256],
    /// `wt * exp(-|da - (first_day + j)| / d0)` for j in the date range, then one 0 for
    /// missing dates (and anything out of range).
    day: Vec<f32>,
}

impl FactTables {
    fn new(ctx: &RhContext, weight: f64, rating: u8, day: u16) -> Self {
        let mut rating_table = [0f32; 256];
        if rating != NO_RATING {
            for (x, slot) in rating_table.iter_mut().enumerate().take(NO_RATING as usize) {
                *slot = (weight
                    * ctx.rating_sim[(rating as i32 - x as i32).unsigned_abs() as usize])
                    as f32;
            }
        }
        let mut day_table = vec![0f32; ctx.days + 1];
        if day != NO_DAY {
            for (j, slot) in day_table.iter_mut().enumerate().take(ctx.days) {
                let d = (day as i64 - (ctx.first_day as i64 + j as i64)).unsigned_abs() as usize;
                *slot = (weight * ctx.day_sim[d]) as f32;
            }
        }
        FactTables {
            rating: rating_table,
            day: day_table,
        }
    }

    #[inline(always)]
    fn rating(&self, x: u8) -> f32 {
        self.rating[x as usize]
    }

    #[inline(always)]
    fn day(&self, first_day: u16, d: u16) -> f32 {
        let j = (d.wrapping_sub(first_day) as usize).min(self.day.len() - 1);
        // SAFETY: j <= day.len() - 1, and day.len() >= 1.
        unsafe { *self.day.get_unchecked(j) }
    }
}

/// Adds `sim(k)` for every posting `k` into `acc[records[k]]` (views: the best event of each
/// record). Every record index must be below `acc.len()`: the builder and the store's
/// validation guarantee it for postings, and the callers check that `acc.len()` is N.
#[inline(always)]
fn add_postings(records: &[u32], acc: &mut [f32], views: bool, sim: impl Fn(usize) -> f32) {
    if !views {
        for (k, &r) in records.iter().enumerate() {
            debug_assert!((r as usize) < acc.len());
            // SAFETY: r < N = acc.len() (see above). This is the attack's hot loop, where the
            // bounds check cost a measured 10-15%.
            unsafe { *acc.get_unchecked_mut(r as usize) += sim(k) };
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
        acc[r as usize] += best;
    }
}

/// Adds one aux record's Scoreboard-RH scores into `acc` (all zero, length N).
pub fn scatter_rh(release: &Dataset, ctx: &RhContext, query: &Query, acc: &mut [f32]) {
    assert_eq!(
        acc.len(),
        release.num_records(),
        "one accumulator slot per record"
    );
    let views = release.kind() == DatasetKind::Views;
    let first_day = ctx.first_day;
    for fact in &query.facts {
        let postings = release.postings(fact.item);
        let weight = ctx.weights[fact.item as usize];
        let use_rating = fact.rating != NO_RATING && postings.ratings.is_some();
        let use_day = fact.day != NO_DAY && postings.days.is_some();
        let keys = postings.keys;
        if !use_rating && !use_day {
            if fact.rating == NO_RATING && fact.day == NO_DAY {
                let w = weight as f32;
                add_postings(keys, acc, views, |_| w);
            }
            // Otherwise the aux has a value the release lacks entirely: 0 for everyone.
            continue;
        }
        let t = FactTables::new(ctx, weight, fact.rating, fact.day);
        match (use_rating, use_day) {
            (true, true) => {
                let (rs, ds) = (
                    postings.ratings.expect("checked"),
                    postings.days.expect("checked"),
                );
                let (rs, ds) = (&rs[..keys.len()], &ds[..keys.len()]);
                add_postings(keys, acc, views, |k| {
                    // SAFETY: k < keys.len() = rs.len() = ds.len() (sliced above).
                    let (x, d) = unsafe { (*rs.get_unchecked(k), *ds.get_unchecked(k)) };
                    t.rating(x) + t.day(first_day, d)
                })
            }
            (true, false) => {
                let rs = &postings.ratings.expect("checked")[..keys.len()];
                add_postings(keys, acc, views, |k| t.rating(rs[k]))
            }
            _ => {
                let ds = &postings.days.expect("checked")[..keys.len()];
                add_postings(keys, acc, views, |k| t.day(first_day, ds[k]))
            }
        }
    }
}

/// Rules out the records whose number of entries lies outside `[low, high]`: their scores
/// become 0 (the adversary knows roughly how many ratings the target has).
pub fn rule_out_by_count(release: &Dataset, acc: &mut [f32], low: u64, high: u64) {
    let offsets: &[u64] = &release.by_record().offsets;
    for (r, v) in acc.iter_mut().enumerate() {
        let n = offsets[r + 1] - offsets[r];
        if n < low || n > high {
            *v = 0.0;
        }
    }
}

/// The reference pass for benchmarks: reads the postings of every fact's item and adds a
/// constant into `acc` (no similarity, no statistics). Returns the postings read. The caller
/// resets `acc`.
pub fn plain_pass(release: &Dataset, query: &Query, acc: &mut [f32]) -> u64 {
    let mut read = 0u64;
    for fact in &query.facts {
        for &r in release.postings(fact.item).keys {
            acc[r as usize] += 1.0;
        }
        read += release.postings(fact.item).len() as u64;
    }
    read
}

/// Scoreboard (Algorithm 1A) match counts: each record gains 1 per fact it matches within the
/// tolerances (`rating_tol` in half stars; a value the aux lacks is not checked).
pub fn scatter_scoreboard(
    release: &Dataset,
    query: &Query,
    rating_tol: u32,
    date_tol: u32,
    acc: &mut [f32],
) {
    assert_eq!(
        acc.len(),
        release.num_records(),
        "one accumulator slot per record"
    );
    let views = release.kind() == DatasetKind::Views;
    for fact in &query.facts {
        let postings = release.postings(fact.item);
        let (ra, da) = (fact.rating as i32, fact.day as i32);
        let check_rating = fact.rating != NO_RATING;
        let check_day = fact.day != NO_DAY;
        let rs = postings.ratings;
        let ds = postings.days;
        add_postings(postings.keys, acc, views, |k| {
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
    /// Records whose score equals the best (counted exactly).
    pub tied_at_best: u64,
    /// Shannon entropy of the entropic output, bits.
    pub entropy_bits: f64,
    /// Probability of the best record under the entropic output.
    pub top_probability: f64,
}

const LANES: usize = 8;
/// Elements summed in f32 lanes before the lanes are added into f64 totals.
const BLOCK: usize = 512;

/// Runs `$body` (a call of an `#[inline(always)]` function) compiled for AVX2 when the CPU has
/// it, else for baseline x86-64; the same arithmetic either way.
macro_rules! dispatch_avx2 {
    ($name:ident, ($($arg:ident: $ty:ty),*) -> $ret:ty, $body:ident) => {
        fn $name($($arg: $ty),*) -> $ret {
            #[cfg(target_arch = "x86_64")]
            {
                #[target_feature(enable = "avx2")]
                unsafe fn with_avx2($($arg: $ty),*) -> $ret {
                    $body($($arg),*)
                }
                if std::arch::is_x86_feature_detected!("avx2") {
                    // SAFETY: the CPU supports AVX2 (checked just above).
                    return unsafe { with_avx2($($arg),*) };
                }
            }
            $body($($arg),*)
        }
    };
}

dispatch_avx2!(moments, (acc: &[f32]) -> (f64, f64), moments_lanes);
dispatch_avx2!(finish_pass, (acc: &mut [f32], inv_sigma: f32) -> Pass, finish_lanes);

/// Sum and sum of squares of `acc`, in record order (block f32 lanes into f64 totals).
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

/// The two best scores seen so far, in record order: the first of equal scores stays best, and
/// the records tied at the best are counted.
#[derive(Clone, Copy)]
struct Top2 {
    best: f32,
    best_idx: u32,
    second: f32,
    tied: u64,
}

impl Top2 {
    const EMPTY: Top2 = Top2 {
        best: f32::NEG_INFINITY,
        best_idx: 0,
        second: f32::NEG_INFINITY,
        tied: 0,
    };

    #[inline(always)]
    fn see(&mut self, record: u32, v: f32) {
        if v > self.best {
            self.second = self.best;
            self.best = v;
            self.best_idx = record;
            self.tied = 1;
        } else if v == self.best {
            self.second = v;
            self.tied += 1;
        } else if v > self.second {
            self.second = v;
        }
    }
}

/// What the finishing pass finds.
struct Pass {
    top: Top2,
    /// Sum of exp(x) and of x exp(x), x = (score - best) / sigma.
    z: f64,
    zx: f64,
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

/// One pass: top two, entropic sums, reset. The entropic sums use the running maximum as their
/// reference ("online softmax"): when a block raises it, the partial sums are rescaled, so
/// exponents stay <= 0 and nothing overflows.
#[inline(always)]
fn finish_lanes(acc: &mut [f32], inv: f32) -> Pass {
    let mut top = Top2::EMPTY;
    let (mut z, mut zx, mut reference) = (0f64, 0f64, f32::NEG_INFINITY);
    for (b, block) in acc.chunks_mut(BLOCK).enumerate() {
        // Block maximum, written as compare-and-select so that it vectorizes (f32::max's NaN
        // rules keep it scalar; scores are never NaN).
        let mut lane_max = [f32::NEG_INFINITY; LANES];
        let chunks = block.chunks_exact(LANES);
        let tail = chunks.remainder();
        for c in chunks {
            for l in 0..LANES {
                lane_max[l] = if c[l] > lane_max[l] {
                    c[l]
                } else {
                    lane_max[l]
                };
            }
        }
        for (l, &v) in tail.iter().enumerate() {
            lane_max[l] = if v > lane_max[l] { v } else { lane_max[l] };
        }
        let block_max = lane_max.iter().copied().fold(f32::NEG_INFINITY, f32::max);
        if block_max >= top.second {
            for (k, &v) in block.iter().enumerate() {
                top.see((b * BLOCK + k) as u32, v);
            }
        }
        if block_max > reference {
            if z > 0.0 {
                let delta = ((block_max - reference) * inv) as f64;
                let scale = (-delta).exp();
                zx = scale * (zx - delta * z);
                z *= scale;
            }
            reference = block_max;
        }
        let mut bz = [0f32; LANES];
        let mut bzx = [0f32; LANES];
        let mut chunks = block.chunks_exact_mut(LANES);
        for c in &mut chunks {
            for l in 0..LANES {
                let x = (c[l] - reference) * inv;
                let e = exp_nonpositive(x);
                bz[l] += e;
                bzx[l] += x * e;
                c[l] = 0.0;
            }
        }
        for (l, v) in chunks.into_remainder().iter_mut().enumerate() {
            let x = (*v - reference) * inv;
            let e = exp_nonpositive(x);
            bz[l] += e;
            bzx[l] += x * e;
            *v = 0.0;
        }
        z += bz.iter().map(|&v| v as f64).sum::<f64>();
        zx += bzx.iter().map(|&v| v as f64).sum::<f64>();
    }
    Pass { top, z, zx }
}

/// Sum, sum of squares and top two of `acc` without changing it: (sum, sum of squares, best
/// index, best, second, records tied at best).
pub fn moments_and_top2(acc: &[f32]) -> (f64, f64, u32, f32, f32, u64) {
    let (sum, sumsq) = moments(acc);
    let mut top = Top2::EMPTY;
    for (r, &v) in acc.iter().enumerate() {
        top.see(r as u32, v);
    }
    (sum, sumsq, top.best_idx, top.best, top.second, top.tied)
}

/// The statistics of the scores in `acc` (over all N records), resetting it to zero.
pub fn finish_rh(acc: &mut [f32]) -> ScoreStats {
    let n = acc.len() as f64;
    let (sum, sumsq) = moments(acc);
    let mean = sum / n;
    let sigma = (sumsq / n - mean * mean).max(0.0).sqrt();
    if sigma <= 0.0 {
        // All scores equal: the first record is best, everyone ties, the output is uniform.
        let value = acc.first().copied().unwrap_or(0.0) as f64;
        acc.fill(0.0);
        return ScoreStats {
            best_record: 0,
            best: value,
            second: value,
            sigma: 0.0,
            tied_at_best: acc.len() as u64,
            entropy_bits: n.log2(),
            top_probability: 1.0 / n,
        };
    }
    let p = finish_pass(acc, (1.0 / sigma) as f32);
    // The pass's reference ended at the maximum, the best score.
    let entropy_nats = p.z.ln() - p.zx / p.z;
    ScoreStats {
        best_record: p.top.best_idx,
        best: p.top.best as f64,
        second: p.top.second as f64,
        sigma,
        tied_at_best: p.top.tied,
        entropy_bits: entropy_nats.max(0.0) / std::f64::consts::LN_2,
        top_probability: 1.0 / p.z,
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
        let mut acc = acc.to_vec();
        let s = finish_rh(&mut acc);
        assert_eq!(
            (s.best_record, s.best, s.second, s.tied_at_best),
            (1, 2.0, 2.0, 2)
        );
        assert!(acc.iter().all(|&v| v == 0.0));
    }

    #[test]
    fn entropy_of_uniform_and_peaked() {
        let mut acc = vec![0.0f32; 16];
        let s = finish_rh(&mut acc);
        assert!(
            (s.entropy_bits - 4.0).abs() < 1e-12 && (s.top_probability - 1.0 / 16.0).abs() < 1e-12
        );
        // Scores spread over many blocks, the maximum late: exercises the rescaling.
        let mut acc: Vec<f32> = (0..5000).map(|i| ((i * 37) % 101) as f32 / 50.0).collect();
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
        let s = finish_rh(&mut acc);
        assert_eq!(s.best_record, 4321);
        assert!((s.sigma - sigma).abs() < 1e-6 * sigma);
        assert!(
            (s.top_probability - probs[4321]).abs() < 1e-5 * probs[4321],
            "{} vs {}",
            s.top_probability,
            probs[4321]
        );
        assert!(
            (s.entropy_bits - want).abs() < 1e-4,
            "{} vs {want}",
            s.entropy_bits
        );
        assert!(acc.iter().all(|&v| v == 0.0));
    }
}
