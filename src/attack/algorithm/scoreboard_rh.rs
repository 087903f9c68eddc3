//! Scoreboard-RH (DESIGN.md section 4): Score = sum over facts of wt(i) * (exp(-|dr| / rho0) +
//! exp(-|dd| / d0)); records whose number of entries contradicts the aux's `count` are ruled
//! out (score 0); then the entropic machinery of [`super::entropic`].

use super::{LinkageAlgorithm, Match, entropic, for_each_tile};
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

impl LinkageAlgorithm for ScoreboardRh {
    fn score(
        &self,
        release: &Dataset,
        query: &Query,
        tiles: &[CheckedShard],
        acc: &mut [f32],
        visit: &mut dyn FnMut(CheckedShard, &mut [f32]),
    ) {
        let mut scatter = kernel::RhScatter::new(release, &self.context, query, self.shard);
        let bounds = query.count.map(|c| {
            let e = self.count_tolerance;
            let c = c as f64;
            let low = ((c - 0.5) / (1.0 + e)).ceil().max(0.0) as u64;
            let high = ((c + 0.5) / (1.0 - e)).floor() as u64;
            (low, high)
        });
        for_each_tile(tiles, acc, |tile, part| {
            scatter.tile(tile, part);
            if let Some((low, high)) = bounds {
                kernel::rule_out_by_count(release, tile.shard(), part, low, high);
            }
            visit(tile, part);
        });
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
