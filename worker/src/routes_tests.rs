//! The route table: every route builds its command from sample path parameters, query pairs and
//! bodies; the path owns its fields; bad bodies and query strings are refused as `invalid`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test helpers fail the calling test on purpose"
)]

use super::*;
use orgspace_core::Target;
use serde_json::json;
use std::collections::BTreeSet;

/// The value every path parameter takes in these tests.
pub(super) fn sample_param(name: &str) -> Option<&'static str> {
    Some(match name {
        "org" => "acme",
        "user" => "bob",
        "role" => "curator",
        "group" => "sales-team",
        "workspace" => "ws one",
        "source" => "dw",
        "table" => "orders",
        "folder" => "f1",
        "asset" => "a1",
        "target" => "carol",
        _ => return None,
    })
}

/// A valid body (without the path's fields) and query string for each command.
pub(super) fn sample_input(command: &str) -> (Option<Value>, Vec<(String, String)>) {
    let body = match command {
        "create_org" => json!({"name": "Acme", "default_workspace": "main", "mode": "private"}),
        "rename_org" => json!({"name": "Acme Ltd"}),
        "upgrade_org" => json!({
            "name": "Legacy", "default_workspace": "main",
            "users": [{"user": "root", "admin": true}, {"user": "ada"}],
        }),
        "add_member" => json!({"workspace": "main", "workspace_roles": ["analyst"],
                               "attributes": {"region": ["east"]}}),
        "remove_member" => {
            return (None, vec![("new_owner".into(), "alice".into())]);
        }
        "set_org_roles" => json!({"roles": ["permission_admin"]}),
        "set_attributes" => json!({"attributes": {"region": ["west"]}}),
        "define_org_role" => json!({"name": "People", "points": ["manage_members"]}),
        "create_group" => json!({"name": "Sales", "parent": "everyone"}),
        "create_workspace" => json!({"name": "One", "mode": "collaboration", "admins": ["alice"]}),
        "modify_workspace" => json!({"name": "Uno"}),
        "set_default_workspace" => json!({"workspace": "main"}),
        "set_workspace_mode" => json!({"mode": "private"}),
        "add_workspace_member" | "set_workspace_roles" => json!({"roles": ["developer"]}),
        "define_workspace_role" => json!({
            "name": "Curator", "points": [{"kind": "dashboard", "operation": "view"}],
        }),
        "grant_table" => json!({"columns": ["region"],
                                "rows": {"in": {"column": "region", "values": ["east"]}}}),
        "create_folder" => json!({"workspace": "main", "name": "Reports", "parent": "root"}),
        "rename_folder" => json!({"name": "Old reports"}),
        "move_folder" => json!({"parent": "archive"}),
        "create_asset" => json!({"workspace": "main", "kind": "dashboard", "name": "Q3",
                                 "folder": "f1", "references": ["ds"]}),
        "modify_asset" => json!({"name": "Q3 (final)"}),
        "move_asset" => json!({"folder": "f2"}),
        "grant" => json!({"level": "edit", "expires_at": 5000}),
        "share" => json!({"with": [{"user": "bob"}, {"group": "sales-team"}], "level": "view"}),
        "set_public" => json!({"public": true}),
        "transfer_ownership" => json!({"to": "bob"}),
        "create_data_source" => json!({
            "name": "Warehouse",
            "tables": [{"name": "orders", "columns": [{"name": "region", "type": "string"}]}],
        }),
        "set_dataset_table" => json!({"source": "dw", "table": "orders"}),
        "set_row_rules" => json!({
            "enabled": true,
            "rules": [{"targets": {"all": true}, "column": "region", "allow": {"values": ["east"]}}],
        }),
        "set_column_rules" => json!({
            "rules": [{"targets": {"users": ["bob"]}, "column": "region", "action": "mask"}],
        }),
        // Everything else is named by its path alone.
        _ => return (None, Vec::new()),
    };
    (Some(body), Vec::new())
}

fn build(
    route: &CommandRoute,
    query: &[(String, String)],
    body: Option<Value>,
) -> Result<Command, ApiError> {
    build_command(route, sample_param, query, body)
}

fn find(method: Method, path: &str) -> &'static CommandRoute {
    COMMAND_ROUTES
        .iter()
        .find(|r| r.method == method && r.path == path)
        .unwrap_or_else(|| panic!("no route {method:?} {path}"))
}

fn assert_invalid(result: Result<Command, ApiError>, what: &str) -> ApiError {
    match result {
        Ok(c) => panic!("{what}: built {c:?}, expected 400 invalid"),
        Err(e) => {
            assert_eq!((e.status, e.code), (400, "invalid"), "{what}: {e:?}");
            assert!(
                e.rule.is_none(),
                "{what}: a malformed request names no rule"
            );
            e
        }
    }
}

/// The path parameters a route's path names, in order.
fn path_params(path: &str) -> Vec<&str> {
    path.split('/')
        .filter_map(|s| s.strip_prefix(':'))
        .collect()
}

#[test]
fn every_route_builds_its_command_from_samples() {
    for route in COMMAND_ROUTES {
        let (body, query) = sample_input(route.command);
        let command = build(route, &query, body.clone())
            .unwrap_or_else(|e| panic!("{:?} {}: {e:?}", route.method, route.path));
        assert_eq!(command.name(), route.command, "{}", route.path);
        let fields = serde_json::to_value(&command).unwrap();
        // Every path field arrives in the command with the path's value.
        for (param, field) in route.params {
            assert_eq!(
                fields[*field],
                json!(sample_param(param).unwrap()),
                "{} {field}",
                route.path
            );
        }
        // The command is exactly the one the body, the query and the path spell together.
        let mut whole = match body {
            Some(Value::Object(map)) => map,
            _ => Map::new(),
        };
        whole.insert("type".into(), json!(route.command));
        for (param, field) in route.params {
            whole.insert((*field).into(), json!(sample_param(param).unwrap()));
        }
        if let Some(kind) = route.target {
            whole.insert(
                "target".into(),
                json!({ kind: sample_param("target").unwrap() }),
            );
        }
        for (key, value) in &query {
            whole.insert(key.clone(), json!(value));
        }
        let expected: Command = serde_json::from_value(Value::Object(whole)).unwrap();
        assert_eq!(command, expected, "{}", route.path);
    }
}

#[test]
fn routes_are_well_formed_and_distinct() {
    let mut seen = BTreeSet::new();
    for route in COMMAND_ROUTES {
        assert!(
            route.path == "/v1/orgs/:org" || route.path.starts_with("/v1/orgs/:org/"),
            "{}",
            route.path
        );
        assert!(
            seen.insert((format!("{:?}", route.method), route.path)),
            "two routes for {:?} {}",
            route.method,
            route.path
        );
        // Every parameter copied into the command is in the path, and every parameter of the
        // path but `org` (the writer's name) and `target` (the grantee) reaches the command.
        let in_path = path_params(route.path);
        for (param, _) in route.params {
            assert!(in_path.contains(param), "{} copies `{param}`", route.path);
        }
        for param in &in_path {
            let used = route.params.iter().any(|(p, _)| p == param)
                || (*param == "target" && route.target.is_some())
                || *param == "org";
            assert!(used, "{}: `{param}` reaches no field", route.path);
        }
        assert_eq!(
            in_path.contains(&"target"),
            route.target.is_some(),
            "{}",
            route.path
        );
        // Creations answer 201 and are PUT or POST.
        if route.creates {
            assert!(
                matches!(route.method, Method::Put | Method::Post),
                "{}",
                route.path
            );
        }
        if route.method == Method::Get {
            panic!("{}: a GET route must not change state", route.path);
        }
    }
}

#[test]
fn every_command_type_has_a_route() {
    let names: BTreeSet<&str> = COMMAND_ROUTES.iter().map(|r| r.command).collect();
    // The commands of docs/conformance.md.
    for command in [
        "create_org",
        "rename_org",
        "upgrade_org",
        "add_member",
        "remove_member",
        "set_org_roles",
        "set_attributes",
        "define_org_role",
        "delete_org_role",
        "create_group",
        "delete_group",
        "add_group_member",
        "remove_group_member",
        "create_workspace",
        "modify_workspace",
        "delete_workspace",
        "set_default_workspace",
        "set_workspace_mode",
        "add_workspace_member",
        "remove_workspace_member",
        "set_workspace_roles",
        "define_workspace_role",
        "delete_workspace_role",
        "create_folder",
        "rename_folder",
        "move_folder",
        "delete_folder",
        "create_asset",
        "modify_asset",
        "move_asset",
        "delete_asset",
        "grant",
        "revoke",
        "share",
        "set_public",
        "transfer_ownership",
        "create_data_source",
        "delete_data_source",
        "grant_table",
        "revoke_table",
        "set_dataset_table",
        "set_row_rules",
        "set_column_rules",
    ] {
        assert!(names.contains(command), "no route runs `{command}`");
    }
}

#[test]
fn a_body_may_not_repeat_a_path_field() {
    for route in COMMAND_ROUTES {
        for (_, field) in route.params {
            let (body, query) = sample_input(route.command);
            let mut body = match body {
                Some(Value::Object(map)) => map,
                _ => Map::new(),
            };
            // The same value as the path: still refused, the path owns the field.
            body.insert((*field).into(), json!(sample_param(field).unwrap_or("x")));
            let e = assert_invalid(
                build(route, &query, Some(Value::Object(body))),
                &format!("{} with `{field}` in the body", route.path),
            );
            assert!(e.message.contains(field), "{}", e.message);
        }
    }
}

#[test]
fn the_body_may_not_name_the_type_or_a_path_target() {
    for route in COMMAND_ROUTES {
        let (body, query) = sample_input(route.command);
        let mut map = match body {
            Some(Value::Object(map)) => map,
            _ => Map::new(),
        };
        let mut typed = map.clone();
        typed.insert("type".into(), json!(route.command));
        assert_invalid(
            build(route, &query, Some(Value::Object(typed))),
            &format!("{} with `type`", route.path),
        );
        if route.target.is_some() {
            map.insert("target".into(), json!({"user": "mallory"}));
            assert_invalid(
                build(route, &query, Some(Value::Object(map))),
                &format!("{} with `target`", route.path),
            );
        }
    }
}

#[test]
fn grant_routes_build_the_target_from_the_path() {
    let cases = [
        (Method::Put, "users", Target::User("carol".into())),
        (Method::Put, "groups", Target::Group("carol".into())),
        (Method::Delete, "users", Target::User("carol".into())),
        (Method::Delete, "groups", Target::Group("carol".into())),
    ];
    for (method, kind, expected) in cases {
        let path = format!("/v1/orgs/:org/assets/:asset/grants/{kind}/:target");
        let route = find(method, &path);
        let body = (method == Method::Put).then(|| json!({"level": "view"}));
        match build(route, &[], body).unwrap() {
            Command::Grant {
                asset,
                target,
                level,
                expires_at,
            } => {
                assert_eq!((asset.as_str(), &target), ("a1", &expected));
                assert_eq!(level, orgspace_core::Level::View);
                assert_eq!(expires_at, None);
            }
            Command::Revoke { asset, target } => {
                assert_eq!((asset.as_str(), &target), ("a1", &expected));
            }
            other => panic!("{path}: built {other:?}"),
        }
    }
    // The grantee is required.
    let route = find(
        Method::Put,
        "/v1/orgs/:org/assets/:asset/grants/users/:target",
    );
    let no_target = |name: &str| (name == "asset").then_some("a1");
    let e = build_command(route, no_target, &[], Some(json!({"level": "view"}))).unwrap_err();
    assert_eq!(e.code, "invalid");
}

#[test]
fn query_parameters() {
    let remove = find(Method::Delete, "/v1/orgs/:org/members/:user");
    let pairs = |list: &[(&str, &str)]| -> Vec<(String, String)> {
        list.iter()
            .map(|(k, v)| ((*k).into(), (*v).into()))
            .collect()
    };
    // `new_owner` is a query field of remove_member; `min_version` is read elsewhere and ignored.
    let command = build(
        remove,
        &pairs(&[("new_owner", "alice"), ("min_version", "7")]),
        None,
    )
    .unwrap();
    assert_eq!(
        command,
        Command::RemoveMember {
            user: "bob".into(),
            new_owner: Some("alice".into()),
        }
    );
    // Unknown parameters are refused, on routes with and without query fields.
    let e = assert_invalid(
        build(
            remove,
            &pairs(&[("new_owner", "alice"), ("force", "1")]),
            None,
        ),
        "remove_member ?force",
    );
    assert!(e.message.contains("force"), "{}", e.message);
    for route in COMMAND_ROUTES {
        let (body, mut query) = sample_input(route.command);
        query.push(("unknown".into(), "1".into()));
        assert_invalid(
            build(route, &query, body),
            &format!("{} ?unknown", route.path),
        );
    }
    // A field given both in the query and in the body.
    assert_invalid(
        build(
            remove,
            &pairs(&[("new_owner", "alice")]),
            Some(json!({"new_owner": "carol"})),
        ),
        "new_owner twice",
    );
    // Missing: the route passes the command on and the engine refuses it (O8), as on every
    // other host.
    assert_eq!(
        build(remove, &[], None).unwrap(),
        Command::RemoveMember {
            user: "bob".into(),
            new_owner: None,
        }
    );
}

#[test]
fn bodies_that_are_not_objects_are_invalid() {
    let route = find(Method::Put, "/v1/orgs/:org/assets/:asset");
    for body in [
        json!([]),
        json!("x"),
        json!(1),
        json!(true),
        json!([{"name": "Q3"}]),
    ] {
        let e = assert_invalid(build(route, &[], Some(body.clone())), &format!("{body}"));
        assert!(e.message.contains("object"), "{}", e.message);
    }
    // `null` is an absent body: the command then lacks its fields.
    assert_invalid(build(route, &[], Some(Value::Null)), "null body");
    // A route whose command is named by its path alone takes `null` and no body alike.
    let delete = find(Method::Delete, "/v1/orgs/:org/assets/:asset");
    assert_eq!(
        build(delete, &[], Some(Value::Null)).unwrap(),
        Command::DeleteAsset { asset: "a1".into() }
    );
    assert_eq!(
        build(delete, &[], Some(json!({}))).unwrap(),
        Command::DeleteAsset { asset: "a1".into() }
    );
}

#[test]
fn bad_fields_are_invalid() {
    let route = find(Method::Put, "/v1/orgs/:org/assets/:asset");
    let cases = [
        json!({"workspace": "main", "kind": "dashboard", "name": "Q3", "colour": "red"}),
        json!({"workspace": "main", "kind": "spreadsheet", "name": "Q3"}),
        json!({"workspace": 7, "kind": "dashboard", "name": "Q3"}),
        json!({"workspace": "main", "kind": "dashboard"}),
        json!({"workspace": "main", "kind": "dashboard", "name": "Q3", "references": "ds"}),
    ];
    for body in cases {
        let e = assert_invalid(build(route, &[], Some(body.clone())), &format!("{body}"));
        assert!(e.message.contains("create_asset"), "{}", e.message);
    }
    let grant = find(
        Method::Put,
        "/v1/orgs/:org/assets/:asset/grants/users/:target",
    );
    assert_invalid(
        build(grant, &[], Some(json!({"level": "owner"}))),
        "grant level",
    );
    assert_invalid(
        build(grant, &[], Some(json!({"level": "view", "expires_at": -1}))),
        "negative expiry",
    );
}

#[test]
fn a_missing_path_parameter_is_invalid() {
    for route in COMMAND_ROUTES.iter().filter(|r| !r.params.is_empty()) {
        let (body, query) = sample_input(route.command);
        let e = assert_invalid(
            build_command(route, |_| None, &query, body),
            &format!("{} without parameters", route.path),
        );
        assert!(e.message.contains("missing"), "{}", e.message);
    }
}

#[test]
fn path_values_are_taken_verbatim() {
    // The worker percent-decodes path parameters before the table sees them; whatever they
    // hold (spaces, slashes, unicode) becomes the id as it is.
    let route = find(Method::Put, "/v1/orgs/:org/folders/:folder");
    let odd = |name: &str| (name == "folder").then_some("Q3 / ünïcode ✓");
    let command = build_command(
        route,
        odd,
        &[],
        Some(json!({"workspace": "main", "name": "Reports"})),
    )
    .unwrap();
    assert_eq!(
        command,
        Command::CreateFolder {
            folder: "Q3 / ünïcode ✓".into(),
            workspace: "main".into(),
            name: "Reports".into(),
            parent: None,
        }
    );
}

#[test]
fn allowed_methods_are_those_of_every_route_at_the_path() {
    use Method::{Delete, Get, Patch, Post, Put};
    assert_eq!(allowed_methods("/v1/health"), [Get]);
    assert_eq!(allowed_methods("/v1/orgs/acme"), [Get, Put, Patch]);
    assert_eq!(allowed_methods("/v1/orgs/acme/check"), [Get, Post]);
    assert_eq!(allowed_methods("/v1/orgs/acme/snapshot"), [Get, Put]);
    assert_eq!(
        allowed_methods("/v1/orgs/acme/assets/a1"),
        [Get, Put, Patch, Delete]
    );
    assert!(allowed_methods("/v1/orgs/acme/nothing-here").is_empty());
    assert!(
        allowed_methods("/v1/orgs//check").is_empty(),
        "a parameter is never empty"
    );
    assert!(allowed_methods("/v1/orgs/acme/check/more").is_empty());
    for route in COMMAND_ROUTES {
        assert!(
            allowed_methods(route.path).contains(&route.method),
            "{}",
            route.path
        );
    }
    for (method, path) in QUERY_ROUTES {
        assert!(allowed_methods(path).contains(method), "{path}");
    }
}

#[test]
fn a_whole_number_written_as_a_float_is_that_integer() {
    let route = COMMAND_ROUTES
        .iter()
        .find(|r| r.command == "share")
        .unwrap();
    let body = |expires: Value| {
        Some(json!({"with": [{"user": "bob"}], "level": "view", "expires_at": expires}))
    };
    let as_int = build_command(route, sample_param, &[], body(json!(1_700_000_000_000_u64)));
    for same in [json!(1_700_000_000_000.0_f64), json!(1.7e12)] {
        assert_eq!(
            build_command(route, sample_param, &[], body(same)).unwrap(),
            as_int.clone().unwrap()
        );
    }
    // A fraction, or a number beyond 2^53 - 1, is not an integer field's value.
    for bad in [json!(1.5), json!(1e300)] {
        assert_eq!(
            build_command(route, sample_param, &[], body(bad))
                .unwrap_err()
                .code,
            "invalid"
        );
    }
}
