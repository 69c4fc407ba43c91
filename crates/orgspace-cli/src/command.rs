//! One module per subcommand.

pub mod access;
pub mod check;
pub mod conformance;
pub mod sql;
pub mod validate;
