//! Parquet files: ratings or views with the columns of the generic CSV (`user`, `item`,
//! optionally `rating`, `date`, or the columns `--columns` names), and people tables (a `user`
//! column and attribute columns).
//!
//! Columns are read by type, to the same text and values the CSV importer reads, so a Parquet
//! file and the CSV file of the same data give the same store, bit for bit:
//! - ids: integers (as decimal text), whole floats (`7.0` is `7`), strings (trimmed);
//! - ratings: integers or floats in stars, strings as in CSV; null is missing;
//! - dates: timestamps of any unit (an instant, its UTC day; one without a time zone is read as
//!   UTC), `date32`/`date64`, integers or floats (Unix seconds), strings as in CSV; null is
//!   missing;
//! - people's attributes: strings, integers, floats, booleans, dates (`YYYY-MM-DD`); null is
//!   missing.
//!
//! Row groups are read in parallel, each into a chunk of its own. Pages may be uncompressed or
//! compressed with Snappy or Zstandard; another codec is a one-line error. Errors name the
//! file, the row (from 1) and the column.

use std::fs::File;
use std::path::{Path, PathBuf};

use arrow_array::cast::AsArray;
use arrow_array::types::{
    Date32Type, Date64Type, Float32Type, Float64Type, Int8Type, Int16Type, Int32Type, Int64Type,
    TimestampMicrosecondType, TimestampMillisecondType, TimestampNanosecondType,
    TimestampSecondType, UInt8Type, UInt16Type, UInt32Type, UInt64Type,
};
use arrow_array::{Array, RecordBatch};
use arrow_schema::{DataType, TimeUnit};
use parquet::arrow::ProjectionMask;
use parquet::arrow::arrow_reader::{ArrowReaderMetadata, ParquetRecordBatchReaderBuilder};
use parquet::basic::Compression;
use rayon::prelude::*;

use super::layout::ColumnNames;
use super::people_file::NumberedRows;
use super::{EntrySink, ParsedChunk};
use crate::dataset::builder::EntryChunk;
use crate::dataset::values::{
    day_from_days, day_from_unix_seconds, parse_date, parse_rating, push_float_id, push_i64,
    rating_from_stars,
};
use crate::dataset::{NO_DAY, NO_RATING};
use crate::{Error, Result};

/// Rows decoded at a time.
const BATCH_ROWS: usize = 1 << 16;

/// The kinds of column the importer reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Shape {
    Int,
    Float,
    Text,
    /// A timestamp or a date: a day.
    Day,
    Bool,
    Null,
}

fn shape(data_type: &DataType) -> Option<Shape> {
    use DataType::*;
    match data_type {
        Int8 | Int16 | Int32 | Int64 | UInt8 | UInt16 | UInt32 | UInt64 => Some(Shape::Int),
        Float32 | Float64 => Some(Shape::Float),
        Utf8 | LargeUtf8 | Utf8View => Some(Shape::Text),
        Dictionary(_, values) => shape(values).filter(|&s| s == Shape::Text),
        Timestamp(..) | Date32 | Date64 => Some(Shape::Day),
        Boolean => Some(Shape::Bool),
        Null => Some(Shape::Null),
        _ => None,
    }
}

/// The value of each row of one column of a batch, in the column's shape.
enum Cells<'a> {
    Int(Vec<Option<i128>>),
    Float(Vec<Option<f64>>),
    Text(Vec<Option<&'a str>>),
    /// Days since 1970-01-01 (UTC).
    Day(Vec<Option<i64>>),
    Bool(Vec<Option<bool>>),
    Null,
}

fn ints<T>(array: &dyn Array) -> Vec<Option<i128>>
where
    T: arrow_array::ArrowPrimitiveType,
    T::Native: Into<i128>,
{
    array
        .as_primitive::<T>()
        .iter()
        .map(|v| v.map(Into::into))
        .collect()
}

/// `array`'s values as days, `per_day` of its units a day.
fn days<T>(array: &dyn Array, per_day: i64) -> Vec<Option<i64>>
where
    T: arrow_array::ArrowPrimitiveType,
    T::Native: Into<i64>,
{
    array
        .as_primitive::<T>()
        .iter()
        .map(|v| v.map(|v| v.into().div_euclid(per_day)))
        .collect()
}

fn texts(array: &dyn Array) -> Vec<Option<&str>> {
    match array.data_type() {
        DataType::Utf8 => array.as_string::<i32>().iter().collect(),
        DataType::LargeUtf8 => array.as_string::<i64>().iter().collect(),
        DataType::Utf8View => array.as_string_view().iter().collect(),
        _ => {
            let dictionary = array.as_any_dictionary();
            let values = texts(dictionary.values().as_ref());
            let keys = dictionary.normalized_keys();
            (0..array.len())
                .map(|r| values[keys[r]].filter(|_| !dictionary.is_null(r)))
                .collect()
        }
    }
}

impl<'a> Cells<'a> {
    /// The cells of `array`, whose type [`shape`] accepts.
    fn of(array: &'a dyn Array) -> Cells<'a> {
        use DataType::*;
        const DAY: i64 = 86_400;
        match array.data_type() {
            Int8 => Cells::Int(ints::<Int8Type>(array)),
            Int16 => Cells::Int(ints::<Int16Type>(array)),
            Int32 => Cells::Int(ints::<Int32Type>(array)),
            Int64 => Cells::Int(ints::<Int64Type>(array)),
            UInt8 => Cells::Int(ints::<UInt8Type>(array)),
            UInt16 => Cells::Int(ints::<UInt16Type>(array)),
            UInt32 => Cells::Int(ints::<UInt32Type>(array)),
            UInt64 => Cells::Int(ints::<UInt64Type>(array)),
            Float32 => Cells::Float(
                (array.as_primitive::<Float32Type>().iter())
                    .map(|v| v.map(f64::from))
                    .collect(),
            ),
            Float64 => Cells::Float(array.as_primitive::<Float64Type>().iter().collect()),
            Timestamp(TimeUnit::Second, _) => Cells::Day(days::<TimestampSecondType>(array, DAY)),
            Timestamp(TimeUnit::Millisecond, _) => {
                Cells::Day(days::<TimestampMillisecondType>(array, DAY * 1_000))
            }
            Timestamp(TimeUnit::Microsecond, _) => {
                Cells::Day(days::<TimestampMicrosecondType>(array, DAY * 1_000_000))
            }
            Timestamp(TimeUnit::Nanosecond, _) => {
                Cells::Day(days::<TimestampNanosecondType>(array, DAY * 1_000_000_000))
            }
            Date32 => Cells::Day(days::<Date32Type>(array, 1)),
            Date64 => Cells::Day(days::<Date64Type>(array, DAY * 1_000)),
            Boolean => Cells::Bool(array.as_boolean().iter().collect()),
            Null => Cells::Null,
            _ => Cells::Text(texts(array)),
        }
    }

    /// Row `row` as the text a CSV file would hold (nothing: missing).
    fn text(&self, row: usize, out: &mut Vec<u8>) {
        out.clear();
        match self {
            Cells::Int(v) => {
                if let Some(x) = v[row] {
                    match i64::try_from(x) {
                        Ok(x) => push_i64(out, x),
                        Err(_) => out.extend_from_slice(x.to_string().as_bytes()),
                    }
                }
            }
            Cells::Float(v) => push_float_id(out, v[row].unwrap_or(f64::NAN)),
            Cells::Text(v) => out.extend_from_slice(v[row].unwrap_or("").trim().as_bytes()),
            Cells::Day(v) => {
                if let Some(day) = v[row] {
                    let (y, m, d) = crate::dataset::values::civil_from_days(day);
                    out.extend_from_slice(format!("{y:04}-{m:02}-{d:02}").as_bytes());
                }
            }
            Cells::Bool(v) => {
                if let Some(b) = v[row] {
                    out.extend_from_slice(if b { b"true" } else { b"false" });
                }
            }
            Cells::Null => {}
        }
    }

    /// Row `row` as a rating in half stars ([`NO_RATING`]: missing).
    fn rating(&self, row: usize) -> std::result::Result<u8, String> {
        match self {
            Cells::Int(v) => v[row].map_or(Ok(NO_RATING), |x| rating_from_stars(x as f64)),
            Cells::Float(v) => v[row].map_or(Ok(NO_RATING), rating_from_stars),
            Cells::Text(v) => match v[row].map(str::trim) {
                Some(t) if !t.is_empty() => parse_rating(t.as_bytes()),
                _ => Ok(NO_RATING),
            },
            _ => Ok(NO_RATING),
        }
    }

    /// Row `row` as a day ([`NO_DAY`]: missing).
    fn day(&self, row: usize) -> std::result::Result<u16, String> {
        match self {
            Cells::Int(v) => v[row].map_or(Ok(NO_DAY), |x| day_from_unix_seconds(x as f64)),
            Cells::Float(v) => match v[row] {
                Some(x) if !x.is_nan() => day_from_unix_seconds(x),
                _ => Ok(NO_DAY),
            },
            Cells::Text(v) => match v[row].map(str::trim) {
                Some(t) if !t.is_empty() => parse_date(t.as_bytes()),
                _ => Ok(NO_DAY),
            },
            Cells::Day(v) => v[row].map_or(Ok(NO_DAY), day_from_days),
            _ => Ok(NO_DAY),
        }
    }
}

/// The metadata of the Parquet file `path`, its codecs checked.
fn open_metadata(path: &Path) -> Result<ArrowReaderMetadata> {
    let file = File::open(path).map_err(|e| Error::io(path, e))?;
    let metadata = ArrowReaderMetadata::load(&file, Default::default()).map_err(|e| {
        Error::input(
            path,
            format!("not a readable Parquet file: {}", one_line(&e)),
        )
    })?;
    for group in metadata.metadata().row_groups() {
        for column in group.columns() {
            let codec = match column.compression() {
                Compression::UNCOMPRESSED | Compression::SNAPPY | Compression::ZSTD(_) => continue,
                Compression::GZIP(_) => "gzip",
                Compression::BROTLI(_) => "Brotli",
                Compression::LZ4 | Compression::LZ4_RAW => "LZ4",
                Compression::LZO => "LZO",
            };
            return Err(Error::input(
                path,
                format!(
                    "column '{}' is compressed with {codec}, which deanon does not read; write the file \
                     uncompressed or with snappy or zstd",
                    column.column_path().string()
                ),
            ));
        }
    }
    Ok(metadata)
}

fn one_line(e: &dyn std::fmt::Display) -> String {
    e.to_string()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The names of `metadata`'s top-level columns.
fn column_names(metadata: &ArrowReaderMetadata) -> Vec<String> {
    metadata
        .schema()
        .fields()
        .iter()
        .map(|f| f.name().clone())
        .collect()
}

/// Fails unless column `index` of `metadata` has one of the `accepted` shapes.
fn check_shape(
    path: &Path,
    metadata: &ArrowReaderMetadata,
    index: usize,
    key: &str,
    accepted: &[Shape],
    holds: &str,
) -> Result<()> {
    let field = &metadata.schema().fields()[index];
    match shape(field.data_type()) {
        Some(s) if accepted.contains(&s) => Ok(()),
        _ => Err(Error::input(
            path,
            format!(
                "column '{}' ({key}) is of type {}; a {key} column holds {holds}",
                field.name(),
                field.data_type()
            ),
        )),
    }
}

/// A Parquet file of entries, opened: its metadata and where its columns are.
pub(crate) struct EntriesFile {
    path: PathBuf,
    metadata: ArrowReaderMetadata,
    /// The names of the user, item, rating and date columns, as the file spells them.
    user: String,
    item: String,
    rating: Option<String>,
    date: Option<String>,
    /// The top-level columns read.
    projection: Vec<usize>,
}

impl EntriesFile {
    /// Opens `path` and finds its columns as `names` says.
    pub(crate) fn open(path: &Path, names: &ColumnNames) -> Result<EntriesFile> {
        if path.is_dir() {
            return Err(Error::input(
                path,
                "is a folder; --format parquet reads one file",
            ));
        }
        let metadata = open_metadata(path)?;
        let header = column_names(&metadata);
        let found = names.find(&header).map_err(|e| Error::input(path, e))?;
        const IDS: [Shape; 3] = [Shape::Int, Shape::Float, Shape::Text];
        let ids = "integers or strings";
        check_shape(path, &metadata, found.user, "user", &IDS, ids)?;
        check_shape(path, &metadata, found.item, "item", &IDS, ids)?;
        if let Some(r) = found.rating {
            let accepted = [Shape::Int, Shape::Float, Shape::Text, Shape::Null];
            check_shape(path, &metadata, r, "rating", &accepted, "numbers of stars")?;
        }
        if let Some(d) = found.date {
            let accepted = [
                Shape::Int,
                Shape::Float,
                Shape::Text,
                Shape::Day,
                Shape::Null,
            ];
            let holds = "timestamps, dates, Unix seconds or ISO 8601 strings";
            check_shape(path, &metadata, d, "date", &accepted, holds)?;
        }
        let mut projection: Vec<usize> =
            [Some(found.user), Some(found.item), found.rating, found.date]
                .into_iter()
                .flatten()
                .collect();
        projection.sort_unstable();
        Ok(EntriesFile {
            path: path.to_path_buf(),
            user: header[found.user].clone(),
            item: header[found.item].clone(),
            rating: found.rating.map(|r| header[r].clone()),
            date: found.date.map(|d| header[d].clone()),
            projection,
            metadata,
        })
    }

    /// The file.
    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    /// Each row group's first row (from 0).
    fn group_starts(&self) -> Vec<u64> {
        let mut start = 0;
        (self.metadata.metadata().row_groups().iter())
            .map(|g| {
                let first = start;
                start += g.num_rows() as u64;
                first
            })
            .collect()
    }

    /// Every entry, one chunk per row group, the row groups parsed in parallel.
    pub(crate) fn parse(&self) -> Result<Vec<ParsedChunk>> {
        let groups = self.metadata.metadata().row_groups();
        let starts = self.group_starts();
        // The first error in row order is the one reported, whatever the thread count.
        (0..groups.len())
            .into_par_iter()
            .map(|g| {
                let mut chunk = ParsedChunk {
                    entries: EntryChunk::with_capacity(groups[g].num_rows() as usize),
                    ..Default::default()
                };
                self.feed_group(g, starts[g], &mut chunk)?;
                chunk.users.finish();
                chunk.items.finish();
                Ok(chunk)
            })
            .collect::<Vec<Result<ParsedChunk>>>()
            .into_iter()
            .collect()
    }

    /// Feeds every entry, in row order, to `sink`.
    pub(crate) fn feed_all(&self, sink: &mut dyn EntrySink) -> Result<()> {
        let starts = self.group_starts();
        for (g, &start) in starts.iter().enumerate() {
            self.feed_group(g, start, sink)?;
        }
        Ok(())
    }

    /// Feeds the entries of row group `group`, whose first row is `first_row`, to `sink`.
    fn feed_group(&self, group: usize, first_row: u64, sink: &mut dyn EntrySink) -> Result<()> {
        let file = File::open(&self.path).map_err(|e| Error::io(&self.path, e))?;
        let mask = ProjectionMask::roots(
            self.metadata.parquet_schema(),
            self.projection.iter().copied(),
        );
        let reader =
            ParquetRecordBatchReaderBuilder::new_with_metadata(file, self.metadata.clone())
                .with_row_groups(vec![group])
                .with_projection(mask)
                .with_batch_size(BATCH_ROWS)
                .build()
                .map_err(|e| self.unreadable(&e))?;
        let mut row = first_row;
        for batch in reader {
            let batch = batch.map_err(|e| self.unreadable(&e))?;
            self.feed_batch(&batch, row, sink)?;
            row += batch.num_rows() as u64;
        }
        Ok(())
    }

    fn unreadable(&self, e: &dyn std::fmt::Display) -> Error {
        Error::input(
            &self.path,
            format!("cannot read the Parquet data: {}", one_line(e)),
        )
    }

    /// Feeds the rows of `batch`, whose first row is `first_row` (from 0), to `sink`.
    fn feed_batch(
        &self,
        batch: &RecordBatch,
        first_row: u64,
        sink: &mut dyn EntrySink,
    ) -> Result<()> {
        let column = |name: &str| {
            batch
                .column_by_name(name)
                .expect("the projection holds the columns found")
        };
        let user = Cells::of(column(&self.user).as_ref());
        let item = Cells::of(column(&self.item).as_ref());
        let rating = self
            .rating
            .as_deref()
            .map(|n| (n, Cells::of(column(n).as_ref())));
        let date = self
            .date
            .as_deref()
            .map(|n| (n, Cells::of(column(n).as_ref())));
        let in_column = |name: &str, message: String| format!("column '{name}': {message}");
        let (mut user_text, mut item_text) = (Vec::new(), Vec::new());
        for r in 0..batch.num_rows() {
            let number = first_row + r as u64 + 1;
            let entry = (|| {
                user.text(r, &mut user_text);
                item.text(r, &mut item_text);
                let rating = match &rating {
                    Some((name, cells)) => cells.rating(r).map_err(|e| in_column(name, e))?,
                    None => NO_RATING,
                };
                let day = match &date {
                    Some((name, cells)) => cells.day(r).map_err(|e| in_column(name, e))?,
                    None => NO_DAY,
                };
                sink.entry(number, &user_text, &item_text, rating, day)
            })();
            entry.map_err(|message| Error::row(&self.path, number, message))?;
        }
        Ok(())
    }
}

/// A people table in Parquet: its column names and, per row (numbered from 1), each column's
/// value as text (empty: missing).
pub(crate) fn people_rows(path: &Path) -> Result<(Vec<String>, NumberedRows)> {
    let metadata = open_metadata(path)?;
    let header = column_names(&metadata);
    let accepted = [
        Shape::Int,
        Shape::Float,
        Shape::Text,
        Shape::Day,
        Shape::Bool,
        Shape::Null,
    ];
    for k in 0..header.len() {
        let holds = "strings, integers, floats, booleans or dates";
        check_shape(path, &metadata, k, "people", &accepted, holds)?;
    }
    let file = File::open(path).map_err(|e| Error::io(path, e))?;
    let unreadable = |e: &dyn std::fmt::Display| {
        Error::input(
            path,
            format!("cannot read the Parquet data: {}", one_line(e)),
        )
    };
    let reader = ParquetRecordBatchReaderBuilder::new_with_metadata(file, metadata)
        .with_batch_size(BATCH_ROWS)
        .build()
        .map_err(|e| unreadable(&e))?;
    let mut rows = Vec::new();
    let mut text = Vec::new();
    for batch in reader {
        let batch = batch.map_err(|e| unreadable(&e))?;
        let columns: Vec<Cells> = batch
            .columns()
            .iter()
            .map(|c| Cells::of(c.as_ref()))
            .collect();
        for r in 0..batch.num_rows() {
            let values = columns
                .iter()
                .map(|cells| {
                    cells.text(r, &mut text);
                    String::from_utf8_lossy(&text).into_owned()
                })
                .collect();
            rows.push((rows.len() as u64 + 1, values));
        }
    }
    Ok((header, rows))
}

/// Whether `path` names a Parquet file (`.parquet`, `.pq`).
pub(crate) fn is_parquet(path: &Path) -> bool {
    path.extension()
        .and_then(|x| x.to_str())
        .is_some_and(|x| x.eq_ignore_ascii_case("parquet") || x.eq_ignore_ascii_case("pq"))
}
