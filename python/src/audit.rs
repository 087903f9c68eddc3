//! The audit for Python (`deanon audit`): the store at a path audited into a folder, its
//! keywords the command's flags, one policy or a list of them, and errors that name what the
//! caller gave rather than the temporary store the package saved an in-memory data set to.

use std::path::{Path, PathBuf};

use pyo3::prelude::*;
use pyo3::types::PyDict;

use deanon::linkage::Executor;

use crate::convert::to_python;
use crate::engine::sensitive_of;
use crate::errors::to_py;
use crate::run::detached;

/// Candidate policies as Python gives them: one (a spec or a `.toml` file) or a list. A single
/// string is one policy, never a list of its characters.
#[derive(FromPyObject)]
pub enum Policies {
    /// One policy.
    One(PathBuf),
    /// Several.
    Many(Vec<PathBuf>),
}

impl Policies {
    /// The policies as the library takes them (specs, or paths of files).
    fn into_specs(self) -> PyResult<Vec<String>> {
        let paths = match self {
            Policies::One(p) => vec![p],
            Policies::Many(ps) => ps,
        };
        paths
            .into_iter()
            .map(|p| {
                p.into_os_string().into_string().map_err(|p| {
                    let p = p.to_string_lossy().into_owned();
                    crate::errors::invalid(format!("policy '{p}' is not valid UTF-8 text"))
                })
            })
            .collect()
    }
}

/// `error` with the store at `saved` named as `name` (what the caller gave: a data set in
/// memory, which the package saved to a temporary store for the audit).
fn naming(error: deanon::Error, saved: &Path, name: &str) -> deanon::Error {
    use deanon::Error;
    let rename = |path: PathBuf| {
        if path == saved {
            PathBuf::from(name)
        } else {
            path
        }
    };
    match error {
        Error::Io { path, error } => Error::Io {
            path: rename(path),
            error,
        },
        Error::Input { path, message } => Error::Input {
            path: rename(path),
            message,
        },
        Error::Store { path, message } => Error::Store {
            path: rename(path),
            message,
        },
        Error::Parse {
            path,
            line,
            message,
        } => Error::Parse {
            path: rename(path),
            line,
            message,
        },
        e => e,
    }
}

/// `deanon audit --released REL --key KEY [--policy-known SPEC]` as the audit's parameters: the
/// key and the stated policy need the release, and the release its key.
fn released_of(
    released: Option<PathBuf>,
    key: Option<PathBuf>,
    policy_known: Option<String>,
) -> PyResult<Option<deanon::audit::ReleasedInput>> {
    match (released, key) {
        (Some(release), Some(key)) => Ok(Some(deanon::audit::ReleasedInput {
            release,
            key,
            policy_known,
        })),
        (Some(_), None) => Err(crate::errors::invalid("key: released needs its key")),
        (None, Some(_)) => Err(crate::errors::invalid(
            "key is the key of released: give released too",
        )),
        (None, None) if policy_known.is_some() => Err(crate::errors::invalid(
            "policy_known states the policy of released: give released too",
        )),
        (None, None) => Ok(None),
    }
}

/// `audit`'s keywords, the command's flags by name (`deanon audit --help`).
#[derive(Default, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AuditKeywords {
    adversaries: Option<PathBuf>,
    target_risk: Option<f64>,
    sample: Option<usize>,
    draws: Option<usize>,
    everyone: bool,
    resume: bool,
    seed: Option<u64>,
    naive: bool,
    tuning: Option<usize>,
    sensitive_items: Option<Vec<String>>,
    sensitive_attribute: Option<String>,
    target_inference_risk: Option<f64>,
    curve: Option<String>,
    assume_facts: Option<String>,
    curve_tuning: Option<usize>,
    epsilon_canaries: Option<usize>,
    /// What errors call the data (a temporary store the caller saved its data set to).
    data_name: Option<String>,
    released: Option<PathBuf>,
    key: Option<PathBuf>,
    policy_known: Option<String>,
}

impl AuditKeywords {
    /// The audit's parameters for `policies`: those left out at [`AuditParams::default`]'s
    /// values.
    ///
    /// [`AuditParams::default`]: deanon::audit::AuditParams
    fn params(self, policies: Vec<String>) -> PyResult<deanon::audit::AuditParams> {
        let inference = sensitive_of(self.sensitive_items, self.sensitive_attribute)?;
        let released = released_of(self.released, self.key, self.policy_known)?;
        let d = deanon::audit::AuditParams::default();
        let curve = match self.curve {
            Some(text) => deanon::audit::curve::parse_points(&text).map_err(to_py)?,
            None => d.curve.clone(),
        };
        let assume_facts = match self.assume_facts {
            Some(text) => deanon::audit::curve::KnownFacts::parse(&text).ok_or_else(|| {
                to_py(deanon::Error::Parameter {
                    name: "assume_facts",
                    message: format!(
                        "assume_facts takes a whole number of entries of at least 1 or 'all', got '{text}'"
                    ),
                })
            })?,
            None => d.assume_facts,
        };
        let epsilon_canaries = match (&released, self.epsilon_canaries) {
            (Some(_), Some(_)) => {
                return Err(crate::errors::invalid(
                    "epsilon_canaries: a release made elsewhere (released) has no policy to measure the epsilon of",
                ));
            }
            (Some(_), None) => 0,
            (None, n) => n.unwrap_or(d.epsilon_canaries),
        };
        Ok(deanon::audit::AuditParams {
            policies,
            target_risk: self.target_risk.unwrap_or(d.target_risk),
            sample: self.sample.unwrap_or(d.sample),
            draws: self.draws.unwrap_or(d.draws),
            everyone: self.everyone,
            seed: self.seed.unwrap_or(d.seed),
            naive: self.naive,
            tuning: self.tuning.unwrap_or(d.tuning),
            inference,
            target_inference_risk: self.target_inference_risk,
            curve,
            assume_facts,
            curve_tuning: self.curve_tuning.unwrap_or(d.curve_tuning),
            epsilon_canaries,
            invocation: Some("deanon.audit() from Python".to_string()),
            released,
            ..d
        })
    }
}

/// Audits the store at `data` into `out` (`deanon audit`): audit.json as a dict; with the
/// keyword `released` (and its `key`, and `policy_known` if stated) a release made elsewhere
/// instead of `policies` (`deanon audit --released`). `params` are [`AuditKeywords`]' fields;
/// `data_name`, when given, is what errors call `data` (a temporary store the caller saved its
/// data set to).
#[pyfunction]
#[pyo3(signature = (data, out, policies, threads=None, **params))]
pub fn audit<'py>(
    py: Python<'py>,
    data: PathBuf,
    out: PathBuf,
    policies: Policies,
    threads: Option<usize>,
    params: Option<&Bound<'py, PyDict>>,
) -> PyResult<Bound<'py, PyAny>> {
    let keywords: AuditKeywords = crate::keywords::read("audit", params)?;
    let (adversaries, resume) = (keywords.adversaries.clone(), keywords.resume);
    let data_name = keywords.data_name.clone();
    let params = keywords.params(policies.into_specs()?)?;
    let audit = detached(py, threads, move || {
        deanon::jobs::audit(
            &data,
            &params,
            adversaries.as_deref(),
            &out,
            resume,
            &Executor::Local,
        )
        .map_err(|e| match &data_name {
            Some(name) => naming(e, &data, name),
            None => e,
        })
    })?
    .expect("a local audit always answers");
    to_python(py, &audit)
}
