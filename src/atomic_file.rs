//! Output files that appear whole or not at all, and the readers of the tool's own JSON results
//! and TOML files.
//!
//! Every file the tool writes goes to a temporary file in the destination's folder first and is
//! renamed over the destination only once complete, so an error or a kill never leaves a
//! half-written output behind. A destination that exists and is not a regular file (a device
//! such as /dev/null, a FIFO) is written in place.

use std::io::{BufWriter, Write};
use std::path::Path;

use crate::{Error, Result};

/// Writes `path` through `write`, atomically. On error nothing is left at `path`.
pub fn write_atomically<F>(path: &Path, write: F) -> Result<()>
where
    F: FnOnce(&mut BufWriter<&mut std::fs::File>) -> std::io::Result<()>,
{
    write_atomically_with_mode(path, None, write)
}

/// Like [`write_atomically`], with Unix permission bits for the new file (e.g. `0o600`).
pub fn write_atomically_with_mode<F>(path: &Path, mode: Option<u32>, write: F) -> Result<()>
where
    F: FnOnce(&mut BufWriter<&mut std::fs::File>) -> std::io::Result<()>,
{
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    if path.is_dir() {
        return Err(Error::input(path, "is a folder; give a file name"));
    }
    if std::fs::metadata(path).is_ok_and(|m| !m.is_file()) {
        // A device (`-o /dev/null`), a FIFO or a terminal is written in place: renaming a
        // temporary file over it would replace it with a regular file (as root, /dev/null
        // itself). A stream cannot be written atomically anyway.
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .open(path)
            .map_err(|e| Error::io(path, e))?;
        let mut w = BufWriter::with_capacity(1 << 16, &mut file);
        write(&mut w).map_err(|e| Error::io(path, e))?;
        return w.flush().map_err(|e| Error::io(path, e));
    }
    let mut tmp = tempfile::Builder::new()
        .prefix(".deanon-tmp-")
        .tempfile_in(dir)
        .map_err(|e| Error::io(dir, e))?;
    // Temporary files are created private (0600); ordinary outputs get the usual 0644.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(
            tmp.path(),
            std::fs::Permissions::from_mode(mode.unwrap_or(0o644)),
        )
        .map_err(|e| Error::io(path, e))?;
    }
    #[cfg(not(unix))]
    let _ = mode;
    {
        let file = tmp.as_file_mut();
        let mut w = BufWriter::with_capacity(1 << 22, file);
        write(&mut w).map_err(|e| Error::io(path, e))?;
        w.flush().map_err(|e| Error::io(path, e))?;
    }
    tmp.persist(path).map_err(|e| Error::io(path, e.error))?;
    Ok(())
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
