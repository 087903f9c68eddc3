//! Scoreboard-RH (DESIGN.md section 4): Score = sum over facts of wt(i) * (exp(-|dr| / rho0) +
//! exp(-|dd| / d0)); records whose number of entries contradicts the aux's `count` are ruled
//! out (score 0); then the entropic machinery of [`super::entropic`].

use super::{LinkageAlgorithm, Match, TileScorer, entropic};
use crate::attack::kernel::{self, RhContext};
use crate::attack::params::AttackParams;
use crate::attack::partial::{SecondPass, Spread, Summary};
use crate::attack::query::Query;
use crate::attack::shard::{CheckedShard, ReleaseStats};
use crate::dataset::Dataset;

/// Scoreboard-RH on one shard.
pub struct ScoreboardRh {
    context: RhContext,
    /// The shard it scores.
    pub(super) shard: CheckedShard,
    phi: f64,
    count_tolerance: f64,
}

impl ScoreboardRh {
    /// The algorithm for `shard` of `release`.
    pub fn build(
        release: &Dataset,
        params: &AttackParams,
        stats: &ReleaseStats,
        shard: CheckedShard,
    ) -> Self {
        ScoreboardRh {
            context: RhContext::with_day_range(
                release,
                params.rho0(),
                params.d0(),
                stats.day_range,
            ),
            shard,
            phi: params.phi(),
            count_tolerance: params.count_tolerance(),
        }
    }
}

/// Scoreboard-RH's scoring of one aux record: the scatter, tile by tile, then the count
/// rule-out.
struct RhTiles<'a> {
    release: &'a Dataset,
    scatter: kernel::RhScatter<'a>,
    /// The numbers of entries outside which records are ruled out.
    count_bounds: Option<(u64, u64)>,
}

impl TileScorer for RhTiles<'_> {
    fn tile(&mut self, tile: CheckedShard, acc: &mut [f32]) {
        self.scatter.tile(tile, acc);
        if let Some((low, high)) = self.count_bounds {
            kernel::rule_out_by_count(self.release, tile.shard(), acc, low, high);
        }
    }
}

impl LinkageAlgorithm for ScoreboardRh {
    fn tile_scorer<'a>(
        &'a self,
        release: &'a Dataset,
        query: &'a Query,
    ) -> Box<dyn TileScorer + 'a> {
        let count_bounds = query.count.map(|c| {
            let e = self.count_tolerance;
            let c = c as f64;
            let low = ((c - 0.5) / (1.0 + e)).ceil().max(0.0) as u64;
            let high = ((c + 0.5) / (1.0 - e)).floor() as u64;
            (low, high)
        });
        Box::new(RhTiles {
            release,
            scatter: kernel::RhScatter::new(release, &self.context, query, self.shard),
            count_bounds,
        })
    }

    fn plan_second_pass(&self, _: usize, _: &Query, summaries: &[Summary]) -> Vec<SecondPass> {
        entropic::plan(summaries)
    }

    fn finish(&self, query: &Query, summary: &Summary, spread: &Spread) -> Match {
        entropic::finish(summary, spread, self.phi, query)
    }

    fn values_only(&self) -> bool {
        true
    }
}
