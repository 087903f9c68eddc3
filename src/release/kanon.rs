//! k-anonymity on people's attributes (Samarati 2001; Sweeney 2002): every combination of the
//! released values of the chosen attributes is shared by at least k people.
//!
//! The algorithm is a full-domain generalization search with suppression: each attribute climbs
//! its own [`Hierarchy`] (bands, prefixes, then suppressed), one level for all of its values at
//! once; a node of the lattice is a level per attribute; a node is feasible when the people
//! left in combinations shared by fewer than k are at most `max_suppressed` of everyone (their
//! values of those attributes are then suppressed). The node chosen loses the least precision
//! (Sweeney's Prec: the sum over attributes of level / top level, so that an attribute with a
//! long ladder is not charged more for a step than one with a short one), then suppresses the
//! fewest people, then has the lowest levels in the order the attributes were named. Nodes are
//! visited in order of that loss, each evaluated exactly, until the loss exceeds the best
//! feasible one: the choice is optimal for that measure and deterministic.
//!
//! Why full-domain rather than Mondrian's multidimensional cuts: every value of an attribute
//! is released at the same granularity, so the released values are a consistent generalization
//! that an informed adversary maps a known value through (a known age 24 agrees with `20-29`
//! and nothing else), utility is a per-attribute statement ("ages in bands of 10"), and the
//! lattice of a few attributes is small enough to search whole. Mondrian keeps more detail in
//! dense regions but releases overlapping ranges of different widths for the same attribute.
//!
//! A value that is missing stays missing; a missing value is a wildcard to an adversary, so a
//! combination holding one is counted as its own exact combination here, which only
//! understates how many people share it.

use rustc_hash::FxHashMap;

use super::attributes::Hierarchy;
use super::working::Working;
use crate::dataset::people::MISSING;
use crate::{Error, Result};

/// Lattices larger than this are refused (name fewer attributes).
const MAX_NODES: usize = 1 << 16;

/// What the search chose.
#[derive(Clone, Debug, PartialEq)]
pub struct Choice {
    /// The level of each attribute, in the order named.
    pub levels: Vec<usize>,
    /// People whose values of the attributes were suppressed to reach k.
    pub suppressed: usize,
}

/// Applies `k-anonymity:k=K,attributes=...,max_suppressed=F` to `w`; returns what it chose.
pub fn anonymize(w: &mut Working, k: u32, names: &[String], max_suppressed: f64) -> Result<Choice> {
    let columns: Vec<usize> = names
        .iter()
        .map(|n| w.attribute(n, "k-anonymity"))
        .collect::<Result<_>>()?;
    let n = w.people.len();
    if n < k as usize {
        return Err(Error::InvalidArgument(format!(
            "step 'k-anonymity': {n} people in the release, fewer than k = {k}"
        )));
    }
    let hierarchies: Vec<Hierarchy> = columns
        .iter()
        .map(|&a| Hierarchy::of(w.people.iter().filter_map(|p| p.attributes[a].as_deref())))
        .collect();
    let (nodes, cost) = lattice(&hierarchies)?;
    // codes[j][level][person]: the person's value of attribute j at that level, as a number.
    let codes: Vec<Vec<Vec<u32>>> = columns
        .iter()
        .zip(&hierarchies)
        .map(|(&a, h)| {
            (0..h.levels())
                .map(|level| {
                    let mut dictionary: FxHashMap<String, u32> = FxHashMap::default();
                    w.people
                        .iter()
                        .map(|p| match &p.attributes[a] {
                            None => MISSING,
                            Some(v) => match h.generalize(v, level) {
                                None => MISSING,
                                Some(g) => {
                                    let next = dictionary.len() as u32;
                                    *dictionary.entry(g).or_insert(next)
                                }
                            },
                        })
                        .collect()
                })
                .collect()
        })
        .collect();
    let allowed = (max_suppressed * n as f64).floor() as usize;
    // The best node so far: its loss, its levels and the people it leaves in small groups.
    let mut best: Option<(u64, &Vec<usize>, Vec<usize>)> = None;
    for levels in &nodes {
        let loss = cost(levels);
        if best.as_ref().is_some_and(|(b, _, _)| loss > *b) {
            break;
        }
        let small = small_classes(&codes, levels, k);
        if small.len() <= allowed && best.as_ref().is_none_or(|(_, _, s)| small.len() < s.len()) {
            best = Some((loss, levels, small));
        }
    }
    let (_, levels, small) = best.expect("the top of the lattice suppresses everything: feasible");
    let levels = levels.clone();
    for (j, (&a, h)) in columns.iter().zip(&hierarchies).enumerate() {
        for p in &mut w.people {
            p.attributes[a] = p.attributes[a]
                .take()
                .and_then(|v| h.generalize(&v, levels[j]));
        }
    }
    for &person in &small {
        for &a in &columns {
            w.people[person].attributes[a] = None;
        }
    }
    Ok(Choice {
        levels,
        suppressed: small.len(),
    })
}

/// Every node of the lattice in order of lost precision, then levels; and the loss, in whole
/// units (level / top level scaled by the product of the top levels, so ties are exact).
#[allow(clippy::type_complexity)]
fn lattice(hierarchies: &[Hierarchy]) -> Result<(Vec<Vec<usize>>, impl Fn(&[usize]) -> u64)> {
    let size = hierarchies
        .iter()
        .try_fold(1usize, |acc, h| acc.checked_mul(h.levels()))
        .filter(|&s| s <= MAX_NODES)
        .ok_or_else(|| {
            Error::InvalidArgument(format!(
                "step 'k-anonymity': more than {MAX_NODES} combinations of generalization levels; name fewer attributes"
            ))
        })?;
    let mut nodes: Vec<Vec<usize>> = (0..size)
        .map(|mut index| {
            hierarchies
                .iter()
                .map(|h| {
                    let level = index % h.levels();
                    index /= h.levels();
                    level
                })
                .collect()
        })
        .collect();
    let tops: Vec<u64> = hierarchies.iter().map(|h| h.levels() as u64 - 1).collect();
    let scale: u64 = tops.iter().product();
    let cost = move |levels: &[usize]| -> u64 {
        levels
            .iter()
            .zip(&tops)
            .map(|(&l, &t)| l as u64 * (scale / t))
            .sum()
    };
    nodes.sort_by_key(|a| (cost(a), a.clone()));
    Ok((nodes, cost))
}

/// The people whose combination of codes at `levels` fewer than `k` people share.
fn small_classes(codes: &[Vec<Vec<u32>>], levels: &[usize], k: u32) -> Vec<usize> {
    let people = codes.first().map_or(0, |c| c[0].len());
    let key = |p: usize| -> Vec<u32> { codes.iter().zip(levels).map(|(c, &l)| c[l][p]).collect() };
    let mut counts: FxHashMap<Vec<u32>, u32> = FxHashMap::default();
    for p in 0..people {
        *counts.entry(key(p)).or_default() += 1;
    }
    (0..people).filter(|&p| counts[&key(p)] < k).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dataset::DatasetKind;
    use crate::release::working::Person;
    use crate::rng::Rng;

    fn working(columns: &[Vec<Option<String>>]) -> Working {
        let people = (0..columns[0].len())
            .map(|r| Person {
                original: r as u32,
                entries: Vec::new(),
                attributes: columns.iter().map(|c| c[r].clone()).collect(),
            })
            .collect();
        Working {
            kind: DatasetKind::Ratings,
            items: 0,
            people,
            scale: crate::dataset::RatingScale {
                min: 2,
                max: 10,
                step: 2,
            },
            declared: Default::default(),
            across_people: Vec::new(),
            attributes: (0..columns.len()).map(|a| format!("a{a}")).collect(),
        }
    }

    /// Brute force: how many people could be each person, by their released values (a missing
    /// value agrees with anything).
    fn smallest_crowd(w: &Working, columns: &[usize]) -> usize {
        (0..w.people.len())
            .map(|p| {
                (0..w.people.len())
                    .filter(|&q| {
                        columns.iter().all(|&a| {
                            match (&w.people[p].attributes[a], &w.people[q].attributes[a]) {
                                (Some(x), Some(y)) => x == y,
                                _ => true,
                            }
                        })
                    })
                    .count()
            })
            .min()
            .unwrap()
    }

    fn random_people(seed: u64, n: usize) -> Vec<Vec<Option<String>>> {
        let mut rng = Rng::derive(seed, &[]);
        let ages = (0..n)
            .map(|_| Some((16 + rng.below(60)).to_string()))
            .collect();
        let genders = (0..n)
            .map(|_| Some(if rng.f64() < 0.5 { "M" } else { "F" }.to_string()))
            .collect();
        let zips = (0..n)
            .map(|_| {
                (rng.f64() > 0.02)
                    .then(|| format!("{:05}", 10_000 + rng.below(4) * 20_000 + rng.below(300) * 7))
            })
            .collect();
        vec![ages, genders, zips]
    }

    #[test]
    fn every_released_combination_is_shared_by_k_people_checked_by_brute_force() {
        for (seed, k, max_suppressed) in [(1, 2, 0.0), (2, 5, 0.05), (3, 10, 0.02), (4, 3, 0.5)] {
            let mut w = working(&random_people(seed, 300));
            let original = w.clone();
            let names: Vec<String> = vec!["a0".into(), "a1".into(), "a2".into()];
            let choice = anonymize(&mut w, k, &names, max_suppressed).unwrap();
            assert!(
                smallest_crowd(&w, &[0, 1, 2]) >= k as usize,
                "seed {seed}: {choice:?}"
            );
            assert!(
                choice.suppressed as f64 <= max_suppressed * 300.0,
                "{choice:?}"
            );
            // Nothing is invented: each released value generalizes the original or is missing.
            for (p, q) in w.people.iter().zip(&original.people) {
                for a in 0..3 {
                    if let (Some(r), Some(o)) = (&p.attributes[a], &q.attributes[a]) {
                        assert!(crate::dataset::people::compatible(o, r), "{o} -> {r}");
                    }
                }
            }
            // Minimal: no node of lower height is feasible.
            let hierarchies: Vec<Hierarchy> = (0..3)
                .map(|a| {
                    Hierarchy::of(
                        original
                            .people
                            .iter()
                            .filter_map(|p| p.attributes[a].as_deref()),
                    )
                })
                .collect();
            let (nodes, cost) = lattice(&hierarchies).unwrap();
            let chosen = cost(&choice.levels);
            for node in nodes {
                if cost(&node) < chosen {
                    let mut trial = original.clone();
                    for (a, h) in hierarchies.iter().enumerate() {
                        for p in &mut trial.people {
                            p.attributes[a] = p.attributes[a]
                                .take()
                                .and_then(|v| h.generalize(&v, node[a]));
                        }
                    }
                    let mut counts: FxHashMap<Vec<Option<String>>, usize> = Default::default();
                    for p in &trial.people {
                        *counts.entry(p.attributes.clone()).or_default() += 1;
                    }
                    let small = trial
                        .people
                        .iter()
                        .filter(|p| counts[&p.attributes] < k as usize)
                        .count();
                    assert!(
                        small as f64 > (max_suppressed * 300.0).floor(),
                        "{node:?} is lower and feasible ({small} small)"
                    );
                }
            }
        }
    }

    #[test]
    fn too_few_people_or_an_unknown_attribute_is_an_error() {
        let mut w = working(&random_people(1, 4));
        let e = anonymize(&mut w, 5, &["a0".into()], 0.0)
            .unwrap_err()
            .to_string();
        assert!(e.contains("fewer than k = 5"), "{e}");
        let e = anonymize(&mut w, 2, &["zip".into()], 0.0)
            .unwrap_err()
            .to_string();
        assert!(e.contains("no attribute 'zip'"), "{e}");
    }
}
