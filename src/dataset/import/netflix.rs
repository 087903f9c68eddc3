//! The Netflix Prize importer.
//!
//! Reads the original `training_set` folder (17,770 files `mv_0000001.txt` ...) or Kaggle's
//! `combined_data_1.txt` ... `combined_data_4.txt` (the same records, concatenated). Both hold
//! blocks that start with a line `MovieID:` followed by lines `CustomerID,Rating,YYYY-MM-DD`.
//! Large files are cut just before movie header lines, so every segment knows its movie and
//! the segments parse in parallel.

use std::path::{Path, PathBuf};

use super::segments::{self, Cut, Segment, Source};
use super::{EntrySink, SegmentParser};
use crate::dataset::values::{parse_iso_date, parse_rating};
use crate::{Error, Result};

struct Netflix;

fn movie_header(line: &[u8]) -> Option<&[u8]> {
    let id = line.strip_suffix(b":")?;
    (!id.is_empty() && id.iter().all(u8::is_ascii_digit)).then_some(id)
}

impl SegmentParser for Netflix {
    fn parse(&self, segment: &Segment, sink: &mut dyn EntrySink) -> Result<()> {
        let mut movie: Option<&[u8]> = None;
        for (number, raw) in segments::lines(segment) {
            let line = raw.trim_ascii();
            if line.is_empty() {
                continue;
            }
            if let Some(id) = movie_header(line) {
                movie = Some(id);
                continue;
            }
            let fail = |m: String| Error::parse(&segment.path, number, m);
            let Some(item) = movie else {
                return Err(fail(format!(
                    "expected a 'MovieID:' line before any rating, found '{}'. Is this a Netflix Prize file? \
                     (use --format csv or --format movielens for other data)",
                    String::from_utf8_lossy(line)
                )));
            };
            let mut fields = line.splitn(3, |&b| b == b',');
            let (Some(user), Some(rating), Some(date)) =
                (fields.next(), fields.next(), fields.next())
            else {
                return Err(fail(format!(
                    "expected CustomerID,Rating,YYYY-MM-DD, found '{}'",
                    String::from_utf8_lossy(line)
                )));
            };
            let rating = parse_rating(rating.trim_ascii()).map_err(fail)?;
            let day = parse_iso_date(date.trim_ascii()).map_err(fail)?;
            sink.entry(number, user.trim_ascii(), item, rating, day)
                .map_err(fail)?;
        }
        Ok(())
    }
}

fn list(dir: &Path, matches: impl Fn(&str) -> bool) -> Result<Vec<PathBuf>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| Error::io(dir, e))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file() && p.file_name().and_then(|n| n.to_str()).is_some_and(&matches))
        .collect();
    files.sort();
    Ok(files)
}

/// The Netflix importer for `path`: a `training_set` folder (or its parent), a folder of
/// `combined_data_*.txt`, or one such file.
pub(super) fn open(path: &Path) -> Result<(Box<dyn SegmentParser>, Source)> {
    if path.is_file() {
        let source = Source::Large {
            given: path.to_path_buf(),
            files: vec![path.to_path_buf()],
            cut: Cut::MovieHeaders,
        };
        return Ok((Box::new(Netflix), source));
    }
    let training = if path.join("training_set").is_dir() {
        path.join("training_set")
    } else {
        path.to_path_buf()
    };
    let movies = list(&training, |n| n.starts_with("mv_") && n.ends_with(".txt"))?;
    if !movies.is_empty() {
        let source = Source::Small {
            given: path.to_path_buf(),
            files: movies,
        };
        return Ok((Box::new(Netflix), source));
    }
    let combined = list(path, |n| {
        n.starts_with("combined_data_") && n.ends_with(".txt")
    })?;
    if !combined.is_empty() {
        let source = Source::Large {
            given: path.to_path_buf(),
            files: combined,
            cut: Cut::MovieHeaders,
        };
        return Ok((Box::new(Netflix), source));
    }
    Err(Error::input(
        path,
        "holds no Netflix Prize files (a training_set folder of mv_*.txt, or combined_data_*.txt)",
    ))
}
