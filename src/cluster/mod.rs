//! Cluster mode: the linkage engine on timely dataflow, as threads, as several processes, or
//! across hosts, with the same results as a single process.
//!
//! The release's records are split into one shard per worker ([`crate::attack::shard`]);
//! every process memory-maps the store and touches only its shards' postings, while supp(i) and
//! the item weights come from the whole store and the release statistics (date range, mean
//! record length) are merged from every shard's, so every worker scores as a single process
//! does. Aux records are known to every worker (each process reads the aux file) and go in
//! batches. For each aux record, in four exchange rounds: every worker sends the summary of its
//! shard to the record's owner (worker `aux % workers`); the owner merges them in worker order
//! and sends each worker its second pass; every worker sends the spread of its shard back; the
//! owner merges and sends the [`Match`] to worker 0. Each message is a few dozen bytes, so the
//! traffic per aux record is O(workers), whatever N. Timely is only the transport and the
//! barrier here: the scoring is [`Scorer`](crate::attack::Scorer)'s, the same as in
//! [`crate::attack::local::run`], whatever the algorithm. The entry point is
//! [`crate::linkage::attack`]; `worker.rs` runs one worker's rounds.
//!
//! Timely has no fault tolerance: worker 0 journals each finished batch
//! ([`checkpoint`]); a restarted run with `resume` skips those. A process that loses a peer
//! exits with an error instead of waiting forever, and so does one that cannot reach every
//! peer within the connection timeout.

pub mod checkpoint;
mod worker;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::attack::partial::{Spread, Summary};
use crate::attack::shard::ReleaseStats;
use crate::attack::{AttackParams, Match, Query, SecondPass};
use crate::dataset::Dataset;
use crate::{Error, Result};
pub use checkpoint::Checkpoint;

/// Memory for the score accumulators of one batch, per worker. Larger batches mean fewer
/// exchange rounds but accumulators that fall out of the caches between the two passes; this
/// budget sits between the two costs (docs/performance.md).
const ACCUMULATOR_BUDGET: usize = 32 << 20;
/// At most this many aux records per batch (one checkpoint record per batch).
const MAX_BATCH: usize = 1024;

/// Where and how this process takes part (timely's -w, -n, -p, -h, spelled long).
#[derive(Clone, Debug, PartialEq)]
pub struct ClusterSpec {
    /// Worker threads per process.
    pub workers: usize,
    /// Number of processes.
    pub processes: usize,
    /// This process's index, 0..processes.
    pub process: usize,
    /// `host:port` of every process, in process order (from `--hostfile`); `None`: this host,
    /// ports 2101, 2102, ... as timely does.
    pub hostfile: Option<PathBuf>,
    /// How long to wait for every process to connect.
    pub connect_timeout: Duration,
    /// Aux records per batch (one checkpoint record each); `None`: as many as fit
    /// 32 MiB of accumulators per worker, at most 1024.
    pub batch: Option<usize>,
}

impl ClusterSpec {
    fn validate(&self) -> Result<()> {
        if self.workers == 0 || self.processes == 0 {
            return Err(Error::InvalidArgument(
                "--workers and --processes must be at least 1".into(),
            ));
        }
        if self.process >= self.processes {
            return Err(Error::InvalidArgument(format!(
                "--process must be below --processes ({}), got {}",
                self.processes, self.process
            )));
        }
        Ok(())
    }

    /// The address of every process.
    pub fn addresses(&self) -> Result<Vec<String>> {
        let Some(path) = &self.hostfile else {
            return Ok((0..self.processes)
                .map(|p| format!("127.0.0.1:{}", 2101 + p))
                .collect());
        };
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        let mut addresses = Vec::new();
        for (k, line) in text.trim_start_matches('\u{feff}').lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let port_ok = line
                .rsplit_once(':')
                .is_some_and(|(host, port)| !host.is_empty() && port.parse::<u16>().is_ok());
            if !port_ok {
                return Err(Error::Parse {
                    path: path.clone(),
                    line: k as u64 + 1,
                    message: format!("expected host:port, got '{line}'"),
                });
            }
            addresses.push(line.to_string());
        }
        if addresses.len() < self.processes {
            return Err(Error::input(
                path,
                format!(
                    "lists {} hosts but --processes is {}",
                    addresses.len(),
                    self.processes
                ),
            ));
        }
        addresses.truncate(self.processes);
        Ok(addresses)
    }

    fn timely_config(&self) -> Result<timely::Config> {
        let communication = if self.processes > 1 {
            timely::CommunicationConfig::Cluster {
                threads: self.workers,
                process: self.process,
                addresses: self.addresses()?,
                report: false,
                zerocopy: false,
            }
        } else if self.workers > 1 {
            timely::CommunicationConfig::Process(self.workers)
        } else {
            timely::CommunicationConfig::Thread
        };
        Ok(timely::Config {
            communication,
            worker: timely::WorkerConfig::default(),
        })
    }
}

/// The journal of a run: where, which run, and whether to resume from it. Process 0 keeps it;
/// the others only name it in their errors.
#[derive(Clone, Debug)]
pub struct JournalSpec {
    /// The checkpoint file.
    pub path: PathBuf,
    /// The run's identity (inputs and parameters).
    pub identity: String,
    /// Resume from an existing journal.
    pub resume: bool,
}

/// Messages between workers; each travels to the worker its first field names.
#[derive(Clone, Debug, Serialize, Deserialize)]
enum Message {
    /// Worker 0 to all: its run tag and the aux records still to score, in order.
    Plan(u64, Vec<u32>),
    /// Every worker to all: the statistics of its shard, or what is wrong with its shard.
    Stats(std::result::Result<ReleaseStats, String>),
    /// Shard to owner: the first pass over one aux record.
    First {
        aux: u32,
        from: u32,
        summary: Summary,
    },
    /// Owner to shard: the second pass to make.
    Second { aux: u32, pass: SecondPass },
    /// Shard to owner: the second pass's result.
    Spread { aux: u32, from: u32, spread: Spread },
    /// Owner to worker 0: the outcome.
    Done { aux: u32, outcome: Box<Match> },
}

/// A cheap tag of what a process is about to score (the queries and parameters), so that
/// processes started with different inputs stop with an error instead of mixing them.
pub fn run_tag(release: &Dataset, queries: &[Query], params: &AttackParams, extra: &str) -> u64 {
    let mut text = format!(
        "{}|{}|{params:?}|{extra}",
        release.num_records(),
        queries.len()
    );
    for q in queries {
        for f in &q.facts {
            text.push_str(&format!("{},{},{};", f.item, f.rating, f.day));
        }
        for a in &q.attributes {
            text.push_str(&format!("a{}:{:?};", a.attribute, a.agrees));
        }
        text.push_str(&format!("{:?}|", q.count));
    }
    xxhash_rust::xxh3::xxh3_64(text.as_bytes())
}

/// Scores `queries` against `release` on the cluster described by `spec`. Returns the matches
/// (in aux order) in process 0 and `None` in the other processes. Process 0 keeps the journal
/// given by `journal`; the caller removes it once its outputs are written. `tag` (see
/// [`run_tag`]) must be the same in every process.
pub fn attack(
    release: Arc<Dataset>,
    queries: Arc<Vec<Query>>,
    params: &AttackParams,
    spec: &ClusterSpec,
    journal: Option<JournalSpec>,
    tag: u64,
) -> Result<Option<(Vec<Match>, Option<Checkpoint>)>> {
    spec.validate()?;
    let config = spec.timely_config()?;
    let n = queries.len();
    // Process 0 opens the journal before connecting, so that a bad one fails early.
    let opened = match (&journal, spec.process) {
        (Some(j), 0) => Some(Checkpoint::open(&j.path, &j.identity, j.resume)?),
        _ => None,
    };
    let (checkpoint, done) = match opened {
        Some((c, done)) => (Some(c), done),
        None => (None, Vec::new()),
    };
    let mut results: Vec<Option<Match>> = vec![None; n];
    for (k, m) in done {
        if let Some(slot) = results.get_mut(k as usize) {
            *slot = Some(m);
        }
    }
    let todo: Vec<u32> = (0..n as u32)
        .filter(|&k| results[k as usize].is_none())
        .collect();
    let params = Arc::new(params.clone());
    let batch = spec.batch.map(|b| b.max(1));
    let shared = Arc::new(Mutex::new(Some((checkpoint, todo))));
    // Set when a worker of this process fails, so that its siblings stop instead of waiting
    // for it at the next round.
    let failed = Arc::new(AtomicBool::new(false));
    let connected = Arc::new(AtomicBool::new(false));
    if spec.processes > 1 {
        guard_against_lost_peers(spec, journal.as_ref().map(|j| j.path.as_path()));
        watch_connection(spec, connected.clone());
    }
    let guards = {
        let connected = connected.clone();
        timely::execute(config, move |worker| {
            connected.store(true, Ordering::SeqCst);
            let state = (worker.index() == 0)
                .then(|| shared.lock().expect("not poisoned").take())
                .flatten();
            let result = worker::run_worker(
                worker,
                (&release, &queries, &params),
                state,
                (tag, batch),
                &failed,
            );
            if result.is_err() {
                failed.store(true, Ordering::SeqCst);
            }
            result
        })
        .map_err(|e| Error::Cluster(format!("could not start the workers: {e}")))?
    };
    let mut mine = None;
    let mut first_error = None;
    for result in guards.join() {
        match result {
            Ok(Ok(Some(found))) => mine = Some(found),
            Ok(Ok(None)) => {}
            // A sibling's failure is the consequence; keep the cause.
            Ok(Err(Error::Cluster(m))) if m == SIBLING_FAILED => {}
            Ok(Err(e)) => {
                first_error.get_or_insert(e);
            }
            Err(panic) => {
                first_error.get_or_insert(Error::Cluster(format!("a worker failed: {panic}")));
            }
        }
    }
    if let Some(e) = first_error {
        return Err(e);
    }
    Ok(mine.map(|(found, checkpoint)| {
        for (k, m) in found {
            results[k as usize] = Some(m);
        }
        let all = results
            .into_iter()
            .map(|m| m.expect("every aux record scored"))
            .collect();
        (all, checkpoint)
    }))
}

const SIBLING_FAILED: &str = "another worker of this process failed";

/// In a multi-process run, a panic anywhere (timely's network threads panic when a peer's
/// connection drops) ends this process with one clear error instead of a hang or a page of
/// backtraces.
fn guard_against_lost_peers(spec: &ClusterSpec, journal: Option<&Path>) {
    let process = spec.process;
    let resume = match journal {
        Some(path) => format!(
            "; rerun the same command on every process with --resume to continue from the \
             checkpoint {} (kept by process 0)",
            path.display()
        ),
        None => "; rerun the same command on every process with --resume to continue".to_string(),
    };
    std::panic::set_hook(Box::new(move |info| {
        let payload = info.payload();
        let what = payload
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| payload.downcast_ref::<&str>().copied())
            .unwrap_or("unknown failure");
        eprintln!(
            "deanon: error: cluster process {process}: {what} (another process of the cluster \
             stopped or lost its connection){resume}"
        );
        std::process::exit(1);
    }));
}

/// Ends the process with an error if the workers have not all connected by the timeout.
fn watch_connection(spec: &ClusterSpec, connected: Arc<AtomicBool>) {
    let timeout = spec.connect_timeout;
    let (process, processes) = (spec.process, spec.processes);
    std::thread::spawn(move || {
        let start = Instant::now();
        while !connected.load(Ordering::SeqCst) {
            if start.elapsed() >= timeout {
                eprintln!(
                    "deanon: error: cluster process {process}: not every one of the {processes} \
                     processes connected within {} s; start all of them with the same \
                     --processes and --hostfile",
                    timeout.as_secs()
                );
                std::process::exit(1);
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    });
}
