//! The closed vocabularies of the model: asset kinds, operations, grant levels, workspace modes
//! and organization permission points. Each serializes as the snake_case word SPEC uses.

use core::fmt;
use serde::{Deserialize, Serialize};

macro_rules! vocabulary {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $word:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
        pub enum $name {
            $($(#[$vmeta])* #[serde(rename = $word)] $variant),+
        }

        impl $name {
            /// Every value, in declaration order (the order of the dense index).
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The word SPEC and the JSON formats use for this value.
            #[must_use]
            pub const fn as_str(self) -> &'static str {
                match self { $($name::$variant => $word),+ }
            }

            /// The dense index of this value, for tables.
            #[must_use]
            pub const fn index(self) -> usize {
                self as usize
            }

            /// Parses the SPEC word.
            #[must_use]
            pub fn parse(word: &str) -> Option<Self> {
                match word { $($word => Some($name::$variant),)+ _ => None }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

vocabulary! {
    /// A kind of asset (SPEC R). Folders are not assets: they have their own commands.
    Kind {
        /// A connection to a database or file.
        DataSource = "data_source",
        /// A modelled table built on a data source.
        Dataset = "dataset",
        /// A spreadsheet.
        Workbook = "workbook",
        /// A dashboard.
        Dashboard = "dashboard",
        /// A BI portal, which embeds dashboards and workbooks.
        Portal = "portal",
        /// An ad hoc analysis.
        AdHocAnalysis = "ad_hoc_analysis",
        /// A self-service query.
        SelfServiceQuery = "self_service_query",
        /// A data entry form.
        DataEntryForm = "data_entry_form",
    }
}

vocabulary! {
    /// An operation on an asset (SPEC R).
    Operation {
        /// Create an asset of a kind in a workspace.
        Create = "create",
        /// View (preview) an asset.
        View = "view",
        /// Use a data source or dataset to build on it.
        Use = "use",
        /// Change an asset's content, name, folder or references.
        Modify = "modify",
        /// Delete an asset.
        Delete = "delete",
        /// Share an asset with users or groups, or make it public.
        Share = "share",
        /// Reference an asset from another (embed a dashboard in a portal).
        Reference = "reference",
        /// Publish a dashboard.
        Publish = "publish",
        /// Transfer an asset's ownership.
        Transfer = "transfer",
        /// Grant and revoke permissions on an asset at any level.
        Authorize = "authorize",
        /// Export an asset's data.
        Export = "export",
    }
}

vocabulary! {
    /// The level of a grant (SPEC A1).
    Level {
        /// View (preview) the asset.
        View = "view",
        /// Export, which implies view.
        Export = "export",
        /// Use a data source or dataset, which implies view.
        Use = "use",
        /// Edit, which implies export (and use, on data sources and datasets).
        Edit = "edit",
    }
}

vocabulary! {
    /// How a workspace shows its asset list (SPEC W7).
    Mode {
        /// Every member sees every asset and folder.
        Collaboration = "collaboration",
        /// Members see only what they may view.
        Private = "private",
    }
}

vocabulary! {
    /// An organization permission point, the unit of custom organization roles (SPEC O2).
    OrgPoint {
        /// Add and remove members and set their organization roles.
        ManageMembers = "manage_members",
        /// Create, modify and delete group workspaces.
        ManageWorkspaces = "manage_workspaces",
        /// Create, change and delete user groups.
        ManageUserGroups = "manage_user_groups",
        /// Manage organization data sources and their grants to workspaces.
        ManageDataSources = "manage_data_sources",
        /// Grant and revoke on any asset of any workspace.
        AuthorizeCentrally = "authorize_centrally",
        /// Read the audit log.
        ViewAuditLog = "view_audit_log",
    }
}

vocabulary! {
    /// Whether a workspace is shared by a group or belongs to one member (SPEC W3).
    WorkspaceKind {
        /// A workspace created by an org admin for a team.
        Group = "group",
        /// The one workspace each member gets when they join.
        Personal = "personal",
    }
}

/// Number of asset kinds, the width of permission tables.
pub const KINDS: usize = Kind::ALL.len();
/// Number of operations, the height of permission tables.
pub const OPERATIONS: usize = Operation::ALL.len();

impl Kind {
    /// Data sources and datasets: the kinds that carry `use` grants and `use` references.
    #[must_use]
    pub const fn is_data(self) -> bool {
        // Exhaustive: a new kind decides whether it carries data.
        match self {
            Kind::DataSource | Kind::Dataset => true,
            Kind::Workbook
            | Kind::Dashboard
            | Kind::Portal
            | Kind::AdHocAnalysis
            | Kind::SelfServiceQuery
            | Kind::DataEntryForm => false,
        }
    }
}

impl Level {
    /// Whether a grant at this level covers `needed` (A1: export implies view, edit implies
    /// export; use implies view; on data sources and datasets edit implies use).
    #[must_use]
    pub const fn covers(self, needed: Level, kind: Kind) -> bool {
        match (self, needed) {
            (Level::Edit, Level::Use) => kind.is_data(),
            (Level::Edit, _) => true,
            (Level::Export, Level::View | Level::Export) => true,
            (Level::Use, Level::View | Level::Use) => true,
            (Level::View, Level::View) => true,
            _ => false,
        }
    }

    /// The operation a holder of this level may perform, which the grantee's role must allow
    /// (A2) and the granter must hold (X3).
    #[must_use]
    pub const fn operation(self) -> Operation {
        match self {
            Level::View => Operation::View,
            Level::Export => Operation::Export,
            Level::Use => Operation::Use,
            Level::Edit => Operation::Modify,
        }
    }
}

impl Operation {
    /// The grant level that lets a non-owner perform this operation where the role's point is
    /// scoped to granted assets, or that a personal workspace's grantee needs.
    #[must_use]
    pub const fn granted_by(self) -> Option<Level> {
        match self {
            Operation::View => Some(Level::View),
            Operation::Export => Some(Level::Export),
            Operation::Use => Some(Level::Use),
            Operation::Modify => Some(Level::Edit),
            _ => None,
        }
    }
}
