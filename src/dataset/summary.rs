//! What `deanon info` reports about a dataset: counts, density, the rating histogram, the date
//! range, and the quantiles of supp(i) and of entries per record.

use std::fmt::Write as _;

use rayon::prelude::*;
use serde::Serialize;

use super::values::day_to_iso;
use super::{Dataset, DatasetKind, NO_DAY, NO_RATING};

/// Quantiles of a distribution of counts.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Quantiles {
    /// Smallest value.
    pub min: u64,
    /// 10th percentile.
    pub p10: u64,
    /// 25th percentile.
    pub p25: u64,
    /// Median.
    pub median: u64,
    /// 75th percentile.
    pub p75: u64,
    /// 90th percentile.
    pub p90: u64,
    /// 99th percentile.
    pub p99: u64,
    /// Largest value.
    pub max: u64,
    /// Mean.
    pub mean: f64,
}

impl Quantiles {
    /// Quantiles of `values` (nearest-rank method); all zero for no values.
    pub fn of(mut values: Vec<u64>) -> Quantiles {
        if values.is_empty() {
            values.push(0);
        }
        values.par_sort_unstable();
        let at =
            |q: f64| values[((q * values.len() as f64).ceil() as usize).clamp(1, values.len()) - 1];
        Quantiles {
            min: values[0],
            p10: at(0.10),
            p25: at(0.25),
            median: at(0.50),
            p75: at(0.75),
            p90: at(0.90),
            p99: at(0.99),
            max: *values.last().expect("non-empty"),
            mean: values.iter().sum::<u64>() as f64 / values.len() as f64,
        }
    }
}

/// A dataset's description.
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    /// "ratings" or "views".
    pub kind: DatasetKind,
    /// N.
    pub records: u64,
    /// M.
    pub items: u64,
    /// Number of entries.
    pub entries: u64,
    /// entries / (N * M).
    pub density: f64,
    /// Whether entries carry ratings.
    pub has_ratings: bool,
    /// Whether entries carry dates.
    pub has_dates: bool,
    /// Whether this is a pseudonymized release.
    pub pseudonymized: bool,
    /// The release policy that made this release (its canonical spec), or null for data that
    /// is not a release.
    pub policy: Option<String>,
    /// Whether the item table is a declared public catalogue (items nobody holds included).
    pub catalogue: bool,
    /// The declared rating scale (`1..5:1`), or null.
    pub rating_scale: Option<String>,
    /// First date, ISO, or null.
    pub date_min: Option<String>,
    /// Last date, ISO, or null.
    pub date_max: Option<String>,
    /// Count of each rating value (in stars, as text), in increasing order.
    pub rating_histogram: Vec<(String, u64)>,
    /// Entries without a rating.
    pub missing_ratings: u64,
    /// Entries without a date.
    pub missing_dates: u64,
    /// Quantiles of supp(i) over items.
    pub support: Quantiles,
    /// Quantiles of the number of entries per record.
    pub entries_per_record: Quantiles,
    /// The people's attributes, in the people file's order (empty without a people table).
    pub attributes: Vec<AttributeSummary>,
}

/// One attribute of the people table, as `deanon info` describes it.
#[derive(Clone, Debug, Serialize)]
pub struct AttributeSummary {
    /// Its name.
    pub name: String,
    /// Number of distinct values.
    pub distinct: u64,
    /// Records without a value.
    pub missing: u64,
    /// Whether every value is an integer.
    pub numeric: bool,
}

/// Describes `data`.
pub fn summarize(data: &Dataset) -> Summary {
    let layout = data.by_record();
    let mut histogram = [0u64; 256];
    if data.has_ratings() {
        let h = layout
            .ratings
            .par_chunks(1 << 20)
            .map(|c| {
                let mut h = [0u64; 256];
                c.iter().for_each(|&r| h[r as usize] += 1);
                h
            })
            .reduce(
                || [0u64; 256],
                |mut a, b| {
                    a.iter_mut().zip(b).for_each(|(x, y)| *x += y);
                    a
                },
            );
        histogram = h;
    }
    let missing_ratings = if data.has_ratings() {
        histogram[NO_RATING as usize]
    } else {
        data.num_entries() as u64
    };
    let rating_histogram = (0..NO_RATING as usize)
        .filter(|&r| histogram[r] > 0)
        .map(|r| {
            let mut text = Vec::new();
            super::values::format_rating(r as u8, &mut text);
            (String::from_utf8(text).expect("ASCII"), histogram[r])
        })
        .collect();
    let (date_min, date_max, missing_dates) = if data.has_dates() {
        let missing = layout.days.par_iter().filter(|&&d| d == NO_DAY).count() as u64;
        let range = data.day_range();
        (
            range.map(|r| day_to_iso(r.0)),
            range.map(|r| day_to_iso(r.1)),
            missing,
        )
    } else {
        (None, None, data.num_entries() as u64)
    };
    let per_record = layout.offsets.windows(2).map(|w| w[1] - w[0]).collect();
    let support = data.supports().iter().map(|&s| s as u64).collect();
    let cells = data.num_records() as f64 * data.num_items() as f64;
    Summary {
        kind: data.kind(),
        records: data.num_records() as u64,
        items: data.num_items() as u64,
        entries: data.num_entries() as u64,
        density: if cells > 0.0 {
            data.num_entries() as f64 / cells
        } else {
            0.0
        },
        has_ratings: data.has_ratings(),
        has_dates: data.has_dates(),
        pseudonymized: data.is_pseudonymized(),
        policy: data.release_policy().map(str::to_string),
        catalogue: data.declared().catalogue,
        rating_scale: data
            .declared()
            .rating_scale
            .map(super::import::declared::scale_text),
        date_min,
        date_max,
        rating_histogram,
        missing_ratings,
        missing_dates,
        support: Quantiles::of(support),
        entries_per_record: Quantiles::of(per_record),
        attributes: data
            .people()
            .attributes()
            .map(|a| AttributeSummary {
                name: a.name.to_string(),
                distinct: a.num_values() as u64,
                missing: (data.num_records() - a.present()) as u64,
                numeric: a.is_numeric(),
            })
            .collect(),
    }
}

impl Summary {
    /// The summary as a human-readable table.
    pub fn to_text(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(s, "kind              {}", self.kind.name());
        let _ = writeln!(s, "records           {}", self.records);
        let _ = writeln!(s, "items             {}", self.items);
        let _ = writeln!(s, "entries           {}", self.entries);
        let _ = writeln!(s, "density           {:.6}", self.density);
        let _ = writeln!(
            s,
            "declared          {}, {}",
            if self.catalogue {
                "item catalogue"
            } else {
                "no item catalogue"
            },
            match &self.rating_scale {
                Some(scale) => format!("rating scale {scale}"),
                None => "no rating scale".to_string(),
            }
        );
        if let Some(policy) = &self.policy {
            let _ = writeln!(s, "release policy    {policy}");
        }
        let _ = writeln!(
            s,
            "dates             {} .. {}{}",
            self.date_min.as_deref().unwrap_or("-"),
            self.date_max.as_deref().unwrap_or("-"),
            if self.has_dates && self.missing_dates > 0 {
                format!(" ({} missing)", self.missing_dates)
            } else {
                String::new()
            }
        );
        if self.has_ratings {
            let _ = writeln!(s, "ratings           (stars: count, share)");
            for (stars, count) in &self.rating_histogram {
                let _ = writeln!(
                    s,
                    "  {:>6}          {:>12}  {:5.1}%",
                    stars,
                    count,
                    100.0 * *count as f64 / self.entries.max(1) as f64
                );
            }
            if self.missing_ratings > 0 {
                let _ = writeln!(s, "  missing         {:>12}", self.missing_ratings);
            }
        } else {
            let _ = writeln!(s, "ratings           none");
        }
        let _ = writeln!(
            s,
            "                  {:>8} {:>8} {:>8} {:>8} {:>8} {:>8} {:>8} {:>8} {:>10}",
            "min", "p10", "p25", "median", "p75", "p90", "p99", "max", "mean"
        );
        for (name, q) in [
            ("supp(item)", &self.support),
            ("per record", &self.entries_per_record),
        ] {
            let _ = writeln!(
                s,
                "{:<18}{:>8} {:>8} {:>8} {:>8} {:>8} {:>8} {:>8} {:>8} {:>10.1}",
                name, q.min, q.p10, q.p25, q.median, q.p75, q.p90, q.p99, q.max, q.mean
            );
        }
        if !self.attributes.is_empty() {
            let _ = writeln!(s, "attributes        (distinct values, missing)");
            for a in &self.attributes {
                let _ = writeln!(
                    s,
                    "  {:<16}{:>12}  {:>8}{}",
                    a.name,
                    a.distinct,
                    a.missing,
                    if a.numeric { "  numeric" } else { "" }
                );
            }
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_nearest_rank() {
        let q = Quantiles::of((1..=100).collect());
        assert_eq!((q.min, q.p10, q.median, q.p99, q.max), (1, 10, 50, 99, 100));
        assert!((q.mean - 50.5).abs() < 1e-12);
    }
}
