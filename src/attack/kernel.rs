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

use super::partial::{Summary, to_fixed};
use super::query::Query;
use super::shard::{BLOCK, CheckedShard, Shard, shard_postings};
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
        Self::with_day_range(release, rho0, d0, release.day_range())
    }

    /// The same, with the release's date range given (the cluster computes it from its shards).
    pub fn with_day_range(
        release: &Dataset,
        rho0: f64,
        d0: f64,
        day_range: Option<(u16, u16)>,
    ) -> Self {
        let (first_day, days) = match day_range {
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

/// Adds `sim(k)` for every posting `k` into `acc[records[k] - start]` (views: the best event of
/// each record). Every record must lie in `[start, start + acc.len())`: the postings come from
/// [`shard_postings`] for a [`CheckedShard`] that `acc` covers, and the callers check
/// `acc.len()`.
#[inline(always)]
fn add_postings(
    records: &[u32],
    start: u32,
    acc: &mut [f32],
    views: bool,
    sim: impl Fn(usize) -> f32,
) {
    if !views {
        for (k, &r) in records.iter().enumerate() {
            let slot = r.wrapping_sub(start) as usize;
            debug_assert!(slot < acc.len());
            // SAFETY: start <= r < start + acc.len() (see above). This is the attack's hot loop,
            // where the bounds check cost a measured 10-15%.
            unsafe { *acc.get_unchecked_mut(slot) += sim(k) };
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
        acc[(r - start) as usize] += best;
    }
}

/// Adds one aux record's Scoreboard-RH scores of the records of `shard` into `acc` (all zero,
/// one slot per record of the shard: record r at `r - shard.start`). `shard` must be a shard of
/// `release`.
pub fn scatter_rh(
    release: &Dataset,
    ctx: &RhContext,
    query: &Query,
    shard: CheckedShard,
    acc: &mut [f32],
) {
    assert_eq!(acc.len(), shard.len(), "one accumulator slot per record");
    let shard = shard.shard();
    let views = release.kind() == DatasetKind::Views;
    let first_day = ctx.first_day;
    for fact in &query.facts {
        let postings = shard_postings(release, fact.item, shard);
        let weight = ctx.weights[fact.item as usize];
        let use_rating = fact.rating != NO_RATING && postings.ratings.is_some();
        let use_day = fact.day != NO_DAY && postings.days.is_some();
        let keys = postings.keys;
        if !use_rating && !use_day {
            if fact.rating == NO_RATING && fact.day == NO_DAY {
                let w = weight as f32;
                add_postings(keys, shard.start, acc, views, |_| w);
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
                add_postings(keys, shard.start, acc, views, |k| {
                    // SAFETY: k < keys.len() = rs.len() = ds.len() (sliced above).
                    let (x, d) = unsafe { (*rs.get_unchecked(k), *ds.get_unchecked(k)) };
                    t.rating(x) + t.day(first_day, d)
                })
            }
            (true, false) => {
                let rs = &postings.ratings.expect("checked")[..keys.len()];
                add_postings(keys, shard.start, acc, views, |k| t.rating(rs[k]))
            }
            _ => {
                let ds = &postings.days.expect("checked")[..keys.len()];
                add_postings(keys, shard.start, acc, views, |k| t.day(first_day, ds[k]))
            }
        }
    }
}

/// Rules out the records of `shard` whose number of entries lies outside `[low, high]`: their
/// scores become 0 (the adversary knows roughly how many ratings the target has).
pub fn rule_out_by_count(release: &Dataset, shard: Shard, acc: &mut [f32], low: u64, high: u64) {
    let offsets: &[u64] = &release.by_record().offsets[shard.start as usize..];
    for (r, v) in acc.iter_mut().enumerate() {
        let n = offsets[r + 1] - offsets[r];
        if n < low || n > high {
            *v = 0.0;
        }
    }
}

/// Divides every score of a shard by its record's divisor (Scoreboard-RH-norm's length
/// normalization). A division, not a multiplication by a reciprocal, so that a divisor of 1
/// leaves every score's bits as they are.
pub fn divide(acc: &mut [f32], divisors: &[f32]) {
    assert_eq!(acc.len(), divisors.len(), "one divisor per record");
    for (v, d) in acc.iter_mut().zip(divisors) {
        *v /= *d;
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

/// Scoreboard (Algorithm 1A) match counts of the records of `shard` (a shard of `release`):
/// each record gains 1 per fact it matches within the tolerances (`rating_tol` in half stars; a value the aux lacks is not checked).
pub fn scatter_scoreboard(
    release: &Dataset,
    query: &Query,
    (rating_tol, date_tol): (u32, u32),
    shard: CheckedShard,
    acc: &mut [f32],
) {
    assert_eq!(acc.len(), shard.len(), "one accumulator slot per record");
    let shard = shard.shard();
    let views = release.kind() == DatasetKind::Views;
    for fact in &query.facts {
        let postings = shard_postings(release, fact.item, shard);
        let (ra, da) = (fact.rating as i32, fact.day as i32);
        let check_rating = fact.rating != NO_RATING;
        let check_day = fact.day != NO_DAY;
        let rs = postings.ratings;
        let ds = postings.days;
        add_postings(postings.keys, shard.start, acc, views, |k| {
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

dispatch_avx2!(summary_pass, (acc: &[f32], start: u32) -> Summary, summary_lanes);
dispatch_avx2!(spread_pass, (acc: &mut [f32], reference: f32, inv: f32) -> (i128, i128), spread_lanes);

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

/// The first pass over a shard's scores (`acc`, record `shard.start + k` at `k`): sums for
/// sigma and the top two. Leaves `acc` as it is.
pub fn summarize(acc: &[f32], shard: Shard) -> Summary {
    assert_eq!(acc.len(), shard.len(), "one accumulator slot per record");
    assert_eq!(shard.start as usize % BLOCK, 0, "shards start on a block");
    summary_pass(acc, shard.start)
}

#[inline(always)]
fn summary_lanes(acc: &[f32], start: u32) -> Summary {
    let mut top = Top2::EMPTY;
    let (mut sum, mut sum_squares) = (0i128, 0i128);
    for (b, block) in acc.chunks(BLOCK).enumerate() {
        let mut bs = [0f32; LANES];
        let mut bq = [0f32; LANES];
        // Block maximum, written as compare-and-select so that it vectorizes (f32::max's NaN
        // rules keep it scalar; scores are never NaN).
        let mut lane_max = [f32::NEG_INFINITY; LANES];
        let chunks = block.chunks_exact(LANES);
        let tail = chunks.remainder();
        for c in chunks {
            for l in 0..LANES {
                bs[l] += c[l];
                bq[l] += c[l] * c[l];
                lane_max[l] = if c[l] > lane_max[l] {
                    c[l]
                } else {
                    lane_max[l]
                };
            }
        }
        for (l, &v) in tail.iter().enumerate() {
            bs[l] += v;
            bq[l] += v * v;
            lane_max[l] = if v > lane_max[l] { v } else { lane_max[l] };
        }
        for l in 0..LANES {
            sum += to_fixed(bs[l]);
            sum_squares += to_fixed(bq[l]);
        }
        let block_max = lane_max.iter().copied().fold(f32::NEG_INFINITY, f32::max);
        if block_max >= top.second {
            let first = start + (b * BLOCK) as u32;
            for (k, &v) in block.iter().enumerate() {
                top.see(first + k as u32, v);
            }
        }
    }
    Summary {
        records: acc.len() as u64,
        sum,
        sum_squares,
        best: top.best,
        best_record: top.best_idx,
        second: top.second,
        tied: top.tied,
    }
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

/// The second pass of Scoreboard-RH over a shard's scores: the entropic output's sums
/// (sum of exp(x) and of x exp(x), x = (score - reference) * inv_sigma, 64.64 fixed point),
/// with `reference` the best score over all shards, so every exponent is <= 0. Resets `acc`.
pub fn spread(acc: &mut [f32], reference: f32, inv_sigma: f32) -> (i128, i128) {
    spread_pass(acc, reference, inv_sigma)
}

#[inline(always)]
fn spread_lanes(acc: &mut [f32], reference: f32, inv: f32) -> (i128, i128) {
    let (mut z, mut zx) = (0i128, 0i128);
    for block in acc.chunks_mut(BLOCK) {
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
        for l in 0..LANES {
            z += to_fixed(bz[l]);
            zx += to_fixed(bzx[l]);
        }
    }
    (z, zx)
}

/// Scoreboard's second pass over a shard: the `k`-th record (0-based, in record order) whose
/// count equals `needed`, when `k` is given. Resets `acc`.
pub fn pick_and_reset(acc: &mut [f32], shard: Shard, needed: f32, k: Option<u64>) -> Option<u32> {
    let picked = k.and_then(|k| {
        acc.iter()
            .enumerate()
            .filter(|(_, v)| **v == needed)
            .nth(k as usize)
            .map(|(r, _)| shard.start + r as u32)
    });
    acc.fill(0.0);
    picked
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

    /// Both passes over one shard: (summary, entropy bits, top probability).
    fn both_passes(acc: &mut [f32]) -> (Summary, f64, f64) {
        let shard = Shard {
            start: 0,
            end: acc.len() as u32,
        };
        let s = summarize(acc, shard);
        let sigma = s.sigma();
        let (z, zx) = spread(acc, s.best, (1.0 / sigma) as f32);
        let (z, zx) = (
            crate::attack::partial::from_fixed(z),
            crate::attack::partial::from_fixed(zx),
        );
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
        // Scores spread over many blocks, the maximum late.
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
        let (s, entropy, top) = both_passes(&mut acc);
        assert_eq!(s.best_record, 4321);
        assert!((s.sigma() - sigma).abs() < 1e-6 * sigma);
        assert!(
            (top - probs[4321]).abs() < 1e-5 * probs[4321],
            "{top} vs {}",
            probs[4321]
        );
        assert!((entropy - want).abs() < 1e-4, "{entropy} vs {want}");
        assert!(acc.iter().all(|&v| v == 0.0));
    }

    #[test]
    fn shards_merge_to_the_single_pass_bit_for_bit() {
        let scores: Vec<f32> = (0..7000u32)
            .map(|i| ((i.wrapping_mul(2_654_435_761) >> 7) % 1000) as f32 / 137.0)
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
            let parts: Vec<Summary> = shards
                .iter()
                .map(|s| summarize(&scores[s.start as usize..s.end as usize], *s))
                .collect();
            let merged = Summary::merge_all(parts);
            assert_eq!(merged, single, "{cuts:?}");
            let inv = (1.0 / merged.sigma()) as f32;
            let spreads: (i128, i128) = shards
                .iter()
                .map(|s| {
                    spread(
                        &mut scores[s.start as usize..s.end as usize].to_vec(),
                        merged.best,
                        inv,
                    )
                })
                .fold((0, 0), |a, b| (a.0 + b.0, a.1 + b.1));
            let mut again = scores.clone();
            assert_eq!(spreads, spread(&mut again, single.best, inv), "{cuts:?}");
        }
    }
}
