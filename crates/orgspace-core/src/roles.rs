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

// The preset tables, as exhaustive matches on kind and operation: no arm is a wildcard, so a
// new kind or operation does not compile until every preset role decides it
// (scripts/check-new-kind.sh proves it for kinds).

/// R1: an admin holds everything in the workspace.
const fn admin(kind: Kind, op: Operation) -> Scope {
    match kind {
        Kind::DataSource
        | Kind::Dataset
        | Kind::Workbook
        | Kind::Dashboard
        | Kind::Portal
        | Kind::AdHocAnalysis
        | Kind::SelfServiceQuery
        | Kind::DataEntryForm => match op {
            Operation::Create
            | Operation::View
            | Operation::Use
            | Operation::Modify
            | Operation::Delete
            | Operation::Share
            | Operation::Reference
            | Operation::Publish
            | Operation::Transfer
            | Operation::Authorize
            | Operation::Export => Scope::Any,
        },
    }
}

/// R2: a developer builds data sources, datasets and content.
const fn developer(kind: Kind, op: Operation) -> Scope {
    use Operation as O;
    match kind {
        Kind::DataSource => match op {
            O::Create | O::Use | O::View => Scope::Any,
            O::Modify | O::Delete | O::Share | O::Authorize | O::Transfer => Scope::Own,
            O::Reference | O::Publish | O::Export => Scope::None,
        },
        Kind::Dataset => match op {
            O::Create | O::Use | O::View => Scope::Any,
            O::Modify => Scope::Granted,
            O::Delete | O::Share | O::Authorize | O::Transfer => Scope::Own,
            O::Reference | O::Publish | O::Export => Scope::None,
        },
        Kind::Workbook
        | Kind::Dashboard
        | Kind::Portal
        | Kind::AdHocAnalysis
        | Kind::SelfServiceQuery
        | Kind::DataEntryForm => content_builder(kind, op),
    }
}

/// R3: an analyst views data sources (decided), uses datasets, builds content as a developer
/// does, and only views and exports data entry forms.
const fn analyst(kind: Kind, op: Operation) -> Scope {
    use Operation as O;
    match kind {
        Kind::DataSource => match op {
            O::View => Scope::Any,
            O::Create
            | O::Use
            | O::Modify
            | O::Delete
            | O::Share
            | O::Reference
            | O::Publish
            | O::Transfer
            | O::Authorize
            | O::Export => Scope::None,
        },
        Kind::Dataset => match op {
            O::Use | O::View => Scope::Any,
            O::Create
            | O::Modify
            | O::Delete
            | O::Share
            | O::Reference
            | O::Publish
            | O::Transfer
            | O::Authorize
            | O::Export => Scope::None,
        },
        Kind::Workbook
        | Kind::Dashboard
        | Kind::Portal
        | Kind::AdHocAnalysis
        | Kind::SelfServiceQuery => content_builder(kind, op),
        Kind::DataEntryForm => viewer(op),
    }
}

/// R4: a visitor views content.
const fn visitor(kind: Kind, op: Operation) -> Scope {
    match kind {
        Kind::DataSource | Kind::Dataset => Scope::None,
        Kind::Workbook
        | Kind::Dashboard
        | Kind::Portal
        | Kind::AdHocAnalysis
        | Kind::SelfServiceQuery
        | Kind::DataEntryForm => viewer(op),
    }
}

/// R2's content rights, shared by developers and analysts (R3: "as a developer").
const fn content_builder(kind: Kind, op: Operation) -> Scope {
    use Operation as O;
    match op {
        O::Create | O::View | O::Reference => Scope::Any,
        O::Modify | O::Export => Scope::Granted,
        O::Delete | O::Share | O::Authorize | O::Transfer => Scope::Own,
        O::Publish => match kind {
            Kind::Dashboard => Scope::Own,
            Kind::DataSource
            | Kind::Dataset
            | Kind::Workbook
            | Kind::Portal
            | Kind::AdHocAnalysis
            | Kind::SelfServiceQuery
            | Kind::DataEntryForm => Scope::None,
        },
        O::Use => Scope::None,
    }
}

/// View, and export what one was granted (R3 on forms, R4).
const fn viewer(op: Operation) -> Scope {
    use Operation as O;
    match op {
        O::View => Scope::Any,
        O::Export => Scope::Granted,
        O::Create
        | O::Use
        | O::Modify
        | O::Delete
        | O::Share
        | O::Reference
        | O::Publish
        | O::Transfer
        | O::Authorize => Scope::None,
    }
}

/// A preset's scope for one (kind, operation): what its table holds.
#[must_use]
pub const fn preset_scope(preset: PresetRole, kind: Kind, op: Operation) -> Scope {
    match preset {
        PresetRole::Admin => admin(kind, op),
        PresetRole::Developer => developer(kind, op),
        PresetRole::Analyst => analyst(kind, op),
        PresetRole::Visitor => visitor(kind, op),
    }
}

#[expect(
    clippy::indexing_slicing,
    reason = "loops stay below the tables' dimensions, which are the vocabularies' lengths; evaluated at compile time"
)]
const fn build_table(preset: PresetRole) -> PointTable {
    let mut t = PointTable([[Scope::None; OPERATIONS]; KINDS]);
    let mut k = 0;
    while k < KINDS {
        let mut o = 0;
        while o < OPERATIONS {
            t.0[k][o] = preset_scope(preset, Kind::ALL[k], Operation::ALL[o]);
            o += 1;
        }
        k += 1;
    }
    t
}

static PRESETS: Presets = Presets {
    admin: build_table(PresetRole::Admin),
    developer: build_table(PresetRole::Developer),
    analyst: build_table(PresetRole::Analyst),
    visitor: build_table(PresetRole::Visitor),
};

#[cfg(test)]
mod tests {
    use super::*;

    /// Every (kind, operation) cell of every preset table is what its match decides: the
    /// tables are built from the matches, in any order of the vocabularies (R1-R4).
    #[test]
    fn preset_tables_hold_every_kind_and_operation_of_the_matches() {
        let mut cells = 0;
        for preset in PresetRole::ALL {
            for &kind in Kind::ALL {
                for &op in Operation::ALL {
                    assert_eq!(
                        preset.table().scope(kind, op),
                        preset_scope(preset, kind, op),
                        "{preset:?} {kind} {op}"
                    );
                    cells += 1;
                }
            }
        }
        assert_eq!(cells, 4 * KINDS * OPERATIONS);
    }

    /// R3: an analyst's data entry forms are viewed and exported, never built, whatever the
    /// position of the kind in the vocabulary (the table once depended on it being last).
    #[test]
    fn analysts_only_view_and_export_data_entry_forms() {
        let t = PresetRole::Analyst.table();
        for &op in Operation::ALL {
            let want = match op {
                Operation::View => Scope::Any,
                Operation::Export => Scope::Granted,
                _ => Scope::None,
            };
            assert_eq!(t.scope(Kind::DataEntryForm, op), want, "{op}");
        }
        assert_eq!(t.scope(Kind::Dashboard, Operation::Modify), Scope::Granted);
    }
}
