//! The data model: N records (people) x M items, each entry an item with an optional rating and
//! an optional date, held in two layouts over the same entries.
//!
//! - record-major (CSR): a record's entries sorted by item, then day;
//! - item-major (the inverted index): an item's postings sorted by record, then day.
//!
//! External ids are kept as text ([`IdTable`]); inside, records and items are dense `u32`
//! indices. `supp(i)`, the number of distinct records holding item `i`, is stored with the data.
//! Two kinds exist: ratings (one entry per record and item) and views (every viewing event, the
//! same item possibly many times per record).
//!
//! Submodules: [`builder`] turns unordered entries into both layouts, [`store`] reads and writes
//! the `.deanon` file, [`import`] reads CSV, Netflix Prize and MovieLens files, [`generate`]
//! makes synthetic data, [`summary`] describes a dataset and [`sparsity`] measures how far apart
//! its records are (paper Fig. 1), [`export`] writes it back as CSV.
//!
//! Two types link a dataset to another one and sit here, at the bottom, so that the release
//! side, the adversary side and the attack can all use them without importing each other:
//! [`ReleaseKey`] (which released record is which original person) and [`AuxRecord`] (what an
//! adversary knows about a person, in external ids).

pub mod aux_record;
pub mod builder;
pub mod cohort;
pub mod column;
pub mod derived;
pub mod export;
pub mod generate;
pub mod ids;
pub mod import;
pub mod iso_time;
pub(crate) mod memory;
pub mod people;
pub mod release_key;
pub mod sparsity;
pub mod store;
pub mod summary;
pub mod unicity;
pub mod values;

use serde::{Deserialize, Serialize};

pub use aux_record::{AUX_COLUMNS, AuxAttribute, AuxFact, AuxRecord, is_aux_column};
pub use column::Column;
pub use ids::{IdKey, IdTable};
pub use people::People;
pub use release_key::ReleaseKey;
pub use values::{NO_DAY, NO_RATING, Rating};

/// Dense index of a record (a person) in a dataset.
pub type RecordIdx = u32;
/// Dense index of an item in a dataset.
pub type ItemIdx = u32;
/// Whole days since 1970-01-01.
pub type Day = u16;

/// What one entry means.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum DatasetKind {
    /// One entry per (record, item): a rating data set. Duplicates are input errors.
    #[default]
    Ratings,
    /// A log of viewing events: a record may hold the same item many times.
    Views,
}

impl DatasetKind {
    /// Every kind.
    pub const ALL: [DatasetKind; 2] = [DatasetKind::Ratings, DatasetKind::Views];

    /// The name used on the command line and in files.
    pub fn name(self) -> &'static str {
        match self {
            DatasetKind::Ratings => "ratings",
            DatasetKind::Views => "views",
        }
    }
}

impl std::str::FromStr for DatasetKind {
    type Err = crate::Error;

    fn from_str(text: &str) -> crate::Result<DatasetKind> {
        crate::error::parse_named(text, &DatasetKind::ALL, DatasetKind::name, "kind")
    }
}

/// The ratings a dataset uses: lowest and highest (half stars) and the step between them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RatingScale {
    /// Lowest rating, half stars.
    pub min: u8,
    /// Highest rating, half stars.
    pub max: u8,
    /// 1 when some rating is a half star, else 2 (whole stars).
    pub step: u8,
}

impl RatingScale {
    /// Rounds a value in half stars to the scale's step and clamps it to the scale.
    pub fn round(self, halves: f64) -> u8 {
        let step = self.step as f64;
        ((halves / step).round() * step).clamp(self.min as f64, self.max as f64) as u8
    }
}

/// Entries grouped by one axis: `offsets[k]..offsets[k + 1]` are group `k`'s entries; `keys`
/// holds the other axis's index (items for record-major, records for item-major). `ratings` and
/// `days` are empty when the dataset has none at all, else parallel to `keys`, with
/// [`NO_RATING`] / [`NO_DAY`] marking single missing values.
#[derive(Debug, Default)]
pub struct Layout {
    /// Group boundaries, one more than the number of groups.
    pub offsets: Column<u64>,
    /// The other axis's index of each entry.
    pub keys: Column<u32>,
    /// Half-star ratings, or empty.
    pub ratings: Column<u8>,
    /// Days since 1970-01-01, or empty.
    pub days: Column<u16>,
}

/// The entries of one group of a [`Layout`].
#[derive(Clone, Copy, Debug)]
pub struct Entries<'a> {
    /// The other axis's indices.
    pub keys: &'a [u32],
    /// Ratings (half stars), `None` when the dataset has no ratings.
    pub ratings: Option<&'a [u8]>,
    /// Days, `None` when the dataset has no dates.
    pub days: Option<&'a [u16]>,
}

impl Entries<'_> {
    /// Number of entries.
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// The rating of entry `k`, if any.
    pub fn rating(&self, k: usize) -> Option<Rating> {
        self.ratings
            .map(|r| r[k])
            .filter(|&r| r != NO_RATING)
            .map(Rating)
    }

    /// The day of entry `k`, if any.
    pub fn day(&self, k: usize) -> Option<Day> {
        self.days.map(|d| d[k]).filter(|&d| d != NO_DAY)
    }
}

impl Layout {
    /// Number of groups.
    pub fn groups(&self) -> usize {
        self.offsets.len().saturating_sub(1)
    }

    /// The entries of group `k`.
    pub fn group(&self, k: usize) -> Entries<'_> {
        let range = self.offsets[k] as usize..self.offsets[k + 1] as usize;
        Entries {
            keys: &self.keys[range.clone()],
            ratings: (!self.ratings.is_empty()).then(|| &self.ratings[range.clone()]),
            days: (!self.days.is_empty()).then(|| &self.days[range]),
        }
    }
}

/// What the data holder declared public at import ([`import::declared`]): nothing in it is read
/// from the people's data, so a differentially private release may use it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Declared {
    /// The item table is the whole catalogue: every item that exists, held or not.
    pub catalogue: bool,
    /// The rating scale.
    pub rating_scale: Option<RatingScale>,
}

/// A dataset: records x items, both layouts built, ids kept.
#[derive(Debug, Default)]
pub struct Dataset {
    kind: DatasetKind,
    has_ratings: bool,
    has_dates: bool,
    record_ids: IdTable,
    item_ids: IdTable,
    by_record: Layout,
    by_item: Layout,
    item_support: Column<u32>,
    pseudonymized: bool,
    policy: Option<String>,
    source: Option<String>,
    declared: Declared,
    indices_verified: bool,
    people: People,
    /// Values computed from the data once and shared ([`derived::Derived`]).
    derived: derived::Derived,
}

impl Dataset {
    /// The value of type `T` derived from this data set, built by `make` on first use and kept
    /// until the data set changes.
    pub fn derived<T: std::any::Any + Send + Sync>(
        &self,
        make: impl FnOnce() -> T,
    ) -> std::sync::Arc<T> {
        self.derived.get_or_insert(make)
    }

    /// Whether every record and item index in both layouts is known to be in range: true for
    /// data built in memory and for stores opened with [`store::open`]; false for stores opened
    /// with [`store::open_for_shards`], whose per-entry arrays are checked only where they are
    /// used.
    pub fn indices_verified(&self) -> bool {
        self.indices_verified
    }

    /// Whether this is a release made by `deanon release` (record ids are pseudonyms; the
    /// original ids are in the release key).
    pub fn is_pseudonymized(&self) -> bool {
        self.pseudonymized
    }

    /// The rating scale the entries use, or `None` without ratings (read once per data set).
    pub fn rating_scale(&self) -> Option<RatingScale> {
        struct Scale(Option<RatingScale>);
        self.derived(|| Scale(self.read_rating_scale())).0
    }

    fn read_rating_scale(&self) -> Option<RatingScale> {
        use rayon::prelude::*;
        let (min, max, halves) = self
            .by_record
            .ratings
            .par_iter()
            .filter(|&&r| r != NO_RATING)
            .fold(
                || (u8::MAX, 0u8, false),
                |(lo, hi, h), &r| (lo.min(r), hi.max(r), h || r % 2 == 1),
            )
            .reduce(
                || (u8::MAX, 0u8, false),
                |a, b| (a.0.min(b.0), a.1.max(b.1), a.2 || b.2),
            );
        (min <= max).then_some(RatingScale {
            min,
            max,
            step: if halves { 1 } else { 2 },
        })
    }

    /// The first and last day of the entries, or `None` without dates (read once per data set).
    pub fn day_range(&self) -> Option<(Day, Day)> {
        struct Range(Option<(Day, Day)>);
        self.derived(|| Range(self.day_range_of_records(0, self.num_records())))
            .0
    }

    /// The first and last day of the entries of records `start..end`, or `None` without dates.
    pub fn day_range_of_records(&self, start: usize, end: usize) -> Option<(Day, Day)> {
        use rayon::prelude::*;
        if self.by_record.days.is_empty() {
            return None;
        }
        let offsets = &self.by_record.offsets;
        let entries = offsets[start] as usize..offsets[end] as usize;
        let (first, last) = self.by_record.days[entries]
            .par_iter()
            .filter(|&&d| d != NO_DAY)
            .fold(|| (u16::MAX, 0u16), |(lo, hi), &d| (lo.min(d), hi.max(d)))
            .reduce(|| (u16::MAX, 0u16), |a, b| (a.0.min(b.0), a.1.max(b.1)));
        (first <= last).then_some((first, last))
    }

    /// Marks the dataset as a pseudonymized release.
    pub fn mark_pseudonymized(&mut self) {
        self.derived.clear();
        self.pseudonymized = true;
    }

    /// The release policy that made this dataset, as its canonical spec (the public part: no
    /// seed, no key); `None` for data that is not a release, or a release made before releases
    /// recorded their policy.
    pub fn release_policy(&self) -> Option<&str> {
        self.policy.as_deref()
    }

    /// Records the release policy that made this dataset (its canonical spec).
    pub fn record_release_policy(&mut self, spec: String) {
        self.derived.clear();
        self.policy = Some(spec);
    }

    /// The fingerprint ([`store::fingerprint`]) of the data this release was made from; `None`
    /// for data that is not a release, or a release made before releases recorded it.
    pub fn release_source(&self) -> Option<&str> {
        self.source.as_deref()
    }

    /// Records the fingerprint of the data this release was made from.
    pub fn record_release_source(&mut self, fingerprint: String) {
        self.derived.clear();
        self.source = Some(fingerprint);
    }

    /// Marks what the data holder declared public: that the item table is the whole item
    /// catalogue (items nobody holds included), and the rating scale.
    pub fn declare(&mut self, catalogue: bool, rating_scale: Option<RatingScale>) {
        self.derived.clear();
        self.declared = Declared {
            catalogue,
            rating_scale,
        };
    }

    /// What the data holder declared public ([`Declared`]).
    pub fn declared(&self) -> Declared {
        self.declared
    }

    /// The distinct ratings the entries use (half stars), ascending.
    pub fn ratings_in_use(&self) -> Vec<u8> {
        use rayon::prelude::*;
        let used = self
            .by_record
            .ratings
            .par_iter()
            .fold(
                || [false; 256],
                |mut seen, &r| {
                    seen[r as usize] = true;
                    seen
                },
            )
            .reduce(
                || [false; 256],
                |mut a, b| {
                    for (x, y) in a.iter_mut().zip(b) {
                        *x |= y;
                    }
                    a
                },
            );
        (0..=255u8)
            .filter(|&r| used[r as usize] && r != NO_RATING)
            .collect()
    }

    /// Who may read this data once written: a pseudonymized release without a people table
    /// holds no one's name or attributes; anything else (original ids, attributes) names
    /// people.
    pub fn privacy(&self) -> crate::atomic_file::Privacy {
        if self.pseudonymized && self.people.is_empty() {
            crate::atomic_file::Privacy::Aggregate
        } else {
            crate::atomic_file::Privacy::NamesPeople
        }
    }

    /// Ratings or views.
    pub fn kind(&self) -> DatasetKind {
        self.kind
    }

    /// Whether any entry has a rating.
    pub fn has_ratings(&self) -> bool {
        self.has_ratings
    }

    /// Whether any entry has a date.
    pub fn has_dates(&self) -> bool {
        self.has_dates
    }

    /// Number of records (N).
    pub fn num_records(&self) -> usize {
        self.record_ids.len()
    }

    /// Number of items (M).
    pub fn num_items(&self) -> usize {
        self.item_ids.len()
    }

    /// Number of entries (ratings or viewing events).
    pub fn num_entries(&self) -> usize {
        self.by_record.keys.len()
    }

    /// External ids of records.
    pub fn record_ids(&self) -> &IdTable {
        &self.record_ids
    }

    /// External ids of items.
    pub fn item_ids(&self) -> &IdTable {
        &self.item_ids
    }

    /// The record-major layout (keys are items).
    pub fn by_record(&self) -> &Layout {
        &self.by_record
    }

    /// The item-major layout, the inverted index (keys are records).
    pub fn by_item(&self) -> &Layout {
        &self.by_item
    }

    /// One record's entries, sorted by item then day.
    pub fn record(&self, record: RecordIdx) -> Entries<'_> {
        self.by_record.group(record as usize)
    }

    /// One item's postings, sorted by record then day.
    pub fn postings(&self, item: ItemIdx) -> Entries<'_> {
        self.by_item.group(item as usize)
    }

    /// supp(i): the number of distinct records holding item `i`.
    pub fn support(&self, item: ItemIdx) -> u32 {
        self.item_support[item as usize]
    }

    /// The people table: each record's attributes (empty when the data has none).
    pub fn people(&self) -> &People {
        &self.people
    }

    /// Whether the data has a people table.
    pub fn has_attributes(&self) -> bool {
        !self.people.is_empty()
    }

    /// Sets the people table, which must cover every record (or be empty).
    pub fn set_people(&mut self, people: People) {
        self.derived.clear();
        assert!(
            people.is_empty() || people.records() == self.num_records(),
            "a people table covers every record"
        );
        self.people = people;
    }

    /// supp(i) of every item.
    pub fn supports(&self) -> &[u32] {
        &self.item_support
    }
}
