//! Attribute facts in the scores: one term per attribute the adversary knows, looked up in a
//! table by the record's released value (one slot per value of the release's dictionary, one
//! more for a missing value) and added to the record's score after its item facts, attribute
//! by attribute in the aux record's order, so the bits do not depend on the tiling. What each
//! slot holds is the algorithm's (docs/method.md section 14).

use crate::attack::query::Query;
use crate::attack::shard::Shard;
use crate::dataset::Dataset;
use crate::dataset::people::MISSING;

/// How many released records hold each value of each attribute of a release.
#[derive(Clone, Debug, Default)]
pub struct AttributeCounts {
    /// Per attribute of the release, per value code.
    pub counts: Vec<Vec<u32>>,
    /// Per attribute, the records with a value.
    pub present: Vec<u32>,
}

impl AttributeCounts {
    /// The counts of `release` (every record: the people table is small beside the entries).
    pub fn of(release: &Dataset) -> AttributeCounts {
        let attributes = release.people().attributes();
        let counts: Vec<Vec<u32>> = attributes.map(|a| a.counts()).collect();
        let present = counts.iter().map(|c| c.iter().sum()).collect();
        AttributeCounts { counts, present }
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

/// The attribute terms of one aux record.
pub struct AttributeTerms<'a> {
    columns: Vec<(&'a [u32], Vec<f32>)>,
}

impl<'a> AttributeTerms<'a> {
    /// The terms of `query`'s attributes: `term(view)` gives, per value code, the term of a
    /// record holding that value, and the term of a record without one.
    pub fn new(
        release: &'a Dataset,
        counts: &AttributeCounts,
        query: &Query,
        term: impl Fn(&AttributeView) -> (Vec<f32>, f32),
    ) -> AttributeTerms<'a> {
        let people = release.people();
        let columns = query
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
                (people.attribute(fact.attribute).codes, table)
            })
            .collect();
        AttributeTerms { columns }
    }

    /// Whether there is nothing to add.
    pub fn is_empty(&self) -> bool {
        self.columns.is_empty()
    }

    /// Adds each record's terms into `acc` (one slot per record of `tile`).
    pub fn add(&self, tile: Shard, acc: &mut [f32]) {
        let range = tile.start as usize..tile.end as usize;
        for (codes, table) in &self.columns {
            let missing = table.len() - 1;
            for (slot, &code) in acc.iter_mut().zip(&codes[range.clone()]) {
                let k = if code == MISSING {
                    missing
                } else {
                    code as usize
                };
                *slot += table[k];
            }
        }
    }
}
