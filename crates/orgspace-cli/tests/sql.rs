//! `orgspace sql`: a user's data scope (D4), directly or through a dashboard (A8), printed as
//! `{table, sql, params, columns}`; exit 2 when a rule refuses, 1 on bad input.
#![allow(
    clippy::unwrap_used,
    reason = "test helpers fail the calling test on purpose"
)]

use assert_cmd::Command;
use orgspace_core::data::{Allow, Audience, ColumnDef, ColumnType, RowRule, TableDef};
use orgspace_core::{Command as Cmd, Engine, Kind, Mode};
use serde_json::{Value, json};

const AT: u64 = 1_700_000_000_000;

/// alice's org: `vic` (visitor, region east), dataset `ds` on `sales` with a row rule by the
/// region attribute, dashboard `d` built on it.
fn snapshot_file() -> std::path::PathBuf {
    let mut e = Engine::new();
    let mut attributes = std::collections::BTreeMap::new();
    attributes.insert("region".to_string(), vec!["east".to_string()]);
    let steps = vec![
        Cmd::CreateOrg {
            org: "acme".into(),
            name: "Acme".into(),
            default_workspace: "main".into(),
            default_workspace_name: None,
            mode: Some(Mode::Collaboration),
        },
        Cmd::AddMember {
            user: "vic".into(),
            org_roles: vec![],
            workspace: Some("main".into()),
            workspace_roles: vec!["visitor".into()],
            attributes,
        },
        Cmd::CreateDataSource {
            source: "wh".into(),
            name: "Warehouse".into(),
            tables: vec![TableDef {
                name: "sales".into(),
                columns: vec![
                    ColumnDef {
                        name: "region".into(),
                        ty: ColumnType::String,
                    },
                    ColumnDef {
                        name: "amount".into(),
                        ty: ColumnType::Number,
                    },
                ],
            }],
        },
        Cmd::GrantTable {
            workspace: "main".into(),
            source: "wh".into(),
            table: "sales".into(),
            columns: None,
            rows: None,
        },
        Cmd::CreateAsset {
            asset: "ds".into(),
            workspace: "main".into(),
            kind: Kind::Dataset,
            name: "Sales".into(),
            folder: None,
            references: vec![],
        },
        Cmd::SetDatasetTable {
            asset: "ds".into(),
            source: "wh".into(),
            table: "sales".into(),
        },
        Cmd::SetRowRules {
            asset: "ds".into(),
            enabled: true,
            exempt_owner_and_admins: false,
            rules: vec![RowRule {
                targets: Audience {
                    all: true,
                    ..Audience::default()
                },
                column: "region".into(),
                allow: Allow::Attribute("region".into()),
            }],
        },
        Cmd::CreateAsset {
            asset: "d".into(),
            workspace: "main".into(),
            kind: Kind::Dashboard,
            name: "Sales board".into(),
            folder: None,
            references: vec!["ds".into()],
        },
    ];
    for c in steps {
        e.execute("alice", &c, AT).unwrap();
    }
    // One file per call: the tests run in parallel threads.
    static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let path =
        std::env::temp_dir().join(format!("orgspace-cli-sql-{}-{n}.json", std::process::id()));
    std::fs::write(
        &path,
        serde_json::to_string(&e.snapshot().unwrap()).unwrap(),
    )
    .unwrap();
    path
}

fn sql(args: &[&str]) -> (i32, String, String) {
    let snap = snapshot_file();
    let out = Command::new(env!("CARGO_BIN_EXE_orgspace"))
        .args([
            "sql",
            "--snapshot",
            snap.to_str().unwrap(),
            "--at",
            "1700000000000",
        ])
        .args(args)
        .output()
        .unwrap();
    let _ = std::fs::remove_file(&snap);
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn a8_sql_through_a_dashboard_prints_the_visitors_statement() {
    let (code, out, err) = sql(&["--as", "vic", "--dataset", "ds", "--through", "d"]);
    assert_eq!(code, 0, "{err}");
    let q: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        q,
        json!({
            "table": {"source": "wh", "table": "sales"},
            "sql": "SELECT \"region\", \"amount\" FROM \"sales\" WHERE \"region\" IN (CAST($1 AS TEXT))",
            "params": ["east"],
            "columns": [{"name": "region", "type": "string"}, {"name": "amount", "type": "number"}],
        })
    );
    let (code, out, _) = sql(&[
        "--as",
        "vic",
        "--dataset",
        "ds",
        "--through",
        "d",
        "--dialect",
        "sqlite",
    ]);
    assert_eq!(code, 0);
    assert!(out.contains(r#"WHERE \"region\" IN (?)"#), "{out}");
}

#[test]
fn r4_sql_without_the_dashboard_is_denied_with_exit_2() {
    let (code, _, err) = sql(&["--as", "vic", "--dataset", "ds"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("denied by R4"), "{err}");
}

#[test]
fn sql_bad_input_exits_1() {
    let (code, _, err) = sql(&["--as", "vic", "--dataset", "ds", "--dialect", "oracle"]);
    assert_eq!(code, 1);
    assert!(err.contains("unknown SQL dialect `oracle`"), "{err}");
    let (code, _, err) = sql(&["--as", "vic", "--dataset", "nope", "--through", "d"]);
    assert_eq!(code, 1, "{err}");
}
