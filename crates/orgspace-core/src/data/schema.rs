//! Organization data sources, their tables and the grants of tables to workspaces (D1).

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;
use serde::{Deserialize, Serialize};

use super::Predicate;

/// The type of a column, which every value compared with it must have.
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ColumnType {
    /// Text.
    String,
    /// A number (integer or decimal).
    Number,
    /// `true` or `false`.
    Boolean,
}

impl fmt::Display for ColumnType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ColumnType::String => "string",
            ColumnType::Number => "number",
            ColumnType::Boolean => "boolean",
        })
    }
}

/// A column of a table.
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ColumnDef {
    /// The column's name, unique in its table.
    pub name: String,
    /// Its type.
    #[serde(rename = "type")]
    pub ty: ColumnType,
}

/// A table of an organization data source.
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TableDef {
    /// The table's name, unique in its data source.
    pub name: String,
    /// Its columns.
    pub columns: Vec<ColumnDef>,
}

impl TableDef {
    /// The column with this name.
    #[must_use]
    pub fn column(&self, name: &str) -> Option<&ColumnDef> {
        self.columns.iter().find(|c| c.name == name)
    }
}

/// An organization data source (D1): owned by the organization, granted to workspaces by table.
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DataSourceDef {
    /// The data source's id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Its tables.
    pub tables: Vec<TableDef>,
}

impl DataSourceDef {
    /// The table with this name.
    #[must_use]
    pub fn table(&self, name: &str) -> Option<&TableDef> {
        self.tables.iter().find(|t| t.name == name)
    }
}

/// A table of a data source, by ids.
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TableRef {
    /// The data source id.
    pub source: String,
    /// The table name.
    pub table: String,
}

/// What a workspace is granted of one table (D1): optionally only some columns and rows.
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TableGrantDef {
    /// The data source id.
    pub source: String,
    /// The table name.
    pub table: String,
    /// The columns granted; every column when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub columns: Option<Vec<String>>,
    /// The rows granted; every row when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rows: Option<Predicate>,
}
