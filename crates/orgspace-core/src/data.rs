//! Data permissions (D1-D4): organization data sources and their tables, the tables each
//! workspace is granted, dataset row and column rules, and the effective filter a user gets.

mod predicate;
mod rules;
mod schema;
mod scope;

pub use predicate::{Predicate, value_matches};
pub use rules::{Allow, Audience, ColumnAction, ColumnRule, DatasetSecurity, RowRule};
pub use schema::{ColumnDef, ColumnType, DataSourceDef, TableDef, TableGrantDef, TableRef};
pub use scope::{CompiledScope, DataScope, MASK, ScopeColumn};
