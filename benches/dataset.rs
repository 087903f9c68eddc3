//! Benches of the foundation: parsing a CSV import and opening a store.
//!
//! Ids name the parameters: `import/csv/netflix-like/users=N` measures a whole generic-CSV
//! import (read, parse, build both layouts) in bytes per second; `store/open/...` measures
//! opening a store (map, verify every checksum, validate the structure). Data is generated
//! with a fixed seed into a temporary folder. Run with `cargo bench --bench dataset`.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use deanon::dataset::generate::{GenerateParams, Preset, generate};
use deanon::dataset::import::{Format, import};
use deanon::dataset::{DatasetKind, export, store};

fn benches(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let users = 48_019;
    let data = generate(
        &GenerateParams::new(Preset::NetflixLike)
            .users(users)
            .seed(1),
    )
    .unwrap();
    let csv = dir.path().join("data.csv");
    let path = dir.path().join("data.deanon");
    export::export_csv(&data, &csv).unwrap();
    store::save(&data, &path).unwrap();
    drop(data);

    let mut group = c.benchmark_group("import");
    group.sample_size(10);
    group.throughput(Throughput::Bytes(std::fs::metadata(&csv).unwrap().len()));
    group.bench_function(format!("csv/netflix-like/users={users}"), |b| {
        b.iter(|| import(&csv, Format::Csv, DatasetKind::Ratings).unwrap())
    });
    group.finish();

    let mut group = c.benchmark_group("store");
    group.sample_size(20);
    group.throughput(Throughput::Bytes(std::fs::metadata(&path).unwrap().len()));
    group.bench_function(format!("open/netflix-like/users={users}"), |b| {
        b.iter(|| store::open(&path).unwrap())
    });
    group.finish();
}

criterion_group!(dataset, benches);
criterion_main!(dataset);
