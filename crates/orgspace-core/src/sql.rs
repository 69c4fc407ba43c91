//! SQL from an effective data scope (D4): what a warehouse runs so that a user gets exactly the
//! rows and columns [`DataScope::apply`] would give them.
//!
//! The statement selects the scope's columns (hidden ones absent, masked ones the constant
//! `'***'`) from the dataset's table, where the grant's row filter and the user's row rules
//! hold. Every value is a bind parameter, never part of the text; every identifier is quoted
//! for the dialect, and one that cannot be (empty, or holding NUL) is refused. A value no cell
//! of its column can equal (another JSON type, or a number the dialect's type cannot hold) is
//! left out, as [`DataScope::apply`] would never match it; fail-closed scopes compile to
//! `1 = 0`. `NULL` cells match nothing, as in the core: the predicate has no negation, so SQL's
//! unknown behaves as false.
//!
//! Column types per dialect (what the host's table is expected to use, and what parameters are
//! cast to): see `postgres.rs`, `duckdb.rs`, `sqlite.rs`.

mod duckdb;
mod number;
mod postgres;
mod sqlite;

use crate::data::{ColumnType, DataScope, MASK, Predicate, ScopeColumn, TableDef, TableRef};
use crate::error::{Refusal, invalid};
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt::{self, Write};
use core::str::FromStr;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// A SQL dialect.
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Dialect {
    /// PostgreSQL (`$1` parameters).
    Postgres,
    /// DuckDB (`$1` parameters).
    Duckdb,
    /// SQLite (`?` parameters, in order).
    Sqlite,
}

impl Dialect {
    /// Every dialect, for hosts that list them.
    pub const ALL: [Dialect; 3] = [Dialect::Postgres, Dialect::Duckdb, Dialect::Sqlite];

    /// The dialect's name as hosts spell it.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Dialect::Postgres => "postgres",
            Dialect::Duckdb => "duckdb",
            Dialect::Sqlite => "sqlite",
        }
    }

    fn syntax(self) -> &'static dyn Syntax {
        match self {
            Dialect::Postgres => &postgres::Postgres,
            Dialect::Duckdb => &duckdb::Duckdb,
            Dialect::Sqlite => &sqlite::Sqlite,
        }
    }
}

impl fmt::Display for Dialect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Dialect {
    type Err = Refusal;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "postgres" => Ok(Dialect::Postgres),
            "duckdb" => Ok(Dialect::Duckdb),
            "sqlite" => Ok(Dialect::Sqlite),
            other => Err(invalid(format!(
                "unknown SQL dialect `{other}`: use postgres, duckdb or sqlite"
            ))),
        }
    }
}

/// A parameterized statement: run `sql` with `params` bound in order (`$1`... or `?`), and
/// the rows come back with `columns`. When `columns` is empty (every column hidden or none
/// granted), the statement selects one constant column `_` so that it is valid everywhere:
/// its rows carry no data.
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SqlQuery {
    /// The table it reads (in the data source `table.source`); absent when the dataset is
    /// built on none and the statement reads no table.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub table: Option<TableRef>,
    /// The statement.
    pub sql: String,
    /// The values to bind, in order: strings, booleans, numbers; exact numbers travel as
    /// decimal strings that the statement casts.
    #[cfg_attr(feature = "tsify", tsify(type = "(string | number | boolean)[]"))]
    pub params: Vec<Value>,
    /// The columns of the result, in order, as in the scope.
    pub columns: Vec<ScopeColumn>,
}

/// The exact decimal text a number binds as: integers (and integral floats) as their exact
/// integer, other floats as their shortest round-trip decimal, in plain notation. Numbers the
/// core calls equal have the same text.
#[must_use]
pub fn decimal_text(n: &serde_json::Number) -> String {
    number::Exact::of(n).text
}

/// A value ready to bind, and the SQL type the statement casts it to.
pub(crate) struct Bound {
    param: Value,
    cast: Option<&'static str>,
}

impl Bound {
    fn cast(param: Value, ty: &'static str) -> Bound {
        Bound {
            param,
            cast: Some(ty),
        }
    }

    fn plain(param: Value) -> Bound {
        Bound { param, cast: None }
    }
}

/// What a dialect decides: how parameters are written and how values bind.
pub(crate) trait Syntax {
    /// The placeholder of the `n`th parameter (from 1).
    fn placeholder(&self, n: usize) -> String;

    /// The parameter for `value` compared with a column of type `ty`; `None` when no value such
    /// a column holds can equal it (so the comparison is left out).
    fn bind(&self, value: &Value, ty: ColumnType) -> Option<Bound>;
}

/// An identifier, quoted: `"` doubled inside `"` (the three dialects agree; one function, not
/// one copy per dialect). Names that cannot be quoted are refused.
fn quote(name: &str, out: &mut String) -> Result<(), Refusal> {
    if name.is_empty() {
        return Err(invalid("an empty name cannot be a SQL identifier"));
    }
    if name.contains('\0') {
        return Err(invalid(
            "a name holds a NUL character, which no SQL identifier may hold",
        ));
    }
    out.push('"');
    for c in name.chars() {
        if c == '"' {
            out.push('"');
        }
        out.push(c);
    }
    out.push('"');
    Ok(())
}

/// A condition, simplified before it is written so that parameters are numbered in the order
/// they appear.
enum Cond {
    True,
    False,
    In(String, Vec<Bound>),
    And(Vec<Cond>),
    Or(Vec<Cond>),
}

fn condition(p: &Predicate, table: Option<&TableDef>, syntax: &dyn Syntax) -> Cond {
    match p {
        Predicate::All(parts) => {
            let mut out = Vec::new();
            for part in parts {
                match condition(part, table, syntax) {
                    Cond::True => {}
                    Cond::False => return Cond::False,
                    Cond::And(inner) => out.extend(inner),
                    c => out.push(c),
                }
            }
            match out.len() {
                0 => Cond::True,
                1 => out.pop().unwrap_or(Cond::True),
                _ => Cond::And(out),
            }
        }
        Predicate::Any(parts) => {
            let mut out = Vec::new();
            for part in parts {
                match condition(part, table, syntax) {
                    Cond::False => {}
                    Cond::True => return Cond::True,
                    Cond::Or(inner) => out.extend(inner),
                    c => out.push(c),
                }
            }
            match out.len() {
                0 => Cond::False,
                1 => out.pop().unwrap_or(Cond::False),
                _ => Cond::Or(out),
            }
        }
        Predicate::In { column, values } => {
            // A column the table lacks is a missing cell: it matches nothing.
            let Some(ty) = table.and_then(|t| t.column(column)).map(|c| c.ty) else {
                return Cond::False;
            };
            let bound: Vec<Bound> = values.iter().filter_map(|v| syntax.bind(v, ty)).collect();
            if bound.is_empty() {
                Cond::False
            } else {
                Cond::In(column.clone(), bound)
            }
        }
    }
}

struct Writer<'a> {
    syntax: &'a dyn Syntax,
    sql: String,
    params: Vec<Value>,
}

impl Writer<'_> {
    fn quote(&mut self, name: &str) -> Result<(), Refusal> {
        quote(name, &mut self.sql)
    }

    fn cond(&mut self, c: Cond) -> Result<(), Refusal> {
        match c {
            Cond::True => self.sql.push_str("1 = 1"),
            Cond::False => self.sql.push_str("1 = 0"),
            Cond::And(parts) => self.join(parts, " AND ")?,
            Cond::Or(parts) => self.join(parts, " OR ")?,
            Cond::In(column, values) => {
                self.quote(&column)?;
                self.sql.push_str(" IN (");
                for (i, b) in values.into_iter().enumerate() {
                    if i > 0 {
                        self.sql.push_str(", ");
                    }
                    self.params.push(b.param);
                    let ph = self.syntax.placeholder(self.params.len());
                    match b.cast {
                        Some(ty) => {
                            let _ = write!(self.sql, "CAST({ph} AS {ty})");
                        }
                        None => self.sql.push_str(&ph),
                    }
                }
                self.sql.push(')');
            }
        }
        Ok(())
    }

    fn join(&mut self, parts: Vec<Cond>, op: &str) -> Result<(), Refusal> {
        self.sql.push('(');
        for (i, p) in parts.into_iter().enumerate() {
            if i > 0 {
                self.sql.push_str(op);
            }
            self.cond(p)?;
        }
        self.sql.push(')');
        Ok(())
    }
}

/// The statement for a scope. `table` is the definition of `scope.table` (for the types of
/// the columns the row filter reads, hidden ones included); with none, every condition on a
/// column is false.
pub fn to_sql(
    scope: &DataScope,
    table: Option<&TableDef>,
    dialect: Dialect,
) -> Result<SqlQuery, Refusal> {
    if table.is_none() && !scope.columns.is_empty() {
        return Err(invalid(
            "the scope shows columns, so the definition of its table is needed",
        ));
    }
    let syntax = dialect.syntax();
    let cond = condition(&scope.rows, table, syntax);
    let mut w = Writer {
        syntax,
        sql: String::from("SELECT "),
        params: Vec::new(),
    };
    if scope.columns.is_empty() {
        w.sql.push_str("1 AS \"_\"");
    }
    for (i, c) in scope.columns.iter().enumerate() {
        if i > 0 {
            w.sql.push_str(", ");
        }
        if c.masked {
            // The mask is the core's constant, not a value from anyone's input.
            let _ = write!(w.sql, "'{MASK}' AS ");
        }
        w.quote(&c.name)?;
    }
    // With no table, or nothing to show from a revoked one, read no table at all: it may be
    // gone from the warehouse.
    let reads = scope
        .table
        .as_ref()
        .filter(|_| !(scope.columns.is_empty() && matches!(cond, Cond::False)) && table.is_some());
    if let Some(t) = reads {
        w.sql.push_str(" FROM ");
        w.quote(&t.table)?;
    }
    match (reads, cond) {
        (Some(_), Cond::True) => {}
        (None, _) | (_, Cond::False) => w.sql.push_str(" WHERE 1 = 0"),
        (Some(_), c) => {
            w.sql.push_str(" WHERE ");
            w.cond(c)?;
        }
    }
    Ok(SqlQuery {
        table: scope.table.clone(),
        sql: w.sql,
        params: w.params,
        columns: scope.columns.clone(),
    })
}
