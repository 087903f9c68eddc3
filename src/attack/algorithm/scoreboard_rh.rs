//! Scoreboard-RH (docs/method.md section 3): Score = sum over facts of wt(i) * (exp(-|dr| / rho0) +
//! exp(-|dd| / d0)); records whose number of entries contradicts the aux's `count` are ruled
//! out (score 0); then the entropic machinery of [`super::entropic`].

use super::{LinkageAlgorithm, Match, TileScorer, entropic};
use crate::attack::kernel::{self, RhContext};
use crate::attack::params::{AttackParams, AttackParamsBuilder, defaults};
use crate::attack::partial::{SecondPass, Spread, Summary};
use crate::attack::query::Query;
use crate::attack::search::{Widening, distinct};
use crate::attack::shard::{CheckedShard, ReleaseStats};
use crate::dataset::Dataset;

/// Scoreboard-RH's search grid: rho0 at its default and widened by the policy's rating noise,
/// times d0 at its default, widened by the date noise, and at the unit dates are rounded to
/// (so that released dates one unit apart still count), each value once.
pub fn search_grid(w: &Widening) -> Vec<AttackParamsBuilder> {
    let rho0s = distinct([defaults::RHO0, defaults::RHO0 + w.rating_spread]);
    let d0s = distinct(
        [defaults::D0, defaults::D0 + w.date_spread]
            .into_iter()
            .chain(w.date_unit.map(|unit| unit + w.date_spread)),
    );
    let mut grid = Vec::new();
    for &rho0 in &rho0s {
        for &d0 in &d0s {
            grid.push(AttackParams::builder().rho0(rho0).d0(d0));
        }
    }
    grid
}

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
