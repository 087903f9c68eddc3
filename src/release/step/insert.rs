//! `insert:fraction=F`: add F x (a person's entries) fake entries per person, items drawn by
//! popularity, ratings and dates from their overall distributions.

use std::fmt;

use rayon::prelude::*;

use super::{Args, Effects, ReleaseStep, Step, StepInfo, rng};
use crate::Result;
use crate::dataset::DatasetKind;
use crate::release::knowledge::PolicyKnowledge;
use crate::release::working::{Entry, Working};
use crate::rng::AliasTable;

/// Add `fraction` x (a person's entries) fake entries per person.
#[derive(Clone, Debug, PartialEq)]
pub struct Insert {
    /// Fake entries per real entry.
    pub fraction: f64,
}

/// The step in the policy language.
pub const INFO: StepInfo = StepInfo {
    name: "insert",
    usage: "insert:fraction=F",
    help: "add F fake ratings per real one (item by popularity, rating and date by their distributions)",
    example: "insert:fraction=0.1",
    keys: &["fraction"],
    parse,
};

/// Any number >= 0: more fake entries than real ones is allowed.
fn parse(a: &Args) -> Result<Step> {
    Ok(Step::Insert(Insert {
        fraction: a.number("fraction")?,
    }))
}

impl fmt::Display for Insert {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "insert:fraction={}", self.fraction)
    }
}

impl ReleaseStep for Insert {
    fn apply(&self, w: &mut Working, index: usize, seed: u64) -> Result<()> {
        insert(w, self.fraction, index, seed);
        Ok(())
    }

    /// The entries it adds are in the release's item popularity, which the attack's model of a
    /// random other person reads: nothing to map.
    fn inform(&self, _: &mut PolicyKnowledge, _: f64) {}

    fn effects(&self) -> Effects {
        Effects {
            adds_entries: true,
            looks_across_people: true,
            ..Effects::NONE
        }
    }
}

fn insert(w: &mut Working, fraction: f64, index: usize, seed: u64) {
    let supports = w.supports();
    if supports.iter().all(|&s| s == 0) {
        return;
    }
    let items = AliasTable::new(&supports.iter().map(|&s| s as f64).collect::<Vec<_>>());
    let mut rating_counts = vec![0f64; 256];
    let mut day_counts = vec![0f64; 65_536];
    for p in &w.people {
        for e in &p.entries {
            rating_counts[e.rating as usize] += 1.0;
            day_counts[e.day as usize] += 1.0;
        }
    }
    let ratings = AliasTable::new(&rating_counts);
    let days = AliasTable::new(&day_counts);
    let views = w.kind == DatasetKind::Views;
    w.people.par_iter_mut().for_each(|p| {
        let mut r = rng(seed, index, p.original);
        let wanted = fraction * p.entries.len() as f64;
        let count = wanted.floor() as usize + r.bernoulli(wanted.fract()) as usize;
        let mut held: std::collections::HashSet<u32> = p.entries.iter().map(|e| e.item).collect();
        for _ in 0..count {
            // Ratings data holds one entry per item: draw an item the person lacks.
            let item = (0..1000)
                .map(|_| items.sample(&mut r) as u32)
                .find(|i| views || !held.contains(i));
            let Some(item) = item else { break };
            held.insert(item);
            p.entries.push(Entry {
                item,
                rating: ratings.sample(&mut r) as u8,
                day: days.sample(&mut r) as u16,
            });
        }
        p.entries.sort_unstable_by_key(|e| (e.item, e.day));
    });
}
