//! The likelihood algorithm against direct computations of its definition (docs/method.md
//! section 13), and against releases made by hand where the answer is known.

use super::*;
use crate::attack::Scorer;
use crate::auxiliary::sampler::{self, AuxParams};
use crate::dataset::generate::{GenerateParams, Preset, generate};
use crate::dataset::{NO_DAY, NO_RATING};

/// One configuration of the algorithm: w, s, b, alpha, and the cap T and nbar.
#[derive(Clone, Copy, Debug)]
struct Case {
    w: f64,
    s: f64,
    b: f64,
    alpha: f64,
    cap: u64,
    capped_length: f64,
}

impl Case {
    const fn new(w: f64, s: f64, b: f64, alpha: f64) -> Case {
        Case {
            w,
            s,
            b,
            alpha,
            cap: 0,
            capped_length: 0.0,
        }
    }

    const fn capped(self, cap: u64, capped_length: f64) -> Case {
        Case {
            cap,
            capped_length,
            ..self
        }
    }

    fn params(&self) -> AttackParams {
        AttackParams::builder()
            .algorithm(ALGORITHM.parse().unwrap())
            .with(&WRONG_RATE, self.w)
            .with(&RATING_SCALE, self.s)
            .with(&DATE_SCALE, self.b)
            .with(&MEMBERSHIP, self.alpha)
            .with(&CAP, Value::Whole(self.cap))
            .with(&CAPPED_LENGTH, self.capped_length)
            .check()
            .unwrap()
    }

    /// Each record's w_r: w, or for a record of at least T entries 1 - (1 - w) q with
    /// q = min(1, T / max(k, nbar)), nbar 8T when not given.
    fn wrong_rates(&self, data: &Dataset, k: usize) -> Vec<f64> {
        let w = self.w.max(likelihood::MIN_WRONG_RATE);
        let t = self.cap as f64;
        let nbar = if self.capped_length > 0.0 {
            self.capped_length
        } else {
            8.0 * t
        };
        let q = (t / nbar.max(k as f64)).min(1.0);
        (0..data.num_records() as u32)
            .map(|r| {
                if self.cap > 0 && data.record(r).len() as u64 >= self.cap {
                    1.0 - (1.0 - w) * q
                } else {
                    w
                }
            })
            .collect()
    }
}

/// What the definition reads off the release: each record's number of distinct items and first
/// and last dated entry, E, the count of each rating value, and each day's entries.
struct Tallies {
    lengths: Vec<f64>,
    e: f64,
    rating_counts: [f64; 256],
    rated: f64,
    day_counts: std::collections::BTreeMap<u16, f64>,
    /// The days with an entry.
    present: Vec<u16>,
    window: Vec<(u16, u16)>,
}

impl Tallies {
    fn of(data: &Dataset) -> Tallies {
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
        Tallies {
            lengths,
            e,
            rating_counts,
            rated,
            day_counts,
            present,
            window,
        }
    }
}

/// The definition of docs/method.md section 13, summed directly in f64 over every record,
/// from the data alone: the score of every record (its log-likelihood ratio less m ln w, w the
/// rate of a record that lost nothing) and the posterior of each.
fn brute_force(data: &Dataset, q: &Query, case: Case) -> (Vec<f64>, Vec<f64>) {
    let Case { s, b, alpha, .. } = case;
    let n = data.num_records();
    let Tallies {
        lengths,
        e,
        rating_counts,
        rated,
        day_counts,
        present,
        window,
    } = Tallies::of(data);
    let kappa = likelihood::PSEUDO_COUNT;
    let w = case.w.max(likelihood::MIN_WRONG_RATE);
    let w_of = case.wrong_rates(data, q.facts.len());
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
            let mut ratio = (1.0 - w_of[r]) / w_of[r];
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
    // The lacking terms: m ln w_r, of which m ln w goes with the prior.
    let m = q.facts.len() as f64;
    for (score, w_r) in scores.iter_mut().zip(&w_of) {
        *score += m * (w_r.ln() - w.ln());
    }
    let posteriors = posteriors(&scores, alpha, m * w.ln());
    (scores, posteriors)
}

/// The posterior of each record of `scores` with prior `alpha` that the target is in the
/// release, and `lacking` (m ln w) added to every score.
fn posteriors(scores: &[f64], alpha: f64, lacking: f64) -> Vec<f64> {
    let n = scores.len();
    let log_weights: Vec<f64> = scores
        .iter()
        .map(|s| (alpha / n as f64).ln() + lacking + s)
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
    log_weights
        .iter()
        .map(|l| (l - top).exp() / total)
        .collect()
}

/// Checks every record's kernel score and the candidate's posterior against [`brute_force`]
/// for each case; returns how many aux records each case named.
fn check(data: &Dataset, queries: &[Query], cases: &[Case]) -> Vec<usize> {
    let all: Vec<u32> = (0..data.num_records() as u32).collect();
    let stats = ReleaseStats::of(data);
    let shard = CheckedShard::whole(data).unwrap();
    let mut named = Vec::new();
    for &case in cases {
        let scorer = Scorer::new(data, &case.params(), &stats, shard);
        let mut acc = vec![0f32; data.num_records()];
        let mut n = 0;
        for (k, q) in queries.iter().enumerate() {
            let (m, kernel) = scorer.score_alone_reading(data, k, q, &mut acc, &all);
            let (exact, posteriors) = brute_force(data, q, case);
            for (r, (&got, &want)) in kernel.iter().zip(&exact).enumerate() {
                assert!(
                    (got - want).abs() <= 2e-5 * want.max(1.0),
                    "{case:?} aux {k} record {r}: kernel {got}, definition {want}"
                );
            }
            let best = exact.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
            assert!((m.score - best).abs() <= 2e-5 * best.max(1.0));
            let c = m.candidate.unwrap() as usize;
            assert!(
                exact[c] >= best - 4e-5 * best.max(1.0),
                "the candidate has the best score"
            );
            let p = m.posterior.unwrap();
            assert!(
                (p - posteriors[c]).abs() <= 1e-4 * posteriors[c].max(1e-3),
                "{case:?} aux {k}: posterior {p}, definition {}",
                posteriors[c]
            );
            assert_eq!(m.matched, p >= 0.5 && m.score > m.runner_up);
            n += m.matched as usize;
        }
        named.push(n);
    }
    named
}

/// A netflix-like data set of 1,500 people and 40 aux records of 6 facts (one wrong, ratings
/// +-1 star, dates +-40 days), some facts lacking their rating or date, some dates far from
/// every record's window.
fn definition_inputs() -> (Dataset, Vec<Query>) {
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
    (data, queries)
}

#[test]
fn the_kernel_gives_the_definition_s_scores_and_posteriors() {
    let (data, queries) = definition_inputs();
    let cases = [
        Case::new(0.1, 0.5, 14.0, 1.0),
        Case::new(0.3, 1.5, 60.0, 0.2),
        Case::new(0.0, 0.5, 7.0, 1.0),
        // A date scale so small that far windows take the underflow path.
        Case::new(0.1, 0.5, 0.5, 1.0),
        // A cap that the heavy raters reach.
        Case::new(0.1, 0.5, 14.0, 1.0).capped(40, 0.0),
    ];
    let reach = (0..data.num_records() as u32).filter(|&r| data.record(r).len() >= 40);
    assert!((100..1400).contains(&reach.count()), "both classes");
    let named = check(&data, &queries, &cases);
    for (case, named) in cases.iter().zip(named) {
        assert!(
            named > 0 && named < queries.len() || case.alpha < 1.0,
            "{case:?}: {named} named"
        );
    }
}

/// `data` with at most `cap` entries of each record, a random subset (as `truncate` keeps).
fn truncated(data: &Dataset, cap: usize) -> Dataset {
    use crate::dataset::builder::{self, EntryChunk};
    let mut chunk = EntryChunk::default();
    for r in 0..data.num_records() as u32 {
        let x = data.record(r);
        let every: Vec<u32> = (0..x.len() as u32).collect();
        let kept = crate::rng::Rng::derive(3, &[r as u64]).sample_sorted(&every, cap);
        for k in kept.into_iter().map(|k| k as usize) {
            let rating = x.ratings.map_or(NO_RATING, |v| v[k]);
            let day = x.days.map_or(NO_DAY, |d| d[k]);
            chunk.push(r, x.keys[k], rating, day);
        }
    }
    builder::build(
        data.kind(),
        numbered(data.num_records()),
        numbered(data.num_items()),
        vec![chunk],
    )
    .unwrap()
}

/// Ids 0, 1, ... for `n` records or items.
fn numbered(n: usize) -> crate::dataset::ids::IdTable {
    use crate::dataset::ids::{IdKey, IdTable};
    IdTable::from_keys(&(0..n as u64).map(IdKey::Num).collect::<Vec<_>>())
}

/// On a release that keeps 20 entries of each person (most records reach the cap, some do not):
/// the same scores and posteriors as the definition, with the cap modelled or not.
#[test]
fn the_kernel_gives_the_definition_s_scores_on_a_truncated_release() {
    let (data, mut queries) = definition_inputs();
    let release = truncated(&data, 20);
    let lengths = (0..release.num_records() as u32).map(|r| release.record(r).len());
    let short = lengths.filter(|&n| n < 20).count();
    assert!(short > 50 && short < release.num_records() / 2, "{short}");
    // The facts on items the truncated release lacks are dropped, as resolving drops them.
    for q in &mut queries {
        q.facts.retain(|f| release.support(f.item) > 0);
    }
    let cases = [
        Case::new(0.1, 0.5, 14.0, 1.0),
        Case::new(0.1, 0.5, 14.0, 1.0).capped(20, 0.0),
        Case::new(0.3, 1.5, 60.0, 0.2).capped(20, 45.0),
        Case::new(0.0, 0.5, 7.0, 1.0).capped(20, 0.0),
        // nbar below the cap: q = 1 for 6 facts, nothing changes.
        Case::new(0.1, 0.5, 14.0, 1.0).capped(20, 5.0),
    ];
    let named = check(&release, &queries, &cases);
    assert!(named[1] > 0, "{named:?}");
}

/// A release made by hand under a cap of 5 entries, without ratings or dates: A had 3 entries
/// and kept them all (record 0); C (record 1) holds A's 3 items and 2 more; B had 50 and kept 5,
/// one of them, item 10, among the 8 the adversary knows (record 2); S (record 3) holds only
/// item 11, another of B's. Then 200 records of 5 entries and 20 of 2 on items 100 to 399,
/// the first 12 of the long ones holding one of B's items 12 to 17 each.
fn hand_made() -> Dataset {
    use crate::dataset::builder::{self, EntryChunk};
    let mut records: Vec<Vec<u32>> = vec![
        vec![0, 1, 2],
        vec![0, 1, 2, 64, 65],
        vec![10, 60, 61, 62, 63],
        vec![11],
    ];
    for j in 0..220u32 {
        let len = if j < 200 { 5 } else { 2 };
        let mut items: Vec<u32> = (0..len).map(|m| 100 + (5 * j + m) % 300).collect();
        if j < 12 {
            items[0] = 12 + j % 6;
        }
        records.push(items);
    }
    let mut chunk = EntryChunk::default();
    for (r, items) in records.iter().enumerate() {
        for &i in items {
            chunk.push(r as u32, i, NO_RATING, NO_DAY);
        }
    }
    let kind = crate::dataset::DatasetKind::Ratings;
    builder::build(kind, numbered(records.len()), numbered(400), vec![chunk]).unwrap()
}

/// The scores of every record and the match of an adversary knowing `items` exactly.
fn attack_by_hand(data: &Dataset, items: &[u32], cap: u64) -> (Match, Vec<f64>) {
    let query = Query {
        facts: items
            .iter()
            .map(|&item| crate::attack::query::QueryFact {
                item,
                rating: NO_RATING,
                day: NO_DAY,
            })
            .collect(),
        facts_dropped: 0,
        count: None,
        attributes: Vec::new(),
        attributes_dropped: 0,
    };
    let params = Case::new(0.1, 0.5, 14.0, 1.0).capped(cap, 0.0).params();
    let shard = CheckedShard::whole(data).unwrap();
    let scorer = Scorer::new(data, &params, &ReleaseStats::of(data), shard);
    let all: Vec<u32> = (0..data.num_records() as u32).collect();
    let mut acc = vec![0f32; data.num_records()];
    scorer.score_alone_reading(data, 0, &query, &mut acc, &all)
}

/// Under a cap, a record shorter than the cap lost nothing: the target's short record must
/// hold the adversary's facts, and a record at the cap may have lost them.
#[test]
fn a_short_record_lost_nothing_and_a_capped_one_may_have_lost_most() {
    let data = hand_made();
    assert!(data.supports()[12..18].iter().all(|&s| s == 2));
    // Knowing A's 3 items: A's short record wins, and the capped record C holding them all falls
    // further behind it (a capped person rarely keeps all of 3 known entries).
    let (blind, blind_scores) = attack_by_hand(&data, &[0, 1, 2], 0);
    let (capped, capped_scores) = attack_by_hand(&data, &[0, 1, 2], 5);
    assert_eq!((blind.candidate, capped.candidate), (Some(0), Some(0)));
    let behind = |s: &[f64]| s[0] - s[1];
    assert!(
        behind(&capped_scores) > behind(&blind_scores) + 3.0,
        "{blind_scores:?} {capped_scores:?}"
    );
    assert!(capped.posterior.unwrap() > blind.posterior.unwrap() && capped.matched);
    // Knowing 8 of B's items: B's capped record holds 1, S's short one holds 1 and lacks 7.
    // Blind to the cap, S wins (its one item is as rare, and its record shorter); knowing the
    // cap, S would have had to lose 7 of 8 entries it cannot have lost, and B wins.
    let known: Vec<u32> = (10..18).collect();
    let (blind, blind_scores) = attack_by_hand(&data, &known, 0);
    let (capped, capped_scores) = attack_by_hand(&data, &known, 5);
    assert!(blind_scores[3] >= blind_scores[2] && blind.candidate == Some(3));
    assert!(
        capped_scores[2] > capped_scores[3] + 5.0,
        "{capped_scores:?}"
    );
    assert_eq!(capped.candidate, Some(2));
}
