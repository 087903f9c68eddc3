//! The likelihood-ratio kernel (docs/method.md section 5): what the release says about a random
//! other person ([`ReleaseModel`], built once per release), the adversary's error model
//! ([`ErrorModel`]), each fact's tables for one aux record, and the scatter of a shard's
//! postings into the accumulator, tile by tile.
//!
//! A posting (record r, rating v, day d) of a fact's item i adds ln(1 + X),
//! X = K x F(v) x D(r, d) x max(1, c_i / |r|): K = (1 - w) / w; F(v) = f(v | x) / p_i(v), the
//! adversary's rating model over the release's ratings of item i; D(r, d) = n g(d | t), the
//! adversary's date model (g(d | t) = e^(-|d - t| / b) / Z(t) over the release's days with an
//! entry) over a day drawn uniformly from the n days of r's window
//! (the release's days with an entry, from r's first dated entry, or i's first if later, to r's
//! last); and c_i = E / supp(i), so that max(1, c_i / |r|) is 1 / pi_i(|r|), the inverse of the
//! chance that a random record of r's length holds i. Every term is at least 0, so the records
//! holding none of the facts score exactly 0 and the engine's packed passes apply.
//!
//! g(. | t) is a table per fact; the logarithm is [`ln_at_least_one`], plain arithmetic, so
//! every machine and vector level gives the same bits.

use rayon::prelude::*;

use super::scatter::add_postings;
use crate::attack::query::{Query, QueryFact};
use crate::attack::shard::{CheckedShard, Shard, distinct_items, shard_postings};
use crate::dataset::{Dataset, DatasetKind, Entries, NO_DAY, NO_RATING};

/// Pseudo-counts that pull an item's rating distribution toward the release's.
pub const PSEUDO_COUNT: f64 = 1.0;

/// The smallest wrong-fact rate used: w = 0 is computed as this (a record lacking a fact then
/// has at most 1e-12 of the likelihood ratio of one holding it).
pub const MIN_WRONG_RATE: f64 = 1e-12;

/// A term's largest argument: keeps 1 + X finite in f32.
const MAX_ARGUMENT: f32 = 1e37;

/// What the release says about a random other person (docs/method.md section 5.2): per item, the
/// chance of holding it given a record's length and its rating distribution; the days with an
/// entry, and each item's first. Computed from the whole release, so every shard of it has the
/// same model.
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
    /// `present_before[j]`: the days with an entry among the first j days of the range.
    pub present_before: Vec<u32>,
    /// Each item's first day with an entry, as a day of the range (0 without dates).
    pub item_first: Vec<u16>,
}

impl ReleaseModel {
    /// The model of `release` (reads every posting once, in parallel over items).
    pub fn of(release: &Dataset) -> ReleaseModel {
        let n = release.num_records();
        let entries: u64 = (0..n as u32)
            .into_par_iter()
            .map(|r| distinct_items(release, r) as u64)
            .sum();
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
        let rating_counts = counts(&release.by_record().ratings, 256, |v| {
            (v != NO_RATING).then_some(v as usize)
        });
        let rating_values: Vec<u8> = (0..=255u8)
            .filter(|&v| rating_counts[v as usize] > 0)
            .collect();
        let rated: u64 = rating_counts.iter().sum();
        let (first_day, days) = match release.day_range() {
            Some((a, b)) => (a, (b - a) as usize + 1),
            None => (0, 0),
        };
        let day_counts = counts(&release.by_record().days, days, |d| {
            (d != NO_DAY).then(|| (d - first_day) as usize)
        });
        let mut present_before = Vec::with_capacity(days + 1);
        let mut seen = 0u32;
        present_before.push(0);
        for &c in &day_counts {
            seen += (c > 0) as u32;
            present_before.push(seen);
        }
        let per_item: Vec<(Vec<f64>, u16)> = (0..release.num_items() as u32)
            .into_par_iter()
            .map(|i| {
                let p = release.postings(i);
                let mut own = vec![0u64; rating_values.len()];
                if let Some(rs) = p.ratings {
                    for &v in rs {
                        if let Ok(k) = rating_values.binary_search(&v) {
                            own[k] += 1;
                        }
                    }
                }
                let n_i: u64 = own.iter().sum();
                let shares = own
                    .iter()
                    .zip(&rating_values)
                    .map(|(&count, &v)| {
                        let global = rating_counts[v as usize] as f64 / rated.max(1) as f64;
                        (count as f64 + PSEUDO_COUNT * global) / (n_i as f64 + PSEUDO_COUNT)
                    })
                    .collect();
                let first = p
                    .days
                    .and_then(|ds| ds.iter().filter(|&&d| d != NO_DAY).min().copied())
                    .map_or(0, |d| d - first_day);
                (shares, first)
            })
            .collect();
        let mut item_ratings = Vec::with_capacity(per_item.len() * rating_values.len());
        let mut item_first = Vec::with_capacity(per_item.len());
        for (shares, first) in per_item {
            item_ratings.extend(shares);
            item_first.push(first);
        }
        ReleaseModel {
            records: n as u64,
            entries,
            coverage,
            rating_values,
            item_ratings,
            first_day,
            days,
            present_before,
            item_first,
        }
    }

    /// p_i(v) of item `item` for the rating value in slot `k`.
    fn p(&self, item: u32, k: usize) -> f64 {
        self.item_ratings[item as usize * self.rating_values.len() + k]
    }

    /// Whether day `j` of the range has an entry.
    fn present(&self, j: usize) -> bool {
        self.present_before[j + 1] > self.present_before[j]
    }
}

/// How many values of `values` fall in each of `slots` slots (`slot` maps a value to its slot,
/// or `None` to skip it), in parallel.
fn counts<T: Copy + Sync>(
    values: &[T],
    slots: usize,
    slot: impl Fn(T) -> Option<usize> + Sync,
) -> Vec<u64> {
    values
        .par_chunks(1 << 20)
        .map(|chunk| {
            let mut c = vec![0u64; slots];
            for &v in chunk {
                if let Some(k) = slot(v) {
                    c[k] += 1;
                }
            }
            c
        })
        .reduce(
            || vec![0u64; slots],
            |mut a, b| {
                for (x, y) in a.iter_mut().zip(b) {
                    *x += y;
                }
                a
            },
        )
}

/// The adversary's error model (docs/method.md section 5.1).
#[derive(Clone, Debug)]
pub struct ErrorModel {
    /// w, the share of facts the target's released record does not confirm (at least
    /// [`MIN_WRONG_RATE`]).
    pub wrong_rate: f64,
    /// Laplace scale of a rating's error, stars.
    pub rating_scale: f64,
    /// Laplace scale of a date's error, days.
    pub date_scale: f64,
    /// e^(-k / b) for k = 0 ..= the release's days.
    decay: Vec<f64>,
    /// Z(t), the sum of e^(-|d - t| / b) over the days d with an entry, for each day t of the
    /// range.
    day_norm: Vec<f64>,
}

impl ErrorModel {
    /// The model with wrong-fact rate `w`, rating scale `s` (stars) and date scale `b` (days),
    /// for the release that `model` describes.
    pub fn new(w: f64, s: f64, b: f64, model: &ReleaseModel) -> ErrorModel {
        let decay: Vec<f64> = (0..=model.days + 1)
            .map(|k| libm::exp(-(k as f64) / b))
            .collect();
        // Z(t) by two running sums over the range: from the left, L(j) = L(j - 1) e^(-1/b) +
        // [day j has an entry], from the right the same; Z = L + R - [day j has an entry].
        let present: Vec<f64> = (0..model.days)
            .map(|j| model.present(j) as u8 as f64)
            .collect();
        let step = decay.get(1).copied().unwrap_or(0.0);
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
            date_scale: b,
            decay,
            day_norm,
        }
    }

    /// K = (1 - w) / w.
    pub fn odds(&self) -> f64 {
        (1.0 - self.wrong_rate) / self.wrong_rate
    }
}

/// A record's part of the scatter: 1 / |r| and its window, as counts of the release's days with
/// an entry (the days of the window are `first..end` in that count).
#[derive(Clone, Copy, Debug, Default)]
pub struct RecordWindow {
    /// 1 / |r| (0 for a record without items, which no posting names).
    pub inverse_length: f32,
    /// The days with an entry before the record's first dated entry.
    pub first: u32,
    /// The days with an entry up to its last, included.
    pub end: u32,
}

/// Each record's [`RecordWindow`] for the records of `shard`.
pub fn record_windows(release: &Dataset, model: &ReleaseModel, shard: Shard) -> Vec<RecordWindow> {
    (shard.start..shard.end)
        .into_par_iter()
        .map(|r| {
            let inverse_length = match distinct_items(release, r) {
                0 => 0.0,
                n => (1.0 / n as f64) as f32,
            };
            let days = release.record(r).days.unwrap_or(&[]);
            let dated = days.iter().filter(|&&d| d != NO_DAY);
            let (first, last) = dated.fold((u16::MAX, 0), |(a, b), &d| {
                let j = d - model.first_day;
                (a.min(j), b.max(j))
            });
            if first > last {
                // No dated entry: no posting of the record has a day.
                return RecordWindow {
                    inverse_length,
                    ..RecordWindow::default()
                };
            }
            RecordWindow {
                inverse_length,
                first: model.present_before[first as usize],
                end: model.present_before[last as usize + 1],
            }
        })
        .collect()
}

/// One fact's dates: g(d | t) for each day d of the range, and the item's first day.
struct FactDays {
    /// g(d | t) = e^(-|d - t| / b) / Z(t).
    g: Vec<f32>,
    /// The days with an entry before the item's first.
    item_first: u32,
}

impl FactDays {
    fn new(model: &ReleaseModel, errors: &ErrorModel, fact: QueryFact) -> Option<FactDays> {
        if fact.day == NO_DAY || model.days == 0 {
            return None;
        }
        // A day outside the range is the nearest end's: every day with an entry lies on the same
        // side, so the factor e^(-distance to the range / b) cancels from g.
        let t = (fact.day.max(model.first_day) - model.first_day) as usize;
        let t = t.min(model.days - 1);
        let z = errors.day_norm[t];
        let g = if z > 1e-250 {
            let inv_z = 1.0 / z;
            // Days before t read the decay backwards, the rest forwards (two loops that
            // vectorize).
            let mut g = Vec::with_capacity(model.days);
            g.extend(
                errors.decay[1..=t]
                    .iter()
                    .rev()
                    .map(|&e| (e * inv_z) as f32),
            );
            g.extend(
                errors.decay[..model.days - t]
                    .iter()
                    .map(|&e| (e * inv_z) as f32),
            );
            g
        } else {
            far_from_every_day(model, errors, t)
        };
        Some(FactDays {
            g,
            item_first: model.present_before[model.item_first[fact.item as usize] as usize],
        })
    }

    /// D = n g(d | t) for a posting on day `j` of a record with window `w`: n is the number of
    /// days with an entry from the record's first day (or the item's, if later) to its last.
    #[inline(always)]
    fn ratio(&self, w: RecordWindow, j: usize) -> f32 {
        // The window starts at the later of the two first days, and the counts grow with the
        // day; it holds the posting's day, so n >= 1.
        let n = w.end - w.first.max(self.item_first);
        n as f32 * self.g[j]
    }
}

/// g(. | t) for a day t so far from every day with an entry that Z(t) underflows: computed
/// relative to the nearest such day.
#[cold]
fn far_from_every_day(model: &ReleaseModel, errors: &ErrorModel, t: usize) -> Vec<f32> {
    let b = errors.date_scale;
    let nearest = (0..model.days)
        .filter(|&d| model.present(d))
        .map(|d| d.abs_diff(t) as f64)
        .fold(f64::INFINITY, f64::min);
    let weight = |d: usize| libm::exp(-(d.abs_diff(t) as f64 - nearest) / b);
    let z: f64 = (0..model.days)
        .filter(|&d| model.present(d))
        .map(weight)
        .sum();
    (0..model.days).map(|d| (weight(d) / z) as f32).collect()
}

/// One fact's tables for the scatter.
struct FactTables {
    /// K f(v | x) / p_i(v) by the posting's rating byte (K where a value is missing).
    rating: [f32; 256],
    /// The dates' part, when the aux and the release both have dates.
    days: Option<FactDays>,
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
        FactTables {
            rating,
            days: FactDays::new(model, errors, fact),
            coverage: model.coverage[fact.item as usize] as f32,
        }
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

/// One posting's term: ln(1 + X), X = `odds` x max(1, c / |r|).
#[inline(always)]
fn term(odds: f32, coverage: f32, inverse_length: f32) -> f32 {
    let x = odds * (coverage * inverse_length).max(1.0);
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
    model: &'a ReleaseModel,
    /// Each record's length and window.
    windows: &'a [RecordWindow],
    views: bool,
    shard_start: u32,
    next_start: u32,
    end: u32,
}

impl<'a> LikelihoodScatter<'a> {
    /// The scatter of `query` over `shard` of `release`; `windows` holds the [`record_windows`]
    /// of the shard.
    pub fn new(
        release: &'a Dataset,
        model: &'a ReleaseModel,
        errors: &ErrorModel,
        windows: &'a [RecordWindow],
        query: &Query,
        shard: CheckedShard,
    ) -> LikelihoodScatter<'a> {
        assert_eq!(windows.len(), shard.len(), "one window per record");
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
            model,
            windows,
            views: release.kind() == DatasetKind::Views,
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
        let windows = &self.windows[(start - self.shard_start) as usize..][..acc.len()];
        let (model, views) = (self.model, self.views);
        let first_day = model.first_day;
        for fact in &mut self.facts {
            let from = fact.next;
            let keys = &fact.postings.keys[from..];
            let t = &fact.tables;
            let rs = fact.postings.ratings.map(|x| &x[from..from + keys.len()]);
            let ds = fact.postings.days.map(|x| &x[from..from + keys.len()]);
            let bounds = (start, end);
            let rating = |k: usize| match rs {
                // SAFETY: k < keys.len() = rs.len() (sliced above).
                Some(rs) => t.rating[unsafe { *rs.get_unchecked(k) } as usize],
                None => t.rating[NO_RATING as usize],
            };
            fact.next += match (&t.days, ds) {
                (Some(days), Some(ds)) => {
                    add_terms(keys, bounds, acc, windows, views, t.coverage, |k, w| {
                        // SAFETY: as above.
                        let d = unsafe { *ds.get_unchecked(k) };
                        if d == NO_DAY {
                            return rating(k);
                        }
                        rating(k) * days.ratio(w, (d - first_day) as usize)
                    })
                }
                _ => add_terms(keys, bounds, acc, windows, views, t.coverage, |k, _| {
                    rating(k)
                }),
            };
        }
    }
}

/// Postings whose terms are computed together: their logarithms vectorize.
const CHUNK: usize = 64;

/// Adds the term of every posting `k` (`odds(k, window of its record)` = K F D) into
/// `acc[records[k] - start]` (views: the best event of each record), up to the first posting
/// whose record is `end` or more; returns how many postings it took. As [`add_postings`]:
/// every record taken lies in `start..end`, and `acc` and `windows` cover that range (the tile
/// of a checked shard). For ratings data, whole chunks of [`CHUNK`] postings inside the tile go
/// through three loops (the odds times 1 / pi, the logarithms at the CPU's vector level, the
/// scatter); each term is the same bits as one at a time, and is added in the same order.
#[inline(always)]
fn add_terms(
    records: &[u32],
    bounds: (u32, u32),
    acc: &mut [f32],
    windows: &[RecordWindow],
    views: bool,
    coverage: f32,
    odds: impl Fn(usize, RecordWindow) -> f32,
) -> usize {
    assert_eq!(acc.len(), windows.len(), "one window per slot");
    let (start, end) = bounds;
    let mut taken = 0;
    if !views {
        let level = super::simd::level();
        let mut x = [0f32; CHUNK];
        while taken + CHUNK <= records.len() && records[taken + CHUNK - 1] < end {
            let keys = &records[taken..taken + CHUNK];
            for (k, (v, &r)) in x.iter_mut().zip(keys).enumerate() {
                let slot = r.wrapping_sub(start) as usize;
                debug_assert!(slot < windows.len());
                // SAFETY: the postings are sorted and those before `taken` were at least
                // `start` (checked tile), the last of the chunk is below `end`: start <= r < end,
                // and windows covers start..end.
                let w = unsafe { *windows.get_unchecked(slot) };
                *v = odds(taken + k, w) * (coverage * w.inverse_length).max(1.0);
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
            // SAFETY: k < records.len(), and start <= records[k] < start + windows.len()
            // (add_postings takes no other posting).
            let slot = unsafe { records.get_unchecked(k) }.wrapping_sub(start) as usize;
            let w = unsafe { *windows.get_unchecked(slot) };
            term(odds(taken + k, w), coverage, w.inverse_length)
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
    }

    /// A date far from every day with an entry (Z(t) underflows) still gets the definition's
    /// g(. | t), computed relative to the nearest day.
    #[test]
    fn a_date_far_from_every_day_keeps_its_distribution() {
        let days = 2000;
        let mut present_before = vec![0u32; days + 1];
        for (j, slot) in present_before.iter_mut().enumerate() {
            *slot = (j > 0) as u32 + (j == days) as u32;
        }
        let model = ReleaseModel {
            records: 2,
            entries: 2,
            coverage: vec![1.0],
            rating_values: vec![],
            item_ratings: vec![],
            first_day: 10_000,
            days,
            present_before,
            item_first: vec![0],
        };
        let errors = ErrorModel::new(0.1, 0.5, 0.5, &model);
        let fact = QueryFact {
            item: 0,
            rating: NO_RATING,
            day: 11_000,
        };
        let g = FactDays::new(&model, &errors, fact).unwrap().g;
        // Days 0 and 1999 are 1000 and 999 days from t: g = e^-2 / (1 + e^-2) and 1 / (1 + e^-2).
        let near = 1.0 / (1.0 + (-2f64).exp());
        assert!((g[1999] as f64 - near).abs() < 1e-6, "{}", g[1999]);
        assert!((g[0] as f64 - (1.0 - near)).abs() < 1e-6, "{}", g[0]);
    }
}
