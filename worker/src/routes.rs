//! The resource routes that change state, each mapped to one core [`Command`].
//!
//! A route names the command's ids in its path; the JSON body carries the other fields, in the
//! command's own names (docs/conformance.md lists them). The body may not repeat a path field.
//! Building the command is pure, so the table is tested natively; the worker registers every
//! entry with the `worker` Router.

use crate::api_error::ApiError;
use orgspace_core::Command;
use serde_json::{Map, Value};

/// An HTTP method the API uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    /// GET.
    Get,
    /// POST.
    Post,
    /// PUT.
    Put,
    /// PATCH.
    Patch,
    /// DELETE.
    Delete,
}

impl Method {
    /// Its name in HTTP.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
        }
    }

    /// Every method, in the order an `Allow` header lists them.
    pub const ALL: [Method; 5] = [
        Method::Get,
        Method::Post,
        Method::Put,
        Method::Patch,
        Method::Delete,
    ];
}

/// The routes that answer without changing state (the worker registers each with its own
/// handler in `edge/mod.rs`), as `(method, path)`: with [`COMMAND_ROUTES`] they say which
/// methods a path takes, for the `Allow` header of a 405.
pub const QUERY_ROUTES: &[(Method, &str)] = &[
    (Method::Get, "/v1/health"),
    (Method::Get, "/v1/orgs/:org"),
    (Method::Get, "/v1/orgs/:org/check"),
    (Method::Post, "/v1/orgs/:org/check"),
    (Method::Post, "/v1/orgs/:org/filter"),
    (Method::Get, "/v1/orgs/:org/workspaces/:workspace/assets"),
    (Method::Get, "/v1/orgs/:org/workspaces/:workspace/folders"),
    (
        Method::Get,
        "/v1/orgs/:org/workspaces/:workspace/mode-dry-run",
    ),
    (Method::Get, "/v1/orgs/:org/assets/:asset"),
    (Method::Get, "/v1/orgs/:org/assets/:asset/data-scope"),
    (Method::Get, "/v1/orgs/:org/assets/:asset/sql"),
    (Method::Post, "/v1/orgs/:org/assets/:asset/preview"),
    (Method::Get, "/v1/orgs/:org/snapshot"),
    (Method::Put, "/v1/orgs/:org/snapshot"),
    (Method::Get, "/v1/orgs/:org/views/first"),
    (Method::Get, "/v1/orgs/:org/views/workspaces/:workspace"),
    (Method::Get, "/v1/orgs/:org/views/workspaces"),
    (Method::Get, "/v1/orgs/:org/views/members"),
    (Method::Get, "/v1/orgs/:org/audit"),
    (Method::Put, "/v1/orgs/:org/imports/:upload/chunks/:n"),
    (Method::Get, "/v1/orgs/:org/imports/:upload"),
    (Method::Post, "/v1/orgs/:org/imports/:upload/commit"),
    // Issue 15's access questions (edge/access.rs).
    (Method::Get, "/v1/orgs/:org/assets/:asset/access"),
    (Method::Get, "/v1/orgs/:org/folders/:folder/access"),
    (Method::Post, "/v1/orgs/:org/access-diff"),
    (
        Method::Post,
        "/v1/orgs/:org/workspaces/:workspace/view-as/:user",
    ),
];

/// Whether `path` (no query string) matches `pattern` as the Router matches: segment by
/// segment, a `:name` segment taking any non-empty one.
fn matches(pattern: &str, path: &str) -> bool {
    let mut want = pattern.split('/');
    let mut got = path.split('/');
    loop {
        match (want.next(), got.next()) {
            (None, None) => return true,
            (Some(w), Some(g)) if (w.starts_with(':') && !g.is_empty()) || w == g => {}
            _ => return false,
        }
    }
}

/// The methods some route takes at `path`, for a 405's `Allow` header (RFC 9110 15.5.6), in
/// [`Method::ALL`]'s order; empty for a path no route has.
#[must_use]
pub fn allowed_methods(path: &str) -> Vec<Method> {
    let routes = QUERY_ROUTES
        .iter()
        .copied()
        .chain(COMMAND_ROUTES.iter().map(|r| (r.method, r.path)));
    let taken: Vec<Method> = routes
        .filter(|(_, pattern)| matches(pattern, path))
        .map(|(method, _)| method)
        .collect();
    Method::ALL
        .into_iter()
        .filter(|m| taken.contains(m))
        .collect()
}

/// One route that runs a command.
#[derive(Clone, Copy, Debug)]
pub struct CommandRoute {
    /// Its method.
    pub method: Method,
    /// Its path, in the Router's syntax (`:name` for a parameter). Every path starts with
    /// `/v1/orgs/:org`.
    pub path: &'static str,
    /// The command's `type`.
    pub command: &'static str,
    /// Path parameters copied into command fields, as `(parameter, field)`.
    pub params: &'static [(&'static str, &'static str)],
    /// A grant target built from the path: `Some("user")` makes `{"target": {"user": <:target>}}`.
    pub target: Option<&'static str>,
    /// Query-string parameters accepted as command fields (for DELETE, which has no body).
    pub query: &'static [&'static str],
    /// Whether success is `201 Created` rather than `200 OK`.
    pub creates: bool,
}

const fn route(
    method: Method,
    path: &'static str,
    command: &'static str,
    params: &'static [(&'static str, &'static str)],
    creates: bool,
) -> CommandRoute {
    CommandRoute {
        method,
        path,
        command,
        params,
        target: None,
        query: &[],
        creates,
    }
}

use Method::{Delete, Patch, Post, Put};

/// Every command route. The org itself is created by `PUT /v1/orgs/:org`.
pub const COMMAND_ROUTES: &[CommandRoute] = &[
    route(Put, "/v1/orgs/:org", "create_org", &[("org", "org")], true),
    route(Patch, "/v1/orgs/:org", "rename_org", &[], false),
    route(
        Post,
        "/v1/orgs/:org/upgrade",
        "upgrade_org",
        &[("org", "org")],
        true,
    ),
    // Members and organization roles.
    route(
        Put,
        "/v1/orgs/:org/members/:user",
        "add_member",
        &[("user", "user")],
        true,
    ),
    CommandRoute {
        query: &["new_owner"],
        ..route(
            Delete,
            "/v1/orgs/:org/members/:user",
            "remove_member",
            &[("user", "user")],
            false,
        )
    },
    route(
        Put,
        "/v1/orgs/:org/members/:user/roles",
        "set_org_roles",
        &[("user", "user")],
        false,
    ),
    route(
        Put,
        "/v1/orgs/:org/members/:user/attributes",
        "set_attributes",
        &[("user", "user")],
        false,
    ),
    route(
        Put,
        "/v1/orgs/:org/roles/:role",
        "define_org_role",
        &[("role", "role")],
        true,
    ),
    route(
        Delete,
        "/v1/orgs/:org/roles/:role",
        "delete_org_role",
        &[("role", "role")],
        false,
    ),
    // User groups.
    route(
        Put,
        "/v1/orgs/:org/groups/:group",
        "create_group",
        &[("group", "group")],
        true,
    ),
    route(
        Delete,
        "/v1/orgs/:org/groups/:group",
        "delete_group",
        &[("group", "group")],
        false,
    ),
    route(
        Put,
        "/v1/orgs/:org/groups/:group/members/:user",
        "add_group_member",
        &[("group", "group"), ("user", "user")],
        true,
    ),
    route(
        Delete,
        "/v1/orgs/:org/groups/:group/members/:user",
        "remove_group_member",
        &[("group", "group"), ("user", "user")],
        false,
    ),
    // Workspaces.
    route(
        Put,
        "/v1/orgs/:org/workspaces/:workspace",
        "create_workspace",
        &[("workspace", "workspace")],
        true,
    ),
    route(
        Patch,
        "/v1/orgs/:org/workspaces/:workspace",
        "modify_workspace",
        &[("workspace", "workspace")],
        false,
    ),
    route(
        Delete,
        "/v1/orgs/:org/workspaces/:workspace",
        "delete_workspace",
        &[("workspace", "workspace")],
        false,
    ),
    route(
        Put,
        "/v1/orgs/:org/default-workspace",
        "set_default_workspace",
        &[],
        false,
    ),
    route(
        Put,
        "/v1/orgs/:org/workspaces/:workspace/mode",
        "set_workspace_mode",
        &[("workspace", "workspace")],
        false,
    ),
    route(
        Put,
        "/v1/orgs/:org/workspaces/:workspace/members/:user",
        "add_workspace_member",
        &[("workspace", "workspace"), ("user", "user")],
        true,
    ),
    route(
        Put,
        "/v1/orgs/:org/workspaces/:workspace/members/:user/roles",
        "set_workspace_roles",
        &[("workspace", "workspace"), ("user", "user")],
        false,
    ),
    route(
        Delete,
        "/v1/orgs/:org/workspaces/:workspace/members/:user",
        "remove_workspace_member",
        &[("workspace", "workspace"), ("user", "user")],
        false,
    ),
    route(
        Put,
        "/v1/orgs/:org/workspaces/:workspace/roles/:role",
        "define_workspace_role",
        &[("workspace", "workspace"), ("role", "role")],
        true,
    ),
    route(
        Delete,
        "/v1/orgs/:org/workspaces/:workspace/roles/:role",
        "delete_workspace_role",
        &[("workspace", "workspace"), ("role", "role")],
        false,
    ),
    route(
        Put,
        "/v1/orgs/:org/workspaces/:workspace/tables/:source/:table",
        "grant_table",
        &[
            ("workspace", "workspace"),
            ("source", "source"),
            ("table", "table"),
        ],
        true,
    ),
    route(
        Delete,
        "/v1/orgs/:org/workspaces/:workspace/tables/:source/:table",
        "revoke_table",
        &[
            ("workspace", "workspace"),
            ("source", "source"),
            ("table", "table"),
        ],
        false,
    ),
    // Folders.
    route(
        Put,
        "/v1/orgs/:org/folders/:folder",
        "create_folder",
        &[("folder", "folder")],
        true,
    ),
    route(
        Patch,
        "/v1/orgs/:org/folders/:folder",
        "rename_folder",
        &[("folder", "folder")],
        false,
    ),
    route(
        Put,
        "/v1/orgs/:org/folders/:folder/parent",
        "move_folder",
        &[("folder", "folder")],
        false,
    ),
    route(
        Delete,
        "/v1/orgs/:org/folders/:folder",
        "delete_folder",
        &[("folder", "folder")],
        false,
    ),
    // Assets.
    route(
        Put,
        "/v1/orgs/:org/assets/:asset",
        "create_asset",
        &[("asset", "asset")],
        true,
    ),
    route(
        Patch,
        "/v1/orgs/:org/assets/:asset",
        "modify_asset",
        &[("asset", "asset")],
        false,
    ),
    route(
        Put,
        "/v1/orgs/:org/assets/:asset/folder",
        "move_asset",
        &[("asset", "asset")],
        false,
    ),
    route(
        Delete,
        "/v1/orgs/:org/assets/:asset",
        "delete_asset",
        &[("asset", "asset")],
        false,
    ),
    CommandRoute {
        target: Some("user"),
        ..route(
            Put,
            "/v1/orgs/:org/assets/:asset/grants/users/:target",
            "grant",
            &[("asset", "asset")],
            false,
        )
    },
    CommandRoute {
        target: Some("group"),
        ..route(
            Put,
            "/v1/orgs/:org/assets/:asset/grants/groups/:target",
            "grant",
            &[("asset", "asset")],
            false,
        )
    },
    CommandRoute {
        target: Some("user"),
        ..route(
            Delete,
            "/v1/orgs/:org/assets/:asset/grants/users/:target",
            "revoke",
            &[("asset", "asset")],
            false,
        )
    },
    CommandRoute {
        target: Some("group"),
        ..route(
            Delete,
            "/v1/orgs/:org/assets/:asset/grants/groups/:target",
            "revoke",
            &[("asset", "asset")],
            false,
        )
    },
    route(
        Post,
        "/v1/orgs/:org/assets/:asset/share",
        "share",
        &[("asset", "asset")],
        false,
    ),
    route(
        Put,
        "/v1/orgs/:org/assets/:asset/public",
        "set_public",
        &[("asset", "asset")],
        false,
    ),
    route(
        Post,
        "/v1/orgs/:org/assets/:asset/transfer",
        "transfer_ownership",
        &[("asset", "asset")],
        false,
    ),
    // Data permissions.
    route(
        Put,
        "/v1/orgs/:org/data-sources/:source",
        "create_data_source",
        &[("source", "source")],
        true,
    ),
    route(
        Delete,
        "/v1/orgs/:org/data-sources/:source",
        "delete_data_source",
        &[("source", "source")],
        false,
    ),
    route(
        Put,
        "/v1/orgs/:org/assets/:asset/table",
        "set_dataset_table",
        &[("asset", "asset")],
        false,
    ),
    route(
        Put,
        "/v1/orgs/:org/assets/:asset/row-rules",
        "set_row_rules",
        &[("asset", "asset")],
        false,
    ),
    route(
        Put,
        "/v1/orgs/:org/assets/:asset/column-rules",
        "set_column_rules",
        &[("asset", "asset")],
        false,
    ),
];

/// Builds the command of `route` from its path parameters (`param` looks one up), its query
/// string pairs and its body (`None` when the request has none).
pub fn build_command<'a>(
    route: &CommandRoute,
    param: impl Fn(&str) -> Option<&'a str>,
    query: &[(String, String)],
    body: Option<Value>,
) -> Result<Command, ApiError> {
    let mut fields: Map<String, Value> = match body {
        None | Some(Value::Null) => Map::new(),
        Some(Value::Object(map)) => map,
        Some(_) => return Err(ApiError::invalid("the body must be a JSON object")),
    };
    whole_numbers(&mut fields);
    for reserved in ["type", "target"] {
        if fields.contains_key(reserved) && (reserved == "type" || route.target.is_some()) {
            return Err(ApiError::invalid(format!(
                "`{reserved}` is given by the path, not the body"
            )));
        }
    }
    fields.insert("type".into(), Value::String(route.command.into()));
    for (name, field) in route.params {
        if fields.contains_key(*field) {
            return Err(ApiError::invalid(format!(
                "`{field}` is given by the path, not the body"
            )));
        }
        let value = param(name).ok_or_else(|| ApiError::invalid(format!("`{name}` is missing")))?;
        fields.insert((*field).into(), Value::String(value.into()));
    }
    if let Some(kind) = route.target {
        let who = param("target").ok_or_else(|| ApiError::invalid("the grantee is missing"))?;
        let mut target = Map::new();
        target.insert(kind.into(), Value::String(who.into()));
        fields.insert("target".into(), Value::Object(target));
    }
    for (key, value) in query {
        if key == "min_version" {
            continue;
        }
        if !route.query.contains(&key.as_str()) {
            return Err(ApiError::invalid(format!(
                "unknown query parameter `{key}`"
            )));
        }
        if fields.contains_key(key) {
            return Err(ApiError::invalid(format!("`{key}` is given twice")));
        }
        fields.insert(key.clone(), Value::String(value.clone()));
    }
    serde_json::from_value(Value::Object(fields))
        .map_err(|e| ApiError::invalid(format!("the body is not a valid `{}`: {e}", route.command)))
}

/// JSON has one number type, and JSON Schema's `integer` takes `1.0` and `1e3`: a body field's
/// value that is a whole number written with a fraction or exponent is that integer, so integer
/// fields (a grant's `expires_at`, an upload's `chunks`) take it. Only the body's own fields
/// (values inside them, such as a rule's data values, stay as written), and only within
/// 2^53 - 1, where every integer is exact.
pub fn whole_numbers(fields: &mut Map<String, Value>) {
    for value in fields.values_mut() {
        integral(value);
    }
}

fn integral(value: &mut Value) {
    const MAX_SAFE: f64 = 9_007_199_254_740_991.0;
    if let Some(f) = value.as_f64().filter(|_| value.is_f64()) {
        if f.fract() == 0.0 && f.abs() <= MAX_SAFE {
            #[expect(
                clippy::cast_possible_truncation,
                reason = "a whole number within 2^53 - 1, exact as i64"
            )]
            let i = f as i64;
            *value = Value::from(i);
        }
    }
}

#[cfg(test)]
#[path = "routes_tests.rs"]
mod tests;

#[cfg(test)]
#[path = "openapi_tests.rs"]
mod openapi_tests;
