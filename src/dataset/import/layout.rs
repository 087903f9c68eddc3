//! How a generic data or people file (CSV or Parquet) lays out its columns: which columns hold
//! the user, the item, the rating and the date (`--columns user=customer_id,item=sku`), and
//! which byte separates the fields of a CSV file (`--delimiter ';'`). Header names are matched
//! without regard to ASCII case.

use std::path::Path;

use crate::{Error, Result};

/// The columns an import looks for, each the name `--columns` gives it or its own.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ColumnNames {
    /// The user column (also the people file's id column); default `user`.
    pub user: Option<String>,
    /// The item column; default `item`.
    pub item: Option<String>,
    /// The rating column; default `rating`, optional.
    pub rating: Option<String>,
    /// The date column; default `date` or `timestamp`, optional.
    pub date: Option<String>,
}

/// The keys `--columns` maps.
pub const COLUMN_KEYS: [&str; 4] = ["user", "item", "rating", "date"];

impl std::str::FromStr for ColumnNames {
    type Err = Error;

    /// Parses `user=customer_id,item=sku,rating=stars,date=ts` (any of the keys, each once).
    fn from_str(text: &str) -> Result<ColumnNames> {
        let bad = |message: String| Error::Parameter {
            name: "columns",
            message: format!("columns: {message}"),
        };
        let mut names = ColumnNames::default();
        for pair in text.split(',') {
            let Some((key, name)) = pair.split_once('=') else {
                return Err(bad(format!(
                    "'{pair}' is not KEY=COLUMN (keys: {})",
                    COLUMN_KEYS.join(", ")
                )));
            };
            let (key, name) = (key.trim(), name.trim());
            let slot = match key {
                "user" => &mut names.user,
                "item" => &mut names.item,
                "rating" => &mut names.rating,
                "date" => &mut names.date,
                _ => {
                    return Err(bad(format!(
                        "unknown key '{key}' (keys: {})",
                        COLUMN_KEYS.join(", ")
                    )));
                }
            };
            if name.is_empty() {
                return Err(bad(format!("'{key}=' names no column")));
            }
            if slot.replace(name.to_string()).is_some() {
                return Err(bad(format!("'{key}' is given twice")));
            }
        }
        let given = names.given();
        if let Some((k, (key, name))) = given.iter().enumerate().find(|(k, (_, name))| {
            given[..*k]
                .iter()
                .any(|(_, other)| other.eq_ignore_ascii_case(name))
        }) {
            let first = given[..k]
                .iter()
                .find(|(_, other)| other.eq_ignore_ascii_case(name))
                .map_or("", |(first, _)| first);
            return Err(bad(format!(
                "'{key}' and '{first}' both name the column '{name}'"
            )));
        }
        Ok(names)
    }
}

/// Where each wanted column is among a header's columns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Found {
    /// The user column.
    pub user: usize,
    /// The item column.
    pub item: usize,
    /// The rating column, if any.
    pub rating: Option<usize>,
    /// The date column, if any.
    pub date: Option<usize>,
}

impl ColumnNames {
    /// Whether `--columns` named no column.
    pub fn is_default(&self) -> bool {
        self == &ColumnNames::default()
    }

    /// The (key, column) pairs `--columns` gave.
    fn given(&self) -> Vec<(&'static str, &str)> {
        COLUMN_KEYS
            .into_iter()
            .zip([&self.user, &self.item, &self.rating, &self.date])
            .filter_map(|(key, name)| Some((key, name.as_deref()?)))
            .collect()
    }

    /// The name of the user column.
    pub fn user_column(&self) -> &str {
        self.user.as_deref().unwrap_or("user")
    }

    /// Finds the wanted columns in `header`. A column `--columns` names must be there; without
    /// it, `user` and `item` must be there and `rating`, `date` (or `timestamp`) may be. The
    /// error lists the header's columns.
    pub fn find(&self, header: &[String]) -> std::result::Result<Found, String> {
        let mapped = |name: &Option<String>, key: &str| -> std::result::Result<_, String> {
            match name {
                Some(name) => find_column(header, name).map(Some).ok_or_else(|| {
                    format!(
                        "no column '{name}' (--columns {key}={name}); the columns are: {}",
                        header.join(", ")
                    )
                }),
                None => Ok(None),
            }
        };
        let user = mapped(&self.user, "user")?.or_else(|| find_column(header, "user"));
        let item = mapped(&self.item, "item")?.or_else(|| find_column(header, "item"));
        let rating = mapped(&self.rating, "rating")?.or_else(|| find_column(header, "rating"));
        let date = mapped(&self.date, "date")?
            .or_else(|| find_column(header, "date").or_else(|| find_column(header, "timestamp")));
        let (Some(user), Some(item)) = (user, item) else {
            return Err(format!(
                "no 'user' and 'item' columns (and optionally 'rating', 'date'): the columns are: {}; \
                 name yours with --columns user=NAME,item=NAME{}",
                header.join(", "),
                delimiter_hint(header)
            ));
        };
        Ok(Found {
            user,
            item,
            rating,
            date,
        })
    }
}

/// The position of the column `wanted` in `header`, ASCII case aside.
pub fn find_column(header: &[String], wanted: &str) -> Option<usize> {
    header.iter().position(|n| n.eq_ignore_ascii_case(wanted))
}

/// A hint for a header read as one column that holds another common delimiter.
fn delimiter_hint(header: &[String]) -> String {
    match header {
        [only] => [";", "\t", "|"]
            .into_iter()
            .find(|d| only.contains(d))
            .map(|d| {
                let shown = if d == "\t" { "tab" } else { d };
                format!(", or give --delimiter '{shown}' if the fields are separated by it")
            })
            .unwrap_or_default(),
        _ => String::new(),
    }
}

/// How a generic data or people file lays out its columns; the default reads `user`, `item`,
/// `rating`, `date` separated by commas (tabs in a `.tsv` file).
#[derive(Clone, Debug, Default)]
pub struct Layout {
    /// The columns' names.
    pub columns: ColumnNames,
    /// The field delimiter of CSV files.
    pub delimiter: Option<u8>,
}

impl Layout {
    /// Whether the layout is the default one.
    pub fn is_default(&self) -> bool {
        self.columns.is_default() && self.delimiter.is_none()
    }

    /// The delimiter of the CSV file `path`: `--delimiter`, else a tab for `.tsv`, else a
    /// comma.
    pub fn delimiter_of(&self, path: &Path) -> u8 {
        self.delimiter.unwrap_or_else(|| {
            let tsv = path
                .extension()
                .is_some_and(|x| x.eq_ignore_ascii_case("tsv"));
            if tsv { b'\t' } else { b',' }
        })
    }
}

/// Parses `--delimiter`: one ASCII byte (`;`, `|`, ...), or `tab` / `\t` for a tab. A quote,
/// a line end, a letter or a digit cannot separate fields.
pub fn parse_delimiter(text: &str) -> Result<u8> {
    let byte = match text {
        "tab" | "\\t" | "\t" => b'\t',
        _ => match text.as_bytes() {
            [b] if b.is_ascii() => *b,
            _ => {
                return Err(Error::Parameter {
                    name: "delimiter",
                    message: format!("delimiter '{text}' is not one ASCII character (or 'tab')"),
                });
            }
        },
    };
    if byte == b'"' || byte == b'\n' || byte == b'\r' || byte.is_ascii_alphanumeric() {
        return Err(Error::Parameter {
            name: "delimiter",
            message: format!(
                "delimiter '{}' cannot separate fields (a quote, line end, letter or digit)",
                text.escape_debug()
            ),
        });
    }
    Ok(byte)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(names: &[&str]) -> Vec<String> {
        names.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn columns_parse_and_are_found_in_any_case() {
        let names: ColumnNames = "user=customer_id, item=SKU,date=ts".parse().unwrap();
        assert_eq!(names.user.as_deref(), Some("customer_id"));
        assert_eq!(names.user_column(), "customer_id");
        let found = names
            .find(&header(&["ts", "sku", "Customer_ID", "rating"]))
            .unwrap();
        assert_eq!(
            found,
            Found {
                user: 2,
                item: 1,
                rating: Some(3),
                date: Some(0)
            }
        );
        let plain = ColumnNames::default()
            .find(&header(&["User", "item", "timestamp"]))
            .unwrap();
        assert_eq!((plain.user, plain.rating, plain.date), (0, None, Some(2)));
    }

    #[test]
    fn bad_columns_say_which_and_list_the_header() {
        for (text, words) in [
            ("usr=a", "unknown key 'usr'"),
            ("user", "not KEY=COLUMN"),
            ("user=", "names no column"),
            ("user=a,user=b", "'user' is given twice"),
            (
                "user=a,item=A",
                "'item' and 'user' both name the column 'A'",
            ),
        ] {
            let e = text.parse::<ColumnNames>().unwrap_err().to_string();
            assert!(e.contains(words), "{text}: {e}");
        }
        let names: ColumnNames = "rating=stars".parse().unwrap();
        let e = names.find(&header(&["user", "item", "score"])).unwrap_err();
        assert_eq!(
            e,
            "no column 'stars' (--columns rating=stars); the columns are: user, item, score"
        );
        let e = ColumnNames::default()
            .find(&header(&["user;item;rating"]))
            .unwrap_err();
        assert!(e.contains("--delimiter ';'"), "{e}");
    }

    #[test]
    fn delimiters_are_one_byte_or_tab() {
        assert_eq!(parse_delimiter(";").unwrap(), b';');
        assert_eq!(parse_delimiter("tab").unwrap(), b'\t');
        assert_eq!(parse_delimiter("\\t").unwrap(), b'\t');
        assert_eq!(parse_delimiter("|").unwrap(), b'|');
        for bad in [";;", "", "a", "7", "\"", "é"] {
            assert!(parse_delimiter(bad).is_err(), "{bad}");
        }
        let layout = Layout::default();
        assert_eq!(layout.delimiter_of(Path::new("r.TSV")), b'\t');
        assert_eq!(layout.delimiter_of(Path::new("r.csv")), b',');
    }
}
