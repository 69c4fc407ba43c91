//! PostgreSQL: `$n` parameters; strings `TEXT`, numbers `NUMERIC` (exact decimals), booleans
//! `BOOLEAN`.

use super::number::Exact;
use super::{Bound, Syntax};
use crate::data::ColumnType;
use alloc::format;
use alloc::string::String;
use serde_json::Value;

/// PostgreSQL 12 and later.
pub(crate) struct Postgres;

impl Syntax for Postgres {
    fn placeholder(&self, n: usize) -> String {
        format!("${n}")
    }

    fn bind(&self, value: &Value, ty: ColumnType) -> Option<Bound> {
        match (ty, value) {
            // A PostgreSQL text holds no NUL, so no stored value equals one with a NUL.
            (ColumnType::String, Value::String(s)) if s.contains('\0') => None,
            (ColumnType::String, Value::String(_)) => Some(Bound::cast(value.clone(), "TEXT")),
            // The exact decimal as text: the driver never turns it into a double.
            (ColumnType::Number, Value::Number(n)) => {
                Some(Bound::cast(Value::String(Exact::of(n).text), "NUMERIC"))
            }
            (ColumnType::Boolean, Value::Bool(_)) => Some(Bound::cast(value.clone(), "BOOLEAN")),
            _ => None,
        }
    }
}
