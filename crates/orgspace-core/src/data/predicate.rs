//! The row predicate: a small, closed form that every host can evaluate and display.
//!
//! ```json
//! {"all": [P, ...]}                                  every part holds ({"all": []} is true)
//! {"any": [P, ...]}                                  some part holds ({"any": []} is false)
//! {"in": {"column": "region", "values": ["east"]}}   the row's value is one of these
//! ```
//!
//! A value matches only a value of the same JSON type (numbers by numeric value); a missing
//! or `null` cell matches nothing, so filters fail closed.

use alloc::string::String;
use alloc::vec::Vec;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// A condition on a row.
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Predicate {
    /// Every part holds.
    All(Vec<Predicate>),
    /// At least one part holds.
    Any(Vec<Predicate>),
    /// The column's value is one of `values`.
    In {
        /// The column.
        column: String,
        /// The allowed values.
        #[cfg_attr(feature = "tsify", tsify(type = "(string | number | boolean)[]"))]
        values: Vec<Value>,
    },
}

impl Predicate {
    /// The predicate that holds for every row.
    #[must_use]
    pub const fn always() -> Predicate {
        Predicate::All(Vec::new())
    }

    /// The predicate that holds for no row.
    #[must_use]
    pub const fn never() -> Predicate {
        Predicate::Any(Vec::new())
    }

    /// Whether the predicate holds for a row, given a way to read a cell by column name.
    pub fn eval<'v>(&self, cell: &impl Fn(&str) -> Option<&'v Value>) -> bool {
        match self {
            Predicate::All(parts) => parts.iter().all(|p| p.eval(cell)),
            Predicate::Any(parts) => parts.iter().any(|p| p.eval(cell)),
            Predicate::In { column, values } => {
                cell(column).is_some_and(|v| values.iter().any(|allowed| value_matches(allowed, v)))
            }
        }
    }

    /// Every column the predicate reads.
    pub fn columns<'a>(&'a self, out: &mut Vec<&'a str>) {
        match self {
            Predicate::All(parts) | Predicate::Any(parts) => {
                parts.iter().for_each(|p| p.columns(out))
            }
            Predicate::In { column, .. } => out.push(column),
        }
    }

    /// The conjunction of two predicates, flattening `all`s and dropping trivial parts.
    #[must_use]
    pub fn and(self, other: Predicate) -> Predicate {
        let mut parts = Vec::new();
        for p in [self, other] {
            match p {
                Predicate::All(inner) => parts.extend(inner),
                p => parts.push(p),
            }
        }
        if parts
            .iter()
            .any(|p| matches!(p, Predicate::Any(v) if v.is_empty()))
        {
            return Predicate::never();
        }
        if parts.len() == 1 {
            return parts.pop().unwrap_or_else(Predicate::always);
        }
        Predicate::All(parts)
    }
}

/// Exact numeric equality: integers as integers (no rounding through `f64`), floats as floats,
/// and an integer equals a float only if the float is that integer exactly.
fn numbers_equal(a: &serde_json::Number, b: &serde_json::Number) -> bool {
    if let (Some(x), Some(y)) = (a.as_i64(), b.as_i64()) {
        return x == y;
    }
    if let (Some(x), Some(y)) = (a.as_u64(), b.as_u64()) {
        return x == y;
    }
    let int = |n: &serde_json::Number| {
        n.as_i64()
            .map(i128::from)
            .or_else(|| n.as_u64().map(i128::from))
    };
    match (int(a), int(b), a.as_f64(), b.as_f64()) {
        // Both integers but one beyond i64 and the other negative: different.
        (Some(_), Some(_), _, _) => false,
        (Some(i), None, _, Some(f)) | (None, Some(i), Some(f), _) => float_is_integer(f, i),
        (None, None, Some(x), Some(y)) => x == y,
        _ => false,
    }
}

/// Whether a float is exactly the integer `i`.
fn float_is_integer(f: f64, i: i128) -> bool {
    // Within ±2^64 every integral float converts to i128 exactly.
    const LIMIT: f64 = 18_446_744_073_709_551_616.0;
    if !(-LIMIT..=LIMIT).contains(&f) {
        return false;
    }
    // In range, so the cast only drops a fraction, which the comparison back detects.
    let t = f as i128;
    let back = t as f64;
    back == f && t == i
}

/// Whether a cell's value equals an allowed value: same JSON type, numbers by value.
#[must_use]
pub fn value_matches(allowed: &Value, cell: &Value) -> bool {
    match (allowed, cell) {
        (Value::String(a), Value::String(b)) => a == b,
        (Value::Bool(a), Value::Bool(b)) => a == b,
        (Value::Number(a), Value::Number(b)) => numbers_equal(a, b),
        _ => false,
    }
}
