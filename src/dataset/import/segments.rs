//! Cuts input files into segments that can be parsed independently and in parallel.
//!
//! A large file is read in blocks of about [`BLOCK`] bytes, each cut at a boundary that keeps
//! every segment self-contained (the end of a line; for Netflix Prize files, the start of a
//! `MovieID:` line, so every segment knows its movie). Many small files are grouped into tasks
//! of about the same size. Segments remember their file and first line number, so errors can
//! name both. At most one batch of blocks is in memory at a time.

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::{Error, Result};

/// Target size of one block of a large file.
pub const BLOCK: usize = 32 << 20;

/// A self-contained piece of an input file.
pub struct Segment {
    /// The file it comes from.
    pub path: Arc<Path>,
    /// 1-based number of its first line in that file.
    pub first_line: u64,
    /// Its bytes: whole lines.
    pub data: Vec<u8>,
    /// Number of line ends in `data`.
    pub lines: u64,
}

/// Where a segment may end.
#[derive(Clone, Copy)]
pub enum Cut {
    /// After any newline.
    Lines,
    /// Just before a line of the form `digits:` (a Netflix Prize movie header).
    MovieHeaders,
}

impl Cut {
    /// The offset at which `buf` may be cut (a segment is `buf[..cut]`), or `None` when `buf`
    /// holds no usable boundary yet.
    fn find(self, buf: &[u8]) -> Option<usize> {
        match self {
            Cut::Lines => memchr::memrchr(b'\n', buf).map(|p| p + 1),
            Cut::MovieHeaders => {
                for colon in memchr::memrchr_iter(b':', buf) {
                    let after = &buf[colon + 1..];
                    if !(after.first() == Some(&b'\n') || after.starts_with(b"\r\n")) {
                        continue;
                    }
                    let start = memchr::memrchr(b'\n', &buf[..colon]).map_or(0, |p| p + 1);
                    if start > 0
                        && colon > start
                        && buf[start..colon].iter().all(u8::is_ascii_digit)
                    {
                        return Some(start);
                    }
                }
                None
            }
        }
    }
}

/// The input of one import.
pub enum Source {
    /// Large files, read one after another in blocks.
    Large {
        /// What the user named (for messages).
        given: PathBuf,
        /// The files, in order.
        files: Vec<PathBuf>,
        /// Where blocks may be cut.
        cut: Cut,
    },
    /// Many small files, each one segment.
    Small {
        /// What the user named (for messages).
        given: PathBuf,
        /// The files, in order.
        files: Vec<PathBuf>,
    },
}

fn batch_len() -> usize {
    (2 * rayon::current_num_threads()).max(2)
}

impl Source {
    /// The path the user gave.
    pub fn display_path(&self) -> &Path {
        match self {
            Source::Large { given, .. } | Source::Small { given, .. } => given,
        }
    }

    /// Total size of the input in bytes.
    pub fn total_bytes(&self) -> u64 {
        let files = match self {
            Source::Large { files, .. } | Source::Small { files, .. } => files,
        };
        files
            .iter()
            .map(|f| std::fs::metadata(f).map(|m| m.len()).unwrap_or(0))
            .sum()
    }

    /// Calls `f` with each batch of tasks, in input order; a task is a list of segments that one
    /// thread parses in order.
    pub fn for_each_batch<F>(&self, mut f: F) -> Result<()>
    where
        F: FnMut(&[Vec<Segment>]) -> Result<()>,
    {
        match self {
            Source::Large { files, cut, .. } => {
                for path in files {
                    read_large(path, *cut, &mut f)?;
                }
                Ok(())
            }
            Source::Small { files, .. } => read_small(files, &mut f),
        }
    }
}

fn read_large<F>(path: &Path, cut: Cut, f: &mut F) -> Result<()>
where
    F: FnMut(&[Vec<Segment>]) -> Result<()>,
{
    let shared: Arc<Path> = Arc::from(path);
    let mut file = File::open(path).map_err(|e| Error::io(path, e))?;
    let mut carry: Vec<u8> = Vec::new();
    // Block buffers are reused from batch to batch: fresh memory costs a page fault and a
    // page clear per 4 KiB, which showed up as a fifth of the import time.
    let mut spare: Vec<Vec<u8>> = Vec::new();
    let mut line = 1u64;
    let mut at_end = false;
    while !at_end {
        let mut batch = Vec::with_capacity(batch_len());
        while batch.len() < batch_len() && !at_end {
            let mut buf = spare
                .pop()
                .unwrap_or_else(|| Vec::with_capacity(BLOCK + (1 << 20)));
            buf.clear();
            buf.extend_from_slice(&carry);
            carry.clear();
            let mut want = BLOCK;
            let segment_end = loop {
                if buf.len() < want {
                    let need = (want - buf.len()) as u64;
                    let read = (&mut file)
                        .take(need)
                        .read_to_end(&mut buf)
                        .map_err(|e| Error::io(path, e))?;
                    if (read as u64) < need {
                        at_end = true;
                        break buf.len();
                    }
                }
                match cut.find(&buf) {
                    Some(p) => break p,
                    None => want = buf.len() * 2,
                }
            };
            carry.extend_from_slice(&buf[segment_end..]);
            buf.truncate(segment_end);
            if buf.is_empty() {
                spare.push(buf);
                continue;
            }
            let lines = memchr::memchr_iter(b'\n', &buf).count() as u64;
            batch.push(vec![Segment {
                path: shared.clone(),
                first_line: line,
                data: buf,
                lines,
            }]);
            line += lines;
        }
        if !batch.is_empty() {
            f(&batch)?;
        }
        spare.extend(batch.into_iter().flatten().map(|s| s.data));
    }
    Ok(())
}

fn read_small<F>(files: &[PathBuf], f: &mut F) -> Result<()>
where
    F: FnMut(&[Vec<Segment>]) -> Result<()>,
{
    let mut batch: Vec<Vec<Segment>> = Vec::new();
    let mut task: Vec<Segment> = Vec::new();
    let mut task_bytes = 0usize;
    for path in files {
        let data = std::fs::read(path).map_err(|e| Error::io(path, e))?;
        task_bytes += data.len();
        task.push(Segment {
            path: Arc::from(path.as_path()),
            first_line: 1,
            lines: memchr::memchr_iter(b'\n', &data).count() as u64,
            data,
        });
        if task_bytes >= BLOCK / 4 {
            batch.push(std::mem::take(&mut task));
            task_bytes = 0;
            if batch.len() >= batch_len() {
                f(&batch)?;
                batch.clear();
            }
        }
    }
    if !task.is_empty() {
        batch.push(task);
    }
    if !batch.is_empty() {
        f(&batch)?;
    }
    Ok(())
}

/// Iterates the lines of a segment with their numbers, without the line ending (`\n` or
/// `\r\n`).
pub fn lines(segment: &Segment) -> impl Iterator<Item = (u64, &[u8])> {
    let data = segment.data.as_slice();
    let mut start = 0usize;
    let mut number = segment.first_line;
    std::iter::from_fn(move || {
        if start >= data.len() {
            return None;
        }
        let end = memchr::memchr(b'\n', &data[start..]).map_or(data.len(), |p| start + p);
        let mut line = &data[start..end];
        if let Some(stripped) = line.strip_suffix(b"\r") {
            line = stripped;
        }
        let item = (number, line);
        start = end + 1;
        number += 1;
        Some(item)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn movie_cut_finds_last_header_line() {
        let buf = b"1:\n5,3,2005-01-01\n22:\n6,4,2005-01-02\n";
        assert_eq!(Cut::MovieHeaders.find(buf), Some(18));
        assert_eq!(Cut::MovieHeaders.find(b"1:\n5,3,2005-01-01\n"), None);
        assert_eq!(Cut::Lines.find(b"a\nb"), Some(2));
    }
}
