//! Scenario files: their shape as serde types.

use orgspace_core::{Command, Kind, Mode, Operation, Rule, Snapshot};
use serde::{Deserialize, Serialize};

/// One scenario: a story of steps from an empty engine or a starting snapshot.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// A short title.
    pub name: String,
    /// The rules (docs/rules.md) the scenario covers.
    pub rules: Vec<Rule>,
    /// What it shows, for readers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// A state to start from instead of an empty engine.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub snapshot: Option<Snapshot>,
    /// The steps, run in order.
    pub steps: Vec<Step>,
}

/// One step: who acts, when, what they do, and what must come of it.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Step {
    /// The acting user. A `state` step reads the whole state and names nobody.
    #[serde(rename = "as", default)]
    pub actor: String,
    /// Milliseconds since the epoch; the previous step's time when absent (0 at the start).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<u64>,
    /// A note for readers, shown with a failure.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// What the step does.
    #[serde(flatten)]
    pub action: StepAction,
    /// The expected outcome.
    pub expect: Expect,
}

/// What a step does: one command or one query.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StepAction {
    /// Runs a command.
    Command(SentCommand),
    /// Asks for one decision.
    Check(CheckQuery),
    /// Lists the assets the actor sees in a workspace.
    VisibleAssets(String),
    /// Lists the folders the actor sees in a workspace.
    VisibleFolders(String),
    /// Filters a list of asset ids by an operation.
    Filter(FilterQuery),
    /// Asks who would gain or lose sight of what if a workspace switched mode.
    DryRun(DryRunQuery),
    /// Asks for the actor's effective data scope on a dataset (D4).
    DataScope(String),
    /// Applies the actor's data scope on a dataset to rows (D4).
    Preview(PreviewQuery),
    /// Reads part of the whole state: an asset's place and owner, a member's roles and
    /// memberships. What commands did, as any host stores it.
    State(StateQuery),
    /// Reads the audit log as the actor (X4).
    Audit(AuditQuery),
    /// Asks for the actor's data scope on a dataset seen through an asset built on it (A8).
    DataScopeThrough(ThroughQuery),
    /// Asks for the actor's data scope as one parameterized SQL statement (D4, A8).
    Sql(SqlStepQuery),
    /// Asks who has access to an asset, or who sees a folder, and why (issue 15).
    WhoHasAccess(WhoQuery),
    /// Asks what a command would change in access, without running it (issue 15).
    AccessDiff(Command),
    /// Asks for a workspace as another member sees it (issue 15).
    ViewAs(ViewAsQuery),
}

/// `who_has_access`: an asset and an operation, or a folder.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WhoQuery {
    /// The asset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub asset: Option<String>,
    /// The operation on it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operation: Option<Operation>,
    /// The folder.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub folder: Option<String>,
}

/// `view_as`: a member and a workspace.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ViewAsQuery {
    /// The member viewed as.
    pub user: String,
    /// The workspace.
    pub workspace: String,
}

/// `data_scope_through`: a dataset and the asset (dashboard, portal...) it is seen through.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ThroughQuery {
    /// The dataset.
    pub dataset: String,
    /// The asset built on it.
    pub through: String,
}

/// `sql`: a dataset, optionally seen through an asset, in a dialect.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SqlStepQuery {
    /// The dataset.
    pub dataset: String,
    /// The asset it is seen through, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub through: Option<String>,
    /// The dialect.
    pub dialect: orgspace_core::sql::Dialect,
}

/// A command as a scenario sends it. Anything the command format does not read (a `publish`,
/// which the engine decides but nobody performs through it; a field of the wrong type) is sent
/// all the same, and every host refuses it as `invalid` rather than failing to load the file.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(untagged)]
pub enum SentCommand {
    /// A command of the format.
    Command(Command),
    /// Any other JSON value.
    Other(serde_json::Value),
}

impl StepAction {
    /// The command this step runs, when it runs one the format reads.
    #[must_use]
    pub const fn command(&self) -> Option<&Command> {
        match self {
            StepAction::Command(SentCommand::Command(c)) => Some(c),
            _ => None,
        }
    }
}

/// `state`: one asset or one member of the organization's whole state.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StateQuery {
    /// An asset: expect `owner`, `workspace`, `folder` (`null` for none), `public`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub asset: Option<String>,
    /// A member: expect `org_roles`, `workspaces` (group workspace to roles), `groups`
    /// (the groups they are directly in).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub member: Option<String>,
}

/// `audit`: the entries of the audit log after a version.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuditQuery {
    /// Only entries with a greater version; 0 (every entry) when absent.
    #[serde(default)]
    pub after: u64,
}

/// `preview`: rows of a dataset as the actor would see them.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PreviewQuery {
    /// The dataset.
    pub dataset: String,
    /// Rows as column-named values.
    pub rows: Vec<serde_json::Map<String, serde_json::Value>>,
}

/// A column expected in a data scope.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExpectedColumn {
    /// The column name.
    pub name: String,
    /// Whether it is masked.
    #[serde(default)]
    pub masked: bool,
}

/// `check`: an operation on an asset, or `create` of a kind in a workspace.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckQuery {
    /// The operation.
    pub operation: Operation,
    /// The asset, for every operation but `create`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub asset: Option<String>,
    /// The workspace, for `create`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workspace: Option<String>,
    /// The kind, for `create`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<Kind>,
}

/// `filter`: which of these assets allow the operation.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FilterQuery {
    /// The operation.
    pub operation: Operation,
    /// The asset ids, in any order.
    pub assets: Vec<String>,
}

/// `dry_run`: a mode switch that is not applied.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DryRunQuery {
    /// The workspace.
    pub workspace: String,
    /// The mode it would switch to.
    pub mode: Mode,
}

/// An expected outcome.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(untagged, deny_unknown_fields)]
pub enum Expect {
    /// `"ok"`, `"denied"`, `"invalid"` (any input error), `"not_found"` or `"conflict"`.
    Word(String),
    /// `{"denied": "A3"}` or `{"invalid": "W6"}`: refused, naming the rule.
    Refused {
        /// Denied by this rule.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        denied: Option<Rule>,
        /// Invalid, breaking this rule.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        invalid: Option<Rule>,
    },
    /// For `check`: `{"allowed": true, "rule": "R6"}`; the rule is optional.
    Decision {
        /// Whether it is allowed.
        allowed: bool,
        /// The deciding rule.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        rule: Option<Rule>,
    },
    /// For `visible_assets`, `visible_folders` and `filter`: the ids, in any order.
    Ids(Vec<String>),
    /// For `dry_run`: the changes, in any order.
    DryRun {
        /// Per member, what they would gain and lose.
        changes: Vec<orgspace_core::SightChange>,
    },
    /// For `data_scope`: the columns in table order, and optionally the exact row predicate.
    Scope {
        /// The columns the actor gets.
        columns: Vec<ExpectedColumn>,
        /// The row predicate.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        rows: Option<orgspace_core::data::Predicate>,
    },
    /// For `preview`: the rows the actor sees, in order; for `audit`: the entries, oldest
    /// first, each `{"version", "actor", "at", "command"}` (the command's type).
    Rows(Vec<serde_json::Map<String, serde_json::Value>>),
    /// For `sql`: the statement and its parameters, exactly.
    Sql {
        /// The statement.
        sql: String,
        /// The parameters, in order.
        params: Vec<serde_json::Value>,
    },
    /// For `state`: the fields to compare; fields left out are not compared.
    Fields(serde_json::Map<String, serde_json::Value>),
}
