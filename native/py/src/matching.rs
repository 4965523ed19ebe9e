//! Python bindings for the matching part of `urja._native`.
use pyo3::prelude::*;

/// Adds this part's functions and classes to the extension module.
pub fn register(_m: &Bound<'_, PyModule>) -> PyResult<()> {
    Ok(())
}
