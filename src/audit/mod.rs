//! The audit: is releasing this data safe, who in it is at risk, and what should be released
//! instead?
//!
//! For the baseline (pseudonymization only) and each candidate policy: release the data, price
//! the release (`release::utility`), attack it with a battery of adversaries ([`adversary`]),
//! each sampled person getting R aux draws ([`risk`]: per-person risk), and measure the unicity
//! of the release (`dataset::unicity`). Then recommend the cheapest candidate whose worst
//! adversary's re-identification rate (the upper end of its 95% interval) is at most the target,
//! and write `audit.json`, `risk.csv` (mode 0600: it names people), the plots and
//! `report.html` ([`report`]). Each finished policy is written at once to `DIR/parts/`, so
//! `--resume` computes only the missing ones; every attack runs through
//! [`crate::linkage::attack`] on the executor given (threads or a cluster).

pub mod adversary;
mod assumed;
pub mod curve;
mod epsilon;
mod files;
pub mod inference;
mod measure;
mod one_release;
mod recommend;
pub mod released;
mod released_words;
pub mod report;
mod results;
pub mod risk;
pub mod search;
pub mod three_tests;
mod verdict;

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::atomic_file::write_json;
use crate::dataset::unicity;
use crate::dataset::{Dataset, store};
use crate::linkage::Executor;
use crate::release::{self, Policy};
use crate::rng::Rng;
use crate::rng::streams;
use crate::study::Released;
use crate::{Error, Result};
pub use adversary::Adversary;
use curve::KnownFacts;
pub use files::{FOLDER_WRITES, run_folder};
use files::{Layout, Part, load_part, write_private_json, write_risk_csv};
use one_release::{Control, Cost, Subject};
pub use recommend::{BlindRecommendation, blind_recommendation, recommend};
pub use released::{ReleasedInput, ReleasedSummary};
pub use results::{
    AdversaryResult, Audit, DataSummary, PolicyResult, Provenance, Reported, RiskSummary,
    TuningKind, UnicityPoint,
};

/// The defaults of an audit.
pub mod defaults {
    /// The re-identification rate a release may reach: 0.09, the threshold for the public
    /// release of clinical-trial data used by the European Medicines Agency (Policy 0070) and
    /// Health Canada. A convention, not a law of nature.
    pub const TARGET_RISK: f64 = 0.09;
    /// People sampled.
    pub const SAMPLE: usize = 1000;
    /// Aux draws per person and adversary.
    pub const DRAWS: usize = 5;
    /// Seed.
    pub const SEED: u64 = 0;
    /// Bootstrap resamples behind the inference risk's interval.
    pub const RESAMPLES: usize = 1000;
    /// Tuning people per policy (one draw each), on whom the attack is chosen.
    pub const TUNING: usize = crate::study::search::TUNING_PEOPLE;
    /// The entries of a person the verdict assumes an adversary knows: 8, the Netflix study's
    /// headline (8 ratings with dates +-14 days name 99% of its subscribers), and the most the
    /// standard battery's adversaries know.
    pub const ASSUME_FACTS: usize = 8;
    /// Tuning people per policy for each point of the curve: fewer than the battery's, since a
    /// curve has up to 14 points and its adversaries know true facts (a choice the tuning
    /// people cannot make is settled on the reported people: see `search::Choice`).
    pub const CURVE_TUNING: usize = 200;
    /// Canaries of each policy's measured epsilon (0: not measured).
    pub const EPSILON_CANARIES: usize = super::epsilon::CANARIES;
}

/// What to audit.
#[derive(Clone, Debug)]
pub struct AuditParams {
    /// Candidate policies (specs); the baseline `pseudonymize` is always audited first.
    pub policies: Vec<String>,
    /// The adversaries (default: [`Adversary::battery`]).
    pub adversaries: Vec<Adversary>,
    /// The re-identification rate a candidate may reach.
    pub target_risk: f64,
    /// People sampled (ignored with `everyone`).
    pub sample: usize,
    /// Aux draws per person and adversary (R).
    pub draws: usize,
    /// Every person, not a sample.
    pub everyone: bool,
    /// Seed of everything random.
    pub seed: u64,
    /// The policy-blind battery with the default attack only: no adversary knows the policy,
    /// none searches its attack.
    pub naive: bool,
    /// Tuning people per policy on whom each adversary chooses its attack.
    pub tuning: usize,
    /// The file the adversaries were read from, if any (named in errors about them).
    pub adversaries_file: Option<PathBuf>,
    /// The inference test: what is sensitive (none: the audit measures singling out and
    /// linkability only).
    pub inference: Option<crate::inference::Sensitive>,
    /// The inference risk a recommended policy may reach (the upper end of its 95% interval);
    /// none: the recommendation does not look at inference.
    pub target_inference_risk: Option<f64>,
    /// The knowledge curve's points (not measured with `naive`; empty: no curve).
    pub curve: Vec<KnownFacts>,
    /// The entries of a person the verdict assumes the adversary knows.
    pub assume_facts: KnownFacts,
    /// Tuning people per policy for each point of the curve (at most `tuning`).
    pub curve_tuning: usize,
    /// Canaries of each policy's measured epsilon (0: not measured).
    pub epsilon_canaries: usize,
    /// How the audit was started (the command line), named in the report's provenance; not
    /// part of what the audit measures, so a resumed audit need not give the same.
    pub invocation: Option<String>,
    /// A release made elsewhere, audited instead of candidate policies (none: the audit
    /// releases the data under each policy itself).
    pub released: Option<ReleasedInput>,
}

impl Default for AuditParams {
    fn default() -> Self {
        AuditParams {
            policies: Vec::new(),
            adversaries: Adversary::battery(),
            target_risk: defaults::TARGET_RISK,
            sample: defaults::SAMPLE,
            draws: defaults::DRAWS,
            everyone: false,
            seed: defaults::SEED,
            naive: false,
            tuning: defaults::TUNING,
            adversaries_file: None,
            inference: None,
            target_inference_risk: None,
            curve: curve::default_points(),
            assume_facts: KnownFacts::Count(defaults::ASSUME_FACTS),
            curve_tuning: defaults::CURVE_TUNING,
            epsilon_canaries: defaults::EPSILON_CANARIES,
            invocation: None,
            released: None,
        }
    }
}

impl AuditParams {
    /// Checks the values and parses the policies.
    fn check(&self) -> Result<Vec<(String, Policy)>> {
        let bad = |name: &'static str, message: String| Error::Parameter { name, message };
        if !(self.target_risk > 0.0 && self.target_risk < 1.0) {
            return Err(bad(
                "target_risk",
                format!("target_risk must be in (0, 1), got {}", self.target_risk),
            ));
        }
        if let Some(t) = self.target_inference_risk {
            if !(t > 0.0 && t < 1.0) {
                return Err(bad(
                    "target_inference_risk",
                    format!("target_inference_risk must be in (0, 1), got {t}"),
                ));
            }
            if self.inference.is_none() {
                return Err(bad(
                    "target_inference_risk",
                    "target_inference_risk needs the inference test: give sensitive items or a sensitive attribute".into(),
                ));
            }
        }
        if self.draws == 0 {
            return Err(bad("draws", "draws must be at least 1, got 0".into()));
        }
        if self.sample == 0 && !self.everyone {
            return Err(bad("sample", "sample must be at least 1, got 0".into()));
        }
        if self.tuning == 0 && !self.naive {
            return Err(bad("tuning", "tuning must be at least 1, got 0".into()));
        }
        if self.curve_tuning == 0 && !self.naive && !self.curve.is_empty() {
            return Err(bad(
                "curve_tuning",
                "curve_tuning must be at least 1, got 0".into(),
            ));
        }
        if self.adversaries.is_empty() {
            return Err(bad("adversaries", "adversaries: none given".into()));
        }
        epsilon::check(self)?;
        if !self.naive && !self.curve.is_empty() && !self.curve.contains(&self.assume_facts) {
            let points: Vec<String> = self.curve.iter().map(|p| p.to_string()).collect();
            return Err(bad(
                "assume_facts",
                format!(
                    "assume_facts ({}) must be one of the curve's points ({}): the verdict reads the curve there",
                    self.assume_facts,
                    points.join(",")
                ),
            ));
        }
        let mut policies = vec![("pseudonymize".to_string(), Policy::default())];
        for arg in &self.policies {
            let (spec, policy) = Policy::from_arg_with_spec(arg).map_err(|e| match e {
                Error::InvalidArgument(m) => Error::InvalidArgument(format!("policy '{arg}': {m}")),
                e => e,
            })?;
            if policies.iter().any(|(s, _)| *s == spec) {
                continue;
            }
            policies.push((spec, policy));
        }
        Ok(policies)
    }
}

/// Runs (or with `resume` finishes) the audit of the store `data` into `dir`; returns the
/// audit in the process that writes (all but a cluster's processes other than 0).
pub fn run(
    data: &Path,
    params: &AuditParams,
    dir: &Path,
    resume: bool,
    executor: &Executor,
) -> Result<Option<Audit>> {
    let run = crate::provenance::Run::now(params.invocation.as_deref().unwrap_or("deanon audit"));
    let policies = params.check()?;
    if let Executor::Cluster(c) = executor
        && c.spec.processes > 1
    {
        // Only process 0 holds an attack's results, and the audit's next attacks depend on
        // them (the search, the blind default's shortcut, the adversaries measured next): the
        // other processes cannot follow it.
        return Err(Error::InvalidArgument(format!(
            "--processes {}: an audit runs in one process (give it --workers threads); several processes are for `deanon attack` and `deanon experiment`",
            c.spec.processes
        )));
    }
    let original = open_original(data)?;
    let complete = complete_battery(params, &original)?;
    let params = &complete;
    let given = match &params.released {
        Some(input) => Some(released::open(input, data, &original, params)?),
        None => None,
    };
    let policies = match &given {
        Some(g) => vec![g.row()],
        None => policies,
    };
    let writer = executor.is_writer();
    let layout = Layout::new(dir);
    let fingerprint = store::fingerprint(&original);
    let folder_fingerprint =
        layout
            .folder
            .fingerprint(&settings(&fingerprint, &policies, params, given.as_ref()));
    let fresh = writer && layout.folder.prepare(&folder_fingerprint, resume)?;
    let parts = match audit_all(
        &original,
        params,
        &policies,
        given.as_ref(),
        &layout,
        executor,
    ) {
        Ok(parts) => parts,
        Err(e) => {
            if fresh {
                layout.folder.abandon();
            }
            return Err(e);
        }
    };
    if !writer {
        return Ok(None);
    }
    let audit = assemble(
        Audited {
            data,
            original: &original,
            params,
            given: given.as_ref(),
            parts: &parts,
        },
        fingerprint,
    )?;
    write_json(&dir.join("audit.json"), &audit)?;
    write_risk_csv(
        &original,
        &policies,
        &params.adversaries,
        &parts,
        &dir.join("risk.csv"),
    )?;
    // Everything but the command and the times is the same for a seed whatever the thread
    // count: those are in the report's provenance alone.
    report::write(&audit, &params.adversaries, &run, dir)?;
    Ok(Some(audit))
}

/// Opens the store `data`, which must be original data holding records.
fn open_original(data: &Path) -> Result<Dataset> {
    let original = store::open(data)?;
    if original.is_pseudonymized() {
        return Err(Error::input(
            data,
            "is a release (pseudonymized by deanon release): audit the original data, which the candidate policies then release",
        ));
    }
    if original.num_records() == 0 {
        return Err(Error::input(data, "holds no records"));
    }
    Ok(original)
}

/// `params` with the battery completed for `original`, and checked against it.
fn complete_battery(params: &AuditParams, original: &Dataset) -> Result<AuditParams> {
    // Data with a people table: the battery gains the adversaries who know attributes; unless
    // the audit is naive, every adversary attacks everyone sampled, with all of a light
    // person's entries.
    let mut complete = params.clone();
    if params.adversaries_file.is_none() && original.has_attributes() {
        complete
            .adversaries
            .extend(Adversary::with_attributes(original.people().names()));
    }
    for a in &mut complete.adversaries {
        a.up_to = !params.naive;
    }
    let params = &complete;
    for a in &params.adversaries {
        a.aux_params(0)
            .check_attributes(original)
            .map_err(|e| match &params.adversaries_file {
                Some(file) => Error::input(file, format!("adversary '{}': {e}", a.name)),
                None => e,
            })?;
    }
    check_facts(original, params)?;
    if let Some(sensitive) = &params.inference {
        inference::check(original, sensitive)?;
    }
    Ok(complete)
}

/// What an audit's results are made from.
struct Audited<'a> {
    /// The store's path.
    data: &'a Path,
    original: &'a Dataset,
    params: &'a AuditParams,
    given: Option<&'a released::Given>,
    parts: &'a [Part],
}

/// The audit from its parts: the results with the assumed knowledge and the three tests filled
/// in, the recommendation, the data's summary, the provenance and the verdict.
fn assemble(audited: Audited, fingerprint: String) -> Result<Audit> {
    let Audited {
        data,
        original,
        params,
        given,
        parts,
    } = audited;
    let sparsity =
        crate::dataset::sparsity::measure(original, params.sample.min(1000), params.seed)
            .curve()
            .into_iter()
            .step_by(5)
            .collect();
    let mut results: Vec<PolicyResult> = parts.iter().map(|p| p.result.clone()).collect();
    assumed::fill(
        &mut results,
        params.assume_facts,
        original.has_attributes(),
        params.target_risk,
    );
    three_tests::fill(
        &mut results,
        params.target_risk,
        params.target_inference_risk,
    );
    let (recommended, closest) =
        recommend(&results, params.target_risk, params.target_inference_risk);
    // A release made elsewhere is the only one: it meets the targets or not, and nothing is
    // recommended.
    let (recommended, closest, released) = match given {
        Some(g) => (None, None, Some(g.summary(recommended.is_some()))),
        None => (recommended, closest, None),
    };
    let mut audit = Audit {
        schema_version: results::SCHEMA_VERSION,
        assumed_facts: (!params.naive && !params.curve.is_empty()).then_some(params.assume_facts),
        target_risk: params.target_risk,
        target_inference_risk: params.target_inference_risk,
        recommended,
        closest,
        verdict: String::new(),
        released,
        data: DataSummary {
            records: original.num_records(),
            items: original.num_items(),
            entries: original.num_entries(),
            has_ratings: original.has_ratings(),
            has_dates: original.has_dates(),
            sparsity,
            attributes: original.people().names().to_vec(),
            attribute_unicity: unicity::attribute_combinations(original, 3),
        },
        policies: results,
        provenance: Provenance {
            version: env!("CARGO_PKG_VERSION").to_string(),
            git_commit: env!("DEANON_GIT_COMMIT").to_string(),
            seed: params.seed,
            data_fingerprint: fingerprint,
            sample: (!params.everyone).then_some(params.sample),
            draws: params.draws,
            phi: crate::attack::params::PHI.default_f64(),
            adversaries_know_policy: !params.naive && given.is_none_or(|g| g.knows_policy()),
            tuning: if params.naive { 0 } else { params.tuning },
            inputs: input_files(data, params)?,
        },
    };
    audit.verdict = match given {
        Some(_) => released_words::verdict(&audit),
        None => report::verdict(&audit, &params.adversaries),
    };
    Ok(audit)
}

/// What makes an audit's folder its own (the fingerprint in state.json): the data, the releases
/// audited and every setting that changes a part file. The target rates and where inputs were
/// read from are left out: they change no part (the tests are filled in from the parts), and an
/// audit resumes from a moved file.
#[derive(Serialize)]
struct Settings<'a> {
    data: &'a str,
    policies: Vec<&'a str>,
    adversaries: &'a [Adversary],
    sample: usize,
    draws: usize,
    everyone: bool,
    seed: u64,
    epsilon_canaries: usize,
    /// The informed search's settings; none with `--naive`, which ignores them.
    search: Option<SearchSettings>,
    /// What is sensitive: the item ids, or the attribute's name.
    inference: Option<(&'a str, Vec<String>)>,
    /// The release audited in place of candidate policies.
    released: Option<String>,
}

/// The settings of the informed search and the curve.
#[derive(Serialize)]
struct SearchSettings {
    tuning: usize,
    curve: Vec<String>,
    curve_tuning: usize,
    assume_facts: String,
}

fn settings<'a>(
    fingerprint: &'a str,
    policies: &'a [(String, Policy)],
    params: &'a AuditParams,
    given: Option<&released::Given>,
) -> Settings<'a> {
    // Every field named, so that a new parameter does not compile until it is placed here.
    let AuditParams {
        policies: _,
        adversaries,
        target_risk: _,
        sample,
        draws,
        everyone,
        seed,
        naive,
        tuning,
        adversaries_file: _,
        inference,
        target_inference_risk: _,
        curve,
        assume_facts,
        curve_tuning,
        epsilon_canaries,
        invocation: _,
        released: _,
    } = params;
    Settings {
        data: fingerprint,
        policies: policies.iter().map(|p| p.0.as_str()).collect(),
        adversaries,
        sample: *sample,
        draws: *draws,
        everyone: *everyone,
        seed: *seed,
        epsilon_canaries: *epsilon_canaries,
        search: (!naive).then(|| SearchSettings {
            tuning: *tuning,
            curve: curve.iter().map(|k| k.to_string()).collect(),
            curve_tuning: *curve_tuning,
            assume_facts: assume_facts.to_string(),
        }),
        inference: inference.as_ref().map(|sensitive| match sensitive {
            crate::inference::Sensitive::Items { ids, .. } => {
                ("items", ids.iter().map(|(_, id)| id.clone()).collect())
            }
            crate::inference::Sensitive::Attribute(name) => ("attribute", vec![name.clone()]),
        }),
        released: given.map(released::Given::settings),
    }
}

/// The files the audit reads, named, sized and hashed for its provenance.
fn input_files(data: &Path, params: &AuditParams) -> Result<Vec<crate::provenance::InputFile>> {
    let mut inputs = vec![crate::provenance::InputFile::of("data", data)?];
    if let Some(f) = &params.adversaries_file {
        inputs.push(crate::provenance::InputFile::of("adversaries", f)?);
    }
    // Sensitive items given as a list (Python, the demo) come from no file.
    if let Some(crate::inference::Sensitive::Items { source, .. }) = &params.inference
        && source.is_file()
    {
        inputs.push(crate::provenance::InputFile::of("sensitive items", source)?);
    }
    if let Some(r) = &params.released {
        inputs.push(crate::provenance::InputFile::of("released", &r.release)?);
        inputs.push(crate::provenance::InputFile::of("key", &r.key)?);
        if let Some(file) = r.policy_known.as_deref().and_then(Policy::file_of) {
            inputs.push(crate::provenance::InputFile::of("policy known", file)?);
        }
    }
    Ok(inputs)
}

/// Audits each policy of `policies`, or reads back its part file from an earlier run of this
/// audit (checked: a part of another policy or other data is an error).
fn audit_all(
    original: &Dataset,
    params: &AuditParams,
    policies: &[(String, Policy)],
    given: Option<&released::Given>,
    layout: &Layout,
    executor: &Executor,
) -> Result<Vec<Part>> {
    let writer = executor.is_writer();
    let (people, others) = sampled_people(original, params);
    let steps = curve::adversaries_per_policy(original, params);
    let bar = crate::progress::stages((policies.len() * steps) as u64, "auditing");
    let mut parts = Vec::new();
    for (k, (spec, policy)) in policies.iter().enumerate() {
        crate::progress::stage_group(format!("policy {}/{} {spec}:", k + 1, policies.len()));
        if let Some(part) = load_part(&layout.part(k), spec, original.num_records())? {
            parts.push(part);
            bar.inc(steps as u64);
            continue;
        }
        let sample = Sample {
            people: &people,
            others: &others,
        };
        let part = match given {
            Some(g) => g.audit(original, params, (k, spec), &sample, executor)?,
            None => audit_policy(original, params, (k, spec, policy), &sample, executor)?,
        };
        let Some(part) = part else {
            continue;
        };
        if writer {
            write_private_json(&layout.part(k), &part)?;
        }
        parts.push(part);
    }
    bar.finish_and_clear();
    Ok(parts)
}

/// Refuses an adversary who knows more facts than anyone in the data holds: it could sample
/// nobody, and the audit would report no risk for want of targets.
fn check_facts(original: &Dataset, params: &AuditParams) -> Result<()> {
    let most = (0..original.num_records() as u32)
        .map(|r| original.record(r).len())
        .max()
        .unwrap_or(0);
    for a in &params.adversaries {
        if a.facts > most {
            let message = format!(
                "adversary '{}': facts = {} is more than anyone in the data holds (at most {most} entries)",
                a.name, a.facts
            );
            return Err(match &params.adversaries_file {
                Some(file) => Error::input(file, message),
                None => Error::InvalidArgument(format!(
                    "the standard battery's {message}: give a battery whose adversaries know at most {most} facts with --adversaries FILE.toml"
                )),
            });
        }
    }
    Ok(())
}

/// The people audited (everyone, or a seeded sample of the original's records, sorted), and
/// everyone else in a seeded order (where tuning people are drawn from).
fn sampled_people(original: &Dataset, params: &AuditParams) -> (Vec<u32>, Vec<u32>) {
    let n = original.num_records();
    let mut people: Vec<u32> = (0..n as u32).collect();
    if params.everyone || params.sample >= n {
        return (people, Vec::new());
    }
    let mut rng = Rng::derive(params.seed, &[streams::AUDIT_PEOPLE]);
    for k in 0..params.sample {
        let j = k + rng.below((n - k) as u64) as usize;
        people.swap(k, j);
    }
    // The shuffle goes on past the sample, from the same generator: the sample is the one the
    // audit always drew, and the rest is in a seeded order of its own.
    if !params.naive {
        for k in params.sample..n {
            let j = k + rng.below((n - k) as u64) as usize;
            people.swap(k, j);
        }
    }
    let others = people.split_off(params.sample);
    people.sort_unstable();
    (people, others)
}

/// The people of an audit: those whose risk is reported, and the others in a seeded order.
struct Sample<'a> {
    people: &'a [u32],
    others: &'a [u32],
}

/// Which half of the reported people a person falls in when tuning is cross-fit: a seeded hash
/// of the person, so that halves do not depend on the policy or the adversary.
fn first_half(seed: u64, person: u32) -> bool {
    let mut rng = Rng::derive(seed, &[streams::AUDIT_HALVES, person as u64]);
    rng.below(2) == 0
}

/// The seed of adversary `a`'s aux draws (and of its tuning and inference draws, derived).
fn adversary_seed(seed: u64, a: usize) -> u64 {
    seed ^ (a as u64 + 1).wrapping_mul(0x9e37_79b9_7f4a_7c15)
}

/// The seed of the audit's release under the policy `spec` (`deanon release --seed` with it
/// makes the same release).
pub fn release_seed(seed: u64, spec: &str) -> u64 {
    xxhash_rust::xxh3::xxh3_64(format!("{seed}|release|{spec}").as_bytes())
}

/// Releases the data under one policy and measures it.
fn audit_policy(
    original: &Dataset,
    params: &AuditParams,
    (index, spec, policy): (usize, &str, &Policy),
    sample: &Sample<'_>,
    executor: &Executor,
) -> Result<Option<Part>> {
    let seed = release_seed(params.seed, spec);
    let Released {
        data,
        key,
        knowledge,
    } = Released::make(original, policy, seed, &[])?;
    let utility = release::utility::measure(original, policy, seed)?;
    let subject = Subject {
        knowledge,
        released: &data,
        key: &key,
        knows_policy: true,
        control: Control::HeldOut(policy, seed),
    };
    let cost = Cost {
        rmse_cost: utility.rmse_cost,
        kept_fraction: utility.kept_fraction,
    };
    let Some(mut part) = one_release::measure(
        original,
        params,
        (index, spec),
        &subject,
        cost,
        sample,
        executor,
    )?
    else {
        return Ok(None);
    };
    part.result.measured_epsilon = epsilon::measure(original, policy, params, seed)?;
    Ok(Some(part))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dataset::generate::{GenerateParams, Preset, generate};

    #[test]
    fn tuning_people_are_never_the_people_reported_and_the_sample_is_the_naive_one() {
        let data = generate(&GenerateParams::new(Preset::NetflixLike).users(3000).seed(2)).unwrap();
        let params = AuditParams {
            sample: 700,
            seed: 9,
            ..AuditParams::default()
        };
        let (people, others) = sampled_people(&data, &params);
        assert_eq!(people.len(), 700);
        assert_eq!(others.len(), 2300);
        let reported: std::collections::HashSet<u32> = people.iter().copied().collect();
        assert!(others.iter().all(|p| !reported.contains(p)));
        let mut all: Vec<u32> = people.iter().chain(&others).copied().collect();
        all.sort_unstable();
        assert_eq!(all, (0..3000).collect::<Vec<u32>>());
        // The reported sample is the one a naive audit draws.
        let naive = AuditParams {
            naive: true,
            ..params.clone()
        };
        assert_eq!(sampled_people(&data, &naive).0, people);
        // Everyone: nobody is left to tune on (the search cross-fits).
        let everyone = AuditParams {
            everyone: true,
            ..params
        };
        let (people, others) = sampled_people(&data, &everyone);
        assert_eq!((people.len(), others.len()), (3000, 0));
    }

    #[test]
    fn cross_fit_halves_split_the_people_about_evenly() {
        let first = (0..10_000u32).filter(|&p| first_half(5, p)).count();
        assert!((4_800..5_200).contains(&first), "{first}");
    }
}
