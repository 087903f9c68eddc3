//! The second pass over a shard's scores, which also resets the accumulator: the entropic
//! output's sums over the packed scores (in place or from a stash), or Scoreboard's pick of a
//! record with the needed count.

use super::lanes::{LANES, dispatch_simd, lanes_to_fixed};
use super::simd::{self, Simd};
use crate::attack::partial::Spread;
use crate::attack::shard::{BLOCK, Shard};

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
/// [`summarize_and_pack`]: super::summarize_and_pack
/// [`Spread::entropic_sums`]: crate::attack::partial::Spread::entropic_sums
pub fn spread(acc: &mut [f32], reference: f32, inv_sigma: f32) -> Spread {
    spread_pass(simd::level(), acc, reference, inv_sigma)
}

dispatch_simd!(pub(super) spread_pass, (acc: &mut [f32], reference: f32, inv: f32) -> Spread, spread_lanes);

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
///
/// [`summarize_and_stash`]: super::summarize_and_stash
pub fn spread_stash(stash: &[f32], records: usize, reference: f32, inv_sigma: f32) -> Spread {
    spread_stash_pass(simd::level(), stash, records, reference, inv_sigma)
}

dispatch_simd!(pub(super) spread_stash_pass, (stash: &[f32], records: usize, reference: f32, inv: f32) -> Spread, spread_stash_lanes);

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
pub(super) fn entropic_lanes(
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
}
