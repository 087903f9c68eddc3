//! The likelihood-ratio algorithm (docs/method.md section 13): the Fellegi-Sunter score for
//! sparse records. A record's score is the log-likelihood ratio of what it holds of the
//! adversary's facts under "this record is the target" (the adversary's error model: wrong facts
//! at rate w, Laplace rating and date errors) against "this record is somebody else" (a random
//! record of its length: the item's popularity and ratings in the release, the release's dates
//! for the first fact the record holds, the record's own window of activity for the others).
//! The posterior that a record is the target is the softmax of the scores with the prior,
//! "the target is not in the release" included when the release samples people; the best guess
//! is named when its posterior reaches the threshold.
//!
//! Without a cap on a person's entries the model's lacking term is ln w for every fact a record
//! lacks, whatever the record, so it cancels from the ranking and enters the posterior through
//! the absent hypothesis only; the terms of the facts a record holds are at least 0, and the
//! records holding none score 0 ([`crate::attack::kernel::likelihood`]). With a cap T (`cap`),
//! a record of T entries or more may have lost most of the target's entries and one shorter lost
//! none: the records of each class have their own w, and the difference of their lacking terms
//! is a term per record by its class, at least 0 ([`crate::attack::kernel::presence`]).

use std::sync::Arc;

use rayon::prelude::*;

use super::{LinkageAlgorithm, Match, TileScorer};
use crate::attack::kernel::attributes::{AttributeCounts, AttributeTerms, AttributeView};
use crate::attack::kernel::likelihood::{
    self, ErrorModel, LikelihoodScatter, RecordWindow, ReleaseModel,
};
use crate::attack::kernel::presence::Presence;
use crate::attack::parameter::{Column, Domain, Parameter, Value, Widen};
use crate::attack::params::{AttackParams, AttackParamsBuilder};
use crate::attack::partial::{SecondPass, Spread, Summary};
use crate::attack::query::Query;
use crate::attack::search::{Widening, distinct};
use crate::attack::shard::{CheckedShard, ReleaseStats, Shard};
use crate::dataset::Dataset;

/// w: the share of the adversary's facts that the target's released record does not hold.
pub const WRONG_RATE: Parameter = Parameter {
    name: "wrong_rate",
    label: Some("w"),
    help: "w in [0, 1): the share of the adversary's facts the target's released record does not hold (wrong facts, deleted entries)",
    value_name: Some("W"),
    default: Value::Real(0.1),
    domain: Domain::BelowOne,
    widen: Widen::ByEntryLoss,
    column: Column::WhenRead,
    in_summary: true,
};

/// Laplace scale of the adversary's rating errors, stars.
pub const RATING_SCALE: Parameter = Parameter {
    name: "rating_scale",
    label: Some("rating scale"),
    help: "Laplace scale of the adversary's rating errors, stars",
    value_name: Some("STARS"),
    default: Value::Real(0.5),
    domain: Domain::Positive,
    widen: Widen::ByRatingSpread,
    column: Column::WhenRead,
    in_summary: true,
};

/// Laplace scale of the adversary's date errors, days.
pub const DATE_SCALE: Parameter = Parameter {
    name: "date_scale",
    label: Some("date scale"),
    help: "Laplace scale of the adversary's date errors, days",
    value_name: Some("DAYS"),
    default: Value::Real(14.0),
    domain: Domain::Positive,
    widen: Widen::ByDateSpread,
    column: Column::WhenRead,
    in_summary: true,
};

/// The prior probability that the target is in the release.
pub const MEMBERSHIP: Parameter = Parameter {
    name: "membership",
    label: Some("prior of membership"),
    help: "Prior probability in (0, 1] that the target is in the release (an informed adversary takes the policy's sampling fraction)",
    value_name: Some("P"),
    default: Value::Real(1.0),
    domain: Domain::Probability,
    widen: Widen::ToMembership,
    column: Column::WhenRead,
    in_summary: true,
};

/// The posterior needed to name the best guess.
pub const THRESHOLD: Parameter = Parameter {
    name: "threshold",
    label: Some("posterior threshold"),
    help: "Posterior in (0, 1] that the best guess needs to be named",
    value_name: Some("P"),
    default: Value::Real(0.5),
    domain: Domain::Probability,
    widen: Widen::Not,
    column: Column::WhenRead,
    in_summary: true,
};

/// T: the most entries the release keeps of a person (`truncate`), 0 for no cap.
pub const CAP: Parameter = Parameter {
    name: "cap",
    label: Some("cap"),
    help: "T, the most entries the release keeps of a person (truncate:max_per_record): a record shorter than T lost none of the target's entries, one of T may have lost most; 0 models no cap (an informed adversary takes the policy's)",
    value_name: Some("T"),
    default: Value::Whole(0),
    domain: Domain::Count,
    widen: Widen::ToRecordCap,
    column: Column::WhenRead,
    in_summary: true,
};

/// nbar: the true number of entries of a person whose record the cap cut, 0 for 8 x the cap.
pub const CAPPED_LENGTH: Parameter = Parameter {
    name: "capped_length",
    label: Some("capped length"),
    help: "With --cap T: the true number of entries of a person whose released record holds T (each of their entries was kept with probability T / max(this, the facts known)); 0 means 8T",
    value_name: Some("N"),
    default: Value::Real(0.0),
    domain: Domain::NonNegative,
    widen: Widen::Not,
    column: Column::WhenRead,
    in_summary: true,
};

/// The parameters the likelihood algorithm reads.
pub const PARAMETERS: &[&Parameter] = &[
    &WRONG_RATE,
    &RATING_SCALE,
    &DATE_SCALE,
    &MEMBERSHIP,
    &THRESHOLD,
    &CAP,
    &CAPPED_LENGTH,
];

/// Its name in the registry.
const ALGORITHM: &str = "likelihood";

/// The likelihood algorithm's search grid: w at its default and at 0.25, times the date scale
/// at its default and, when the policy rounds dates, at the unit, times, when the policy caps a
/// person's entries at T, the cap modelled with nbar at 4T, 16T and 64T or left out; every value
/// widened by what the policy does (noise added to the scales, deleted entries to w, the
/// sampling fraction as the prior), each configuration once.
pub fn search_grid(w: &Widening) -> Vec<AttackParamsBuilder> {
    let widened = |p: &Parameter, v: f64| p.widened(Value::Real(v), w);
    let date_scales = distinct(
        [DATE_SCALE.default_f64()]
            .into_iter()
            .chain(w.date_unit)
            .map(|b| widened(&DATE_SCALE, b).as_f64()),
    );
    // Under a cap, the cap with the capped people's true number of entries at a few multiples
    // of it, then the cap left out (its posteriors are overconfident, but it may name more).
    let caps: Vec<(u64, f64)> = match w.record_cap {
        Some(t) => CAPPED_LENGTHS_PER_CAP
            .iter()
            .map(|m| (t, m * t as f64))
            .chain([(0, CAPPED_LENGTH.default_f64())])
            .collect(),
        None => vec![(0, CAPPED_LENGTH.default_f64())],
    };
    let mut grid = Vec::new();
    for wrong in distinct([WRONG_RATE.default_f64(), 0.25]) {
        for &b in &date_scales {
            for &(cap, n) in &caps {
                grid.push(
                    AttackParams::builder()
                        .algorithm(ALGORITHM.parse().expect("registered"))
                        .with(&WRONG_RATE, widened(&WRONG_RATE, wrong))
                        .with(
                            &RATING_SCALE,
                            widened(&RATING_SCALE, RATING_SCALE.default_f64()),
                        )
                        .with(&DATE_SCALE, b)
                        .with(&MEMBERSHIP, widened(&MEMBERSHIP, MEMBERSHIP.default_f64()))
                        .with(&CAP, Value::Whole(cap))
                        .with(&CAPPED_LENGTH, n),
                );
            }
        }
    }
    grid
}

/// The search grid's capped lengths, in multiples of the cap: the calibrated nbar is the
/// harmonic mean of the true lengths of the people the cap cut (10T to 19T on the netflix-like
/// twin cut to T = 5, a few T for a cap near the typical length, more for a cap of 1 or 2).
const CAPPED_LENGTHS_PER_CAP: [f64; 3] = [4.0, 16.0, 64.0];

/// The likelihood algorithm on one shard.
pub struct Likelihood {
    model: Arc<ReleaseModel>,
    attribute_counts: Arc<AttributeCounts>,
    errors: ErrorModel,
    /// Each record's length, window and presence class.
    windows: Vec<RecordWindow>,
    shard: CheckedShard,
    membership: f64,
    threshold: f64,
}

impl Likelihood {
    /// The algorithm for `shard` of `release`, whose statistics merged over every shard are
    /// `stats` (the model of the release reads the whole release, so every shard has the same).
    pub fn build(
        release: &Dataset,
        params: &AttackParams,
        stats: &ReleaseStats,
        shard: CheckedShard,
    ) -> Self {
        let presence = Presence {
            cap: params.whole(&CAP),
            capped_length: params.real(&CAPPED_LENGTH),
        };
        let (model, windows) = modelled(release, stats, &presence, shard);
        let errors = ErrorModel::new(
            params.real(&WRONG_RATE),
            params.real(&RATING_SCALE),
            params.real(&DATE_SCALE),
            &model,
        )
        .with_presence(presence);
        Likelihood {
            model,
            attribute_counts: AttributeCounts::shared(release),
            errors,
            windows,
            shard,
            membership: params.real(&MEMBERSHIP),
            threshold: params.real(&THRESHOLD),
        }
    }
}

/// The model of a release and its records' windows without a cap, built once per release
/// (every attack on it shares them: an audit runs hundreds).
struct ModelOfRelease {
    stats: ReleaseStats,
    model: Arc<ReleaseModel>,
    uncapped_windows: Vec<RecordWindow>,
}

/// The model of `release` (whose whole statistics are `stats`) and the windows of `shard`'s
/// records, classed by `presence`: from the release's cache when `shard` is the whole release.
fn modelled(
    release: &Dataset,
    stats: &ReleaseStats,
    presence: &Presence,
    shard: CheckedShard,
) -> (Arc<ReleaseModel>, Vec<RecordWindow>) {
    let build = || crate::progress::timed("likelihood model", || ReleaseModel::of(release, stats));
    let whole = shard.shard() == Shard::whole(release);
    let cached = whole.then(|| {
        release.derived(|| {
            let model = build();
            let uncapped = Presence::default();
            let uncapped_windows =
                likelihood::record_windows(release, &model, &uncapped, shard.shard());
            ModelOfRelease {
                stats: *stats,
                model: Arc::new(model),
                uncapped_windows,
            }
        })
    });
    match cached {
        Some(c) if c.stats == *stats => {
            let mut windows = c.uncapped_windows.clone();
            if presence.cap > 0 {
                windows.par_iter_mut().enumerate().for_each(|(r, w)| {
                    w.capped = presence.capped(release.record(r as u32).len());
                });
            }
            (Arc::clone(&c.model), windows)
        }
        _ => {
            let model = build();
            let windows = likelihood::record_windows(release, &model, presence, shard.shard());
            (Arc::new(model), windows)
        }
    }
}

/// The likelihood algorithm's scoring of one aux record: the scatter of the item facts, then
/// the attribute terms.
struct LikelihoodTiles<'a> {
    scatter: LikelihoodScatter<'a>,
    attributes: AttributeTerms<'a>,
}

impl TileScorer for LikelihoodTiles<'_> {
    fn tile(&mut self, tile: CheckedShard, acc: &mut [f32]) {
        self.scatter.tile(tile, acc);
        if !self.attributes.is_empty() {
            self.attributes.add(tile.shard(), acc);
        }
    }
}

/// An attribute's log-likelihood ratio beyond the `ln w` every record gets: with Q the share of
/// the records with a value whose value agrees, a record whose value agrees scores
/// ln(1 + K / Q), K = (1 - w) / w; one whose value disagrees 0 (the ratio is w); one without a
/// value -ln w (the ratio is 1: a missing value says nothing).
fn attribute_ratios(wrong_rate: f64) -> impl Fn(&AttributeView) -> (Vec<f32>, f32) {
    move |view: &AttributeView| {
        let k = (1.0 - wrong_rate) / wrong_rate;
        let agreeing: u64 = view
            .counts
            .iter()
            .zip(view.agrees)
            .filter(|&(_, &a)| a)
            .map(|(&n, _)| n as u64)
            .sum();
        let q = agreeing as f64 / view.present.max(1) as f64;
        let table = view
            .agrees
            .iter()
            .map(|&a| if a { (k / q).ln_1p() as f32 } else { 0.0 })
            .collect();
        (table, (-wrong_rate.ln()) as f32)
    }
}

/// Whether some record holds a fact (else every score is 0 and the output is uniform).
fn scored(s: &Summary) -> bool {
    s.records > 0 && s.best > 0.0
}

impl LinkageAlgorithm for Likelihood {
    fn tile_scorer<'a>(
        &'a self,
        release: &'a Dataset,
        query: &'a Query,
    ) -> Box<dyn TileScorer + 'a> {
        Box::new(LikelihoodTiles {
            scatter: LikelihoodScatter::new(
                release,
                &self.model,
                &self.errors,
                &self.windows,
                query,
                self.shard,
            ),
            attributes: AttributeTerms::new(
                release,
                &self.attribute_counts,
                query,
                attribute_ratios(self.errors.wrong_rate),
            ),
        })
    }

    /// The scores are log-likelihood ratios: the sums are taken at temperature 1.
    fn plan_second_pass(&self, _: usize, _: &Query, summaries: &[Summary]) -> Vec<SecondPass> {
        let merged = Summary::merge_all(summaries.iter().copied());
        let pass = if scored(&merged) {
            SecondPass::Entropy {
                reference: merged.best,
                inv_sigma: 1.0,
            }
        } else {
            SecondPass::Reset
        };
        vec![pass; summaries.len()]
    }

    fn finish(&self, query: &Query, s: &Summary, spread: &Spread) -> Match {
        let n = s.records as f64;
        let sigma = s.sigma();
        let (best, second) = (s.best as f64, s.second as f64);
        let eccentricity = super::entropic::eccentricity(s);
        // z = sum over records of exp(score - best), zx = sum of (score - best) exp(...).
        let (z, zx) = if scored(s) {
            spread.entropic_sums(s.best, 1.0)
        } else {
            (n, 0.0)
        };
        let nats = z.ln() - zx / z;
        // ln of the best record's weight, prior and the facts' lacking terms included, against
        // the absent hypothesis's ln(1 - membership).
        let facts = query.facts_used() as f64;
        let log_best = (self.membership / n).ln() + facts * self.errors.wrong_rate.ln() + best;
        let absent = if self.membership < 1.0 {
            libm::exp((1.0 - self.membership).ln() - log_best)
        } else {
            0.0
        };
        let posterior = 1.0 / (z + absent);
        Match {
            candidate: Some(s.best_record),
            score: best,
            runner_up: second,
            eccentricity,
            matched: posterior >= self.threshold && best > second,
            entropy_bits: nats.max(0.0) / std::f64::consts::LN_2,
            top_probability: 1.0 / z,
            candidates: s.tied,
            sigma,
            facts_used: query.facts_used(),
            posterior: Some(posterior),
        }
    }

    fn values_only(&self) -> bool {
        true
    }
}

#[cfg(test)]
mod tests;
