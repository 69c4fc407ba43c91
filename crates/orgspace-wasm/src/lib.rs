//! The orgspace engine for JavaScript: the npm package `orgspace`.
//!
//! A thin shell over `orgspace-core`: it converts JavaScript values to the core's types and
//! back, and turns refusals into `Error` objects with a stable `code` and the `rule`. Every
//! decision is the core's. Inputs and outputs are plain objects in the JSON shapes of the core
//! (`docs/conformance.md`); times are milliseconds since the epoch.

#[cfg(feature = "node")]
mod access;
mod convert;
mod engine;
mod error;
mod lists;
#[cfg(feature = "node")]
mod parts;
#[cfg(feature = "node")]
mod sql;
mod views;
#[cfg(feature = "node")]
mod writer;

/// The allocator: talc instead of Rust's default dlmalloc, about 1 KB smaller gzipped
/// (issue 15's budget of 150,000 B for the browser module), and faster by its benchmarks.
#[cfg(all(not(target_feature = "atomics"), target_family = "wasm"))]
#[global_allocator]
static TALC: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

pub use engine::{Engine, apply_data_scope};
