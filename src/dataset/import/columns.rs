//! In-memory columns (a pandas DataFrame handed over by the Python package) into a [`Dataset`],
//! with the checks and messages of the file importers; an error names the row (from 0) instead
//! of the line. Numeric columns are read in place; ids go through the same interning as text
//! ids, so a DataFrame and the CSV file it was read from give the same store, bit for bit.

use rayon::prelude::*;

use super::{EntrySink, ParsedChunk, assemble_with_people};
use crate::dataset::values::{
    day_from_days, day_from_unix_seconds, parse_date, parse_rating, push_float_id, push_i64,
    rating_from_stars,
};
use crate::dataset::{Dataset, DatasetKind, NO_DAY, NO_RATING};
use crate::{Error, Result};

/// A column of external ids.
#[derive(Clone, Copy, Debug)]
pub enum Ids<'a> {
    /// Integers (a negative one is kept as its text, as the CSV importer keeps `-5`).
    Int(&'a [i64]),
    /// Floats: whole numbers are ids like integers, NaN is a missing id.
    Float(&'a [f64]),
    /// Text; `None` is a missing id.
    Text(&'a [Option<String>]),
}

/// A column of ratings in stars.
#[derive(Clone, Copy, Debug)]
pub enum Ratings<'a> {
    /// Numbers of stars; NaN is a missing rating.
    Stars(&'a [f64]),
    /// Whole numbers of stars.
    Int(&'a [i64]),
    /// Text such as `3.5`; `None` is missing.
    Text(&'a [Option<String>]),
}

/// A column of dates.
#[derive(Clone, Copy, Debug)]
pub enum Dates<'a> {
    /// Days since 1970-01-01 (datetime64 cast to days); [`Dates::MISSING_DAYS`] is missing.
    Days(&'a [i64]),
    /// Unix seconds, floored to the day.
    UnixSeconds(&'a [i64]),
    /// Unix seconds as floats, floored to the day; NaN is missing.
    UnixSecondsFloat(&'a [f64]),
    /// Text: `YYYY-MM-DD` or Unix seconds, as in a CSV file; `None` is missing.
    Text(&'a [Option<String>]),
}

impl Dates<'_> {
    /// The value of a missing day in [`Dates::Days`] (numpy's NaT).
    pub const MISSING_DAYS: i64 = i64::MIN;
}

/// The columns of a data set: `user`, `item`, optionally `rating` and `date`, all of one length.
#[derive(Clone, Copy, Debug)]
pub struct Columns<'a> {
    /// Who.
    pub user: Ids<'a>,
    /// What.
    pub item: Ids<'a>,
    /// Ratings, if the data has them.
    pub rating: Option<Ratings<'a>>,
    /// Dates, if the data has them.
    pub date: Option<Dates<'a>>,
}

/// Rows parsed per parallel task.
const ROWS_PER_CHUNK: usize = 1 << 18;

impl Columns<'_> {
    fn len(&self) -> usize {
        self.user.len()
    }

    fn check_lengths(&self) -> Result<()> {
        let n = self.len();
        let mut lengths = vec![("item", self.item.len())];
        lengths.extend(self.rating.map(|r| ("rating", r.len())));
        lengths.extend(self.date.map(|d| ("date", d.len())));
        check_lengths("user", n, &lengths)
    }

    fn rating(&self, row: usize) -> std::result::Result<u8, String> {
        self.rating.map_or(Ok(NO_RATING), |r| r.at(row))
    }

    fn day(&self, row: usize) -> std::result::Result<u16, String> {
        self.date.map_or(Ok(NO_DAY), |d| d.at(row))
    }

    /// Feeds rows `range` to `sink`; the error names the row.
    fn feed(&self, range: std::ops::Range<usize>, sink: &mut dyn EntrySink) -> Result<()> {
        let (mut user, mut item) = (Vec::new(), Vec::new());
        for row in range {
            let entry = (|| {
                self.user.text_at(row, &mut user);
                self.item.text_at(row, &mut item);
                let rating = self.rating(row)?;
                let day = self.day(row)?;
                sink.entry(row as u64, &user, &item, rating, day)
            })();
            entry.map_err(|message| Error::Row {
                table: "data",
                row: row as u64,
                message,
            })?;
        }
        Ok(())
    }
}

/// Fails unless every named column has `n` values (`first` names the column that has `n`).
pub fn check_lengths(first: &str, n: usize, others: &[(&str, usize)]) -> Result<()> {
    match others.iter().find(|&&(_, len)| len != n) {
        Some((name, len)) => Err(Error::InvalidArgument(format!(
            "column {name} has {len} values but {first} has {n}"
        ))),
        None => Ok(()),
    }
}

impl Ids<'_> {
    /// Number of values.
    pub fn len(&self) -> usize {
        match self {
            Ids::Int(v) => v.len(),
            Ids::Float(v) => v.len(),
            Ids::Text(v) => v.len(),
        }
    }

    /// Whether the column is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The text of row `row`'s id into `out`, as the CSV importer would read it (empty:
    /// missing).
    pub fn text_at(&self, row: usize, out: &mut Vec<u8>) {
        out.clear();
        match self {
            Ids::Int(v) => push_i64(out, v[row]),
            Ids::Float(v) => push_float_id(out, v[row]),
            Ids::Text(v) => {
                if let Some(t) = &v[row] {
                    out.extend_from_slice(t.trim().as_bytes());
                }
            }
        }
    }
}

impl Ratings<'_> {
    /// Number of values.
    pub fn len(&self) -> usize {
        match self {
            Ratings::Stars(v) => v.len(),
            Ratings::Int(v) => v.len(),
            Ratings::Text(v) => v.len(),
        }
    }

    /// Whether the column is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Row `row`'s rating in half stars ([`NO_RATING`]: missing), checked as the importers
    /// check it.
    pub fn at(&self, row: usize) -> std::result::Result<u8, String> {
        match self {
            Ratings::Stars(v) => rating_from_stars(v[row]),
            Ratings::Int(v) => rating_from_stars(v[row] as f64),
            Ratings::Text(v) => match v[row].as_deref().map(str::trim) {
                Some(t) if !t.is_empty() => parse_rating(t.as_bytes()),
                _ => Ok(NO_RATING),
            },
        }
    }
}

impl Dates<'_> {
    /// Number of values.
    pub fn len(&self) -> usize {
        match self {
            Dates::Days(v) | Dates::UnixSeconds(v) => v.len(),
            Dates::UnixSecondsFloat(v) => v.len(),
            Dates::Text(v) => v.len(),
        }
    }

    /// Whether the column is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Row `row`'s day ([`NO_DAY`]: missing), checked as the importers check it.
    pub fn at(&self, row: usize) -> std::result::Result<u16, String> {
        match self {
            Dates::Days(v) if v[row] == Dates::MISSING_DAYS => Ok(NO_DAY),
            Dates::Days(v) => day_from_days(v[row]),
            Dates::UnixSeconds(v) => day_from_unix_seconds(v[row] as f64),
            Dates::UnixSecondsFloat(v) if v[row].is_nan() => Ok(NO_DAY),
            Dates::UnixSecondsFloat(v) => day_from_unix_seconds(v[row]),
            Dates::Text(v) => match v[row].as_deref().map(str::trim) {
                Some(t) if !t.is_empty() => parse_date(t.as_bytes()),
                _ => Ok(NO_DAY),
            },
        }
    }
}

/// Records the rows where one (user, item) pair occurs.
struct PairFinder<'a> {
    user: &'a [u8],
    item: &'a [u8],
    rows: Vec<u64>,
}

impl EntrySink for PairFinder<'_> {
    fn entry(
        &mut self,
        row: u64,
        user: &[u8],
        item: &[u8],
        _: u8,
        _: u16,
    ) -> std::result::Result<(), String> {
        if self.rows.len() < 2 && user == self.user && item == self.item {
            self.rows.push(row);
        }
        Ok(())
    }
}

/// Builds a dataset of `kind` from `columns` (see the module docs).
pub fn import_columns(kind: DatasetKind, columns: &Columns<'_>) -> Result<Dataset> {
    import_columns_with_people(kind, columns, None)
}

/// [`import_columns`] with a people table: a person with attributes and no entries is a record
/// with no entries.
pub fn import_columns_with_people(
    kind: DatasetKind,
    columns: &Columns<'_>,
    people: Option<super::people_file::PeopleFile>,
) -> Result<Dataset> {
    import_columns_declared(kind, columns, people, None, None)
}

/// [`import_columns_with_people`] with the public item catalogue and rating scale the data
/// holder declares ([`super::declared`]).
pub fn import_columns_declared(
    kind: DatasetKind,
    columns: &Columns<'_>,
    people: Option<super::people_file::PeopleFile>,
    catalogue: Option<&super::declared::Catalogue>,
    scale: Option<crate::dataset::RatingScale>,
) -> Result<Dataset> {
    columns.check_lengths()?;
    let n = columns.len();
    if n == 0 {
        return Err(Error::InvalidArgument("the data has no rows".into()));
    }
    let ranges: Vec<std::ops::Range<usize>> = (0..n)
        .step_by(ROWS_PER_CHUNK)
        .map(|start| start..(start + ROWS_PER_CHUNK).min(n))
        .collect();
    // The first error in row order is the one reported, whatever the thread count.
    let parsed: Vec<Result<ParsedChunk>> = ranges
        .par_iter()
        .map(|range| {
            crate::cancel::check()?;
            let mut chunk = ParsedChunk {
                entries: crate::dataset::builder::EntryChunk::with_capacity(range.len()),
                ..Default::default()
            };
            columns.feed(range.clone(), &mut chunk)?;
            chunk.users.finish();
            chunk.items.finish();
            Ok(chunk)
        })
        .collect();
    let mut chunks = parsed.into_iter().collect::<Result<Vec<_>>>()?;
    if let Some(catalogue) = catalogue {
        chunks.push(super::declared::chunk(catalogue)?);
    }
    let mut data = assemble_with_people(kind, chunks, people, |dup| {
        let mut finder = PairFinder {
            user: dup.user.as_bytes(),
            item: dup.item.as_bytes(),
            rows: Vec::new(),
        };
        let _ = columns.feed(0..n, &mut finder);
        let what = format!(
            "user {} rated item {} twice; a ratings data set holds one rating per user and item (use kind \"views\" for a log of viewing events)",
            dup.user, dup.item
        );
        match finder.rows.as_slice() {
            [first, second] => Error::Row {
                table: "data",
                row: *second,
                message: format!("{what}; first at row {first}"),
            },
            _ => Error::InvalidArgument(what),
        }
    })?;
    super::declared::declare(
        &mut data,
        catalogue,
        scale,
        std::path::Path::new("the data"),
    )?;
    Ok(data)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dataset::store::fingerprint;

    fn texts(v: &[&str]) -> Vec<Option<String>> {
        v.iter().map(|s| Some(s.to_string())).collect()
    }

    #[test]
    fn numeric_and_text_columns_give_the_store_of_the_csv_file() {
        let dir = tempfile::tempdir().unwrap();
        let csv = dir.path().join("r.csv");
        std::fs::write(
            &csv,
            "user,item,rating,date\n7,a,4,2005-01-02\n-3,b,3.5,2005-01-03\n7,b,,\n",
        )
        .unwrap();
        let from_file =
            crate::dataset::import::import(&csv, super::super::Format::Csv, DatasetKind::Ratings)
                .unwrap();
        let items = texts(&["a", "b", "b"]);
        let days = [12_785, 12_786, Dates::MISSING_DAYS];
        let from_numbers = import_columns(
            DatasetKind::Ratings,
            &Columns {
                user: Ids::Int(&[7, -3, 7]),
                item: Ids::Text(&items),
                rating: Some(Ratings::Stars(&[4.0, 3.5, f64::NAN])),
                date: Some(Dates::Days(&days)),
            },
        )
        .unwrap();
        assert_eq!(fingerprint(&from_file), fingerprint(&from_numbers));
        let users = texts(&["7", "-3", "7"]);
        let ratings = vec![Some("4".to_string()), Some("3.5".to_string()), None];
        let dates = vec![
            Some("2005-01-02".to_string()),
            Some("1104710400".to_string()),
            None,
        ];
        let from_text = import_columns(
            DatasetKind::Ratings,
            &Columns {
                user: Ids::Text(&users),
                item: Ids::Text(&items),
                rating: Some(Ratings::Text(&ratings)),
                date: Some(Dates::Text(&dates)),
            },
        )
        .unwrap();
        assert_eq!(fingerprint(&from_file), fingerprint(&from_text));
    }

    #[test]
    fn errors_name_the_row() {
        let items = texts(&["a", "b", "c"]);
        let bad_rating = import_columns(
            DatasetKind::Ratings,
            &Columns {
                user: Ids::Int(&[1, 2, 3]),
                item: Ids::Text(&items),
                rating: Some(Ratings::Stars(&[4.0, 4.3, 1.0])),
                date: None,
            },
        )
        .unwrap_err()
        .to_string();
        assert_eq!(
            bad_rating,
            "data row 1: rating '4.3' is not a number of stars in half-star steps from 0 to 127"
        );
        let early = import_columns(
            DatasetKind::Ratings,
            &Columns {
                user: Ids::Int(&[1, 2, 3]),
                item: Ids::Text(&items),
                rating: None,
                date: Some(Dates::Days(&[0, 1, -1])),
            },
        )
        .unwrap_err()
        .to_string();
        assert_eq!(
            early,
            "data row 2: date '1969-12-31' is before 1970-01-01, which the store cannot hold"
        );
        let missing_user = import_columns(
            DatasetKind::Ratings,
            &Columns {
                user: Ids::Float(&[1.0, f64::NAN, 3.0]),
                item: Ids::Text(&items),
                rating: None,
                date: None,
            },
        )
        .unwrap_err()
        .to_string();
        assert_eq!(missing_user, "data row 1: user: empty id");
        let same = texts(&["a", "b", "a"]);
        let twice = import_columns(
            DatasetKind::Ratings,
            &Columns {
                user: Ids::Int(&[1, 2, 1]),
                item: Ids::Text(&same),
                rating: None,
                date: None,
            },
        )
        .unwrap_err()
        .to_string();
        assert!(
            twice.starts_with("data row 2: user 1 rated item a twice")
                && twice.ends_with("first at row 0"),
            "{twice}"
        );
        let short = import_columns(
            DatasetKind::Ratings,
            &Columns {
                user: Ids::Int(&[1, 2]),
                item: Ids::Text(&same),
                rating: None,
                date: None,
            },
        )
        .unwrap_err()
        .to_string();
        assert!(
            short.contains("column item has 3 values but user has 2"),
            "{short}"
        );
    }
}
