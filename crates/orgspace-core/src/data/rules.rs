//! Dataset row rules (D2) and column rules (D3).

use alloc::string::String;
use alloc::vec::Vec;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Whom a rule targets: everyone, named users, members of groups (with nested groups), or any
/// mix of them.
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Audience {
    /// Every member.
    #[serde(default, skip_serializing_if = "core::ops::Not::not")]
    pub all: bool,
    /// Named users.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub users: Vec<String>,
    /// Groups; their members and the members of groups nested in them (P2).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub groups: Vec<String>,
}

impl Audience {
    /// Whether the audience names nobody.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        !self.all && self.users.is_empty() && self.groups.is_empty()
    }
}

/// What rows a row rule allows.
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Allow {
    /// Rows whose column takes one of these values.
    Values(
        #[cfg_attr(feature = "tsify", tsify(type = "(string | number | boolean)[]"))] Vec<Value>,
    ),
    /// Rows whose column equals one of the user's values of this attribute (tag).
    Attribute(String),
}

/// A row rule (D2).
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RowRule {
    /// Whom it applies to.
    pub targets: Audience,
    /// The column it filters on.
    pub column: String,
    /// The rows it allows.
    pub allow: Allow,
}

/// Hide a column, or show it masked.
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ColumnAction {
    /// The column is left out.
    Hide,
    /// The column is there, with every value replaced by the mask.
    Mask,
}

/// A column rule (D3).
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ColumnRule {
    /// Whom it applies to.
    pub targets: Audience,
    /// The column.
    pub column: String,
    /// Hide or mask.
    pub action: ColumnAction,
}

/// A dataset's data security: the table it is built on and its rules.
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DatasetSecurity {
    /// The granted table the dataset is built on (D1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub table: Option<super::TableRef>,
    /// Whether row rules are switched on (D2).
    #[serde(default, skip_serializing_if = "core::ops::Not::not")]
    pub row_rules_enabled: bool,
    /// Whether the dataset's owner, workspace admins and org admins are exempt from the rules
    /// (D2: they are not, unless the rule set says so).
    #[serde(default, skip_serializing_if = "core::ops::Not::not")]
    pub exempt_owner_and_admins: bool,
    /// Row rules; the ones that match a user combine with OR.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub row_rules: Vec<RowRule>,
    /// Column rules.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub column_rules: Vec<ColumnRule>,
}

impl DatasetSecurity {
    /// Whether nothing is set: no table, no rules.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        *self == DatasetSecurity::default()
    }
}
