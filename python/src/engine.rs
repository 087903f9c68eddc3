//! The engine's answers for Python: aux sampling, the attack (through the library's one entry
//! point, `deanon::linkage::attack`), unicity, sparsity, experiments and the audit. Parameters
//! go through the library's checked types, so a bad value gives the library's message.

use std::path::PathBuf;

use numpy::PyArray1;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};

use deanon::attack::{AttackParams, ItemMap, Value};
use deanon::auxiliary::file::{AuxColumns, records_from_columns};
use deanon::auxiliary::sampler::{self, AuxParams, Selection};
use deanon::dataset::{AuxRecord, ReleaseKey};
use deanon::linkage::{AttackOptions, Executor};

use crate::columns::{Column, Pairs, optional};
use crate::dataset::NativeDataset;
use crate::errors::{invalid, to_py};
use crate::run::detached;

fn zipped(columns: Pairs) -> impl Iterator<Item = (String, String)> {
    columns.0.into_iter().zip(columns.1)
}

fn key_of(columns: Option<Pairs>) -> Option<ReleaseKey> {
    columns.map(|c| ReleaseKey::from_pairs(zipped(c)))
}

/// Samples aux records (`deanon aux`): a dict of columns `aux_id`, `item`, `rating` (float64
/// stars), `date` (int64 days), `true_user`, `count` (float64, when counts were drawn), and
/// the number of targets skipped.
#[pyfunction]
#[pyo3(signature = (data, targets, items, wrong=0, rating_error=0.0, date_error=14, dates=true,
    ratings=true, select="uniform", key=None, non_members=0, count_error=0.0, seed=0, threads=None))]
#[allow(clippy::too_many_arguments)]
pub fn sample_aux<'py>(
    py: Python<'py>,
    data: &NativeDataset,
    targets: usize,
    items: usize,
    wrong: usize,
    rating_error: f64,
    date_error: u32,
    dates: bool,
    ratings: bool,
    select: &str,
    key: Option<Pairs>,
    non_members: usize,
    count_error: f64,
    seed: u64,
    threads: Option<usize>,
) -> PyResult<(Bound<'py, PyDict>, usize)> {
    let select: Selection = select.parse().map_err(to_py)?;
    let params = AuxParams {
        targets,
        items,
        wrong,
        rating_error,
        date_error,
        dates,
        ratings,
        select,
        non_members,
        count_error,
        seed,
    };
    let key = key_of(key);
    let original = data.data.clone();
    let sampled = detached(py, threads, move || {
        sampler::sample(&original, &params, key.as_ref())
    })?;
    if sampled.records.is_empty() {
        return Err(invalid(format!(
            "no target has {items} usable facts: lower items or widen select"
        )));
    }
    Ok((aux_columns(py, &sampled.records)?, sampled.skipped))
}

/// Aux records as columns, one row per fact.
fn aux_columns<'py>(py: Python<'py>, records: &[AuxRecord]) -> PyResult<Bound<'py, PyDict>> {
    let facts: Vec<(&AuxRecord, &deanon::dataset::AuxFact)> = records
        .iter()
        .flat_map(|r| r.facts.iter().map(move |f| (r, f)))
        .collect();
    let out = PyDict::new(py);
    out.set_item("aux_id", PyList::new(py, facts.iter().map(|(r, _)| &r.id))?)?;
    out.set_item("item", PyList::new(py, facts.iter().map(|(_, f)| &f.item))?)?;
    let stars: Vec<f64> = facts
        .iter()
        .map(|(_, f)| f.rating.map_or(f64::NAN, |h| h as f64 / 2.0))
        .collect();
    out.set_item("rating", PyArray1::from_vec(py, stars))?;
    let days: Vec<i64> = facts
        .iter()
        .map(|(_, f)| f.day.map_or(i64::MIN, i64::from))
        .collect();
    out.set_item("date", PyArray1::from_vec(py, days))?;
    if records.iter().any(|r| r.true_user.is_some()) {
        out.set_item(
            "true_user",
            PyList::new(py, facts.iter().map(|(r, _)| r.true_user.as_deref()))?,
        )?;
    }
    if records.iter().any(|r| r.count.is_some()) {
        let counts: Vec<f64> = facts
            .iter()
            .map(|(r, _)| r.count.map_or(f64::NAN, f64::from))
            .collect();
        out.set_item("count", PyArray1::from_vec(py, counts))?;
    }
    Ok(out)
}

/// The attack parameters `algorithm` (the default when `None`) and `parameters` (name ->
/// number, by the registry's names; the others at their defaults) describe, checked.
fn attack_params(
    algorithm: Option<&str>,
    parameters: Option<&Bound<'_, PyDict>>,
) -> PyResult<AttackParams> {
    let mut params = AttackParams::builder();
    if let Some(name) = algorithm {
        params = params.algorithm(name.parse().map_err(to_py)?);
    }
    for (name, value) in parameters.into_iter().flat_map(|d| d.iter()) {
        let name: String = name.extract()?;
        let value = if value.is_instance_of::<pyo3::types::PyBool>() {
            return Err(invalid(format!("{name} must be a number, got {value}")));
        } else if let Ok(n) = value.extract::<u64>() {
            Value::Whole(n)
        } else {
            Value::Real(
                value
                    .extract::<f64>()
                    .map_err(|_| invalid(format!("{name} must be a number, got {value}")))?,
            )
        };
        params = params.set(&name, value).map_err(to_py)?;
    }
    params.check().map_err(to_py)
}

/// Every attack parameter of the registry: `(name, default, help, algorithms that read it)`.
#[pyfunction]
pub fn attack_parameters() -> Vec<(&'static str, f64, &'static str, Vec<&'static str>)> {
    deanon::attack::parameters()
        .iter()
        .map(|p| {
            let readers = deanon::attack::Algorithm::all()
                .filter(|a| a.uses(p.name))
                .map(|a| a.name())
                .collect();
            (p.name, p.default_f64(), p.help, readers)
        })
        .collect()
}

/// Attacks a release (`deanon attack`): `(columns of MATCHES.csv, summary JSON, warnings)`.
#[pyfunction]
#[pyo3(signature = (release, aux_id, item, rating=None, date=None, true_user=None, count=None,
    key=None, item_map=None, algorithm=None, parameters=None, resamples=1000, informed=false,
    threads=None))]
#[allow(clippy::too_many_arguments)]
pub fn attack<'py>(
    py: Python<'py>,
    release: &NativeDataset,
    aux_id: &Bound<'py, PyAny>,
    item: &Bound<'py, PyAny>,
    rating: Option<&Bound<'py, PyAny>>,
    date: Option<&Bound<'py, PyAny>>,
    true_user: Option<&Bound<'py, PyAny>>,
    count: Option<numpy::PyReadonlyArray1<'py, f64>>,
    key: Option<Pairs>,
    item_map: Option<Pairs>,
    algorithm: Option<&str>,
    parameters: Option<&Bound<'py, PyDict>>,
    resamples: usize,
    informed: bool,
    threads: Option<usize>,
) -> PyResult<(Bound<'py, PyDict>, String, Vec<String>)> {
    let params = attack_params(algorithm, parameters)?;
    let aux_id = Column::extract("aux_id", aux_id)?;
    let item = Column::extract("item", item)?;
    let rating = optional("rating", rating)?;
    let date = optional("date", date)?;
    let true_user = optional("true_user", true_user)?;
    let columns = AuxColumns {
        aux_id: aux_id.ids()?,
        item: item.ids()?,
        rating: rating.as_ref().map(Column::ratings).transpose()?,
        date: date.as_ref().map(Column::dates).transpose()?,
        true_user: true_user.as_ref().map(Column::ids).transpose()?,
        count: count
            .as_ref()
            .map(|c| c.as_slice())
            .transpose()
            .map_err(|_| invalid("count is not contiguous"))?,
    };
    let key = key_of(key);
    let item_map = item_map.map(|c| ItemMap::from_pairs(zipped(c)));
    let data = release.data.clone();
    let (outcomes, summary, warnings) = detached(py, threads, || {
        let aux = records_from_columns(&columns)?;
        let (aux, params) = if informed {
            deanon::jobs::informed(&data, &aux, &params).map_err(|message| {
                deanon::Error::InvalidArgument(format!("informed=True: the release {message}"))
            })?
        } else {
            (aux, params.clone())
        };
        let options = AttackOptions {
            item_map: item_map.as_ref(),
            resamples,
            bootstrap_seed: params.seed(),
            ..AttackOptions::default()
        };
        let attacked = deanon::linkage::attack(
            &data,
            &aux,
            key.as_ref(),
            &params,
            &Executor::Local,
            &options,
        )?
        .expect("a local attack always answers");
        let warnings =
            deanon::jobs::attack_warnings(&data, &aux, key.is_some(), attacked.facts_dropped);
        let mut summary = attacked.summary;
        summary.informed = informed;
        Ok((attacked.outcomes, summary, warnings))
    })?;
    let summary = serde_json::to_string(&summary).map_err(|e| invalid(e.to_string()))?;
    Ok((matches_columns(py, &outcomes)?, summary, warnings))
}

/// The columns of MATCHES.csv (blank values as NaN / None).
fn matches_columns<'py>(
    py: Python<'py>,
    outcomes: &[deanon::attack::matches::Outcome],
) -> PyResult<Bound<'py, PyDict>> {
    let out = PyDict::new(py);
    let floats = |f: fn(&deanon::attack::Match) -> f64| -> Vec<f64> {
        outcomes
            .iter()
            .map(|o| f(&o.m))
            .map(|x| if x.is_finite() { x } else { f64::NAN })
            .collect()
    };
    out.set_item(
        "aux_id",
        PyList::new(py, outcomes.iter().map(|o| &o.aux_id))?,
    )?;
    out.set_item(
        "candidate",
        PyList::new(py, outcomes.iter().map(|o| o.candidate.as_deref()))?,
    )?;
    out.set_item("score", PyArray1::from_vec(py, floats(|m| m.score)))?;
    out.set_item("runner_up", PyArray1::from_vec(py, floats(|m| m.runner_up)))?;
    out.set_item(
        "eccentricity",
        PyArray1::from_vec(py, floats(|m| m.eccentricity)),
    )?;
    let matched: Vec<bool> = outcomes.iter().map(|o| o.m.matched).collect();
    out.set_item("matched", PyArray1::from_vec(py, matched))?;
    out.set_item(
        "entropy_bits",
        PyArray1::from_vec(py, floats(|m| m.entropy_bits)),
    )?;
    out.set_item(
        "top_probability",
        PyArray1::from_vec(py, floats(|m| m.top_probability)),
    )?;
    if outcomes.iter().any(|o| o.true_user.is_some()) {
        out.set_item(
            "true_user",
            PyList::new(py, outcomes.iter().map(|o| o.true_user.as_deref()))?,
        )?;
        let correct: Vec<bool> = outcomes.iter().map(|o| o.correct).collect();
        out.set_item("correct", PyArray1::from_vec(py, correct))?;
    }
    let candidates: Vec<u64> = outcomes.iter().map(|o| o.m.candidates).collect();
    out.set_item("candidates", PyArray1::from_vec(py, candidates))?;
    let facts: Vec<u64> = outcomes.iter().map(|o| o.m.facts_used as u64).collect();
    out.set_item("facts_used", PyArray1::from_vec(py, facts))?;
    out.set_item("sigma", PyArray1::from_vec(py, floats(|m| m.sigma)))?;
    Ok(out)
}

/// Unicity (`deanon unicity`) as the command's CSV text.
#[pyfunction]
#[pyo3(signature = (data, points, knowledge, date_tol=0, sample=None, draws=1, resamples=1000,
    seed=0, threads=None))]
#[allow(clippy::too_many_arguments)]
pub fn unicity(
    py: Python<'_>,
    data: &NativeDataset,
    points: Vec<usize>,
    knowledge: Vec<String>,
    date_tol: u32,
    sample: Option<usize>,
    draws: usize,
    resamples: usize,
    seed: u64,
    threads: Option<usize>,
) -> PyResult<String> {
    use deanon::dataset::unicity::{Knowledge, UnicityParams, measure, to_csv};
    let knowledge = knowledge
        .iter()
        .map(|k| k.parse::<Knowledge>())
        .collect::<deanon::Result<Vec<_>>>()
        .map_err(to_py)?;
    let params = UnicityParams {
        points,
        knowledge,
        date_tol,
        sample,
        draws,
        seed,
        resamples,
    };
    let dataset = data.data.clone();
    detached(py, threads, move || {
        Ok(to_csv(&measure(&dataset, &params)?))
    })
}

/// The sparsity curve (`deanon sparsity`) as the command's CSV text.
#[pyfunction]
#[pyo3(signature = (data, sample=1000, seed=0, threads=None))]
pub fn sparsity(
    py: Python<'_>,
    data: &NativeDataset,
    sample: usize,
    seed: u64,
    threads: Option<usize>,
) -> PyResult<String> {
    let dataset = data.data.clone();
    detached(py, threads, move || {
        Ok(deanon::dataset::sparsity::measure(&dataset, sample, seed).to_csv())
    })
}

/// Runs an experiment config into `out` (`deanon experiment`); returns the terminal summary.
#[pyfunction]
#[pyo3(signature = (config, out, resume=false, data=None, threads=None))]
pub fn experiment(
    py: Python<'_>,
    config: PathBuf,
    out: PathBuf,
    resume: bool,
    data: Option<PathBuf>,
    threads: Option<usize>,
) -> PyResult<String> {
    detached(py, threads, move || {
        deanon::jobs::experiment(&config, &out, resume, data.as_deref(), &Executor::Local)
    })
}

/// Audits the store at `data` into `out` (`deanon audit`).
#[pyfunction]
#[pyo3(signature = (data, out, policies, adversaries=None, target=0.09, sample=None, draws=None,
    everyone=false, resume=false, seed=0, naive=false, tuning=None, threads=None))]
#[allow(clippy::too_many_arguments)]
pub fn audit(
    py: Python<'_>,
    data: PathBuf,
    out: PathBuf,
    policies: Vec<String>,
    adversaries: Option<PathBuf>,
    target: f64,
    sample: Option<usize>,
    draws: Option<usize>,
    everyone: bool,
    resume: bool,
    seed: u64,
    naive: bool,
    tuning: Option<usize>,
    threads: Option<usize>,
) -> PyResult<()> {
    let defaults = deanon::audit::AuditParams::default();
    let params = deanon::audit::AuditParams {
        policies,
        target_risk: target,
        sample: sample.unwrap_or(defaults.sample),
        draws: draws.unwrap_or(defaults.draws),
        everyone,
        seed,
        naive,
        tuning: tuning.unwrap_or(defaults.tuning),
        ..defaults
    };
    detached(py, threads, move || {
        deanon::jobs::audit(
            &data,
            &params,
            adversaries.as_deref(),
            &out,
            resume,
            &Executor::Local,
        )
        .map(|_| ())
    })
}

/// What a published statement about a group reveals (`deanon cohort`), as the report's JSON.
#[pyfunction]
#[pyo3(signature = (data, item=None, streak=None, times=None, any_of=None, at_least=None,
    from_date=None, to_date=None, min_cell=10, epsilon=None, facts=2, date_error=3,
    targets=1000, draws=10, seed=0, threads=None))]
#[allow(clippy::too_many_arguments)]
pub fn cohort(
    py: Python<'_>,
    data: &NativeDataset,
    item: Option<String>,
    streak: Option<u32>,
    times: Option<u32>,
    any_of: Option<Vec<String>>,
    at_least: Option<u32>,
    from_date: Option<String>,
    to_date: Option<String>,
    min_cell: u64,
    epsilon: Option<f64>,
    facts: usize,
    date_error: u32,
    targets: usize,
    draws: usize,
    seed: u64,
    threads: Option<usize>,
) -> PyResult<String> {
    use deanon::cohort::{CohortParams, Statement};
    let statement =
        Statement::from_options(item, streak, times, any_of, at_least).map_err(to_py)?;
    let mut params = CohortParams::new(statement);
    params.from = from_date;
    params.to = to_date;
    params.min_cell = min_cell;
    params.epsilon = epsilon;
    params.knowledge.facts = facts;
    params.knowledge.date_error = date_error;
    params.knowledge.targets = targets;
    params.knowledge.draws = draws;
    params.knowledge.seed = seed;
    let dataset = data.data.clone();
    let report = detached(py, threads, move || {
        deanon::cohort::analyse(&dataset, &params)
    })?;
    serde_json::to_string(&report).map_err(|e| invalid(e.to_string()))
}
