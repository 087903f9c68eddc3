//! Turns entries in any order into a [`Dataset`] with both layouts.
//!
//! Importers and generators hand over entries in chunks (each chunk in input order, chunks in
//! input order) with records and items already mapped to their final dense indices. The
//! builder counting-sorts them by record, sorts each record's entries by (item, day, rating),
//! checks for duplicates where the kind forbids them, and counting-sorts the result by item to
//! make the inverted index. Every step gives the same output whatever the thread count.
//!
//! Memory: about 11 bytes per entry for the chunks, plus 8 for the sort keys, at the peak; then
//! 7 bytes per entry per layout.

use rayon::prelude::*;

use super::{Column, Dataset, DatasetKind, IdTable, Layout, NO_DAY, NO_RATING, memory};

/// Entries in input order, with final dense indices. `ratings` and `days` are parallel to
/// `records` (use [`NO_RATING`] / [`NO_DAY`] for missing values).
#[derive(Debug, Default, Clone)]
pub struct EntryChunk {
    /// Record index of each entry.
    pub records: Vec<u32>,
    /// Item index of each entry.
    pub items: Vec<u32>,
    /// Rating (half stars) of each entry.
    pub ratings: Vec<u8>,
    /// Day of each entry.
    pub days: Vec<u16>,
}

impl EntryChunk {
    /// Appends one entry.
    #[inline]
    pub fn push(&mut self, record: u32, item: u32, rating: u8, day: u16) {
        self.records.push(record);
        self.items.push(item);
        self.ratings.push(rating);
        self.days.push(day);
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.records.len()
    }

    /// An empty chunk with room for `capacity` entries.
    pub fn with_capacity(capacity: usize) -> Self {
        EntryChunk {
            records: memory::with_capacity(capacity),
            items: memory::with_capacity(capacity),
            ratings: memory::with_capacity(capacity),
            days: memory::with_capacity(capacity),
        }
    }

    /// Whether the chunk is empty.
    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }
}

/// A (record, item) pair given twice in a ratings dataset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DuplicateEntry {
    /// Dense record index.
    pub record: u32,
    /// Dense item index.
    pub item: u32,
}

impl std::fmt::Display for DuplicateEntry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "record number {} holds item number {} twice",
            self.record, self.item
        )
    }
}

#[inline]
fn pack(item: u32, day: u16, rating: u8) -> u64 {
    ((item as u64) << 24) | ((day as u64) << 8) | rating as u64
}

/// Builds the dataset. Fails on the first duplicate (in record order) of a ratings dataset.
pub fn build(
    kind: DatasetKind,
    record_ids: IdTable,
    item_ids: IdTable,
    chunks: Vec<EntryChunk>,
) -> Result<Dataset, DuplicateEntry> {
    let n = record_ids.len();
    let m = item_ids.len();
    let has_ratings = chunks
        .par_iter()
        .any(|c| c.ratings.iter().any(|&r| r != NO_RATING));
    let has_dates = chunks
        .par_iter()
        .any(|c| c.days.iter().any(|&d| d != NO_DAY));

    // Record-major: counting sort by record into packed (item, day, rating) keys, in parallel
    // over groups of consecutive chunks (so entries stay in input order within a record).
    let groups = group_chunks(&chunks, 2 * rayon::current_num_threads());
    let histograms: Vec<Vec<u32>> = groups
        .par_iter()
        .map(|g| {
            let mut h = vec![0u32; n];
            for c in &chunks[g.clone()] {
                c.records.iter().for_each(|&r| h[r as usize] += 1);
            }
            h
        })
        .collect();
    let (offsets, cursors) = offsets_and_cursors(&histograms, n);
    drop(histograms);
    let total = offsets[n] as usize;
    let mut keys: Vec<u64> = memory::zeroed(total);
    {
        let out = SharedSlice::new(&mut keys);
        groups.par_iter().zip(cursors).for_each(|(g, mut cursor)| {
            for c in &chunks[g.clone()] {
                for k in 0..c.records.len() {
                    let slot = &mut cursor[c.records[k] as usize];
                    // SAFETY: each group owns the slots its cursors walk, disjoint from every
                    // other group's by construction of the cursors.
                    unsafe { out.write(*slot as usize, pack(c.items[k], c.days[k], c.ratings[k])) };
                    *slot += 1;
                }
            }
        });
    }
    drop(chunks);
    crate::progress::timed("sort records", || sort_groups(&mut keys, &offsets));

    if kind == DatasetKind::Ratings {
        let duplicate = (0..n).into_par_iter().find_first(|&r| {
            let g = &keys[offsets[r] as usize..offsets[r + 1] as usize];
            g.windows(2).any(|w| w[0] >> 24 == w[1] >> 24)
        });
        if let Some(r) = duplicate {
            let g = &keys[offsets[r] as usize..offsets[r + 1] as usize];
            let w = g
                .windows(2)
                .find(|w| w[0] >> 24 == w[1] >> 24)
                .expect("found above");
            return Err(DuplicateEntry {
                record: r as u32,
                item: (w[0] >> 24) as u32,
            });
        }
    }

    let rec_items: Vec<u32> = unpack(&keys, true, |k| (k >> 24) as u32);
    let rec_ratings: Vec<u8> = unpack(&keys, has_ratings, |k| k as u8);
    let rec_days: Vec<u16> = unpack(&keys, has_dates, |k| (k >> 8) as u16);
    drop(keys);

    let by_record = Layout {
        offsets: offsets.into(),
        keys: rec_items.into(),
        ratings: rec_ratings.into(),
        days: rec_days.into(),
    };
    let (by_item, item_support) = crate::progress::timed("invert", || invert(&by_record, m, kind));
    Ok(Dataset {
        kind,
        has_ratings,
        has_dates,
        record_ids,
        item_ids,
        by_record,
        by_item,
        item_support: item_support.into(),
        pseudonymized: false,
        policy: None,
        source: None,
        declared: Default::default(),
        // Built here from checked indices, sorted by construction.
        indices_verified: true,
        people: Default::default(),
        derived: Default::default(),
    })
}

/// Sorts each group `offsets[k]..offsets[k+1]` of `keys`, in parallel.
fn sort_groups(keys: &mut [u64], offsets: &[u64]) {
    let mut groups: Vec<&mut [u64]> = Vec::with_capacity(offsets.len().saturating_sub(1));
    let mut rest = keys;
    for w in offsets.windows(2) {
        let (group, tail) = rest.split_at_mut((w[1] - w[0]) as usize);
        groups.push(group);
        rest = tail;
    }
    groups
        .par_iter_mut()
        .with_min_len(256)
        .for_each(|g| g.sort_unstable());
}

/// Builds the item-major layout from the record-major one (a stable counting sort by item, so
/// postings come out sorted by record, then day), and supp(i).
fn invert(by_record: &Layout, m: usize, kind: DatasetKind) -> (Layout, Vec<u32>) {
    let items: &[u32] = &by_record.keys;
    let n = by_record.groups();
    let ranges = record_ranges(&by_record.offsets, 2 * rayon::current_num_threads());
    let histograms: Vec<Vec<u32>> = ranges
        .par_iter()
        .map(|range| {
            let mut h = vec![0u32; m];
            let lo = by_record.offsets[range.start] as usize;
            let hi = by_record.offsets[range.end] as usize;
            items[lo..hi].iter().for_each(|&i| h[i as usize] += 1);
            h
        })
        .collect();
    let (offsets, cursors) = offsets_and_cursors(&histograms, m);
    drop(histograms);
    let total = items.len();
    let mut records: Vec<u32> = memory::zeroed(total);
    let mut ratings: Vec<u8> = memory::zeroed(if by_record.ratings.is_empty() {
        0
    } else {
        total
    });
    let mut days: Vec<u16> = memory::zeroed(if by_record.days.is_empty() { 0 } else { total });
    {
        let (out_records, out_ratings, out_days) = (
            SharedSlice::new(&mut records),
            SharedSlice::new(&mut ratings),
            SharedSlice::new(&mut days),
        );
        let (has_ratings, has_days) = (!by_record.ratings.is_empty(), !by_record.days.is_empty());
        ranges
            .par_iter()
            .zip(cursors)
            .for_each(|(range, mut cursor)| {
                for r in range.clone() {
                    let lo = by_record.offsets[r] as usize;
                    let hi = by_record.offsets[r + 1] as usize;
                    for k in lo..hi {
                        let slot = &mut cursor[items[k] as usize];
                        let s = *slot as usize;
                        // SAFETY: each range of records owns the slots its cursors walk.
                        unsafe {
                            out_records.write(s, r as u32);
                            if has_ratings {
                                out_ratings.write(s, by_record.ratings[k]);
                            }
                            if has_days {
                                out_days.write(s, by_record.days[k]);
                            }
                        }
                        *slot += 1;
                    }
                }
            });
    }
    debug_assert_eq!(n, by_record.groups());
    let support: Vec<u32> = match kind {
        DatasetKind::Ratings => offsets.windows(2).map(|w| (w[1] - w[0]) as u32).collect(),
        DatasetKind::Views => (0..m)
            .into_par_iter()
            .map(|i| {
                let p = &records[offsets[i] as usize..offsets[i + 1] as usize];
                (p.len() - p.windows(2).filter(|w| w[0] == w[1]).count()) as u32
            })
            .collect(),
    };
    let layout = Layout {
        offsets: Column::from(offsets),
        keys: records.into(),
        ratings: ratings.into(),
        days: days.into(),
    };
    (layout, support)
}

/// One field of every packed key, or nothing when `wanted` is false.
fn unpack<T: bytemuck::Zeroable + Clone + Send>(
    keys: &[u64],
    wanted: bool,
    field: impl Fn(u64) -> T + Sync,
) -> Vec<T> {
    if !wanted {
        return Vec::new();
    }
    let mut out: Vec<T> = memory::zeroed(keys.len());
    out.par_iter_mut()
        .zip(keys.par_iter())
        .for_each(|(o, &k)| *o = field(k));
    out
}

/// Consecutive chunk ranges of roughly equal entry counts, at most `parts` of them.
fn group_chunks(chunks: &[EntryChunk], parts: usize) -> Vec<std::ops::Range<usize>> {
    let total: usize = chunks.iter().map(EntryChunk::len).sum();
    let target = total.div_ceil(parts.max(1)).max(1);
    let mut groups = Vec::new();
    let (mut start, mut size) = (0, 0);
    for (k, c) in chunks.iter().enumerate() {
        size += c.len();
        if size >= target {
            groups.push(start..k + 1);
            start = k + 1;
            size = 0;
        }
    }
    if start < chunks.len() {
        groups.push(start..chunks.len());
    }
    groups
}

/// Consecutive record ranges of roughly equal entry counts, at most `parts` of them.
fn record_ranges(offsets: &[u64], parts: usize) -> Vec<std::ops::Range<usize>> {
    let n = offsets.len() - 1;
    let total = offsets[n];
    let mut ranges = Vec::new();
    let mut start = 0;
    for p in 1..=parts.max(1) as u64 {
        let goal = total * p / parts.max(1) as u64;
        let end = if p == parts.max(1) as u64 {
            n
        } else {
            offsets.partition_point(|&o| o < goal).min(n)
        };
        if end > start {
            ranges.push(start..end);
            start = end;
        }
    }
    ranges
}

/// From per-group histograms over `k` keys: the offsets of each key (k + 1 of them) and, for
/// each group, where its first entry of each key goes. Groups write in group order within a key,
/// which keeps the sort stable.
fn offsets_and_cursors(histograms: &[Vec<u32>], k: usize) -> (Vec<u64>, Vec<Vec<u64>>) {
    let mut offsets = vec![0u64; k + 1];
    let mut cursors = vec![vec![0u64; k]; histograms.len()];
    let mut running = 0u64;
    for key in 0..k {
        offsets[key] = running;
        for (g, h) in histograms.iter().enumerate() {
            cursors[g][key] = running;
            running += h[key] as u64;
        }
    }
    offsets[k] = running;
    (offsets, cursors)
}

/// A slice that several threads write at disjoint positions.
struct SharedSlice<T> {
    ptr: *mut T,
    len: usize,
}

// SAFETY: only used for writes to disjoint positions from different threads (see callers).
unsafe impl<T: Send> Send for SharedSlice<T> {}
unsafe impl<T: Send> Sync for SharedSlice<T> {}

impl<T> SharedSlice<T> {
    fn new(slice: &mut [T]) -> Self {
        SharedSlice {
            ptr: slice.as_mut_ptr(),
            len: slice.len(),
        }
    }

    /// Writes `value` at `index`.
    ///
    /// # Safety
    /// No other thread may access `index` concurrently.
    #[inline]
    unsafe fn write(&self, index: usize, value: T) {
        assert!(index < self.len, "scatter index out of bounds");
        // SAFETY: in bounds (checked above); exclusive per the caller's contract.
        unsafe { self.ptr.add(index).write(value) }
    }
}

/// Assembles a dataset from stored parts (used by the store reader).
pub(crate) struct StoredParts {
    pub kind: DatasetKind,
    pub has_ratings: bool,
    pub has_dates: bool,
    pub record_ids: IdTable,
    pub item_ids: IdTable,
    pub by_record: Layout,
    pub by_item: Layout,
    pub item_support: Column<u32>,
    pub pseudonymized: bool,
    /// The release policy recorded in the store.
    pub policy: Option<String>,
    /// The fingerprint of the data a release was made from.
    pub source: Option<String>,
    /// What the data holder declared public.
    pub declared: super::Declared,
    /// Whether every index in both layouts was checked against its bound.
    pub indices_verified: bool,
    /// The people table (empty when the store has none).
    pub people: super::People,
}

impl From<StoredParts> for Dataset {
    fn from(p: StoredParts) -> Self {
        Dataset {
            kind: p.kind,
            has_ratings: p.has_ratings,
            has_dates: p.has_dates,
            record_ids: p.record_ids,
            item_ids: p.item_ids,
            by_record: p.by_record,
            by_item: p.by_item,
            item_support: p.item_support,
            pseudonymized: p.pseudonymized,
            policy: p.policy,
            source: p.source,
            declared: p.declared,
            indices_verified: p.indices_verified,
            people: p.people,
            derived: Default::default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dataset::IdKey;

    fn ids(n: u64) -> IdTable {
        IdTable::from_keys(&(0..n).map(IdKey::Num).collect::<Vec<_>>())
    }

    #[test]
    fn builds_both_layouts_sorted() {
        let mut c1 = EntryChunk::default();
        c1.push(1, 2, 8, 100);
        c1.push(0, 1, 6, 50);
        let mut c2 = EntryChunk::default();
        c2.push(1, 0, 10, 40);
        c2.push(0, 2, 2, 60);
        let d = build(DatasetKind::Ratings, ids(2), ids(3), vec![c1, c2]).unwrap();
        assert_eq!(d.num_entries(), 4);
        assert_eq!(d.record(0).keys, &[1, 2]);
        assert_eq!(d.record(1).keys, &[0, 2]);
        assert_eq!(d.record(1).ratings.unwrap(), &[10, 8]);
        assert_eq!(d.postings(2).keys, &[0, 1]);
        assert_eq!(d.postings(2).days.unwrap(), &[60, 100]);
        assert_eq!(d.supports(), &[1, 1, 2]);
        assert!(d.has_ratings() && d.has_dates());
    }

    #[test]
    fn duplicate_rating_is_reported_views_are_kept() {
        let mut c = EntryChunk::default();
        c.push(0, 1, 8, 100);
        c.push(0, 1, 6, 101);
        let err = build(DatasetKind::Ratings, ids(1), ids(2), vec![c.clone()]).unwrap_err();
        assert_eq!(err, DuplicateEntry { record: 0, item: 1 });
        let d = build(DatasetKind::Views, ids(1), ids(2), vec![c]).unwrap();
        assert_eq!(d.num_entries(), 2);
        assert_eq!(d.support(1), 1);
        assert_eq!(d.postings(1).days.unwrap(), &[100, 101]);
    }

    #[test]
    fn missing_columns_are_dropped() {
        let mut c = EntryChunk::default();
        c.push(0, 0, NO_RATING, NO_DAY);
        let d = build(DatasetKind::Ratings, ids(1), ids(1), vec![c]).unwrap();
        assert!(!d.has_ratings() && !d.has_dates());
        assert!(d.record(0).ratings.is_none());
    }
}
