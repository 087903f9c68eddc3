//! The scoring kernels: one aux record against every released record, into a dense per-worker
//! accumulator, followed by passes over the accumulator that produce the statistics and reset
//! it to zero.
//!
//! Scoreboard-RH (docs/method.md section 3): for each fact on item i, every posting (record, rating,
//! day) of i adds wt(i) * sim, sim = exp(-|dr| / rho0) + exp(-|dd| / d0), a term dropped when
//! the aux lacks the value, sim = 1 when it lacks both. Before a fact's postings are scanned,
//! its two terms are tabulated with the weight folded in: one entry per rating value (256) and
//! one per day of the release's date range, so a posting costs two loads and an add. A released
//! entry without a rating or a date contributes 0 for that term. For view logs, a record's
//! postings of one item are consecutive, and only its best event counts. [`RhScatter`] scatters
//! a shard tile by tile, the tables built once per aux record and a cursor kept per fact; with
//! AVX-512 on ratings data, 16 postings at a time by gather and scatter (`wide.rs`).
//!
//! After scattering, two streaming passes, both in blocks of [`BLOCK`] records aligned to the
//! global record index, with f32 sums in 16 fixed lanes per block, added in a fixed order and
//! turned into 64.64 fixed point once per block ([`super::partial`]), so that no result depends
//! on the thread count or the partition:
//! 1. [`summarize`]: the sum and sum of squares (sigma) and the top two (ties: the smaller
//!    record index stays first; a block is rescanned, only its vectors holding a score above
//!    the running second or equal to the best, when its maximum is such a score). Four blocks
//!    are summed at once (each in its own lanes, the same bits as one at a time) so that their
//!    dependency chains overlap. For the Scoreboard-RH family, [`summarize_and_pack`] also
//!    packs each block's nonzero scores to its front, in record order, in place while the block
//!    is in the L1 cache, and zeroes the rest;
//! 2. [`spread`]: the entropic output's sums (Pr[r] proportional to exp(score / sigma), the best
//!    score as reference) and the reset, reading only the packed scores (last block first,
//!    where the first pass left them in the cache), vector by vector up to the first vector
//!    that ends in a 0: exp() runs over those, and the records scoring 0 (most
//!    of them: an aux record of 8 facts gives a nonzero score to about 28% of the full-scale
//!    twin's records) are counted, their terms, all equal, added by the owner in closed form.
//!
//! The single-process attack scores an aux record in one tile's accumulator instead:
//! [`summarize_and_stash`] moves each block's packed scores to a stash as it packs them, and
//! [`spread_stash`] reads the same vectors there (the same sums, bit for bit).
//!
//! Everything is compiled for baseline x86-64, AVX2 and AVX-512, the level picked at run time
//! ([`simd`]); the arithmetic is the same at every level, and so are the results, bit for bit
//! (the packing moves values only; the gathers and scatters add the same terms in the same
//! order). A test compares the levels the CPU has.
//!
//! Every block of 512 records is touched by an aux record of 8 facts on the full-scale twin
//! (popular items have postings in every block), so the passes do not skip untouched blocks: a
//! bit per block would cost a store per posting and skip nothing there.

use super::partial::{Spread, Summary, to_fixed};
use super::query::Query;
use super::shard::{BLOCK, CheckedShard, Shard, shard_postings};
use crate::dataset::{Dataset, DatasetKind, Entries, NO_DAY, NO_RATING};

mod pack;
pub mod simd;
mod wide;

use simd::Simd;

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
/// each record), up to the first posting whose record is `end` or more; returns how many
/// postings it took. Every record it takes must be `start` or more and every slot below
/// `acc.len()`: the postings come from [`shard_postings`] for a [`CheckedShard`] that `acc`
/// covers from `start` to `end` (the callers check `acc.len()`), in record order.
#[inline(always)]
fn add_postings(
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
            // attack's hot loop, where the bounds check cost a measured 10-15%.
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
    level: Simd,
    /// Where the next tile must start; the shard's end.
    next_start: u32,
    end: u32,
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
            next_start: shard.shard().start,
            end: shard.shard().end,
        }
    }

    /// Adds the scores of the records of `tile` into `acc` (one slot per record of the tile,
    /// zero on entry). The tiles must come in record order and cover the shard from its start
    /// ([`CheckedShard::tiles`]).
    pub fn tile(&mut self, tile: CheckedShard, acc: &mut [f32]) {
        let Shard { start, end } = tile.shard();
        assert!(
            start == self.next_start && end <= self.end,
            "tiles come in order"
        );
        assert_eq!(acc.len(), tile.len(), "one accumulator slot per record");
        self.next_start = end;
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
        add_postings(postings.keys, (shard.start, shard.end), acc, views, |k| {
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

/// f32 lanes of the passes' sums (two AVX2 vectors).
const LANES: usize = 16;

/// Defines `$name(level, args)`, which runs `$body` (an `#[inline(always)]` function) compiled
/// for the instruction set `level` names (which the CPU must have: [`simd::level`] or one of
/// [`Simd::supported`]); the same arithmetic at every level.
macro_rules! dispatch_simd {
    ($name:ident, ($($arg:ident: $ty:ty),*) -> $ret:ty, $body:ident) => {
        fn $name(level: Simd, $($arg: $ty),*) -> $ret {
            #[cfg(target_arch = "x86_64")]
            {
                #[target_feature(enable = "avx512f,avx2,popcnt")]
                unsafe fn with_avx512($($arg: $ty),*) -> $ret {
                    $body($($arg),*)
                }
                #[target_feature(enable = "avx2,popcnt")]
                unsafe fn with_avx2($($arg: $ty),*) -> $ret {
                    $body($($arg),*)
                }
                match level {
                    // SAFETY: the CPU supports the level (the caller's contract, checked by
                    // `Simd::detected`).
                    Simd::Avx512 => return unsafe { with_avx512($($arg),*) },
                    Simd::Avx2 => return unsafe { with_avx2($($arg),*) },
                    Simd::Baseline => {}
                }
            }
            let _ = level;
            $body($($arg),*)
        }
    };
}

dispatch_simd!(summary_pass, (acc: &[f32], start: u32) -> Summary, summary_lanes);

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
    summary_pass(simd::level(), acc, shard.start)
}

/// The sums of one block's scores: f32 lane sums and sums of squares, and the block maximum.
#[derive(Clone, Copy)]
struct BlockSums {
    sum: [f32; LANES],
    squares: [f32; LANES],
    max: [f32; LANES],
}

impl BlockSums {
    const ZERO: BlockSums = BlockSums {
        sum: [0.0; LANES],
        squares: [0.0; LANES],
        max: [f32::NEG_INFINITY; LANES],
    };

    /// Adds [`LANES`] consecutive scores (one per lane).
    #[inline(always)]
    #[allow(clippy::needless_range_loop)] // lane l of four arrays: the form that vectorizes
    fn add(&mut self, c: &[f32]) {
        for l in 0..LANES {
            self.sum[l] += c[l];
            self.squares[l] += c[l] * c[l];
            // Compare-and-select so that it vectorizes (f32::max's NaN rules keep it scalar;
            // scores are never NaN).
            self.max[l] = if c[l] > self.max[l] {
                c[l]
            } else {
                self.max[l]
            };
        }
    }

    /// The sums of a block of any length (the last block of a shard may be short).
    #[inline(always)]
    fn of(block: &[f32]) -> BlockSums {
        let mut s = BlockSums::ZERO;
        let chunks = block.chunks_exact(LANES);
        let tail = chunks.remainder();
        for c in chunks {
            s.add(c);
        }
        for (l, &v) in tail.iter().enumerate() {
            s.sum[l] += v;
            s.squares[l] += v * v;
            s.max[l] = if v > s.max[l] { v } else { s.max[l] };
        }
        s
    }

    /// The sums of [`GROUP`] full blocks, interleaved: each block's lanes add in the same
    /// order as [`BlockSums::of`] (the same bits), but the blocks' dependency chains overlap.
    #[inline(always)]
    fn of_group(blocks: &[f32]) -> [BlockSums; GROUP] {
        debug_assert_eq!(blocks.len(), GROUP * BLOCK);
        let mut s = [BlockSums::ZERO; GROUP];
        for i in (0..BLOCK).step_by(LANES) {
            for (g, sums) in s.iter_mut().enumerate() {
                sums.add(&blocks[g * BLOCK + i..g * BLOCK + i + LANES]);
            }
        }
        s
    }

    fn block_max(&self) -> f32 {
        self.max.iter().copied().fold(f32::NEG_INFINITY, f32::max)
    }
}

/// A block's lane sums added in f32 in a fixed order (halving: lane l + lane l + w/2), then in
/// 64.64 fixed point: one conversion per block and quantity (converting every lane cost a fifth
/// of the passes).
#[inline(always)]
fn lanes_to_fixed(mut l: [f32; LANES]) -> i128 {
    let mut width = LANES;
    while width > 1 {
        width /= 2;
        for k in 0..width {
            l[k] += l[k + width];
        }
    }
    to_fixed(l[0])
}

/// Full blocks whose first-pass sums run interleaved.
const GROUP: usize = 4;

/// The first pass's running state over the blocks of a shard, in record order.
struct Summing {
    top: Top2,
    sum: i128,
    sum_squares: i128,
    /// The shard's first record.
    start: u32,
}

impl Summing {
    fn new(start: u32) -> Summing {
        Summing {
            top: Top2::EMPTY,
            sum: 0,
            sum_squares: 0,
            start,
        }
    }

    /// Adds the blocks `blocks` (whole blocks but perhaps the shard's last), the first of which
    /// is block `first_block` of the shard: groups of [`GROUP`] at once, then one at a time.
    #[inline(always)]
    fn blocks(&mut self, blocks: &[f32], first_block: usize) {
        let groups = blocks.len() / (GROUP * BLOCK);
        for (g, group) in blocks.chunks_exact(GROUP * BLOCK).enumerate() {
            for (k, sums) in BlockSums::of_group(group).iter().enumerate() {
                let b = g * GROUP + k;
                self.fold(first_block + b, &blocks[b * BLOCK..(b + 1) * BLOCK], sums);
            }
        }
        let rest = groups * GROUP;
        for (k, block) in blocks[rest * BLOCK..].chunks(BLOCK).enumerate() {
            self.fold(first_block + rest + k, block, &BlockSums::of(block));
        }
    }

    #[inline(always)]
    fn fold(&mut self, b: usize, block: &[f32], sums: &BlockSums) {
        self.sum += lanes_to_fixed(sums.sum);
        self.sum_squares += lanes_to_fixed(sums.squares);
        let max = sums.block_max();
        // A block can change the top two only with a score above the second, or tie the best.
        if max > self.top.second || max == self.top.best {
            // Then only the vectors holding such a score, in order (the second only grows, so
            // a vector skipped under the current top two could not have changed them).
            let first = self.start + (b * BLOCK) as u32;
            for (c, chunk) in block.chunks(LANES).enumerate() {
                let (second, best) = (self.top.second, self.top.best);
                if chunk
                    .iter()
                    .fold(false, |any, &v| any | (v > second) | (v == best))
                {
                    for (k, &v) in chunk.iter().enumerate() {
                        self.top.see(first + (c * LANES + k) as u32, v);
                    }
                }
            }
        }
    }

    fn finish(self, records: usize) -> Summary {
        Summary {
            records: records as u64,
            sum: self.sum,
            sum_squares: self.sum_squares,
            best: self.top.best,
            best_record: self.top.best_idx,
            second: self.top.second,
            tied: self.top.tied,
        }
    }
}

#[inline(always)]
fn summary_lanes(acc: &[f32], start: u32) -> Summary {
    let mut summing = Summing::new(start);
    summing.blocks(acc, 0);
    summing.finish(acc.len())
}

/// The first pass of the Scoreboard-RH family over a shard's scores: [`summarize`], and each
/// block's nonzero scores packed to its front, in record order, the rest of the block zeroed
/// (while the block is still in the L1 cache), for [`spread`]. Record indices are lost: only
/// for algorithms whose second pass needs the scores' values alone.
pub fn summarize_and_pack(acc: &mut [f32], shard: Shard) -> Summary {
    summarize_and_pack_at(simd::level(), acc, shard, None)
}

/// [`summarize_and_pack`], each block's packed scores then moved to the end of `stash`, as
/// [`spread`] would read them (whole vectors of 16 scores up to the first that ends in a 0, a
/// short block's last vector padded with zeros), leaving `acc` zero: [`spread_stash`] reads
/// the same vectors and gives the same sums. An aux record can then be scored in one
/// tile-sized accumulator, which stays in the cache, keeping only its packed scores for the
/// second pass.
pub fn summarize_and_stash(acc: &mut [f32], shard: Shard, stash: &mut Vec<f32>) -> Summary {
    summarize_and_pack_at(simd::level(), acc, shard, Some(stash))
}

/// [`summarize_and_pack`] at `level` (which the CPU must support), stashing when `stash` is
/// given ([`summarize_and_stash`]).
fn summarize_and_pack_at(
    level: Simd,
    acc: &mut [f32],
    shard: Shard,
    stash: Option<&mut Vec<f32>>,
) -> Summary {
    assert_eq!(acc.len(), shard.len(), "one accumulator slot per record");
    assert_eq!(shard.start as usize % BLOCK, 0, "shards start on a block");
    #[cfg(target_arch = "x86_64")]
    match level {
        // SAFETY: the CPU supports the level (the caller's contract).
        Simd::Avx512 => return unsafe { summary_pack_avx512(acc, shard.start, stash) },
        Simd::Avx2 => return unsafe { summary_pack_avx2(acc, shard.start, stash) },
        Simd::Baseline => {}
    }
    summary_pack_lanes(acc, shard.start, stash, pack::scalar)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,popcnt")]
unsafe fn summary_pack_avx2(acc: &mut [f32], start: u32, stash: Option<&mut Vec<f32>>) -> Summary {
    // SAFETY (of the packing): this function runs only where AVX2 and POPCNT are.
    summary_pack_lanes(acc, start, stash, |b| unsafe { pack::avx2(b) })
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx2,popcnt")]
unsafe fn summary_pack_avx512(
    acc: &mut [f32],
    start: u32,
    stash: Option<&mut Vec<f32>>,
) -> Summary {
    // SAFETY (of the packing): this function runs only where AVX-512F and POPCNT are.
    summary_pack_lanes(acc, start, stash, |b| unsafe { pack::avx512(b) })
}

#[inline(always)]
fn summary_pack_lanes(
    acc: &mut [f32],
    start: u32,
    mut stash: Option<&mut Vec<f32>>,
    pack: impl Fn(&mut [f32]) -> usize,
) -> Summary {
    let records = acc.len();
    if let Some(stash) = stash.as_deref_mut() {
        stash.reserve(records + LANES);
    }
    let mut summing = Summing::new(start);
    for (g, group) in acc.chunks_mut(GROUP * BLOCK).enumerate() {
        summing.blocks(group, g * GROUP);
        for block in group.chunks_mut(BLOCK) {
            let packed = pack(block);
            if let Some(stash) = stash.as_deref_mut() {
                stash_block(block, packed, stash);
            }
        }
    }
    summing.finish(records)
}

/// Moves a packed block's vectors, as [`entropic_lanes`] reads them, to the end of `stash`, and
/// zeroes them: up to the first vector that ends in a 0 (the one holding the `packed`-th
/// score, or the next), at most the block's, the last padded to a whole vector.
#[inline(always)]
fn stash_block(block: &mut [f32], packed: usize, stash: &mut Vec<f32>) {
    let vectors = (packed / LANES + 1).min(block.len().div_ceil(LANES));
    let values = (vectors * LANES).min(block.len());
    stash.extend_from_slice(&block[..values]);
    stash.resize(stash.len() + vectors * LANES - values, 0.0);
    block[..values].fill(0.0);
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

/// The second pass of Scoreboard-RH over a shard's scores, packed by [`summarize_and_pack`]:
/// the entropic output's sums over the records whose score is not 0 (sum of exp(x) and of
/// x exp(x), x = (score - reference) * inv_sigma, 64.64 fixed point), with `reference` the best
/// score over all shards, so every exponent is <= 0, and the number of records whose score is
/// 0: their terms are all exp((0 - reference) * inv_sigma), which the owner adds in closed form
/// ([`Spread::entropic_sums`]). Resets `acc`.
///
/// Block by block, only the packed scores are read (and zeroed), in place: exp() runs over them,
/// the k-th of a block in lane k mod 16. On the full-scale twin 72% of the records score 0 for
/// an aux record of 8 facts.
///
/// [`Spread::entropic_sums`]: super::partial::Spread::entropic_sums
pub fn spread(acc: &mut [f32], reference: f32, inv_sigma: f32) -> Spread {
    spread_pass(simd::level(), acc, reference, inv_sigma)
}

dispatch_simd!(spread_pass, (acc: &mut [f32], reference: f32, inv: f32) -> Spread, spread_lanes);

#[inline(always)]
fn spread_lanes(acc: &mut [f32], reference: f32, inv: f32) -> Spread {
    let mut sums = EntropicSums::default();
    // Last block first: the first pass left the shard's last tiles in the cache, and reading
    // them before the rest hits there (in record order, an accumulator about the cache's size
    // would evict each block just before it is read). The sums are integers: any order gives
    // the same bits.
    for block in acc.chunks_mut(BLOCK).rev() {
        if block.len() == BLOCK {
            let read = sums.block(block, BLOCK, reference, inv);
            block[..read].fill(0.0);
        } else {
            // The shard's last block, short: whole vectors from a copy.
            let mut copy = [0f32; BLOCK];
            copy[..block.len()].copy_from_slice(block);
            block.fill(0.0);
            sums.block(&copy, block.len(), reference, inv);
        }
    }
    sums.spread()
}

/// The second pass of the Scoreboard-RH family over a shard's packed scores moved out of the
/// accumulator by [`summarize_and_stash`]: the same sums as [`spread`] over the accumulator
/// they came from, bit for bit. `records`: the shard's length.
pub fn spread_stash(stash: &[f32], records: usize, reference: f32, inv_sigma: f32) -> Spread {
    spread_stash_pass(simd::level(), stash, records, reference, inv_sigma)
}

dispatch_simd!(spread_stash_pass, (stash: &[f32], records: usize, reference: f32, inv: f32) -> Spread, spread_stash_lanes);

#[inline(always)]
fn spread_stash_lanes(stash: &[f32], records: usize, reference: f32, inv: f32) -> Spread {
    let mut sums = EntropicSums::default();
    let mut at = 0;
    for first in (0..records).step_by(BLOCK) {
        let len = BLOCK.min(records - first);
        at += sums.block(&stash[at..], len, reference, inv);
    }
    assert_eq!(at, stash.len(), "the stash holds one shard's packed blocks");
    sums.spread()
}

/// The entropic output's sums over packed blocks, block by block.
#[derive(Default)]
struct EntropicSums {
    z: i128,
    zx: i128,
    zeros: u64,
}

impl EntropicSums {
    /// Adds the packed block of `records` records whose vectors start `block` (at least as many
    /// vectors as it reads; a whole block's are read up to the first that ends in a zero, at
    /// most `records` rounded up to vectors): see [`entropic_lanes`]. Returns the number of
    /// values read.
    #[inline(always)]
    fn block(&mut self, block: &[f32], records: usize, reference: f32, inv: f32) -> usize {
        let values = (records.div_ceil(LANES) * LANES).min(block.len());
        let (bz, bzx, nonzero, read) = entropic_lanes(&block[..values], reference, inv);
        self.zeros += (records - nonzero) as u64;
        self.z += lanes_to_fixed(bz);
        self.zx += lanes_to_fixed(bzx);
        read
    }

    fn spread(self) -> Spread {
        Spread {
            z: self.z,
            zx: self.zx,
            zeros: self.zeros,
            pick: None,
        }
    }
}

/// Over a packed block (its nonzero scores first, then zeros; a multiple of [`LANES`] long):
/// the lane sums of exp(x) and x exp(x), x = (v - reference) * inv, over the nonzero scores v,
/// the k-th in lane k mod [`LANES`], how many there are, and how many values it read: whole
/// vectors up to the first that ends in a zero, or all of them.
#[inline(always)]
#[allow(clippy::needless_range_loop)] // lane l of several arrays: the form that vectorizes
fn entropic_lanes(
    block: &[f32],
    reference: f32,
    inv: f32,
) -> ([f32; LANES], [f32; LANES], usize, usize) {
    let mut bz = [0f32; LANES];
    let mut bzx = [0f32; LANES];
    let mut count = [0u32; LANES];
    let mut read = 0;
    for c in block.chunks_exact(LANES) {
        let last = c[LANES - 1];
        for l in 0..LANES {
            let v = c[l];
            let x = (v - reference) * inv;
            let e = exp_nonpositive(x);
            let keep = v != 0.0;
            let (e, xe) = if keep { (e, x * e) } else { (0.0, 0.0) };
            bz[l] += e;
            bzx[l] += xe;
            count[l] += keep as u32;
        }
        read += LANES;
        // Packed: a vector ending in a nonzero score may be followed by more.
        if last == 0.0 {
            break;
        }
    }
    (bz, bzx, count.iter().sum::<u32>() as usize, read)
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

    /// Every instruction set the CPU has scatters, summarizes and spreads to the same bits,
    /// whatever the tiling and wherever the shard starts: on ratings, with aux facts lacking
    /// the rating, the day or both (every kind of term), and on view logs.
    #[test]
    fn every_simd_level_gives_the_same_bits() {
        use crate::attack::algorithm::for_each_tile;
        use crate::attack::query::{self, QueryFact};
        use crate::auxiliary::sampler::{self, AuxParams};
        use crate::dataset::generate::{GenerateParams, Preset, generate};
        let levels: Vec<Simd> = Simd::supported().collect();
        for preset in [Preset::NetflixLike, Preset::ViewsLike] {
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
                                summaries.push(summarize_and_pack_at(
                                    level,
                                    part,
                                    t.shard(),
                                    stash,
                                ));
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
}
