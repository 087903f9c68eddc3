//! The library's errors as Python exceptions: `deanon.DeanonError` (a `ValueError`) carrying
//! the library's message; an interrupted call raises `KeyboardInterrupt`.

use pyo3::PyErr;
use pyo3::exceptions::{PyKeyboardInterrupt, PyValueError};

pyo3::create_exception!(
    deanon,
    DeanonError,
    PyValueError,
    "An error of the deanon engine: bad input or parameters (the message names the row, file \
     or parameter), or a corrupt store."
);

/// The Python exception of a library error.
pub fn to_py(error: deanon::Error) -> PyErr {
    match error {
        deanon::Error::Interrupted => PyKeyboardInterrupt::new_err("interrupted"),
        e => DeanonError::new_err(e.to_string()),
    }
}

/// A `DeanonError` with `message`.
pub fn invalid(message: impl Into<String>) -> PyErr {
    DeanonError::new_err(message.into())
}
