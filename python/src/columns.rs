//! Columns handed over by the Python package as `(tag, values)` pairs: numpy arrays are borrowed
//! in place (no copy), text columns arrive as lists of `str`/`None`. The tags:
//! ids `int` (int64), `float` (float64), `str`; ratings `stars` (float64), `str`; dates `days`
//! (int64 days since 1970, NaT as the minimum), `seconds` (int64), `seconds_float` (float64),
//! `str`. Each owned form lends the library's borrowed view (`deanon::dataset::import::columns`).

use numpy::PyReadonlyArray1;
use pyo3::prelude::*;

use deanon::dataset::import::columns::{Dates, Ids, Ratings};

use crate::errors::invalid;

/// Two columns of text (a release key, an item map): the first and second values of each pair.
pub type Pairs = (Vec<String>, Vec<String>);

/// A borrowed numpy array or an extracted list of text.
pub enum Column<'py> {
    Int(PyReadonlyArray1<'py, i64>),
    Float(PyReadonlyArray1<'py, f64>),
    Text(Vec<Option<String>>),
}

impl<'py> Column<'py> {
    /// Reads a `(tag, values)` pair; `name` is the column's name for messages.
    pub fn extract(name: &str, pair: &Bound<'py, PyAny>) -> PyResult<(String, Column<'py>)> {
        let (tag, values): (String, Bound<'py, PyAny>) = pair.extract()?;
        let column = match tag.as_str() {
            "int" | "days" | "seconds" => Column::Int(values.extract()?),
            "float" | "stars" | "seconds_float" => Column::Float(values.extract()?),
            "str" => Column::Text(values.extract()?),
            other => return Err(invalid(format!("column {name}: unknown form '{other}'"))),
        };
        Ok((tag, column))
    }

    fn ints(&self) -> PyResult<&[i64]> {
        match self {
            Column::Int(a) => a
                .as_slice()
                .map_err(|_| invalid("a column's array is not contiguous")),
            _ => Err(invalid("expected an int64 array")),
        }
    }

    fn floats(&self) -> PyResult<&[f64]> {
        match self {
            Column::Float(a) => a
                .as_slice()
                .map_err(|_| invalid("a column's array is not contiguous")),
            _ => Err(invalid("expected a float64 array")),
        }
    }

    fn texts(&self) -> PyResult<&[Option<String>]> {
        match self {
            Column::Text(v) => Ok(v),
            _ => Err(invalid("expected a list of str")),
        }
    }
}

/// An id column.
pub struct IdColumn<'py>(String, Column<'py>);

impl<'py> IdColumn<'py> {
    pub fn extract(name: &str, pair: &Bound<'py, PyAny>) -> PyResult<Self> {
        let (tag, column) = Column::extract(name, pair)?;
        Ok(IdColumn(tag, column))
    }

    pub fn view(&self) -> PyResult<Ids<'_>> {
        Ok(match self.0.as_str() {
            "int" => Ids::Int(self.1.ints()?),
            "float" => Ids::Float(self.1.floats()?),
            _ => Ids::Text(self.1.texts()?),
        })
    }
}

/// A rating column.
pub struct RatingColumn<'py>(String, Column<'py>);

impl<'py> RatingColumn<'py> {
    pub fn extract(pair: &Bound<'py, PyAny>) -> PyResult<Self> {
        let (tag, column) = Column::extract("rating", pair)?;
        Ok(RatingColumn(tag, column))
    }

    pub fn view(&self) -> PyResult<Ratings<'_>> {
        Ok(match self.0.as_str() {
            "stars" | "float" => Ratings::Stars(self.1.floats()?),
            "int" => Ratings::Int(self.1.ints()?),
            _ => Ratings::Text(self.1.texts()?),
        })
    }
}

/// A date column.
pub struct DateColumn<'py>(String, Column<'py>);

impl<'py> DateColumn<'py> {
    pub fn extract(pair: &Bound<'py, PyAny>) -> PyResult<Self> {
        let (tag, column) = Column::extract("date", pair)?;
        Ok(DateColumn(tag, column))
    }

    pub fn view(&self) -> PyResult<Dates<'_>> {
        Ok(match self.0.as_str() {
            "days" => Dates::Days(self.1.ints()?),
            "seconds" | "int" => Dates::UnixSeconds(self.1.ints()?),
            "seconds_float" | "float" => Dates::UnixSecondsFloat(self.1.floats()?),
            _ => Dates::Text(self.1.texts()?),
        })
    }
}

/// Extracts an optional column.
pub fn optional<'py, T>(
    pair: Option<&Bound<'py, PyAny>>,
    extract: impl Fn(&Bound<'py, PyAny>) -> PyResult<T>,
) -> PyResult<Option<T>> {
    match pair {
        Some(p) if !p.is_none() => Ok(Some(extract(p)?)),
        _ => Ok(None),
    }
}
