//! SQL from the effective scope (D4) and data seen through a dashboard (A8 with D4). The
//! generated statements are run on PostgreSQL, DuckDB and SQLite by `tests/sql/` (see
//! `docs/sql.md`); these tests hold what can be seen from the text alone: values only as
//! parameters, identifiers quoted, fail-closed scopes false, and who gets a scope through what.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests fail on purpose"
)]

use orgspace_core::data::{
    Allow, Audience, ColumnAction, ColumnDef, ColumnRule, ColumnType, DataScope, Predicate,
    RowRule, ScopeColumn, TableDef, TableRef,
};
use orgspace_core::sql::{Dialect, to_sql};
use orgspace_core::{Command, Engine, Kind, Mode, Refusal, Rule};
use serde_json::{Value, json};

const AT: u64 = 1_700_000_000_000;

fn run(e: &mut Engine, actor: &str, c: Command) {
    e.execute(actor, &c, AT)
        .unwrap_or_else(|r| panic!("{}: {r}", c.name()));
}

fn member(e: &mut Engine, user: &str, role: &str, region: &[&str]) {
    let mut attributes = std::collections::BTreeMap::new();
    if !region.is_empty() {
        attributes.insert(
            "region".to_string(),
            region.iter().map(|s| s.to_string()).collect(),
        );
    }
    run(
        e,
        "alice",
        Command::AddMember {
            user: user.into(),
            org_roles: vec![],
            workspace: Some("main".into()),
            workspace_roles: vec![role.into()],
            attributes,
        },
    );
}

/// `alice` (org admin) builds `ds` on table `t` (`region`, `amount`, `secret`, `flag`) with row
/// rules on (by the `region` attribute, and `carol` gets `amount` 7), `secret` masked for all;
/// dashboard `d` is built on `ds`, portal `p` embeds `d`, dashboard `other` is built on
/// nothing. `bob` is an analyst, `vic` a visitor, both with region `east`.
fn org(columns: &[(&str, ColumnType)]) -> Engine {
    let mut e = Engine::new();
    run(
        &mut e,
        "alice",
        Command::CreateOrg {
            org: "acme".into(),
            name: "Acme".into(),
            default_workspace: "main".into(),
            default_workspace_name: None,
            mode: Some(Mode::Collaboration),
        },
    );
    member(&mut e, "bob", "analyst", &["east"]);
    member(&mut e, "vic", "visitor", &["east"]);
    member(&mut e, "carol", "analyst", &[]);
    run(
        &mut e,
        "alice",
        Command::CreateDataSource {
            source: "src".into(),
            name: "Source".into(),
            tables: vec![TableDef {
                name: "t".into(),
                columns: columns
                    .iter()
                    .map(|(n, ty)| ColumnDef {
                        name: (*n).into(),
                        ty: *ty,
                    })
                    .collect(),
            }],
        },
    );
    run(
        &mut e,
        "alice",
        Command::GrantTable {
            workspace: "main".into(),
            source: "src".into(),
            table: "t".into(),
            columns: None,
            rows: None,
        },
    );
    for (asset, kind, refs) in [
        ("ds", Kind::Dataset, vec![]),
        ("d", Kind::Dashboard, vec!["ds".to_string()]),
        ("p", Kind::Portal, vec!["d".to_string()]),
        ("other", Kind::Dashboard, vec![]),
    ] {
        run(
            &mut e,
            "alice",
            Command::CreateAsset {
                asset: asset.into(),
                workspace: "main".into(),
                kind,
                name: asset.into(),
                folder: None,
                references: refs,
            },
        );
        if asset == "ds" {
            run(
                &mut e,
                "alice",
                Command::SetDatasetTable {
                    asset: "ds".into(),
                    source: "src".into(),
                    table: "t".into(),
                },
            );
        }
    }
    e
}

fn standard() -> Engine {
    let mut e = org(&[
        ("region", ColumnType::String),
        ("amount", ColumnType::Number),
        ("secret", ColumnType::String),
        ("flag", ColumnType::Boolean),
    ]);
    run(
        &mut e,
        "alice",
        Command::SetRowRules {
            asset: "ds".into(),
            enabled: true,
            exempt_owner_and_admins: false,
            rules: vec![
                RowRule {
                    targets: Audience {
                        all: true,
                        ..Audience::default()
                    },
                    column: "region".into(),
                    allow: Allow::Attribute("region".into()),
                },
                RowRule {
                    targets: Audience {
                        users: vec!["carol".into()],
                        ..Audience::default()
                    },
                    column: "amount".into(),
                    allow: Allow::Values(vec![json!(7), json!(18446744073709551615u64)]),
                },
            ],
        },
    );
    run(
        &mut e,
        "alice",
        Command::SetColumnRules {
            asset: "ds".into(),
            rules: vec![ColumnRule {
                targets: Audience {
                    all: true,
                    ..Audience::default()
                },
                column: "secret".into(),
                action: ColumnAction::Mask,
            }],
        },
    );
    e
}

#[test]
fn d4_sql_selects_the_scope_with_every_value_a_parameter() {
    let e = standard();
    let q = e.sql("bob", "ds", None, Dialect::Postgres, AT).unwrap();
    assert_eq!(
        q.sql,
        r#"SELECT "region", "amount", '***' AS "secret", "flag" FROM "t" WHERE "region" IN (CAST($1 AS TEXT))"#
    );
    assert_eq!(q.params, vec![json!("east")]);
    let q = e.sql("carol", "ds", None, Dialect::Sqlite, AT).unwrap();
    assert_eq!(
        q.sql,
        r#"SELECT "region", "amount", '***' AS "secret", "flag" FROM "t" WHERE "amount" IN (CAST(? AS INTEGER))"#,
        "u64::MAX is no SQLite value: left out"
    );
    assert_eq!(q.params, vec![json!("7")]);
    let q = e.sql("carol", "ds", None, Dialect::Duckdb, AT).unwrap();
    assert!(q.sql.ends_with(
        r#"WHERE "amount" IN (CAST($1 AS DECIMAL(38, 18)), CAST($2 AS DECIMAL(38, 18)))"#
    ));
    assert_eq!(
        q.params,
        vec![json!("7"), json!("18446744073709551615")],
        "integers travel as exact decimal text"
    );
    let cols: Vec<(&str, bool)> = q
        .columns
        .iter()
        .map(|c| (c.name.as_str(), c.masked))
        .collect();
    assert_eq!(
        cols,
        vec![
            ("region", false),
            ("amount", false),
            ("secret", true),
            ("flag", false)
        ]
    );
}

#[test]
fn d2_sql_fails_closed_when_no_rule_matches_and_when_the_table_is_revoked() {
    let mut e = standard();
    // alice matches the all-rule with no region attribute: no value, so no rows.
    let q = e.sql("alice", "ds", None, Dialect::Postgres, AT).unwrap();
    assert!(q.sql.ends_with(r#"FROM "t" WHERE 1 = 0"#), "{}", q.sql);
    assert!(q.params.is_empty());
    run(
        &mut e,
        "alice",
        Command::RevokeTable {
            workspace: "main".into(),
            source: "src".into(),
            table: "t".into(),
        },
    );
    for d in Dialect::ALL {
        let q = e.sql("bob", "ds", None, d, AT).unwrap();
        assert_eq!(q.sql, r#"SELECT 1 AS "_" WHERE 1 = 0"#, "{d}");
        assert!(q.columns.is_empty());
    }
}

#[test]
fn d4_values_that_look_like_sql_stay_parameters() {
    let mut e = standard();
    let evil = [
        "'; DROP TABLE t; --",
        "\" OR 1=1 --",
        "$1",
        "?",
        "\\' OR '1'='1",
        "%_",
    ];
    run(
        &mut e,
        "alice",
        Command::SetRowRules {
            asset: "ds".into(),
            enabled: true,
            exempt_owner_and_admins: false,
            rules: vec![RowRule {
                targets: Audience {
                    all: true,
                    ..Audience::default()
                },
                column: "region".into(),
                allow: Allow::Values(evil.iter().map(|s| json!(s)).collect()),
            }],
        },
    );
    for d in Dialect::ALL {
        let q = e.sql("bob", "ds", None, d, AT).unwrap();
        for v in evil {
            if v != "$1" && v != "?" {
                assert!(!q.sql.contains(v), "{d}: {v} spliced into {}", q.sql);
            }
        }
        let strings: Vec<Value> = evil.iter().map(|s| json!(s)).collect();
        assert_eq!(q.params, strings, "{d}");
    }
}

#[test]
fn d4_identifiers_are_quoted_and_unquotable_ones_refused() {
    let e = org(&[
        ("a\"b", ColumnType::String),
        ("x\" FROM secrets --", ColumnType::Number),
    ]);
    let q = e.sql("bob", "ds", None, Dialect::Duckdb, AT).unwrap();
    assert_eq!(q.sql, r#"SELECT "a""b", "x"" FROM secrets --" FROM "t""#);
    // Commands refuse control characters in names; a scope built by hand still cannot
    // smuggle a NUL into an identifier.
    let scope = DataScope {
        dataset: "ds".into(),
        table: Some(TableRef {
            source: "src".into(),
            table: "t".into(),
        }),
        columns: vec![ScopeColumn {
            name: "nul\0here".into(),
            ty: ColumnType::String,
            masked: false,
        }],
        rows: Predicate::always(),
    };
    let def = TableDef {
        name: "t".into(),
        columns: vec![ColumnDef {
            name: "nul\0here".into(),
            ty: ColumnType::String,
        }],
    };
    for d in Dialect::ALL {
        let r = to_sql(&scope, Some(&def), d).unwrap_err();
        assert!(
            matches!(&r, Refusal::Invalid { message, .. } if message.contains("NUL")),
            "{r}"
        );
    }
}

#[test]
fn a8_a_visitor_gets_their_scope_through_a_dashboard_and_nothing_directly() {
    let e = standard();
    // R4: no view on datasets.
    let r = e.data_scope("vic", "ds", AT).unwrap_err();
    assert!(r.is_denied());
    let direct_bob = e.data_scope("bob", "ds", AT).unwrap();
    for through in ["d", "p"] {
        let s = e.data_scope_through("vic", "ds", through, AT).unwrap();
        assert_eq!(s.columns, direct_bob.columns, "through {through}");
        assert_eq!(
            s.rows,
            Predicate::Any(vec![Predicate::In {
                column: "region".into(),
                values: vec![json!("east")]
            }])
        );
        let q = e
            .sql("vic", "ds", Some(through), Dialect::Postgres, AT)
            .unwrap();
        assert_eq!(q.params, vec![json!("east")]);
    }
    // Not behind `other`: A8.
    let r = e.data_scope_through("vic", "ds", "other", AT).unwrap_err();
    assert_eq!(r.rule(), Some(Rule::A8), "{r}");
    // A dashboard is no way into another dashboard's dataset, nor up from the dataset.
    let r = e.data_scope_through("vic", "d", "ds", AT).unwrap_err();
    assert!(r.is_denied(), "{r}");
}

#[test]
fn a8_the_outer_asset_must_be_viewable_and_a_lost_grant_shows_nothing() {
    let mut e = standard();
    // W8: in private mode, vic sees alice's dashboard only once it is shared.
    run(
        &mut e,
        "alice",
        Command::SetWorkspaceMode {
            workspace: "main".into(),
            mode: Mode::Private,
        },
    );
    let r = e.data_scope_through("vic", "ds", "d", AT).unwrap_err();
    assert!(r.is_denied(), "{r}");
    assert!(e.sql("vic", "ds", Some("d"), Dialect::Sqlite, AT).is_err());
    run(
        &mut e,
        "alice",
        Command::SetWorkspaceMode {
            workspace: "main".into(),
            mode: Mode::Collaboration,
        },
    );
    run(
        &mut e,
        "alice",
        Command::RevokeTable {
            workspace: "main".into(),
            source: "src".into(),
            table: "t".into(),
        },
    );
    let s = e.data_scope_through("vic", "ds", "d", AT).unwrap();
    assert!(s.columns.is_empty());
    assert_eq!(s.rows, Predicate::never());
}
