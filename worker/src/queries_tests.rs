//! The queries on a small organization: every `Query` variant answered by `run_query`, its
//! refusals, and the same answers from an engine built of the parts the edge would load.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test helpers fail the calling test on purpose"
)]

use super::*;
use orgspace_core::{Command, Kind};

const AT: u64 = 1_000;

/// `acme`: alice (org admin) and bob (analyst) and carol (visitor) in the private workspace
/// `main`; `other`, a collaboration workspace of alice only. In `main`: folders `f1` > `f2`,
/// the dashboard `dash` in `f2` shared with bob, alice's `secret`, and the dataset `sales` on
/// `dw.orders` with `email` masked for everyone, shared with bob.
fn engine() -> Engine {
    let mut engine = Engine::new();
    let commands = [
        json!({"type": "create_org", "org": "acme", "name": "Acme", "default_workspace": "main",
               "mode": "private"}),
        json!({"type": "add_member", "user": "bob", "workspace": "main",
               "workspace_roles": ["analyst"], "attributes": {"region": ["east"]}}),
        json!({"type": "add_member", "user": "carol"}),
        json!({"type": "create_workspace", "workspace": "other", "name": "Other",
               "mode": "collaboration"}),
        json!({"type": "create_folder", "folder": "f1", "workspace": "main", "name": "Reports"}),
        json!({"type": "create_folder", "folder": "f2", "workspace": "main", "name": "Q3",
               "parent": "f1"}),
        json!({"type": "create_folder", "folder": "f3", "workspace": "main", "name": "Hidden"}),
        json!({"type": "create_asset", "asset": "dash", "workspace": "main", "kind": "dashboard",
               "name": "Dash", "folder": "f2"}),
        json!({"type": "create_asset", "asset": "secret", "workspace": "main",
               "kind": "dashboard", "name": "Secret", "folder": "f3"}),
        json!({"type": "share", "asset": "dash", "with": [{"user": "bob"}]}),
        json!({"type": "create_data_source", "source": "dw", "name": "Warehouse",
               "tables": [{"name": "orders", "columns": [
                   {"name": "region", "type": "string"}, {"name": "email", "type": "string"}]}]}),
        json!({"type": "grant_table", "workspace": "main", "source": "dw", "table": "orders"}),
        json!({"type": "create_asset", "asset": "sales", "workspace": "main", "kind": "dataset",
               "name": "Sales"}),
        json!({"type": "set_dataset_table", "asset": "sales", "source": "dw", "table": "orders"}),
        json!({"type": "set_column_rules", "asset": "sales",
               "rules": [{"targets": {"all": true}, "column": "email", "action": "mask"}]}),
        json!({"type": "set_row_rules", "asset": "sales", "enabled": true, "rules": [
               {"targets": {"users": ["bob"]}, "column": "region", "allow": {"attribute": "region"}}]}),
        json!({"type": "share", "asset": "sales", "with": [{"user": "bob"}], "level": "use"}),
        json!({"type": "create_asset", "asset": "wiki", "workspace": "other", "kind": "portal",
               "name": "Wiki"}),
    ];
    for command in commands {
        let command: Command =
            serde_json::from_value(command.clone()).unwrap_or_else(|e| panic!("{command}: {e}"));
        engine
            .execute("alice", &command, AT)
            .unwrap_or_else(|e| panic!("{command:?}: {e}"));
    }
    engine
}

fn run(engine: &Engine, actor: &str, query: &Query) -> Result<Value, ApiError> {
    run_query(engine, actor, query, AT)
}

fn check(operation: Operation, asset: &str) -> CheckItem {
    CheckItem {
        operation,
        asset: Some(asset.into()),
        workspace: None,
        kind: None,
    }
}

fn create(workspace: &str, kind: Option<Kind>) -> CheckItem {
    CheckItem {
        operation: Operation::Create,
        asset: None,
        workspace: Some(workspace.into()),
        kind,
    }
}

fn one(item: CheckItem) -> Query {
    Query::Check {
        checks: vec![item],
        batch: false,
    }
}

fn ids(value: &Value) -> Vec<&str> {
    let mut out: Vec<&str> = value["ids"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    out.sort_unstable();
    out
}

fn refused(result: Result<Value, ApiError>) -> ApiError {
    match result {
        Ok(v) => panic!("answered {v}"),
        Err(e) => e,
    }
}

#[test]
fn check_one() {
    let e = engine();
    let allowed = run(&e, "bob", &one(check(Operation::View, "dash"))).unwrap();
    assert_eq!(allowed["allowed"], json!(true));
    assert!(allowed["rule"].is_string());
    assert!(!allowed["reason"].as_str().unwrap().is_empty());
    let denied = run(&e, "bob", &one(check(Operation::View, "secret"))).unwrap();
    assert_eq!(denied["allowed"], json!(false));
    assert_eq!(denied["rule"], json!("W7"));
    // A non-member is denied (P1), not refused: the answer is a decision.
    let stranger = run(&e, "mallory", &one(check(Operation::View, "dash"))).unwrap();
    assert_eq!(
        (&stranger["allowed"], &stranger["rule"]),
        (&json!(false), &json!("P1"))
    );
    // An unknown asset is not found.
    let unknown = refused(run(&e, "bob", &one(check(Operation::View, "nope"))));
    assert_eq!((unknown.status, unknown.code), (404, "not_found"));
}

#[test]
fn check_create() {
    let e = engine();
    let bob = run(&e, "bob", &one(create("main", Some(Kind::Dashboard)))).unwrap();
    assert_eq!(bob["allowed"], json!(true), "{bob}");
    let carol = run(&e, "carol", &one(create("main", Some(Kind::Dashboard)))).unwrap();
    assert_eq!(carol["allowed"], json!(false), "{carol}");
    let no_kind = refused(run(&e, "bob", &one(create("main", None))));
    assert_eq!((no_kind.status, no_kind.code), (400, "invalid"));
    let no_asset = refused(run(
        &e,
        "bob",
        &one(CheckItem {
            operation: Operation::View,
            asset: None,
            workspace: Some("main".into()),
            kind: None,
        }),
    ));
    assert_eq!(no_asset.code, "invalid");
    let no_workspace = refused(run(
        &e,
        "bob",
        &one(create("nowhere", Some(Kind::Dashboard))),
    ));
    assert_eq!(no_workspace.code, "not_found");
}

#[test]
fn check_batch() {
    let e = engine();
    let query = Query::Check {
        checks: vec![
            check(Operation::View, "dash"),
            check(Operation::View, "secret"),
            check(Operation::View, "nope"),
            create("main", None),
            create("main", Some(Kind::Dataset)),
        ],
        batch: true,
    };
    let answer = run(&e, "bob", &query).unwrap();
    let results = answer["results"].as_array().unwrap();
    assert_eq!(results.len(), 5);
    assert_eq!(results[0]["allowed"], json!(true));
    assert_eq!(results[1]["allowed"], json!(false));
    // A refused item answers its error in place; the others still answer.
    assert_eq!(results[2]["error"]["code"], json!("not_found"));
    assert_eq!(results[3]["error"]["code"], json!("invalid"));
    assert!(results[4]["allowed"].is_boolean());
    // An empty batch answers no results; an empty single check is invalid.
    let empty = run(
        &e,
        "bob",
        &Query::Check {
            checks: vec![],
            batch: true,
        },
    )
    .unwrap();
    assert_eq!(empty, json!({"results": []}));
    let nothing = refused(run(
        &e,
        "bob",
        &Query::Check {
            checks: vec![],
            batch: false,
        },
    ));
    assert_eq!(nothing.code, "invalid");
}

#[test]
fn filter() {
    let e = engine();
    let query = Query::Filter {
        operation: Operation::View,
        assets: vec![
            "secret".into(),
            "dash".into(),
            "nope".into(),
            "sales".into(),
        ],
        workspace: None,
    };
    assert_eq!(
        run(&e, "bob", &query).unwrap(),
        json!({"assets": ["dash", "sales"]})
    );
    assert_eq!(
        run(&e, "alice", &query).unwrap(),
        json!({"assets": ["secret", "dash", "sales"]})
    );
    assert_eq!(run(&e, "mallory", &query).unwrap(), json!({"assets": []}));
}

#[test]
fn org_summary() {
    let e = engine();
    let answer = run(&e, "carol", &Query::Org).unwrap();
    assert_eq!(answer["id"], json!("acme"));
    assert_eq!(answer["name"], json!("Acme"));
    assert_eq!(answer["default_workspace"], json!("main"));
    assert_eq!(answer["version"], json!(e.version()));
    let stranger = refused(run(&e, "mallory", &Query::Org));
    assert_eq!(
        (stranger.status, stranger.rule),
        (403, Some(orgspace_core::Rule::P1))
    );
    // The caller's standing comes from the core (`Engine::org_summary`), not from a scan here.
    assert_eq!(
        answer["you"],
        json!({"user": "carol", "org_admin": false, "points": [], "whole_view": false})
    );
    assert_eq!(
        run(&e, "alice", &Query::Org).unwrap()["you"]["whole_view"],
        json!(true)
    );
    // Before an organization exists, every question is `not_found`.
    let empty = refused(run(&Engine::new(), "alice", &Query::Org));
    assert_eq!(empty.status, 404);
}

#[test]
fn visible_assets() {
    let e = engine();
    let query = Query::VisibleAssets {
        workspace: "main".into(),
    };
    let bob = run(&e, "bob", &query).unwrap();
    assert_eq!(ids(&bob), vec!["dash", "sales"]);
    assert_eq!(bob["workspace"], json!("main"));
    let dash = bob["assets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["id"] == json!("dash"))
        .unwrap();
    assert_eq!(
        dash,
        &json!({"id": "dash", "kind": "dashboard", "name": "Dash", "folder": "f2",
                "owner": "alice", "public": false})
    );
    assert_eq!(bob["assets"].as_array().unwrap().len(), 2);
    let alice = run(&e, "alice", &query).unwrap();
    assert_eq!(ids(&alice), vec!["dash", "sales", "secret"]);
    // Not a member of `other`; `nowhere` does not exist.
    let outside = refused(run(
        &e,
        "bob",
        &Query::VisibleAssets {
            workspace: "other".into(),
        },
    ));
    assert_eq!(outside.status, 403, "{outside:?}");
    let missing = refused(run(
        &e,
        "bob",
        &Query::VisibleAssets {
            workspace: "nowhere".into(),
        },
    ));
    assert_eq!(missing.code, "not_found");
}

#[test]
fn visible_folders() {
    let e = engine();
    let query = Query::VisibleFolders {
        workspace: "main".into(),
    };
    let bob = run(&e, "bob", &query).unwrap();
    assert!(ids(&bob).contains(&"f2"), "{bob}");
    assert!(!ids(&bob).contains(&"f3"), "{bob}");
    for folder in bob["folders"].as_array().unwrap() {
        assert!(bob["ids"].as_array().unwrap().contains(&folder["id"]));
        assert!(folder.get("name").is_some() && folder.get("parent").is_some());
    }
    let alice = run(&e, "alice", &query).unwrap();
    assert_eq!(ids(&alice), vec!["f1", "f2", "f3"]);
    let f2 = alice["folders"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] == json!("f2"))
        .unwrap();
    assert_eq!(f2, &json!({"id": "f2", "name": "Q3", "parent": "f1"}));
}

#[test]
fn dry_run() {
    let e = engine();
    let query = Query::DryRun {
        workspace: "main".into(),
        mode: Mode::Collaboration,
    };
    let answer = run(&e, "alice", &query).unwrap();
    assert_eq!(answer["workspace"], json!("main"));
    assert_eq!(
        (&answer["from"], &answer["to"]),
        (&json!("private"), &json!("collaboration"))
    );
    let bob = answer["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["user"] == json!("bob"))
        .unwrap();
    assert!(
        bob["gains"].as_array().unwrap().contains(&json!("secret")),
        "{answer}"
    );
    let denied = refused(run(&e, "bob", &query));
    assert_eq!(
        (denied.status, denied.rule),
        (403, Some(orgspace_core::Rule::W9))
    );
}

#[test]
fn data_scope_and_preview() {
    let e = engine();
    let scope = run(
        &e,
        "bob",
        &Query::DataScope {
            dataset: "sales".into(),
        },
    )
    .unwrap();
    assert_eq!(scope["dataset"], json!("sales"));
    assert_eq!(scope["columns"].as_array().unwrap().len(), 2, "{scope}");
    let rows = vec![
        json!({"region": "east", "email": "a@x"})
            .as_object()
            .unwrap()
            .clone(),
        json!({"region": "west", "email": "b@x"})
            .as_object()
            .unwrap()
            .clone(),
    ];
    let preview = run(
        &e,
        "bob",
        &Query::Preview {
            dataset: "sales".into(),
            rows,
        },
    )
    .unwrap();
    assert_eq!(
        preview,
        json!({"rows": [{"region": "east", "email": "***"}]})
    );
    // Carol may not view the dataset; `dash` is not a dataset.
    let carol = refused(run(
        &e,
        "carol",
        &Query::DataScope {
            dataset: "sales".into(),
        },
    ));
    assert_eq!(carol.status, 403);
    let unknown = refused(run(
        &e,
        "bob",
        &Query::Preview {
            dataset: "nope".into(),
            rows: vec![],
        },
    ));
    assert_eq!(unknown.code, "not_found");
}

#[test]
fn asset() {
    let e = engine();
    let dash = run(
        &e,
        "bob",
        &Query::Asset {
            asset: "dash".into(),
        },
    )
    .unwrap();
    assert_eq!(
        dash,
        json!({"id": "dash", "workspace": "main", "kind": "dashboard", "name": "Dash",
               "folder": "f2", "owner": "alice", "public": false, "created_at": AT,
               "references": [], "granted": true})
    );
    let secret = refused(run(
        &e,
        "bob",
        &Query::Asset {
            asset: "secret".into(),
        },
    ));
    assert_eq!((secret.status, secret.code), (403, "denied"));
    assert_eq!(secret.rule, Some(orgspace_core::Rule::W7));
    let unknown = refused(run(
        &e,
        "bob",
        &Query::Asset {
            asset: "nope".into(),
        },
    ));
    assert_eq!(unknown.status, 404);
    let stranger = refused(run(
        &e,
        "mallory",
        &Query::Asset {
            asset: "dash".into(),
        },
    ));
    assert_eq!(stranger.rule, Some(orgspace_core::Rule::P1));
}

#[test]
fn view() {
    let e = engine();
    let bob = run(&e, "bob", &Query::View).unwrap();
    assert_eq!(bob["view_of"], json!("bob"));
    let text = bob.to_string();
    for hidden in ["\"secret\"", "\"wiki\"", "\"f3\""] {
        assert!(!text.contains(hidden), "bob's view holds {hidden}: {text}");
    }
    // The view loads and answers bob's questions as the whole engine does.
    let snapshot: orgspace_core::Snapshot = serde_json::from_value(bob).unwrap();
    let view = Engine::from_snapshot(&snapshot).unwrap();
    let query = Query::VisibleAssets {
        workspace: "main".into(),
    };
    assert_eq!(
        run(&view, "bob", &query).unwrap(),
        run(&e, "bob", &query).unwrap()
    );
    // The org admin sees everything but the audit log.
    let alice = run(&e, "alice", &Query::View).unwrap();
    assert!(alice.get("audit").is_none());
    assert_eq!(
        alice["workspaces"].as_array().unwrap().len(),
        e.org_part().unwrap().workspaces.len()
    );
    let stranger = refused(run(&e, "mallory", &Query::View));
    assert_eq!(stranger.rule, Some(orgspace_core::Rule::P1));
}

#[test]
fn parts_answer_as_the_whole_engine() {
    // The edge builds an engine of the org part and the parts a query names (`workspaces`,
    // or the located assets'); it must answer as the whole engine.
    let whole = engine();
    let main = Engine::from_parts(
        &whole.org_part().unwrap(),
        &[whole.workspace_part("main").unwrap()],
    )
    .unwrap();
    let queries = [
        one(check(Operation::View, "dash")),
        one(check(Operation::View, "secret")),
        one(create("main", Some(Kind::Dashboard))),
        Query::Filter {
            operation: Operation::View,
            assets: vec!["dash".into(), "secret".into(), "sales".into()],
            workspace: Some("main".into()),
        },
        Query::Org,
        Query::VisibleAssets {
            workspace: "main".into(),
        },
        Query::VisibleFolders {
            workspace: "main".into(),
        },
        Query::DryRun {
            workspace: "main".into(),
            mode: Mode::Collaboration,
        },
        Query::DataScope {
            dataset: "sales".into(),
        },
        Query::Asset {
            asset: "dash".into(),
        },
    ];
    for query in &queries {
        for actor in ["alice", "bob", "carol", "mallory"] {
            assert_eq!(
                run(&main, actor, query),
                run(&whole, actor, query),
                "{actor}: {query:?}"
            );
        }
    }
}

#[test]
fn what_each_query_needs() {
    let located = Query::Check {
        checks: vec![
            check(Operation::View, "dash"),
            create("main", Some(Kind::Dashboard)),
        ],
        batch: true,
    };
    assert_eq!(located.workspaces(), None);
    assert_eq!(located.assets_to_locate(), vec!["dash"]);
    let hinted = one(CheckItem {
        workspace: Some("main".into()),
        ..check(Operation::View, "dash")
    });
    assert_eq!(hinted.workspaces(), Some(vec!["main"]));
    assert!(hinted.assets_to_locate().is_empty());
    let filter = |workspace: Option<&str>| Query::Filter {
        operation: Operation::View,
        assets: vec!["dash".into()],
        workspace: workspace.map(str::to_string),
    };
    assert!(filter(None).needs_whole_org());
    assert!(!filter(Some("main")).needs_whole_org());
    assert_eq!(filter(Some("main")).workspaces(), Some(vec!["main"]));
    assert!(Query::View.needs_whole_org());
    assert_eq!(Query::Org.workspaces(), Some(vec![]));
    assert_eq!(
        Query::Preview {
            dataset: "sales".into(),
            rows: vec![]
        }
        .assets_to_locate(),
        vec!["sales"]
    );
    assert_eq!(
        Query::Asset {
            asset: "dash".into()
        }
        .assets_to_locate(),
        vec!["dash"]
    );
}

#[test]
fn queries_cross_to_the_writer_intact() {
    // The edge sends a query to the Durable Object as JSON.
    let queries = [
        one(check(Operation::View, "dash")),
        Query::Filter {
            operation: Operation::Export,
            assets: vec!["a".into()],
            workspace: None,
        },
        Query::Org,
        Query::View,
        Query::DryRun {
            workspace: "w".into(),
            mode: Mode::Private,
        },
        Query::Preview {
            dataset: "d".into(),
            rows: vec![json!({"x": 1}).as_object().unwrap().clone()],
        },
    ];
    for query in queries {
        let text = serde_json::to_string(&query).unwrap();
        assert_eq!(
            serde_json::from_str::<Query>(&text).unwrap(),
            query,
            "{text}"
        );
    }
    // A check item refuses unknown fields.
    assert!(
        serde_json::from_value::<CheckItem>(json!({"operation": "view", "asset": "a",
        "user": "alice"}))
        .is_err()
    );
}

#[test]
fn a_get_check_reads_its_question_from_the_query_string() {
    let pairs = |p: &[(&str, &str)]| -> Vec<(String, String)> {
        p.iter()
            .map(|(k, v)| ((*k).to_string(), (*v).to_string()))
            .collect()
    };
    assert_eq!(
        Query::check_from_query(&pairs(&[
            ("operation", "view"),
            ("asset", "dash"),
            ("min_version", "7")
        ]))
        .unwrap(),
        one(check(Operation::View, "dash"))
    );
    assert_eq!(
        Query::check_from_query(&pairs(&[
            ("operation", "create"),
            ("workspace", "main"),
            ("kind", "dashboard")
        ]))
        .unwrap(),
        one(create("main", Some(Kind::Dashboard)))
    );
    // Same answer as the POST body with the same fields.
    let engine = engine();
    assert_eq!(
        run(
            &engine,
            "bob",
            &Query::check_from_query(&pairs(&[("operation", "view"), ("asset", "dash")])).unwrap()
        )
        .unwrap(),
        run(&engine, "bob", &one(check(Operation::View, "dash"))).unwrap()
    );
    for bad in [
        pairs(&[]),
        pairs(&[("asset", "dash")]),
        pairs(&[("operation", "peek"), ("asset", "dash")]),
        pairs(&[("operation", "view"), ("asset", "dash"), ("user", "alice")]),
        pairs(&[("operation", "view"), ("asset", "a"), ("asset", "b")]),
        pairs(&[
            ("operation", "create"),
            ("workspace", "main"),
            ("kind", "cube"),
        ]),
    ] {
        let e = Query::check_from_query(&bad).unwrap_err();
        assert_eq!((e.status, e.code), (400, "invalid"), "{bad:?}: {e:?}");
    }
}
