//! Cohorts: the people a published statement is about ("the 53 people who watched A Christmas
//! Prince every day for 18 days"), selected from the inverted index (docs/method.md section 10).
//!
//! - [`Rule::Streak`]: an event of the item on each of at least K consecutive days inside the
//!   window (several events on one day count as that day once; days outside the window do not
//!   count, so a run crossing the window's edge counts only its days inside);
//! - [`Rule::Times`]: at least K events of the item inside the window (every event counts, also
//!   several on one day);
//! - [`Rule::AnyOf`]: at least K distinct items of a list, each held with an entry inside the
//!   window.
//!
//! [`Subject::AnyItem`] applies a streak or a count to every item at once (`--item '*'`: "rated
//! something on each of 30 consecutive days"), the form that makes sense on ratings, where a
//! person holds each item once.

use rayon::prelude::*;

use super::{Dataset, Day, ItemIdx, RecordIdx};
use crate::{Error, Result};

/// What a streak or a count is about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Subject {
    /// One item (dense index).
    Item(ItemIdx),
    /// Any item: every entry counts.
    AnyItem,
}

/// Who is in the cohort.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Rule {
    /// An event of the subject on each of at least `days` consecutive days.
    Streak {
        /// The item, or any.
        subject: Subject,
        /// K, at least 1.
        days: u32,
    },
    /// At least `count` events of the subject.
    Times {
        /// The item, or any.
        subject: Subject,
        /// K, at least 1.
        count: u32,
    },
    /// At least `at_least` distinct items of `items`.
    AnyOf {
        /// The list (dense indices, distinct, not empty).
        items: Vec<ItemIdx>,
        /// K, at least 1.
        at_least: u32,
    },
}

/// Days `from..=to` (inclusive); `None` ends are open.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Window {
    /// First day counted.
    pub from: Option<Day>,
    /// Last day counted.
    pub to: Option<Day>,
}

impl Window {
    /// Whether `day` lies inside (an entry without a date lies inside only an open window).
    pub fn contains(&self, day: Option<Day>) -> bool {
        match day {
            Some(d) => self.from.is_none_or(|f| d >= f) && self.to.is_none_or(|t| d <= t),
            None => self.from.is_none() && self.to.is_none(),
        }
    }

    /// Whether either end is set.
    pub fn is_bounded(&self) -> bool {
        self.from.is_some() || self.to.is_some()
    }
}

/// The dense index of item `id`, or an error naming it (`parameter` is the flag it came from).
pub fn item_index(data: &Dataset, id: &str, parameter: &'static str) -> Result<ItemIdx> {
    let ids = data.item_ids();
    (0..ids.len())
        .find(|&i| ids.get(i) == id)
        .map(|i| i as ItemIdx)
        .ok_or_else(|| Error::Parameter {
            name: parameter,
            message: format!(
                "unknown item '{id}' (not an item of the data; `deanon export` lists the ids)"
            ),
        })
}

/// Checks `rule` and `window` against `data`; errors name the parameter.
pub fn check(data: &Dataset, rule: &Rule, window: &Window) -> Result<()> {
    let zero = |name: &'static str| Error::Parameter {
        name,
        message: format!("{name} must be at least 1, got 0"),
    };
    match rule {
        Rule::Streak { days: 0, .. } => return Err(zero("streak")),
        Rule::Times { count: 0, .. } => return Err(zero("times")),
        Rule::AnyOf { at_least: 0, .. } => return Err(zero("at_least")),
        Rule::AnyOf { items, .. } if items.is_empty() => {
            return Err(Error::Parameter {
                name: "any_of",
                message: "the list of items is empty".into(),
            });
        }
        Rule::Streak { .. } if !data.has_dates() => {
            return Err(Error::Parameter {
                name: "streak",
                message: "streak needs dates, and the data has none".into(),
            });
        }
        _ => {}
    }
    if let (Some(from), Some(to)) = (window.from, window.to)
        && from > to
    {
        return Err(Error::Parameter {
            name: "from",
            message: format!(
                "from ({}) is after to ({})",
                super::values::day_to_iso(from),
                super::values::day_to_iso(to)
            ),
        });
    }
    if window.is_bounded() && !data.has_dates() {
        return Err(Error::Parameter {
            name: "from",
            message: "from/to need dates, and the data has none".into(),
        });
    }
    Ok(())
}

/// The longest run of consecutive days among `days` (sorted, repeats allowed).
fn longest_run(days: impl Iterator<Item = Day>) -> u32 {
    let (mut best, mut run, mut last) = (0u32, 0u32, None::<Day>);
    for d in days {
        match last {
            Some(l) if d == l => continue,
            Some(l) if d as u32 == l as u32 + 1 => run += 1,
            _ => run = 1,
        }
        last = Some(d);
        best = best.max(run);
    }
    best
}

/// Whether a person with these entries of the subject (days sorted) is in the cohort.
fn qualifies(rule: &Rule, days: &mut dyn Iterator<Item = Option<Day>>, window: &Window) -> bool {
    let inside = days.filter(|d| window.contains(*d));
    match rule {
        Rule::Streak { days: k, .. } => longest_run(inside.flatten()) >= *k,
        Rule::Times { count, .. } => inside.take(*count as usize).count() >= *count as usize,
        Rule::AnyOf { .. } => unreachable!("any-of is counted per item"),
    }
}

/// The cohort: the records `rule` selects inside `window`, in record order. Call [`check`]
/// first.
pub fn select(data: &Dataset, rule: &Rule, window: &Window) -> Vec<RecordIdx> {
    match rule {
        Rule::Streak {
            subject: Subject::Item(item),
            ..
        }
        | Rule::Times {
            subject: Subject::Item(item),
            ..
        } => {
            // Postings are sorted by record, then day.
            let p = data.postings(*item);
            let mut out = Vec::new();
            let mut start = 0;
            while start < p.len() {
                let record = p.keys[start];
                let end = start + p.keys[start..].partition_point(|&r| r == record);
                if qualifies(rule, &mut (start..end).map(|k| p.day(k)), window) {
                    out.push(record);
                }
                start = end;
            }
            out
        }
        Rule::Streak {
            subject: Subject::AnyItem,
            ..
        }
        | Rule::Times {
            subject: Subject::AnyItem,
            ..
        } => (0..data.num_records() as RecordIdx)
            .into_par_iter()
            .filter(|&r| {
                let e = data.record(r);
                let mut days: Vec<Option<Day>> = (0..e.len()).map(|k| e.day(k)).collect();
                days.sort_unstable();
                qualifies(rule, &mut days.into_iter(), window)
            })
            .collect(),
        Rule::AnyOf { items, at_least } => {
            let mut held = vec![0u32; data.num_records()];
            let mut distinct = items.clone();
            distinct.sort_unstable();
            distinct.dedup();
            for &item in &distinct {
                let p = data.postings(item);
                let mut last = None;
                for k in 0..p.len() {
                    let r = p.keys[k];
                    if last != Some(r) && window.contains(p.day(k)) {
                        held[r as usize] += 1;
                        last = Some(r);
                    }
                }
            }
            (0..data.num_records() as RecordIdx)
                .filter(|&r| held[r as usize] >= *at_least)
                .collect()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn longest_run_counts_a_day_once_and_breaks_on_gaps() {
        assert_eq!(longest_run([1, 2, 2, 2, 3, 5, 6].into_iter()), 3);
        assert_eq!(longest_run([7].into_iter()), 1);
        assert_eq!(longest_run(std::iter::empty()), 0);
        assert_eq!(longest_run([1, 3, 5, 7].into_iter()), 1);
    }

    #[test]
    fn window_contains_its_ends() {
        let w = Window {
            from: Some(10),
            to: Some(12),
        };
        assert!(!w.contains(Some(9)) && w.contains(Some(10)) && w.contains(Some(12)));
        assert!(!w.contains(Some(13)) && !w.contains(None));
        assert!(Window::default().contains(None));
    }
}
