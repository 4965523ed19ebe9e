//! PyO3 extension `urja._native`: the Rust hot paths the Python orchestrator calls.
//!
//! Each submodule registers its own functions, so the matching engine and the
//! zero-knowledge bindings evolve independently.
use pyo3::prelude::*;

mod matching;
mod zk;

/// Module entry point: `import urja._native`.
#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    matching::register(m)?;
    zk::register(m)?;
    Ok(())
}
