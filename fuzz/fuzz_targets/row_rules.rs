//! Data permissions (D1-D4) on arbitrary input: a table schema, a workspace's table grant
//! (columns and a row filter), a dataset's row and column rules, users with roles, groups and
//! attributes, and rows. Every command keeps X5 or changes nothing (X2). For every user,
//! `Engine::data_scope` must not panic; the scope applied to rows as objects
//! (`DataScope::apply`) and compiled against a column order (`CompiledScope`) must agree; and
//! both must agree with a reference evaluation of D1-D4 written from the rules and the
//! snapshot: a row is in iff the grant's filter holds and row rules are off, or the user is
//! exempt, or some rule targeting the user allows its value (OR, fail closed); columns are the
//! granted ones in table order minus hidden ones, masked ones `"***"`.
//!
//! `value_matches` is also checked to be reflexive on scalars, symmetric and transitive.

#![no_main]
#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::indexing_slicing,
    reason = "fuzz harness: a failed assertion is how a target reports a bug"
)]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use orgspace_core::data::{
    Allow, Audience, ColumnAction, ColumnType, DataScope, MASK, Predicate, value_matches,
};
use orgspace_core::snapshot::Snapshot;
use orgspace_core::{Command, Engine, Kind, Mode};
use orgspace_fuzz::{
    ATTRIBUTES, COLUMNS, ColumnRuleIn, GROUPS, Pick, PredIn, RowIn, RowRuleIn, T0, TableIn, USERS,
    Val, assert_invariants, assert_scope_paths_agree, column_type, execute_checked,
};
use serde_json::{Map, Number, Value};
use std::collections::BTreeSet;

const ADMIN: &str = "alice";
const WS: &str = "main";
const SOURCE: &str = "s1";
const TABLE: &str = "t1";
const DATASET: &str = "ds";

#[derive(Arbitrary, Debug)]
struct UserIn {
    role: u8,
    org_admin: bool,
    attributes: Vec<(Pick, Vec<Pick>)>,
    groups: Vec<u8>,
}

#[derive(Arbitrary, Debug)]
struct Input {
    private: bool,
    columns: Vec<(Pick, u8)>,
    other_table: Option<TableIn>,
    /// Group `i` nests in group `parent % i` when given.
    group_parents: Vec<Option<u8>>,
    users: Vec<UserIn>,
    owner: u8,
    share_all: bool,
    grant_columns: Option<Vec<Pick>>,
    grant_rows: Option<PredIn>,
    enabled: bool,
    exempt: bool,
    row_rules: Vec<RowRuleIn>,
    column_rules: Vec<ColumnRuleIn>,
    revoke: bool,
    rows: Vec<RowIn>,
    rotate: u8,
    values: Vec<Val>,
}

const ROLES: &[&str] = &["admin", "developer", "analyst", "visitor"];

fuzz_target!(|input: Input| {
    value_algebra(&input.values);

    let at = T0;
    let mut e = Engine::new();
    let create = Command::CreateOrg {
        org: "acme".into(),
        name: "Acme".into(),
        default_workspace: WS.into(),
        default_workspace_name: None,
        mode: Some(if input.private {
            Mode::Private
        } else {
            Mode::Collaboration
        }),
    };
    execute_checked(&mut e, ADMIN, &create, at).unwrap();
    let run = |e: &mut Engine, actor: &str, c: Command| execute_checked(e, actor, &c, at).is_ok();

    let users: Vec<&str> = USERS[1..7]
        .iter()
        .copied()
        .take(input.users.len())
        .collect();
    for (u, spec) in users.iter().zip(&input.users) {
        let attributes = spec
            .attributes
            .iter()
            .map(|(k, v)| {
                (
                    k.of(ATTRIBUTES),
                    v.iter()
                        .map(|x| x.of(orgspace_fuzz::ATTRIBUTE_VALUES))
                        .collect(),
                )
            })
            .collect();
        run(
            &mut e,
            ADMIN,
            Command::AddMember {
                user: (*u).into(),
                org_roles: if spec.org_admin {
                    vec!["org_admin".into()]
                } else {
                    vec![]
                },
                workspace: Some(WS.into()),
                workspace_roles: vec![ROLES[usize::from(spec.role) % ROLES.len()].into()],
                attributes,
            },
        );
    }
    for (i, parent) in input.group_parents.iter().take(GROUPS.len()).enumerate() {
        let parent = match parent {
            Some(p) if i > 0 => Some(GROUPS[usize::from(*p) % i].to_string()),
            _ => None,
        };
        run(
            &mut e,
            ADMIN,
            Command::CreateGroup {
                group: GROUPS[i].into(),
                name: "G".into(),
                parent,
            },
        );
    }
    for (u, spec) in users.iter().zip(&input.users) {
        for g in spec.groups.iter().take(3) {
            run(
                &mut e,
                ADMIN,
                Command::AddGroupMember {
                    group: GROUPS[usize::from(*g) % GROUPS.len()].into(),
                    user: (*u).into(),
                },
            );
        }
    }

    let mut tables = vec![orgspace_core::data::TableDef {
        name: TABLE.into(),
        columns: input
            .columns
            .iter()
            .take(8)
            .map(|(n, t)| orgspace_core::data::ColumnDef {
                name: n.of(COLUMNS),
                ty: column_type(*t),
            })
            .collect(),
    }];
    if let Some(t) = &input.other_table {
        tables.push(t.build());
    }
    run(
        &mut e,
        ADMIN,
        Command::CreateDataSource {
            source: SOURCE.into(),
            name: "Warehouse".into(),
            tables,
        },
    );
    run(
        &mut e,
        ADMIN,
        Command::GrantTable {
            workspace: WS.into(),
            source: SOURCE.into(),
            table: TABLE.into(),
            columns: input
                .grant_columns
                .as_ref()
                .map(|c| c.iter().map(|p| p.of(COLUMNS)).collect()),
            rows: input.grant_rows.as_ref().map(|p| p.build(COLUMNS)),
        },
    );
    let everyone: Vec<&str> = std::iter::once(ADMIN)
        .chain(users.iter().copied())
        .collect();
    let owner = everyone[usize::from(input.owner) % everyone.len()];
    let dataset = || Command::CreateAsset {
        asset: DATASET.into(),
        workspace: WS.into(),
        kind: Kind::Dataset,
        name: "Sales".into(),
        folder: None,
        references: vec![],
    };
    let owner = if run(&mut e, owner, dataset()) {
        owner
    } else {
        assert!(run(&mut e, ADMIN, dataset()), "alice creates a dataset");
        ADMIN
    };
    if input.share_all {
        let with = users
            .iter()
            .map(|u| orgspace_core::Target::User((*u).into()))
            .collect();
        run(
            &mut e,
            owner,
            Command::Share {
                asset: DATASET.into(),
                with,
                level: None,
                expires_at: None,
            },
        );
    }
    run(
        &mut e,
        owner,
        Command::SetDatasetTable {
            asset: DATASET.into(),
            source: SOURCE.into(),
            table: TABLE.into(),
        },
    );
    run(
        &mut e,
        owner,
        Command::SetRowRules {
            asset: DATASET.into(),
            enabled: input.enabled,
            exempt_owner_and_admins: input.exempt,
            rules: input
                .row_rules
                .iter()
                .take(8)
                .map(|r| r.build(COLUMNS))
                .collect(),
        },
    );
    run(
        &mut e,
        owner,
        Command::SetColumnRules {
            asset: DATASET.into(),
            rules: input
                .column_rules
                .iter()
                .take(8)
                .map(|r| r.build(COLUMNS))
                .collect(),
        },
    );
    if input.revoke {
        run(
            &mut e,
            ADMIN,
            Command::RevokeTable {
                workspace: WS.into(),
                source: SOURCE.into(),
                table: TABLE.into(),
            },
        );
    }
    assert_invariants(&e, "building the data case");

    let rows: Vec<Map<String, Value>> = input
        .rows
        .iter()
        .take(24)
        .map(|r| r.object(COLUMNS))
        .collect();
    let snapshot = e.snapshot().unwrap();
    for user in everyone.iter().copied().chain(["nobody"]) {
        let Ok(scope) = e.data_scope(user, DATASET, at) else {
            continue;
        };
        let got = assert_scope_paths_agree(&scope, &rows, input.rotate);
        let want = reference(&snapshot, user, &rows);
        assert_eq!(
            scope
                .columns
                .iter()
                .map(|c| (c.name.clone(), c.ty, c.masked))
                .collect::<Vec<_>>(),
            want.columns,
            "D1/D3/D4: the columns {user} gets"
        );
        assert_eq!(
            got, want.rows,
            "D1/D2/D4: the rows {user} gets (scope {scope:?})"
        );
        closed_when_no_table(&scope);
    }
});

/// No table: no columns and no rows (fail closed).
fn closed_when_no_table(scope: &DataScope) {
    if scope.table.is_none() {
        assert!(scope.columns.is_empty());
        assert_eq!(scope.rows, Predicate::never());
    }
}

struct Expected {
    columns: Vec<(String, ColumnType, bool)>,
    rows: Vec<Map<String, Value>>,
}

/// D1-D4 straight from the rules, reading the state from the snapshot.
fn reference(s: &Snapshot, user: &str, rows: &[Map<String, Value>]) -> Expected {
    let closed = Expected {
        columns: vec![],
        rows: vec![],
    };
    let main = s.workspaces.iter().find(|w| w.id == WS).unwrap();
    let asset = main.assets.iter().find(|a| a.id == DATASET).unwrap();
    let Some(sec) = &asset.security else {
        return closed;
    };
    let Some(table_ref) = &sec.table else {
        return closed;
    };
    let Some(grant) = main
        .table_grants
        .iter()
        .find(|g| g.source == table_ref.source && g.table == table_ref.table)
    else {
        return closed;
    };
    let table = s
        .org
        .data_sources
        .iter()
        .find(|d| d.id == table_ref.source)
        .and_then(|d| d.tables.iter().find(|t| t.name == table_ref.table))
        .unwrap();
    let member = s.org.members.iter().find(|m| m.user == user).unwrap();
    let org_admin = member.roles.iter().any(|r| r == "org_admin");
    let ws_admin = main
        .members
        .iter()
        .any(|m| m.user == user && m.roles.iter().any(|r| r == "admin"));
    let exempt = sec.exempt_owner_and_admins && (asset.owner == user || org_admin || ws_admin);

    // The user's groups and every group they nest in (P2).
    let mut groups: BTreeSet<&str> = BTreeSet::new();
    for g in &s.org.groups {
        if g.members.iter().any(|m| m == user) {
            let mut at = Some(g);
            while let Some(cur) = at {
                if !groups.insert(cur.id.as_str()) {
                    break;
                }
                at = cur
                    .parent
                    .as_ref()
                    .and_then(|p| s.org.groups.iter().find(|x| &x.id == p));
            }
        }
    }
    let targets = |a: &Audience| {
        a.all
            || a.users.iter().any(|u| u == user)
            || a.groups.iter().any(|g| groups.contains(g.as_str()))
    };

    let mut columns = Vec::new();
    for c in &table.columns {
        if grant.columns.as_ref().is_some_and(|g| !g.contains(&c.name)) {
            continue;
        }
        let rules: Vec<_> = sec
            .column_rules
            .iter()
            .filter(|r| !exempt && r.column == c.name && targets(&r.targets))
            .collect();
        if rules.iter().any(|r| r.action == ColumnAction::Hide) {
            continue;
        }
        let masked = rules.iter().any(|r| r.action == ColumnAction::Mask);
        columns.push((c.name.clone(), c.ty, masked));
    }

    let attribute = |name: &str, ty: ColumnType| -> Vec<Value> {
        member
            .attributes
            .get(name)
            .map(|vs| {
                vs.iter()
                    .filter_map(|v| match ty {
                        ColumnType::String => Some(Value::String(v.clone())),
                        ColumnType::Number => {
                            serde_json::from_str::<Number>(v).ok().map(Value::Number)
                        }
                        ColumnType::Boolean => match v.as_str() {
                            "true" => Some(Value::Bool(true)),
                            "false" => Some(Value::Bool(false)),
                            _ => None,
                        },
                    })
                    .collect()
            })
            .unwrap_or_default()
    };
    let allowed_by_rules = |row: &Map<String, Value>| {
        if !sec.row_rules_enabled || exempt {
            return true;
        }
        sec.row_rules
            .iter()
            .filter(|r| targets(&r.targets))
            .any(|r| {
                let values = match &r.allow {
                    Allow::Values(v) => v.clone(),
                    Allow::Attribute(name) => {
                        let ty = table.column(&r.column).map_or(ColumnType::String, |c| c.ty);
                        attribute(name, ty)
                    }
                };
                row.get(&r.column)
                    .is_some_and(|cell| values.iter().any(|v| value_matches(v, cell)))
            })
    };
    let granted = |row: &Map<String, Value>| {
        grant
            .rows
            .as_ref()
            .is_none_or(|p| p.eval(&|c: &str| row.get(c)))
    };
    let rows = rows
        .iter()
        .filter(|r| granted(r) && allowed_by_rules(r))
        .map(|r| {
            columns
                .iter()
                .map(|(name, _, masked)| {
                    let v = if *masked {
                        Value::String(MASK.into())
                    } else {
                        r.get(name).cloned().unwrap_or(Value::Null)
                    };
                    (name.clone(), v)
                })
                .collect()
        })
        .collect();
    Expected { columns, rows }
}

/// `value_matches` is an equivalence on scalars (null matches nothing), and numbers match by
/// value whatever their representation.
fn value_algebra(values: &[Val]) {
    let values: Vec<&Value> = values.iter().take(8).map(|v| &v.0).collect();
    for a in &values {
        assert_eq!(value_matches(a, a), !a.is_null(), "reflexive on {a}");
        for b in &values {
            let ab = value_matches(a, b);
            assert_eq!(ab, value_matches(b, a), "symmetric on {a}, {b}");
            if let (Value::Number(x), Value::Number(y)) = (a, b) {
                // Two numbers that are both exact integers or both floats compare by value.
                if let (Some(x), Some(y)) = (int(x), int(y)) {
                    assert_eq!(ab, x == y, "integers {a}, {b}");
                }
                if x.is_f64() && y.is_f64() {
                    assert_eq!(ab, x.as_f64() == y.as_f64(), "floats {a}, {b}");
                }
            }
            for c in &values {
                if ab && value_matches(b, c) {
                    assert!(value_matches(a, c), "transitive on {a}, {b}, {c}");
                }
            }
        }
    }
}

fn int(n: &Number) -> Option<i128> {
    n.as_i64()
        .map(i128::from)
        .or_else(|| n.as_u64().map(i128::from))
}
