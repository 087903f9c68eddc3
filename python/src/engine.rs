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
use deanon::auxiliary::sampler::AuxParams;
use deanon::dataset::{AuxRecord, ReleaseKey};
use deanon::linkage::Executor;

use crate::columns::{Column, Pairs, optional, present};
use crate::convert::to_python;
use crate::dataset::NativeDataset;
use crate::errors::{invalid, to_py};
use crate::keywords;
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
/// `params` are [`AuxParams`]'s fields by name (`attribute_error`: `(name, E)` pairs); those
/// left out take its defaults.
#[pyfunction]
#[pyo3(signature = (data, key=None, threads=None, **params))]
pub fn sample_aux<'py>(
    py: Python<'py>,
    data: &NativeDataset,
    key: Option<Pairs>,
    threads: Option<usize>,
    params: Option<&Bound<'py, PyDict>>,
) -> PyResult<(Bound<'py, PyDict>, usize)> {
    let params: AuxParams = keywords::read("sample_aux", params)?;
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

/// `attack`'s keywords besides the algorithm's parameters: the release key and item map (two
/// columns of text each), `bootstrap` (accepted as `deanon attack` accepts `--bootstrap`, and
/// read by nothing: the rates take Wilson's score interval) and `informed`.
#[derive(Default, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
struct AttackKeywords {
    key: Option<Pairs>,
    item_map: Option<Pairs>,
    algorithm: Option<String>,
    bootstrap: Option<usize>,
    informed: bool,
}

/// Attacks a release (`deanon attack`) with the aux table's columns `aux` (`aux_id`, `item`,
/// and `rating`, `date`, `true_user`, `count`, `attributes` where it has them): `(columns of
/// MATCHES.csv, the summary as a dict, warnings)`. `parameters` are the algorithm's (name ->
/// number), `params` [`AttackKeywords`]' fields.
#[pyfunction]
#[pyo3(signature = (release, aux, parameters=None, threads=None, **params))]
pub fn attack<'py>(
    py: Python<'py>,
    release: &NativeDataset,
    aux: &Bound<'py, PyDict>,
    parameters: Option<&Bound<'py, PyDict>>,
    threads: Option<usize>,
    params: Option<&Bound<'py, PyDict>>,
) -> PyResult<(Bound<'py, PyDict>, Bound<'py, PyAny>, Vec<String>)> {
    let keywords: AttackKeywords = keywords::read("attack", params)?;
    let params = attack_params(keywords.algorithm.as_deref(), parameters)?;
    let _ = keywords.bootstrap;
    let aux = aux_records(aux)?;
    let key = key_of(keywords.key);
    let item_map = keywords.item_map.map(|c| ItemMap::from_pairs(zipped(c)));
    let informed = keywords.informed;
    let data = release.data.clone();
    let (outcomes, report) = detached(py, threads, || {
        let adversary = deanon::jobs::Adversary {
            params: &params,
            informed,
        };
        deanon::jobs::attack_in_memory(&data, aux, key.as_ref(), item_map.as_ref(), adversary)
            .map_err(informed_error)
    })?;
    let summary = to_python(py, &report.summary)?;
    Ok((matches_columns(py, &outcomes)?, summary, report.warnings))
}

/// An aux table's attribute columns: each attribute's name and values (none: missing).
type AttributeColumns = Vec<(String, Vec<Option<String>>)>;

/// The aux records of an aux table's columns (`aux_id` and `item`; `rating`, `date`,
/// `true_user`, `count` and `attributes` optional), with the aux file's checks.
fn aux_records(aux: &Bound<'_, PyDict>) -> PyResult<Vec<AuxRecord>> {
    let required = |name: &str| {
        present(aux, name)?.ok_or_else(|| invalid(format!("the aux table needs the column {name}")))
    };
    let (aux_id, item) = (required("aux_id")?, required("item")?);
    let aux_id = Column::extract("aux_id", &aux_id)?;
    let item = Column::extract("item", &item)?;
    let rating = optional("rating", present(aux, "rating")?.as_ref())?;
    let date = optional("date", present(aux, "date")?.as_ref())?;
    let true_user = optional("true_user", present(aux, "true_user")?.as_ref())?;
    let count: Option<numpy::PyReadonlyArray1<'_, f64>> =
        present(aux, "count")?.map(|c| c.extract()).transpose()?;
    let attributes: Option<AttributeColumns> = present(aux, "attributes")?
        .map(|c| c.extract())
        .transpose()?;
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
        attributes: attributes.as_deref().unwrap_or_default(),
    };
    records_from_columns(&columns).map_err(to_py)
}

/// `infer`'s keywords besides the algorithm's parameters: the release key (required), the secret (`sensitive_items`, item
/// ids, or `sensitive_attribute`, a people-table attribute), `bootstrap` (resamples of the
/// risk's interval) and `informed`.
#[derive(Default, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
struct InferKeywords {
    key: Option<Pairs>,
    sensitive_items: Option<Vec<String>>,
    sensitive_attribute: Option<String>,
    algorithm: Option<String>,
    bootstrap: Option<usize>,
    informed: bool,
}

/// What linking reveals (`deanon infer`) of `release` (made from `original`) to the aux table's
/// columns `aux` (as [`attack`] takes them): the report as a dict.
/// `parameters` are the algorithm's, `params` [`InferKeywords`]' fields.
#[pyfunction]
#[pyo3(signature = (release, original, aux, parameters=None, threads=None, **params))]
pub fn infer<'py>(
    py: Python<'py>,
    release: &NativeDataset,
    original: &NativeDataset,
    aux: &Bound<'py, PyDict>,
    parameters: Option<&Bound<'py, PyDict>>,
    threads: Option<usize>,
    params: Option<&Bound<'py, PyDict>>,
) -> PyResult<(Bound<'py, PyAny>, Vec<String>)> {
    let keywords: InferKeywords = keywords::read("infer", params)?;
    let params = attack_params(keywords.algorithm.as_deref(), parameters)?;
    let resamples = keywords.bootstrap.unwrap_or(deanon::inference::RESAMPLES);
    let sensitive = sensitive_of(keywords.sensitive_items, keywords.sensitive_attribute)?
        .ok_or_else(|| {
            invalid(
                "give exactly one of sensitive_items (item ids) and sensitive_attribute (an attribute name)",
            )
        })?;
    let aux = aux_records(aux)?;
    let key = keywords
        .key
        .map(|pairs| ReleaseKey::from_pairs(zipped(pairs)))
        .ok_or_else(|| invalid("infer needs the release key (key=)"))?;
    let informed = keywords.informed;
    let (data, original) = (release.data.clone(), original.data.clone());
    let (report, warnings) = detached(py, threads, || {
        let secret = deanon::inference::Secret::resolve(&sensitive, &original, &data)?;
        let adversary = deanon::jobs::Adversary {
            params: &params,
            informed,
        };
        deanon::jobs::infer_records((&data, &original, &key), aux, &secret, adversary, resamples)
            .map_err(|e| match informed_error(e) {
                deanon::Error::Parameter {
                    name: "aux",
                    message,
                } => deanon::Error::InvalidArgument(format!("the aux table: {message}")),
                deanon::Error::NoControl => deanon::Error::InvalidArgument(format!(
                    "the aux table: {}",
                    deanon::Error::NoControl
                )),
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
/// float64, NaN where blank, `attributes` as text). `params` are [`UnicityParams`]'s fields by
/// name; those left out take [`UnicityParams::default`]'s values (`knowledge` empty: every kind
/// the data holds).
///
/// [`UnicityParams::default`]: deanon::dataset::unicity::UnicityParams
#[pyfunction]
#[pyo3(signature = (data, threads=None, **params))]
pub fn unicity<'py>(
    py: Python<'py>,
    data: &NativeDataset,
    threads: Option<usize>,
    params: Option<&Bound<'py, PyDict>>,
) -> PyResult<Bound<'py, PyDict>> {
    use deanon::dataset::unicity::{UnicityParams, measure};
    let params: UnicityParams = keywords::read("unicity", params)?;
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
/// `params` are [`CohortOptions`]' fields, the library's.
///
/// [`CohortOptions`]: deanon::cohort::CohortOptions
#[pyfunction]
#[pyo3(signature = (data, threads=None, **params))]
pub fn cohort<'py>(
    py: Python<'py>,
    data: &NativeDataset,
    threads: Option<usize>,
    params: Option<&Bound<'py, PyDict>>,
) -> PyResult<Bound<'py, PyAny>> {
    let params = keywords::read::<deanon::cohort::CohortOptions>("cohort", params)?
        .params()
        .map_err(to_py)?;
    let dataset = data.data.clone();
    let report = detached(py, threads, move || {
        deanon::cohort::analyse(&dataset, &params)
    })?;
    to_python(py, &report)
}
