//! Benches of the linkage engine.
//!
//! - `kernel/plain-pass/...`: read the postings of an aux record's items and add a constant
//!   into a dense accumulator: the floor any scoring kernel is compared with;
//! - `kernel/scoreboard-rh-scatter-only/...`: the Scoreboard-RH scoring loop alone (similarity
//!   and weights into the accumulator), then a plain reset;
//! - `kernel/scoreboard-rh/...`: the Scoreboard-RH scatter plus the pass that produces
//!   eccentricity and entropic output and resets the accumulator;
//! - `kernel/scoreboard-rh-norm/...`: the same with the length normalization (B = 0.75): one
//!   more division per record;
//! - `kernel/likelihood/...`: the likelihood-ratio scatter (a logarithm per posting) and the
//!   same passes, its posterior computed;
//! - `kernel/likelihood-cap=50/...`: the same with a cap of 50 entries per person modelled
//!   (records of 50 entries or more, about half of them, in the capped class: a presence odds per
//!   posting, a lacking term per record, and nearly every record's score nonzero);
//! - `kernel/{scoreboard-rh,likelihood,scoreboard}-with-attributes/.../aux=8+3`: the same aux
//!   records, fact for fact, with the target's age, gender and region beside them (three more
//!   terms per record), against `kernel/{...}-facts-only/.../aux=8` without them, one after
//!   the other in the same run;
//! - `attack/scoreboard-rh/...`, `attack/likelihood/...`: the whole parallel engine over a batch
//!   of aux records (the likelihood's includes building its model of the release, once per
//!   attack).
//!
//! Throughput is in postings scanned (kernel) or aux records (attack). The data is a
//! netflix-like set generated with seed 1 (DEANON_BENCH_USERS people, default 48,019 = 10% of
//! Netflix) or, with DEANON_BENCH_STORE=path, an existing store (e.g. the full-scale twin).
//! Aux: 8 facts, exact ratings, dates +-14 days, 200 targets, seed 1.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use deanon::attack::kernel::{self, RhContext};
use deanon::attack::{AttackParams, CheckedShard, ReleaseStats, Scorer, query};
use deanon::auxiliary::sampler::{self, AuxParams};
use deanon::dataset::Dataset;
use deanon::dataset::generate::{GenerateParams, Preset, generate};

fn data() -> (Dataset, String) {
    if let Ok(path) = std::env::var("DEANON_BENCH_STORE") {
        let d = deanon::dataset::store::open(std::path::Path::new(&path)).unwrap();
        let label = format!("store/users={}", d.num_records());
        return (d, label);
    }
    let users: usize = std::env::var("DEANON_BENCH_USERS")
        .ok()
        .and_then(|u| u.parse().ok())
        .unwrap_or(48_019);
    let d = generate(
        &GenerateParams::new(Preset::NetflixLike)
            .users(users)
            .seed(1),
    )
    .unwrap();
    (d, format!("netflix-like/users={users}"))
}

fn benches(c: &mut Criterion) {
    let (data, label) = data();
    // 200 targets, 8 facts each, knowing the people's `attributes` too.
    let resolved = |attributes: Vec<String>| {
        let params = AuxParams {
            targets: 200,
            items: 8,
            date_error: 14,
            seed: 1,
            attributes,
            ..AuxParams::default()
        };
        let aux = sampler::sample(&data, &params, None).unwrap().records;
        query::resolve(&data, &aux, None)
    };
    let queries = resolved(Vec::new());
    // The same aux records with the people's attributes beside their facts (drawn after them).
    let with_attributes = data
        .has_attributes()
        .then(|| resolved(data.people().names().to_vec()));
    let n = data.num_records();
    let postings: u64 = queries
        .iter()
        .flat_map(|q| &q.facts)
        .map(|f| data.postings(f.item).len() as u64)
        .sum();
    let context = RhContext::new(&data, 1.5, 30.0);
    let shard = CheckedShard::whole(&data).unwrap();
    let stats = ReleaseStats::of(&data);

    let mut group = c.benchmark_group("kernel");
    group.sample_size(10);
    group.throughput(Throughput::Elements(postings));
    let mut acc = vec![0f32; n];
    group.bench_function(format!("plain-pass/{label}/aux=8"), |b| {
        b.iter(|| {
            for q in &queries {
                kernel::plain_pass(&data, q, &mut acc);
                acc.fill(0.0);
            }
        })
    });
    group.bench_function(format!("scoreboard-rh-scatter-only/{label}/aux=8"), |b| {
        b.iter(|| {
            for q in &queries {
                kernel::scatter_rh(&data, &context, q, shard, &mut acc);
                acc.fill(0.0);
            }
        })
    });
    let norm = AttackParams::builder()
        .algorithm("scoreboard-rh-norm".parse().unwrap())
        .check()
        .unwrap();
    let likelihood = AttackParams::builder()
        .algorithm("likelihood".parse().unwrap())
        .check()
        .unwrap();
    let scoreboard = AttackParams::builder()
        .algorithm("scoreboard".parse().unwrap())
        .check()
        .unwrap();
    if let Some(attributed) = &with_attributes {
        assert!(
            attributed
                .iter()
                .zip(&queries)
                .all(|(a, q)| a.facts == q.facts && a.attributes.len() == 3),
            "the same facts, and three attributes"
        );
        for params in [
            AttackParams::defaults(),
            likelihood.clone(),
            scoreboard.clone(),
        ] {
            let scorer = Scorer::new(&data, &params, &stats, shard);
            let name = params.algorithm().name();
            let mut space = scorer.workspace();
            for (suffix, queries) in [("-facts-only", &queries), ("-with-attributes", attributed)] {
                let facts = if suffix == "-facts-only" { "8" } else { "8+3" };
                group.bench_function(format!("{name}{suffix}/{label}/aux={facts}"), |b| {
                    b.iter(|| {
                        for (k, q) in queries.iter().enumerate() {
                            std::hint::black_box(scorer.score_stashed(&data, k, q, &mut space));
                        }
                    })
                });
            }
        }
    }
    let capped = likelihood
        .to_builder()
        .set("cap", deanon::attack::parameter::Value::Whole(50))
        .unwrap()
        .check()
        .unwrap();
    let kernels = [
        ("scoreboard-rh", AttackParams::defaults()),
        ("scoreboard-rh-norm", norm),
        ("likelihood", likelihood.clone()),
        ("likelihood-cap=50", capped),
    ];
    for (name, params) in kernels {
        let scorer = Scorer::new(&data, &params, &stats, shard);
        // In a tile-sized accumulator with a stash, as the attack runs it.
        let mut space = scorer.workspace();
        group.bench_function(format!("{name}/{label}/aux=8"), |b| {
            b.iter(|| {
                for (k, q) in queries.iter().enumerate() {
                    std::hint::black_box(scorer.score_stashed(&data, k, q, &mut space));
                }
            })
        });
        // In an accumulator over the whole release (the cluster's order).
        group.bench_function(format!("{name}-whole-accumulator/{label}/aux=8"), |b| {
            b.iter(|| {
                for (k, q) in queries.iter().enumerate() {
                    std::hint::black_box(scorer.score_alone(&data, k, q, &mut acc));
                }
            })
        });
    }
    group.finish();

    let mut group = c.benchmark_group("attack");
    group.sample_size(10);
    group.throughput(Throughput::Elements(queries.len() as u64));
    for params in [AttackParams::defaults(), likelihood] {
        let name = params.algorithm().name();
        group.bench_function(format!("{name}/{label}/aux=8"), |b| {
            b.iter(|| deanon::attack::local::run(&data, &queries, &params).unwrap())
        });
    }
    group.finish();
}

criterion_group!(attack, benches);
criterion_main!(attack);
