//! The input formats `deanon import` reads, and the format a file's name tells when
//! `--format` is not given.

use std::path::Path;

use crate::{Error, Result};

/// The input formats `deanon import` reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Generic CSV with a header naming `user`, `item` and optionally `rating`, `date` (or the
    /// columns `--columns` names), separated by commas, tabs in a `.tsv` file, or `--delimiter`.
    Csv,
    /// Netflix Prize: a `training_set` folder of `mv_*.txt` or Kaggle's `combined_data_*.txt`.
    Netflix,
    /// MovieLens `u.data`, `ratings.dat`, `ratings.csv`, or RecBole's `.inter` atomic file.
    Movielens,
    /// Parquet with the columns of the generic CSV.
    Parquet,
}

impl Format {
    /// Every format.
    pub const ALL: [Format; 4] = [
        Format::Csv,
        Format::Netflix,
        Format::Movielens,
        Format::Parquet,
    ];

    /// The name used on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Netflix => "netflix",
            Format::Movielens => "movielens",
            Format::Parquet => "parquet",
        }
    }

    /// Whether the format's columns are named by a header, so that `--columns` (and for CSV
    /// `--delimiter`) apply.
    pub fn has_named_columns(self) -> bool {
        matches!(self, Format::Csv | Format::Parquet)
    }

    /// The format `path`'s name tells: `.csv` and `.tsv` are CSV, `.parquet` and `.pq`
    /// Parquet, `.inter`, `.data` (`u.data`) and `.dat` (`ratings.dat`) MovieLens,
    /// `combined_data_*.txt` and `mv_*.txt` the Netflix Prize. A folder, or any other name, is
    /// an error naming the file and the accepted formats, as is a path that does not exist.
    pub fn of_path(path: &Path) -> Result<Format> {
        if !path.exists() {
            return Err(Error::input(path, "no such file or folder"));
        }
        if path.is_dir() {
            return Err(Error::input(
                path,
                format!(
                    "is a folder, whose format cannot be told from a name; give --format (one of {})",
                    names()
                ),
            ));
        }
        Format::of_name(path)
    }

    /// The format the file name of `path` tells (see [`Format::of_path`]).
    fn of_name(path: &Path) -> Result<Format> {
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("")
            .to_ascii_lowercase();
        let extension = name.rsplit_once('.').map_or("", |(_, x)| x);
        let netflix =
            extension == "txt" && (name.starts_with("combined_data_") || name.starts_with("mv_"));
        match extension {
            "csv" | "tsv" => Ok(Format::Csv),
            "parquet" | "pq" => Ok(Format::Parquet),
            "inter" | "data" | "dat" => Ok(Format::Movielens),
            _ if netflix => Ok(Format::Netflix),
            _ => Err(Error::input(
                path,
                format!(
                    "cannot tell the format from the name; give --format (one of {}): .csv and .tsv are csv, \
                     .parquet and .pq parquet, .inter, .data and .dat movielens, combined_data_*.txt and mv_*.txt netflix",
                    names()
                ),
            )),
        }
    }
}

fn names() -> String {
    Format::ALL.map(Format::name).join(", ")
}

impl std::str::FromStr for Format {
    type Err = crate::Error;

    fn from_str(text: &str) -> Result<Format> {
        crate::error::parse_named(text, &Format::ALL, Format::name, "format")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_extension_tells_the_format() {
        for (name, format) in [
            ("r.csv", Format::Csv),
            ("R.TSV", Format::Csv),
            ("r.parquet", Format::Parquet),
            ("part-0.pq", Format::Parquet),
            ("ml-100k.inter", Format::Movielens),
            ("u.data", Format::Movielens),
            ("ratings.dat", Format::Movielens),
            ("combined_data_1.txt", Format::Netflix),
            ("mv_0000001.txt", Format::Netflix),
        ] {
            assert_eq!(Format::of_name(Path::new(name)).unwrap(), format, "{name}");
        }
        for name in ["r.txt", "ratings", "r.xlsx"] {
            let e = Format::of_name(Path::new(name)).unwrap_err().to_string();
            assert!(
                e.starts_with(&format!("{name}: cannot tell the format"))
                    && e.contains("csv, netflix, movielens, parquet"),
                "{e}"
            );
        }
    }
}
