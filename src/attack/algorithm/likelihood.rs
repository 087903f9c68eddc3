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
//! The model's lacking term is ln w for every fact a record lacks, whatever the record, so it
//! cancels from the ranking and enters the posterior through the absent hypothesis only; the
//! terms of the facts a record holds are at least 0, and the records holding none score 0, as
//! the engine's packed passes require ([`crate::attack::kernel::likelihood`]).

use super::{LinkageAlgorithm, Match, TileScorer};
use crate::attack::kernel::attributes::{AttributeCounts, AttributeTerms, AttributeView};
use crate::attack::kernel::likelihood::{
    self, ErrorModel, LikelihoodScatter, RecordWindow, ReleaseModel,
};
use crate::attack::parameter::{Column, Domain, Parameter, Value, Widen};
use crate::attack::params::{AttackParams, AttackParamsBuilder};
use crate::attack::partial::{SecondPass, Spread, Summary};
use crate::attack::query::Query;
use crate::attack::search::{Widening, distinct};
use crate::attack::shard::{CheckedShard, ReleaseStats};
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

/// The parameters the likelihood algorithm reads.
pub const PARAMETERS: &[&Parameter] = &[
    &WRONG_RATE,
    &RATING_SCALE,
    &DATE_SCALE,
    &MEMBERSHIP,
    &THRESHOLD,
];

/// Its name in the registry.
const ALGORITHM: &str = "likelihood";

/// The likelihood algorithm's search grid: w at its default and at 0.25, times the date scale
/// at its default and, when the policy rounds dates, at the unit; every value widened by what
/// the policy does (noise added to the scales, deleted entries to w, the sampling fraction as
/// the prior), each configuration once.
pub fn search_grid(w: &Widening) -> Vec<AttackParamsBuilder> {
    let widened = |p: &Parameter, v: f64| p.widened(Value::Real(v), w);
    let date_scales = distinct(
        [DATE_SCALE.default_f64()]
            .into_iter()
            .chain(w.date_unit)
            .map(|b| widened(&DATE_SCALE, b).as_f64()),
    );
    let mut grid = Vec::new();
    for wrong in distinct([WRONG_RATE.default_f64(), 0.25]) {
        for &b in &date_scales {
            grid.push(
                AttackParams::builder()
                    .algorithm(ALGORITHM.parse().expect("registered"))
                    .with(&WRONG_RATE, widened(&WRONG_RATE, wrong))
                    .with(
                        &RATING_SCALE,
                        widened(&RATING_SCALE, RATING_SCALE.default_f64()),
                    )
                    .with(&DATE_SCALE, b)
                    .with(&MEMBERSHIP, widened(&MEMBERSHIP, MEMBERSHIP.default_f64())),
            );
        }
    }
    grid
}

/// The likelihood algorithm on one shard.
pub struct Likelihood {
    model: ReleaseModel,
    attribute_counts: AttributeCounts,
    errors: ErrorModel,
    /// Each record's length and window.
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
        let model = crate::progress::timed("likelihood model", || ReleaseModel::of(release, stats));
        let windows = likelihood::record_windows(release, &model, shard.shard());
        let errors = ErrorModel::new(
            params.real(&WRONG_RATE),
            params.real(&RATING_SCALE),
            params.real(&DATE_SCALE),
            &model,
        );
        Likelihood {
            model,
            attribute_counts: AttributeCounts::of(release),
            errors,
            windows,
            shard,
            membership: params.real(&MEMBERSHIP),
            threshold: params.real(&THRESHOLD),
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
mod tests {
    use super::*;
    use crate::attack::Scorer;
    use crate::auxiliary::sampler::{self, AuxParams};
    use crate::dataset::generate::{GenerateParams, Preset, generate};
    use crate::dataset::{NO_DAY, NO_RATING};

    /// The definition of docs/method.md section 13, summed directly in f64 over every record,
    /// from the data alone: the score of every record and the posterior of each.
    fn brute_force(
        data: &Dataset,
        q: &Query,
        w: f64,
        s: f64,
        b: f64,
        alpha: f64,
    ) -> (Vec<f64>, Vec<f64>) {
        let n = data.num_records();
        let lengths: Vec<f64> = (0..n as u32)
            .map(|r| crate::attack::shard::distinct_items(data, r) as f64)
            .collect();
        let e: f64 = lengths.iter().sum();
        // The release's rating values and shares, its days and daily counts.
        let mut rating_counts = [0f64; 256];
        let mut day_counts = std::collections::BTreeMap::<u16, f64>::new();
        for r in 0..n as u32 {
            let x = data.record(r);
            for k in 0..x.len() {
                if let Some(v) = x.rating(k) {
                    rating_counts[v.0 as usize] += 1.0;
                }
                if let Some(d) = x.day(k) {
                    *day_counts.entry(d).or_default() += 1.0;
                }
            }
        }
        let rated: f64 = rating_counts.iter().sum();
        let present: Vec<u16> = day_counts.keys().copied().collect();
        // Each record's first and last dated entry.
        let window: Vec<(u16, u16)> = (0..n as u32)
            .map(|r| {
                let days = data.record(r).days.unwrap_or(&[]);
                let lo = days
                    .iter()
                    .copied()
                    .filter(|&d| d != NO_DAY)
                    .min()
                    .unwrap_or(0);
                let hi = days
                    .iter()
                    .copied()
                    .filter(|&d| d != NO_DAY)
                    .max()
                    .unwrap_or(0);
                (lo, hi)
            })
            .collect();
        let kappa = likelihood::PSEUDO_COUNT;
        let w = w.max(likelihood::MIN_WRONG_RATE);
        let mut scores = vec![0f64; n];
        // Whether the record held an earlier fact: its first fact's date is scored against the
        // release's dates on or after the item's first, the later ones against its window.
        let mut held = vec![false; n];
        for f in &q.facts {
            let post = data.postings(f.item);
            let supp = data.support(f.item) as f64;
            let item_ratings: Vec<u8> = (0..post.len())
                .filter_map(|k| post.rating(k).map(|v| v.0))
                .collect();
            let item_first = (0..post.len())
                .filter_map(|k| post.day(k))
                .min()
                .unwrap_or(0);
            let p = |v: u8| {
                let own = item_ratings.iter().filter(|&&x| x == v).count() as f64;
                (own + kappa * rating_counts[v as usize] / rated)
                    / (item_ratings.len() as f64 + kappa)
            };
            let x = f.rating as f64 / 2.0;
            let rating_sim = |v: f64| (-(v - x).abs() / s).exp();
            let rating_z: f64 = (0..255u8)
                .filter(|&u| rating_counts[u as usize] > 0.0)
                .map(|u| rating_sim(u as f64 / 2.0))
                .sum();
            let f_of = |v: u8| rating_sim(v as f64 / 2.0) / rating_z;
            // D = n e^(-|d - t| / b) / W, n and W over the days with an entry of the record's
            // window (from its first dated entry, or the item's, to its last); relative to the
            // window's nearest day to t, which is the same ratio without underflow.
            let t = f.day as f64;
            let nearest = present
                .iter()
                .map(|&u| (u as f64 - t).abs())
                .fold(f64::INFINITY, f64::min);
            let z: f64 = present
                .iter()
                .map(|&u| (-((u as f64 - t).abs() - nearest) / b).exp())
                .sum();
            let mass: f64 = day_counts.range(item_first..).map(|(_, c)| c).sum();
            let marginal = |d: u16| {
                let g = (-((d as f64 - t).abs() - nearest) / b).exp() / z;
                g / (day_counts[&d] / mass)
            };
            let d_of = |r: usize, d: u16| {
                let (lo, hi) = (window[r].0.max(item_first), window[r].1);
                let days: Vec<f64> = present
                    .iter()
                    .filter(|&&u| u >= lo && u <= hi)
                    .map(|&u| (u as f64 - t).abs())
                    .collect();
                let nearest = days.iter().cloned().fold(f64::INFINITY, f64::min);
                let total: f64 = days.iter().map(|&u| (-(u - nearest) / b).exp()).sum();
                days.len() as f64 * (-((d as f64 - t).abs() - nearest) / b).exp() / total
            };
            for k in 0..post.len() {
                let r = post.keys[k] as usize;
                let mut ratio = (1.0 - w) / w;
                if let (Some(v), true) = (post.rating(k), f.rating != NO_RATING) {
                    ratio *= f_of(v.0) / p(v.0);
                }
                if let (Some(d), true) = (post.day(k), f.day != NO_DAY) {
                    ratio *= if held[r] { d_of(r, d) } else { marginal(d) };
                }
                let pi = (lengths[r] * supp / e).min(1.0);
                scores[r] += (1.0 + ratio / pi).ln();
            }
            for &r in post.keys {
                held[r as usize] = true;
            }
        }
        let m = q.facts.len() as f64;
        let log_weights: Vec<f64> = scores
            .iter()
            .map(|s| (alpha / n as f64).ln() + m * w.ln() + s)
            .collect();
        let top = log_weights
            .iter()
            .cloned()
            .fold(f64::NEG_INFINITY, f64::max);
        let absent = if alpha < 1.0 {
            (1.0 - alpha).ln()
        } else {
            f64::NEG_INFINITY
        };
        let top = top.max(absent);
        let total: f64 =
            log_weights.iter().map(|l| (l - top).exp()).sum::<f64>() + (absent - top).exp();
        let posteriors = log_weights
            .iter()
            .map(|l| (l - top).exp() / total)
            .collect();
        (scores, posteriors)
    }

    #[test]
    fn the_kernel_gives_the_definition_s_scores_and_posteriors() {
        let data = generate(
            &GenerateParams::new(Preset::NetflixLike)
                .users(1500)
                .seed(11),
        )
        .unwrap();
        let aux = sampler::sample(
            &data,
            &AuxParams {
                targets: 40,
                items: 6,
                wrong: 1,
                rating_error: 1.0,
                date_error: 40,
                seed: 5,
                ..AuxParams::default()
            },
            None,
        )
        .unwrap()
        .records;
        let mut queries = crate::attack::query::resolve(&data, &aux, None);
        // A fact without a rating, one without a date.
        queries[0].facts[0].rating = NO_RATING;
        queries[1].facts[1].day = NO_DAY;
        // Dates at the start of the release, far from most records' windows, and before it.
        let (first, _) = data.day_range().unwrap();
        for f in &mut queries[2].facts {
            f.day = first;
        }
        queries[3].facts[0].day = first - 400;
        let all: Vec<u32> = (0..data.num_records() as u32).collect();
        let stats = ReleaseStats::of(&data);
        let shard = CheckedShard::whole(&data).unwrap();
        for (w, s, b, alpha) in [
            (0.1, 0.5, 14.0, 1.0),
            (0.3, 1.5, 60.0, 0.2),
            (0.0, 0.5, 7.0, 1.0),
            // A date scale so small that far windows take the underflow path.
            (0.1, 0.5, 0.5, 1.0),
        ] {
            let params = AttackParams::builder()
                .algorithm(ALGORITHM.parse().unwrap())
                .with(&WRONG_RATE, w)
                .with(&RATING_SCALE, s)
                .with(&DATE_SCALE, b)
                .with(&MEMBERSHIP, alpha)
                .check()
                .unwrap();
            let scorer = Scorer::new(&data, &params, &stats, shard);
            let mut acc = vec![0f32; data.num_records()];
            let mut named = 0;
            for (k, q) in queries.iter().enumerate() {
                let (m, kernel) = scorer.score_alone_reading(&data, k, q, &mut acc, &all);
                let (exact, posteriors) = brute_force(&data, q, w, s, b, alpha);
                for (r, (&got, &want)) in kernel.iter().zip(&exact).enumerate() {
                    assert!(
                        (got - want).abs() <= 2e-5 * want.max(1.0),
                        "w {w} aux {k} record {r}: kernel {got}, definition {want}"
                    );
                }
                let best = exact.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
                assert!((m.score - best).abs() <= 2e-5 * best.max(1.0));
                let c = m.candidate.unwrap() as usize;
                assert!(exact[c] >= best - 1e-4, "the candidate has the best score");
                let p = m.posterior.unwrap();
                assert!(
                    (p - posteriors[c]).abs() <= 1e-4 * posteriors[c].max(1e-3),
                    "w {w} aux {k}: posterior {p}, definition {}",
                    posteriors[c]
                );
                assert_eq!(m.matched, p >= 0.5 && m.score > m.runner_up);
                named += m.matched as usize;
            }
            assert!(
                named > 0 && named < queries.len() || alpha < 1.0,
                "w {w}: {named} named"
            );
        }
    }
}
