//! Suppression-based k^m-anonymity for set-valued data (Terrovitis, Mamoulis & Kalnis, VLDB
//! 2008): after it, every set of up to m items that some person holds is held by at least k
//! people, so an adversary who knows up to m of a person's items cannot narrow them to fewer
//! than k records. This implementation suppresses whole items (global suppression, no
//! generalization hierarchy, which ratings data lacks): first every item held by fewer than k
//! people, then (m = 2), for every pair held by between 1 and k-1 people, the pair's less
//! popular item; it recounts and repeats until no violation is left. Ratings and dates are not
//! part of the itemsets (as in the paper's model); combine with date and rating steps to cover
//! them.

use rayon::prelude::*;

use super::working::Working;
use crate::{Error, Result};

/// Distinct items of each person, in increasing order.
fn itemsets(w: &Working) -> Vec<Vec<u32>> {
    w.people
        .par_iter()
        .map(|p| {
            let mut items: Vec<u32> = p.entries.iter().map(|e| e.item).collect();
            items.dedup();
            items
        })
        .collect()
}

/// Makes `w` k^m-anonymous by suppressing items (see the module docs).
pub fn anonymize(w: &mut Working, k: u32, m: u32) -> Result<()> {
    if k > u16::MAX as u32 {
        return Err(Error::InvalidArgument(
            "km-anonymity supports k up to 65535".into(),
        ));
    }
    loop {
        let supports = w.supports();
        let mut suppress: Vec<bool> = supports.iter().map(|&s| s > 0 && s < k).collect();
        if m >= 2 && !suppress.iter().any(|&x| x) {
            suppress_rare_pairs(w, &supports, k, &mut suppress)?;
        }
        if !suppress.iter().any(|&x| x) {
            return Ok(());
        }
        w.people
            .par_iter_mut()
            .for_each(|p| p.entries.retain(|e| !suppress[e.item as usize]));
    }
}

/// Whether `w` is k^m-anonymous: no item, and (m = 2) no pair of items, held by between 1 and
/// k-1 people (the same counts [`anonymize`] stops on).
pub fn holds(w: &Working, k: u32, m: u32) -> Result<bool> {
    let supports = w.supports();
    if supports.iter().any(|&s| s > 0 && s < k) {
        return Ok(false);
    }
    if m >= 2 {
        let mut suppress = vec![false; supports.len()];
        suppress_rare_pairs(w, &supports, k, &mut suppress)?;
        return Ok(!suppress.iter().any(|&x| x));
    }
    Ok(true)
}

fn suppress_rare_pairs(w: &Working, supports: &[u32], k: u32, suppress: &mut [bool]) -> Result<()> {
    // Compact numbering of the items still present, in item order.
    let present: Vec<u32> = (0..supports.len() as u32)
        .filter(|&i| supports[i as usize] > 0)
        .collect();
    let p = present.len();
    if p > 30_000 {
        return Err(Error::InvalidArgument(format!(
            "km-anonymity with m = 2 counts all item pairs and supports up to 30,000 items; this data has {p}"
        )));
    }
    let mut compact = vec![u32::MAX; supports.len()];
    for (c, &i) in present.iter().enumerate() {
        compact[i as usize] = c as u32;
    }
    let sets = itemsets(w);
    // Pair counts, saturating at k (all that matters is whether a count reaches k).
    let cap = k.min(u16::MAX as u32) as u16;
    // One count matrix per thread, not per rayon job: a matrix is p * p counters.
    let per_job = sets
        .len()
        .div_ceil(256)
        .div_ceil(rayon::current_num_threads())
        .max(1);
    let counts = sets
        .par_chunks(256)
        .with_min_len(per_job)
        .fold(
            || vec![0u16; p * p],
            |mut counts, chunk| {
                for set in chunk {
                    let c: Vec<usize> = set.iter().map(|&i| compact[i as usize] as usize).collect();
                    for a in 0..c.len() {
                        let row = c[a] * p;
                        for &b in &c[a + 1..] {
                            let slot = &mut counts[row + b];
                            if *slot < cap {
                                *slot += 1;
                            }
                        }
                    }
                }
                counts
            },
        )
        .reduce(
            || vec![0u16; p * p],
            |mut a, b| {
                a.iter_mut()
                    .zip(b)
                    .for_each(|(x, y)| *x = x.saturating_add(y).min(cap));
                a
            },
        );
    for a in 0..p {
        for b in a + 1..p {
            let c = counts[a * p + b] as u32;
            if c > 0 && c < k {
                let (ia, ib) = (present[a] as usize, present[b] as usize);
                // Suppress the less popular item of the pair (the later one on a tie).
                let weaker = if supports[ia] < supports[ib] { ia } else { ib };
                suppress[weaker] = true;
            }
        }
    }
    Ok(())
}

/// Independent brute-force check (for tests and audits): the number of itemsets of size 1..=m
/// held by some person but by fewer than k people.
pub fn violations(w: &Working, k: u32, m: u32) -> usize {
    let mut counts: std::collections::HashMap<Vec<u32>, u32> = std::collections::HashMap::new();
    for set in itemsets(w) {
        let mut subsets: Vec<Vec<u32>> = Vec::new();
        fn grow(
            set: &[u32],
            start: usize,
            current: &mut Vec<u32>,
            m: usize,
            out: &mut Vec<Vec<u32>>,
        ) {
            for i in start..set.len() {
                current.push(set[i]);
                out.push(current.clone());
                if current.len() < m {
                    grow(set, i + 1, current, m, out);
                }
                current.pop();
            }
        }
        grow(&set, 0, &mut Vec::new(), m as usize, &mut subsets);
        for s in subsets {
            *counts.entry(s).or_insert(0) += 1;
        }
    }
    counts.values().filter(|&&c| c < k).count()
}
