//! Attribute facts in the scores: one term per attribute the adversary knows, looked up in a
//! table by the record's released value (one slot per value of the release's dictionary, one
//! more for a missing value); a record's terms are summed in f32 in the order of the release's
//! people table and the sum added to its score after its item facts, so the bits do not depend
//! on the tiling.
//! What each slot holds is the algorithm's (docs/method.md section 14).
//!
//! When the release's attributes have few combinations of values (at most [`MAX_CLASSES`]),
//! each record's combination is numbered once per release (its *class*), each aux record's
//! sums are tabulated per class, and a record costs one lookup whatever the number of
//! attributes; otherwise each attribute is looked up in turn. Both give the same bits.

use crate::attack::query::Query;
use crate::attack::shard::Shard;
use crate::dataset::Dataset;
use crate::dataset::people::MISSING;

/// Releases whose attributes have at most this many combinations of values (a missing value
/// counting as one more) number each record's combination.
pub const MAX_CLASSES: usize = 1 << 16;

/// How many released records hold each value of each attribute of a release, and each
/// record's class (see the module docs).
#[derive(Clone, Debug, Default)]
pub struct AttributeCounts {
    /// Per attribute of the release, per value code.
    pub counts: Vec<Vec<u32>>,
    /// Per attribute, the records with a value.
    pub present: Vec<u32>,
    /// Each record's class, when there are few: sum over attributes of slot x stride, the slot
    /// being the value's code or, for a missing value, the number of values.
    classes: Option<Vec<u32>>,
    /// Number of classes.
    num_classes: usize,
}

impl AttributeCounts {
    /// The counts of `release` (every record: the people table is small beside the entries).
    pub fn of(release: &Dataset) -> AttributeCounts {
        Self::with_class_limit(release, MAX_CLASSES)
    }

    /// [`AttributeCounts::of`], built once per release and shared by every attack on it.
    pub fn shared(release: &Dataset) -> std::sync::Arc<AttributeCounts> {
        release.derived(|| Self::of(release))
    }

    /// [`AttributeCounts::of`], numbering classes only when there are at most `limit`.
    fn with_class_limit(release: &Dataset, limit: usize) -> AttributeCounts {
        let people = release.people();
        let counts: Vec<Vec<u32>> = people.attributes().map(|a| a.counts()).collect();
        let present = counts.iter().map(|c| c.iter().sum()).collect();
        let mut strides = Vec::with_capacity(counts.len());
        let mut num_classes = 1usize;
        for c in &counts {
            strides.push(num_classes);
            num_classes = num_classes.saturating_mul(c.len() + 1);
        }
        let classes = (!counts.is_empty() && num_classes <= limit).then(|| {
            let mut classes = vec![0u32; release.num_records()];
            for (a, attribute) in people.attributes().enumerate() {
                let missing = counts[a].len() as u32;
                for (class, &code) in classes.iter_mut().zip(attribute.codes) {
                    let slot = if code == MISSING { missing } else { code };
                    *class += slot * strides[a] as u32;
                }
            }
            classes
        });
        AttributeCounts {
            counts,
            present,
            classes,
            num_classes,
        }
    }
}

/// One attribute fact as an algorithm sees it: the release's counts of that attribute, and
/// which of its values agree with what the adversary knows.
pub struct AttributeView<'a> {
    /// Records holding each value.
    pub counts: &'a [u32],
    /// Records with a value.
    pub present: u32,
    /// Whether each value agrees with the adversary's.
    pub agrees: &'a [bool],
}

/// One known attribute: each record's code, and the term of each code (the last: missing).
type TermColumn<'a> = (&'a [u32], Vec<f32>);

/// The attribute terms of one aux record.
pub struct AttributeTerms<'a> {
    columns: Vec<TermColumn<'a>>,
    /// Per class, the sum of the terms, with each record's class.
    by_class: Option<(Vec<f32>, &'a [u32])>,
}

impl<'a> AttributeTerms<'a> {
    /// The terms of `query`'s attributes: `term(view)` gives, per value code, the term of a
    /// record holding that value, and the term of a record without one.
    pub fn new(
        release: &'a Dataset,
        counts: &'a AttributeCounts,
        query: &Query,
        term: impl Fn(&AttributeView) -> (Vec<f32>, f32),
    ) -> AttributeTerms<'a> {
        let people = release.people();
        // The known attributes' terms in the order of the release's table: what a record's
        // sum runs over.
        let mut known: Vec<(usize, TermColumn<'a>)> = query
            .attributes
            .iter()
            .map(|fact| {
                let view = AttributeView {
                    counts: &counts.counts[fact.attribute],
                    present: counts.present[fact.attribute],
                    agrees: &fact.agrees,
                };
                let (mut table, missing) = term(&view);
                assert_eq!(table.len(), view.counts.len(), "one term per value");
                table.push(missing);
                (
                    fact.attribute,
                    (people.attribute(fact.attribute).codes, table),
                )
            })
            .collect();
        known.sort_by_key(|(a, _)| *a);
        // Each attribute of the release, its terms if the aux record knows it.
        let mut per_attribute: Vec<Option<&Vec<f32>>> = vec![None; counts.counts.len()];
        for (a, (_, table)) in &known {
            per_attribute[*a] = Some(table);
        }
        let by_class = match &counts.classes {
            Some(classes) if !known.is_empty() => {
                // Class c = sum of slot_a x stride_a: built attribute by attribute, each step
                // adding the attribute's term to every partial sum.
                let mut sums = vec![0f32; counts.num_classes];
                let mut len = 1;
                for (a, table) in per_attribute.iter().enumerate() {
                    let radix = counts.counts[a].len() + 1;
                    // Slots 1.. copy the partial sums with their term; slot 0 last, in place.
                    for slot in (1..radix).rev() {
                        let term = table.map_or(0.0, |t| t[slot]);
                        let (head, rest) = sums.split_at_mut(len);
                        rest[(slot - 1) * len..slot * len]
                            .iter_mut()
                            .zip(head.iter())
                            .for_each(|(t, &s)| *t = s + term);
                    }
                    let term = table.map_or(0.0, |t| t[0]);
                    sums[..len].iter_mut().for_each(|s| *s += term);
                    len *= radix;
                }
                debug_assert_eq!(sums.len(), counts.num_classes);
                Some((sums, classes.as_slice()))
            }
            _ => None,
        };
        let columns = known.into_iter().map(|(_, column)| column).collect();
        AttributeTerms { columns, by_class }
    }

    /// Whether there is nothing to add.
    pub fn is_empty(&self) -> bool {
        self.columns.is_empty()
    }

    /// Adds each record's terms into `acc` (one slot per record of `tile`).
    pub fn add(&self, tile: Shard, acc: &mut [f32]) {
        let range = tile.start as usize..tile.end as usize;
        if let Some((sums, classes)) = &self.by_class {
            for (slot, &class) in acc.iter_mut().zip(&classes[range]) {
                *slot += sums[class as usize];
            }
            return;
        }
        for (r, slot) in range.zip(acc.iter_mut()) {
            let mut sum = 0f32;
            for (codes, table) in &self.columns {
                let code = codes[r];
                sum += table[if code == MISSING {
                    table.len() - 1
                } else {
                    code as usize
                }];
            }
            *slot += sum;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::attack::query::QueryAttribute;
    use crate::dataset::generate::{GenerateParams, Preset, generate};

    #[test]
    fn classes_and_columns_give_the_same_bits() {
        let mut data = generate(
            &GenerateParams::new(Preset::MovielensLike)
                .users(3000)
                .seed(2),
        )
        .unwrap();
        // Some missing values, so that the missing slot is exercised.
        let people = data.people();
        let columns = (0..people.len())
            .map(|a| {
                (0..data.num_records())
                    .map(|r| {
                        (r % 17 != a).then(|| people.attribute(a).value_of(r).unwrap().to_string())
                    })
                    .collect()
            })
            .collect();
        let people = crate::dataset::People::from_values(people.names().to_vec(), columns);
        data.set_people(people);
        let query = |order: &[usize]| Query {
            facts: Vec::new(),
            facts_dropped: 0,
            count: None,
            attributes: order
                .iter()
                .map(|&a| QueryAttribute {
                    attribute: a,
                    agrees: (0..data.people().attribute(a).num_values())
                        .map(|c| c % 3 != 1)
                        .collect(),
                })
                .collect(),
            attributes_dropped: 0,
        };
        // Terms that round differently in each order of summation.
        let term = |view: &AttributeView| {
            let table = (0..view.counts.len())
                .map(|c| {
                    if view.agrees[c] {
                        1.0 / (c as f32 + 3.0)
                    } else {
                        0.1
                    }
                })
                .collect();
            (table, 0.7f32)
        };
        let with = AttributeCounts::of(&data);
        let without = AttributeCounts::with_class_limit(&data, 0);
        assert!(with.classes.is_some() && without.classes.is_none());
        let tile = Shard {
            start: 0,
            end: data.num_records() as u32,
        };
        let mut reference = None;
        for order in [[0, 1, 2], [2, 0, 1]] {
            let q = query(&order);
            for counts in [&with, &without] {
                let mut acc = vec![0.25f32; data.num_records()];
                AttributeTerms::new(&data, counts, &q, term).add(tile, &mut acc);
                let bits: Vec<u32> = acc.iter().map(|x| x.to_bits()).collect();
                match &reference {
                    None => reference = Some(bits),
                    Some(r) => assert!(r == &bits, "{order:?}"),
                }
            }
        }
        // And the sum is in the table's order: age, gender, region.
        let q = query(&[0, 1, 2]);
        let tables: Vec<(Vec<f32>, f32)> = (0..3)
            .map(|a| {
                let counts = &with.counts[a];
                term(&AttributeView {
                    counts,
                    present: with.present[a],
                    agrees: &q.attributes[a].agrees,
                })
            })
            .collect();
        let r = 5;
        let mut sum = 0f32;
        for (a, (table, missing)) in tables.iter().enumerate() {
            let code = data.people().attribute(a).codes[r];
            sum += if code == MISSING {
                *missing
            } else {
                table[code as usize]
            };
        }
        assert_eq!(reference.unwrap()[r], (0.25f32 + sum).to_bits());
    }
}
