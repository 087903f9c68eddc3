//! Scoreboard (Algorithm 1A, docs/method.md section 5): a fact matches a record when the record
//! holds its item with the rating within `rating_tol` stars and the date within `date_tol`
//! days (a value the aux lacks is not checked); the candidates are the records matching every
//! fact; the best guess is a seeded uniform pick among them, named when it is alone. An
//! attribute the adversary knows is one more constraint: met by a released value that agrees,
//! or by none (section 14).

use super::{LinkageAlgorithm, Match, TileScorer};
use crate::attack::kernel;
use crate::attack::kernel::attributes::{AttributeCounts, AttributeTerms, AttributeView};
use crate::attack::parameter::{Column, Domain, Parameter, Value, Widen};
use crate::attack::params::{AttackParams, AttackParamsBuilder, SEED};
use crate::attack::partial::{SecondPass, Spread, Summary};
use crate::attack::query::Query;
use crate::attack::search::Widening;
use crate::attack::shard::{CheckedShard, ReleaseStats};
use crate::dataset::Dataset;
use crate::rng::Rng;
use crate::rng::streams;

/// Rating tolerance, stars.
pub const RATING_TOL: Parameter = Parameter {
    name: "rating_tol",
    label: Some("rating tolerance"),
    help: "Rating tolerance, stars",
    value_name: None,
    default: Value::Real(0.0),
    domain: Domain::NonNegative,
    widen: Widen::ByRatingBound,
    column: Column::WhenVaried,
    in_summary: false,
};

/// Date tolerance, days.
pub const DATE_TOL: Parameter = Parameter {
    name: "date_tol",
    label: Some("date tolerance"),
    help: "Date tolerance, days",
    value_name: None,
    default: Value::Whole(14),
    domain: Domain::Days,
    widen: Widen::ByDateBound,
    column: Column::WhenVaried,
    in_summary: false,
};

/// The parameters Scoreboard reads.
pub const PARAMETERS: &[&Parameter] = &[&RATING_TOL, &DATE_TOL, &SEED];

/// Scoreboard's search grid: its default tolerances, and the same widened by the policy's noise
/// bounds.
pub fn search_grid(w: &Widening) -> Vec<AttackParamsBuilder> {
    let base = AttackParams::builder().algorithm("scoreboard".parse().expect("registered"));
    let widened = w.widen(base.clone());
    if widened == base {
        vec![base]
    } else {
        vec![base, widened]
    }
}

/// Scoreboard on one shard.
pub struct Scoreboard {
    attribute_counts: std::sync::Arc<AttributeCounts>,
    /// Rating tolerance in half stars.
    rating_tol: u32,
    date_tol: u32,
    seed: u64,
}

impl Scoreboard {
    /// The algorithm for `shard`.
    pub fn build(
        release: &Dataset,
        params: &AttackParams,
        _: &ReleaseStats,
        _shard: CheckedShard,
    ) -> Self {
        Scoreboard {
            attribute_counts: AttributeCounts::shared(release),
            rating_tol: (params.real(&RATING_TOL) * 2.0).round() as u32,
            date_tol: params.whole(&DATE_TOL) as u32,
            seed: params.seed(),
        }
    }
}

/// Scoreboard's scoring of one aux record: match counts, tile by tile.
struct Counts<'a> {
    release: &'a Dataset,
    query: &'a Query,
    /// Rating (half stars) and date tolerances.
    tolerances: (u32, u32),
    attributes: AttributeTerms<'a>,
}

impl TileScorer for Counts<'_> {
    fn tile(&mut self, tile: CheckedShard, acc: &mut [f32]) {
        kernel::scatter_scoreboard(self.release, self.query, self.tolerances, tile, acc);
        if !self.attributes.is_empty() {
            self.attributes.add(tile.shard(), acc);
        }
    }
}

/// An attribute is a constraint: a record meets it when its released value agrees, or when
/// it has none (a suppressed value rules nobody out).
fn attribute_constraint(view: &AttributeView) -> (Vec<f32>, f32) {
    let table = view.agrees.iter().map(|&a| a as u8 as f32).collect();
    (table, 1.0)
}

/// Facts a candidate must match: every item fact and every attribute.
fn needed(query: &Query) -> f32 {
    query.facts_used() as f32
}

impl LinkageAlgorithm for Scoreboard {
    fn tile_scorer<'a>(
        &'a self,
        release: &'a Dataset,
        query: &'a Query,
    ) -> Box<dyn TileScorer + 'a> {
        Box::new(Counts {
            release,
            query,
            tolerances: (self.rating_tol, self.date_tol),
            attributes: AttributeTerms::new(
                release,
                &self.attribute_counts,
                query,
                attribute_constraint,
            ),
        })
    }

    /// The pick: a seeded uniform draw among all candidates, told to the shard it falls in.
    fn plan_second_pass(
        &self,
        aux_index: usize,
        query: &Query,
        summaries: &[Summary],
    ) -> Vec<SecondPass> {
        let needed = needed(query);
        let counts: Vec<u64> = summaries
            .iter()
            .map(|s| if s.best == needed { s.tied } else { 0 })
            .collect();
        let total: u64 = counts.iter().sum();
        let mut pick = (total > 0).then(|| {
            Rng::derive(self.seed, &[streams::SCOREBOARD_PICK, aux_index as u64]).below(total)
        });
        counts
            .iter()
            .map(|&c| {
                let k = match pick {
                    Some(g) if g < c => {
                        pick = None;
                        Some(g)
                    }
                    Some(g) => {
                        pick = Some(g - c);
                        None
                    }
                    None => None,
                };
                SecondPass::Pick { needed, k }
            })
            .collect()
    }

    fn finish(&self, query: &Query, s: &Summary, spread: &Spread) -> Match {
        let needed = needed(query);
        let count = if s.best == needed { s.tied } else { 0 };
        let size = count as f64;
        Match {
            candidate: spread.pick,
            score: s.best as f64,
            runner_up: s.second as f64,
            eccentricity: f64::NAN,
            matched: count == 1,
            entropy_bits: if count > 0 { size.log2() } else { f64::NAN },
            top_probability: if count > 0 { 1.0 / size } else { 0.0 },
            candidates: count,
            sigma: f64::NAN,
            facts_used: query.facts_used(),
            posterior: None,
        }
    }
}
