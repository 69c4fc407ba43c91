//! Random cases for the SQL property test (`tests/sql/run.mjs`): organizations with a table
//! of random columns, a table grant with a column subset and row filter, row and column
//! rules, users with roles, groups and attributes, and random rows; for each user, directly
//! and through a dashboard built on the dataset, the SQL for every dialect and what
//! `DataScope::apply` returns on the rows. One JSON object per line on stdout.
//!
//! `cargo run -p orgspace-core --example sql_cases -- <cases> <seed>`
//!
//! Cells and values include nulls, unicode, quotes, backslashes, `%`, `_`, 64-bit extremes and
//! values that look like SQL; rule values also hold numbers some dialect cannot store (beyond
//! 64 bits, 1e300, 5e-324) and strings with NUL, which must match nothing.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a test generator: any failure fails the test that runs it"
)]

use orgspace_core::data::{
    Allow, Audience, ColumnAction, ColumnDef, ColumnRule, ColumnType, Predicate, RowRule, TableDef,
};
use orgspace_core::sql::{Dialect, decimal_text};
use orgspace_core::{Command, Engine, Kind, Mode};
use serde_json::{Map, Number, Value, json};
use std::collections::BTreeMap;
use std::io::Write;

const AT: u64 = 1_700_000_000_000;

/// splitmix64: small, seeded, the same on every machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
    fn text(&mut self, xs: &[&'static str]) -> &'static str {
        xs[self.below(xs.len())]
    }
    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len())]
    }
}

/// Column names that need quoting, none equal to another but for case (SQLite and DuckDB
/// identifiers ignore case).
const NAMES: [&str; 14] = [
    "region",
    "amount",
    "a\"b",
    "x' OR '1'='1",
    "select",
    "from",
    "col with space",
    "ünïcödé",
    "%_",
    "back\\slash",
    "$1",
    "?",
    "1st",
    "\"; DROP TABLE t; --",
];

/// Strings every database stores.
const CELL_STRINGS: [&str; 16] = [
    "east",
    "West",
    "",
    "ünïcödé 東京",
    "O'Brien",
    "\"quoted\"",
    "back\\slash",
    "100%",
    "a_b",
    "'; DROP TABLE t; --",
    "1",
    "true",
    "NULL",
    "e\u{301}",
    "🎉",
    "$1 ?",
];

/// Rule-only strings: nothing stored equals them (NUL, case, wildcards).
const RULE_STRINGS: [&str; 5] = ["with\0nul", "EAST", "%", "_", "east "];

/// Numbers every database stores exactly (64-bit integers, and decimals DuckDB's
/// DECIMAL(38, 18) holds).
const CELL_NUMBERS: [&str; 15] = [
    "1152921504606846976",
    "0",
    "1",
    "-1",
    "7",
    "9007199254740992",
    "9007199254740993",
    "9223372036854775807",
    "-9223372036854775808",
    "123456789012345678",
    "0.5",
    "-2.25",
    "0.1",
    "1234.5678",
    "1e-7",
];

/// Rule-only numbers: beyond 64 bits, out of some dialect's range, or equal to a cell under
/// another spelling (2.0, 1e0; 2^60 and -2^63 as floats, whose shortest decimal is not them).
const RULE_NUMBERS: [&str; 12] = [
    "1152921504606846976.0",
    "-9223372036854775808.0",
    "18446744073709551615",
    "9223372036854775808",
    "9223372036854775808.0",
    "1e300",
    "5e-324",
    "0.30000000000000004",
    "1.0000000000000000001e-19",
    "2.0",
    "1e0",
    "-0.0",
];

const ATTRIBUTE_VALUES: [&str; 10] = [
    "east",
    "West",
    "O'Brien",
    "1",
    "7",
    "0.5",
    "9007199254740993",
    "true",
    "false",
    "1e300",
];

fn number(text: &str) -> Value {
    Value::Number(serde_json::from_str::<Number>(text).unwrap())
}

fn cell(rng: &mut Rng, ty: ColumnType) -> Value {
    if rng.chance(15) {
        return Value::Null;
    }
    match ty {
        ColumnType::String => json!(rng.pick(&CELL_STRINGS)),
        ColumnType::Number => number(rng.text(&CELL_NUMBERS)),
        ColumnType::Boolean => json!(rng.chance(50)),
    }
}

fn rule_value(rng: &mut Rng, ty: ColumnType) -> Value {
    let rare = rng.chance(20);
    match ty {
        ColumnType::String if rare => json!(rng.pick(&RULE_STRINGS)),
        ColumnType::String => json!(rng.pick(&CELL_STRINGS)),
        ColumnType::Number if rare => number(rng.text(&RULE_NUMBERS)),
        ColumnType::Number => number(rng.text(&CELL_NUMBERS)),
        ColumnType::Boolean => json!(rng.chance(50)),
    }
}

fn predicate(rng: &mut Rng, columns: &[(String, ColumnType)], depth: u32) -> Predicate {
    if depth == 0 || rng.chance(50) {
        let (name, ty) = rng.pick(columns).clone();
        let n = rng.below(4);
        return Predicate::In {
            column: name,
            values: (0..n).map(|_| rule_value(rng, ty)).collect(),
        };
    }
    let parts = (0..rng.below(4))
        .map(|_| predicate(rng, columns, depth - 1))
        .collect();
    if rng.chance(50) {
        Predicate::All(parts)
    } else {
        Predicate::Any(parts)
    }
}

fn audience(rng: &mut Rng, users: &[String]) -> Audience {
    let mut a = Audience {
        all: rng.chance(30),
        ..Audience::default()
    };
    for _ in 0..rng.below(3) {
        let u = rng.pick(users).clone();
        if !a.users.contains(&u) {
            a.users.push(u);
        }
    }
    for _ in 0..rng.below(2) {
        let g = format!("g{}", rng.below(2));
        if !a.groups.contains(&g) {
            a.groups.push(g);
        }
    }
    if a.is_empty() {
        a.all = true;
    }
    a
}

fn run(e: &mut Engine, actor: &str, c: Command) {
    if let Err(r) = e.execute(actor, &c, AT) {
        panic!("{} refused: {r}", c.name());
    }
}

/// A cell as the test compares it: `null`, `"s:text"`, `"n:exact decimal"`, `"b:true"`.
fn encode(v: &Value) -> Value {
    match v {
        Value::Null => Value::Null,
        Value::String(s) => json!(format!("s:{s}")),
        Value::Number(n) => json!(format!("n:{}", decimal_text(n))),
        Value::Bool(b) => json!(format!("b:{b}")),
        other => panic!("no cell is {other}"),
    }
}

/// A cell as the loader binds it: numbers as exact decimal text.
fn load(v: &Value) -> Value {
    match v {
        Value::Number(n) => json!(decimal_text(n)),
        other => other.clone(),
    }
}

fn case(rng: &mut Rng, index: usize) -> Value {
    // Columns: 1 to 5, distinct names, random types.
    let mut names: Vec<&str> = NAMES.to_vec();
    let mut columns = Vec::new();
    for _ in 0..1 + rng.below(5) {
        let name = names.remove(rng.below(names.len()));
        let ty = *rng.pick(&[ColumnType::String, ColumnType::Number, ColumnType::Boolean]);
        columns.push((name.to_string(), ty));
    }
    let table = format!("t\"{index}'");
    let users: Vec<String> = (0..5).map(|i| format!("u{i}")).collect();

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
    run(
        &mut e,
        "alice",
        Command::CreateGroup {
            group: "g0".into(),
            name: "G0".into(),
            parent: None,
        },
    );
    run(
        &mut e,
        "alice",
        Command::CreateGroup {
            group: "g1".into(),
            name: "G1".into(),
            parent: Some("g0".into()),
        },
    );
    for u in &users {
        let role = *rng.pick(&["analyst", "visitor", "developer", "admin", "visitor"]);
        let mut attributes = BTreeMap::new();
        for attr in ["region", "level"] {
            if rng.chance(70) {
                let vs: Vec<String> = (0..1 + rng.below(2))
                    .map(|_| rng.pick(&ATTRIBUTE_VALUES).to_string())
                    .collect();
                attributes.insert(attr.to_string(), vs);
            }
        }
        run(
            &mut e,
            "alice",
            Command::AddMember {
                user: u.clone(),
                org_roles: vec![],
                workspace: Some("main".into()),
                workspace_roles: vec![role.into()],
                attributes,
            },
        );
        if rng.chance(40) {
            run(
                &mut e,
                "alice",
                Command::AddGroupMember {
                    group: format!("g{}", rng.below(2)),
                    user: u.clone(),
                },
            );
        }
    }
    run(
        &mut e,
        "alice",
        Command::CreateDataSource {
            source: "src".into(),
            name: "Source".into(),
            tables: vec![TableDef {
                name: table.clone(),
                columns: columns
                    .iter()
                    .map(|(n, ty)| ColumnDef {
                        name: n.clone(),
                        ty: *ty,
                    })
                    .collect(),
            }],
        },
    );
    let grant_columns = rng.chance(30).then(|| {
        columns
            .iter()
            .filter(|_| rng.chance(60))
            .map(|c| c.0.clone())
            .collect::<Vec<_>>()
    });
    let grant_rows = rng.chance(40).then(|| predicate(rng, &columns, 2));
    run(
        &mut e,
        "alice",
        Command::GrantTable {
            workspace: "main".into(),
            source: "src".into(),
            table: table.clone(),
            columns: grant_columns,
            rows: grant_rows,
        },
    );
    for (asset, kind, refs) in [
        ("ds", Kind::Dataset, vec![]),
        ("d", Kind::Dashboard, vec!["ds".to_string()]),
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
                    table: table.clone(),
                },
            );
        }
    }
    let row_rules: Vec<RowRule> = (0..rng.below(5))
        .map(|_| {
            let (column, ty) = rng.pick(&columns).clone();
            let allow = if rng.chance(35) {
                Allow::Attribute(rng.pick(&["region", "level", "unset"]).to_string())
            } else {
                Allow::Values((0..rng.below(4)).map(|_| rule_value(rng, ty)).collect())
            };
            RowRule {
                targets: audience(rng, &users),
                column,
                allow,
            }
        })
        .collect();
    run(
        &mut e,
        "alice",
        Command::SetRowRules {
            asset: "ds".into(),
            enabled: rng.chance(75),
            exempt_owner_and_admins: rng.chance(30),
            rules: row_rules,
        },
    );
    let column_rules: Vec<ColumnRule> = (0..rng.below(4))
        .map(|_| ColumnRule {
            targets: audience(rng, &users),
            column: rng.pick(&columns).0.clone(),
            action: if rng.chance(50) {
                ColumnAction::Hide
            } else {
                ColumnAction::Mask
            },
        })
        .collect();
    run(
        &mut e,
        "alice",
        Command::SetColumnRules {
            asset: "ds".into(),
            rules: column_rules,
        },
    );
    if rng.chance(5) {
        run(
            &mut e,
            "alice",
            Command::RevokeTable {
                workspace: "main".into(),
                source: "src".into(),
                table: table.clone(),
            },
        );
    }

    let rows: Vec<Map<String, Value>> = (0..rng.below(12))
        .map(|_| {
            columns
                .iter()
                .map(|(n, ty)| (n.clone(), cell(rng, *ty)))
                .collect()
        })
        .collect();

    let mut answers = Vec::new();
    for user in std::iter::once("alice".to_string()).chain(users.iter().cloned()) {
        for through in [None, Some("d")] {
            let scope = match through {
                Some(t) => e.data_scope_through(&user, "ds", t, AT),
                None => e.data_scope(&user, "ds", AT),
            };
            let scope = match scope {
                Ok(s) => s,
                Err(r) => {
                    assert!(
                        e.sql(&user, "ds", through, Dialect::Postgres, AT).is_err(),
                        "sql answers where the scope is refused"
                    );
                    answers.push(json!({"user": user, "through": through, "refused": r.code()}));
                    continue;
                }
            };
            let expected: Vec<Value> = scope
                .apply(&rows)
                .iter()
                .map(|r| {
                    Value::Array(
                        scope
                            .columns
                            .iter()
                            .map(|c| encode(r.get(&c.name).unwrap_or(&Value::Null)))
                            .collect(),
                    )
                })
                .collect();
            let mut sql = Map::new();
            for d in Dialect::ALL {
                let q = e.sql(&user, "ds", through, d, AT).unwrap();
                sql.insert(d.as_str().into(), serde_json::to_value(q).unwrap());
            }
            answers.push(json!({
                "user": user,
                "through": through,
                "expected": expected,
                "sql": sql,
            }));
        }
    }
    json!({
        "case": index,
        "table": table,
        "columns": columns.iter().map(|(n, ty)| json!({"name": n, "type": ty})).collect::<Vec<_>>(),
        "rows": rows.iter().map(|r| columns.iter().map(|(n, _)| load(&r[n])).collect::<Vec<_>>()).collect::<Vec<_>>(),
        "answers": answers,
    })
}

fn main() {
    let mut args = std::env::args().skip(1);
    let cases: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(1000);
    let seed: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(1);
    let mut rng = Rng(seed);
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for i in 0..cases {
        writeln!(out, "{}", case(&mut rng, i)).unwrap();
    }
}
