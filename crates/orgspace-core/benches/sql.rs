//! Generating the SQL of one user's scope on one dataset (`Engine::sql`, D4), natively, with
//! 10 and with 1,000 row rules matching the user (OR-ed, three values each, on string, number
//! and boolean columns), plus a table grant with a row filter and a masked column.
//!
//! `cargo bench -p orgspace-core --bench sql` prints criterion's figures (median per statement).
//! The npm package's figure comes from `node bench/sql.mjs`, on the same organization.

use criterion::Criterion;
use orgspace_core::data::{
    Allow, Audience, ColumnAction, ColumnDef, ColumnRule, ColumnType, Predicate, RowRule, TableDef,
};
use orgspace_core::sql::Dialect;
use orgspace_core::{Command, Engine, Kind, Mode};
use serde_json::json;
use std::hint::black_box;

const AT: u64 = 1_700_000_000_000;

fn run(e: &mut Engine, c: Command) {
    if let Err(r) = e.execute("alice", &c, AT) {
        eprintln!("{}: {r}", c.name());
        std::process::exit(1);
    }
}

/// alice's org: carol (analyst, region east) and dataset `ds` on `dw.orders` (region, amount,
/// paid, email) with `rules` row rules for everyone and `email` masked.
fn org(rules: usize) -> Engine {
    let mut e = Engine::new();
    run(
        &mut e,
        Command::CreateOrg {
            org: "acme".into(),
            name: "Acme".into(),
            default_workspace: "main".into(),
            default_workspace_name: None,
            mode: Some(Mode::Collaboration),
        },
    );
    let mut attributes = std::collections::BTreeMap::new();
    attributes.insert("region".to_string(), vec!["east".to_string()]);
    run(
        &mut e,
        Command::AddMember {
            user: "carol".into(),
            org_roles: vec![],
            workspace: Some("main".into()),
            workspace_roles: vec!["analyst".into()],
            attributes,
        },
    );
    let col = |name: &str, ty| ColumnDef {
        name: name.into(),
        ty,
    };
    run(
        &mut e,
        Command::CreateDataSource {
            source: "dw".into(),
            name: "Warehouse".into(),
            tables: vec![TableDef {
                name: "orders".into(),
                columns: vec![
                    col("region", ColumnType::String),
                    col("amount", ColumnType::Number),
                    col("paid", ColumnType::Boolean),
                    col("email", ColumnType::String),
                ],
            }],
        },
    );
    run(
        &mut e,
        Command::GrantTable {
            workspace: "main".into(),
            source: "dw".into(),
            table: "orders".into(),
            columns: None,
            rows: Some(Predicate::In {
                column: "paid".into(),
                values: vec![json!(true)],
            }),
        },
    );
    run(
        &mut e,
        Command::CreateAsset {
            asset: "ds".into(),
            workspace: "main".into(),
            kind: Kind::Dataset,
            name: "Orders".into(),
            folder: None,
            references: vec![],
        },
    );
    run(
        &mut e,
        Command::SetDatasetTable {
            asset: "ds".into(),
            source: "dw".into(),
            table: "orders".into(),
        },
    );
    let everyone = Audience {
        all: true,
        ..Audience::default()
    };
    let row_rules = (0..rules)
        .map(|i| {
            let (column, allow) = match i % 3 {
                0 => (
                    "region",
                    Allow::Values(vec![
                        json!(format!("r{i}")),
                        json!(format!("r{}", i + 1)),
                        json!("O'Brien"),
                    ]),
                ),
                1 => (
                    "amount",
                    Allow::Values(vec![json!(i), json!(9_007_199_254_740_993u64), json!(0.5)]),
                ),
                _ => ("region", Allow::Attribute("region".into())),
            };
            RowRule {
                targets: everyone.clone(),
                column: column.into(),
                allow,
            }
        })
        .collect();
    run(
        &mut e,
        Command::SetRowRules {
            asset: "ds".into(),
            enabled: true,
            exempt_owner_and_admins: false,
            rules: row_rules,
        },
    );
    run(
        &mut e,
        Command::SetColumnRules {
            asset: "ds".into(),
            rules: vec![ColumnRule {
                targets: everyone,
                column: "email".into(),
                action: ColumnAction::Mask,
            }],
        },
    );
    e
}

fn main() {
    let mut c = Criterion::default().configure_from_args();
    for rules in [10, 1000] {
        let e = org(rules);
        for dialect in [Dialect::Postgres, Dialect::Sqlite] {
            let q = e.sql("carol", "ds", None, dialect, AT);
            if let Ok(q) = &q {
                println!(
                    "{rules} rules, {dialect}: {} bytes of SQL, {} parameters",
                    q.sql.len(),
                    q.params.len()
                );
            }
            c.bench_function(&format!("sql/{dialect}/{rules}_row_rules"), |b| {
                b.iter(|| black_box(e.sql("carol", "ds", None, dialect, AT)));
            });
        }
    }
    c.final_summary();
}
