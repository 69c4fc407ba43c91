//! Read-only questions, answered by the core on whatever engine the worker has at hand: one built
//! from KV parts at the edge, or the organization's Durable Object when KV lags behind.

use crate::api_error::ApiError;
use orgspace_core::snapshot::{FIRST_VIEW_LIST, ListOf};
use orgspace_core::sql::Dialect;
use orgspace_core::{Engine, Mode, Operation};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

/// One permission question of `POST /v1/orgs/{org}/check`: the core's one check request (an
/// asset, or a workspace and kind for `create`), decided by `Engine::decide`.
pub use orgspace_core::CheckRequest as CheckItem;

/// A question the worker answers for the caller.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "query", rename_all = "snake_case")]
pub enum Query {
    /// Decisions with reasons; `batch` answers `{results}` instead of one decision.
    Check {
        /// The questions.
        checks: Vec<CheckItem>,
        /// Whether the request was a batch.
        batch: bool,
    },
    /// The ids among `assets` the caller may `operation`.
    Filter {
        /// The operation.
        operation: Operation,
        /// The ids.
        assets: Vec<String>,
        /// The workspace they all live in, when the caller knows it: the edge then answers
        /// from that one part.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        workspace: Option<String>,
    },
    /// The organization's name, version and default workspace, for its members.
    Org,
    /// The caller's asset list of a workspace (W7, W8).
    VisibleAssets {
        /// The workspace.
        workspace: String,
    },
    /// The caller's folder tree of a workspace (W7, W8).
    VisibleFolders {
        /// The workspace.
        workspace: String,
    },
    /// Who would gain or lose sight of what if the workspace switched mode (W9).
    DryRun {
        /// The workspace.
        workspace: String,
        /// The mode it would switch to.
        mode: Mode,
    },
    /// The caller's data scope of a dataset (D4).
    DataScope {
        /// The dataset.
        dataset: String,
    },
    /// The caller's data scope of a dataset seen through an asset built on it (A8 with D4).
    ScopeThrough {
        /// The dataset.
        dataset: String,
        /// The dashboard, portal... built on it.
        through: String,
    },
    /// The caller's data scope of a dataset (directly or through an asset) as one
    /// parameterized SQL statement (docs/sql.md).
    Sql {
        /// The dataset.
        dataset: String,
        /// The asset it is seen through, if any.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        through: Option<String>,
        /// The dialect.
        dialect: Dialect,
    },
    /// Rows of a dataset as the caller sees them (D4).
    Preview {
        /// The dataset.
        dataset: String,
        /// The rows, objects of column values.
        rows: Vec<Map<String, Value>>,
    },
    /// One asset's metadata, for those who may view it.
    Asset {
        /// The asset.
        asset: String,
    },
    /// The caller's view of the organization: a snapshot holding only what they may see.
    View,
    /// The caller's first view (issue 13, `snapshot/paged.rs`): every workspace they see, and
    /// the part of the current one (`workspace`, else their personal workspace) when small.
    FirstView {
        /// The current workspace asked for.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        workspace: Option<String>,
        /// How many workspaces (and members, for an org admin) it lists beyond those it
        /// must hold; `FIRST_VIEW_LIST` without it.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        list: Option<usize>,
    },
    /// A page of the caller's view's lists, to add to their first view.
    ViewPage {
        /// Workspaces, or (org admins) members.
        list: ListOf,
        /// The previous page's `next`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        after: Option<String>,
        /// At most this many entries.
        limit: usize,
    },
    /// The caller's view of one workspace, to add to their first view.
    WorkspaceView {
        /// The workspace.
        workspace: String,
    },
    /// Who may perform `operation` on an asset, and why: one page (issue 15, A3).
    WhoHasAccess {
        /// The asset.
        asset: String,
        /// The operation.
        operation: Operation,
        /// The previous page's `next`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        cursor: Option<String>,
        /// Members per page.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        limit: Option<usize>,
    },
    /// Who sees a folder, and why: one page (issue 15, W7).
    WhoSeesFolder {
        /// The folder.
        folder: String,
        /// The previous page's `next`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        cursor: Option<String>,
        /// Members per page.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        limit: Option<usize>,
    },
    /// What a command would change in access, not applied (issue 15). Its effects may reach
    /// any workspace, so the writer, which holds them all, answers.
    AccessDiff {
        /// The command.
        command: orgspace_core::Command,
    },
    /// A workspace as another member sees it (issue 15, R1, O6).
    ViewAs {
        /// The member.
        user: String,
        /// The workspace.
        workspace: String,
    },
}

impl Query {
    /// The one check of `GET /v1/orgs/{org}/check`, from its query string: the fields of
    /// [`CheckItem`] as parameters (`?operation=view&asset=q3`), `min_version` aside. A GET
    /// carries no body, so a check costs what any GET does on the way in.
    ///
    /// # Errors
    ///
    /// `invalid` for a missing `operation`, an unknown or repeated parameter, or a value that
    /// is not one of the vocabulary's.
    pub fn check_from_query(pairs: &[(String, String)]) -> Result<Query, ApiError> {
        let mut fields = Map::new();
        for (key, value) in pairs.iter().filter(|(k, _)| k != "min_version") {
            if fields
                .insert(key.clone(), Value::String(value.clone()))
                .is_some()
            {
                return Err(ApiError::invalid(format!(
                    "`{key}` is given more than once"
                )));
            }
        }
        let item: CheckItem = serde_json::from_value(Value::Object(fields)).map_err(|e| {
            ApiError::invalid(format!(
                "the query string is not a check (`?operation=..&asset=..`): {e}"
            ))
        })?;
        Ok(Query::Check {
            checks: vec![item],
            batch: false,
        })
    }

    /// `GET .../assets/{dataset}/sql?dialect=postgres[&through=d]` and
    /// `GET .../assets/{dataset}/data-scope[?through=d]`: the scope questions from their query
    /// strings (`min_version` aside).
    ///
    /// # Errors
    ///
    /// `invalid` for an unknown or repeated parameter, a missing or unknown dialect.
    pub fn scope_from_query(
        dataset: String,
        pairs: &[(String, String)],
        sql: bool,
    ) -> Result<Query, ApiError> {
        let mut dialect = None;
        let mut through = None;
        for (key, value) in pairs.iter().filter(|(k, _)| k != "min_version") {
            let slot = match key.as_str() {
                "dialect" if sql => &mut dialect,
                "through" => &mut through,
                _ => {
                    return Err(ApiError::invalid(format!(
                        "unknown parameter `{key}`: this route takes {}",
                        if sql {
                            "`dialect` and `through`"
                        } else {
                            "`through`"
                        }
                    )));
                }
            };
            if slot.replace(value.clone()).is_some() {
                return Err(ApiError::invalid(format!(
                    "`{key}` is given more than once"
                )));
            }
        }
        if !sql {
            return Ok(match through {
                Some(through) => Query::ScopeThrough { dataset, through },
                None => Query::DataScope { dataset },
            });
        }
        let dialect = dialect
            .ok_or_else(|| ApiError::invalid("`dialect` is required: postgres, duckdb or sqlite"))?
            .parse::<Dialect>()?;
        Ok(Query::Sql {
            dataset,
            through,
            dialect,
        })
    }

    /// The workspaces whose parts answer this query, when known without a lookup; `None` means
    /// the assets named must be located first (or the query needs the whole organization).
    #[must_use]
    pub fn workspaces(&self) -> Option<Vec<&str>> {
        match self {
            Query::VisibleAssets { workspace }
            | Query::VisibleFolders { workspace }
            | Query::ViewAs { workspace, .. }
            | Query::WorkspaceView { workspace }
            | Query::DryRun { workspace, .. } => Some(vec![workspace.as_str()]),
            Query::Filter {
                workspace: Some(workspace),
                ..
            } => Some(vec![workspace.as_str()]),
            Query::Org => Some(Vec::new()),
            Query::Check { checks, .. } => checks.iter().map(|c| c.workspace.as_deref()).collect(),
            _ => None,
        }
    }

    /// The assets whose workspaces must be found before the query runs at the edge.
    #[must_use]
    pub fn assets_to_locate(&self) -> Vec<&str> {
        match self {
            Query::Check { checks, .. } => checks
                .iter()
                .filter(|c| c.workspace.is_none())
                .filter_map(|c| c.asset.as_deref())
                .collect(),
            Query::DataScope { dataset } | Query::Preview { dataset, .. } => vec![dataset.as_str()],
            Query::ScopeThrough { dataset, through }
            | Query::Sql {
                dataset,
                through: Some(through),
                ..
            } => vec![dataset.as_str(), through.as_str()],
            Query::Sql { dataset, .. } => vec![dataset.as_str()],
            Query::Asset { asset } | Query::WhoHasAccess { asset, .. } => vec![asset.as_str()],
            _ => Vec::new(),
        }
    }

    /// Whether only the whole organization answers it (the Durable Object does).
    #[must_use]
    pub fn needs_whole_org(&self) -> bool {
        matches!(
            self,
            Query::View
                // Which workspaces a member sees spans them all.
                | Query::FirstView { .. }
                | Query::ViewPage { .. }
                | Query::AccessDiff { .. }
                // Folders have no locators: the writer finds them.
                | Query::WhoSeesFolder { .. }
                | Query::Filter {
                    workspace: None,
                    ..
                }
        )
    }
}

/// Answers `query` for `actor` at `now` from `engine`.
pub fn run_query(engine: &Engine, actor: &str, query: &Query, now: u64) -> Result<Value, ApiError> {
    match query {
        Query::Check { checks, batch } => {
            if *batch {
                let results: Vec<Value> = checks
                    .iter()
                    .map(|c| match decide(engine, actor, c, now) {
                        Ok(v) => v,
                        Err(e) => json!({"error": {"code": e.code, "message": e.message}}),
                    })
                    .collect();
                Ok(json!({ "results": results }))
            } else {
                let only = checks
                    .first()
                    .ok_or_else(|| ApiError::invalid("no check was asked"))?;
                decide(engine, actor, only, now)
            }
        }
        Query::Filter {
            operation, assets, ..
        } => {
            let ids: Vec<&str> = assets.iter().map(String::as_str).collect();
            Ok(json!({ "assets": engine.filter(actor, *operation, &ids, now)? }))
        }
        Query::VisibleAssets { workspace } => {
            let ids = engine.visible_assets(actor, workspace, now)?;
            // The documents of the listed assets only, one lookup each (linear): not the whole
            // part saved and filtered (100,000 documents for an analyst who sees 2,000).
            let assets: Vec<Value> = engine
                .asset_docs(ids.iter().copied())
                .into_iter()
                .map(|a| {
                    json!({"id": a.id, "kind": a.kind, "name": a.name, "folder": a.folder,
                           "owner": a.owner, "public": a.public})
                })
                .collect();
            Ok(json!({ "workspace": workspace, "ids": ids, "assets": assets }))
        }
        Query::VisibleFolders { workspace } => {
            let ids = engine.visible_folders(actor, workspace, now)?;
            let folders: Vec<Value> = engine
                .folder_docs(ids.iter().copied())
                .into_iter()
                .map(|f| json!({"id": f.id, "name": f.name, "parent": f.parent}))
                .collect();
            Ok(json!({ "workspace": workspace, "ids": ids, "folders": folders }))
        }
        Query::DryRun { workspace, mode } => {
            let run = engine.mode_switch_dry_run(actor, workspace, *mode, now)?;
            serde_json::to_value(run).map_err(|e| ApiError::internal(e.to_string()))
        }
        Query::DataScope { dataset } => {
            let scope = engine.data_scope(actor, dataset, now)?;
            serde_json::to_value(scope).map_err(|e| ApiError::internal(e.to_string()))
        }
        Query::ScopeThrough { dataset, through } => {
            let scope = engine.data_scope_through(actor, dataset, through, now)?;
            serde_json::to_value(scope).map_err(|e| ApiError::internal(e.to_string()))
        }
        Query::Sql {
            dataset,
            through,
            dialect,
        } => {
            let q = engine.sql(actor, dataset, through.as_deref(), *dialect, now)?;
            serde_json::to_value(q).map_err(|e| ApiError::internal(e.to_string()))
        }
        Query::Preview { dataset, rows } => {
            let scope = engine.data_scope(actor, dataset, now)?;
            Ok(json!({ "rows": scope.apply(rows) }))
        }
        Query::Asset { asset } => to_value(&engine.asset_info(actor, asset, now)?),
        Query::Org => to_value(&engine.org_summary(actor)?),
        Query::View => {
            let view = engine.snapshot_for(actor, now)?;
            serde_json::to_value(view).map_err(|e| ApiError::internal(e.to_string()))
        }
        Query::FirstView { workspace, list } => to_value(&engine.first_view_listing(
            actor,
            workspace.as_deref(),
            list.unwrap_or(FIRST_VIEW_LIST),
            now,
        )?),
        Query::ViewPage { list, after, limit } => {
            to_value(&engine.view_page(actor, *list, after.as_deref(), *limit, now)?)
        }
        Query::WorkspaceView { workspace } => {
            to_value(&engine.workspace_view(actor, workspace, now)?)
        }
        Query::WhoHasAccess {
            asset,
            operation,
            cursor,
            limit,
        } => to_value(&engine.who_has_access(
            actor,
            asset,
            *operation,
            cursor.as_deref(),
            *limit,
            now,
        )?),
        Query::WhoSeesFolder {
            folder,
            cursor,
            limit,
        } => to_value(&engine.who_sees_folder(actor, folder, cursor.as_deref(), *limit, now)?),
        Query::AccessDiff { command } => to_value(&engine.access_diff(actor, command, now)?),
        Query::ViewAs { user, workspace } => {
            to_value(&engine.view_as(actor, user, workspace, now)?)
        }
    }
}

fn decide(engine: &Engine, actor: &str, item: &CheckItem, now: u64) -> Result<Value, ApiError> {
    let decision = engine.decide(actor, item, now)?;
    to_value(&engine.answer(&decision))
}

fn to_value(value: &impl Serialize) -> Result<Value, ApiError> {
    serde_json::to_value(value).map_err(|e| ApiError::internal(e.to_string()))
}

#[cfg(test)]
#[path = "queries_tests.rs"]
mod tests;

#[cfg(test)]
#[path = "queries_sql_tests.rs"]
mod sql_tests;
