//! Shards of a release and the partial results of scoring one aux record against one shard,
//! with their merge (the shape of tantivy's `Collector::merge_fruits`).
//!
//! A shard is a contiguous range of record indices that starts on a multiple of [`BLOCK`]. The
//! passes over a shard's scores sum in blocks of [`BLOCK`] records aligned to the global record
//! index, and turn each block's f32 lane sums into 64.64 fixed point (`i128`) before adding
//! them up. Integer addition is associative, and the blocks are the same whatever the
//! partition, so merging the partials of any partition, in shard order, gives bit for bit what
//! a single pass over all N records gives. Nothing in a partial grows with N: a partial is a
//! few dozen bytes whatever the size of the release.

use serde::{Deserialize, Serialize};

use crate::dataset::Dataset;

/// Records summed together in f32 lanes before the lanes go into the fixed-point totals.
pub const BLOCK: usize = 512;

const FIXED_ONE: f64 = 18_446_744_073_709_551_616.0; // 2^64

/// `v` in 64.64 fixed point, truncated toward zero: a pure function of `v`, so sums of these
/// do not depend on the order of addition.
///
/// Written with integer operations on the float's bits (v = m x 2^e), which cost a fraction of
/// a float-to-`i128` conversion; the result is the same as `(v as f64 * 2^64) as i128` for
/// every finite `v` below 2^38 (a test checks this), far above any sum of scores.
#[inline]
pub fn to_fixed(v: f32) -> i128 {
    let bits = v.to_bits();
    let exponent = ((bits >> 23) & 0xff) as i32;
    let fraction = bits & 0x7f_ffff;
    let (mantissa, e) = if exponent == 0 {
        (fraction, -149)
    } else {
        (fraction | 0x80_0000, exponent - 150)
    };
    let shift = e + 64;
    let magnitude = if shift >= 0 {
        (mantissa as i128) << shift.min(102)
    } else if shift > -24 {
        (mantissa >> -shift) as i128
    } else {
        0
    };
    if bits >> 31 == 1 {
        -magnitude
    } else {
        magnitude
    }
}

/// A 64.64 fixed-point value as f64.
#[inline]
pub fn from_fixed(v: i128) -> f64 {
    v as f64 / FIXED_ONE
}

/// A contiguous range of records `[start, end)`; `start` is a multiple of [`BLOCK`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shard {
    /// First record.
    pub start: u32,
    /// One past the last record.
    pub end: u32,
}

impl Shard {
    /// All records of `release` as one shard.
    pub fn whole(release: &Dataset) -> Shard {
        Shard {
            start: 0,
            end: release.num_records() as u32,
        }
    }

    /// Number of records.
    pub fn len(&self) -> usize {
        (self.end - self.start) as usize
    }

    /// Whether the shard holds no record.
    pub fn is_empty(&self) -> bool {
        self.end == self.start
    }
}

/// Splits the records of `release` into `parts` shards in record order, each starting on a
/// multiple of [`BLOCK`], balancing the work of a shard: its postings (the scatter) plus its
/// records (the passes over the scores). Shards may be empty when there are more parts than
/// blocks.
pub fn partition(release: &Dataset, parts: usize) -> Vec<Shard> {
    let n = release.num_records();
    let parts = parts.max(1);
    let offsets: &[u64] = &release.by_record().offsets;
    let work = |end: usize| offsets[end] + end as u64; // work of records [0, end)
    let total = work(n);
    let mut shards = Vec::with_capacity(parts);
    let mut start = 0usize;
    for p in 1..=parts {
        let end = if p == parts {
            n
        } else {
            let goal = total * p as u64 / parts as u64;
            // The first block boundary whose prefix work reaches the goal.
            let blocks = n / BLOCK;
            let (mut lo, mut hi) = (start / BLOCK, blocks);
            while lo < hi {
                let mid = (lo + hi) / 2;
                if work(mid * BLOCK) < goal {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            (lo * BLOCK).max(start)
        };
        shards.push(Shard {
            start: start as u32,
            end: end as u32,
        });
        start = end;
    }
    shards
}

/// Checks every posting the scoring of `shard` will use: within each item's postings, those of
/// the shard's records are in record order and inside the shard. A store opened with
/// `store::open_for_shards` is verified this way, shard by shard, before it is scored (the
/// scatter indexes its accumulator without bounds checks).
pub fn check_shard(release: &Dataset, shard: Shard) -> std::result::Result<(), String> {
    for item in 0..release.num_items() as u32 {
        let keys = super::kernel::shard_postings(release, item, shard).keys;
        let in_order = keys.windows(2).all(|w| w[0] <= w[1]);
        let inside = keys
            .first()
            .zip(keys.last())
            .is_none_or(|(&a, &b)| a >= shard.start && b < shard.end);
        if !in_order || !inside {
            return Err(format!(
                "the postings of item index {item} are out of order or out of range: the file is corrupt"
            ));
        }
    }
    Ok(())
}

/// The first pass's partial over one shard: sums for sigma and the top two.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// Records covered.
    pub records: u64,
    /// Sum of scores, 64.64 fixed point.
    pub sum: i128,
    /// Sum of squared scores, 64.64 fixed point.
    pub sum_squares: i128,
    /// Best score (-inf when no record).
    pub best: f32,
    /// Its record (the smallest index among ties).
    pub best_record: u32,
    /// Second-best score (equal to `best` on a tie).
    pub second: f32,
    /// Records whose score equals `best`.
    pub tied: u64,
}

impl Summary {
    /// The partial of no record.
    pub const EMPTY: Summary = Summary {
        records: 0,
        sum: 0,
        sum_squares: 0,
        best: f32::NEG_INFINITY,
        best_record: 0,
        second: f32::NEG_INFINITY,
        tied: 0,
    };

    /// Merges the partial of the shard that follows `self` in record order.
    pub fn merge(self, later: Summary) -> Summary {
        let (best, best_record, tied, second) = if later.best > self.best {
            (
                later.best,
                later.best_record,
                later.tied,
                later.second.max(self.best),
            )
        } else if later.best < self.best || later.tied == 0 {
            (
                self.best,
                self.best_record,
                self.tied,
                self.second.max(later.best),
            )
        } else {
            // Equal bests: the earlier record stays first and the tie makes second = best.
            (
                self.best,
                self.best_record,
                self.tied + later.tied,
                self.best,
            )
        };
        Summary {
            records: self.records + later.records,
            sum: self.sum + later.sum,
            sum_squares: self.sum_squares + later.sum_squares,
            best,
            best_record,
            second,
            tied,
        }
    }

    /// Merges partials given in shard order.
    pub fn merge_all(parts: impl IntoIterator<Item = Summary>) -> Summary {
        parts.into_iter().fold(Summary::EMPTY, Summary::merge)
    }

    /// Population standard deviation of the scores.
    pub fn sigma(&self) -> f64 {
        if self.records == 0 {
            return 0.0;
        }
        let n = self.records as f64;
        let mean = from_fixed(self.sum) / n;
        (from_fixed(self.sum_squares) / n - mean * mean)
            .max(0.0)
            .sqrt()
    }
}

/// The second pass's partial over one shard: the entropic output's sums (Scoreboard-RH) or the
/// picked candidate (Scoreboard).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Spread {
    /// Sum of exp(x), x = (score - best) / sigma, 64.64 fixed point.
    pub z: i128,
    /// Sum of x exp(x), 64.64 fixed point.
    pub zx: i128,
    /// Scoreboard: the candidate picked in this shard, if the pick fell here.
    pub pick: Option<u32>,
}

impl Spread {
    /// The partial of no record.
    pub const EMPTY: Spread = Spread {
        z: 0,
        zx: 0,
        pick: None,
    };

    /// Merges the partial of the shard that follows `self`.
    pub fn merge(self, later: Spread) -> Spread {
        Spread {
            z: self.z + later.z,
            zx: self.zx + later.zx,
            pick: self.pick.or(later.pick),
        }
    }

    /// Merges partials given in shard order.
    pub fn merge_all(parts: impl IntoIterator<Item = Spread>) -> Spread {
        parts.into_iter().fold(Spread::EMPTY, Spread::merge)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn summary_of(scores: &[f32], start: u32) -> Summary {
        let mut s = Summary::EMPTY;
        for (k, &v) in scores.iter().enumerate() {
            let one = Summary {
                records: 1,
                sum: to_fixed(v),
                sum_squares: to_fixed(v * v),
                best: v,
                best_record: start + k as u32,
                second: f32::NEG_INFINITY,
                tied: 1,
            };
            s = s.merge(one);
        }
        s
    }

    proptest! {
        /// Merging is associative: any split of a score vector merges to the same summary.
        #[test]
        fn summary_merge_is_associative(
            scores in proptest::collection::vec(0u8..6, 1..60),
            cut1 in 0usize..60,
            cut2 in 0usize..60,
        ) {
            let scores: Vec<f32> = scores.iter().map(|&v| v as f32 * 0.75).collect();
            let (a, b) = (cut1.min(cut2).min(scores.len()), cut1.max(cut2).min(scores.len()));
            let whole = summary_of(&scores, 0);
            let left = summary_of(&scores[..a], 0);
            let middle = summary_of(&scores[a..b], a as u32);
            let right = summary_of(&scores[b..], b as u32);
            prop_assert_eq!(Summary::merge_all([left, middle, right]), whole);
            prop_assert_eq!(left.merge(middle.merge(right)), whole);
            // The top two against a plain sort.
            let mut sorted = scores.clone();
            sorted.sort_by(|x, y| y.total_cmp(x));
            prop_assert_eq!(whole.best, sorted[0]);
            let expected_second = sorted.get(1).copied().unwrap_or(f32::NEG_INFINITY);
            prop_assert_eq!(whole.second, expected_second);
            let first = scores.iter().position(|&v| v == sorted[0]).unwrap() as u32;
            prop_assert_eq!(whole.best_record, first);
            prop_assert_eq!(whole.tied, scores.iter().filter(|&&v| v == sorted[0]).count() as u64);
        }
    }

    proptest! {
        /// The bit-level conversion equals the float one.
        #[test]
        fn to_fixed_matches_the_float_conversion(bits in any::<u32>()) {
            let v = f32::from_bits(bits);
            prop_assume!(v.is_finite() && v.abs() < 2f32.powi(38));
            prop_assert_eq!(to_fixed(v), (v as f64 * FIXED_ONE) as i128);
        }
    }

    #[test]
    fn fixed_point_is_exact_for_binary_fractions() {
        assert_eq!(from_fixed(to_fixed(1.5) + to_fixed(0.25)), 1.75);
        assert_eq!(to_fixed(-2.0), -2 * (1i128 << 64));
        assert_eq!(to_fixed(0.0), 0);
        assert_eq!(to_fixed(f32::MIN_POSITIVE / 4.0), 0);
        assert_eq!(to_fixed(1e-19), (1e-19f32 as f64 * FIXED_ONE) as i128);
    }

    #[test]
    fn partition_is_block_aligned_and_covers_everything() {
        let data = crate::dataset::generate::generate(
            &crate::dataset::generate::GenerateParams::new(
                crate::dataset::generate::Preset::NetflixLike,
            )
            .users(5000)
            .seed(3),
        )
        .unwrap();
        for parts in [1, 2, 3, 6, 9, 40] {
            let shards = partition(&data, parts);
            assert_eq!(shards.len(), parts);
            assert_eq!(shards[0].start, 0);
            assert_eq!(shards.last().unwrap().end as usize, data.num_records());
            for w in shards.windows(2) {
                assert_eq!(w[0].end, w[1].start);
            }
            for s in &shards {
                assert_eq!(s.start as usize % BLOCK, 0, "{parts}: {s:?}");
                assert!(s.start <= s.end);
            }
        }
        // Balanced: with 3 parts no shard holds more than half the postings.
        let offsets = &data.by_record().offsets;
        for s in partition(&data, 3) {
            let entries = offsets[s.end as usize] - offsets[s.start as usize];
            assert!(entries * 2 < *offsets.last().unwrap(), "{s:?}");
        }
    }
}
