//! One module per subcommand.

pub mod check;
pub mod conformance;
pub mod validate;
