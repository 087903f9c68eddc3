//! `NativeDataset`: a [`deanon::Dataset`] held by Python (opened by memory map, generated, built
//! from columns or released), with its path when it came from a store file; and the functions
//! that make one.

use std::path::PathBuf;
use std::sync::Arc;

use numpy::{IntoPyArray, PyArray1};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};

use deanon::Dataset;
use deanon::dataset::import::columns::{Columns, import_columns_declared};
use deanon::dataset::import::declared::{self, Catalogue};
use deanon::dataset::import::people_file::PeopleFile;
use deanon::dataset::{DatasetKind, store};

use crate::columns::{Column, Pairs, optional, present};
use crate::convert::to_python;
use crate::errors::to_py;
use crate::run::detached;

/// A data set in the engine's layout.
#[pyclass(module = "deanon._native", frozen)]
pub struct NativeDataset {
    pub data: Arc<Dataset>,
    /// The store it was opened from, if any (the audit and experiments read stores).
    pub path: Option<PathBuf>,
}

impl NativeDataset {
    pub fn new(data: Dataset, path: Option<PathBuf>) -> Self {
        NativeDataset {
            data: Arc::new(data),
            path,
        }
    }
}

/// The kind named `name`; the library's default kind when `None`.
fn kind_of(name: Option<&str>) -> PyResult<DatasetKind> {
    name.map_or(Ok(DatasetKind::default()), |name| {
        name.parse::<DatasetKind>().map_err(to_py)
    })
}

/// `from_columns`'s keywords besides the columns: the people table, the declared catalogue
/// (item ids) and the declared rating scale (`MIN..MAX[/STEP]`).
#[derive(Default, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
struct FromColumnsKeywords {
    people: Option<PeopleColumns>,
    items: Option<Vec<String>>,
    rating_scale: Option<String>,
}

/// Builds a data set from the `(tag, values)` columns `user` and `item`, and `rating` and
/// `date` where `columns` has them (see `columns`); `params` are [`FromColumnsKeywords`]'
/// fields.
#[pyfunction]
#[pyo3(signature = (kind, columns, threads=None, **params))]
pub fn from_columns(
    py: Python<'_>,
    kind: Option<&str>,
    columns: &Bound<'_, PyDict>,
    threads: Option<usize>,
    params: Option<&Bound<'_, PyDict>>,
) -> PyResult<NativeDataset> {
    let keywords: FromColumnsKeywords = crate::keywords::read("from_columns", params)?;
    let catalogue = keywords
        .items
        .map(|items| Catalogue::from_items(items, "items"))
        .transpose()
        .map_err(to_py)?;
    let scale = keywords
        .rating_scale
        .as_deref()
        .map(declared::parse_scale)
        .transpose()
        .map_err(|m| to_py(deanon::Error::InvalidArgument(format!("rating_scale: {m}"))))?;
    let kind = kind_of(kind)?;
    let needed = |name: &str| {
        present(columns, name)?
            .ok_or_else(|| crate::errors::invalid(format!("from_columns needs {name}")))
    };
    let (user, item) = (needed("user")?, needed("item")?);
    let (rating, date) = (present(columns, "rating")?, present(columns, "date")?);
    let user = Column::extract("user", &user)?;
    let item = Column::extract("item", &item)?;
    let rating = optional("rating", rating.as_ref())?;
    let date = optional("date", date.as_ref())?;
    let columns = Columns {
        user: user.ids()?,
        item: item.ids()?,
        rating: rating.as_ref().map(Column::ratings).transpose()?,
        date: date.as_ref().map(Column::dates).transpose()?,
    };
    let people = keywords
        .people
        .map(|(users, names, values)| PeopleFile::from_rows(users, names, values))
        .transpose()
        .map_err(to_py)?;
    let data = detached(py, threads, || {
        import_columns_declared(kind, &columns, people, catalogue.as_ref(), scale)
    })?;
    Ok(NativeDataset::new(data, None))
}

/// A people table from Python: user ids, attribute names, and per attribute each user's value
/// (`None`: missing), all as text.
type PeopleColumns = (Vec<String>, Vec<String>, Vec<Vec<Option<String>>>);

/// Opens a `.deanon` store.
#[pyfunction]
pub fn open(py: Python<'_>, path: PathBuf) -> PyResult<NativeDataset> {
    let data = detached(py, None, || store::open(&path))?;
    Ok(NativeDataset::new(data, Some(path)))
}

/// Generates a synthetic data set; `users` and `seed` left out take [`GenerateParams::new`]'s
/// (the preset's size, the library's seed).
///
/// [`GenerateParams::new`]: deanon::dataset::generate::GenerateParams::new
#[pyfunction]
#[pyo3(signature = (preset, users=None, seed=None, threads=None))]
pub fn generate(
    py: Python<'_>,
    preset: &str,
    users: Option<usize>,
    seed: Option<u64>,
    threads: Option<usize>,
) -> PyResult<NativeDataset> {
    use deanon::dataset::generate::{GenerateParams, Preset};
    let preset: Preset = preset.parse().map_err(to_py)?;
    let mut params = GenerateParams::new(preset);
    params.users = users.or(params.users);
    params.seed = seed.unwrap_or(params.seed);
    let data = detached(py, threads, || deanon::dataset::generate::generate(&params))?;
    Ok(NativeDataset::new(data, None))
}

/// Ids of one axis per entry: int64 when every id is a canonical number, else codes and the
/// ids as text (the caller takes them, which costs one object per distinct id, not per entry).
fn ids_column<'py>(
    py: Python<'py>,
    table: &deanon::dataset::IdTable,
    codes: Vec<u32>,
) -> PyResult<Bound<'py, PyAny>> {
    let numbers: Option<Vec<i64>> = (0..table.len())
        .map(|i| {
            deanon::dataset::ids::canonical_number(table.get(i).as_bytes())
                .and_then(|n| i64::try_from(n).ok())
        })
        .collect();
    match numbers {
        Some(numbers) => {
            let per_entry: Vec<i64> = codes.iter().map(|&c| numbers[c as usize]).collect();
            Ok(per_entry.into_pyarray(py).into_any())
        }
        None => {
            let names = PyList::new(py, (0..table.len()).map(|i| table.get(i)))?;
            Ok((codes.into_pyarray(py), names)
                .into_pyobject(py)?
                .into_any())
        }
    }
}

#[pymethods]
impl NativeDataset {
    /// Saves the store to `path` (atomically); never over the store it was opened from.
    fn save(&self, py: Python<'_>, path: PathBuf) -> PyResult<()> {
        let data = self.data.clone();
        let source = self.path.clone();
        detached(py, None, move || {
            deanon::file_roles::FileRoles::new()
                .maybe_input("the store it was opened from", source.as_deref())
                .output("path", &path)
                .check()?;
            store::save(&data, &path)
        })
    }

    /// What `deanon info --json` prints, as a dict.
    fn info<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let data = self.data.clone();
        let summary = detached(py, None, move || {
            Ok(deanon::dataset::summary::summarize(&data))
        })?;
        to_python(py, &summary)
    }

    /// The columns in record order, then item, then day (as `deanon export` writes them):
    /// a dict of `user`, `item` (see `ids_column`), `rating` (float64 stars, NaN missing),
    /// `date` (int64 days, minimum for missing).
    fn columns<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let data = self.data.clone();
        let (users, items, ratings, days) = detached(py, None, move || {
            let n = data.num_entries();
            let (mut users, mut items) = (Vec::with_capacity(n), Vec::with_capacity(n));
            let mut ratings = data.has_ratings().then(|| Vec::with_capacity(n));
            let mut days = data.has_dates().then(|| Vec::with_capacity(n));
            for r in 0..data.num_records() {
                let entries = data.record(r as u32);
                for k in 0..entries.len() {
                    users.push(r as u32);
                    items.push(entries.keys[k]);
                    if let Some(v) = ratings.as_mut() {
                        v.push(entries.rating(k).map_or(f64::NAN, |x| x.stars()));
                    }
                    if let Some(v) = days.as_mut() {
                        v.push(entries.day(k).map_or(i64::MIN, i64::from));
                    }
                }
            }
            Ok((users, items, ratings, days))
        })?;
        let out = PyDict::new(py);
        out.set_item("user", ids_column(py, self.data.record_ids(), users)?)?;
        out.set_item("item", ids_column(py, self.data.item_ids(), items)?)?;
        if let Some(v) = ratings {
            out.set_item("rating", PyArray1::from_vec(py, v))?;
        }
        if let Some(v) = days {
            out.set_item("date", PyArray1::from_vec(py, v))?;
        }
        Ok(out)
    }

    /// The people table: `None` without one, else a dict of `user` (see `ids_column`, one per
    /// record) and each attribute's values as a list of text or `None`, in the table's order,
    /// with `names` (the attributes in order) and `numeric` (those whose values are integers).
    fn people<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyDict>>> {
        let people = self.data.people();
        if people.is_empty() {
            return Ok(None);
        }
        let out = PyDict::new(py);
        let records: Vec<u32> = (0..self.data.num_records() as u32).collect();
        out.set_item("user", ids_column(py, self.data.record_ids(), records)?)?;
        let mut numeric = Vec::new();
        for a in people.attributes() {
            let values: Vec<Option<&str>> = (0..self.data.num_records())
                .map(|r| a.value_of(r))
                .collect();
            out.set_item(a.name, PyList::new(py, values)?)?;
            if a.is_numeric() {
                numeric.push(a.name);
            }
        }
        out.set_item("names", PyList::new(py, people.names())?)?;
        out.set_item("numeric", PyList::new(py, numeric)?)?;
        Ok(Some(out))
    }

    /// Applies a release policy: `(released, (released_ids, original_ids))`, the key's two
    /// columns sorted by released id as the key file lists them.
    #[pyo3(signature = (policy, seed=None, threads=None))]
    fn release(
        &self,
        py: Python<'_>,
        policy: &str,
        seed: Option<u64>,
        threads: Option<usize>,
    ) -> PyResult<(NativeDataset, Pairs)> {
        let seed = seed.unwrap_or(deanon::release::defaults::SEED);
        let data = self.data.clone();
        let policy = policy.to_string();
        let released = detached(py, threads, move || {
            deanon::jobs::release_in_memory(&data, &policy, seed)
        })?;
        let key = released.key.pairs_sorted().into_iter().unzip();
        Ok((NativeDataset::new(released.data, None), key))
    }

    /// The utility report of a policy (`deanon release --utility`), as a dict.
    #[pyo3(signature = (policy, seed=None, threads=None))]
    fn utility<'py>(
        &self,
        py: Python<'py>,
        policy: &str,
        seed: Option<u64>,
        threads: Option<usize>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let seed = seed.unwrap_or(deanon::release::defaults::SEED);
        let data = self.data.clone();
        let policy = policy.to_string();
        let utility = detached(py, threads, move || {
            deanon::jobs::utility_in_memory(&data, &policy, seed)
        })?;
        to_python(py, &utility)
    }

    /// The store's fingerprint (equal fingerprints: equal data sets).
    fn fingerprint(&self, py: Python<'_>) -> PyResult<String> {
        let data = self.data.clone();
        detached(py, None, move || Ok(store::fingerprint(&data)))
    }

    #[getter]
    fn num_records(&self) -> usize {
        self.data.num_records()
    }

    #[getter]
    fn num_items(&self) -> usize {
        self.data.num_items()
    }

    #[getter]
    fn num_entries(&self) -> usize {
        self.data.num_entries()
    }

    #[getter]
    fn kind(&self) -> &'static str {
        self.data.kind().name()
    }

    #[getter]
    fn path(&self) -> Option<PathBuf> {
        self.path.clone()
    }
}
