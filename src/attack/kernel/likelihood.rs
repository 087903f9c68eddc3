//! The likelihood-ratio kernel (docs/method.md section 5): what the release says about a random
//! other person ([`ReleaseModel`], built once per release), each fact's tables for one aux
//! record, and the scatter of a shard's postings into the accumulator, tile by tile.
//!
//! A posting (record r, rating v, day d) of a fact's item i adds
//! ln(1 + K x F(v) x G(d) x max(1, c_i / |r|)), with K = (1 - w) / w, F(v) = f(v | x) / p_i(v)
//! (the adversary's rating model over the release's rating model of item i), G(d) = g(d | t) /
//! q_i(d) (the same for dates) and c_i = E / supp(i), so that max(1, c_i / |r|) is
//! 1 / pi_i(|r|), the inverse of the chance that a random record of r's length holds i. The
//! tables F and G are built once per fact; a posting costs three loads, three products and a
//! logarithm ([`ln_at_least_one`], written to be the same bits on every machine). Every term is
//! at least 0, so the records holding none of the facts score exactly 0 and the engine's packed
//! passes apply.

use rayon::prelude::*;

use super::scatter::add_postings;
use crate::attack::query::{Query, QueryFact};
use crate::attack::shard::{CheckedShard, Shard, distinct_items, shard_postings};
use crate::dataset::{Dataset, DatasetKind, Entries, NO_DAY, NO_RATING};

/// Days per bin of an item's date histogram.
pub const DAY_BIN: usize = 32;

/// Pseudo-counts that pull an item's rating and date histograms toward the release's.
pub const PSEUDO_COUNT: f64 = 1.0;

/// The smallest wrong-fact rate used: w = 0 is computed as this (a record lacking a fact then
/// has at most 1e-12 of the likelihood ratio of one holding it).
pub const MIN_WRONG_RATE: f64 = 1e-12;

/// A term's largest argument: keeps 1 + X finite in f32.
const MAX_ARGUMENT: f32 = 1e37;

/// What the release says about a random other person: per item, the chance of holding it
/// given a record's length, and its rating and date distributions (docs/method.md section 5.2).
/// Computed from the whole release, so every shard of it has the same model.
#[derive(Clone, Debug)]
pub struct ReleaseModel {
    /// N, records.
    pub records: u64,
    /// E, the sum over records of |r|.
    pub entries: u64,
    /// c_i = E / supp(i) per item (0 for an item no record holds).
    pub coverage: Vec<f64>,
    /// The rating values some entry holds, half stars, ascending.
    pub rating_values: Vec<u8>,
    /// p_i(v) per item, `rating_values.len()` values each.
    pub item_ratings: Vec<f64>,
    /// The first day with an entry.
    pub first_day: u16,
    /// The number of days from the first day with an entry to the last.
    pub days: usize,
    /// The days with an entry, ascending.
    pub present_days: Vec<u16>,
    /// Q(d) / Q(bin of d) per day of the range (0 for a day without entries).
    pub day_share: Vec<f64>,
    /// 1 / `day_share` (0 for a day without entries).
    inverse_day_share: Vec<f64>,
    /// Bins of [`DAY_BIN`] days from the first day.
    pub bins: usize,
    /// The smoothed share of item i's dated entries in each bin, `bins` values each.
    pub item_bins: Vec<f64>,
}

/// One item's counts: ratings per value slot, dated entries per bin.
struct ItemCounts {
    ratings: Vec<u64>,
    bins: Vec<u64>,
}

impl ReleaseModel {
    /// The model of `release` (reads every posting once, in parallel over items).
    pub fn of(release: &Dataset) -> ReleaseModel {
        let n = release.num_records();
        let entries: u64 = (0..n as u32)
            .into_par_iter()
            .map(|r| distinct_items(release, r) as u64)
            .sum();
        let items = release.num_items();
        let coverage = release
            .supports()
            .iter()
            .map(|&s| {
                if s == 0 {
                    0.0
                } else {
                    entries as f64 / s as f64
                }
            })
            .collect();
        let mut present = [false; 256];
        if release.has_ratings() {
            let seen = release
                .by_record()
                .ratings
                .par_chunks(1 << 20)
                .map(|chunk| {
                    let mut seen = [false; 256];
                    for &v in chunk {
                        seen[v as usize] = true;
                    }
                    seen
                })
                .reduce(
                    || [false; 256],
                    |mut a, b| {
                        for (x, y) in a.iter_mut().zip(b) {
                            *x |= y;
                        }
                        a
                    },
                );
            present = seen;
        }
        present[NO_RATING as usize] = false;
        let rating_values: Vec<u8> = (0..=255u8).filter(|&v| present[v as usize]).collect();
        let mut slot = [u8::MAX; 256];
        for (k, &v) in rating_values.iter().enumerate() {
            slot[v as usize] = k as u8;
        }
        let (first_day, days) = match release.day_range() {
            Some((a, b)) => (a, (b - a) as usize + 1),
            None => (0, 0),
        };
        let bins = days.div_ceil(DAY_BIN);
        let nv = rating_values.len();
        let counts: Vec<ItemCounts> = (0..items as u32)
            .into_par_iter()
            .map(|i| {
                let p = release.postings(i);
                let mut ratings = vec![0u64; nv];
                if let Some(rs) = p.ratings {
                    for &v in rs {
                        if v != NO_RATING {
                            ratings[slot[v as usize] as usize] += 1;
                        }
                    }
                }
                let mut bin_counts = vec![0u64; bins];
                if let Some(ds) = p.days {
                    for &d in ds {
                        if d != NO_DAY {
                            bin_counts[(d - first_day) as usize / DAY_BIN] += 1;
                        }
                    }
                }
                ItemCounts {
                    ratings,
                    bins: bin_counts,
                }
            })
            .collect();
        // The release's rating distribution P(v) and daily counts Q(d).
        let mut all_ratings = vec![0u64; nv];
        for c in &counts {
            for (a, b) in all_ratings.iter_mut().zip(&c.ratings) {
                *a += b;
            }
        }
        let q: Vec<u64> = release
            .by_record()
            .days
            .par_chunks(1 << 20)
            .map(|chunk| {
                let mut q = vec![0u64; days];
                for &d in chunk {
                    if d != NO_DAY {
                        q[(d - first_day) as usize] += 1;
                    }
                }
                q
            })
            .reduce(
                || vec![0u64; days],
                |mut a, b| {
                    for (x, y) in a.iter_mut().zip(b) {
                        *x += y;
                    }
                    a
                },
            );
        let mut q_bin = vec![0u64; bins];
        for (j, &c) in q.iter().enumerate() {
            q_bin[j / DAY_BIN] += c;
        }
        let rated: u64 = all_ratings.iter().sum();
        let dated: u64 = q.iter().sum();
        let mut item_ratings = Vec::with_capacity(items * nv);
        let mut item_bins = Vec::with_capacity(items * bins);
        for c in &counts {
            let n_i: u64 = c.ratings.iter().sum();
            for (k, &count) in c.ratings.iter().enumerate() {
                let global = all_ratings[k] as f64 / rated.max(1) as f64;
                item_ratings
                    .push((count as f64 + PSEUDO_COUNT * global) / (n_i as f64 + PSEUDO_COUNT));
            }
            let n_i: u64 = c.bins.iter().sum();
            for (b, &count) in c.bins.iter().enumerate() {
                let global = q_bin[b] as f64 / dated.max(1) as f64;
                item_bins
                    .push((count as f64 + PSEUDO_COUNT * global) / (n_i as f64 + PSEUDO_COUNT));
            }
        }
        let day_share: Vec<f64> = q
            .iter()
            .enumerate()
            .map(|(j, &c)| {
                if c == 0 {
                    0.0
                } else {
                    c as f64 / q_bin[j / DAY_BIN] as f64
                }
            })
            .collect();
        let inverse_day_share = day_share
            .iter()
            .map(|&x: &f64| if x > 0.0 { 1.0 / x } else { 0.0 })
            .collect();
        let present_days = q
            .iter()
            .enumerate()
            .filter(|(_, c)| **c > 0)
            .map(|(j, _)| first_day + j as u16)
            .collect();
        ReleaseModel {
            records: n as u64,
            entries,
            coverage,
            rating_values,
            item_ratings,
            first_day,
            days,
            present_days,
            day_share,
            inverse_day_share,
            bins,
            item_bins,
        }
    }

    /// p_i(v) of item `item` for the rating value in slot `k`.
    fn p(&self, item: u32, k: usize) -> f64 {
        self.item_ratings[item as usize * self.rating_values.len() + k]
    }

    /// q_i(d): the chance that a random dated entry of item `item` falls on day `first_day + j`.
    pub fn q(&self, item: u32, j: usize) -> f64 {
        self.item_bins[item as usize * self.bins + j / DAY_BIN] * self.day_share[j]
    }
}

/// The adversary's error model and its tables (docs/method.md section 5.1).
#[derive(Clone, Debug)]
pub struct ErrorModel {
    /// w, the share of facts the target's released record does not confirm (at least
    /// [`MIN_WRONG_RATE`]).
    pub wrong_rate: f64,
    /// Laplace scale of a rating's error, stars.
    pub rating_scale: f64,
    /// exp(-d / b) for d = 0..65535 days, b the date scale.
    day_decay: Vec<f64>,
    /// Z(t) = sum over the release's days d with an entry of exp(-|d - t| / b), for each day t
    /// of the release's range.
    day_norm: Vec<f64>,
    /// The release's first day.
    first_day: u16,
}

impl ErrorModel {
    /// The model with wrong-fact rate `w`, rating scale `s` (stars) and date scale `b` (days),
    /// against the dates of the release that `model` describes.
    pub fn new(w: f64, s: f64, b: f64, model: &ReleaseModel) -> ErrorModel {
        let day_decay: Vec<f64> = (0..65_536).map(|d| libm::exp(-(d as f64) / b)).collect();
        // Z(t) over the range by two running sums: from the left, L(j) = L(j - 1) e^(-1/b) +
        // [day j has entries], from the right the same; Z = L + R - [day j has entries].
        let present: Vec<f64> = model
            .day_share
            .iter()
            .map(|&x| if x > 0.0 { 1.0 } else { 0.0 })
            .collect();
        let step = day_decay[1];
        let mut left = vec![0f64; present.len()];
        let mut run = 0.0;
        for (j, &p) in present.iter().enumerate() {
            run = run * step + p;
            left[j] = run;
        }
        let mut day_norm = vec![0f64; present.len()];
        run = 0.0;
        for (j, &p) in present.iter().enumerate().rev() {
            run = run * step + p;
            day_norm[j] = left[j] + run - p;
        }
        ErrorModel {
            wrong_rate: w.max(MIN_WRONG_RATE),
            rating_scale: s,
            day_decay,
            day_norm,
            first_day: model.first_day,
        }
    }

    /// K = (1 - w) / w.
    pub fn odds(&self) -> f64 {
        (1.0 - self.wrong_rate) / self.wrong_rate
    }

    /// Z(t), the normalizer of g(. | t) over the release's days with an entry (for a day
    /// outside the range, the nearest end's times the decay to it).
    fn day_norm(&self, t: u16) -> f64 {
        let days = self.day_norm.len();
        let j = t as i64 - self.first_day as i64;
        if j < 0 {
            self.day_decay[(-j) as usize] * self.day_norm[0]
        } else if j as usize >= days {
            self.day_decay[j as usize - (days - 1)] * self.day_norm[days - 1]
        } else {
            self.day_norm[j as usize]
        }
    }
}

/// One fact's tables for the scatter.
struct FactTables {
    /// K f(v | x) / p_i(v) by the posting's rating byte (K where a value is missing).
    rating: [f32; 256],
    /// g(d | t) / q_i(d) for each day of the release's range, then 1 for a missing day.
    day: Vec<f32>,
    /// c_i.
    coverage: f32,
}

impl FactTables {
    fn new(model: &ReleaseModel, errors: &ErrorModel, fact: QueryFact) -> Self {
        let k = errors.odds();
        let mut rating = [k as f32; 256];
        if fact.rating != NO_RATING && !model.rating_values.is_empty() {
            let x = fact.rating as f64 / 2.0;
            let f = |v: u8| libm::exp(-(v as f64 / 2.0 - x).abs() / errors.rating_scale);
            let z: f64 = model.rating_values.iter().map(|&v| f(v)).sum();
            for (slot, &v) in model.rating_values.iter().enumerate() {
                rating[v as usize] = (k * f(v) / z / model.p(fact.item, slot)) as f32;
            }
        }
        let mut day = vec![1f32; model.days + 1];
        if fact.day != NO_DAY && model.days > 0 {
            let inv_z = 1.0 / errors.day_norm(fact.day);
            let bins = &model.item_bins[fact.item as usize * model.bins..][..model.bins];
            let inv_bins: Vec<f64> = bins.iter().map(|&q| inv_z / q).collect();
            let c = fact.day as i64 - model.first_day as i64;
            for (j, slot) in day[..model.days].iter_mut().enumerate() {
                let decay = errors.day_decay[(j as i64 - c).unsigned_abs() as usize];
                *slot = (decay * inv_bins[j / DAY_BIN] * model.inverse_day_share[j]) as f32;
            }
        }
        FactTables {
            rating,
            day,
            coverage: model.coverage[fact.item as usize] as f32,
        }
    }
    #[inline(always)]
    fn rating(&self, x: u8) -> f32 {
        self.rating[x as usize]
    }

    /// G for day `d` (1 for a missing day).
    #[inline(always)]
    fn day(&self, first_day: u16, d: u16) -> f32 {
        let j = (d.wrapping_sub(first_day) as usize).min(self.day.len() - 1);
        // SAFETY: j <= day.len() - 1, and day.len() >= 1.
        unsafe { *self.day.get_unchecked(j) }
    }
}

/// ln(x) for x >= 1 (finite), in f32 with a relative error below 3e-7, from the float's exponent
/// and a series for the logarithm of its mantissa in [sqrt(1/2), sqrt(2)): plain arithmetic, so
/// that it is the same bits on every machine and vectorizes.
#[inline(always)]
pub fn ln_at_least_one(x: f32) -> f32 {
    const SQRT_2: f32 = std::f32::consts::SQRT_2;
    let bits = x.to_bits();
    let mut exponent = ((bits >> 23) as i32) - 127;
    let mut m = f32::from_bits((bits & 0x007f_ffff) | 0x3f80_0000);
    let high = m > SQRT_2;
    m = if high { m * 0.5 } else { m };
    exponent += high as i32;
    // ln m = 2 atanh(z), z = (m - 1) / (m + 1), |z| <= 0.1716: five terms of the series.
    let z = (m - 1.0) / (m + 1.0);
    let z2 = z * z;
    let series = 1.0 + z2 * (1.0 / 3.0 + z2 * (1.0 / 5.0 + z2 * (1.0 / 7.0 + z2 * (1.0 / 9.0))));
    exponent as f32 * std::f32::consts::LN_2 + 2.0 * z * series
}

/// One posting's term: ln(1 + K F G max(1, c / |r|)), `rating_day` being K F G.
#[inline(always)]
fn term(rating_day: f32, coverage: f32, inverse_length: f32) -> f32 {
    let x = rating_day * (coverage * inverse_length).max(1.0);
    ln_at_least_one(1.0 + x.min(MAX_ARGUMENT))
}

/// One fact of an aux record, ready to scatter.
struct FactScatter<'a> {
    postings: Entries<'a>,
    tables: FactTables,
    /// The first posting not yet scattered.
    next: usize,
}

/// One aux record's likelihood scatter over a shard, tile by tile: the facts' tables built
/// once, a cursor per fact into its postings (as [`super::RhScatter`]).
pub struct LikelihoodScatter<'a> {
    facts: Vec<FactScatter<'a>>,
    /// 1 / |r| for each record of the shard.
    inverse_lengths: &'a [f32],
    views: bool,
    first_day: u16,
    shard_start: u32,
    next_start: u32,
    end: u32,
}

impl<'a> LikelihoodScatter<'a> {
    /// The scatter of `query` over `shard` of `release`; `inverse_lengths` holds 1 / |r| for
    /// each record of the shard.
    pub fn new(
        release: &'a Dataset,
        model: &ReleaseModel,
        errors: &ErrorModel,
        inverse_lengths: &'a [f32],
        query: &Query,
        shard: CheckedShard,
    ) -> LikelihoodScatter<'a> {
        assert_eq!(inverse_lengths.len(), shard.len(), "one length per record");
        let facts = query
            .facts
            .iter()
            .map(|&fact| FactScatter {
                postings: shard_postings(release, fact.item, shard.shard()),
                tables: FactTables::new(model, errors, fact),
                next: 0,
            })
            .collect();
        LikelihoodScatter {
            facts,
            inverse_lengths,
            views: release.kind() == DatasetKind::Views,
            first_day: model.first_day,
            shard_start: shard.shard().start,
            next_start: shard.shard().start,
            end: shard.shard().end,
        }
    }

    /// Adds the scores of the records of `tile` into `acc` (one slot per record of the tile,
    /// zero on entry); the tiles come in record order from the shard's start.
    pub fn tile(&mut self, tile: CheckedShard, acc: &mut [f32]) {
        let Shard { start, end } = tile.shard();
        assert!(
            start == self.next_start && end <= self.end,
            "tiles come in order"
        );
        assert_eq!(acc.len(), tile.len(), "one accumulator slot per record");
        self.next_start = end;
        let lengths = &self.inverse_lengths[(start - self.shard_start) as usize..];
        let lengths = &lengths[..acc.len()];
        let (views, first_day) = (self.views, self.first_day);
        for fact in &mut self.facts {
            let from = fact.next;
            let keys = &fact.postings.keys[from..];
            let t = &fact.tables;
            let rs = fact.postings.ratings.map(|x| &x[from..from + keys.len()]);
            let ds = fact.postings.days.map(|x| &x[from..from + keys.len()]);
            let bounds = (start, end);
            let c = t.coverage;
            fact.next += match (rs, ds) {
                (Some(rs), Some(ds)) => add_terms(keys, bounds, acc, lengths, views, c, |k| {
                    // SAFETY: k < keys.len() = rs.len() = ds.len() (sliced above).
                    let (x, d) = unsafe { (*rs.get_unchecked(k), *ds.get_unchecked(k)) };
                    t.rating(x) * t.day(first_day, d)
                }),
                (Some(rs), None) => add_terms(keys, bounds, acc, lengths, views, c, |k| {
                    // SAFETY: as above.
                    t.rating(unsafe { *rs.get_unchecked(k) })
                }),
                (None, Some(ds)) => add_terms(keys, bounds, acc, lengths, views, c, |k| {
                    // SAFETY: as above.
                    t.rating[NO_RATING as usize] * t.day(first_day, unsafe { *ds.get_unchecked(k) })
                }),
                (None, None) => {
                    let x = t.rating[NO_RATING as usize];
                    add_terms(keys, bounds, acc, lengths, views, c, |_| x)
                }
            };
        }
    }
}

/// Postings whose terms are computed together: their arithmetic vectorizes.
const CHUNK: usize = 64;

/// Adds the term of every posting `k` (`odds(k)` = K F G) into `acc[records[k] - start]`
/// (views: the best event of each record), up to the first posting whose record is `end` or
/// more; returns how many postings it took. As [`add_postings`]: every record taken lies in
/// `start..end` and `acc` and `lengths` cover that range (the tile of a checked shard). For
/// ratings data, whole chunks of [`CHUNK`] postings inside the tile go through three loops
/// (gather K F G x 1 / pi, the logarithms, scatter), the logarithms at the CPU's vector
/// level; each term is the same bits as one at a time, and is added in the same order.
#[inline(always)]
fn add_terms(
    records: &[u32],
    bounds: (u32, u32),
    acc: &mut [f32],
    lengths: &[f32],
    views: bool,
    coverage: f32,
    odds: impl Fn(usize) -> f32,
) -> usize {
    assert_eq!(acc.len(), lengths.len(), "one length per slot");
    let (start, end) = bounds;
    let mut taken = 0;
    if !views {
        let level = super::simd::level();
        let mut x = [0f32; CHUNK];
        while taken + CHUNK <= records.len() && records[taken + CHUNK - 1] < end {
            let keys = &records[taken..taken + CHUNK];
            for (k, (v, &r)) in x.iter_mut().zip(keys).enumerate() {
                let slot = r.wrapping_sub(start) as usize;
                debug_assert!(slot < lengths.len());
                // SAFETY: the postings are sorted and those before `taken` were at least
                // `start` (checked tile), the last of the chunk is below `end`: start <= r < end,
                // and lengths covers start..end.
                let inverse_length = unsafe { *lengths.get_unchecked(slot) };
                *v = odds(taken + k) * (coverage * inverse_length).max(1.0);
            }
            logarithms(&mut x, level);
            for (&v, &r) in x.iter().zip(keys) {
                // SAFETY: as above; acc covers start..end too.
                unsafe { *acc.get_unchecked_mut(r.wrapping_sub(start) as usize) += v };
            }
            taken += CHUNK;
        }
    }
    let records = &records[taken..];
    taken
        + add_postings(records, bounds, acc, views, |k| {
            // SAFETY: k < records.len(), and start <= records[k] < start + lengths.len()
            // (add_postings takes no other posting).
            let slot = unsafe { records.get_unchecked(k) }.wrapping_sub(start) as usize;
            term(odds(taken + k), coverage, unsafe {
                *lengths.get_unchecked(slot)
            })
        })
}

/// x -> ln(1 + min(x, MAX_ARGUMENT)) over a chunk, at the vector level `level`.
#[inline(always)]
fn logarithms(x: &mut [f32; CHUNK], level: super::simd::Simd) {
    #[inline(always)]
    fn each(x: &mut [f32; CHUNK]) {
        for v in x.iter_mut() {
            *v = ln_at_least_one(1.0 + v.min(MAX_ARGUMENT));
        }
    }
    #[cfg(target_arch = "x86_64")]
    {
        #[target_feature(enable = "avx2")]
        fn avx2(x: &mut [f32; CHUNK]) {
            each(x)
        }
        #[target_feature(enable = "avx512f")]
        fn avx512(x: &mut [f32; CHUNK]) {
            each(x)
        }
        use super::simd::Simd;
        match level {
            // SAFETY: the level is at most what the CPU has.
            Simd::Avx512 => return unsafe { avx512(x) },
            Simd::Avx2 => return unsafe { avx2(x) },
            Simd::Baseline => {}
        }
    }
    let _ = level;
    each(x)
}

/// 1 / |r| for each record of `shard` (0 for a record without items, which no posting names).
pub fn inverse_lengths(release: &Dataset, shard: Shard) -> Vec<f32> {
    (shard.start..shard.end)
        .into_par_iter()
        .map(|r| match distinct_items(release, r) {
            0 => 0.0,
            n => (1.0 / n as f64) as f32,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_logarithm_is_accurate_from_one_to_the_largest_argument() {
        let mut worst = 0f64;
        let mut x = 1.0f32;
        while x < 1e37 {
            for y in [x, x * 1.000_001, x * 1.3, x * 1.414, x * 1.415, x * 1.9] {
                let exact = (y as f64).ln();
                let got = ln_at_least_one(y) as f64;
                let error = if exact > 0.0 {
                    (got - exact).abs() / exact
                } else {
                    got.abs()
                };
                worst = worst.max(if exact < 1.0 {
                    (got - exact).abs()
                } else {
                    error
                });
            }
            x *= 1.7;
        }
        assert!(worst < 3e-7, "worst error {worst:e}");
        assert_eq!(ln_at_least_one(1.0), 0.0);
        assert!(term(1e30, 1e10, 1.0).is_finite(), "clamped");
    }
}
