//! SQLite: `?` parameters in order; strings `TEXT`, numbers `NUMERIC` affinity (64-bit
//! integers or doubles, which SQLite compares with each other exactly), booleans as the
//! integers 1 and 0 (SQLite has no boolean type).

use super::number::Exact;
use super::{Bound, Syntax};
use crate::data::ColumnType;
use alloc::string::String;
use serde_json::{Number, Value};

/// SQLite 3.
pub(crate) struct Sqlite;

impl Syntax for Sqlite {
    fn placeholder(&self, _n: usize) -> String {
        String::from("?")
    }

    fn bind(&self, value: &Value, ty: ColumnType) -> Option<Bound> {
        match (ty, value) {
            (ColumnType::String, Value::String(_)) => Some(Bound::plain(value.clone())),
            (ColumnType::Number, Value::Number(n)) => number(n),
            (ColumnType::Boolean, Value::Bool(b)) => {
                Some(Bound::plain(Value::Number(Number::from(u8::from(*b)))))
            }
            _ => None,
        }
    }
}

/// The double equal to `u`, if there is one. `u` is beyond i64, so at least 2^63: its double is
/// below 2^64 exactly when the conversion did not round up to it.
#[expect(
    clippy::cast_precision_loss,
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    reason = "checked by converting back, below 2^64 where the cast back is exact"
)]
fn exact_double(u: u64) -> Option<f64> {
    let f = u as f64;
    (f < 18_446_744_073_709_551_616.0 && f as u64 == u).then_some(f)
}

/// An integer within 64 bits binds as text cast to `INTEGER` (exact, and a JavaScript driver
/// never sees it as a double); a float binds as itself. An integer beyond 64 bits is stored by
/// SQLite as a double: it binds as that double when it is one exactly, and otherwise equals
/// nothing SQLite can hold.
fn number(n: &Number) -> Option<Bound> {
    let exact = Exact::of(n);
    match (exact.integer, exact.float) {
        (Some(i), _) if i64::try_from(i).is_ok() => {
            Some(Bound::cast(Value::String(exact.text), "INTEGER"))
        }
        // Beyond 64 bits and written as a float: it is that double.
        (Some(_), Some(f)) => Number::from_f64(f).map(|n| Bound::plain(Value::Number(n))),
        (Some(i), None) => u64::try_from(i)
            .ok()
            .and_then(exact_double)
            .and_then(Number::from_f64)
            .map(|n| Bound::plain(Value::Number(n))),
        (None, Some(f)) => Number::from_f64(f).map(|n| Bound::plain(Value::Number(n))),
        (None, None) => None,
    }
}
