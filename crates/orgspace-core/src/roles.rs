//! Workspace roles as permission tables: for every (kind, operation), how far a role reaches.
//! Presets encode SPEC R1-R4; custom roles (R5) are built from (kind, operation) points.

use crate::rule::Rule;
use crate::vocab::{KINDS, Kind, OPERATIONS, Operation};
use serde::{Deserialize, Serialize};

/// How far a role's permission for one (kind, operation) reaches. Ordered: a larger scope
/// includes every smaller one, so the union of roles is the element-wise maximum (W6).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Scope {
    /// Not permitted.
    #[default]
    None,
    /// Only on assets the user owns (R6).
    Own,
    /// On assets the user owns or holds a grant for at the operation's level (A5).
    Granted,
    /// On every asset of the kind that the user sees in the workspace (W7).
    Any,
}

/// A role's permissions: a scope per (kind, operation).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PointTable([[Scope; OPERATIONS]; KINDS]);

impl Default for PointTable {
    fn default() -> Self {
        PointTable([[Scope::None; OPERATIONS]; KINDS])
    }
}

impl PointTable {
    /// The scope for one (kind, operation).
    #[must_use]
    #[inline]
    pub fn scope(&self, kind: Kind, op: Operation) -> Scope {
        self.0
            .get(kind.index())
            .and_then(|row| row.get(op.index()))
            .copied()
            .unwrap_or(Scope::None)
    }

    fn set(&mut self, kind: Kind, op: Operation, scope: Scope) {
        if let Some(cell) = self
            .0
            .get_mut(kind.index())
            .and_then(|row| row.get_mut(op.index()))
        {
            *cell = scope;
        }
    }

    /// Widens this table by another (W6: a member's permissions are the union of their roles).
    pub fn union_with(&mut self, other: &PointTable) {
        for (mine, theirs) in self.0.iter_mut().zip(other.0.iter()) {
            for (a, b) in mine.iter_mut().zip(theirs.iter()) {
                *a = (*a).max(*b);
            }
        }
    }

    /// The table of a custom role: each point gets the scope its operation has for the presets
    /// (R5): `modify` and `export` reach granted assets, `delete`, `share`, `authorize`,
    /// `publish` and `transfer` only owned ones, the others every visible asset.
    #[must_use]
    pub fn from_points(points: &[Point]) -> PointTable {
        let mut table = PointTable::default();
        for point in points {
            table.set(point.kind, point.operation, custom_scope(point.operation));
        }
        table
    }
}

/// The scope an operation gets in a custom role.
#[must_use]
pub const fn custom_scope(op: Operation) -> Scope {
    match op {
        Operation::Modify | Operation::Export => Scope::Granted,
        Operation::Delete
        | Operation::Share
        | Operation::Authorize
        | Operation::Publish
        | Operation::Transfer => Scope::Own,
        Operation::Create | Operation::View | Operation::Use | Operation::Reference => Scope::Any,
    }
}

/// One (kind, operation) point of a custom workspace role.
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Point {
    /// The kind of asset.
    pub kind: Kind,
    /// The operation permitted on it.
    pub operation: Operation,
}

/// The four preset workspace roles (SPEC R1-R4).
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PresetRole {
    /// Everything in the workspace (R1).
    Admin,
    /// Builds data sources, datasets and content (R2).
    Developer,
    /// Analyses data and builds content (R3).
    Analyst,
    /// Views content (R4).
    Visitor,
}

impl PresetRole {
    /// All presets, strongest first.
    pub const ALL: [PresetRole; 4] = [
        PresetRole::Admin,
        PresetRole::Developer,
        PresetRole::Analyst,
        PresetRole::Visitor,
    ];

    /// The role's id in commands and snapshots.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            PresetRole::Admin => "admin",
            PresetRole::Developer => "developer",
            PresetRole::Analyst => "analyst",
            PresetRole::Visitor => "visitor",
        }
    }

    /// Parses a preset role id.
    #[must_use]
    pub fn parse(id: &str) -> Option<PresetRole> {
        PresetRole::ALL.into_iter().find(|p| p.as_str() == id)
    }

    /// The SPEC rule that defines this role.
    #[must_use]
    pub const fn rule(self) -> Rule {
        match self {
            PresetRole::Admin => Rule::R1,
            PresetRole::Developer => Rule::R2,
            PresetRole::Analyst => Rule::R3,
            PresetRole::Visitor => Rule::R4,
        }
    }

    /// The bit of this preset in a member's preset set.
    #[must_use]
    pub const fn bit(self) -> u8 {
        1 << (self as u8)
    }

    /// The preset's permission table.
    #[must_use]
    pub fn table(self) -> &'static PointTable {
        match self {
            PresetRole::Admin => &PRESETS.admin,
            PresetRole::Developer => &PRESETS.developer,
            PresetRole::Analyst => &PRESETS.analyst,
            PresetRole::Visitor => &PRESETS.visitor,
        }
    }
}

struct Presets {
    admin: PointTable,
    developer: PointTable,
    analyst: PointTable,
    visitor: PointTable,
}

const CONTENT: [Kind; 6] = [
    Kind::Workbook,
    Kind::Dashboard,
    Kind::Portal,
    Kind::AdHocAnalysis,
    Kind::SelfServiceQuery,
    Kind::DataEntryForm,
];

#[expect(
    clippy::indexing_slicing,
    reason = "enum discriminants are below the table's dimensions, and a const table that failed would fail the build"
)]
const fn put(mut t: PointTable, kind: Kind, op: Operation, scope: Scope) -> PointTable {
    t.0[kind as usize][op as usize] = scope;
    t
}

/// R2's content rights, shared by developers and analysts (R3: "as a developer").
const fn content_builder(mut t: PointTable, kind: Kind) -> PointTable {
    use Operation as O;
    t = put(t, kind, O::Create, Scope::Any);
    t = put(t, kind, O::View, Scope::Any);
    t = put(t, kind, O::Reference, Scope::Any);
    t = put(t, kind, O::Modify, Scope::Granted);
    t = put(t, kind, O::Export, Scope::Granted);
    t = put(t, kind, O::Delete, Scope::Own);
    t = put(t, kind, O::Share, Scope::Own);
    t = put(t, kind, O::Authorize, Scope::Own);
    t = put(t, kind, O::Transfer, Scope::Own);
    if matches!(kind, Kind::Dashboard) {
        t = put(t, kind, O::Publish, Scope::Own);
    }
    t
}

const fn viewer(mut t: PointTable, kind: Kind) -> PointTable {
    t = put(t, kind, Operation::View, Scope::Any);
    put(t, kind, Operation::Export, Scope::Granted)
}

#[expect(
    clippy::indexing_slicing,
    reason = "loops stay below CONTENT.len(); evaluated at compile time"
)]
const fn build_presets() -> Presets {
    use Operation as O;
    let empty = PointTable([[Scope::None; OPERATIONS]; KINDS]);
    let admin = PointTable([[Scope::Any; OPERATIONS]; KINDS]);

    // R2: developer.
    let mut d = empty;
    d = put(d, Kind::DataSource, O::Create, Scope::Any);
    d = put(d, Kind::DataSource, O::Use, Scope::Any);
    d = put(d, Kind::DataSource, O::View, Scope::Any);
    d = put(d, Kind::DataSource, O::Modify, Scope::Own);
    d = put(d, Kind::DataSource, O::Delete, Scope::Own);
    d = put(d, Kind::DataSource, O::Share, Scope::Own);
    d = put(d, Kind::DataSource, O::Authorize, Scope::Own);
    d = put(d, Kind::DataSource, O::Transfer, Scope::Own);
    d = put(d, Kind::Dataset, O::Create, Scope::Any);
    d = put(d, Kind::Dataset, O::Use, Scope::Any);
    d = put(d, Kind::Dataset, O::View, Scope::Any);
    d = put(d, Kind::Dataset, O::Modify, Scope::Granted);
    d = put(d, Kind::Dataset, O::Delete, Scope::Own);
    d = put(d, Kind::Dataset, O::Share, Scope::Own);
    d = put(d, Kind::Dataset, O::Authorize, Scope::Own);
    d = put(d, Kind::Dataset, O::Transfer, Scope::Own);
    let mut i = 0;
    while i < CONTENT.len() {
        d = content_builder(d, CONTENT[i]);
        i += 1;
    }

    // R3: analyst (data sources: view only, decided; datasets: use and view).
    let mut a = empty;
    a = put(a, Kind::DataSource, O::View, Scope::Any);
    a = put(a, Kind::Dataset, O::Use, Scope::Any);
    a = put(a, Kind::Dataset, O::View, Scope::Any);
    let mut i = 0;
    while i < CONTENT.len() - 1 {
        a = content_builder(a, CONTENT[i]);
        i += 1;
    }
    a = viewer(a, Kind::DataEntryForm);

    // R4: visitor.
    let mut v = empty;
    let mut i = 0;
    while i < CONTENT.len() {
        v = viewer(v, CONTENT[i]);
        i += 1;
    }

    Presets {
        admin,
        developer: d,
        analyst: a,
        visitor: v,
    }
}

static PRESETS: Presets = build_presets();
