//! The engine's answers for Python: aux sampling, the attack, unicity, sparsity, experiments and
//! cohorts (the audit: [`crate::audit`]), through the library's in-memory jobs (`deanon::jobs`). Parameters go
//! through the library's checked types, so a bad value gives the library's message; a parameter
//! left out (`None`) takes the library's default (its `defaults` modules and `Default` impls,
//! the command line's defaults), and [`defaults`] tells Python what those are.

use std::path::PathBuf;

use numpy::PyArray1;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};

use deanon::attack::{AttackParams, ItemMap, Value};
use deanon::auxiliary::file::{AuxColumns, records_from_columns};
use deanon::auxiliary::sampler::{AuxParams, Selection};
use deanon::dataset::{AuxRecord, ReleaseKey};
use deanon::linkage::Executor;

use crate::columns::{Column, Pairs, optional};
use crate::convert::to_python;
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
/// stars), `date` (int64 days), `true_user`, `count` (float64, when counts were drawn), one
/// per known attribute (text), `attributes` (their names), and the number of targets skipped.
/// Parameters left out take [`AuxParams::default`]'s values.
#[pyfunction]
#[pyo3(signature = (data, targets=None, items=None, wrong=None, rating_error=None,
    date_error=None, dates=true, ratings=true, select=None, key=None, non_members=None,
    count_error=None, seed=None, threads=None, attributes=None, attribute_error=None))]
#[allow(clippy::too_many_arguments)]
pub fn sample_aux<'py>(
    py: Python<'py>,
    data: &NativeDataset,
    targets: Option<usize>,
    items: Option<usize>,
    wrong: Option<usize>,
    rating_error: Option<f64>,
    date_error: Option<u32>,
    dates: bool,
    ratings: bool,
    select: Option<&str>,
    key: Option<Pairs>,
    non_members: Option<usize>,
    count_error: Option<f64>,
    seed: Option<u64>,
    threads: Option<usize>,
    attributes: Option<Vec<String>>,
    attribute_error: Option<Vec<(String, u32)>>,
) -> PyResult<(Bound<'py, PyDict>, usize)> {
    let d = AuxParams::default();
    let select = match select {
        Some(text) => text.parse::<Selection>().map_err(to_py)?,
        None => d.select,
    };
    let params = AuxParams {
        targets: targets.unwrap_or(d.targets),
        items: items.unwrap_or(d.items),
        wrong: wrong.unwrap_or(d.wrong),
        rating_error: rating_error.unwrap_or(d.rating_error),
        date_error: date_error.unwrap_or(d.date_error),
        dates,
        ratings,
        select,
        non_members: non_members.unwrap_or(d.non_members),
        count_error: count_error.unwrap_or(d.count_error),
        seed: seed.unwrap_or(d.seed),
        attributes: attributes.unwrap_or_default(),
        attribute_errors: attribute_error.unwrap_or_default(),
        up_to: false,
    };
    let key = key_of(key);
    let original = data.data.clone();
    let sampled = detached(py, threads, move || {
        deanon::jobs::sample_aux_in_memory(&original, &params, key.as_ref())
    })?;
    Ok((aux_columns(py, &sampled.records)?, sampled.skipped))
}

/// Aux records as columns, one row per fact (a record without facts: one row with no item),
/// the known attributes repeated on each row of their record.
fn aux_columns<'py>(py: Python<'py>, records: &[AuxRecord]) -> PyResult<Bound<'py, PyDict>> {
    let none = deanon::dataset::AuxFact {
        item: String::new(),
        rating: None,
        day: None,
    };
    let facts: Vec<(&AuxRecord, &deanon::dataset::AuxFact)> = records
        .iter()
        .flat_map(|r| {
            let facts: Vec<&deanon::dataset::AuxFact> = if r.facts.is_empty() {
                vec![&none]
            } else {
                r.facts.iter().collect()
            };
            facts.into_iter().map(move |f| (r, f))
        })
        .collect();
    let out = PyDict::new(py);
    out.set_item("aux_id", PyList::new(py, facts.iter().map(|(r, _)| &r.id))?)?;
    out.set_item(
        "item",
        PyList::new(
            py,
            facts
                .iter()
                .map(|(_, f)| (!f.item.is_empty()).then_some(f.item.as_str())),
        )?,
    )?;
    let mut names: Vec<&str> = Vec::new();
    for r in records {
        for a in &r.attributes {
            if !names.contains(&a.name.as_str()) {
                names.push(&a.name);
            }
        }
    }
    for name in &names {
        let values = facts.iter().map(|(r, _)| {
            r.attributes
                .iter()
                .find(|a| a.name == *name)
                .map(|a| a.value.as_str())
        });
        out.set_item(*name, PyList::new(py, values)?)?;
    }
    out.set_item("attributes", PyList::new(py, names)?)?;
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

/// One attack parameter for Python: `(name, default, help, algorithms that read it)`.
type ParameterRow<'py> = (
    &'static str,
    Bound<'py, PyAny>,
    &'static str,
    Vec<&'static str>,
);

/// Every attack parameter of the registry: `(name, default, help, algorithms that read it)`, the
/// default an `int` for whole-number parameters (days, the seed), else a `float`.
#[pyfunction]
pub fn attack_parameters(py: Python<'_>) -> PyResult<Vec<ParameterRow<'_>>> {
    use pyo3::IntoPyObjectExt;
    deanon::attack::parameters()
        .iter()
        .map(|p| {
            let readers = deanon::attack::Algorithm::readers(p.name);
            let default = match p.default {
                Value::Whole(n) => n.into_bound_py_any(py)?,
                Value::Real(x) => x.into_bound_py_any(py)?,
            };
            Ok((p.name, default, p.help, readers))
        })
        .collect()
}

/// The library's defaults of what Python leaves out (`None`), by function: the values the
/// command line's flags default to.
#[pyfunction]
pub fn defaults(py: Python<'_>) -> PyResult<Bound<'_, PyDict>> {
    let out = PyDict::new(py);
    let table = |name: &str, entries: &[(&str, Bound<'_, PyAny>)]| -> PyResult<()> {
        let dict = PyDict::new(py);
        for (key, value) in entries {
            dict.set_item(*key, value)?;
        }
        out.set_item(name, dict)
    };
    use pyo3::IntoPyObjectExt;
    macro_rules! entries {
        ($($key:literal => $value:expr),* $(,)?) => {
            [$(($key, ($value).into_bound_py_any(py)?)),*]
        };
    }
    table(
        "from_pandas",
        &entries!["kind" => deanon::dataset::DatasetKind::default().name()],
    )?;
    let generate = deanon::dataset::generate::GenerateParams::new(
        deanon::dataset::generate::Preset::NetflixLike,
    );
    table("generate", &entries!["seed" => generate.seed])?;
    let aux = AuxParams::default();
    table(
        "sample_aux",
        &entries![
            "targets" => aux.targets,
            "items" => aux.items,
            "wrong" => aux.wrong,
            "rating_error" => aux.rating_error,
            "date_error" => aux.date_error,
            "select" => deanon::auxiliary::sampler::defaults::SELECT,
            "non_members" => aux.non_members,
            "count_error" => aux.count_error,
            "seed" => aux.seed,
        ],
    )?;
    let attack = &entries![
        "algorithm" => AttackParams::defaults().algorithm().name(),
        "bootstrap" => deanon::inference::RESAMPLES,
    ];
    table("attack", attack)?;
    table("infer", attack)?;
    let release = &entries!["seed" => deanon::release::defaults::SEED];
    table("release", release)?;
    table("utility", release)?;
    table(
        "sparsity",
        &entries![
            "sample" => deanon::dataset::sparsity::defaults::SAMPLE,
            "seed" => deanon::dataset::sparsity::defaults::SEED,
        ],
    )?;
    let unicity = deanon::dataset::unicity::UnicityParams::default();
    table(
        "unicity",
        &entries![
            "points" => unicity.points.clone(),
            "date_tol" => unicity.date_tol,
            "draws" => unicity.draws,
            "seed" => unicity.seed,
        ],
    )?;
    let audit = deanon::audit::AuditParams::default();
    table(
        "audit",
        &entries![
            "target_risk" => audit.target_risk,
            "sample" => audit.sample,
            "draws" => audit.draws,
            "seed" => audit.seed,
            "tuning" => audit.tuning,
            "epsilon_canaries" => audit.epsilon_canaries,
        ],
    )?;
    let cohort = deanon::cohort::CohortParams::new(deanon::cohort::Statement::Times {
        item: deanon::cohort::ANY_ITEM.to_string(),
        count: 1,
    });
    table(
        "cohort",
        &entries![
            "min_cell" => cohort.min_cell,
            "facts" => cohort.knowledge.facts,
            "date_error" => cohort.knowledge.date_error,
            "targets" => cohort.knowledge.targets,
            "draws" => cohort.knowledge.draws,
            "seed" => cohort.knowledge.seed,
        ],
    )?;
    Ok(out)
}

/// Attacks a release (`deanon attack`): `(columns of MATCHES.csv, the summary as a dict,
/// warnings)`. `bootstrap` is accepted as `deanon attack` accepts `--bootstrap`, and read by
/// nothing: the rates take Wilson's score interval.
#[pyfunction]
#[pyo3(signature = (release, aux_id, item, rating=None, date=None, true_user=None, count=None,
    key=None, item_map=None, algorithm=None, parameters=None, bootstrap=None, informed=false,
    threads=None, attributes=None))]
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
    bootstrap: Option<usize>,
    informed: bool,
    threads: Option<usize>,
    attributes: Option<Vec<(String, Vec<Option<String>>)>>,
) -> PyResult<(Bound<'py, PyDict>, Bound<'py, PyAny>, Vec<String>)> {
    let params = attack_params(algorithm, parameters)?;
    let _ = bootstrap;
    let aux = aux_records(
        aux_id,
        item,
        [rating, date, true_user],
        count,
        attributes.as_deref(),
    )?;
    let key = key_of(key);
    let item_map = item_map.map(|c| ItemMap::from_pairs(zipped(c)));
    let data = release.data.clone();
    let (outcomes, report) = detached(py, threads, || {
        deanon::jobs::attack_in_memory(
            &data,
            aux,
            key.as_ref(),
            item_map.as_ref(),
            &params,
            informed,
        )
        .map_err(informed_error)
    })?;
    let summary = to_python(py, &report.summary)?;
    Ok((matches_columns(py, &outcomes)?, summary, report.warnings))
}

/// An aux table's attribute columns: each attribute's name and values (none: missing).
type AttributeColumns = [(String, Vec<Option<String>>)];

/// The aux records of an aux table's columns (`rating`, `date` and `true_user` optional), with
/// the aux file's checks.
fn aux_records<'py>(
    aux_id: &Bound<'py, PyAny>,
    item: &Bound<'py, PyAny>,
    [rating, date, true_user]: [Option<&Bound<'py, PyAny>>; 3],
    count: Option<numpy::PyReadonlyArray1<'py, f64>>,
    attributes: Option<&AttributeColumns>,
) -> PyResult<Vec<AuxRecord>> {
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
        attributes: attributes.unwrap_or_default(),
    };
    records_from_columns(&columns).map_err(to_py)
}

/// What linking reveals (`deanon infer`): the report as a dict. The secret is
/// `sensitive_items` (item ids) or `sensitive_attribute` (a people-table attribute).
#[pyfunction]
#[pyo3(signature = (release, original, aux_id, item, key, rating=None, date=None, true_user=None,
    count=None, sensitive_items=None, sensitive_attribute=None, algorithm=None, parameters=None,
    bootstrap=None, informed=false, threads=None, attributes=None))]
#[allow(clippy::too_many_arguments)]
pub fn infer<'py>(
    py: Python<'py>,
    release: &NativeDataset,
    original: &NativeDataset,
    aux_id: &Bound<'py, PyAny>,
    item: &Bound<'py, PyAny>,
    key: Pairs,
    rating: Option<&Bound<'py, PyAny>>,
    date: Option<&Bound<'py, PyAny>>,
    true_user: Option<&Bound<'py, PyAny>>,
    count: Option<numpy::PyReadonlyArray1<'py, f64>>,
    sensitive_items: Option<Vec<String>>,
    sensitive_attribute: Option<String>,
    algorithm: Option<&str>,
    parameters: Option<&Bound<'py, PyDict>>,
    bootstrap: Option<usize>,
    informed: bool,
    threads: Option<usize>,
    attributes: Option<Vec<(String, Vec<Option<String>>)>>,
) -> PyResult<(Bound<'py, PyAny>, Vec<String>)> {
    let params = attack_params(algorithm, parameters)?;
    let resamples = bootstrap.unwrap_or(deanon::inference::RESAMPLES);
    let sensitive = sensitive_of(sensitive_items, sensitive_attribute)?.ok_or_else(|| {
        invalid(
            "give exactly one of sensitive_items (item ids) and sensitive_attribute (an attribute name)",
        )
    })?;
    let aux = aux_records(
        aux_id,
        item,
        [rating, date, true_user],
        count,
        attributes.as_deref(),
    )?;
    let key = ReleaseKey::from_pairs(zipped(key));
    let (data, original) = (release.data.clone(), original.data.clone());
    let (report, warnings) = detached(py, threads, || {
        let secret = deanon::inference::Secret::resolve(&sensitive, &original, &data)?;
        deanon::jobs::infer_records(
            &data, &original, aux, &key, &secret, &params, informed, resamples,
        )
        .map_err(|e| match informed_error(e) {
            deanon::Error::Parameter {
                name: "aux",
                message,
            } => deanon::Error::InvalidArgument(format!("the aux table: {message}")),
            e => e,
        })
    })?;
    Ok((to_python(py, &report)?, warnings))
}

/// A release without a recorded policy, for `informed=True`, said in Python's terms.
fn informed_error(e: deanon::Error) -> deanon::Error {
    match e {
        deanon::Error::UnreadablePolicy(message) => {
            deanon::Error::InvalidArgument(format!("informed=True: the release {message}"))
        }
        e => e,
    }
}

/// The secret Python names: `sensitive_items` (item ids) or `sensitive_attribute`; `None` for
/// neither, an error for both or an empty list.
pub(crate) fn sensitive_of(
    items: Option<Vec<String>>,
    attribute: Option<String>,
) -> PyResult<Option<deanon::inference::Sensitive>> {
    use deanon::inference::Sensitive;
    match (items, attribute) {
        (Some(items), None) => Sensitive::from_list(items).map(Some).map_err(to_py),
        (None, Some(name)) => Ok(Some(Sensitive::Attribute(name))),
        (None, None) => Ok(None),
        (Some(_), Some(_)) => Err(invalid(
            "give at most one of sensitive_items and sensitive_attribute",
        )),
    }
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
    if outcomes.iter().any(|o| o.m.posterior.is_some()) {
        let posterior = floats(|m| m.posterior.unwrap_or(f64::NAN));
        out.set_item("posterior", PyArray1::from_vec(py, posterior))?;
    }
    Ok(out)
}

/// Unicity (`deanon unicity`): the command's CSV columns (`knowledge`, `points`, `date_tol`,
/// `people`, `draws`, `unique` as text and int64, `unicity`, `unicity_lo`, `unicity_hi` as
/// float64, NaN where blank, `attributes` as text). Parameters left out take [`UnicityParams::default`]'s values
/// (`knowledge` empty: every kind the data holds).
///
/// [`UnicityParams::default`]: deanon::dataset::unicity::UnicityParams
#[pyfunction]
#[pyo3(signature = (data, points=None, knowledge=None, date_tol=None, sample=None, draws=None,
    seed=None, threads=None, attributes=None))]
#[allow(clippy::too_many_arguments)]
pub fn unicity<'py>(
    py: Python<'py>,
    data: &NativeDataset,
    points: Option<Vec<usize>>,
    knowledge: Option<Vec<String>>,
    date_tol: Option<u32>,
    sample: Option<usize>,
    draws: Option<usize>,
    seed: Option<u64>,
    threads: Option<usize>,
    attributes: Option<Vec<String>>,
) -> PyResult<Bound<'py, PyDict>> {
    use deanon::dataset::unicity::{Knowledge, UnicityParams, measure};
    let d = UnicityParams::default();
    let knowledge = match knowledge {
        Some(names) => names
            .iter()
            .map(|k| k.parse::<Knowledge>())
            .collect::<deanon::Result<Vec<_>>>()
            .map_err(to_py)?,
        None => d.knowledge.clone(),
    };
    let params = UnicityParams {
        points: points.unwrap_or_else(|| d.points.clone()),
        knowledge,
        date_tol: date_tol.unwrap_or(d.date_tol),
        sample: sample.or(d.sample),
        draws: draws.unwrap_or(d.draws),
        seed: seed.unwrap_or(d.seed),
        attributes: attributes.unwrap_or_default(),
    };
    let dataset = data.data.clone();
    let rows = detached(py, threads, move || measure(&dataset, &params))?;
    let out = PyDict::new(py);
    let whole = |f: fn(&deanon::dataset::unicity::UnicityRow) -> usize| -> Vec<i64> {
        rows.iter().map(|r| f(r) as i64).collect()
    };
    let real = |f: fn(&deanon::dataset::unicity::UnicityRow) -> Option<f64>| -> Vec<f64> {
        rows.iter().map(|r| f(r).unwrap_or(f64::NAN)).collect()
    };
    out.set_item(
        "knowledge",
        PyList::new(py, rows.iter().map(|r| r.knowledge.name()))?,
    )?;
    out.set_item("points", PyArray1::from_vec(py, whole(|r| r.points)))?;
    out.set_item(
        "date_tol",
        PyArray1::from_vec(py, whole(|r| r.date_tol as usize)),
    )?;
    out.set_item("people", PyArray1::from_vec(py, whole(|r| r.people)))?;
    out.set_item("draws", PyArray1::from_vec(py, whole(|r| r.draws)))?;
    out.set_item("unique", PyArray1::from_vec(py, whole(|r| r.unique)))?;
    out.set_item("unicity", PyArray1::from_vec(py, real(|r| r.unicity)))?;
    out.set_item("unicity_lo", PyArray1::from_vec(py, real(|r| r.unicity_lo)))?;
    out.set_item("unicity_hi", PyArray1::from_vec(py, real(|r| r.unicity_hi)))?;
    out.set_item(
        "attributes",
        PyList::new(py, rows.iter().map(|r| r.attributes.as_str()))?,
    )?;
    Ok(out)
}

/// The sparsity curve (`deanon sparsity`): the command's CSV columns `x`, `items_only`,
/// `exact_ratings` (float64).
#[pyfunction]
#[pyo3(signature = (data, sample=None, seed=None, threads=None))]
pub fn sparsity<'py>(
    py: Python<'py>,
    data: &NativeDataset,
    sample: Option<usize>,
    seed: Option<u64>,
    threads: Option<usize>,
) -> PyResult<Bound<'py, PyDict>> {
    use deanon::dataset::sparsity::defaults;
    let (sample, seed) = (
        sample.unwrap_or(defaults::SAMPLE),
        seed.unwrap_or(defaults::SEED),
    );
    let dataset = data.data.clone();
    let curve = detached(py, threads, move || {
        Ok(deanon::dataset::sparsity::measure(&dataset, sample, seed).curve())
    })?;
    let out = PyDict::new(py);
    // The command writes x with two decimals: k / 100 is the float nearest that text.
    out.set_item(
        "x",
        PyArray1::from_vec(py, curve.iter().map(|c| c.0).collect()),
    )?;
    out.set_item(
        "items_only",
        PyArray1::from_vec(py, curve.iter().map(|c| c.1).collect()),
    )?;
    out.set_item(
        "exact_ratings",
        PyArray1::from_vec(py, curve.iter().map(|c| c.2).collect()),
    )?;
    Ok(out)
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

/// What a published statement about a group reveals (`deanon cohort`): the report as a dict.
/// Parameters left out take [`CohortParams::new`]'s values.
///
/// [`CohortParams::new`]: deanon::cohort::CohortParams::new
#[pyfunction]
#[pyo3(signature = (data, item=None, streak=None, times=None, any_of=None, at_least=None,
    from_date=None, to_date=None, min_cell=None, epsilon=None, facts=None, date_error=None,
    targets=None, draws=None, seed=None, threads=None))]
#[allow(clippy::too_many_arguments)]
pub fn cohort<'py>(
    py: Python<'py>,
    data: &NativeDataset,
    item: Option<String>,
    streak: Option<u32>,
    times: Option<u32>,
    any_of: Option<Vec<String>>,
    at_least: Option<u32>,
    from_date: Option<String>,
    to_date: Option<String>,
    min_cell: Option<u64>,
    epsilon: Option<f64>,
    facts: Option<usize>,
    date_error: Option<u32>,
    targets: Option<usize>,
    draws: Option<usize>,
    seed: Option<u64>,
    threads: Option<usize>,
) -> PyResult<Bound<'py, PyAny>> {
    use deanon::cohort::{CohortParams, Statement};
    let statement =
        Statement::from_options(item, streak, times, any_of, at_least).map_err(to_py)?;
    let mut params = CohortParams::new(statement);
    params.from = from_date;
    params.to = to_date;
    params.epsilon = epsilon;
    params.min_cell = min_cell.unwrap_or(params.min_cell);
    let k = &mut params.knowledge;
    k.facts = facts.unwrap_or(k.facts);
    k.date_error = date_error.unwrap_or(k.date_error);
    k.targets = targets.unwrap_or(k.targets);
    k.draws = draws.unwrap_or(k.draws);
    k.seed = seed.unwrap_or(k.seed);
    let dataset = data.data.clone();
    let report = detached(py, threads, move || {
        deanon::cohort::analyse(&dataset, &params)
    })?;
    to_python(py, &report)
}
