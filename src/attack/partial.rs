//! The partial results of scoring one aux record against one shard of a release, with their
//! merge (the shape of tantivy's `Collector::merge_fruits`), and what the owner of an aux record
//! tells each shard between the passes ([`SecondPass`]).
//!
//! A shard ([`super::shard`]) starts on a multiple of [`BLOCK`] records. The passes over a
//! shard's scores sum in blocks of [`BLOCK`] records aligned to the global record index, add
//! each block's f32 lane sums in a fixed order and turn the block's total into 64.64 fixed
//! point (`i128`) before adding them up. Integer addition is associative, and the blocks are
//! the same whatever the partition, so merging the partials of any partition, in shard order,
//! gives bit for bit what a single pass over all N records gives. The records scoring 0 enter
//! the entropic sums through their count ([`Spread::zeros`]), an integer too. Nothing in a
//! partial grows with N: a partial is a few dozen bytes whatever the size of the release.

use serde::{Deserialize, Serialize};

pub use super::shard::BLOCK;

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

/// What a shard does in the second pass over one aux record's scores, as the owner of the aux
/// record decides from the merged first-pass summaries.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub enum SecondPass {
    /// The entropic sums against the best score and 1 / sigma.
    Entropy {
        /// The best score over all shards.
        reference: f32,
        /// 1 / sigma.
        inv_sigma: f32,
    },
    /// Nothing to sum (all scores equal): reset.
    Reset,
    /// Return the `k`-th record of this shard whose score is `needed`.
    Pick {
        /// The score a candidate has (Scoreboard: the number of facts).
        needed: f32,
        /// Which candidate of this shard, if the pick fell here.
        k: Option<u64>,
    },
}

/// The second pass's partial over one shard: the entropic output's sums (Scoreboard-RH) or the
/// picked candidate (Scoreboard).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Spread {
    /// Sum of exp(x), x = (score - best) / sigma, over the records whose score is not 0, 64.64
    /// fixed point.
    pub z: i128,
    /// Sum of x exp(x) over the same records, 64.64 fixed point.
    pub zx: i128,
    /// Records whose score is 0: their terms, all equal, are added in closed form
    /// ([`Spread::entropic_sums`]).
    pub zeros: u64,
    /// Scoreboard: the candidate picked in this shard, if the pick fell here.
    pub pick: Option<u32>,
}

impl Spread {
    /// The partial of no record.
    pub const EMPTY: Spread = Spread {
        z: 0,
        zx: 0,
        zeros: 0,
        pick: None,
    };

    /// Merges the partial of the shard that follows `self`.
    pub fn merge(self, later: Spread) -> Spread {
        Spread {
            z: self.z + later.z,
            zx: self.zx + later.zx,
            zeros: self.zeros + later.zeros,
            pick: self.pick.or(later.pick),
        }
    }

    /// Merges partials given in shard order.
    pub fn merge_all(parts: impl IntoIterator<Item = Spread>) -> Spread {
        parts.into_iter().fold(Spread::EMPTY, Spread::merge)
    }

    /// The entropic output's sums over all records, (sum of exp(x), sum of x exp(x)), from the
    /// merged partial of a second pass run against `reference` and `inv_sigma`: the nonzero
    /// scores' sums, plus the zero scores' in closed form, `zeros` times exp(x0) and x0
    /// exp(x0), x0 = (0 - reference) * inv_sigma as the pass computes it (in f32), exp in f64.
    pub fn entropic_sums(&self, reference: f32, inv_sigma: f32) -> (f64, f64) {
        let x0 = (0.0 - reference) * inv_sigma;
        let e0 = libm::exp(x0 as f64);
        let zeros = self.zeros as f64;
        (
            from_fixed(self.z) + zeros * e0,
            from_fixed(self.zx) + zeros * (x0 as f64 * e0),
        )
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
}
