//! Output files that appear whole or not at all, with the permissions their content calls for,
//! and the readers of the tool's own JSON results and TOML files.
//!
//! Every file the tool writes goes to a temporary file in the destination's folder first and is
//! renamed over the destination only once complete, so an error or a kill never leaves a
//! half-written output behind. The rules (docs/formats.md, "Files"):
//! - a new file honours the umask ([`Privacy::Aggregate`]), except one that names people
//!   ([`Privacy::NamesPeople`]), which is 0600 whatever the umask;
//! - a symbolic link is written through: the file it points to is replaced and the link stays;
//!   a link to nothing is refused;
//! - `/dev/stdout` and `/dev/stderr` are the process's own streams; a destination under /dev/fd
//!   or /proc is appended to; one that exists and is not a regular file (a device, a FIFO) is
//!   written in place. None of them is ever renamed over.

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use crate::{Error, Result};

/// Who may read a file the tool writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Privacy {
    /// Aggregates, reports, plots, releases without attributes: mode 0666 less the umask.
    Aggregate,
    /// A file that names people (a key, an aux file, matches, per-person risk, data with a
    /// people table or original ids): mode 0600 whatever the umask.
    NamesPeople,
}

/// Writes `path` through `write`, atomically, honouring the umask. On error nothing is left at
/// `path`.
pub fn write_atomically<F>(path: &Path, write: F) -> Result<()>
where
    F: FnOnce(&mut BufWriter<&mut std::fs::File>) -> std::io::Result<()>,
{
    write_with_privacy(path, Privacy::Aggregate, write)
}

/// Like [`write_atomically`], for a file that names people: mode 0600 whatever the umask.
pub fn write_naming_people<F>(path: &Path, write: F) -> Result<()>
where
    F: FnOnce(&mut BufWriter<&mut std::fs::File>) -> std::io::Result<()>,
{
    write_with_privacy(path, Privacy::NamesPeople, write)
}

/// Where a write goes once the path is understood.
enum Destination {
    /// A stream, device or FIFO: written in place (`append` for a regular file reached through
    /// /dev/fd or /proc, which is a stream's file).
    InPlace {
        path: PathBuf,
        append: bool,
    },
    /// The process's standard output or error.
    Stdout,
    Stderr,
    /// A regular file (or none yet), replaced atomically.
    Replace(PathBuf),
}

/// Resolves `path` by the rules of the module.
fn destination(path: &Path) -> Result<Destination> {
    let absolute = std::path::absolute(path).map_err(|e| Error::io(path, e))?;
    if absolute == Path::new("/dev/stdout") {
        return Ok(Destination::Stdout);
    }
    if absolute == Path::new("/dev/stderr") {
        return Ok(Destination::Stderr);
    }
    // A path through /dev/fd or /proc (a process's open files) names a stream, even where it
    // resolves to a regular file: appended to, never replaced.
    let through_system = absolute.starts_with("/dev/fd") || absolute.starts_with("/proc");
    let target = through_links(path)?;
    match std::fs::metadata(&target) {
        Ok(m) if m.is_dir() => Err(Error::input(path, "is a folder; give a file name")),
        Ok(m) if !m.is_file() || through_system => Ok(Destination::InPlace {
            path: target,
            append: m.is_file(),
        }),
        _ if through_system => Err(Error::input(
            path,
            "names no open file under /dev/fd or /proc",
        )),
        _ => Ok(Destination::Replace(target)),
    }
}

/// The file a chain of symbolic links at `path` ends in (`path` itself when it is no link): the
/// file an output is written to, which may not exist yet. A chain into a missing folder, or one
/// that loops, is an error.
fn through_links(path: &Path) -> Result<PathBuf> {
    let mut at = path.to_path_buf();
    for _ in 0..40 {
        match std::fs::symlink_metadata(&at) {
            Ok(m) if m.file_type().is_symlink() => {
                let to = std::fs::read_link(&at).map_err(|e| Error::io(path, e))?;
                at = match at.parent() {
                    Some(dir) if to.is_relative() => dir.join(to),
                    _ => to,
                };
            }
            _ => {
                let folder = match at.parent() {
                    Some(p) if !p.as_os_str().is_empty() => p,
                    _ => Path::new("."),
                };
                if at != path && !folder.is_dir() {
                    return Err(Error::input(
                        path,
                        format!(
                            "is a symbolic link into a missing folder ({}); an output is written through a link",
                            at.display()
                        ),
                    ));
                }
                return Ok(at);
            }
        }
    }
    Err(Error::input(path, "is a loop of symbolic links"))
}

/// Writes `path` through `write` with the permissions of `privacy` (see the module's rules).
pub fn write_with_privacy<F>(path: &Path, privacy: Privacy, write: F) -> Result<()>
where
    F: FnOnce(&mut BufWriter<&mut std::fs::File>) -> std::io::Result<()>,
{
    let target = match destination(path)? {
        Destination::Replace(target) => target,
        Destination::InPlace {
            path: target,
            append,
        } => {
            let mut file = std::fs::OpenOptions::new()
                .write(true)
                .append(append)
                .open(&target)
                .map_err(|e| Error::io(path, e))?;
            return write_stream(path, &mut file, write);
        }
        Destination::Stdout => return write_fd(path, 1, write),
        Destination::Stderr => return write_fd(path, 2, write),
    };
    let dir = match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let mut tmp = temporary_in(dir, privacy)?;
    {
        let file = tmp.as_file_mut();
        let mut w = BufWriter::with_capacity(1 << 22, file);
        write(&mut w).map_err(|e| Error::io(path, e))?;
        w.flush().map_err(|e| Error::io(path, e))?;
    }
    tmp.persist(&target).map_err(|e| Error::io(path, e.error))?;
    Ok(())
}

/// A temporary file in `dir` created with the mode `privacy` asks for: 0666 (the system takes
/// the umask off) or 0600 (set again afterwards, so that no umask narrows it).
fn temporary_in(dir: &Path, privacy: Privacy) -> Result<tempfile::NamedTempFile> {
    let mut builder = tempfile::Builder::new();
    builder.prefix(".deanon-tmp-");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = match privacy {
            Privacy::Aggregate => 0o666,
            Privacy::NamesPeople => 0o600,
        };
        builder.permissions(std::fs::Permissions::from_mode(mode));
        let tmp = builder.tempfile_in(dir).map_err(|e| Error::io(dir, e))?;
        if privacy == Privacy::NamesPeople {
            std::fs::set_permissions(tmp.path(), std::fs::Permissions::from_mode(0o600))
                .map_err(|e| Error::io(dir, e))?;
        }
        Ok(tmp)
    }
    #[cfg(not(unix))]
    {
        let _ = privacy;
        builder.tempfile_in(dir).map_err(|e| Error::io(dir, e))
    }
}

/// Writes through `write` to an open stream.
fn write_stream<F>(path: &Path, file: &mut std::fs::File, write: F) -> Result<()>
where
    F: FnOnce(&mut BufWriter<&mut std::fs::File>) -> std::io::Result<()>,
{
    let mut w = BufWriter::with_capacity(1 << 16, file);
    write(&mut w).map_err(|e| Error::io(path, e))?;
    w.flush().map_err(|e| Error::io(path, e))
}

/// Writes through `write` to the process's file descriptor `fd` (1 or 2), which stays open.
#[cfg(unix)]
fn write_fd<F>(path: &Path, fd: i32, write: F) -> Result<()>
where
    F: FnOnce(&mut BufWriter<&mut std::fs::File>) -> std::io::Result<()>,
{
    use std::os::fd::BorrowedFd;
    std::io::stdout().flush().map_err(|e| Error::io(path, e))?;
    // SAFETY: fd 1 and 2 are open for the life of the process; the duplicate is owned here.
    let owned = unsafe { BorrowedFd::borrow_raw(fd) }
        .try_clone_to_owned()
        .map_err(|e| Error::io(path, e))?;
    let mut file = std::fs::File::from(owned);
    write_stream(path, &mut file, write)
}

#[cfg(not(unix))]
fn write_fd<F>(path: &Path, _fd: i32, write: F) -> Result<()>
where
    F: FnOnce(&mut BufWriter<&mut std::fs::File>) -> std::io::Result<()>,
{
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .open(path)
        .map_err(|e| Error::io(path, e))?;
    write_stream(path, &mut file, write)
}

/// Writes `value` as pretty JSON (with a final newline) to `path`, atomically.
pub fn write_json<T: serde::Serialize + ?Sized>(path: &Path, value: &T) -> Result<()> {
    write_atomically(path, |w| {
        serde_json::to_writer_pretty(&mut *w, value).map_err(std::io::Error::other)?;
        w.write_all(b"\n")
    })
}

/// Reads a JSON file written by [`write_json`] (a result kept for `--resume`): `None` when it
/// does not exist; an unreadable one is an error that says to delete it.
pub fn read_json<T: serde::de::DeserializeOwned>(path: &Path) -> Result<Option<T>> {
    match std::fs::read(path) {
        Ok(bytes) => serde_json::from_slice(&bytes).map(Some).map_err(|e| {
            Error::input(
                path,
                format!("unreadable result file ({e}); delete it to recompute"),
            )
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(Error::io(path, e)),
    }
}

/// Reads the TOML file `path` into `T`; a syntax or schema error names the file and the line.
/// Returns the value and the file's text.
pub fn read_toml<T: serde::de::DeserializeOwned>(path: &Path) -> Result<(T, String)> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    let value = toml::from_str(&text).map_err(|e| {
        let line = e
            .span()
            .map(|s| text[..s.start].matches('\n').count() as u64 + 1)
            .unwrap_or(1);
        Error::parse(path, line, e.message().to_string())
    })?;
    Ok((value, text))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Regression: `-o /dev/null` renamed a temporary file over /dev/null, which (run as root)
    /// replaced the device with a regular file that later readers of /dev/null read back. A
    /// special file is written in place and stays what it was; here a FIFO.
    #[cfg(unix)]
    #[test]
    fn a_special_file_is_written_in_place_not_replaced() {
        use std::os::unix::fs::FileTypeExt;
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("out.fifo");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        assert!(made.unwrap().success(), "mkfifo");
        let reader = {
            let fifo = fifo.clone();
            std::thread::spawn(move || std::fs::read_to_string(fifo).unwrap())
        };
        write_atomically(&fifo, |w| w.write_all(b"hello\n")).unwrap();
        let kind = std::fs::metadata(&fifo).unwrap().file_type();
        assert!(kind.is_fifo(), "still a FIFO, not {kind:?}");
        assert_eq!(reader.join().unwrap(), "hello\n");
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            1,
            "no temporary left"
        );
    }

    /// Regression: serde_json's default float parser is not correctly rounded, so rates re-read
    /// from cell files came back one ulp off (0.1811811811811812 for 181/999). A result file
    /// must give back the bits it was written with.
    #[test]
    fn json_results_read_back_bit_for_bit() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.json");
        let values: Vec<f64> = (1..2000u32)
            .map(|k| k as f64 / 999.0)
            .chain([181.0 / 999.0, 0.1 + 0.2, 1e-300, 2.971928885375168e-18])
            .collect();
        write_json(&path, &values).unwrap();
        let back: Vec<f64> = read_json(&path).unwrap().unwrap();
        for (a, b) in values.iter().zip(&back) {
            assert_eq!(a.to_bits(), b.to_bits(), "{a} came back as {b}");
        }
        assert!(
            read_json::<Vec<f64>>(&dir.path().join("none.json"))
                .unwrap()
                .is_none()
        );
    }
}
