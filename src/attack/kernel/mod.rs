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
//! 2. [`spread`]: the entropic output's sums (Pr\[r\] proportional to exp(score / sigma), the best
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

pub mod attributes;
mod first_pass;
mod lanes;
pub mod likelihood;
mod pack;
pub mod presence;
mod release_model;
mod scatter;
mod scoreboard;
mod second_pass;
pub mod simd;
#[cfg(test)]
mod tests;
mod wide;

pub use first_pass::{summarize, summarize_and_pack, summarize_and_stash};
pub use scatter::{
    RhContext, RhScatter, divide, item_weights, plain_pass, rule_out_by_count, scatter_rh,
};
pub use scoreboard::scatter_scoreboard;
pub use second_pass::{pick_and_reset, spread, spread_stash};

// What `pack` and `wide` take from here.
use super::shard::BLOCK;
#[cfg(target_arch = "x86_64")]
use scatter::FactTables;
