//! Provenance of a result: which files it was computed from (name, size, SHA-256) and when it
//! ran (UTC, ISO 8601), so that a report names the data it judged. Uses the error type alone.

use std::io::Read as _;
use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::{Error, Result};

/// A file a result was computed from.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct InputFile {
    /// What it was: `data`, `adversaries`, `sensitive items`, ...
    pub role: String,
    /// Its file name (the folders above it are left out: they say nothing of the data and may
    /// name a person's home folder).
    pub name: String,
    /// Its size in bytes.
    pub bytes: u64,
    /// The SHA-256 of its bytes, in hexadecimal.
    pub sha256: String,
    /// When it was last modified (UTC, ISO 8601), where asked for and the file system says:
    /// not in results that must be the same for the same bytes wherever they lie.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub modified: Option<String>,
}

impl InputFile {
    /// `path` by name, size and SHA-256 (read through to hash it).
    pub fn of(role: &str, path: &Path) -> Result<Self> {
        let mut file = Self::dated(role, path)?;
        file.modified = None;
        Ok(file)
    }

    /// [`InputFile::of`] with the time the file was last modified.
    pub fn dated(role: &str, path: &Path) -> Result<Self> {
        let mut file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
        let metadata = file.metadata().map_err(|e| Error::io(path, e))?;
        let mut hasher = Sha256::new();
        let mut buffer = vec![0u8; 1 << 20];
        loop {
            let n = file.read(&mut buffer).map_err(|e| Error::io(path, e))?;
            if n == 0 {
                break;
            }
            hasher.update(&buffer[..n]);
        }
        let sha256 = hasher
            .finalize()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        Ok(InputFile {
            role: role.to_string(),
            name: path.file_name().map_or_else(
                || path.display().to_string(),
                |n| n.to_string_lossy().into_owned(),
            ),
            bytes: metadata.len(),
            sha256,
            modified: metadata.modified().ok().map(iso8601),
        })
    }
}

/// `time` as `2026-12-07T12:34:56Z` (UTC, whole seconds).
pub fn iso8601(time: SystemTime) -> String {
    let seconds = match time.duration_since(UNIX_EPOCH) {
        Ok(d) => d.as_secs() as i64,
        Err(e) => -(e.duration().as_secs() as i64),
    };
    let (days, of_day) = (seconds.div_euclid(86_400), seconds.rem_euclid(86_400));
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        of_day / 3600,
        of_day / 60 % 60,
        of_day % 60
    )
}

/// The proleptic Gregorian date of a day counted from 1970-01-01 (Howard Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + (m <= 2) as i64, m, d)
}

/// How a run was started and when, for a report's provenance (not for results files, which
/// stay the same from run to run).
#[derive(Clone, Debug, PartialEq)]
pub struct Run {
    /// The command line, or how the library was called.
    pub command: String,
    /// When the run started.
    pub started: SystemTime,
}

impl Run {
    /// A run starting now, started by `command`.
    pub fn now(command: &str) -> Self {
        Run {
            command: command.to_string(),
            started: SystemTime::now(),
        }
    }
}

/// This process's command line, each argument quoted where a shell would need it.
pub fn command_line() -> String {
    std::env::args()
        .map(|a| {
            if !a.is_empty()
                && a.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_./=:,+@%".contains(c))
            {
                a
            } else {
                format!("'{}'", a.replace('\'', "'\\''"))
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn times_are_written_as_utc_calendar_dates() {
        assert_eq!(iso8601(UNIX_EPOCH), "1970-01-01T00:00:00Z");
        // 2000-02-29 (a leap day in a century leap year) 12:34:56, by `date -u -d @951827696`.
        let t = UNIX_EPOCH + Duration::from_secs(951_827_696);
        assert_eq!(iso8601(t), "2000-02-29T12:34:56Z");
        let t = UNIX_EPOCH + Duration::from_secs(1_796_601_599);
        assert_eq!(iso8601(t), "2026-12-06T23:59:59Z");
    }

    #[test]
    fn an_input_is_named_sized_and_hashed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("abc.txt");
        std::fs::write(&path, b"abc").unwrap();
        let f = InputFile::of("data", &path).unwrap();
        assert_eq!(f.modified, None);
        assert!(InputFile::dated("data", &path).unwrap().modified.is_some());
        assert_eq!(f.name, "abc.txt");
        assert_eq!(f.bytes, 3);
        // The SHA-256 test vector of "abc" (FIPS 180-2).
        assert_eq!(
            f.sha256,
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        let missing = InputFile::of("data", &dir.path().join("nope")).unwrap_err();
        assert!(missing.to_string().contains("nope"), "{missing}");
    }
}
