//! The library's one error type.
//!
//! Every fallible library function returns [`Result`]. Messages are written for the person at the
//! terminal: they name the file, the line where there is one, what is wrong and, where it helps,
//! what to do.

use std::path::{Path, PathBuf};

/// Everything that can go wrong in the library.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The operating system refused a read or a write. The message holds the system's own
    /// (it is not also chained as a source, which printed it twice).
    #[error("{}: {error}", path.display())]
    Io {
        /// The file or folder concerned.
        path: PathBuf,
        /// The underlying error.
        error: std::io::Error,
    },
    /// A line of an input file could not be used.
    #[error("{}:{line}: {message}", path.display())]
    Parse {
        /// The input file.
        path: PathBuf,
        /// 1-based line number.
        line: u64,
        /// What is wrong with the line.
        message: String,
    },
    /// A row of a columnar input file (Parquet) could not be used.
    #[error("{}: row {row}: {message}", path.display())]
    FileRow {
        /// The input file.
        path: PathBuf,
        /// 1-based row number.
        row: u64,
        /// What is wrong with the row.
        message: String,
    },
    /// An input file as a whole could not be used (empty, wrong format, inconsistent).
    #[error("{}: {message}", path.display())]
    Input {
        /// The input file or folder.
        path: PathBuf,
        /// What is wrong with it.
        message: String,
    },
    /// A `.deanon` store is corrupt, truncated, of another version, or not a store at all.
    #[error("{}: not a usable .deanon store: {message}", path.display())]
    Store {
        /// The store file.
        path: PathBuf,
        /// What is wrong with it.
        message: String,
    },
    /// A parameter is out of its domain.
    #[error("invalid argument: {0}")]
    InvalidArgument(String),
    /// A named parameter is out of its domain. The message names the parameter; the command
    /// line or the experiment file adds where the value came from (the flag, or file and key).
    #[error("{message}")]
    Parameter {
        /// The parameter's name, as in the library and the experiment file (`rho0`).
        name: &'static str,
        /// What is wrong, naming the parameter and the value.
        message: String,
    },
    /// An informed attack cannot read the release's published policy; the message completes
    /// "the release ...".
    #[error("the release {0}")]
    UnreadablePolicy(String),
    /// The aux holds no usable non-member of the release, so what linking reveals has no
    /// control to be measured against (`deanon infer`; the audit words it with its own flags).
    #[error(
        "the aux holds no non-members of the release, so the control is undefined: sample it with `deanon aux --key KEY --non-members N`"
    )]
    NoControl,
    /// No aux fact names an item of the release: nothing can be scored.
    #[error(
        "no aux item is an item of the release (a release of other data? then give an item map)"
    )]
    NoCommonItems,
    /// Data in memory contradicts itself (a store's postings out of range): nothing is scored.
    #[error("corrupt data: {0}")]
    Corrupt(String),
    /// A cluster run could not start or finish.
    #[error("cluster: {0}")]
    Cluster(String),
    /// A value in row `row` (counted from 0) of an in-memory table (a DataFrame handed over by
    /// the Python package) is unusable.
    #[error("{table} row {row}: {message}")]
    Row {
        /// Which table (`data`, `aux`).
        table: &'static str,
        /// The row's position, from 0.
        row: u64,
        /// What is wrong.
        message: String,
    },
    /// The caller asked the work to stop ([`crate::cancel::request`]).
    #[error("interrupted")]
    Interrupted,
}

/// The library's result type.
pub type Result<T> = std::result::Result<T, Error>;

/// Parses `text` as one of `all`, by `name`; else an error naming `what` and the choices. The
/// library's enums implement `FromStr` with it, so their names are written once.
pub(crate) fn parse_named<T: Copy>(
    text: &str,
    all: &[T],
    name: impl Fn(T) -> &'static str,
    what: &str,
) -> Result<T> {
    all.iter()
        .copied()
        .find(|&v| name(v) == text)
        .ok_or_else(|| {
            let names: Vec<&str> = all.iter().map(|&v| name(v)).collect();
            Error::InvalidArgument(format!(
                "unknown {what} '{text}' (expected one of: {})",
                names.join(", ")
            ))
        })
}

impl Error {
    /// An I/O error on `path`.
    pub fn io(path: &Path, source: std::io::Error) -> Self {
        Error::Io {
            path: path.to_path_buf(),
            error: source,
        }
    }

    /// A problem with line `line` (1-based) of `path`.
    pub fn parse(path: &Path, line: u64, message: impl Into<String>) -> Self {
        Error::Parse {
            path: path.to_path_buf(),
            line,
            message: message.into(),
        }
    }

    /// A problem with row `row` (1-based) of the columnar file `path`.
    pub fn row(path: &Path, row: u64, message: impl Into<String>) -> Self {
        Error::FileRow {
            path: path.to_path_buf(),
            row,
            message: message.into(),
        }
    }

    /// A problem with the file `path` as a whole.
    pub fn input(path: &Path, message: impl Into<String>) -> Self {
        Error::Input {
            path: path.to_path_buf(),
            message: message.into(),
        }
    }

    /// A problem with the store file `path`.
    pub fn store(path: &Path, message: impl Into<String>) -> Self {
        Error::Store {
            path: path.to_path_buf(),
            message: message.into(),
        }
    }
}
