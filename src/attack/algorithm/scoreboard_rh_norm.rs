//! Scoreboard-RH-norm (docs/method.md section 4): Scoreboard-RH's score divided by
//! (1 - B) + B * |r| / mean|r|, |r| the number of distinct items of released record r and
//! mean|r| its mean over all N released records. Heavy raters hold many items and collect
//! chance matches; B discounts them (the length normalization of BM25). Everything after the
//! score is Scoreboard-RH's. With B = 0 every divisor is exactly 1 and the scores keep their
//! bits, so the output is Scoreboard-RH's byte for byte.
//!
//! A record without items scores 0 whatever B is (its divisor is taken as 1: with B = 1 the
//! formula would divide 0 by 0).

use super::scoreboard_rh::{COUNT_TOLERANCE, D0, RHO0, ScoreboardRh};
use super::{LinkageAlgorithm, Match, TileScorer};

use crate::attack::parameter::{Column, Domain, Parameter, Value, Widen};
use crate::attack::params::{AttackParams, AttackParamsBuilder, PHI};
use crate::attack::partial::{SecondPass, Spread, Summary};
use crate::attack::query::Query;
use crate::attack::search::Widening;
use crate::attack::shard::{CheckedShard, ReleaseStats, distinct_items};
use crate::dataset::Dataset;

/// B in [0, 1]: how much a record's length discounts its score.
pub const LENGTH_NORM: Parameter = Parameter {
    name: "length_norm",
    label: Some("B"),
    help: "B in [0, 1]: scores are divided by (1 - B) + B |r| / mean|r|",
    value_name: Some("B"),
    default: Value::Real(0.75),
    domain: Domain::Fraction,
    widen: Widen::Not,
    column: Column::WhenRead,
    in_summary: true,
};

/// The parameters Scoreboard-RH-norm reads: Scoreboard-RH's and B.
pub const PARAMETERS: &[&Parameter] = &[&PHI, &RHO0, &D0, &LENGTH_NORM, &COUNT_TOLERANCE];

/// Scoreboard-RH-norm's search grid: B = 0.25, 0.5 and 0.75, with Scoreboard-RH's scales
/// widened by the policy's noise.
pub fn search_grid(w: &Widening) -> Vec<AttackParamsBuilder> {
    [0.25, 0.5, 0.75]
        .into_iter()
        .map(|b| {
            AttackParams::builder()
                .algorithm(ALGORITHM.parse().expect("registered"))
                .with(&LENGTH_NORM, b)
                .with(&RHO0, RHO0.default_f64() + w.rating_spread)
                .with(&D0, D0.default_f64() + w.date_spread)
        })
        .collect()
}

/// Its name in the registry.
const ALGORITHM: &str = "scoreboard-rh-norm";

/// Scoreboard-RH-norm on one shard.
pub struct ScoreboardRhNorm {
    rh: ScoreboardRh,
    /// (1 - B) + B |r| / mean|r| for each record of the shard, computed in f64.
    divisors: Vec<f32>,
}

impl ScoreboardRhNorm {
    /// The algorithm for `shard` of `release`; `stats` gives mean|r| over the whole release.
    pub fn build(
        release: &Dataset,
        params: &AttackParams,
        stats: &ReleaseStats,
        shard: CheckedShard,
    ) -> Self {
        let b = params.real(&LENGTH_NORM);
        let mean = stats.mean_distinct_items();
        let s = shard.shard();
        let divisors = (s.start..s.end)
            .map(|r| {
                let length = distinct_items(release, r);
                if length == 0 || mean == 0.0 {
                    1.0
                } else {
                    ((1.0 - b) + b * length as f64 / mean) as f32
                }
            })
            .collect();
        ScoreboardRhNorm {
            rh: ScoreboardRh::build(release, params, stats, shard),
            divisors,
        }
    }
}

impl LinkageAlgorithm for ScoreboardRhNorm {
    fn tile_scorer<'a>(
        &'a self,
        release: &'a Dataset,
        query: &'a Query,
    ) -> Box<dyn TileScorer + 'a> {
        // Scoreboard-RH's item scores, each divided by its record's divisor, before the
        // attribute terms: the normalization discounts chance item matches of long records,
        // which attributes are not.
        Box::new(self.rh.tiles(
            release,
            query,
            Some((&self.divisors, self.rh.shard.shard().start)),
        ))
    }

    fn plan_second_pass(
        &self,
        aux: usize,
        query: &Query,
        summaries: &[Summary],
    ) -> Vec<SecondPass> {
        self.rh.plan_second_pass(aux, query, summaries)
    }

    fn finish(&self, query: &Query, summary: &Summary, spread: &Spread) -> Match {
        self.rh.finish(query, summary, spread)
    }

    fn values_only(&self) -> bool {
        true
    }
}
