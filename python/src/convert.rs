//! The library's serializable results (summaries, reports, the audit) as Python objects, with
//! no JSON text in between: what `json.loads` would make of their JSON (dicts in field order,
//! `None` for NaN and the infinities, which JSON writes as `null`), built by pythonize from
//! serde_json's value of them.

use pyo3::prelude::*;
use serde::Serialize;

use crate::errors::invalid;

/// `value` as the Python object of its JSON form.
pub fn to_python<'py, T: Serialize + ?Sized>(
    py: Python<'py>,
    value: &T,
) -> PyResult<Bound<'py, PyAny>> {
    let json = serde_json::to_value(value).map_err(|e| invalid(e.to_string()))?;
    pythonize::pythonize(py, &json).map_err(PyErr::from)
}
