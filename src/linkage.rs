//! The one entry point for an attack: [`attack`] takes the released data, the aux records, the
//! optional release key, validated parameters and an [`Executor`], and returns the outcomes and
//! the summary. Resolving the aux against the release, scoring (in this process with rayon, or
//! on timely dataflow workers), turning matches into outcomes in external ids and summarizing
//! happen here and nowhere else: the demo, the command-line jobs and the experiments call this
//! and never branch on the executor themselves.
//!
//! ```
//! # fn main() -> deanon::Result<()> {
//! use std::sync::Arc;
//! use deanon::attack::AttackParams;
//! use deanon::auxiliary::sampler::{self, AuxParams};
//! use deanon::dataset::generate::{generate, GenerateParams, Preset};
//! use deanon::linkage::{self, AttackOptions, Executor};
//!
//! let data = Arc::new(generate(&GenerateParams::new(Preset::NetflixLike).users(5000).seed(1))?);
//! let aux = sampler::sample(&data, &AuxParams { targets: 200, items: 4, ..AuxParams::default() }, None)?;
//! let params = AttackParams::builder().phi(2.0).check()?; // the engine takes checked parameters only
//! let attacked = linkage::attack(&data, &aux.records, None, &params, &Executor::Local,
//!                                &AttackOptions::default())?.expect("a local attack reports");
//! assert!(attacked.summary.top1_rate.unwrap() > 0.5);
//! # Ok(())
//! # }
//! ```

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::attack::matches::{self, Outcome};
use crate::attack::{self, AttackParams, ItemMap};
use crate::cluster::{self, Checkpoint, ClusterSpec, JournalSpec};
use crate::dataset::{AuxRecord, Dataset, ReleaseKey, store};
use crate::metrics::{self, AttackSummary};
use crate::{Error, Result};

/// Where an attack's scoring runs.
#[derive(Clone, Debug, Default)]
pub enum Executor {
    /// This process's rayon thread pool.
    #[default]
    Local,
    /// Timely dataflow workers: threads, processes, hosts.
    Cluster(ClusterRun),
}

/// A cluster executor: the cluster, and the journal of an attack that can be resumed.
#[derive(Clone, Debug)]
pub struct ClusterRun {
    /// Workers, processes, hosts.
    pub spec: ClusterSpec,
    /// The checkpoint journal, for attacks that can be resumed (`deanon attack`); none for the
    /// cells of an experiment, which resume cell by cell.
    pub journal: Option<Journal>,
}

/// Where a cluster attack journals its finished batches.
#[derive(Clone, Debug)]
pub struct Journal {
    /// The checkpoint file (kept by process 0).
    pub path: PathBuf,
    /// The released store attacked: a journal of other data is refused (its header's checksums
    /// are part of the journal's identity).
    pub data: PathBuf,
    /// Continue from an existing journal.
    pub resume: bool,
}

impl Journal {
    /// The journal of an attack that writes `output` (`OUTPUT.checkpoint`), of the store `data`.
    pub fn beside(output: &Path, data: &Path, resume: bool) -> Journal {
        Journal {
            path: cluster::checkpoint::path_for(output),
            data: data.to_path_buf(),
            resume,
        }
    }
}

/// The identity of a store for a journal: the checksums its header records (nothing but the
/// header is read).
fn data_identity(path: &Path) -> Result<String> {
    Ok(store::read_header(path)?
        .sections
        .iter()
        .map(|s| s.xxh3.clone())
        .collect())
}

impl Executor {
    /// The executor the cluster flags describe: local without them.
    pub fn new(cluster: Option<ClusterSpec>) -> Executor {
        match cluster {
            None => Executor::Local,
            Some(spec) => Executor::Cluster(ClusterRun {
                spec,
                journal: None,
            }),
        }
    }

    /// With a journal of finished batches, so that an interrupted attack can be resumed. Only
    /// a cluster attack journals (a local one is one uninterruptible step): resuming a local
    /// attack is an error.
    pub fn with_journal(self, journal: Journal) -> Result<Executor> {
        match self {
            Executor::Local if journal.resume => Err(Error::InvalidArgument(
                "--resume applies to cluster runs (--workers/--processes)".into(),
            )),
            Executor::Local => Ok(Executor::Local),
            Executor::Cluster(run) => Ok(Executor::Cluster(ClusterRun {
                journal: Some(journal),
                ..run
            })),
        }
    }

    /// Whether this process writes the outputs (every process but a cluster's process 0 only
    /// helps to score).
    pub fn is_writer(&self) -> bool {
        match self {
            Executor::Local => true,
            Executor::Cluster(c) => c.spec.process == 0,
        }
    }

    /// Opens a release store as this executor reads it: a local attack verifies the whole
    /// store; a cluster process verifies the small sections and later the postings of its own
    /// shards only.
    pub fn open(&self, path: &Path) -> Result<Dataset> {
        match self {
            Executor::Local => store::open(path),
            Executor::Cluster(_) => store::open_for_shards(path),
        }
    }
}

/// Options of an attack besides its inputs and parameters.
#[derive(Clone, Debug)]
pub struct AttackOptions<'a> {
    /// Links the aux's catalogue to the release's items.
    pub item_map: Option<&'a ItemMap>,
    /// Distinguishes attacks that a cluster runs one after another (an experiment's cells), so
    /// that processes that disagree on which one they run stop with an error.
    pub label: String,
    /// Fail with [`Error::NoCommonItems`] when no aux fact names an item of the release: the
    /// aux comes from another catalogue. Off for aux sampled from the data itself, where a
    /// release that suppressed every fact's item is a finding, not a mistake.
    pub require_common_items: bool,
}

impl AttackOptions<'_> {
    /// The options of an attack whose rates are not reported but read per outcome, on aux
    /// sampled from the data itself (the audit's and the search's draws, the inference
    /// measurements): no check that the aux shares items with the release, and `label` for the
    /// cluster.
    pub fn per_outcome(label: String) -> Self {
        AttackOptions {
            label,
            require_common_items: false,
            ..AttackOptions::default()
        }
    }
}

impl Default for AttackOptions<'_> {
    fn default() -> Self {
        AttackOptions {
            item_map: None,
            label: String::new(),
            require_common_items: true,
        }
    }
}

/// What an attack found.
#[derive(Debug)]
pub struct Attacked {
    /// One outcome per aux record, in aux order.
    pub outcomes: Vec<Outcome>,
    /// The rates.
    pub summary: AttackSummary,
    /// Aux facts whose item the release does not hold (they add nothing).
    pub facts_dropped: usize,
    checkpoint: Option<Checkpoint>,
}

impl Attacked {
    /// Call once the outputs are written: removes a cluster attack's journal.
    pub fn outputs_written(self) -> Result<()> {
        match self.checkpoint {
            Some(c) => c.remove(),
            None => Ok(()),
        }
    }
}

/// Attacks `release` with `aux`: resolves the aux items, scores every aux record on
/// `executor`, resolves candidates to external ids (original ids with `key`), compares them
/// with the truth and summarizes. Returns `None` in the cluster processes other than 0.
pub fn attack(
    release: &Arc<Dataset>,
    aux: &[AuxRecord],
    key: Option<&ReleaseKey>,
    params: &AttackParams,
    executor: &Executor,
    options: &AttackOptions<'_>,
) -> Result<Option<Attacked>> {
    attack::query::check_attributes(release, aux)?;
    let queries = attack::query::resolve(release, aux, options.item_map);
    if options.require_common_items && queries.iter().all(|q| q.facts_used() == 0) {
        return Err(Error::NoCommonItems);
    }
    let facts_dropped = queries.iter().map(|q| q.facts_dropped).sum();
    let (found, checkpoint) = match executor {
        Executor::Local => {
            let found =
                crate::progress::timed("attack", || attack::local::run(release, &queries, params))?;
            (found, None)
        }
        Executor::Cluster(run) => {
            let tag = cluster::run_tag(release, &queries, params, &options.label);
            let journal = match &run.journal {
                Some(j) => Some(JournalSpec {
                    path: j.path.clone(),
                    identity: journal_identity(&data_identity(&j.data)?, tag),
                    resume: j.resume,
                }),
                None => None,
            };
            let ran = crate::progress::timed("attack (cluster)", || {
                cluster::attack(
                    release.clone(),
                    Arc::new(queries),
                    params,
                    &run.spec,
                    journal,
                    tag,
                )
            })?;
            match ran {
                Some(found) => found,
                None => return Ok(None),
            }
        }
    };
    let outcomes = matches::outcomes(release, aux, &found, key);
    let summary = metrics::summarize(&outcomes, params);
    Ok(Some(Attacked {
        outcomes,
        summary,
        facts_dropped,
        checkpoint,
    }))
}

/// What a cluster run's checkpoint must agree on: the data and the run tag, which covers the
/// resolved aux facts and the parameters (all the scoring depends on).
fn journal_identity(data_identity: &str, tag: u64) -> String {
    let text = format!("{data_identity}{tag:016x}");
    format!("{:032x}", xxhash_rust::xxh3::xxh3_128(text.as_bytes()))
}

/// Scores every query against all of `release` in this process as the local executor does, and
/// returns, per query, the engine's match (every record a candidate) and the first pass's
/// scores of `records` (sorted record indices): what an adversary who also knows the target
/// is one of `records` weighs.
pub fn score_reading(
    release: &Dataset,
    queries: &[attack::Query],
    records: &[u32],
    params: &AttackParams,
) -> Result<Vec<(attack::Match, Vec<f64>)>> {
    use rayon::prelude::*;
    let shard = attack::CheckedShard::whole(release)?;
    let scorer = attack::Scorer::new(release, params, &attack::ReleaseStats::of(release), shard);
    Ok(queries
        .par_iter()
        .enumerate()
        .with_min_len(4)
        .map_init(
            || vec![0f32; shard.len()],
            |acc, (k, query)| scorer.score_alone_reading(release, k, query, acc, records),
        )
        .collect())
}
