//! The Scoreboard-RH scatter: the item weights and each fact's similarity tables, the scatter of
//! a shard's postings into the accumulator tile by tile, and the adjustments of its scores
//! (ruling out by count, length normalization); also the benchmarks' reference pass.

use super::simd::{self, Simd};
#[cfg(target_arch = "x86_64")]
use super::wide;
use crate::attack::query::Query;
use crate::attack::shard::{CheckedShard, Shard, shard_postings};
use crate::dataset::{Dataset, DatasetKind, Entries, NO_DAY, NO_RATING};

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
pub(super) struct FactTables {
    /// `wt * exp(-|ra - x| / 2 / rho0)` for x in half stars; 0 for the missing value 255.
    pub(super) rating: [f32; 256],
    /// `wt * exp(-|da - (first_day + j)| / d0)` for j in the date range, then one 0 for
    /// missing dates (and anything out of range).
    pub(super) day: Vec<f32>,
}

impl FactTables {
    /// No tables (a fact whose term is a constant).
    const NONE: FactTables = FactTables {
        rating: [0.0; 256],
        day: Vec::new(),
    };

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
            // Slot j is day first_day + j, at |c - j| days from the aux's, c = day - first_day:
            // the slots up to c read day_sim backwards, the rest forwards (two loops that
            // vectorize; a posting costs about 16 instructions, and the table has a slot per
            // day of the release).
            let c = day as i64 - ctx.first_day as i64;
            let before = (c + 1).clamp(0, ctx.days as i64) as usize;
            let (early, late) = day_table[..ctx.days].split_at_mut(before);
            // early: j = 0..before, d = c - j, from c down to c - before + 1.
            if before > 0 {
                let down = &ctx.day_sim[(c + 1) as usize - before..(c + 1) as usize];
                for (slot, &sim) in early.iter_mut().zip(down.iter().rev()) {
                    *slot = (weight * sim) as f32;
                }
            }
            // late: j = before..days, d = j - c, from before - c (>= 1) up.
            if !late.is_empty() {
                let up = &ctx.day_sim[(before as i64 - c) as usize..];
                for (slot, &sim) in late.iter_mut().zip(up) {
                    *slot = (weight * sim) as f32;
                }
            }
        }
        FactTables {
            rating: rating_table,
            day: day_table,
        }
    }

    #[inline(always)]
    pub(super) fn rating(&self, x: u8) -> f32 {
        self.rating[x as usize]
    }

    #[inline(always)]
    pub(super) fn day(&self, first_day: u16, d: u16) -> f32 {
        let j = (d.wrapping_sub(first_day) as usize).min(self.day.len() - 1);
        // SAFETY: j <= day.len() - 1, and day.len() >= 1.
        unsafe { *self.day.get_unchecked(j) }
    }
}

/// Adds `sim(k)` for every posting `k` into `acc[records[k] - start]` (views: the best event of
/// each record), up to the first posting whose record is `end` or more; returns how many
/// postings it took. Every record it takes must be `start` or more and every slot below
/// `acc.len()`: the postings come from [`shard_postings`] for a [`CheckedShard`] that `acc`
/// covers from `start` to `end` (the callers check `acc.len()`), in record order.
#[inline(always)]
pub(super) fn add_postings(
    records: &[u32],
    (start, end): (u32, u32),
    acc: &mut [f32],
    views: bool,
    sim: impl Fn(usize) -> f32,
) -> usize {
    debug_assert!(acc.len() >= (end - start) as usize);
    let mut k = 0;
    if !views {
        while k < records.len() && records[k] < end {
            let slot = records[k].wrapping_sub(start) as usize;
            debug_assert!(slot < acc.len());
            // SAFETY: start <= records[k] < end <= start + acc.len() (see above). This is the
            // attack's hot loop, where a bounds check costs (docs/performance.md).
            unsafe { *acc.get_unchecked_mut(slot) += sim(k) };
            k += 1;
        }
        return k;
    }
    while k < records.len() && records[k] < end {
        let r = records[k];
        let mut best = sim(k);
        k += 1;
        while k < records.len() && records[k] == r {
            best = best.max(sim(k));
            k += 1;
        }
        acc[(r - start) as usize] += best;
    }
    k
}

/// Adds one aux record's Scoreboard-RH scores of the records of `shard` into `acc` (all zero,
/// one slot per record of the shard: record r at `r - shard.start`). `shard` must be a shard of
/// `release`. [`RhScatter`] in one tile.
pub fn scatter_rh(
    release: &Dataset,
    ctx: &RhContext,
    query: &Query,
    shard: CheckedShard,
    acc: &mut [f32],
) {
    RhScatter::new(release, ctx, query, shard).tile(shard, acc);
}

/// What one fact adds per posting.
#[derive(Clone, Copy)]
enum Term {
    /// The rating and the day terms.
    Both,
    Rating,
    Day,
    /// The weight alone (the aux has neither value).
    Constant(f32),
}

/// One fact of an aux record, ready to scatter.
struct FactScatter<'a> {
    /// The shard's postings of the fact's item.
    postings: Entries<'a>,
    term: Term,
    tables: FactTables,
    /// The first posting not yet scattered (the tiles before have taken the rest).
    next: usize,
}

/// Where a scatter stands in its shard's tiles: the next tile must start where the last ended.
#[derive(Clone, Copy, Debug)]
pub(super) struct TileOrder {
    next_start: u32,
    end: u32,
}

impl TileOrder {
    /// Before the first tile of `shard`.
    pub(super) fn new(shard: CheckedShard) -> TileOrder {
        TileOrder {
            next_start: shard.shard().start,
            end: shard.shard().end,
        }
    }

    /// Takes `tile`, whose accumulator slice is `slots` long: panics unless it is the next tile
    /// and the slice covers it.
    pub(super) fn take(&mut self, tile: CheckedShard, slots: usize) -> Shard {
        let shard = tile.shard();
        assert!(
            shard.start == self.next_start && shard.end <= self.end,
            "tiles come in order"
        );
        assert_eq!(slots, tile.len(), "one accumulator slot per record");
        self.next_start = shard.end;
        shard
    }
}

/// One aux record's Scoreboard-RH scatter over a shard, tile by tile: the facts' similarity
/// tables are built once, and each fact keeps a cursor into its postings: a tile takes the
/// postings from the cursor up to the first beyond the tile, checked as the loop goes. (Two
/// binary searches per tile and fact over an item's postings cost 7% of the kernel on the
/// full-scale twin, every probe a cache miss.)
///
/// With AVX-512 ([`simd::level`]) and ratings data, 16 postings are added at a time: their
/// similarity terms gathered from the tables and their records' scores gathered, added to and
/// scattered back. The postings of one item name distinct records in ratings data (the store
/// holds one entry per record and item), so no two lanes of a scatter collide; view logs, whose
/// records may repeat, keep the scalar loop. Each score receives the same additions in the same
/// order at every level, so the results are bit for bit the same.
pub struct RhScatter<'a> {
    facts: Vec<FactScatter<'a>>,
    views: bool,
    first_day: u16,
    pub(super) level: Simd,
    order: TileOrder,
}

impl<'a> RhScatter<'a> {
    /// The scatter of `query` over `shard` of `release`.
    pub fn new(
        release: &'a Dataset,
        ctx: &RhContext,
        query: &Query,
        shard: CheckedShard,
    ) -> RhScatter<'a> {
        let views = release.kind() == DatasetKind::Views;
        let facts = query
            .facts
            .iter()
            .filter_map(|fact| {
                let postings = shard_postings(release, fact.item, shard.shard());
                let weight = ctx.weights[fact.item as usize];
                let use_rating = fact.rating != NO_RATING && postings.ratings.is_some();
                let use_day = fact.day != NO_DAY && postings.days.is_some();
                let term = match (use_rating, use_day) {
                    (true, true) => Term::Both,
                    (true, false) => Term::Rating,
                    (false, true) => Term::Day,
                    (false, false) if fact.rating == NO_RATING && fact.day == NO_DAY => {
                        Term::Constant(weight as f32)
                    }
                    // The aux has a value the release lacks entirely: 0 for everyone.
                    (false, false) => return None,
                };
                let tables = match term {
                    Term::Constant(_) => FactTables::NONE,
                    _ => FactTables::new(ctx, weight, fact.rating, fact.day),
                };
                Some(FactScatter {
                    postings,
                    term,
                    tables,
                    next: 0,
                })
            })
            .collect();
        RhScatter {
            facts,
            views,
            first_day: ctx.first_day,
            level: simd::level(),
            order: TileOrder::new(shard),
        }
    }

    /// Adds the scores of the records of `tile` into `acc` (one slot per record of the tile,
    /// zero on entry). The tiles must come in record order and cover the shard from its start
    /// ([`CheckedShard::tiles`]).
    pub fn tile(&mut self, tile: CheckedShard, acc: &mut [f32]) {
        let Shard { start, end } = self.order.take(tile, acc.len());
        let (views, first_day) = (self.views, self.first_day);
        for fact in &mut self.facts {
            // Every posting before `next` names a record below `start` (earlier tiles), and the
            // shard's postings are sorted: the tile's postings are the next ones below `end`.
            let from = fact.next;
            let keys = &fact.postings.keys[from..];
            let t = &fact.tables;
            let rs = fact.postings.ratings.map(|x| &x[from..]);
            let ds = fact.postings.days.map(|x| &x[from..]);
            let bounds = (start, end);
            #[cfg(target_arch = "x86_64")]
            if self.level == Simd::Avx512 && !views {
                // SAFETY: AVX-512F is available (the level); the keys are distinct (ratings
                // data), sorted and at least `start`; rs and ds are as long as keys.
                fact.next += unsafe {
                    match fact.term {
                        Term::Both => wide::add_both(
                            keys,
                            rs.expect("Term::Both has ratings"),
                            ds.expect("Term::Both has days"),
                            bounds,
                            acc,
                            t,
                            first_day,
                        ),
                        Term::Rating => wide::add_rating(
                            keys,
                            rs.expect("Term::Rating has ratings"),
                            bounds,
                            acc,
                            t,
                        ),
                        Term::Day => wide::add_day(
                            keys,
                            ds.expect("Term::Day has days"),
                            bounds,
                            acc,
                            t,
                            first_day,
                        ),
                        Term::Constant(w) => wide::add_constant(keys, bounds, acc, w),
                    }
                };
                continue;
            }
            fact.next += match fact.term {
                Term::Both => {
                    let (rs, ds) = (rs.expect("checked"), ds.expect("checked"));
                    let (rs, ds) = (&rs[..keys.len()], &ds[..keys.len()]);
                    add_postings(keys, bounds, acc, views, |k| {
                        // SAFETY: k < keys.len() = rs.len() = ds.len() (sliced above).
                        let (x, d) = unsafe { (*rs.get_unchecked(k), *ds.get_unchecked(k)) };
                        t.rating(x) + t.day(first_day, d)
                    })
                }
                Term::Rating => {
                    let rs = rs.expect("checked");
                    add_postings(keys, bounds, acc, views, |k| t.rating(rs[k]))
                }
                Term::Day => {
                    let ds = ds.expect("checked");
                    add_postings(keys, bounds, acc, views, |k| t.day(first_day, ds[k]))
                }
                Term::Constant(w) => add_postings(keys, bounds, acc, views, |_| w),
            };
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The day table, built in two vectorizable runs, equals the direct formula for aux days
    /// before, inside and after the release's range.
    #[test]
    fn day_table_matches_the_formula() {
        let ctx = RhContext {
            weights: vec![],
            rating_sim: vec![0.0; 256],
            day_sim: (0..65_536).map(|d| (-(d as f64) / 30.0).exp()).collect(),
            first_day: 1000,
            days: 50,
        };
        for day in [0u16, 900, 999, 1000, 1001, 1020, 1049, 1050, 1100, 65_534] {
            let t = FactTables::new(&ctx, 0.3, NO_RATING, day);
            assert_eq!(t.day.len(), 51);
            for (j, &v) in t.day.iter().enumerate().take(50) {
                let d = (day as i64 - (1000 + j as i64)).unsigned_abs() as usize;
                assert_eq!(v, (0.3 * ctx.day_sim[d]) as f32, "day {day} slot {j}");
            }
            assert_eq!(t.day[50], 0.0);
        }
    }
}
