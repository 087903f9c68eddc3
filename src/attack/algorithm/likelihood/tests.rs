//! The likelihood algorithm against a direct computation of its definition (docs/method.md
//! section 13).

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
            (own + kappa * rating_counts[v as usize] / rated) / (item_ratings.len() as f64 + kappa)
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
