//! Reading a secret off a record: the target's own in the original, the adversary's guess off
//! the linked released record, or the guess of an adversary who does not link.

use std::collections::HashSet;

use super::Secret;
use crate::dataset::people::compatible;
use crate::dataset::{Dataset, ItemIdx, RecordIdx};

pub(super) const YES: &str = "yes";
const NO: &str = "no";

/// The distinct values of sorted or unsorted `keys`.
pub(super) fn distinct(keys: &[u32]) -> HashSet<u32> {
    keys.iter().copied().collect()
}

/// A secret's value as read off one record.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum Value {
    /// Holds a sensitive item (beyond the aux's) or not.
    Holds(bool),
    /// An attribute value, as written in the data.
    Text(String),
}

impl Value {
    /// Whether `guess` is right about this secret: the same answer, or a released value
    /// (perhaps generalized: `20-29`, `857*`) that holds it.
    pub(super) fn agrees_with(&self, guess: &Value) -> bool {
        match (self, guess) {
            (Value::Holds(s), Value::Holds(g)) => s == g,
            (Value::Text(s), Value::Text(g)) => compatible(s, g),
            _ => false,
        }
    }

    /// As the outputs write it: `yes`/`no`, or the value.
    pub(super) fn text(&self) -> String {
        match self {
            Value::Holds(true) => YES.to_string(),
            Value::Holds(false) => NO.to_string(),
            Value::Text(t) => t.clone(),
        }
    }
}

/// Reads secrets off records of the original and the release.
pub(super) struct Reader<'a> {
    release: &'a Dataset,
    original: &'a Dataset,
    secret: &'a Secret,
    /// Sensitive items: per original item, whether it is sensitive.
    sensitive_original: Vec<bool>,
    /// Per released item.
    sensitive_release: Vec<bool>,
    /// The guess of an adversary who does not link ([`baseline`]) and how many released
    /// records hold it.
    pub(super) baseline: Option<(Value, usize)>,
}

impl<'a> Reader<'a> {
    pub(super) fn new(
        release: &'a Dataset,
        original: &'a Dataset,
        secret: &'a Secret,
    ) -> Reader<'a> {
        let mut sensitive_original = vec![false; original.num_items()];
        let mut sensitive_release = vec![false; release.num_items()];
        if let Secret::Items(s) = secret {
            for &i in &s.original {
                sensitive_original[i as usize] = true;
            }
            for &j in s.released.iter().flatten() {
                sensitive_release[j as usize] = true;
            }
        }
        Reader {
            baseline: baseline(release, secret, &sensitive_release),
            release,
            original,
            secret,
            sensitive_original,
            sensitive_release,
        }
    }

    pub(super) fn items(&self) -> bool {
        matches!(self.secret, Secret::Items(_))
    }

    pub(super) fn is_sensitive_release(&self, j: ItemIdx) -> bool {
        self.sensitive_release[j as usize]
    }

    /// The target's secret in the original data (`None`: no value of the attribute).
    pub(super) fn secret(&self, target: RecordIdx, known: &HashSet<ItemIdx>) -> Option<Value> {
        match self.secret {
            Secret::Items(_) => {
                Some(Value::Holds(self.original.record(target).keys.iter().any(
                    |&i| self.sensitive_original[i as usize] && !known.contains(&i),
                )))
            }
            Secret::Attribute(a) => self
                .original
                .people()
                .attribute(a.original)
                .value_of(target as usize)
                .map(|v| Value::Text(v.to_string())),
        }
    }

    /// The guess read off the linked record, or the baseline when it tells nothing (no
    /// candidate, or no released value).
    pub(super) fn guess(
        &self,
        linked: Option<RecordIdx>,
        known: &HashSet<ItemIdx>,
    ) -> Option<Value> {
        let read = linked.and_then(|r| match self.secret {
            Secret::Items(_) => {
                Some(Value::Holds(self.release.record(r).keys.iter().any(|&j| {
                    self.sensitive_release[j as usize] && !known.contains(&j)
                })))
            }
            Secret::Attribute(a) => a.released.and_then(|at| {
                self.release
                    .people()
                    .attribute(at)
                    .value_of(r as usize)
                    .map(|v| Value::Text(v.to_string()))
            }),
        });
        read.or_else(|| self.baseline.as_ref().map(|(v, _)| v.clone()))
    }
}

/// The guess of an adversary who does not link: the value most common among the released
/// records (for items: whether a record holds any of the `sensitive` released items; ties:
/// `no`, or the value first in the release's dictionary), and how many released records hold
/// it. `None` when the release holds no value of the attribute.
fn baseline(release: &Dataset, secret: &Secret, sensitive: &[bool]) -> Option<(Value, usize)> {
    match secret {
        Secret::Items(_) => {
            let holders = (0..release.num_records() as RecordIdx)
                .filter(|&r| {
                    release
                        .record(r)
                        .keys
                        .iter()
                        .any(|&j| sensitive[j as usize])
                })
                .count();
            let holds = 2 * holders > release.num_records();
            let shared = if holds {
                holders
            } else {
                release.num_records() - holders
            };
            Some((Value::Holds(holds), shared))
        }
        Secret::Attribute(a) => {
            let attribute = release.people().attribute(a.released?);
            let counts = attribute.counts();
            let (best, &n) = counts
                .iter()
                .enumerate()
                .max_by(|(i, x), (j, y)| x.cmp(y).then(j.cmp(i)))?;
            (n > 0).then(|| {
                (
                    Value::Text(attribute.value(best as u32).to_string()),
                    n as usize,
                )
            })
        }
    }
}
