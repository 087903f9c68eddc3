//! Scoring an aux record in a tile-sized accumulator, its packed scores stashed for the second
//! pass: the single-process attack's order.
//!
//! The scores of a whole shard (1.9 MB at the Netflix scale, 3.8 MB at twice that) outgrow a
//! core's L2 cache, and the scatter then fetches each record's cache line from further out.
//! Here the aux record scores the shard one tile at a time into one tile's accumulator (512
//! KiB), which stays in the cache; after each tile the first pass summarizes it and moves each
//! block's packed scores to a stash ([`kernel::summarize_and_stash`]), leaving the tile zero for the next one;
//! the second pass reads the stash ([`kernel::spread_stash`]). The sums are those of the passes
//! over a whole-shard accumulator ([`Scorer::score_alone`]), bit for bit: the same blocks, the
//! same vectors, the same lanes.
//!
//! Several aux records are not interleaved tile by tile (each tile scored by all of them in
//! turn): their stashes together outgrow the cache (docs/performance.md).
//!
//! Algorithms whose second pass needs to know which record holds which score (Scoreboard's
//! pick: [`super::LinkageAlgorithm::values_only`] false) score a whole-shard accumulator.

use super::{Match, Scorer};
use crate::attack::kernel;
use crate::attack::partial::{SecondPass, Spread, Summary};
use crate::attack::query::Query;
use crate::dataset::Dataset;

/// The working memory of [`Scorer::score_stashed`], one per thread, reused.
pub struct Workspace {
    /// A tile's accumulator (values-only algorithms), or the whole shard's.
    acc: Vec<f32>,
    /// The packed scores of the aux record being scored.
    stash: Vec<f32>,
}

impl Scorer {
    /// A working memory for [`Scorer::score_stashed`].
    pub fn workspace(&self) -> Workspace {
        let len = if self.algorithm.values_only() {
            self.tiles.first().map_or(0, |t| t.len())
        } else {
            self.shard.len()
        };
        Workspace {
            acc: vec![0.0; len],
            stash: Vec::new(),
        }
    }

    /// All the passes over aux record `aux_index` when this scorer's shard is the whole
    /// release: the match of [`Scorer::score_alone`], bit for bit, in less memory (a tile and a
    /// stash instead of a slot per record; single-threaded also 5-9% faster: docs/performance.md).
    pub fn score_stashed(
        &self,
        release: &Dataset,
        aux_index: usize,
        query: &Query,
        space: &mut Workspace,
    ) -> Match {
        let Workspace { acc, stash } = space;
        if !self.algorithm.values_only() {
            return self.score_alone(release, aux_index, query, acc);
        }
        stash.clear();
        let mut scorer = self.algorithm.tile_scorer(release, query);
        let mut summaries = Vec::with_capacity(self.tiles.len());
        for &tile in &self.tiles {
            let part = &mut acc[..tile.len()];
            scorer.tile(tile, part);
            summaries.push(kernel::summarize_and_stash(part, tile.shard(), stash));
        }
        let summary = Summary::merge_all(summaries);
        let spread = match self.plan_second_pass(aux_index, query, &[summary])[0] {
            SecondPass::Entropy {
                reference,
                inv_sigma,
            } => kernel::spread_stash(stash, self.shard.len(), reference, inv_sigma),
            SecondPass::Reset => Spread::EMPTY,
            SecondPass::Pick { .. } => unreachable!("a values-only algorithm plans no pick"),
        };
        self.finish(query, &summary, &spread)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::attack::params::AttackParams;
    use crate::attack::shard::{CheckedShard, ReleaseStats};
    use crate::auxiliary::sampler::{self, AuxParams};
    use crate::dataset::generate::{GenerateParams, Preset, generate};

    /// Every algorithm's matches, stashed, are those of a whole-shard accumulator, bit for bit:
    /// with the count rule-out, an aux record with no facts (all scores equal: no entropic
    /// pass), on ratings and views, in a release of two tiles whose last block is short.
    #[test]
    fn stashed_scores_match_a_whole_accumulator() {
        for preset in [Preset::NetflixLike, Preset::ViewsLike] {
            let data = generate(&GenerateParams::new(preset).users(140_000).seed(7)).unwrap();
            let n = data.num_records();
            assert!(
                n > super::super::TILE && !n.is_multiple_of(512),
                "{n} records: tiles and a short block"
            );
            let aux = sampler::sample(
                &data,
                &AuxParams {
                    targets: 9,
                    items: 4,
                    date_error: 14,
                    count_error: 0.1,
                    seed: 2,
                    ..AuxParams::default()
                },
                None,
            )
            .unwrap()
            .records;
            let mut queries = crate::attack::query::resolve(&data, &aux, None);
            let mut empty = queries[0].clone();
            empty.facts.clear();
            queries.insert(3, empty);
            let shard = CheckedShard::whole(&data).unwrap();
            let stats = ReleaseStats::of(&data);
            for name in super::super::Algorithm::names() {
                let params = AttackParams::builder()
                    .algorithm(name.parse().unwrap())
                    .check()
                    .unwrap();
                let scorer = Scorer::new(&data, &params, &stats, shard);
                let mut acc = vec![0f32; shard.len()];
                let mut space = scorer.workspace();
                for (k, q) in queries.iter().enumerate() {
                    let want = scorer.score_alone(&data, k, q, &mut acc);
                    let got = scorer.score_stashed(&data, k, q, &mut space);
                    assert_eq!(
                        format!("{got:?}"),
                        format!("{want:?}"),
                        "{preset:?} {name} {k}"
                    );
                }
            }
        }
    }
}
