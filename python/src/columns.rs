//! Columns handed over by the Python package as `(tag, values)` pairs: numpy arrays are borrowed
//! in place (no copy), text columns arrive as lists of `str`/`None`. The tags:
//! ids `int` (int64), `float` (float64), `str`; ratings `stars` (float64), `str`; dates `days`
//! (int64 days since 1970, NaT as the minimum), `seconds` (int64), `seconds_float` (float64),
//! `str`. Each owned form lends one of the library's borrowed views (`deanon::dataset::import::columns`).

use numpy::PyReadonlyArray1;
use pyo3::prelude::*;
use pyo3::types::PyDict;

use deanon::dataset::import::columns::{Dates, Ids, Ratings};

use crate::errors::invalid;

/// The entry `name` of `columns`, if it is there and not `None`.
pub fn present<'py>(
    columns: &Bound<'py, PyDict>,
    name: &str,
) -> PyResult<Option<Bound<'py, PyAny>>> {
    Ok(columns.get_item(name)?.filter(|c| !c.is_none()))
}

/// Two columns of text (a release key, an item map): the first and second values of each pair.
pub type Pairs = (Vec<String>, Vec<String>);

/// A borrowed numpy array or an extracted list of text.
enum Data<'py> {
    Int(PyReadonlyArray1<'py, i64>),
    Float(PyReadonlyArray1<'py, f64>),
    Text(Vec<Option<String>>),
}

/// A column as handed over: its tag and its values. The tag decides which view the library
/// gets ([`Column::ids`], [`Column::ratings`], [`Column::dates`]).
pub struct Column<'py> {
    tag: String,
    data: Data<'py>,
}

impl<'py> Column<'py> {
    /// Reads a `(tag, values)` pair; `name` is the column's name for messages.
    pub fn extract(name: &str, pair: &Bound<'py, PyAny>) -> PyResult<Column<'py>> {
        let (tag, values): (String, Bound<'py, PyAny>) = pair.extract()?;
        let data = match tag.as_str() {
            "int" | "days" | "seconds" => Data::Int(values.extract()?),
            "float" | "stars" | "seconds_float" => Data::Float(values.extract()?),
            "str" => Data::Text(values.extract()?),
            other => return Err(invalid(format!("column {name}: unknown form '{other}'"))),
        };
        Ok(Column { tag, data })
    }

    /// An id column.
    pub fn ids(&self) -> PyResult<Ids<'_>> {
        Ok(match self.tag.as_str() {
            "int" => Ids::Int(self.ints()?),
            "float" => Ids::Float(self.floats()?),
            _ => Ids::Text(self.texts()?),
        })
    }

    /// A rating column.
    pub fn ratings(&self) -> PyResult<Ratings<'_>> {
        Ok(match self.tag.as_str() {
            "stars" | "float" => Ratings::Stars(self.floats()?),
            "int" => Ratings::Int(self.ints()?),
            _ => Ratings::Text(self.texts()?),
        })
    }

    /// A date column.
    pub fn dates(&self) -> PyResult<Dates<'_>> {
        Ok(match self.tag.as_str() {
            "days" => Dates::Days(self.ints()?),
            "seconds" | "int" => Dates::UnixSeconds(self.ints()?),
            "seconds_float" | "float" => Dates::UnixSecondsFloat(self.floats()?),
            _ => Dates::Text(self.texts()?),
        })
    }

    fn ints(&self) -> PyResult<&[i64]> {
        match &self.data {
            Data::Int(a) => a
                .as_slice()
                .map_err(|_| invalid("a column's array is not contiguous")),
            _ => Err(invalid("expected an int64 array")),
        }
    }

    fn floats(&self) -> PyResult<&[f64]> {
        match &self.data {
            Data::Float(a) => a
                .as_slice()
                .map_err(|_| invalid("a column's array is not contiguous")),
            _ => Err(invalid("expected a float64 array")),
        }
    }

    fn texts(&self) -> PyResult<&[Option<String>]> {
        match &self.data {
            Data::Text(v) => Ok(v),
            _ => Err(invalid("expected a list of str")),
        }
    }
}

/// Extracts an optional column (absent or `None`: no column).
pub fn optional<'py>(
    name: &str,
    pair: Option<&Bound<'py, PyAny>>,
) -> PyResult<Option<Column<'py>>> {
    match pair {
        Some(p) if !p.is_none() => Ok(Some(Column::extract(name, p)?)),
        _ => Ok(None),
    }
}
