//! The likelihood-ratio kernel (docs/method.md section 13): what the release says about a random
//! other person ([`ReleaseModel`], built once per release), the adversary's error model
//! ([`ErrorModel`]), each fact's tables for one aux record, and the scatter of a shard's
//! postings into the accumulator, tile by tile.
//!
//! A posting (record r, rating v, day d) of a fact's item i adds ln(1 + X),
//! X = K x F(v) x D(r, d) x max(1, c_i / |r|): K = (1 - w) / w; F(v) = f(v | x) / p_i(v), the
//! adversary's rating model over the release's ratings of item i; D(r, d) the date ratio: for
//! the first fact r holds, g(d | t) / q_i(d) (the adversary's Laplace date model over the
//! release's entries on day d, from i's first day on), for the later ones n e^(-|d - t| / b) / W
//! (both models restricted to r's window: its n days with an entry from r's first dated entry,
//! or i's first if later, to r's last, W the sum of e^(-|d' - t| / b) over them); and
//! c_i = E / supp(i), so that max(1, c_i / |r|) is 1 / pi_i(|r|), the inverse of the chance that
//! a random record of r's length holds i. Under a cap on a person's entries X is also multiplied
//! by the record's presence class's K_r / K, and after the facts each record adds its class's
//! lacking term ([`super::presence`]; both are 1 and 0 without a cap, and for a record that lost
//! nothing). A record's score still 0 tells that it held no earlier fact: every term is at least
//! the smallest positive f32. Without a cap the records holding none of the facts score exactly
//! 0; every score is at least 0, and the engine's packed passes apply.
//!
//! The window sums come from two running sums over the release's days ([`ErrorModel`]); the
//! logarithm is [`ln_at_least_one`], plain arithmetic, so every machine and vector level gives
//! the same bits.

use rayon::prelude::*;

use super::presence::{ClassOdds, LostNothing, Presence, PresenceTerms};
use super::scatter::TileOrder;
use crate::attack::query::{Query, QueryFact};
use crate::attack::shard::{CheckedShard, Shard, distinct_items, shard_postings};
use crate::dataset::{Dataset, DatasetKind, Entries, NO_DAY, NO_RATING};

pub use super::release_model::{PSEUDO_COUNT, ReleaseModel};

/// The smallest wrong-fact rate used: w = 0 is computed as this (a record lacking a fact then
/// has at most 1e-12 of the likelihood ratio of one holding it).
pub const MIN_WRONG_RATE: f64 = 1e-12;

/// A term's largest argument: keeps 1 + X finite in f32.
const MAX_ARGUMENT: f32 = 1e37;

/// The adversary's error model (docs/method.md section 13.1), with the sums over the release's
/// days that the date ratio reads.
#[derive(Clone, Debug)]
pub struct ErrorModel {
    /// w, the share of facts the target's released record does not confirm (at least
    /// [`MIN_WRONG_RATE`]).
    pub wrong_rate: f64,
    /// Laplace scale of a rating's error, stars.
    pub rating_scale: f64,
    /// Laplace scale of a date's error, days.
    pub date_scale: f64,
    /// What the release does to the presence of the target's entries (none by default).
    pub presence: Presence,
    /// e^(-k / b) for k = 0 ..= the release's days + 1.
    decay: Vec<f32>,
    /// `before[k]`: the sum of e^(-(k - 1 - d) / b) over the days d <= k - 1 with an entry
    /// (`before[0] = 0`): L(k - 1), shifted so that L(-1) is an index.
    before: Vec<f32>,
    /// `after[k]`: the sum of e^(-(d - k) / b) over the days d >= k with an entry
    /// (`after[days] = 0`): R(k).
    after: Vec<f32>,
}

impl ErrorModel {
    /// The model with wrong-fact rate `w`, rating scale `s` (stars) and date scale `b` (days),
    /// for the release that `model` describes.
    pub fn new(w: f64, s: f64, b: f64, model: &ReleaseModel) -> ErrorModel {
        let days = model.days;
        let decay: Vec<f64> = (0..=days + 1).map(|k| libm::exp(-(k as f64) / b)).collect();
        // L(k) = L(k - 1) e^(-1/b) + [day k has an entry], R(k) = R(k + 1) e^(-1/b) + [...].
        let step = decay[1];
        let mut before = vec![0f64; days + 1];
        for k in 0..days {
            before[k + 1] = before[k] * step + model.present(k) as u8 as f64;
        }
        let mut after = vec![0f64; days + 1];
        for k in (0..days).rev() {
            after[k] = after[k + 1] * step + model.present(k) as u8 as f64;
        }
        let f32s = |v: Vec<f64>| v.into_iter().map(|x| x as f32).collect();
        ErrorModel {
            wrong_rate: w.max(MIN_WRONG_RATE),
            rating_scale: s,
            date_scale: b,
            presence: Presence::default(),
            decay: f32s(decay),
            before: f32s(before),
            after: f32s(after),
        }
    }

    /// The same model, with the release's cap on entries modelled as `presence`.
    pub fn with_presence(self, presence: Presence) -> ErrorModel {
        ErrorModel { presence, ..self }
    }

    /// K = (1 - w) / w.
    pub fn odds(&self) -> f64 {
        (1.0 - self.wrong_rate) / self.wrong_rate
    }

    /// Z(t) = L(t) + R(t) - [day t has an entry]: the sum of e^(-|d - t| / b) over the days with
    /// an entry.
    fn day_norm(&self, model: &ReleaseModel, t: usize) -> f32 {
        self.before[t + 1] + self.after[t] - model.present(t) as u8 as f32
    }
}

/// A record's part of the scatter: 1 / |r|, its window, days of the range, and its presence
/// class.
#[derive(Clone, Copy, Debug, Default)]
pub struct RecordWindow {
    /// 1 / |r| (0 for a record without items, which no posting names).
    pub inverse_length: f32,
    /// The record's first dated entry's day of the range.
    pub first: u16,
    /// Its last.
    pub last: u16,
    /// Whether the release's cap on entries may have cut it ([`Presence::capped`]).
    pub capped: bool,
}

/// Each record's [`RecordWindow`] for the records of `shard`, its class by `presence`.
pub fn record_windows(
    release: &Dataset,
    model: &ReleaseModel,
    presence: &Presence,
    shard: Shard,
) -> Vec<RecordWindow> {
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
            RecordWindow {
                inverse_length,
                first,
                last,
                capped: presence.capped(release.record(r).len()),
            }
        })
        .collect()
}

/// One fact's dates: t as a day of the range (clamped to it: for a t outside, the factor
/// e^(-distance to the range / b) cancels from D), Z(t), and the item's first day.
struct FactDays {
    t: usize,
    day_norm: f32,
    item_first: usize,
    /// Q([item's first day, last day]) / Z(t): the marginal ratio is this times
    /// e^(-|j - t| / b) / Q(j).
    marginal: f32,
}

impl FactDays {
    fn new(model: &ReleaseModel, errors: &ErrorModel, fact: QueryFact) -> Option<FactDays> {
        if fact.day == NO_DAY || model.days == 0 {
            return None;
        }
        let t = (fact.day.max(model.first_day) - model.first_day) as usize;
        let t = t.min(model.days - 1);
        let item_first = model.item_first[fact.item as usize] as usize;
        let day_norm = errors.day_norm(model, t);
        let mass = model.dated_before[model.days] - model.dated_before[item_first];
        Some(FactDays {
            t,
            day_norm,
            item_first,
            marginal: (mass as f64 / day_norm as f64) as f32,
        })
    }

    /// D = n e^(-|j - t| / b) / W for a posting on day `j` of a record with window `w`: the
    /// window runs from the record's first day (or the item's, if later) to its last, n is its
    /// number of days with an entry and W the sum of e^(-|d - t| / b) over them. A window on
    /// one side of t is summed relative to its end nearest t (a sum of at least 1: that end is
    /// a day with an entry); one around t as Z(t) less the two sides outside it.
    ///
    /// Written without branches (every table read at an index clamped into it, the case chosen
    /// by selects), so that a chunk of postings vectorizes; in f32, where each window sum is at
    /// least 1 and its two parts are within a factor b of each other.
    #[inline(always)]
    fn ratio(&self, model: &ReleaseModel, e: &ErrorModel, w: RecordWindow, j: usize) -> f32 {
        let a = (w.first as usize).max(self.item_first);
        let h = w.last as usize;
        let t = self.t;
        let (decay, before, after) = (&e.decay[..], &e.before[..], &e.after[..]);
        let present = &model.present_before[..];
        let last = decay.len() - 1;
        debug_assert!(a <= j && j <= h && h < model.days && decay.len() == model.days + 2);
        // SAFETY: a <= j <= h < days (the posting is one of the record's dated entries, on or
        // after the item's first day), the tables hold days + 1 (present, before, after) or
        // days + 2 (decay) values, and every decay index is clamped to the last.
        let left = h <= t;
        let right = !left && a >= t;
        let distance = if left {
            h - j
        } else if right {
            j - a
        } else {
            j.abs_diff(t)
        };
        let (n, sum, near) = unsafe {
            let n = (*present.get_unchecked(h + 1) - *present.get_unchecked(a)) as f32;
            let span = *decay.get_unchecked(h - a + 1);
            let before_a = *before.get_unchecked(a);
            let after_end = *after.get_unchecked(h + 1);
            let below = *before.get_unchecked(h + 1) - span * before_a;
            let above = *after.get_unchecked(a) - span * after_end;
            let around = self.day_norm
                - *decay.get_unchecked((t + 1).saturating_sub(a).min(last)) * before_a
                - *decay.get_unchecked((h + 1).saturating_sub(t).min(last)) * after_end;
            let sum = if left {
                below
            } else if right {
                above
            } else {
                around
            };
            (n, sum, *decay.get_unchecked(distance.min(last)))
        };
        if !left && !right && sum <= 1e-30 {
            return window_ratio(model, e, a, h, t, j) as f32;
        }
        n * near / sum
    }
}

impl FactDays {
    /// The marginal ratio of the first fact a record holds: g(j | t) / q_i(j), g(j | t) =
    /// e^(-|j - t| / b) / Z(t) and q_i(j) = Q(j) / Q([the item's first day, the last day]).
    #[inline(always)]
    fn marginal_ratio(&self, model: &ReleaseModel, e: &ErrorModel, j: usize) -> f32 {
        debug_assert!(j < model.days);
        // SAFETY: j < days (a posting's day); decay holds days + 2 values, the counts days.
        unsafe {
            *e.decay.get_unchecked(j.abs_diff(self.t))
                * self.marginal
                * *model.inverse_day_count.get_unchecked(j)
        }
    }
}

/// D computed relative to the window's nearest day to t, for a window around a t so far from
/// every day with an entry that Z(t) underflows.
#[cold]
fn window_ratio(
    model: &ReleaseModel,
    errors: &ErrorModel,
    a: usize,
    h: usize,
    t: usize,
    j: usize,
) -> f64 {
    let b = errors.date_scale;
    let days: Vec<f64> = (a..=h)
        .filter(|&d| model.present(d))
        .map(|d| d.abs_diff(t) as f64)
        .collect();
    let nearest = days.iter().copied().fold(f64::INFINITY, f64::min);
    let total: f64 = days.iter().map(|&d| libm::exp(-(d - nearest) / b)).sum();
    days.len() as f64 * libm::exp(-(j.abs_diff(t) as f64 - nearest) / b) / total
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

/// One posting's X: `odds` x max(1, c / |r|) x the presence class's K_c / K (exactly 1 for a
/// record that lost nothing), for a record with window `w`.
#[inline(always)]
fn argument(odds: f32, coverage: f32, w: RecordWindow, presence: &impl ClassOdds) -> f32 {
    odds * (coverage * w.inverse_length).max(1.0) * presence.odds(w)
}

/// One posting's term: ln(1 + X), X its [`argument`].
#[inline(always)]
fn term(odds: f32, coverage: f32, w: RecordWindow, presence: &impl ClassOdds) -> f32 {
    let x = argument(odds, coverage, w, presence);
    ln_at_least_one(1.0 + x.min(MAX_ARGUMENT)).max(f32::MIN_POSITIVE)
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
    errors: &'a ErrorModel,
    /// Each record's length, window and presence class.
    windows: &'a [RecordWindow],
    /// What a capped record's terms differ by, for this aux record.
    presence: PresenceTerms,
    views: bool,
    shard_start: u32,
    order: TileOrder,
    /// The vector level of the logarithms (every level gives the same bits).
    pub(super) level: super::simd::Simd,
}

impl<'a> LikelihoodScatter<'a> {
    /// The scatter of `query` over `shard` of `release`; `windows` holds the [`record_windows`]
    /// of the shard.
    pub fn new(
        release: &'a Dataset,
        model: &'a ReleaseModel,
        errors: &'a ErrorModel,
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
            errors,
            windows,
            presence: errors.presence.terms(errors.wrong_rate, query.facts.len()),
            views: release.kind() == DatasetKind::Views,
            shard_start: shard.shard().start,
            order: TileOrder::new(shard),
            level: super::simd::level(),
        }
    }

    /// Adds the scores of the records of `tile` into `acc` (one slot per record of the tile,
    /// zero on entry); the tiles come in record order from the shard's start. The presence
    /// class's lacking term comes after the facts (a score still 0 tells the scatter that its
    /// record held no earlier fact).
    pub fn tile(&mut self, tile: CheckedShard, acc: &mut [f32]) {
        let bounds = self.order.take(tile, acc.len());
        let windows = &self.windows[(bounds.start - self.shard_start) as usize..][..acc.len()];
        // Without a capped class the odds factor is the constant 1, which the compiler drops.
        let presence = self.presence;
        if presence == PresenceTerms::NONE {
            self.scatter(bounds, acc, windows, &LostNothing);
        } else {
            self.scatter(bounds, acc, windows, &presence);
            presence.add_lacking(windows, acc);
        }
    }

    /// The facts' terms of the records `start..end` (`acc` and `windows` cover them), each
    /// posting's X multiplied by `presence`'s factor for its record.
    fn scatter(
        &mut self,
        Shard { start, end }: Shard,
        acc: &mut [f32],
        windows: &[RecordWindow],
        presence: &impl ClassOdds,
    ) {
        let (model, errors, views, level) = (self.model, self.errors, self.views, self.level);
        let scoring = (views, level, presence);
        for fact in &mut self.facts {
            let from = fact.next;
            let keys = &fact.postings.keys[from..];
            let t = &fact.tables;
            let rs = fact.postings.ratings.map(|x| &x[from..from + keys.len()]);
            let ds = fact.postings.days.map(|x| &x[from..from + keys.len()]);
            let bounds = (start, end);
            let rating = Ratings {
                table: &t.rating,
                values: rs,
            };
            fact.next += match (&t.days, ds) {
                (Some(days), Some(ds)) => {
                    let odds = Dated {
                        rating,
                        days: ds,
                        fact: days,
                        model,
                        errors,
                    };
                    add_terms(keys, bounds, acc, windows, scoring, t.coverage, &odds)
                }
                _ => add_terms(keys, bounds, acc, windows, scoring, t.coverage, &rating),
            };
        }
    }
}

/// K F D of one posting, given its record's window.
trait Odds {
    /// Of posting `k` (an index into the postings the caller sliced), whose record held no
    /// earlier fact of the aux record when `first`.
    fn odds(&self, k: usize, w: RecordWindow, first: bool) -> f32;
}

/// K F: the fact's rating table read at each posting's rating.
#[derive(Clone, Copy)]
struct Ratings<'a> {
    table: &'a [f32; 256],
    /// The postings' ratings, as long as their records; `None` without ratings.
    values: Option<&'a [u8]>,
}

impl Odds for Ratings<'_> {
    #[inline(always)]
    fn odds(&self, k: usize, _: RecordWindow, _: bool) -> f32 {
        match self.values {
            // SAFETY: the caller passes k below the postings' length, which `values` has.
            Some(rs) => self.table[unsafe { *rs.get_unchecked(k) } as usize],
            None => self.table[NO_RATING as usize],
        }
    }
}

/// K F D: the ratings' part times the date ratio.
struct Dated<'a> {
    rating: Ratings<'a>,
    /// The postings' days, as long as their records.
    days: &'a [u16],
    fact: &'a FactDays,
    model: &'a ReleaseModel,
    errors: &'a ErrorModel,
}

impl Odds for Dated<'_> {
    #[inline(always)]
    fn odds(&self, k: usize, w: RecordWindow, first: bool) -> f32 {
        // SAFETY: as for the ratings.
        let d = unsafe { *self.days.get_unchecked(k) };
        let rating = self.rating.odds(k, w, first);
        if d == NO_DAY {
            return rating;
        }
        let j = (d - self.model.first_day) as usize;
        let ratio = if first {
            self.fact.marginal_ratio(self.model, self.errors, j)
        } else {
            self.fact.ratio(self.model, self.errors, w, j)
        };
        rating * ratio
    }
}

/// Postings whose terms are computed together: their logarithms vectorize.
const CHUNK: usize = 64;

/// Adds the term of every posting `k` into `acc[records[k] - start]` (views: the best event of
/// each record), up to the first posting whose record is `end` or more; returns how many
/// postings it took. Every record taken lies in `start..end`, and `acc` and `windows` cover that
/// range (the tile of a checked shard). A record whose score is still 0 held no earlier fact
/// (every term is at least the smallest positive f32): its odds are the first fact's. For
/// ratings data, whole chunks of [`CHUNK`] postings inside the tile go through three loops (the
/// arguments X, the logarithms at the CPU's vector level, the additions); each term is the
/// same bits as one at a time, and is added in the same order.
#[inline(always)]
fn add_terms(
    records: &[u32],
    (start, end): (u32, u32),
    acc: &mut [f32],
    windows: &[RecordWindow],
    (views, level, presence): (bool, super::simd::Simd, &impl ClassOdds),
    coverage: f32,
    odds: &impl Odds,
) -> usize {
    assert_eq!(acc.len(), windows.len(), "one window per slot");
    let slot = |k: usize| {
        // SAFETY: k < records.len() at every call below.
        let slot = unsafe { *records.get_unchecked(k) }.wrapping_sub(start) as usize;
        debug_assert!(slot < windows.len());
        slot
    };
    let mut taken = 0;
    if views {
        // The postings of one record are consecutive: its best event counts.
        while taken < records.len() && records[taken] < end {
            let s = slot(taken);
            // SAFETY: start <= records[taken] < end (sorted postings of a checked tile), and
            // acc and windows cover start..end.
            let (w, first) = unsafe { (*windows.get_unchecked(s), *acc.get_unchecked(s) == 0.0) };
            let mut best = term(odds.odds(taken, w, first), coverage, w, presence);
            taken += 1;
            while taken < records.len() && records[taken] == records[taken - 1] {
                best = best.max(term(odds.odds(taken, w, first), coverage, w, presence));
                taken += 1;
            }
            // SAFETY: as above.
            unsafe { *acc.get_unchecked_mut(s) += best };
        }
        return taken;
    }
    let mut x = [0f32; CHUNK];
    while taken + CHUNK <= records.len() && records[taken + CHUNK - 1] < end {
        for (k, v) in x.iter_mut().enumerate() {
            let s = slot(taken + k);
            // SAFETY: the postings are sorted and those before `taken` were at least `start`
            // (checked tile), the last of the chunk is below `end`: start <= record < end, and
            // acc and windows cover start..end.
            let (w, first) = unsafe { (*windows.get_unchecked(s), *acc.get_unchecked(s) == 0.0) };
            *v = argument(odds.odds(taken + k, w, first), coverage, w, presence);
        }
        logarithms(&mut x, level);
        for (k, &v) in x.iter().enumerate() {
            // SAFETY: as above. The postings of one item name distinct records in ratings data,
            // so no term of this chunk was read above as an earlier fact's.
            unsafe { *acc.get_unchecked_mut(slot(taken + k)) += v };
        }
        taken += CHUNK;
    }
    while taken < records.len() && records[taken] < end {
        let s = slot(taken);
        // SAFETY: as in the views' loop.
        unsafe {
            let (w, first) = (*windows.get_unchecked(s), *acc.get_unchecked(s) == 0.0);
            *acc.get_unchecked_mut(s) += term(odds.odds(taken, w, first), coverage, w, presence);
        }
        taken += 1;
    }
    taken
}

/// x -> ln(1 + min(x, MAX_ARGUMENT)) over a chunk, at the vector level `level`.
#[inline(always)]
fn logarithms(x: &mut [f32; CHUNK], level: super::simd::Simd) {
    #[inline(always)]
    fn each(x: &mut [f32; CHUNK]) {
        for v in x.iter_mut() {
            *v = ln_at_least_one(1.0 + v.min(MAX_ARGUMENT)).max(f32::MIN_POSITIVE);
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

    /// Every vector level gives the same bits, whatever the tiling and wherever the shard
    /// starts: on ratings (facts lacking the rating, the day or both) and on view logs, without
    /// a cap and with one that some records reach.
    #[test]
    fn every_simd_level_gives_the_same_bits() {
        use crate::attack::algorithm::for_each_tile;
        use crate::attack::kernel::simd::Simd;
        use crate::attack::shard::BLOCK;
        use crate::dataset::generate::Preset;
        let levels: Vec<Simd> = Simd::supported().collect();
        for preset in [Preset::NetflixLike, Preset::ViewsLike] {
            let (data, queries) = super::super::tests::level_inputs(preset);
            let stats = crate::attack::shard::ReleaseStats::of(&data);
            let model = ReleaseModel::of(&data, &stats);
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
            let caps = [0, 40].map(|cap| Presence {
                cap,
                capped_length: 0.0,
            });
            for (shard, presence) in shards.into_iter().flat_map(|s| caps.map(|p| (s, p))) {
                let errors = ErrorModel::new(0.1, 0.5, 14.0, &model).with_presence(presence);
                let windows = record_windows(&data, &model, &presence, shard.shard());
                assert_eq!(
                    windows.iter().any(|w| w.capped),
                    presence.cap > 0,
                    "both classes"
                );
                for q in &queries {
                    let mut first: Option<Vec<u32>> = None;
                    for &level in &levels {
                        for tile in [BLOCK, 1 << 30] {
                            let mut acc = vec![0f32; shard.len()];
                            let mut scatter =
                                LikelihoodScatter::new(&data, &model, &errors, &windows, q, shard);
                            scatter.level = level;
                            let tiles: Vec<_> = shard.tiles(tile).collect();
                            for_each_tile(&tiles, &mut acc, |t, part| scatter.tile(t, part));
                            let bits: Vec<u32> = acc.iter().map(|v| v.to_bits()).collect();
                            assert!(bits.iter().any(|&b| b != 0), "something scored");
                            match &first {
                                None => first = Some(bits),
                                Some(f) => assert!(f == &bits, "{preset:?} {level:?} {tile}"),
                            }
                        }
                    }
                }
            }
        }
    }

    /// A window around a date far from every day with an entry (Z(t) underflows) still gets
    /// the definition's D, computed relative to the window's nearest day.
    #[test]
    fn a_date_far_from_every_day_keeps_its_ratio() {
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
            dated_before: vec![0; days + 1],
            inverse_day_count: vec![0.0; days],
            item_first: vec![0],
        };
        let errors = ErrorModel::new(0.1, 0.5, 0.5, &model);
        let fact = QueryFact {
            item: 0,
            rating: NO_RATING,
            day: 11_000,
        };
        let f = FactDays::new(&model, &errors, fact).unwrap();
        assert!(f.day_norm <= 1e-30, "the path under test");
        let w = RecordWindow {
            inverse_length: 1.0,
            first: 0,
            last: 1999,
            capped: false,
        };
        // Days 0 and 1999 are 1000 and 999 days from t: D = 2 e^-2 / (1 + e^-2) and 2 / (1 + e^-2).
        let near = 2.0 / (1.0 + (-2f64).exp());
        let d = |j| f.ratio(&model, &errors, w, j) as f64;
        assert!((d(1999) - near).abs() < 1e-6, "{}", d(1999));
        assert!((d(0) - (2.0 - near)).abs() < 1e-6, "{}", d(0));
    }
}
