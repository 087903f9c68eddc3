//! One function per file-level command (`aux`, `attack`, `sparsity`): read the inputs, run the
//! library, write the outputs. The binary only parses arguments and calls these.

use std::path::PathBuf;
use std::sync::Arc;

use crate::attack::{self, AttackParams, ItemMap, matches};
use crate::auxiliary::{file, sampler};
use crate::cluster::{self, ClusterSpec, JournalSpec, checkpoint};
use crate::dataset::store;
use crate::metrics::{self, AttackSummary};
use crate::release::ReleaseKey;
use crate::{Error, Result};

/// `deanon aux`.
#[derive(Clone, Debug)]
pub struct AuxJob {
    /// The original data.
    pub data: PathBuf,
    /// Sampling parameters.
    pub params: sampler::AuxParams,
    /// The release key, if targets must be in a release.
    pub key: Option<PathBuf>,
    /// Output aux CSV.
    pub output: PathBuf,
}

/// Samples aux records and writes them; returns (records written, targets skipped).
pub fn sample_aux(job: &AuxJob) -> Result<(usize, usize)> {
    let data = store::open(&job.data)?;
    let key = job.key.as_deref().map(ReleaseKey::read).transpose()?;
    let sampled = sampler::sample(&data, &job.params, key.as_ref())?;
    if sampled.records.is_empty() {
        return Err(Error::InvalidArgument(format!(
            "no target has {} usable facts: lower --items or widen --select",
            job.params.items
        )));
    }
    file::write_aux(&sampled.records, &job.output)?;
    Ok((sampled.records.len(), sampled.skipped))
}

/// `deanon attack`.
#[derive(Clone, Debug)]
pub struct AttackJob {
    /// The released data.
    pub release: PathBuf,
    /// The aux CSV.
    pub aux: PathBuf,
    /// The release key (candidates and truth in original ids).
    pub key: Option<PathBuf>,
    /// Aux item -> release item map.
    pub item_map: Option<PathBuf>,
    /// Attack parameters.
    pub params: AttackParams,
    /// MATCHES.csv.
    pub output: PathBuf,
    /// Summary JSON.
    pub summary: Option<PathBuf>,
    /// Bootstrap resamples for the intervals.
    pub resamples: usize,
    /// Run on timely dataflow workers (threads, processes, hosts) instead of this process's
    /// thread pool.
    pub cluster: Option<ClusterSpec>,
    /// Cluster mode: continue from the checkpoint of an interrupted run.
    pub resume: bool,
}

/// What an attack found, and what the user should know about its inputs.
#[derive(Debug)]
pub struct AttackReport {
    /// The summary (also written to `--summary`).
    pub summary: AttackSummary,
    /// Warnings about the inputs, one line each.
    pub warnings: Vec<String>,
}

/// Runs an attack and writes its outputs; returns the summary and any warnings. In cluster
/// mode only process 0 writes outputs and reports; the other processes return `None`.
pub fn attack(job: &AttackJob) -> Result<Option<AttackReport>> {
    if job.resume && job.cluster.is_none() {
        return Err(Error::InvalidArgument(
            "--resume applies to cluster runs (--workers/--processes)".into(),
        ));
    }
    let params = job.params.clone().validate()?;
    // A cluster process reads only its shards' share of the store.
    let release = Arc::new(match job.cluster {
        None => store::open(&job.release)?,
        Some(_) => store::open_for_shards(&job.release)?,
    });
    let aux = file::read_aux(&job.aux)?;
    let key = job.key.as_deref().map(ReleaseKey::read).transpose()?;
    let item_map = job.item_map.as_deref().map(ItemMap::read).transpose()?;
    let queries = attack::query::resolve(&release, &aux, item_map.as_ref());
    if queries.iter().all(|q| q.facts.is_empty()) {
        return Err(Error::input(
            &job.aux,
            "no aux item is an item of the release (a release of other data? then pass --item-map)",
        ));
    }
    let mut warnings = Vec::new();
    let dropped: usize = queries.iter().map(|q| q.facts_dropped).sum();
    if dropped > 0 {
        warnings.push(format!(
            "{dropped} aux facts name items the release does not hold; they add nothing"
        ));
    }
    if key.is_none() && release.is_pseudonymized() && aux.iter().any(|a| a.true_user.is_some()) {
        warnings.push(
            "this release has pseudonymous record ids and no --key was given: true_user (an original id) \
             is compared with pseudonyms, so `correct` and the rates are meaningless; pass the release's --key"
                .to_string(),
        );
    }
    let (found, checkpoint) = match &job.cluster {
        None => {
            let found =
                crate::progress::timed("attack", || attack::run(&release, &queries, &params));
            (found, None)
        }
        Some(spec) => {
            let tag = cluster::run_tag(&release, &queries, &params, "");
            // Every process names the journal (in its error messages); process 0 keeps it.
            let journal = Some(JournalSpec {
                path: checkpoint::path_for(&job.output),
                identity: if spec.process == 0 {
                    run_identity(&job.release, tag)?
                } else {
                    String::new()
                },
                resume: job.resume,
            });
            let queries = Arc::new(queries);
            let ran = crate::progress::timed("attack (cluster)", || {
                cluster::attack(release.clone(), queries, &params, spec, journal, tag)
            })?;
            let Some((found, checkpoint)) = ran else {
                return Ok(None);
            };
            (found, checkpoint)
        }
    };
    let outcomes = matches::outcomes(&release, &aux, &found, key.as_ref());
    matches::write_matches(&outcomes, &job.output)?;
    let summary = metrics::summarize(
        &outcomes,
        params.algorithm.name(),
        params.phi,
        job.resamples,
        params.seed,
    );
    if let Some(path) = &job.summary {
        crate::atomic_file::write_json(path, &summary)?;
    }
    if let Some(c) = checkpoint {
        c.remove()?;
    }
    Ok(Some(AttackReport { summary, warnings }))
}

/// What a cluster run's checkpoint must agree on: the store's contents (the checksums its
/// header records, so nothing but the header is read) and the run tag, which covers the resolved
/// aux facts and the parameters (all the scoring depends on).
fn run_identity(release: &std::path::Path, tag: u64) -> Result<String> {
    let mut text: String = store::read_header(release)?
        .sections
        .iter()
        .map(|s| s.xxh3.clone())
        .collect();
    text.push_str(&format!("{tag:016x}"));
    Ok(format!(
        "{:032x}",
        xxhash_rust::xxh3::xxh3_128(text.as_bytes())
    ))
}

/// `deanon sparsity`: writes the curve (or returns it as CSV text when `output` is `None`).
pub fn sparsity(
    data: &std::path::Path,
    sample: usize,
    seed: u64,
    output: Option<&std::path::Path>,
) -> Result<String> {
    let dataset = store::open(data)?;
    let s = attack::sparsity::measure(&dataset, sample, seed);
    match output {
        Some(path) => {
            s.write_csv(path)?;
            Ok(String::new())
        }
        None => {
            let mut text = String::from("x,items_only,exact_ratings\n");
            for (x, a, b) in s.curve() {
                text.push_str(&format!("{x:.2},{a},{b}\n"));
            }
            Ok(text)
        }
    }
}

/// `deanon release`.
#[derive(Clone, Debug)]
pub struct ReleaseJob {
    /// The original data.
    pub data: PathBuf,
    /// The policy spec (`step:arg=v,...|step:...`).
    pub policy: String,
    /// The seed.
    pub seed: u64,
    /// The released store.
    pub output: PathBuf,
    /// The key file (written with mode 0600).
    pub key: PathBuf,
    /// Where to write the utility JSON, if wanted.
    pub utility: Option<PathBuf>,
}

/// What a release did.
#[derive(Debug)]
pub struct ReleaseReport {
    /// People released.
    pub people: usize,
    /// Entries released.
    pub entries: usize,
    /// Items released.
    pub items: usize,
    /// The utility report, when asked for.
    pub utility: Option<crate::release::utility::Utility>,
}

/// Applies a release policy and writes the release, its key and optionally its utility.
pub fn release(job: &ReleaseJob) -> Result<ReleaseReport> {
    let policy = crate::release::Policy::from_arg(&job.policy)?;
    if job.key == job.output {
        return Err(Error::InvalidArgument(
            "--key and -o must be different files".into(),
        ));
    }
    let original = store::open(&job.data)?;
    crate::release::utility::check(&original)?;
    let released = crate::release::release(&original, &policy, job.seed)?;
    store::save(&released.data, &job.output)?;
    released.key.write(&job.key)?;
    let utility = match &job.utility {
        Some(path) => {
            let u = crate::progress::timed("utility", || {
                crate::release::utility::measure(&original, &policy, job.seed)
            })?;
            crate::atomic_file::write_json(path, &u)?;
            Some(u)
        }
        None => None,
    };
    Ok(ReleaseReport {
        people: released.data.num_records(),
        entries: released.data.num_entries(),
        items: released.data.num_items(),
        utility,
    })
}
