//! `microaggregate:k=K`: k-anonymity of rating values by microaggregation (the baseline of
//! sdcMicro and ARX). People are clustered on a low-rank embedding of their ratings with linfa's
//! k-means; groups smaller than K are dissolved into the nearest group of at least K; each
//! person then keeps their items (and dates), with each rating replaced by the average rating
//! their group gives that item, rounded to the scale.
//!
//! The embedding is a 16-dimensional Gaussian random projection of each person's ratings
//! centred on the global mean and scaled by 1/sqrt(count) (a Johnson-Lindenstrauss embedding:
//! distances between people's rating profiles are roughly kept). k-means runs with N / (2K)
//! clusters, random initial centroids from the seed, one run, at most 30 iterations; linfa's
//! assignment step is parallel but order-free and its centroid update sequential, so the
//! grouping does not depend on the thread count.
//!
//! What it protects: rating values (each is shared by at least K people). What it does not:
//! which items a person rated and when; combine it with item and date steps for those.

use linfa::traits::{Fit, Predict};
use linfa_clustering::{KMeans, KMeansInit};
use ndarray::Array2;
use rand_xoshiro::Xoshiro256Plus;
use rand_xoshiro::rand_core::SeedableRng;
use rayon::prelude::*;

use super::working::Working;
use crate::dataset::NO_RATING;
use crate::rng::Rng;
use crate::rng::streams;
use crate::{Error, Result};

const DIMENSIONS: usize = 16;

/// Replaces ratings by group averages over groups of at least `k` people.
pub fn microaggregate(w: &mut Working, k: usize, index: usize, seed: u64) -> Result<()> {
    let groups = groups(w, k, index, seed)?;
    replace_by_group_means(w, &groups);
    Ok(())
}

/// The group of each person (see the module docs); every group has at least `k` members.
pub fn groups(w: &Working, k: usize, index: usize, seed: u64) -> Result<Vec<usize>> {
    let n = w.people.len();
    if k < 2 {
        return Err(Error::InvalidArgument("microaggregate needs k >= 2".into()));
    }
    if n < k {
        return Err(Error::InvalidArgument(format!(
            "microaggregate:k={k} needs at least {k} people, the data has {n}"
        )));
    }
    let (sum, count) = w
        .people
        .iter()
        .flat_map(|p| &p.entries)
        .filter(|e| e.rating != NO_RATING)
        .fold((0f64, 0f64), |(s, c), e| (s + e.rating as f64, c + 1.0));
    if count == 0.0 {
        return Err(Error::InvalidArgument(
            "microaggregate needs ratings (the data has none)".into(),
        ));
    }
    let mean = sum / count;
    // Projection row of an item: seeded by the item alone, the same for everyone.
    let projection: Vec<[f32; DIMENSIONS]> = (0..w.items as u64)
        .into_par_iter()
        .map(|i| {
            let mut rng = Rng::derive(seed, &[streams::MICROAGGREGATE_PROJECTION, index as u64, i]);
            std::array::from_fn(|_| rng.normal() as f32)
        })
        .collect();
    let rows: Vec<[f64; DIMENSIONS]> = w
        .people
        .par_iter()
        .map(|p| {
            let mut v = [0f64; DIMENSIONS];
            let rated: Vec<_> = p.entries.iter().filter(|e| e.rating != NO_RATING).collect();
            for e in &rated {
                let centred = e.rating as f64 - mean;
                for (d, x) in v.iter_mut().enumerate() {
                    *x += centred * projection[e.item as usize][d] as f64;
                }
            }
            let norm = (rated.len().max(1) as f64).sqrt();
            v.map(|x| x / norm)
        })
        .collect();
    let observations =
        Array2::from_shape_vec((n, DIMENSIONS), rows.iter().flatten().copied().collect())
            .expect("n rows of DIMENSIONS");
    let clusters = (n / (2 * k)).max(1);
    let data = linfa::DatasetBase::from(observations.clone());
    let model = KMeans::params_with_rng(
        clusters,
        Xoshiro256Plus::seed_from_u64(seed ^ (index as u64) << 32),
    )
    .init_method(KMeansInit::Random)
    .n_runs(1)
    .max_n_iterations(30)
    .tolerance(1e-4)
    .fit(&data)
    .map_err(|e| Error::InvalidArgument(format!("k-means failed: {e}")))?;
    let memberships = model.predict(&observations);
    Ok(enforce_minimum(
        memberships.as_slice().expect("contiguous"),
        model.centroids(),
        &observations,
        k,
    ))
}

/// Moves the members of groups smaller than `k` to the nearest group of at least `k`.
fn enforce_minimum(
    memberships: &[usize],
    centroids: &Array2<f64>,
    observations: &Array2<f64>,
    k: usize,
) -> Vec<usize> {
    let c = centroids.nrows();
    let mut size = vec![0usize; c];
    memberships.iter().for_each(|&g| size[g] += 1);
    let large: Vec<usize> = (0..c).filter(|&g| size[g] >= k).collect();
    if large.is_empty() {
        return vec![0; memberships.len()];
    }
    memberships
        .par_iter()
        .enumerate()
        .map(|(person, &g)| {
            if size[g] >= k {
                return g;
            }
            let row = observations.row(person);
            let distance = |g: usize| -> f64 {
                row.iter()
                    .zip(centroids.row(g))
                    .map(|(a, b)| (a - b) * (a - b))
                    .sum()
            };
            *large
                .iter()
                .min_by(|&&a, &&b| distance(a).total_cmp(&distance(b)).then(a.cmp(&b)))
                .expect("non-empty")
        })
        .collect()
}

fn replace_by_group_means(w: &mut Working, groups: &[usize]) {
    let mut sums: std::collections::HashMap<(usize, u32), (f64, f64)> =
        std::collections::HashMap::new();
    for (p, &g) in w.people.iter().zip(groups) {
        for e in p.entries.iter().filter(|e| e.rating != NO_RATING) {
            let slot = sums.entry((g, e.item)).or_insert((0.0, 0.0));
            slot.0 += e.rating as f64;
            slot.1 += 1.0;
        }
    }
    let scale = w.scale;
    for (p, &g) in w.people.iter_mut().zip(groups) {
        for e in p.entries.iter_mut().filter(|e| e.rating != NO_RATING) {
            let (s, c) = sums[&(g, e.item)];
            e.rating = scale.round(s / c);
        }
    }
}
