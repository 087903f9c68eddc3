//! Keyword arguments as one struct: each engine function takes its parameters as Python
//! keywords (`**params`), read by serde (pythonize) into the library's parameter struct where it
//! has one (`AuxParams`, `UnicityParams`) or into the function's own keyword struct beside it.
//! A keyword is then declared once, with its type, instead of as one more function argument;
//! one left out, or given as `None`, takes the struct's default (the library's).

use pyo3::prelude::*;
use pyo3::types::PyDict;
use serde::de::DeserializeOwned;

use crate::errors::invalid;

/// `keywords` (none: every default) as `T`, those given as `None` left out. A keyword that `T`
/// does not have, or a value of the wrong type, is a `DeanonError` naming `function`.
pub fn read<T: DeserializeOwned + Default>(
    function: &str,
    keywords: Option<&Bound<'_, PyDict>>,
) -> PyResult<T> {
    let Some(keywords) = keywords else {
        return Ok(T::default());
    };
    let given = PyDict::new(keywords.py());
    for (name, value) in keywords.iter() {
        if !value.is_none() {
            given.set_item(name, value)?;
        }
    }
    let mut keywords = pythonize::Depythonizer::from_object(given.as_any());
    serde_path_to_error::deserialize(&mut keywords).map_err(|e| {
        let (keyword, problem) = (e.path().to_string(), e.inner().to_string());
        // An unknown keyword's message, and the library's own, name it already.
        if keyword == "."
            || problem.starts_with(&format!("{keyword} "))
            || problem.contains(&format!("`{keyword}`"))
        {
            invalid(format!("{function}: {problem}"))
        } else {
            invalid(format!("{function}: {keyword}: {problem}"))
        }
    })
}
