//! People files: one row per person, a user id and named attribute columns.
//!
//! - Generic CSV: a header `user,<attribute>,...` (the `user` column, or the one `--columns
//!   user=NAME` names, may be anywhere; every other column is an attribute, named by its
//!   header), separated by commas, tabs in a `.tsv` file, or `--delimiter`. Fields may be
//!   quoted; a blank field is a missing value.
//! - Parquet (`.parquet`, `.pq`): the same columns ([`super::parquet`]); a null is a missing
//!   value, errors name the row.
//! - MovieLens 100k `u.user`: `user|age|gender|occupation|zip_code`, no header.
//! - MovieLens 1M `users.dat`: `user::gender::age::occupation::zip_code`, no header.
//! - RecBole's atomic `.user` file: tab separated, typed header (`user_id:token\tage:token...`);
//!   attributes are named without the type.
//!
//! Errors name the file, the line and, where it matters, the column: an empty or repeated
//! header, a row with the wrong number of fields, a user given twice.

use std::path::{Path, PathBuf};

use rustc_hash::FxHashMap;

use super::layout::{Layout, find_column};
use crate::dataset::{AUX_COLUMNS, is_aux_column};
use crate::{Error, Result};

/// A parsed people file.
#[derive(Debug)]
pub struct PeopleFile {
    /// Where it was read from.
    pub path: PathBuf,
    /// Each person's user id, in file order.
    pub users: Vec<String>,
    /// The line each person was read from.
    pub lines: Vec<u64>,
    /// Attribute names, in file order.
    pub names: Vec<String>,
    /// One column per attribute: each person's value (`None`: blank).
    pub columns: Vec<Vec<Option<String>>>,
}

impl PeopleFile {
    /// A people table held in memory (a DataFrame handed over by the Python package): each
    /// person's id and, per attribute, each person's value. Errors name the row (from 0).
    pub fn from_rows(
        users: Vec<String>,
        names: Vec<String>,
        columns: Vec<Vec<Option<String>>>,
    ) -> Result<PeopleFile> {
        let row_error = |row: usize, message: String| Error::Row {
            table: "people",
            row: row as u64,
            message,
        };
        if names.len() != columns.len() {
            return Err(Error::InvalidArgument(
                "the people table needs one column per attribute name".into(),
            ));
        }
        for (k, name) in names.iter().enumerate() {
            if name.is_empty() || name == "user" || names[..k].contains(name) {
                return Err(Error::InvalidArgument(format!(
                    "the people table's attribute name '{name}' is empty, 'user' or repeated"
                )));
            }
            if is_aux_column(name) {
                return Err(Error::InvalidArgument(format!(
                    "the people table's column '{name}': {}",
                    reserved(name)
                )));
            }
        }
        if let Some(c) = columns.iter().find(|c| c.len() != users.len()) {
            return Err(Error::InvalidArgument(format!(
                "the people table's columns differ in length ({} users, {} values)",
                users.len(),
                c.len()
            )));
        }
        let mut first: FxHashMap<&str, usize> = FxHashMap::default();
        for (row, user) in users.iter().enumerate() {
            if user.is_empty() {
                return Err(row_error(row, "empty user id".into()));
            }
            if let Some(f) = first.insert(user, row) {
                return Err(row_error(
                    row,
                    format!("user {user} is given twice; first at row {f}"),
                ));
            }
        }
        if users.is_empty() {
            return Err(Error::InvalidArgument(
                "the people table has no rows".into(),
            ));
        }
        let lines = (0..users.len() as u64).collect();
        Ok(PeopleFile {
            path: PathBuf::from("<people table>"),
            users,
            lines,
            names,
            columns,
        })
    }
}

/// A people file's rows: each with its line (or Parquet row) number and its fields as text.
pub(crate) type NumberedRows = Vec<(u64, Vec<String>)>;

/// Why an attribute may not be named `name` (one of the aux file's own columns).
fn reserved(name: &str) -> String {
    format!(
        "the name '{name}' is reserved for aux files ({}); rename the attribute",
        AUX_COLUMNS.join(", ")
    )
}

/// The MovieLens people file beside a ratings file or inside a MovieLens folder, if any.
pub fn movielens_people_beside(path: &Path) -> Option<PathBuf> {
    let folder = super::declared::folder_of(path);
    for name in ["u.user", "users.dat"] {
        let candidate = folder.join(name);
        if candidate.is_file() {
            return Some(candidate);
        }
    }
    let mut user_files: Vec<PathBuf> = std::fs::read_dir(folder)
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "user"))
        .collect();
    user_files.sort();
    user_files.into_iter().next()
}

const MOVIELENS_100K: [&str; 4] = ["age", "gender", "occupation", "zip_code"];
const MOVIELENS_1M: [&str; 4] = ["gender", "age", "occupation", "zip_code"];

/// Reads a people file in whichever of the forms above it is, with the default layout.
pub fn read(path: &Path) -> Result<PeopleFile> {
    read_with(path, &Layout::default())
}

/// Reads a people file in whichever of the forms above it is; a generic CSV or Parquet file's
/// user column and delimiter are as `layout` says.
pub fn read_with(path: &Path, layout: &Layout) -> Result<PeopleFile> {
    let user = layout.columns.user_column();
    if super::parquet::is_parquet(path) {
        let (header, rows) = super::parquet::people_rows(path)?;
        return from_rows(path, Place::Rows, header, rows, user);
    }
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    let text = std::str::from_utf8(&bytes).map_err(|e| {
        let line = 1 + bytes[..e.valid_up_to()]
            .iter()
            .filter(|&&b| b == b'\n')
            .count();
        Error::parse(path, line as u64, "the people file is not UTF-8 text")
    })?;
    let text = text.trim_start_matches('\u{feff}');
    let first = text.lines().next().unwrap_or("");
    if first.trim().is_empty() {
        return Err(Error::input(path, "the people file is empty"));
    }
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    let (mut rows, user) = if name == "u.user" {
        let mut header = vec!["user".to_string()];
        header.extend(MOVIELENS_100K.iter().map(|s| s.to_string()));
        let mut rows = vec![(0, header)];
        rows.extend(split_lines(text, |l| l.split('|')));
        (rows, "user")
    } else if name == "users.dat" {
        let mut header = vec!["user".to_string()];
        header.extend(MOVIELENS_1M.iter().map(|s| s.to_string()));
        let mut rows = vec![(0, header)];
        rows.extend(split_lines(text, |l| l.split("::")));
        (rows, "user")
    } else if first.contains(":token") || first.contains(":float") {
        let rows = split_lines(text, |l| l.split('\t'))
            .map(|(line, fields)| {
                if line == 1 {
                    let names = fields.iter().map(|f| recbole_name(f)).collect();
                    (line, names)
                } else {
                    (line, fields)
                }
            })
            .collect();
        (rows, "user")
    } else {
        (csv_rows(path, text, layout.delimiter_of(path))?, user)
    };
    if rows.is_empty() {
        return Err(Error::input(path, "the people file is empty"));
    }
    let (header_line, header) = rows.remove(0);
    from_rows(path, Place::Lines(header_line.max(1)), header, rows, user)
}

/// Where a people file's rows are: lines of a text file (the header's line given), or rows of
/// a Parquet file (numbered from 1, the header not a row).
#[derive(Clone, Copy)]
enum Place {
    Lines(u64),
    Rows,
}

impl Place {
    /// An error about the header.
    fn header_error(self, path: &Path, message: String) -> Error {
        match self {
            Place::Lines(line) => Error::parse(path, line, message),
            Place::Rows => Error::input(path, message),
        }
    }

    /// An error about line or row `n`.
    fn error(self, path: &Path, n: u64, message: String) -> Error {
        match self {
            Place::Lines(_) => Error::parse(path, n, message),
            Place::Rows => Error::row(path, n, message),
        }
    }

    fn first_at(self) -> &'static str {
        match self {
            Place::Lines(_) => "line",
            Place::Rows => "row",
        }
    }
}

/// RecBole's `name:type` header field without its type; `user_id` is the user column.
fn recbole_name(field: &str) -> String {
    let name = field.split(':').next().unwrap_or("").trim();
    if name == "user_id" {
        "user".into()
    } else {
        name.to_string()
    }
}

/// Non-blank lines split into trimmed fields, with their 1-based line numbers.
fn split_lines<'a, F, I>(text: &'a str, split: F) -> impl Iterator<Item = (u64, Vec<String>)> + 'a
where
    F: Fn(&'a str) -> I + 'a,
    I: Iterator<Item = &'a str>,
{
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(move |(k, l)| {
            let fields = split(l.trim_end_matches('\r'))
                .map(|f| f.trim().to_string())
                .collect();
            (k as u64 + 1, fields)
        })
}

fn csv_rows(path: &Path, text: &str, delimiter: u8) -> Result<NumberedRows> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .delimiter(delimiter)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| {
            let line = e.position().map_or(0, |p| p.line());
            Error::parse(path, line, format!("unreadable CSV: {e}"))
        })?;
        let line = record.position().map_or(0, |p| p.line());
        if record.iter().all(str::is_empty) {
            continue;
        }
        rows.push((line, record.iter().map(str::to_string).collect()));
    }
    Ok(rows)
}

fn from_rows(
    path: &Path,
    place: Place,
    header: Vec<String>,
    rows: NumberedRows,
    user_column: &str,
) -> Result<PeopleFile> {
    for (k, name) in header.iter().enumerate() {
        if name.is_empty() {
            return Err(place.header_error(
                path,
                format!("column {}: empty header (every column needs a name)", k + 1),
            ));
        }
        if let Some(j) = header[..k].iter().position(|n| n == name) {
            return Err(place.header_error(
                path,
                format!(
                    "column {}: '{name}' is also the header of column {}",
                    k + 1,
                    j + 1
                ),
            ));
        }
    }
    if let Some((k, name)) = header.iter().enumerate().find(|(_, n)| is_aux_column(n)) {
        return Err(place.header_error(
            path,
            format!("column {} '{name}': {}", k + 1, reserved(name)),
        ));
    }
    let Some(user) = find_column(&header, user_column) else {
        let flag = if user_column == "user" {
            String::new()
        } else {
            format!(" (--columns user={user_column})")
        };
        return Err(place.header_error(
            path,
            format!(
                "the header needs a '{user_column}' column{flag} beside the attributes; the columns are: {}",
                header.join(", ")
            ),
        ));
    };
    if header.len() < 2 {
        return Err(place.header_error(
            path,
            format!("the header names no attribute beside '{user_column}'"),
        ));
    }
    let attribute_columns: Vec<usize> = (0..header.len()).filter(|&k| k != user).collect();
    let mut file = PeopleFile {
        path: path.to_path_buf(),
        users: Vec::with_capacity(rows.len()),
        lines: Vec::with_capacity(rows.len()),
        names: attribute_columns
            .iter()
            .map(|&k| header[k].clone())
            .collect(),
        columns: vec![Vec::with_capacity(rows.len()); attribute_columns.len()],
    };
    let mut first_line: FxHashMap<String, u64> = FxHashMap::default();
    for (line, mut fields) in rows {
        if fields.len() != header.len() {
            return Err(place.error(
                path,
                line,
                format!(
                    "{} fields, but the header has {} ({})",
                    fields.len(),
                    header.len(),
                    header.join(",")
                ),
            ));
        }
        let id = std::mem::take(&mut fields[user]);
        let name = &header[user];
        if id.is_empty() {
            return Err(place.error(
                path,
                line,
                format!("column {} ({name}): empty user id", user + 1),
            ));
        }
        if let Some(first) = first_line.insert(id.clone(), line) {
            return Err(place.error(
                path,
                line,
                format!(
                    "column {} ({name}): user {id} is given twice; first at {} {first}",
                    user + 1,
                    place.first_at()
                ),
            ));
        }
        for (a, &k) in attribute_columns.iter().enumerate() {
            let value = std::mem::take(&mut fields[k]);
            file.columns[a].push((!value.is_empty()).then_some(value));
        }
        file.users.push(id);
        file.lines.push(line);
    }
    if file.users.is_empty() {
        return Err(Error::input(
            path,
            "the people file has a header and no people",
        ));
    }
    Ok(file)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(name: &str, text: &str) -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        (dir, path)
    }

    fn error(name: &str, text: &str) -> String {
        let (_dir, path) = write(name, text);
        read(&path).unwrap_err().to_string()
    }

    #[test]
    fn reads_csv_with_the_user_column_anywhere_and_blanks_as_missing() {
        let (_dir, path) = write("p.csv", "age,user,zip\n24,7,85711\n,8,\"94 043\"\n");
        let f = read(&path).unwrap();
        assert_eq!(f.names, ["age", "zip"]);
        assert_eq!(f.users, ["7", "8"]);
        assert_eq!(f.lines, [2, 3]);
        assert_eq!(f.columns[0], [Some("24".into()), None]);
        assert_eq!(f.columns[1], [Some("85711".into()), Some("94 043".into())]);
    }

    #[test]
    fn reads_movielens_and_recbole_people_files() {
        let (_dir, path) = write("u.user", "1|24|M|technician|85711\n2|53|F|other|94043\n");
        let f = read(&path).unwrap();
        assert_eq!(f.names, MOVIELENS_100K);
        assert_eq!(f.columns[3][0].as_deref(), Some("85711"));
        let (_dir, path) = write(
            "ml.user",
            "user_id:token\tage:token\tgender:token\n1\t24\tM\n2\t53\tF\n",
        );
        let f = read(&path).unwrap();
        assert_eq!(f.names, ["age", "gender"]);
        assert_eq!(f.users, ["1", "2"]);
        assert_eq!(f.lines, [2, 3]);
        let (_dir, path) = write("users.dat", "1::F::1::10::48067\n");
        let f = read(&path).unwrap();
        assert_eq!(f.names, MOVIELENS_1M);
        assert_eq!(f.columns[0][0].as_deref(), Some("F"));
    }

    #[test]
    fn errors_name_the_line_and_column() {
        let e = error("p.csv", "user,age\n1,24\n2,30\n1,31\n");
        assert!(e.contains("p.csv:4:"), "{e}");
        assert!(
            e.contains("column 1 (user): user 1 is given twice; first at line 2"),
            "{e}"
        );
        let e = error("p.csv", "user,age,zip\n1,24,85711\n2,30\n");
        assert!(
            e.contains("p.csv:3:") && e.contains("2 fields, but the header has 3"),
            "{e}"
        );
        let e = error("p.csv", "user,,zip\n1,24,85711\n");
        assert!(
            e.contains("p.csv:1:") && e.contains("column 2: empty header"),
            "{e}"
        );
        let e = error("p.csv", "user,age,age\n1,2,3\n");
        assert!(
            e.contains("column 3: 'age' is also the header of column 2"),
            "{e}"
        );
        let e = error("p.csv", "id,age\n1,2\n");
        assert!(e.contains("needs a 'user' column"), "{e}");
        let e = error("p.csv", "user,age\n");
        assert!(e.contains("no people"), "{e}");
        let e = error("u.user", "1|24|M|technician\n");
        assert!(
            e.contains("u.user:1:") && e.contains("4 fields, but the header has 5"),
            "{e}"
        );
    }

    #[test]
    fn an_attribute_named_like_an_aux_column_is_refused() {
        for name in AUX_COLUMNS {
            let e = error("p.csv", &format!("user,age,{name}\n1,24,3\n"));
            assert!(
                e.contains("p.csv:1:")
                    && e.contains(&format!("column 3 '{name}'"))
                    && e.contains("reserved for aux files"),
                "{e}"
            );
            let e = PeopleFile::from_rows(
                vec!["1".into()],
                vec![name.to_string()],
                vec![vec![Some("3".into())]],
            )
            .unwrap_err()
            .to_string();
            assert!(
                e.contains(&format!("'{name}'")) && e.contains("reserved"),
                "{e}"
            );
        }
    }
}
