//! DuckDB: `$n` parameters; strings `VARCHAR`, numbers `DECIMAL(38, 18)` (exact decimals with
//! up to 20 integer and 18 fractional digits, which holds every 64-bit integer), booleans
//! `BOOLEAN`.

use super::number::Exact;
use super::{Bound, Syntax};
use crate::data::ColumnType;
use alloc::format;
use alloc::string::String;
use serde_json::Value;

/// The number type: the widest exact decimal DuckDB has.
pub(crate) const NUMBER: &str = "DECIMAL(38, 18)";
const INTEGER_DIGITS: usize = 20;
const FRACTION_DIGITS: usize = 18;

/// DuckDB 1.0 and later.
pub(crate) struct Duckdb;

impl Syntax for Duckdb {
    fn placeholder(&self, n: usize) -> String {
        format!("${n}")
    }

    fn bind(&self, value: &Value, ty: ColumnType) -> Option<Bound> {
        match (ty, value) {
            (ColumnType::String, Value::String(_)) => Some(Bound::cast(value.clone(), "VARCHAR")),
            (ColumnType::Number, Value::Number(n)) => {
                let exact = Exact::of(n);
                let (int, frac) = exact.digits();
                // A number the column's type cannot hold equals none of its values: casting it
                // would round it onto one.
                (int <= INTEGER_DIGITS && frac <= FRACTION_DIGITS)
                    .then(|| Bound::cast(Value::String(exact.text), NUMBER))
            }
            (ColumnType::Boolean, Value::Bool(_)) => Some(Bound::cast(value.clone(), "BOOLEAN")),
            _ => None,
        }
    }
}
