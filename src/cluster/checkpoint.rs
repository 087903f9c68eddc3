//! The cluster run's journal of finished aux records, so that a restarted cluster (timely has no
//! fault tolerance) resumes without recomputing them.
//!
//! Format: the line `deanon-checkpoint v1`, a line holding the run's identity (a hash of the
//! store's fingerprint, the aux file, the item map and the attack parameters), then one record
//! per finished batch: `u32` byte length, the batch as JSON (aux index and [`Match`] per aux
//! record; floats as their bit patterns, so NaN and every last bit survive), and the `u64` xxh3
//! of those bytes. Records are appended and synced as batches finish. A kill can leave a torn
//! last record: reading stops at the first record that is short or fails its checksum, and
//! appending starts again from there.

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::attack::Match;
use crate::{Error, Result};

const MAGIC: &str = "deanon-checkpoint v1\n";

/// Creates the journal with mode 0600 whatever the umask: it links aux records to released
/// records, as MATCHES.csv does.
fn create_private(path: &Path) -> Result<File> {
    let mut options = OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        options.mode(0o600);
        let file = options.open(path).map_err(|e| Error::io(path, e))?;
        file.set_permissions(std::fs::Permissions::from_mode(0o600))
            .map_err(|e| Error::io(path, e))?;
        Ok(file)
    }
    #[cfg(not(unix))]
    options.open(path).map_err(|e| Error::io(path, e))
}

/// One finished aux record, floats stored as bits.
#[derive(Serialize, Deserialize)]
struct Entry {
    aux: u32,
    candidate: Option<u32>,
    floats: [u64; 6],
    matched: bool,
    candidates: u64,
    facts_used: usize,
    /// The posterior's bits (the likelihood algorithm).
    #[serde(default)]
    posterior: Option<u64>,
}

impl Entry {
    fn from_match(aux: u32, m: &Match) -> Entry {
        Entry {
            aux,
            candidate: m.candidate,
            floats: [
                m.score.to_bits(),
                m.runner_up.to_bits(),
                m.eccentricity.to_bits(),
                m.entropy_bits.to_bits(),
                m.top_probability.to_bits(),
                m.sigma.to_bits(),
            ],
            matched: m.matched,
            candidates: m.candidates,
            facts_used: m.facts_used,
            posterior: m.posterior.map(f64::to_bits),
        }
    }

    fn into_match(self) -> (u32, Match) {
        let f = self.floats.map(f64::from_bits);
        (
            self.aux,
            Match {
                candidate: self.candidate,
                score: f[0],
                runner_up: f[1],
                eccentricity: f[2],
                matched: self.matched,
                entropy_bits: f[3],
                top_probability: f[4],
                candidates: self.candidates,
                sigma: f[5],
                facts_used: self.facts_used,
                posterior: self.posterior.map(f64::from_bits),
            },
        )
    }
}

/// An open journal, positioned for appending.
#[derive(Debug)]
pub struct Checkpoint {
    path: PathBuf,
    file: File,
}

/// The journal of an attack writing `output`: `output` + `.checkpoint`.
pub fn path_for(output: &Path) -> PathBuf {
    let mut name = output.as_os_str().to_owned();
    name.push(".checkpoint");
    PathBuf::from(name)
}

impl Checkpoint {
    /// Opens the journal at `path` for a run of identity `identity`. With `resume`, returns
    /// the aux records it already holds (a missing journal holds none); a journal of another
    /// run is an error. Without `resume`, starts an empty journal.
    pub fn open(
        path: &Path,
        identity: &str,
        resume: bool,
    ) -> Result<(Checkpoint, Vec<(u32, Match)>)> {
        let header = format!("{MAGIC}{identity}\n");
        if resume && path.exists() {
            let mut file = OpenOptions::new()
                .read(true)
                .write(true)
                .open(path)
                .map_err(|e| Error::io(path, e))?;
            let mut bytes = Vec::new();
            file.read_to_end(&mut bytes)
                .map_err(|e| Error::io(path, e))?;
            if !bytes.starts_with(MAGIC.as_bytes()) {
                return Err(Error::input(path, "not a deanon checkpoint"));
            }
            if !bytes.starts_with(header.as_bytes()) {
                return Err(Error::input(
                    path,
                    "this checkpoint belongs to a run with other inputs or parameters; \
                     delete it or run without --resume",
                ));
            }
            let (done, good) = read_records(&bytes[header.len()..]);
            let end = (header.len() + good) as u64;
            file.set_len(end).map_err(|e| Error::io(path, e))?;
            file.seek(SeekFrom::Start(end))
                .map_err(|e| Error::io(path, e))?;
            return Ok((
                Checkpoint {
                    path: path.to_path_buf(),
                    file,
                },
                done,
            ));
        }
        let mut file = create_private(path)?;
        file.write_all(header.as_bytes())
            .and_then(|_| file.sync_data())
            .map_err(|e| Error::io(path, e))?;
        Ok((
            Checkpoint {
                path: path.to_path_buf(),
                file,
            },
            Vec::new(),
        ))
    }

    /// Appends one finished batch and syncs it to disk.
    pub fn append(&mut self, batch: &[(u32, Match)]) -> Result<()> {
        let entries: Vec<Entry> = batch
            .iter()
            .map(|(k, m)| Entry::from_match(*k, m))
            .collect();
        let body = serde_json::to_vec(&entries).expect("entries serialize");
        let mut record = Vec::with_capacity(body.len() + 12);
        record.extend_from_slice(&(body.len() as u32).to_le_bytes());
        record.extend_from_slice(&body);
        record.extend_from_slice(&xxhash_rust::xxh3::xxh3_64(&body).to_le_bytes());
        self.file
            .write_all(&record)
            .and_then(|_| self.file.sync_data())
            .map_err(|e| Error::io(&self.path, e))
    }

    /// Deletes the journal (the run finished and its outputs are written).
    pub fn remove(self) -> Result<()> {
        drop(self.file);
        std::fs::remove_file(&self.path).map_err(|e| Error::io(&self.path, e))
    }
}

/// The whole records in `bytes` and the length they span.
fn read_records(bytes: &[u8]) -> (Vec<(u32, Match)>, usize) {
    let mut done = Vec::new();
    let mut at = 0;
    while bytes.len() >= at + 4 {
        let len = u32::from_le_bytes(bytes[at..at + 4].try_into().expect("4 bytes")) as usize;
        let end = at + 4 + len + 8;
        if bytes.len() < end {
            break;
        }
        let body = &bytes[at + 4..at + 4 + len];
        let sum = u64::from_le_bytes(bytes[end - 8..end].try_into().expect("8 bytes"));
        if xxhash_rust::xxh3::xxh3_64(body) != sum {
            break;
        }
        let Ok(entries) = serde_json::from_slice::<Vec<Entry>>(body) else {
            break;
        };
        done.extend(entries.into_iter().map(Entry::into_match));
        at = end;
    }
    (done, at)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(k: u32) -> Match {
        Match {
            candidate: k.is_multiple_of(2).then_some(k),
            score: k as f64 / 3.0,
            runner_up: 0.1,
            eccentricity: f64::NAN,
            matched: k.is_multiple_of(3),
            entropy_bits: 1.0 / 7.0,
            top_probability: 0.5,
            candidates: k as u64,
            sigma: f64::NAN,
            facts_used: 4,
            posterior: k.is_multiple_of(5).then_some(1.0 / 3.0),
        }
    }

    fn same(a: &Match, b: &Match) -> bool {
        a.candidate == b.candidate
            && a.score.to_bits() == b.score.to_bits()
            && a.eccentricity.to_bits() == b.eccentricity.to_bits()
            && a.entropy_bits.to_bits() == b.entropy_bits.to_bits()
            && a.sigma.to_bits() == b.sigma.to_bits()
            && a.matched == b.matched
            && a.posterior.map(f64::to_bits) == b.posterior.map(f64::to_bits)
            && a.candidates == b.candidates
    }

    #[test]
    fn resumes_whole_batches_and_drops_a_torn_tail() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("m.csv.checkpoint");
        let (mut c, done) = Checkpoint::open(&path, "id1", false).unwrap();
        assert!(done.is_empty());
        c.append(&[(0, m(0)), (1, m(1))]).unwrap();
        c.append(&[(2, m(2))]).unwrap();
        drop(c);
        // A kill in the middle of the third record.
        let mut f = OpenOptions::new().append(true).open(&path).unwrap();
        f.write_all(&[200, 0, 0, 0, b'[', b'{']).unwrap();
        drop(f);
        let (mut c, done) = Checkpoint::open(&path, "id1", true).unwrap();
        assert_eq!(done.len(), 3);
        for (k, got) in &done {
            assert!(same(got, &m(*k)), "{k}");
        }
        c.append(&[(3, m(3))]).unwrap();
        drop(c);
        let (_, done) = Checkpoint::open(&path, "id1", true).unwrap();
        assert_eq!(done.iter().map(|d| d.0).collect::<Vec<_>>(), [0, 1, 2, 3]);
        // Another run's identity is refused; no resume starts afresh.
        let err = Checkpoint::open(&path, "id2", true)
            .unwrap_err()
            .to_string();
        assert!(err.contains("other inputs"), "{err}");
        let (_, done) = Checkpoint::open(&path, "id2", false).unwrap();
        assert!(done.is_empty());
    }
}
