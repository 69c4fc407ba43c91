//! The scope questions of issue 18: `GET .../assets/{dataset}/sql` and `data-scope?through=`,
//! read from their query strings and answered by the core (D4; A8 through a dashboard).

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    reason = "test helpers fail the calling test on purpose"
)]

use super::*;
use orgspace_core::Command;

const AT: u64 = 1_000;

/// vic, a visitor with region `east`, views dashboard `board` built on dataset `sales`, whose
/// row rule keeps each member's own region.
fn engine() -> Engine {
    let mut engine = Engine::new();
    for command in [
        json!({"type": "create_org", "org": "acme", "name": "Acme", "default_workspace": "main",
               "mode": "collaboration"}),
        json!({"type": "add_member", "user": "vic", "workspace": "main",
               "workspace_roles": ["visitor"], "attributes": {"region": ["east"]}}),
        json!({"type": "create_data_source", "source": "dw", "name": "Warehouse",
               "tables": [{"name": "orders", "columns": [
                   {"name": "region", "type": "string"}, {"name": "total", "type": "number"}]}]}),
        json!({"type": "grant_table", "workspace": "main", "source": "dw", "table": "orders"}),
        json!({"type": "create_asset", "asset": "sales", "workspace": "main", "kind": "dataset",
               "name": "Sales"}),
        json!({"type": "set_dataset_table", "asset": "sales", "source": "dw", "table": "orders"}),
        json!({"type": "set_row_rules", "asset": "sales", "enabled": true, "rules": [
               {"targets": {"all": true}, "column": "region", "allow": {"attribute": "region"}}]}),
        json!({"type": "create_asset", "asset": "board", "workspace": "main", "kind": "dashboard",
               "name": "Board", "references": ["sales"]}),
        json!({"type": "create_asset", "asset": "lone", "workspace": "main", "kind": "dashboard",
               "name": "Lone"}),
    ] {
        let command: Command = serde_json::from_value(command.clone()).unwrap();
        engine
            .execute("alice", &command, AT)
            .unwrap_or_else(|e| panic!("{command:?}: {e}"));
    }
    engine
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(k, v)| ((*k).to_string(), (*v).to_string()))
        .collect()
}

#[test]
fn sql_and_scope_questions_come_from_the_query_string() {
    let q = Query::scope_from_query(
        "sales".into(),
        &pairs(&[
            ("dialect", "duckdb"),
            ("through", "board"),
            ("min_version", "3"),
        ]),
        true,
    )
    .unwrap();
    assert_eq!(
        q,
        Query::Sql {
            dataset: "sales".into(),
            through: Some("board".into()),
            dialect: Dialect::Duckdb
        }
    );
    assert_eq!(q.assets_to_locate(), vec!["sales", "board"]);
    let q = Query::scope_from_query("sales".into(), &pairs(&[("through", "board")]), false);
    assert_eq!(
        q.unwrap(),
        Query::ScopeThrough {
            dataset: "sales".into(),
            through: "board".into()
        }
    );
    let q = Query::scope_from_query("sales".into(), &[], false).unwrap();
    assert_eq!(
        q,
        Query::DataScope {
            dataset: "sales".into()
        }
    );
    for (list, sql, says) in [
        (vec![], true, "`dialect` is required"),
        (
            vec![("dialect", "oracle")],
            true,
            "unknown SQL dialect `oracle`",
        ),
        (
            vec![("dialect", "sqlite"), ("dialect", "sqlite")],
            true,
            "more than once",
        ),
        (
            vec![("dialect", "sqlite"), ("user", "x")],
            true,
            "unknown parameter `user`",
        ),
        (
            vec![("dialect", "sqlite")],
            false,
            "unknown parameter `dialect`",
        ),
    ] {
        let e = Query::scope_from_query("sales".into(), &pairs(&list), sql).unwrap_err();
        assert_eq!((e.status, e.code), (400, "invalid"), "{list:?}");
        assert!(e.message.contains(says), "{list:?}: {}", e.message);
    }
}

#[test]
fn a8_a_visitor_gets_sql_through_the_dashboard_and_nothing_directly() {
    let e = engine();
    let through = Query::Sql {
        dataset: "sales".into(),
        through: Some("board".into()),
        dialect: Dialect::Postgres,
    };
    let answer = run_query(&e, "vic", &through, AT).unwrap();
    assert_eq!(
        answer,
        json!({
            "table": {"source": "dw", "table": "orders"},
            "sql": "SELECT \"region\", \"total\" FROM \"orders\" WHERE \"region\" IN (CAST($1 AS TEXT))",
            "params": ["east"],
            "columns": [{"name": "region", "type": "string"}, {"name": "total", "type": "number"}],
        })
    );
    let scope = Query::ScopeThrough {
        dataset: "sales".into(),
        through: "board".into(),
    };
    let scope = run_query(&e, "vic", &scope, AT).unwrap();
    assert_eq!(
        scope["rows"],
        json!({"any": [{"in": {"column": "region", "values": ["east"]}}]})
    );
    // R4: no direct view; A8: `lone` is not built on `sales`.
    for q in [
        Query::Sql {
            dataset: "sales".into(),
            through: None,
            dialect: Dialect::Sqlite,
        },
        Query::ScopeThrough {
            dataset: "sales".into(),
            through: "lone".into(),
        },
    ] {
        let err = run_query(&e, "vic", &q, AT).unwrap_err();
        assert_eq!((err.status, err.code), (403, "denied"), "{q:?}");
    }
}
