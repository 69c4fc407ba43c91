//! The effective data scope of a user on a dataset (D4) and its application to rows.

use super::{ColumnType, Predicate, TableRef, value_matches};
use alloc::string::String;
use alloc::vec::Vec;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// What a masked cell shows.
pub const MASK: &str = "***";

/// A column the user gets.
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScopeColumn {
    /// The column's name.
    pub name: String,
    /// Its type.
    #[serde(rename = "type")]
    pub ty: ColumnType,
    /// Whether its values are replaced by [`MASK`] (D3).
    #[serde(default, skip_serializing_if = "core::ops::Not::not")]
    pub masked: bool,
}

/// A user's data on a dataset: the intersection of the workspace's table grant (D1) and the
/// dataset's row and column rules (D2, D3). Hidden columns are absent; rows are the ones the
/// predicate holds for.
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DataScope {
    /// The dataset.
    pub dataset: String,
    /// The table it is built on; absent when it is built on none (then no data at all).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub table: Option<TableRef>,
    /// The columns the user gets, in table order.
    pub columns: Vec<ScopeColumn>,
    /// The rows the user gets.
    pub rows: Predicate,
}

impl DataScope {
    /// Applies the scope to one row given as column-named values: `None` if the row is not in
    /// scope, else the row with hidden columns left out and masked ones masked.
    #[must_use]
    pub fn apply_row(&self, row: &Map<String, Value>) -> Option<Map<String, Value>> {
        if !self.rows.eval(&|c: &str| row.get(c)) {
            return None;
        }
        let mut out = Map::new();
        for col in &self.columns {
            let value = if col.masked {
                Value::String(MASK.into())
            } else {
                row.get(&col.name).cloned().unwrap_or(Value::Null)
            };
            out.insert(col.name.clone(), value);
        }
        Some(out)
    }

    /// Applies the scope to rows given as column-named values.
    #[must_use]
    pub fn apply(&self, rows: &[Map<String, Value>]) -> Vec<Map<String, Value>> {
        rows.iter().filter_map(|r| self.apply_row(r)).collect()
    }

    /// Compiles the scope against a fixed column order, for applying it to many rows given as
    /// arrays of values in that order.
    #[must_use]
    pub fn compile(&self, header: &[&str]) -> CompiledScope {
        let position = |name: &str| header.iter().position(|h| *h == name);
        CompiledScope {
            rows: compile_predicate(&self.rows, &position),
            projection: self
                .columns
                .iter()
                .map(|c| (position(&c.name), c.masked))
                .collect(),
            header: self.columns.iter().map(|c| c.name.clone()).collect(),
        }
    }
}

#[derive(Clone, Debug)]
enum Compiled {
    All(Vec<Compiled>),
    Any(Vec<Compiled>),
    In(Option<usize>, Vec<Value>),
}

fn compile_predicate(p: &Predicate, position: &impl Fn(&str) -> Option<usize>) -> Compiled {
    match p {
        Predicate::All(parts) => Compiled::All(
            parts
                .iter()
                .map(|x| compile_predicate(x, position))
                .collect(),
        ),
        Predicate::Any(parts) => Compiled::Any(
            parts
                .iter()
                .map(|x| compile_predicate(x, position))
                .collect(),
        ),
        Predicate::In { column, values } => Compiled::In(position(column), values.clone()),
    }
}

impl Compiled {
    fn eval(&self, row: &[Value]) -> bool {
        match self {
            Compiled::All(parts) => parts.iter().all(|p| p.eval(row)),
            Compiled::Any(parts) => parts.iter().any(|p| p.eval(row)),
            Compiled::In(at, values) => at
                .and_then(|i| row.get(i))
                .is_some_and(|cell| values.iter().any(|v| value_matches(v, cell))),
        }
    }
}

/// A [`DataScope`] bound to a column order.
#[derive(Clone, Debug)]
pub struct CompiledScope {
    rows: Compiled,
    projection: Vec<(Option<usize>, bool)>,
    header: Vec<String>,
}

impl CompiledScope {
    /// The column names of projected rows.
    #[must_use]
    pub fn header(&self) -> &[String] {
        &self.header
    }

    /// Whether a row is in scope.
    #[must_use]
    #[inline]
    pub fn matches(&self, row: &[Value]) -> bool {
        self.rows.eval(row)
    }

    /// The row as the user sees it, in the order of [`CompiledScope::header`], if in scope.
    #[must_use]
    pub fn apply_row(&self, row: &[Value]) -> Option<Vec<Value>> {
        if !self.matches(row) {
            return None;
        }
        Some(
            self.projection
                .iter()
                .map(|&(at, masked)| {
                    if masked {
                        Value::String(MASK.into())
                    } else {
                        at.and_then(|i| row.get(i)).cloned().unwrap_or(Value::Null)
                    }
                })
                .collect(),
        )
    }
}
