//! `deanon._native`: the engine of the `deanon` library for Python (PyO3, stable ABI). Every
//! function here converts its arguments to the library's checked types, runs the library with
//! the GIL released ([`run::detached`]: Ctrl-C stops it between batches, `threads` sizes a
//! rayon pool) and converts the answer back. The pandas side (which column becomes which
//! array) lives in the pure-Python package `deanon` (python/deanon/), which wraps this module.

mod audit;
mod columns;
mod convert;
mod dataset;
mod engine;
mod errors;
mod keywords;
mod run;

use pyo3::prelude::*;

/// The extension module.
#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("DeanonError", m.py().get_type::<errors::DeanonError>())?;
    m.add_class::<dataset::NativeDataset>()?;
    m.add_function(wrap_pyfunction!(dataset::from_columns, m)?)?;
    m.add_function(wrap_pyfunction!(dataset::open, m)?)?;
    m.add_function(wrap_pyfunction!(dataset::generate, m)?)?;
    m.add_function(wrap_pyfunction!(engine::sample_aux, m)?)?;
    m.add_function(wrap_pyfunction!(engine::attack, m)?)?;
    m.add_function(wrap_pyfunction!(engine::infer, m)?)?;
    m.add_function(wrap_pyfunction!(engine::attack_parameters, m)?)?;
    m.add_function(wrap_pyfunction!(engine::defaults, m)?)?;
    m.add_function(wrap_pyfunction!(engine::unicity, m)?)?;
    m.add_function(wrap_pyfunction!(engine::sparsity, m)?)?;
    m.add_function(wrap_pyfunction!(engine::experiment, m)?)?;
    m.add_function(wrap_pyfunction!(audit::audit, m)?)?;
    m.add_function(wrap_pyfunction!(engine::cohort, m)?)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
