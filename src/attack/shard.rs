//! Shards of a release: contiguous ranges of records, one per worker, and the proof that a
//! shard's postings may be scored.
//!
//! - [`Shard`] and [`partition`]: record ranges that start on a multiple of [`BLOCK`], balanced
//!   by work (postings plus records);
//! - [`CheckedShard`]: a shard whose postings are known to be in record order and inside the
//!   shard. The scoring kernels write into their accumulator without bounds checks; they take a
//!   `CheckedShard`, which can only be made by [`CheckedShard::new`] (it verifies what the store
//!   did not), so no safe call can make them write out of bounds;
//! - [`ReleaseStats`]: what the algorithms need to know about the whole release (its date
//!   range, the mean number of distinct items per record), computed per shard and merged, so
//!   that a cluster process never reads more than its shards.

use serde::{Deserialize, Serialize};

use crate::dataset::{Dataset, Entries};
use crate::{Error, Result};

/// Records summed together in f32 lanes before the lanes go into the fixed-point totals.
pub const BLOCK: usize = 512;

/// A contiguous range of records `[start, end)`; `start` is a multiple of [`BLOCK`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shard {
    /// First record.
    pub start: u32,
    /// One past the last record.
    pub end: u32,
}

impl Shard {
    /// All records of `release` as one shard.
    pub fn whole(release: &Dataset) -> Shard {
        Shard {
            start: 0,
            end: release.num_records() as u32,
        }
    }

    /// Number of records.
    pub fn len(&self) -> usize {
        (self.end - self.start) as usize
    }

    /// Whether the shard holds no record.
    pub fn is_empty(&self) -> bool {
        self.end == self.start
    }
}

/// Splits the records of `release` into `parts` shards in record order, each starting on a
/// multiple of [`BLOCK`], balancing the work of a shard: its postings (the scatter) plus its
/// records (the passes over the scores). Shards may be empty when there are more parts than
/// blocks.
pub fn partition(release: &Dataset, parts: usize) -> Vec<Shard> {
    let n = release.num_records();
    let parts = parts.max(1);
    let offsets: &[u64] = &release.by_record().offsets;
    let work = |end: usize| offsets[end] + end as u64; // work of records [0, end)
    let total = work(n);
    let mut shards = Vec::with_capacity(parts);
    let mut start = 0usize;
    for p in 1..=parts {
        let end = if p == parts {
            n
        } else {
            let goal = total * p as u64 / parts as u64;
            // The first block boundary whose prefix work reaches the goal.
            let blocks = n / BLOCK;
            let (mut lo, mut hi) = (start / BLOCK, blocks);
            while lo < hi {
                let mid = (lo + hi) / 2;
                if work(mid * BLOCK) < goal {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            (lo * BLOCK).max(start)
        };
        shards.push(Shard {
            start: start as u32,
            end: end as u32,
        });
        start = end;
    }
    shards
}

/// The postings of `item` held by records of `shard` (postings are sorted by record).
pub(crate) fn shard_postings(release: &Dataset, item: u32, shard: Shard) -> Entries<'_> {
    let all = release.postings(item);
    if shard.start == 0 && shard.end as usize == release.num_records() {
        return all;
    }
    let lo = all.keys.partition_point(|&r| r < shard.start);
    let hi = all.keys.partition_point(|&r| r < shard.end);
    Entries {
        keys: &all.keys[lo..hi],
        ratings: all.ratings.map(|x| &x[lo..hi]),
        days: all.days.map(|x| &x[lo..hi]),
    }
}

/// A shard of one release whose postings the kernels may read without bounds checks: every
/// posting that [`shard_postings`] gives for it names a record inside the shard.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CheckedShard {
    shard: Shard,
}

impl CheckedShard {
    /// Checks `shard` of `release`. Free for the whole release of verified data (every record
    /// index is then below N); otherwise every posting of the shard is checked: within each
    /// item, the shard's postings must be in record order and inside the shard.
    pub fn new(release: &Dataset, shard: Shard) -> Result<CheckedShard> {
        if shard.start > shard.end || shard.end as usize > release.num_records() {
            return Err(Error::InvalidArgument(format!(
                "shard {}..{} is not a range of the release's {} records",
                shard.start,
                shard.end,
                release.num_records()
            )));
        }
        let whole = shard.start == 0 && shard.end as usize == release.num_records();
        if !(whole && release.indices_verified()) {
            check_postings(release, shard).map_err(Error::Corrupt)?;
        }
        Ok(CheckedShard { shard })
    }

    /// The whole release as one checked shard.
    pub fn whole(release: &Dataset) -> Result<CheckedShard> {
        CheckedShard::new(release, Shard::whole(release))
    }

    /// The shard.
    pub fn shard(&self) -> Shard {
        self.shard
    }

    /// Number of records.
    pub fn len(&self) -> usize {
        self.shard.len()
    }

    /// Whether the shard holds no record.
    pub fn is_empty(&self) -> bool {
        self.shard.is_empty()
    }

    /// The shard cut into consecutive tiles of `records` records (a multiple of [`BLOCK`]; the
    /// last tile may be shorter), in record order. A tile of a checked shard is checked: its
    /// postings are the shard's postings of a sub-range, in record order and inside it.
    pub fn tiles(&self, records: usize) -> impl Iterator<Item = CheckedShard> + use<> {
        assert!(
            records > 0 && records.is_multiple_of(BLOCK),
            "tiles of whole blocks"
        );
        let Shard { start, end } = self.shard;
        (start as usize..end as usize)
            .step_by(records)
            .map(move |a| CheckedShard {
                shard: Shard {
                    start: a as u32,
                    end: (a + records).min(end as usize) as u32,
                },
            })
    }
}

fn check_postings(release: &Dataset, shard: Shard) -> std::result::Result<(), String> {
    for item in 0..release.num_items() as u32 {
        let keys = shard_postings(release, item, shard).keys;
        let in_order = keys.windows(2).all(|w| w[0] <= w[1]);
        let inside = keys
            .first()
            .zip(keys.last())
            .is_none_or(|(&a, &b)| a >= shard.start && b < shard.end);
        if !in_order || !inside {
            return Err(format!(
                "the postings of item index {item} are out of order or out of range: the file is corrupt"
            ));
        }
    }
    Ok(())
}

/// What scoring needs to know about the whole release beyond item supports, merged from the
/// shards.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ReleaseStats {
    /// Records covered.
    pub records: u64,
    /// Sum over records of |r|, the number of distinct items of record r.
    pub distinct_items: u64,
    /// First and last day of the entries, if any has a date.
    pub day_range: Option<(u16, u16)>,
}

impl ReleaseStats {
    /// The statistics of the records of `shard`: reads their record-major entries only.
    pub fn of_shard(release: &Dataset, shard: Shard) -> ReleaseStats {
        let (start, end) = (shard.start as usize, shard.end as usize);
        ReleaseStats {
            records: shard.len() as u64,
            distinct_items: (start..end)
                .map(|r| distinct_items(release, r as u32) as u64)
                .sum(),
            day_range: release.day_range_of_records(start, end),
        }
    }

    /// The statistics of the whole release (computed once per release).
    pub fn of(release: &Dataset) -> ReleaseStats {
        *release.derived(|| ReleaseStats::of_shard(release, Shard::whole(release)))
    }

    /// Merges the statistics of another shard.
    pub fn merge(self, other: ReleaseStats) -> ReleaseStats {
        let day_range = match (self.day_range, other.day_range) {
            (Some((a, b)), Some((x, y))) => Some((a.min(x), b.max(y))),
            (a, b) => a.or(b),
        };
        ReleaseStats {
            records: self.records + other.records,
            distinct_items: self.distinct_items + other.distinct_items,
            day_range,
        }
    }

    /// mean |r| over all records (0 without records).
    pub fn mean_distinct_items(&self) -> f64 {
        if self.records == 0 {
            0.0
        } else {
            self.distinct_items as f64 / self.records as f64
        }
    }
}

/// |r|: the number of distinct items of record `r` (its entries are sorted by item; a view
/// log may hold an item several times).
pub fn distinct_items(release: &Dataset, r: u32) -> usize {
    let offsets = &release.by_record().offsets;
    let (a, b) = (
        offsets[r as usize] as usize,
        offsets[r as usize + 1] as usize,
    );
    if release.kind() == crate::dataset::DatasetKind::Ratings {
        return b - a;
    }
    let keys = &release.by_record().keys[a..b];
    keys.len() - keys.windows(2).filter(|w| w[0] == w[1]).count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partition_is_block_aligned_and_covers_everything() {
        let data = crate::dataset::generate::generate(
            &crate::dataset::generate::GenerateParams::new(
                crate::dataset::generate::Preset::NetflixLike,
            )
            .users(5000)
            .seed(3),
        )
        .unwrap();
        for parts in [1, 2, 3, 6, 9, 40] {
            let shards = partition(&data, parts);
            assert_eq!(shards.len(), parts);
            assert_eq!(shards[0].start, 0);
            assert_eq!(shards.last().unwrap().end as usize, data.num_records());
            for w in shards.windows(2) {
                assert_eq!(w[0].end, w[1].start);
            }
            for s in &shards {
                assert_eq!(s.start as usize % BLOCK, 0, "{parts}: {s:?}");
                assert!(s.start <= s.end);
            }
        }
        // Balanced: with 3 parts no shard holds more than half the postings.
        let offsets = &data.by_record().offsets;
        for s in partition(&data, 3) {
            let entries = offsets[s.end as usize] - offsets[s.start as usize];
            assert!(entries * 2 < *offsets.last().unwrap(), "{s:?}");
        }
    }
}
