//! One function per file-level command (`import`, `generate`, `info`, `export`, `release`,
//! `aux`, `attack`, `sparsity`, `unicity`, `experiment`, `audit`, `cohort`): read the inputs, run the library, write the outputs. The
//! binary only parses arguments, calls these and prints what they return.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::attack::{AttackParams, ItemMap, matches};
use crate::auxiliary::{file, sampler};
use crate::dataset::{AuxRecord, Dataset, ReleaseKey, store};
use crate::file_roles::FileRoles;
use crate::linkage::{self, AttackOptions, Executor, Journal};
use crate::metrics::AttackSummary;
use crate::study::{Candidate, Scene};
use crate::{Error, Result};

/// How large a data set written by a command is.
#[derive(Clone, Debug)]
pub struct Written {
    /// Entries.
    pub entries: usize,
    /// Records (people).
    pub records: usize,
    /// Items.
    pub items: usize,
    /// Names of the people's attributes (none without a people table).
    pub attributes: Vec<String>,
    /// What the user should know about the data, one line each (people without a row).
    pub warnings: Vec<String>,
}

impl Written {
    fn of(data: &crate::Dataset) -> Written {
        Written {
            entries: data.num_entries(),
            records: data.num_records(),
            items: data.num_items(),
            attributes: data.people().names().to_vec(),
            warnings: if data.has_attributes() {
                crate::dataset::import::people_warnings(data)
            } else {
                Vec::new()
            },
        }
    }
}

/// `deanon import`: reads `path` in `format`, or the format its name tells (with the people
/// table, item catalogue, rating scale and layout of `sources`, or the format's own) and saves
/// the store to `output`.
pub fn import(
    path: &Path,
    format: Option<crate::dataset::import::Format>,
    kind: crate::dataset::DatasetKind,
    sources: crate::dataset::import::Sources<'_>,
    output: &Path,
) -> Result<Written> {
    FileRoles::new()
        .input("DATA", path)
        .maybe_input("--people", sources.people)
        .maybe_input("--items", sources.items)
        .output("-o", output)
        .check()?;
    let format = match format {
        Some(format) => format,
        None => crate::dataset::import::Format::of_path(path)?,
    };
    let data = crate::dataset::import::import_from(path, format, kind, sources)?;
    crate::progress::timed("save", || store::save(&data, output))?;
    Ok(Written::of(&data))
}

/// `deanon generate`: makes a synthetic data set and saves it to `output`.
pub fn generate(
    params: &crate::dataset::generate::GenerateParams,
    output: &Path,
) -> Result<Written> {
    FileRoles::new().output("-o", output).check()?;
    let data = crate::dataset::generate::generate(params)?;
    store::save(&data, output)?;
    Ok(Written::of(&data))
}

/// `deanon cohort`: selects the statement's cohort in the store `data`, measures what publishing
/// it reveals and writes the report to `output` (JSON); returns it, and the text to print: the
/// JSON itself with `json`, else the short table. Nothing is written on an error.
pub fn cohort(
    data: &Path,
    params: &crate::cohort::CohortParams,
    output: &Path,
    json: bool,
) -> Result<(crate::cohort::CohortReport, String)> {
    FileRoles::new()
        .input("DATA", data)
        .output("-o", output)
        .check()?;
    let dataset = Arc::new(store::open(data)?);
    let report = crate::cohort::analyse(&dataset, params)?;
    crate::atomic_file::write_json(output, &report)?;
    let text = if json {
        let mut text = serde_json::to_string_pretty(&report)
            .map_err(|e| Error::InvalidArgument(format!("cannot format the report: {e}")))?;
        text.push('\n');
        text
    } else {
        report.to_text()
    };
    Ok((report, text))
}

/// `deanon info`: the description of a store, as a table or as one JSON object.
pub fn info(data: &Path, json: bool) -> Result<String> {
    let dataset = store::open(data)?;
    let s = crate::dataset::summary::summarize(&dataset);
    Ok(if json {
        serde_json::to_string_pretty(&s).expect("a summary serializes") + "\n"
    } else {
        s.to_text()
    })
}

/// `deanon export`: a store as generic CSV, its people table to `people` and its declared item
/// catalogue to `items` if asked.
pub fn export(
    data: &Path,
    output: &Path,
    people: Option<&Path>,
    items: Option<&Path>,
) -> Result<()> {
    FileRoles::new()
        .input("DATA", data)
        .output("-o", output)
        .maybe_output("--people", people)
        .maybe_output("--items", items)
        .check()?;
    let dataset = store::open(data)?;
    if people.is_some() && dataset.people().is_empty() {
        return Err(Error::input(
            data,
            "has no people table to export (import one with --people)",
        ));
    }
    if items.is_some() && !dataset.declared().catalogue {
        return Err(Error::input(
            data,
            "declares no item catalogue to export (import one with --items)",
        ));
    }
    crate::dataset::export::export_csv(&dataset, output)?;
    if let Some(people) = people {
        crate::dataset::export::export_people_csv(&dataset, people)?;
    }
    if let Some(items) = items {
        crate::dataset::export::export_catalogue(&dataset, items)?;
    }
    Ok(())
}

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
    FileRoles::new()
        .input("DATA", &job.data)
        .maybe_input("--key", job.key.as_deref())
        .output("-o", &job.output)
        .check()?;
    let data = store::open(&job.data)?;
    let key = job.key.as_deref().map(ReleaseKey::read).transpose()?;
    if let (Some(key), Some(key_path)) = (&key, &job.key) {
        crate::belonging::key_from(
            key,
            key_path,
            &store::file_fingerprint(&job.data)?,
            &job.data,
        )?;
    }
    let sampled = sample_aux_in_memory(&data, &job.params, key.as_ref())?;
    file::write_aux(&sampled.records, &job.output)?;
    Ok((sampled.records.len(), sampled.skipped))
}

/// [`sample_aux`] on data in memory, without its files: the aux records of
/// `params` (members of the release of `key` when given), an error when no target has enough
/// usable facts ([`Error::Parameter`] named `items`).
pub fn sample_aux_in_memory(
    data: &Dataset,
    params: &sampler::AuxParams,
    key: Option<&ReleaseKey>,
) -> Result<sampler::Sampled> {
    let sampled = sampler::sample(data, params, key)?;
    if sampled.records.is_empty() {
        return Err(Error::Parameter {
            name: "items",
            message: format!(
                "no target has {} usable facts: lower items or widen select",
                params.items
            ),
        });
    }
    Ok(sampled)
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
    /// Attack parameters (checked).
    pub params: AttackParams,
    /// Know the release's recorded policy ([`informed`]).
    pub informed: bool,
    /// MATCHES.csv.
    pub output: PathBuf,
    /// Summary JSON.
    pub summary: Option<PathBuf>,
    /// Where the scoring runs: this process, or timely dataflow workers (threads, processes,
    /// hosts).
    pub executor: Executor,
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
    FileRoles::new()
        .input("RELEASE", &job.release)
        .input("--aux", &job.aux)
        .maybe_input("--key", job.key.as_deref())
        .maybe_input("--item-map", job.item_map.as_deref())
        .output("-o", &job.output)
        .maybe_output("--summary", job.summary.as_deref())
        .check()?;
    let executor = job.executor.clone().with_journal(Journal::beside(
        &job.output,
        &job.release,
        job.resume,
    ))?;
    let release = Arc::new(executor.open(&job.release)?);
    let aux = file::read_aux(&job.aux)?;
    let key = job.key.as_deref().map(ReleaseKey::read).transpose()?;
    if let (Some(key), Some(key_path)) = (&key, &job.key) {
        crate::belonging::key_of(
            key,
            key_path,
            &release,
            &store::file_fingerprint(&job.release)?,
            &job.release,
        )?;
    }
    let item_map = job.item_map.as_deref().map(ItemMap::read).transpose()?;
    let options = AttackOptions {
        item_map: item_map.as_ref(),
        ..AttackOptions::default()
    };
    let adversary = Adversary {
        params: &job.params,
        informed: job.informed,
    };
    let run = attack_records(&release, aux, key.as_ref(), adversary, &options, &executor).map_err(
        |e| match e {
            Error::NoCommonItems => Error::input(&job.aux, format!("{e}: pass --item-map")),
            Error::UnreadablePolicy(message) => Error::input(&job.release, message),
            e => e,
        },
    )?;
    let Some((attacked, report)) = run else {
        return Ok(None);
    };
    matches::write_matches(&attacked.outcomes, &job.output)?;
    if let Some(path) = &job.summary {
        crate::atomic_file::write_json(path, &report.summary)?;
    }
    attacked.outputs_written()?;
    Ok(Some(report))
}

/// The adversary of `deanon attack` and `deanon infer`: the attack's parameters, and whether
/// it knows the release's recorded policy (`--informed`).
#[derive(Clone, Copy, Debug)]
pub struct Adversary<'a> {
    /// The attack's parameters (widened by the policy when informed).
    pub params: &'a AttackParams,
    /// Whether it knows the policy the release records.
    pub informed: bool,
}

/// An attack once its inputs are read, on `executor`: the adversary ([`informed`] when it knows
/// the release's recorded policy; a release that records none, or one that does not parse, is
/// [`Error::UnreadablePolicy`], its message about the release), the attack, the warnings about
/// the inputs ([`attack_warnings`]) and the summary marked informed. `None` in the cluster
/// processes that do not write.
pub fn attack_records(
    release: &Arc<Dataset>,
    aux: Vec<AuxRecord>,
    key: Option<&ReleaseKey>,
    adversary: Adversary<'_>,
    options: &AttackOptions<'_>,
    executor: &Executor,
) -> Result<Option<(linkage::Attacked, AttackReport)>> {
    let (scene, attack) = if adversary.informed {
        self::informed(release, key, adversary.params).map_err(Error::UnreadablePolicy)?
    } else {
        (
            Scene::blind(release, key),
            Candidate::blind(adversary.params.clone()),
        )
    };
    let Some(attacked) = scene.link(&attack, &aux, executor, options)? else {
        return Ok(None);
    };
    let warnings = attack_warnings(release, &aux, key.is_some(), attacked.facts_dropped);
    let mut summary = attacked.summary.clone();
    summary.informed = adversary.informed;
    Ok(Some((attacked, AttackReport { summary, warnings })))
}

/// [`attack_records`] in this process with `item_map`: the outcomes (MATCHES.csv's rows) and the
/// report.
pub fn attack_in_memory(
    release: &Arc<Dataset>,
    aux: Vec<AuxRecord>,
    key: Option<&ReleaseKey>,
    item_map: Option<&ItemMap>,
    adversary: Adversary<'_>,
) -> Result<(Vec<matches::Outcome>, AttackReport)> {
    let options = AttackOptions {
        item_map,
        ..AttackOptions::default()
    };
    let (attacked, report) =
        attack_records(release, aux, key, adversary, &options, &Executor::Local)?
            .expect("a local attack always answers");
    Ok((attacked.outcomes, report))
}

/// The release and attack of an adversary who knows `release`'s published policy (recorded in
/// the release by `deanon release`): its facts mapped into the release's representation
/// ([`crate::release::PolicyKnowledge`]), rho0, d0 and the Scoreboard tolerances widened by the
/// policy's noise ([`crate::attack::search::Widening`]). An error message (for the release)
/// when the release records no policy.
pub fn informed<'a>(
    release: &'a Arc<Dataset>,
    key: Option<&'a ReleaseKey>,
    params: &AttackParams,
) -> std::result::Result<(Scene<'a>, Candidate), String> {
    let scene = Scene::knowing_recorded_policy(release, key)?;
    let widened = crate::study::search::widening(&scene.knowledge)
        .widen(params.to_builder())
        .check()
        .map_err(|e| format!("--informed widened a parameter out of its domain: {e}"))?;
    let attack = Candidate {
        params: widened,
        informed: true,
    };
    Ok((scene, attack))
}

/// What the user of an attack should know about its inputs, one line each: facts that add
/// nothing, and truth that cannot be compared without the release key.
pub fn attack_warnings(
    release: &crate::Dataset,
    aux: &[crate::dataset::AuxRecord],
    has_key: bool,
    facts_dropped: usize,
) -> Vec<String> {
    let mut warnings = Vec::new();
    if facts_dropped > 0 {
        warnings.push(format!(
            "{facts_dropped} aux facts name items the release does not hold; they add nothing"
        ));
    }
    if !has_key && release.is_pseudonymized() && aux.iter().any(|a| a.true_user.is_some()) {
        warnings.push(
            "this release has pseudonymous record ids and no release key was given: true_user (an original id) \
             is compared with pseudonyms, so `correct` and the rates are meaningless; pass the release's key \
             (--key; key= in Python)"
                .to_string(),
        );
    }
    warnings
}

/// `deanon infer`.
#[derive(Clone, Debug)]
pub struct InferJob {
    /// The released data.
    pub release: PathBuf,
    /// The aux CSV (members and non-members, with `true_user`).
    pub aux: PathBuf,
    /// The release key.
    pub key: PathBuf,
    /// The original data.
    pub original: PathBuf,
    /// What is sensitive.
    pub sensitive: crate::inference::Sensitive,
    /// Attack parameters (checked).
    pub params: AttackParams,
    /// Know the release's recorded policy ([`informed`]).
    pub informed: bool,
    /// Bootstrap resamples for the inference risk's interval.
    pub resamples: usize,
    /// INFER.json.
    pub output: PathBuf,
    /// The per-person CSV (mode 0600), if wanted.
    pub per_person: Option<PathBuf>,
}

/// Runs `deanon infer`: reads its inputs, links the aux to the release, measures what the links
/// reveal ([`crate::inference`]) and writes INFER.json (and `--per-person`). Returns the
/// report and warnings about the inputs.
pub fn infer(job: &InferJob) -> Result<(crate::inference::Inference, Vec<String>)> {
    use crate::inference;
    let sensitive_file = match &job.sensitive {
        inference::Sensitive::Items { source, .. } => Some(source.as_path()),
        inference::Sensitive::Attribute(_) => None,
    };
    FileRoles::new()
        .input("RELEASE", &job.release)
        .input("--aux", &job.aux)
        .input("--key", &job.key)
        .input("--original", &job.original)
        .maybe_input("--sensitive-items", sensitive_file)
        .output("-o", &job.output)
        .maybe_output("--per-person", job.per_person.as_deref())
        .check()?;
    let release = Arc::new(store::open(&job.release)?);
    let original = store::open(&job.original)?;
    let original_fingerprint = store::file_fingerprint(&job.original)?;
    crate::belonging::release_of(&release, &job.release, &original_fingerprint, &job.original)?;
    let key = ReleaseKey::read(&job.key)?;
    crate::belonging::key_of(
        &key,
        &job.key,
        &release,
        &store::file_fingerprint(&job.release)?,
        &job.release,
    )?;
    crate::belonging::key_from(&key, &job.key, &original_fingerprint, &job.original)?;
    let aux = file::read_aux(&job.aux)?;
    let secret = inference::Secret::resolve(&job.sensitive, &original, &release)?;
    let adversary = Adversary {
        params: &job.params,
        informed: job.informed,
    };
    let (report, warnings) = infer_records(
        (&release, &original, &key),
        aux,
        &secret,
        adversary,
        job.resamples,
    )
    .map_err(|e| match e {
        Error::Parameter {
            name: "aux",
            message,
        } => Error::input(&job.aux, message),
        Error::NoControl => Error::input(&job.aux, Error::NoControl.to_string()),
        Error::UnreadablePolicy(message) => Error::input(&job.release, message),
        e => e,
    })?;
    if let Some(path) = &job.per_person {
        inference::write_per_person(&report.people, path)?;
    }
    crate::atomic_file::write_json(&job.output, &report)?;
    Ok((report, warnings))
}

/// [`infer`] once its inputs are read, in this process: the attack ([`attack_records`]), then
/// the measurement of `secret` (the risk's interval from `resamples` bootstrap resamples seeded
/// by the attack's seed). Errors about the aux are [`Error::Parameter`] named `aux`.
pub fn infer_records(
    (release, original, key): (&Arc<Dataset>, &Dataset, &ReleaseKey),
    aux: Vec<AuxRecord>,
    secret: &crate::inference::Secret,
    adversary: Adversary<'_>,
    resamples: usize,
) -> Result<(crate::inference::Inference, Vec<String>)> {
    crate::inference::check_aux(&aux, key)?;
    let options = AttackOptions::default();
    let (attacked, report) = attack_records(
        release,
        aux.clone(),
        Some(key),
        adversary,
        &options,
        &Executor::Local,
    )?
    .expect("a local attack always answers");
    let inputs = crate::inference::Inputs {
        release,
        original,
        aux: &aux,
        outcomes: &attacked.outcomes,
        secret,
    };
    let mut inference = crate::inference::measure(&inputs, resamples, adversary.params.seed())?;
    inference.attack = Some(report.summary);
    Ok((inference, report.warnings))
}

/// `deanon experiment`: runs (or resumes) the experiment in `config` into `dir` on `executor`;
/// returns a short summary for the terminal.
pub fn experiment(
    config: &Path,
    dir: &Path,
    resume: bool,
    data: Option<&Path>,
    executor: &Executor,
) -> Result<String> {
    FileRoles::new()
        .input("CONFIG", config)
        .maybe_input("--data", data)
        .output_folder("-o", dir, crate::experiment::FOLDER_WRITES)
        .check()?;
    crate::experiment::run_experiment(config, dir, resume, data, executor)
}

/// What the user of the experiment file `config` should know before it runs
/// ([`crate::experiment::config::Config::warnings`]).
pub fn experiment_warnings(config: &Path) -> Result<Vec<String>> {
    let (parsed, text) = crate::experiment::config::Config::read(config)?;
    Ok(parsed.warnings(config, &text))
}

/// `deanon unicity`: measures unicity of a store and writes the CSV; returns the rows and the
/// warnings about the data ([`crate::dataset::unicity::warnings`]).
pub fn unicity(
    data: &Path,
    params: &crate::dataset::unicity::UnicityParams,
    output: &Path,
) -> Result<(Vec<crate::dataset::unicity::UnicityRow>, Vec<String>)> {
    FileRoles::new()
        .input("DATA", data)
        .output("-o", output)
        .check()?;
    let dataset = store::open(data)?;
    let rows = crate::progress::timed("unicity", || {
        crate::dataset::unicity::measure(&dataset, params)
    })?;
    crate::dataset::unicity::write_csv(&rows, output)?;
    Ok((rows, crate::dataset::unicity::warnings(&dataset, params)))
}

/// `deanon audit`: audits the original data `data` into `dir` (the adversaries of
/// `adversaries`, a TOML file, replace the standard battery; with `params.released`, a release
/// made elsewhere instead of candidate policies); returns the audit in the process that writes
/// it.
pub fn audit(
    data: &Path,
    params: &crate::audit::AuditParams,
    adversaries: Option<&Path>,
    dir: &Path,
    resume: bool,
    executor: &Executor,
) -> Result<Option<crate::audit::Audit>> {
    let sensitive_file = match &params.inference {
        Some(crate::inference::Sensitive::Items { source, .. }) => Some(source.as_path()),
        _ => None,
    };
    let released = params.released.as_ref();
    FileRoles::new()
        .input("DATA", data)
        .maybe_input("--adversaries", adversaries)
        .maybe_input("--sensitive-items", sensitive_file)
        .maybe_input("--released", released.map(|r| r.release.as_path()))
        .maybe_input("--key", released.map(|r| r.key.as_path()))
        .maybe_input(
            "--policy-known",
            released
                .and_then(|r| r.policy_known.as_deref())
                .and_then(crate::release::Policy::file_of),
        )
        .inputs(
            "--policy",
            params
                .policies
                .iter()
                .filter_map(|p| crate::release::Policy::file_of(p)),
        )
        .output_folder("-o", dir, crate::audit::FOLDER_WRITES)
        .check()?;
    let mut params = params.clone();
    if let Some(path) = adversaries {
        params.adversaries = crate::audit::Adversary::read(path)?;
        params.adversaries_file = Some(path.to_path_buf());
    }
    crate::audit::run(data, &params, dir, resume, executor)
}

/// `deanon sparsity`: writes the curve (or returns it as CSV text when `output` is `None`).
pub fn sparsity(
    data: &std::path::Path,
    sample: usize,
    seed: u64,
    output: Option<&std::path::Path>,
) -> Result<String> {
    FileRoles::new()
        .input("DATA", data)
        .maybe_output("-o", output)
        .check()?;
    let dataset = store::open(data)?;
    let s = crate::dataset::sparsity::measure(&dataset, sample, seed);
    match output {
        Some(path) => {
            s.write_csv(path)?;
            Ok(String::new())
        }
        None => Ok(s.to_csv()),
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
    /// People held out of the release as a control group ([`crate::release::held_out`]).
    pub hold_out: usize,
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

/// [`release`]'s sequence on data in memory, without its files: the policy `spec` (or a
/// `.toml` file) applied to `original` with `seed`, after the checks that the data can be
/// released.
pub fn release_in_memory(
    original: &Dataset,
    spec: &str,
    seed: u64,
) -> Result<crate::release::Release> {
    let policy = crate::release::Policy::from_arg(spec)?;
    crate::release::utility::check(original)?;
    crate::release::release(original, &policy, seed)
}

/// What releasing `original` under the policy `spec` with `seed` costs ([`release`]'s utility
/// report, on data in memory).
pub fn utility_in_memory(
    original: &Dataset,
    spec: &str,
    seed: u64,
) -> Result<crate::release::utility::Utility> {
    let policy = crate::release::Policy::from_arg(spec)?;
    crate::release::utility::check(original)?;
    crate::release::utility::measure(original, &policy, seed)
}

/// Applies a release policy and writes the release, its key and optionally its utility.
pub fn release(job: &ReleaseJob) -> Result<ReleaseReport> {
    let policy_file = crate::release::Policy::file_of(&job.policy);
    FileRoles::new()
        .input("DATA", &job.data)
        .maybe_input("--policy", policy_file)
        .output("-o", &job.output)
        .output("--key", &job.key)
        .maybe_output("--utility", job.utility.as_deref())
        .check()?;
    let policy = crate::release::Policy::from_arg(&job.policy)?;
    let original = store::open(&job.data)?;
    crate::release::utility::check(&original)?;
    let held_out = crate::release::held_out(&original, job.hold_out, job.seed)?;
    let mut released = crate::release::release_without(&original, &policy, job.seed, &held_out)?;
    let original_fingerprint = store::file_fingerprint(&job.data)?;
    released
        .data
        .record_release_source(original_fingerprint.clone());
    let fingerprints = crate::dataset::release_key::Fingerprints {
        release: store::fingerprint(&released.data),
        original: original_fingerprint,
    };
    store::save(&released.data, &job.output)?;
    released
        .key
        .clone()
        .with_fingerprints(fingerprints)
        .write(&job.key)?;
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
