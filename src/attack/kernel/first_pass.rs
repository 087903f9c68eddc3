//! The first pass over a shard's scores: the sums for sigma and the top two, block by block;
//! for the Scoreboard-RH family, each block's nonzero scores also packed to its front, in place
//! or moved to a stash.

use super::lanes::{LANES, dispatch_simd, lanes_to_fixed};
use super::pack;
use super::simd::{self, Simd};
use crate::attack::partial::Summary;
use crate::attack::shard::{BLOCK, Shard};

dispatch_simd!(pub(super) summary_pass, (acc: &[f32], start: u32) -> Summary, summary_lanes);

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
///
/// [`spread`]: super::spread
pub fn summarize_and_pack(acc: &mut [f32], shard: Shard) -> Summary {
    summarize_and_pack_at(simd::level(), acc, shard, None)
}

/// [`summarize_and_pack`], each block's packed scores then moved to the end of `stash`, as
/// [`spread`] would read them (whole vectors of 16 scores up to the first that ends in a 0, a
/// short block's last vector padded with zeros), leaving `acc` zero: [`spread_stash`] reads
/// the same vectors and gives the same sums. An aux record can then be scored in one
/// tile-sized accumulator, which stays in the cache, keeping only its packed scores for the
/// second pass.
///
/// [`spread`]: super::spread
/// [`spread_stash`]: super::spread_stash
pub fn summarize_and_stash(acc: &mut [f32], shard: Shard, stash: &mut Vec<f32>) -> Summary {
    summarize_and_pack_at(simd::level(), acc, shard, Some(stash))
}

/// [`summarize_and_pack`] at `level` (which the CPU must support), stashing when `stash` is
/// given ([`summarize_and_stash`]).
pub(super) fn summarize_and_pack_at(
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
///
/// [`entropic_lanes`]: super::second_pass::entropic_lanes
#[inline(always)]
fn stash_block(block: &mut [f32], packed: usize, stash: &mut Vec<f32>) {
    let vectors = (packed / LANES + 1).min(block.len().div_ceil(LANES));
    let values = (vectors * LANES).min(block.len());
    stash.extend_from_slice(&block[..values]);
    stash.resize(stash.len() + vectors * LANES - values, 0.0);
    block[..values].fill(0.0);
}
