//! One module per subcommand.

pub mod check;
pub mod conformance;
pub mod sql;
pub mod validate;
