//! What the release says about a random other person (docs/method.md section 13.2), the
//! likelihood's "different" model: per item, the chance of holding it given a record's length
//! and its rating distribution; the days with an entry, and each item's first. Built once per
//! release from every posting, so that every shard of it has the same model.

use rayon::prelude::*;

use crate::attack::shard::ReleaseStats;
use crate::dataset::{Dataset, NO_DAY, NO_RATING};

/// Pseudo-counts that pull an item's rating distribution toward the release's.
pub const PSEUDO_COUNT: f64 = 1.0;

/// What the release says about a random other person (docs/method.md section 13.2): per item, the
/// chance of holding it given a record's length and its rating distribution; the days with an
/// entry, and each item's first. Computed from the whole release, so every shard of it has the
/// same model.
#[derive(Clone, Debug)]
pub struct ReleaseModel {
    /// N, records.
    pub records: u64,
    /// E, the sum over records of |r|.
    pub entries: u64,
    /// c_i = E / supp(i) per item (0 for an item no record holds).
    pub coverage: Vec<f64>,
    /// The rating values some entry holds, half stars, ascending.
    pub rating_values: Vec<u8>,
    /// p_i(v) per item, `rating_values.len()` values each.
    pub item_ratings: Vec<f64>,
    /// The first day with an entry.
    pub first_day: u16,
    /// The number of days from the first day with an entry to the last.
    pub days: usize,
    /// `present_before[j]`: the days with an entry among the first j days of the range.
    pub present_before: Vec<u32>,
    /// `dated_before[j]`: the dated entries on the first j days of the range.
    pub dated_before: Vec<u64>,
    /// 1 / Q(j), Q(j) the entries on day j of the range (0 for a day without entries).
    pub inverse_day_count: Vec<f32>,
    /// Each item's first day with an entry, as a day of the range (0 without dates).
    pub item_first: Vec<u16>,
}

impl ReleaseModel {
    /// The model of `release`, whose record count, sum of |r| and date range `stats` holds
    /// (reads every posting once, in parallel over items).
    pub fn of(release: &Dataset, stats: &ReleaseStats) -> ReleaseModel {
        let entries = stats.distinct_items;
        let coverage = release
            .supports()
            .iter()
            .map(|&s| {
                if s == 0 {
                    0.0
                } else {
                    entries as f64 / s as f64
                }
            })
            .collect();
        let rating_counts = counts(&release.by_record().ratings, 256, |v| {
            (v != NO_RATING).then_some(v as usize)
        });
        let rating_values: Vec<u8> = (0..=255u8)
            .filter(|&v| rating_counts[v as usize] > 0)
            .collect();
        let rated: u64 = rating_counts.iter().sum();
        let (first_day, days) = match stats.day_range {
            Some((a, b)) => (a, (b - a) as usize + 1),
            None => (0, 0),
        };
        let day_counts = counts(&release.by_record().days, days, |d| {
            (d != NO_DAY).then(|| (d - first_day) as usize)
        });
        let mut present_before = Vec::with_capacity(days + 1);
        let mut dated_before = Vec::with_capacity(days + 1);
        let (mut seen, mut dated) = (0u32, 0u64);
        present_before.push(0);
        dated_before.push(0);
        for &c in &day_counts {
            seen += (c > 0) as u32;
            dated += c;
            present_before.push(seen);
            dated_before.push(dated);
        }
        let inverse_day_count = day_counts
            .iter()
            .map(|&c| if c > 0 { (1.0 / c as f64) as f32 } else { 0.0 })
            .collect();
        let per_item: Vec<(Vec<f64>, u16)> = (0..release.num_items() as u32)
            .into_par_iter()
            .map(|i| {
                let p = release.postings(i);
                let mut own = vec![0u64; rating_values.len()];
                if let Some(rs) = p.ratings {
                    for &v in rs {
                        if let Ok(k) = rating_values.binary_search(&v) {
                            own[k] += 1;
                        }
                    }
                }
                let n_i: u64 = own.iter().sum();
                let shares = own
                    .iter()
                    .zip(&rating_values)
                    .map(|(&count, &v)| {
                        let global = rating_counts[v as usize] as f64 / rated.max(1) as f64;
                        (count as f64 + PSEUDO_COUNT * global) / (n_i as f64 + PSEUDO_COUNT)
                    })
                    .collect();
                let first = p
                    .days
                    .and_then(|ds| ds.iter().filter(|&&d| d != NO_DAY).min().copied())
                    .map_or(0, |d| d - first_day);
                (shares, first)
            })
            .collect();
        let mut item_ratings = Vec::with_capacity(per_item.len() * rating_values.len());
        let mut item_first = Vec::with_capacity(per_item.len());
        for (shares, first) in per_item {
            item_ratings.extend(shares);
            item_first.push(first);
        }
        ReleaseModel {
            records: stats.records,
            entries,
            coverage,
            rating_values,
            item_ratings,
            first_day,
            days,
            present_before,
            dated_before,
            inverse_day_count,
            item_first,
        }
    }

    /// p_i(v) of item `item` for the rating value in slot `k`.
    pub(super) fn p(&self, item: u32, k: usize) -> f64 {
        self.item_ratings[item as usize * self.rating_values.len() + k]
    }

    /// Whether day `j` of the range has an entry.
    pub(super) fn present(&self, j: usize) -> bool {
        self.present_before[j + 1] > self.present_before[j]
    }
}

/// How many values of `values` fall in each of `slots` slots (`slot` maps a value to its slot,
/// or `None` to skip it), in parallel.
fn counts<T: Copy + Sync>(
    values: &[T],
    slots: usize,
    slot: impl Fn(T) -> Option<usize> + Sync,
) -> Vec<u64> {
    values
        .par_chunks(1 << 20)
        .map(|chunk| {
            let mut c = vec![0u64; slots];
            for &v in chunk {
                if let Some(k) = slot(v) {
                    c[k] += 1;
                }
            }
            c
        })
        .reduce(
            || vec![0u64; slots],
            |mut a, b| {
                for (x, y) in a.iter_mut().zip(b) {
                    *x += y;
                }
                a
            },
        )
}
