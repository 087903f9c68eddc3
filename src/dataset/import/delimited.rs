//! Delimited text importers: generic CSV and the MovieLens family.
//!
//! - Generic CSV: a header naming `user` and `item`, optionally `rating` and `date` (or
//!   `timestamp`), in any order, other columns ignored, or the columns `--columns` names
//!   ([`super::layout`]); fields separated by commas, tabs in a `.tsv` file, or `--delimiter`;
//!   `date` is `YYYY-MM-DD`, an ISO 8601 date-time or Unix seconds; blank ratings and dates are
//!   missing values. Fields may be quoted (`"a,b"`, `""` inside).
//! - MovieLens: ml-100k `u.data` (tab, no header), ml-1m/10m `ratings.dat` (`::`, no header),
//!   ml-latest/20m/25m `ratings.csv` (header `userId,movieId,rating,timestamp`), and RecBole's
//!   atomic `.inter` files (tab, typed header such as `user_id:token`); timestamps are Unix seconds.

use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};

use super::layout::{Layout, find_column};
use super::segments::{self, Cut, Segment, Source};
use super::{EntrySink, SegmentParser};
use crate::dataset::values::{parse_date, parse_rating, parse_unix_seconds};
use crate::dataset::{NO_DAY, NO_RATING};
use crate::{Error, Result};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Delimiter {
    Byte(u8),
    DoubleColon,
}

impl Delimiter {
    fn describe(self) -> String {
        match self {
            Delimiter::Byte(b'\t') => "tab".into(),
            Delimiter::Byte(b) => format!("'{}'", b as char),
            Delimiter::DoubleColon => "'::'".into(),
        }
    }
}

#[derive(Clone, Copy, Debug)]
enum DateForm {
    /// ISO date or Unix seconds, decided per field.
    Auto,
    /// Unix seconds only.
    UnixSeconds,
}

/// How to read one delimited file.
#[derive(Debug)]
struct Delimited {
    delimiter: Delimiter,
    header_lines: u64,
    user: usize,
    item: usize,
    rating: Option<usize>,
    date: Option<usize>,
    dates: DateForm,
    quotes: bool,
    /// The header's column names (none for a file without a header), for messages.
    names: Vec<String>,
    /// What a data line should look like, for messages.
    expected: &'static str,
}

const MAX_FIELDS: usize = 32;

impl Delimited {
    fn needed(&self) -> usize {
        1 + [Some(self.user), Some(self.item), self.rating, self.date]
            .into_iter()
            .flatten()
            .max()
            .unwrap_or(0)
    }

    /// Splits `line` into its first fields, stopping once the needed ones are found; returns
    /// how many it found.
    fn split<'a>(&self, line: &'a [u8], out: &mut [&'a [u8]; MAX_FIELDS]) -> usize {
        let needed = self.needed();
        let mut count = 0;
        match self.delimiter {
            Delimiter::Byte(delimiter) => {
                // A plain scan: fields are short, so a byte loop beats a memchr call per field.
                let mut start = 0;
                for (i, &b) in line.iter().enumerate() {
                    if b == delimiter {
                        out[count] = trim(&line[start..i]);
                        count += 1;
                        start = i + 1;
                        if count == needed {
                            return count;
                        }
                    }
                }
                out[count] = trim(&line[start..]);
                count + 1
            }
            Delimiter::DoubleColon => {
                let mut rest = line;
                while let Some(p) = memchr::memmem::find(rest, b"::") {
                    out[count] = trim(&rest[..p]);
                    count += 1;
                    rest = &rest[p + 2..];
                    if count == needed {
                        return count;
                    }
                }
                out[count] = trim(rest);
                count + 1
            }
        }
    }

    fn line(
        &self,
        number: u64,
        line: &[u8],
        sink: &mut dyn EntrySink,
    ) -> std::result::Result<(), String> {
        if line.iter().all(u8::is_ascii_whitespace) {
            return Ok(());
        }
        let unquoted;
        let mut fields: [&[u8]; MAX_FIELDS] = [&[]; MAX_FIELDS];
        let count = if self.quotes && memchr::memchr(b'"', line).is_some() {
            let Delimiter::Byte(delimiter) = self.delimiter else {
                unreachable!("quoted fields are read only with a one-byte delimiter")
            };
            unquoted = split_quoted(line, delimiter)?;
            for (slot, f) in fields.iter_mut().zip(&unquoted) {
                *slot = trim(f);
            }
            unquoted.len().min(MAX_FIELDS)
        } else {
            self.split(line, &mut fields)
        };
        if count < self.needed() {
            return Err(format!(
                "expected at least {} fields separated by {}, found {count} ({})",
                self.needed(),
                self.delimiter.describe(),
                self.expected
            ));
        }
        let rating = match self.rating {
            Some(c) if !fields[c].is_empty() => {
                parse_rating(fields[c]).map_err(|e| self.in_column(c, e))?
            }
            _ => NO_RATING,
        };
        let day = match self.date {
            Some(c) if !fields[c].is_empty() => match self.dates {
                DateForm::Auto => parse_date(fields[c]),
                DateForm::UnixSeconds => parse_unix_seconds(fields[c]),
            }
            .map_err(|e| self.in_column(c, e))?,
            _ => NO_DAY,
        };
        sink.entry(number, fields[self.user], fields[self.item], rating, day)
    }

    /// `message` about a value of column `c` (from 0), naming the column.
    fn in_column(&self, c: usize, message: String) -> String {
        match self.names.get(c) {
            Some(name) => format!("column {} ({name}): {message}", c + 1),
            None => format!("column {}: {message}", c + 1),
        }
    }
}

fn trim(field: &[u8]) -> &[u8] {
    field.trim_ascii()
}

/// Splits a CSV line with quoted fields (RFC 4180 quoting within one line).
fn split_quoted(line: &[u8], delimiter: u8) -> std::result::Result<Vec<Vec<u8>>, String> {
    let mut fields = Vec::new();
    let mut field = Vec::new();
    let mut in_quotes = false;
    let mut i = 0;
    while i < line.len() {
        let b = line[i];
        if in_quotes {
            if b == b'"' {
                if line.get(i + 1) == Some(&b'"') {
                    field.push(b'"');
                    i += 1;
                } else {
                    in_quotes = false;
                }
            } else {
                field.push(b);
            }
        } else if b == b'"' {
            in_quotes = true;
        } else if b == delimiter {
            fields.push(std::mem::take(&mut field));
        } else {
            field.push(b);
        }
        i += 1;
    }
    if in_quotes {
        return Err("a quoted field is not closed on this line".into());
    }
    fields.push(field);
    Ok(fields)
}

impl SegmentParser for Delimited {
    fn parse(&self, segment: &Segment, sink: &mut dyn EntrySink) -> Result<()> {
        for (number, line) in segments::lines(segment) {
            if number <= self.header_lines {
                continue;
            }
            self.line(number, line, sink)
                .map_err(|m| Error::parse(&segment.path, number, m))?;
        }
        Ok(())
    }
}

fn first_line(path: &Path) -> Result<String> {
    let file = File::open(path).map_err(|e| Error::io(path, e))?;
    let mut line = Vec::new();
    BufReader::new(file)
        .take(1 << 20)
        .read_until(b'\n', &mut line)
        .map_err(|e| Error::io(path, e))?;
    if line.iter().all(u8::is_ascii_whitespace) {
        return Err(Error::input(path, "the file is empty"));
    }
    let text = String::from_utf8_lossy(&line)
        .trim_end_matches(['\n', '\r'])
        .to_string();
    Ok(text.trim_start_matches('\u{feff}').to_string())
}

fn require_file(path: &Path, what: &str) -> Result<()> {
    if path.is_dir() {
        return Err(Error::input(
            path,
            format!("is a folder; {what} reads one file"),
        ));
    }
    Ok(())
}

/// The columns of the MovieLens files without a header, for messages.
fn movielens_names() -> Vec<String> {
    ["user", "item", "rating", "timestamp"]
        .map(String::from)
        .to_vec()
}

use std::io::Read;

/// The generic CSV importer for `path`, its columns and delimiter as `layout` says.
pub(super) fn csv(path: &Path, layout: &Layout) -> Result<(Box<dyn SegmentParser>, Source)> {
    require_file(path, "--format csv")?;
    let header = first_line(path)?;
    let delimiter = layout.delimiter_of(path);
    let names: Vec<String> = split_quoted(header.as_bytes(), delimiter)
        .unwrap_or_else(|_| {
            header
                .as_bytes()
                .split(|&b| b == delimiter)
                .map(<[u8]>::to_vec)
                .collect()
        })
        .iter()
        .map(|n| {
            String::from_utf8_lossy(n)
                .trim()
                .trim_matches('"')
                .to_string()
        })
        .collect();
    let found = layout.columns.find(&names).map_err(|e| {
        let hint = if layout.columns.is_default() {
            " (for MovieLens files use --format movielens, for Netflix Prize files --format netflix)"
        } else {
            ""
        };
        Error::parse(path, 1, format!("{e}{hint}"))
    })?;
    let parser = Delimited {
        delimiter: Delimiter::Byte(delimiter),
        header_lines: 1,
        user: found.user,
        item: found.item,
        rating: found.rating,
        date: found.date,
        dates: DateForm::Auto,
        quotes: true,
        names,
        expected: "user, item, rating, date as named in the header",
    };
    Ok((Box::new(parser), large(path)))
}

fn large(path: &Path) -> Source {
    Source::Large {
        given: path.to_path_buf(),
        files: vec![path.to_path_buf()],
        cut: Cut::Lines,
    }
}

/// The file a MovieLens folder holds, or the file itself.
fn movielens_file(path: &Path) -> Result<PathBuf> {
    if !path.is_dir() {
        return Ok(path.to_path_buf());
    }
    for name in ["u.data", "ratings.dat", "ratings.csv"] {
        let candidate = path.join(name);
        if candidate.is_file() {
            return Ok(candidate);
        }
    }
    let mut inter: Vec<PathBuf> = std::fs::read_dir(path)
        .map_err(|e| Error::io(path, e))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "inter"))
        .collect();
    inter.sort();
    inter.into_iter().next().ok_or_else(|| {
        Error::input(
            path,
            "holds no MovieLens ratings file (u.data, ratings.dat, ratings.csv or *.inter)",
        )
    })
}

/// The MovieLens importer for `path` (a file, or a folder holding one).
pub(super) fn movielens(path: &Path) -> Result<(Box<dyn SegmentParser>, Source)> {
    let file = movielens_file(path)?;
    let header = first_line(&file)?;
    let fields_tab: Vec<&str> = header.split('\t').collect();
    let parser = if header.contains(":token") || header.contains(":float") {
        // RecBole atomic file: typed header, tab separated.
        let names: Vec<String> = fields_tab
            .iter()
            .map(|f| f.split(':').next().unwrap_or("").trim().to_string())
            .collect();
        let (Some(user), Some(item)) = (
            find_column(&names, "user_id"),
            find_column(&names, "item_id"),
        ) else {
            return Err(Error::parse(
                &file,
                1,
                format!(
                    "a RecBole .inter header needs user_id and item_id columns; found '{header}'"
                ),
            ));
        };
        Delimited {
            delimiter: Delimiter::Byte(b'\t'),
            header_lines: 1,
            user,
            item,
            rating: find_column(&names, "rating"),
            date: find_column(&names, "timestamp"),
            dates: DateForm::UnixSeconds,
            quotes: false,
            names,
            expected: "a RecBole .inter line: user_id, item_id, rating, timestamp",
        }
    } else if header.contains("::") {
        Delimited {
            delimiter: Delimiter::DoubleColon,
            header_lines: 0,
            user: 0,
            item: 1,
            rating: Some(2),
            date: Some(3),
            dates: DateForm::UnixSeconds,
            quotes: false,
            names: movielens_names(),
            expected: "ratings.dat: user::item::rating::timestamp",
        }
    } else if fields_tab.len() >= 4 {
        Delimited {
            delimiter: Delimiter::Byte(b'\t'),
            header_lines: 0,
            user: 0,
            item: 1,
            rating: Some(2),
            date: Some(3),
            dates: DateForm::UnixSeconds,
            quotes: false,
            names: movielens_names(),
            expected: "u.data: user<TAB>item<TAB>rating<TAB>timestamp",
        }
    } else if header.to_ascii_lowercase().starts_with("userid,") {
        let names: Vec<String> = header.split(',').map(|n| n.trim().to_string()).collect();
        Delimited {
            delimiter: Delimiter::Byte(b','),
            header_lines: 1,
            user: find_column(&names, "userid").unwrap_or(0),
            item: find_column(&names, "movieid").unwrap_or(1),
            rating: find_column(&names, "rating"),
            date: find_column(&names, "timestamp"),
            dates: DateForm::UnixSeconds,
            quotes: true,
            names,
            expected: "ratings.csv: userId,movieId,rating,timestamp",
        }
    } else {
        return Err(Error::parse(
            &file,
            1,
            format!(
                "not a MovieLens ratings file: expected u.data (user<TAB>item<TAB>rating<TAB>timestamp), \
                 ratings.dat (user::item::rating::timestamp), ratings.csv (header userId,movieId,rating,timestamp) \
                 or a RecBole .inter file; found '{header}'"
            ),
        ));
    };
    Ok((Box::new(parser), large(&file)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_fields_split() {
        let f = split_quoted(br#""a,b",c,"say ""hi""""#, b',').unwrap();
        assert_eq!(
            f,
            vec![b"a,b".to_vec(), b"c".to_vec(), br#"say "hi""#.to_vec()]
        );
        assert!(split_quoted(br#""open,x"#, b',').is_err());
        let f = split_quoted(br#""a;b";c"#, b';').unwrap();
        assert_eq!(f, vec![b"a;b".to_vec(), b"c".to_vec()]);
    }
}
