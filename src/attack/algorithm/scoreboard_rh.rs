//! Scoreboard-RH (docs/method.md section 3): Score = sum over facts of wt(i) * (exp(-|dr| / rho0) +
//! exp(-|dd| / d0)), plus for each attribute the adversary knows that the record's released
//! value agrees with, 1 / ln(max(records holding that value, 2)) (section 14); records whose
//! number of entries contradicts the aux's `count` are ruled out (score 0); then the entropic
//! machinery of [`super::entropic`].

use super::{LinkageAlgorithm, Match, TileScorer, entropic};
use crate::attack::kernel::attributes::{AttributeCounts, AttributeTerms, AttributeView};
use crate::attack::kernel::{self, RhContext};
use crate::attack::parameter::{Column, Domain, Parameter, Value, Widen};
use crate::attack::params::{AttackParams, AttackParamsBuilder, PHI};
use crate::attack::partial::{SecondPass, Spread, Summary};
use crate::attack::query::Query;
use crate::attack::search::{Widening, distinct};
use crate::attack::shard::{CheckedShard, ReleaseStats};
use crate::dataset::Dataset;

/// Rating scale of the similarity, stars.
pub const RHO0: Parameter = Parameter {
    name: "rho0",
    label: Some("rho0"),
    help: "Rating scale of the similarity, stars",
    value_name: None,
    default: Value::Real(1.5),
    domain: Domain::Positive,
    widen: Widen::ByRatingSpread,
    column: Column::Always,
    in_summary: false,
};

/// Date scale of the similarity, days.
pub const D0: Parameter = Parameter {
    name: "d0",
    label: Some("d0"),
    help: "Date scale of the similarity, days",
    value_name: None,
    default: Value::Real(30.0),
    domain: Domain::Positive,
    widen: Widen::ByDateSpread,
    column: Column::Always,
    in_summary: false,
};

/// Relative error of the aux `count` column: records whose number of entries n could not give
/// that count (count = round(n x f), f in [1 - E, 1 + E]) are ruled out.
pub const COUNT_TOLERANCE: Parameter = Parameter {
    name: "count_tolerance",
    label: None,
    help: "Relative error of the aux `count` column: records with fewer than count/(1+E) or more than count/(1-E) entries are ruled out",
    value_name: Some("E"),
    default: Value::Real(0.5),
    domain: Domain::BelowOne,
    widen: Widen::Not,
    column: Column::WhenVaried,
    in_summary: false,
};

/// The parameters Scoreboard-RH reads.
pub const PARAMETERS: &[&Parameter] = &[&PHI, &RHO0, &D0, &COUNT_TOLERANCE];

/// Scoreboard-RH's search grid: rho0 at its default and widened by the policy's rating noise,
/// times d0 at its default, widened by the date noise, and at the unit dates are rounded to
/// (so that released dates one unit apart still count), each value once.
pub fn search_grid(w: &Widening) -> Vec<AttackParamsBuilder> {
    let (rho0, d0) = (RHO0.default_f64(), D0.default_f64());
    let rho0s = distinct([rho0, rho0 + w.rating_spread]);
    let d0s = distinct(
        [d0, d0 + w.date_spread]
            .into_iter()
            .chain(w.date_unit.map(|unit| unit + w.date_spread)),
    );
    let mut grid = Vec::new();
    for &rho0 in &rho0s {
        for &d0 in &d0s {
            grid.push(AttackParams::builder().with(&RHO0, rho0).with(&D0, d0));
        }
    }
    grid
}

/// Scoreboard-RH on one shard.
pub struct ScoreboardRh {
    context: RhContext,
    attribute_counts: std::sync::Arc<AttributeCounts>,
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
            attribute_counts: AttributeCounts::shared(release),
            context: RhContext::with_day_range(
                release,
                params.real(&RHO0),
                params.real(&D0),
                stats.day_range,
            ),
            shard,
            phi: params.real(&PHI),
            count_tolerance: params.real(&COUNT_TOLERANCE),
        }
    }
}

/// Scoreboard-RH's scoring of one aux record, tile by tile: the scatter of the item facts,
/// the length normalization (Scoreboard-RH-norm), the attribute terms, then the count
/// rule-out.
pub(super) struct RhTiles<'a> {
    release: &'a Dataset,
    scatter: kernel::RhScatter<'a>,
    /// Scoreboard-RH-norm's divisors of the shard's records, and the shard's first record.
    divisors: Option<(&'a [f32], u32)>,
    attributes: AttributeTerms<'a>,
    /// The numbers of entries outside which records are ruled out.
    count_bounds: Option<(u64, u64)>,
}

impl TileScorer for RhTiles<'_> {
    fn tile(&mut self, tile: CheckedShard, acc: &mut [f32]) {
        self.scatter.tile(tile, acc);
        if let Some((divisors, start)) = self.divisors {
            let from = (tile.shard().start - start) as usize;
            kernel::divide(acc, &divisors[from..from + acc.len()]);
        }
        if !self.attributes.is_empty() {
            self.attributes.add(tile.shard(), acc);
        }
        if let Some((low, high)) = self.count_bounds {
            kernel::rule_out_by_count(self.release, tile.shard(), acc, low, high);
        }
    }
}

/// An agreeing attribute weighs like a fact on an item held by as many records as hold the
/// released value; disagreeing or missing, nothing.
pub(super) fn attribute_weights(view: &AttributeView) -> (Vec<f32>, f32) {
    let table = view
        .counts
        .iter()
        .zip(view.agrees)
        .map(|(&n, &agrees)| {
            if agrees {
                (1.0 / (n.max(2) as f64).ln()) as f32
            } else {
                0.0
            }
        })
        .collect();
    (table, 0.0)
}

impl ScoreboardRh {
    /// The tiles of `query`, divided by `divisors` (Scoreboard-RH-norm) when given.
    pub(super) fn tiles<'a>(
        &'a self,
        release: &'a Dataset,
        query: &'a Query,
        divisors: Option<(&'a [f32], u32)>,
    ) -> RhTiles<'a> {
        let count_bounds = query.count.map(|c| {
            let e = self.count_tolerance;
            let c = c as f64;
            let low = ((c - 0.5) / (1.0 + e)).ceil().max(0.0) as u64;
            let high = ((c + 0.5) / (1.0 - e)).floor() as u64;
            (low, high)
        });
        RhTiles {
            release,
            scatter: kernel::RhScatter::new(release, &self.context, query, self.shard),
            divisors,
            attributes: AttributeTerms::new(
                release,
                &self.attribute_counts,
                query,
                attribute_weights,
            ),
            count_bounds,
        }
    }
}

impl LinkageAlgorithm for ScoreboardRh {
    fn tile_scorer<'a>(
        &'a self,
        release: &'a Dataset,
        query: &'a Query,
    ) -> Box<dyn TileScorer + 'a> {
        Box::new(self.tiles(release, query, None))
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
