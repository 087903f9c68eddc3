//! How sparse a dataset is (paper Fig. 1): for sampled records, the similarity to their nearest
//! other record, Sim(r1, r2) = (items both hold that match) / |supp(r1) U supp(r2)|, where an
//! item matches on presence alone ("items only") or with the same rating ("exact ratings").
//! Candidates come from the inverted index (records sharing an item), never from an N x N pass.

use std::io::Write;
use std::path::Path;

use rayon::prelude::*;

use crate::Result;
use crate::atomic_file::write_atomically;
use crate::dataset::Dataset;
use crate::rng::Rng;
use crate::rng::streams;

/// Nearest-neighbour similarities of the sampled records.
#[derive(Debug, Clone)]
pub struct Sparsity {
    /// Per sampled record: nearest similarity on items only.
    pub items_only: Vec<f64>,
    /// Per sampled record: nearest similarity with exact ratings.
    pub exact_ratings: Vec<f64>,
}

fn distinct_items(items: &[u32]) -> usize {
    items.len() - items.windows(2).filter(|w| w[0] == w[1]).count()
}

/// The defaults of `deanon sparsity`.
pub mod defaults {
    /// Records sampled.
    pub const SAMPLE: usize = 1000;
    /// Seed of the sample.
    pub const SEED: u64 = 0;
}

/// Samples `sample` records (all when larger than N) and measures their nearest neighbours.
pub fn measure(data: &Dataset, sample: usize, seed: u64) -> Sparsity {
    let n = data.num_records();
    let mut order: Vec<u32> = (0..n as u32).collect();
    let mut rng = Rng::derive(seed, &[streams::SPARSITY_SAMPLE]);
    let take = sample.min(n);
    for k in 0..take {
        let j = k + rng.below((n - k) as u64) as usize;
        order.swap(k, j);
    }
    order.truncate(take);
    let sizes: Vec<u32> = (0..n as u32)
        .map(|r| distinct_items(data.record(r).keys) as u32)
        .collect();
    let bar = crate::progress::bar(take as u64, "sparsity");
    let results: Vec<(f64, f64)> = order
        .par_iter()
        .with_min_len(2)
        .map_init(
            || (vec![0u32; n], vec![0u32; n], Vec::<u32>::new()),
            |(overlap, exact, touched), &r1| {
                let mine = data.record(r1);
                let mut previous_item = u32::MAX;
                for k in 0..mine.len() {
                    let item = mine.keys[k];
                    if item == previous_item {
                        continue;
                    }
                    previous_item = item;
                    let rating = mine.rating(k).map(|r| r.0);
                    let postings = data.postings(item);
                    let mut previous_record = u32::MAX;
                    for p in 0..postings.len() {
                        let r2 = postings.keys[p];
                        if r2 == r1 || r2 == previous_record {
                            continue;
                        }
                        previous_record = r2;
                        if overlap[r2 as usize] == 0 {
                            touched.push(r2);
                        }
                        overlap[r2 as usize] += 1;
                        if rating.is_some() && postings.rating(p).map(|x| x.0) == rating {
                            exact[r2 as usize] += 1;
                        }
                    }
                }
                let (mut best_items, mut best_exact) = (0f64, 0f64);
                let own = sizes[r1 as usize] as f64;
                for &r2 in touched.iter() {
                    let shared = overlap[r2 as usize] as f64;
                    let union = own + sizes[r2 as usize] as f64 - shared;
                    best_items = best_items.max(shared / union);
                    best_exact = best_exact.max(exact[r2 as usize] as f64 / union);
                    overlap[r2 as usize] = 0;
                    exact[r2 as usize] = 0;
                }
                touched.clear();
                bar.inc(1);
                (best_items, best_exact)
            },
        )
        .collect();
    bar.finish_and_clear();
    Sparsity {
        items_only: results.iter().map(|r| r.0).collect(),
        exact_ratings: results.iter().map(|r| r.1).collect(),
    }
}

impl Sparsity {
    /// For x = 0.00, 0.01, ..., 1.00: (x, fraction with items-only similarity >= x, fraction
    /// with exact-rating similarity >= x).
    pub fn curve(&self) -> Vec<(f64, f64, f64)> {
        let n = self.items_only.len().max(1) as f64;
        (0..=100)
            .map(|k| {
                let x = k as f64 / 100.0;
                // Compare in hundredths so that a similarity of exactly x counts as >= x.
                let at_least = |v: &f64| (v * 100.0 + 1e-9).floor() as i64 >= k;
                (
                    x,
                    self.items_only.iter().filter(|v| at_least(v)).count() as f64 / n,
                    self.exact_ratings.iter().filter(|v| at_least(v)).count() as f64 / n,
                )
            })
            .collect()
    }

    /// The curve as CSV `x,items_only,exact_ratings`.
    pub fn to_csv(&self) -> String {
        let mut s = String::from("x,items_only,exact_ratings\n");
        for (x, a, b) in self.curve() {
            s.push_str(&format!("{x:.2},{a},{b}\n"));
        }
        s
    }

    /// Writes [`Sparsity::to_csv`] to `path`.
    pub fn write_csv(&self, path: &Path) -> Result<()> {
        let text = self.to_csv();
        write_atomically(path, |w| w.write_all(text.as_bytes()))
    }
}
