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
mod order;
#[cfg(feature = "node")]
mod parts;
#[cfg(feature = "node")]
mod sql;
mod views;
#[cfg(feature = "node")]
mod writer;

pub use engine::{Engine, apply_data_scope};
