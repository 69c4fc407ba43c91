//! D: data permissions. Organization data sources and table grants to workspaces (D1), dataset
//! row rules (D2), column rules (D3) and the effective scope a user gets (D4), with the bad
//! input every data command must refuse as `invalid` without changing anything (X2).
//!
//! Expectations come from SPEC D1-D4 and docs/decisions.md ("Data permissions and the
//! upgrade"), and the row predicate form of docs/conformance.md.

#![allow(
    clippy::panic,
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::indexing_slicing,
    reason = "test helpers and the reference model fail the test that calls them, on purpose"
)]

mod common;

use common::{ALICE, Fixture, MAIN, cmd, strings};
use orgspace_core::data::{
    Allow, Audience, ColumnAction, ColumnDef, ColumnRule, ColumnType, DataScope, MASK, Predicate,
    RowRule, TableDef,
};
use orgspace_core::{Command, Kind, Level, Mode, OrgPoint, Refusal, Rule};
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;

/// The data source every test registers.
const CRM: &str = "crm";
/// The dataset bob builds on `crm`.`orders`.
const SALES: &str = "sales";

// ---------------------------------------------------------------------------------------------
// Builders
// ---------------------------------------------------------------------------------------------

fn col(name: &str, ty: ColumnType) -> ColumnDef {
    ColumnDef {
        name: name.into(),
        ty,
    }
}

/// `crm` with `orders` (region, amount, vip, email, customer) and `people` (name, team).
fn create_crm() -> Command {
    Command::CreateDataSource {
        source: CRM.into(),
        name: "CRM".into(),
        tables: vec![
            TableDef {
                name: "orders".into(),
                columns: vec![
                    col("region", ColumnType::String),
                    col("amount", ColumnType::Number),
                    col("vip", ColumnType::Boolean),
                    col("email", ColumnType::String),
                    col("customer", ColumnType::String),
                ],
            },
            TableDef {
                name: "people".into(),
                columns: vec![
                    col("name", ColumnType::String),
                    col("team", ColumnType::String),
                ],
            },
        ],
    }
}

fn grant_table(
    workspace: &str,
    table: &str,
    columns: Option<&[&str]>,
    rows: Option<Value>,
) -> Command {
    Command::GrantTable {
        workspace: workspace.into(),
        source: CRM.into(),
        table: table.into(),
        columns: columns.map(strings),
        rows: rows.map(pred),
    }
}

fn revoke_table(workspace: &str, table: &str) -> Command {
    Command::RevokeTable {
        workspace: workspace.into(),
        source: CRM.into(),
        table: table.into(),
    }
}

fn set_table(asset: &str, table: &str) -> Command {
    Command::SetDatasetTable {
        asset: asset.into(),
        source: CRM.into(),
        table: table.into(),
    }
}

fn row_rules(asset: &str, enabled: bool, exempt: bool, rules: Vec<RowRule>) -> Command {
    Command::SetRowRules {
        asset: asset.into(),
        enabled,
        exempt_owner_and_admins: exempt,
        rules,
    }
}

fn column_rules(asset: &str, rules: Vec<ColumnRule>) -> Command {
    Command::SetColumnRules {
        asset: asset.into(),
        rules,
    }
}

/// A predicate from its JSON form (docs/conformance.md).
fn pred(v: Value) -> Predicate {
    serde_json::from_value(v).unwrap()
}

fn all() -> Audience {
    Audience {
        all: true,
        ..Audience::default()
    }
}

fn users(ids: &[&str]) -> Audience {
    Audience {
        users: strings(ids),
        ..Audience::default()
    }
}

fn groups(ids: &[&str]) -> Audience {
    Audience {
        groups: strings(ids),
        ..Audience::default()
    }
}

fn values_rule(targets: Audience, column: &str, values: Value) -> RowRule {
    let Value::Array(values) = values else {
        panic!("values must be an array")
    };
    RowRule {
        targets,
        column: column.into(),
        allow: Allow::Values(values),
    }
}

fn attribute_rule(targets: Audience, column: &str, attribute: &str) -> RowRule {
    RowRule {
        targets,
        column: column.into(),
        allow: Allow::Attribute(attribute.into()),
    }
}

fn hide(targets: Audience, column: &str) -> ColumnRule {
    ColumnRule {
        targets,
        column: column.into(),
        action: ColumnAction::Hide,
    }
}

fn mask(targets: Audience, column: &str) -> ColumnRule {
    ColumnRule {
        targets,
        column: column.into(),
        action: ColumnAction::Mask,
    }
}

fn attrs(pairs: &[(&str, &[&str])]) -> BTreeMap<String, Vec<String>> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).into(), strings(v)))
        .collect()
}

/// `alice` adds a member to `workspace` with roles and attributes.
fn member_with(
    f: &mut Fixture,
    user: &str,
    workspace: &str,
    roles: &[&str],
    a: &[(&str, &[&str])],
) {
    f.ok(
        ALICE,
        Command::AddMember {
            user: user.into(),
            org_roles: vec![],
            workspace: Some(workspace.into()),
            workspace_roles: strings(roles),
            attributes: attrs(a),
        },
    );
}

/// The organization every test starts from:
/// - `alice`: org admin (creator), admin of `main` (collaboration mode);
/// - `bob`: developer, owner of the dataset `sales` built on `crm`.`orders`;
/// - `carol`: analyst with `region: [east]`; `frank`: analyst with no attributes;
/// - `erin`: workspace admin of `main`; `dave`: visitor;
/// - `crm` registered by alice, `orders` granted to `main` (every column, every row).
fn base() -> Fixture {
    let mut f = Fixture::new();
    f.member("bob", MAIN, &["developer"]);
    member_with(
        &mut f,
        "carol",
        MAIN,
        &["analyst"],
        &[("region", &["east"])],
    );
    f.member("frank", MAIN, &["analyst"]);
    f.member("erin", MAIN, &["admin"]);
    f.member("dave", MAIN, &["visitor"]);
    f.ok(ALICE, create_crm());
    f.ok(ALICE, grant_table(MAIN, "orders", None, None));
    f.asset("bob", SALES, MAIN, Kind::Dataset);
    f.ok("bob", set_table(SALES, "orders"));
    f
}

/// Five rows of `orders`.
fn orders() -> Vec<Map<String, Value>> {
    rows(json!([
        {"region": "east",  "amount": 100, "vip": true,  "email": "a@x", "customer": "ann"},
        {"region": "west",  "amount": 250, "vip": false, "email": "b@x", "customer": "ben"},
        {"region": "north", "amount": 100, "vip": false, "email": "c@x", "customer": "cy"},
        {"region": "east",  "amount": 7.5, "vip": false, "email": "d@x", "customer": "di"},
        {"region": "south", "amount": 3,   "vip": true,  "email": "e@x", "customer": "ed"}
    ]))
}

fn rows(v: Value) -> Vec<Map<String, Value>> {
    let Value::Array(items) = v else {
        panic!("rows must be an array")
    };
    items
        .into_iter()
        .map(|r| match r {
            Value::Object(m) => m,
            other => panic!("row {other} is not an object"),
        })
        .collect()
}

fn scope(f: &Fixture, user: &str, dataset: &str) -> DataScope {
    match f.engine.data_scope(user, dataset, f.now) {
        Ok(s) => s,
        Err(r) => panic!("data_scope of `{user}` on `{dataset}` was refused: {r}"),
    }
}

fn scope_refusal(f: &Fixture, user: &str, dataset: &str) -> Refusal {
    match f.engine.data_scope(user, dataset, f.now) {
        Ok(s) => panic!("data_scope of `{user}` on `{dataset}` was allowed: {s:?}"),
        Err(r) => r,
    }
}

/// The column names a user gets, with `*` after masked ones.
fn columns(s: &DataScope) -> Vec<String> {
    s.columns
        .iter()
        .map(|c| {
            if c.masked {
                format!("{}*", c.name)
            } else {
                c.name.clone()
            }
        })
        .collect()
}

/// The customers of the rows the user sees in `orders()`, through both the object path and
/// the compiled columnar path (which must agree).
fn customers(f: &Fixture, user: &str) -> Vec<String> {
    let s = scope(f, user, SALES);
    let seen = s.apply(&orders());
    let compiled = compiled_rows(&s);
    assert_eq!(
        seen.len(),
        compiled.len(),
        "object and compiled paths disagree"
    );
    for (a, b) in seen.iter().zip(&compiled) {
        let from_object: Vec<&Value> = s.columns.iter().map(|c| &a[&c.name]).collect();
        let from_compiled: Vec<&Value> = b.iter().collect();
        assert_eq!(
            from_object, from_compiled,
            "object and compiled paths disagree"
        );
    }
    let c = s.columns.iter().any(|c| c.name == "customer");
    seen.iter()
        .map(|r| {
            if c {
                r["customer"].as_str().unwrap_or("?").to_string()
            } else {
                "-".to_string()
            }
        })
        .collect()
}

/// `orders()` through the compiled scope, with the table's columns as header.
fn compiled_rows(s: &DataScope) -> Vec<Vec<Value>> {
    let header = ["region", "amount", "vip", "email", "customer"];
    let c = s.compile(&header);
    let names: Vec<&str> = s.columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(c.header(), names.as_slice());
    orders()
        .iter()
        .filter_map(|r| {
            let row: Vec<Value> = header
                .iter()
                .map(|h| r.get(*h).cloned().unwrap_or(Value::Null))
                .collect();
            assert_eq!(c.matches(&row), c.apply_row(&row).is_some());
            c.apply_row(&row)
        })
        .collect()
}

/// Refused as `invalid` with a message naming `thing` in backticks, changing nothing (X2:
/// `Fixture::refuse` compares `to_json()` and the version before and after).
fn invalid_naming(f: &mut Fixture, actor: &str, command: Command, thing: &str) -> Refusal {
    let r = f.refuse(actor, command);
    assert_eq!(r.code(), "invalid", "expected invalid, got {r}");
    let named = format!("`{thing}`");
    assert!(r.message().contains(&named), "{r} does not name {named}");
    r
}

fn is_denied_by(r: &Refusal, rule: Rule) {
    assert!(r.is_denied(), "expected a denial by {rule}, got {r}");
    assert_eq!(r.rule(), Some(rule), "wrong rule in {r}");
}

const EVERY_COLUMN: [&str; 5] = ["region", "amount", "vip", "email", "customer"];
const EVERY_CUSTOMER: [&str; 5] = ["ann", "ben", "cy", "di", "ed"];

// ---------------------------------------------------------------------------------------------
// D1: organization data sources and table grants
// ---------------------------------------------------------------------------------------------

#[test]
fn d1_only_data_source_managers_register_sources() {
    let mut f = base();
    f.org_member("perm", &["permission_admin"]);
    let other = || Command::CreateDataSource {
        source: "erp".into(),
        name: "ERP".into(),
        tables: vec![TableDef {
            name: "items".into(),
            columns: vec![col("sku", ColumnType::String)],
        }],
    };
    // A developer, a workspace admin and a permission admin do not register data sources.
    f.denied("bob", other(), Rule::D1);
    f.denied("erin", other(), Rule::D1);
    f.denied("perm", other(), Rule::D1);
    // A custom org role holding `manage_data_sources` does.
    f.ok(
        ALICE,
        Command::DefineOrgRole {
            role: "data_team".into(),
            name: "Data team".into(),
            points: vec![OrgPoint::ManageDataSources],
        },
    );
    f.org_member("dan", &["data_team"]);
    f.ok("dan", other());
    assert!(f.engine.data_sources().iter().any(|s| s.id == "erp"));
    // Deleting one is also theirs only.
    f.denied(
        "erin",
        Command::DeleteDataSource {
            source: "erp".into(),
        },
        Rule::D1,
    );
    f.ok(
        ALICE,
        Command::DeleteDataSource {
            source: "erp".into(),
        },
    );
    assert!(!f.engine.data_sources().iter().any(|s| s.id == "erp"));
}

#[test]
fn d1_only_data_source_managers_grant_and_revoke_tables() {
    let mut f = base();
    f.org_member("perm", &["permission_admin"]);
    // The workspace's own admin cannot grant their workspace a table, nor revoke one.
    f.denied("erin", grant_table(MAIN, "people", None, None), Rule::D1);
    f.denied("perm", grant_table(MAIN, "people", None, None), Rule::D1);
    f.denied("bob", grant_table(MAIN, "people", None, None), Rule::D1);
    f.denied("erin", revoke_table(MAIN, "orders"), Rule::D1);
    f.ok(ALICE, grant_table(MAIN, "people", None, None));
    f.ok(ALICE, revoke_table(MAIN, "people"));
    // Revoking what is not granted is refused.
    f.refused_as(ALICE, revoke_table(MAIN, "people"), "not_found");
}

#[test]
fn d1_a_dataset_is_built_only_on_a_granted_table() {
    let mut f = base();
    f.asset("bob", "staff", MAIN, Kind::Dataset);
    // `people` is not granted to `main`.
    f.denied("bob", set_table("staff", "people"), Rule::D1);
    f.ok(ALICE, grant_table(MAIN, "people", None, None));
    f.ok("bob", set_table("staff", "people"));

    // Another workspace granted nothing sees nothing of `crm`.
    f.workspace("ops", Mode::Collaboration);
    f.join("ops", "bob", &["developer"]);
    f.asset("bob", "ops_set", "ops", Kind::Dataset);
    f.denied("bob", set_table("ops_set", "orders"), Rule::D1);
    // Nor does a personal workspace.
    let mine = common::personal("bob");
    f.asset("bob", "my_set", &mine, Kind::Dataset);
    f.denied("bob", set_table("my_set", "orders"), Rule::D1);
    // A table cannot be granted to a personal workspace at all.
    let r = f.refuse(ALICE, grant_table(&mine, "orders", None, None));
    assert!(r.message().contains(&mine), "{r}");
}

#[test]
fn d1_building_a_dataset_needs_modify_on_it() {
    let mut f = base();
    f.asset("bob", "other", MAIN, Kind::Dataset);
    // An analyst cannot modify a dataset (R3); a developer who does not own it neither.
    f.member("gina", MAIN, &["developer"]);
    let r = f.refuse("carol", set_table("other", "orders"));
    assert!(r.is_denied(), "{r}");
    let r = f.refuse("gina", set_table("other", "orders"));
    assert!(r.is_denied(), "{r}");
    // An edit grant lets the developer modify it (A5).
    f.ok("bob", cmd::grant("other", cmd::user("gina"), Level::Edit));
    f.ok("gina", set_table("other", "orders"));
}

#[test]
fn d1_a_workspace_sees_only_its_granted_columns_and_rows() {
    let mut f = base();
    f.ok(
        ALICE,
        grant_table(
            MAIN,
            "orders",
            Some(&["customer", "region", "amount"]),
            Some(json!({"in": {"column": "region", "values": ["east", "north"]}})),
        ),
    );
    let s = scope(&f, "carol", SALES);
    // Columns in table order, whatever order the grant listed them in.
    assert_eq!(columns(&s), ["region", "amount", "customer"]);
    assert_eq!(
        s.rows,
        pred(json!({"in": {"column": "region", "values": ["east", "north"]}}))
    );
    assert_eq!(customers(&f, "carol"), ["ann", "cy", "di"]);
    // Not granted: never in a row the user gets.
    for r in s.apply(&orders()) {
        assert!(!r.contains_key("email") && !r.contains_key("vip"), "{r:?}");
    }
    // Org admins get no more than the workspace is granted either (D4).
    assert_eq!(customers(&f, ALICE), ["ann", "cy", "di"]);
}

#[test]
fn d1_workspaces_are_isolated_by_their_own_grants() {
    let mut f = base();
    f.workspace("ops", Mode::Collaboration);
    f.join("ops", "carol", &["analyst"]);
    f.join("ops", "bob", &["developer"]);
    f.ok(
        ALICE,
        grant_table(
            "ops",
            "orders",
            Some(&["region", "customer"]),
            Some(json!({"in": {"column": "region", "values": ["west"]}})),
        ),
    );
    f.asset("bob", "ops_set", "ops", Kind::Dataset);
    f.ok("bob", set_table("ops_set", "orders"));
    // The same table, two workspaces: each dataset gets its own workspace's grant.
    let ops = scope(&f, "carol", "ops_set");
    assert_eq!(columns(&ops), ["region", "customer"]);
    let seen: Vec<Value> = ops
        .apply(&orders())
        .into_iter()
        .map(|r| r["customer"].clone())
        .collect();
    assert_eq!(seen, [json!("ben")]);
    assert_eq!(customers(&f, "carol"), EVERY_CUSTOMER);
}

#[test]
fn d1_revoking_a_table_fails_closed() {
    let mut f = base();
    assert_eq!(customers(&f, "carol"), EVERY_CUSTOMER);
    f.ok(ALICE, revoke_table(MAIN, "orders"));
    // The dataset stays, built on the table, and shows nothing: no column, no row.
    for user in ["carol", "bob", ALICE, "erin"] {
        let s = scope(&f, user, SALES);
        assert_eq!(s.table.as_ref().map(|t| t.table.as_str()), Some("orders"));
        assert!(s.columns.is_empty(), "{user}: {s:?}");
        assert_eq!(s.rows, Predicate::never(), "{user}");
        assert!(s.apply(&orders()).is_empty());
        assert!(compiled_rows(&s).is_empty());
    }
    assert!(f.owner_of(SALES).is_some());
    // Nor can another dataset be built on it.
    f.asset("bob", "again", MAIN, Kind::Dataset);
    f.denied("bob", set_table("again", "orders"), Rule::D1);
    // Granting it again brings the data back.
    f.ok(ALICE, grant_table(MAIN, "orders", None, None));
    assert_eq!(customers(&f, "carol"), EVERY_CUSTOMER);
}

#[test]
fn d1_a_granted_data_source_cannot_be_deleted() {
    let mut f = base();
    let r = f.refuse(ALICE, Command::DeleteDataSource { source: CRM.into() });
    assert_eq!(r.code(), "conflict", "{r}");
    f.ok(ALICE, revoke_table(MAIN, "orders"));
    // The dataset built on it is left showing nothing.
    let s = scope(&f, "carol", SALES);
    assert!(s.columns.is_empty());
    assert_eq!(s.rows, Predicate::never());
    // A dataset built on it keeps it (below); once that is gone, the source may go.
    let r = f.refuse(ALICE, Command::DeleteDataSource { source: CRM.into() });
    assert_eq!(r.code(), "conflict", "{r}");
    f.ok("bob", cmd::delete(SALES));
    f.ok(ALICE, Command::DeleteDataSource { source: CRM.into() });
}

/// `crm` again, with `orders` holding only `total`: a data source re-created with other
/// columns and without `people`.
fn create_other_crm() -> Command {
    Command::CreateDataSource {
        source: CRM.into(),
        name: "CRM".into(),
        tables: vec![TableDef {
            name: "orders".into(),
            columns: vec![col("total", ColumnType::Number)],
        }],
    }
}

/// The engine loads its own snapshot, whole.
fn loads_again(f: &Fixture) {
    let json = f.engine.to_json();
    if let Err(e) = orgspace_core::Engine::from_json(&json) {
        panic!("the engine's own snapshot does not load: {e}");
    }
}

#[test]
fn d1_x5_revoke_delete_recreate_leaves_a_state_that_loads() {
    // Issue 16's defect: revoke the table, delete its data source while a dataset is built
    // on it, make the source again with other columns: each step was accepted and the last
    // state was refused by the loader. Deleting the source is refused while the dataset
    // stands (D1), so every accepted step leaves a state that loads (X5).
    let mut f = base();
    f.ok(
        "bob",
        row_rules(
            SALES,
            true,
            false,
            vec![values_rule(all(), "region", json!(["east"]))],
        ),
    );
    f.ok(
        "bob",
        column_rules(SALES, vec![hide(users(&["carol"]), "email")]),
    );
    f.ok(ALICE, revoke_table(MAIN, "orders"));
    loads_again(&f);
    let r = f.refuse(ALICE, Command::DeleteDataSource { source: CRM.into() });
    assert_eq!(r.code(), "conflict", "{r}");
    assert!(r.message().contains(SALES), "names the dataset: {r}");
    loads_again(&f);
    f.refused_as(ALICE, create_other_crm(), "conflict");
    loads_again(&f);
}

#[test]
fn d1_x5_a_source_comes_back_only_with_tables_its_datasets_fit() {
    // A state from before deletion was refused for a built-on source: the dataset names a
    // source that is gone, which loads (it shows nothing). The source may come back only with
    // the table and the columns the dataset's rules name.
    let mut f = base();
    f.ok(
        "bob",
        row_rules(
            SALES,
            true,
            false,
            vec![values_rule(all(), "region", json!(["east"]))],
        ),
    );
    f.ok(ALICE, revoke_table(MAIN, "orders"));
    let mut snapshot = f.snapshot();
    snapshot.org.data_sources.clear();
    f.engine = orgspace_core::Engine::from_snapshot(&snapshot).unwrap();
    let r = f.refused_as(ALICE, create_other_crm(), "conflict");
    assert!(r.message().contains(SALES), "names the dataset: {r}");
    loads_again(&f);
    f.ok(ALICE, create_crm());
    loads_again(&f);
    f.ok(ALICE, grant_table(MAIN, "orders", None, None));
    assert_eq!(customers(&f, "carol"), ["ann", "di"]);
}

#[test]
fn d1_a_later_grant_replaces_the_earlier_one() {
    let mut f = base();
    f.ok(ALICE, grant_table(MAIN, "orders", Some(&["region"]), None));
    assert_eq!(columns(&scope(&f, "carol", SALES)), ["region"]);
    f.ok(ALICE, grant_table(MAIN, "orders", None, None));
    assert_eq!(columns(&scope(&f, "carol", SALES)), EVERY_COLUMN);
}

// D1 bad input ---------------------------------------------------------------------------------

#[test]
fn d1_grant_of_an_unknown_table_is_invalid() {
    let mut f = base();
    invalid_naming(
        &mut f,
        ALICE,
        grant_table(MAIN, "invoices", None, None),
        "invoices",
    );
}

#[test]
fn d1_grant_of_an_unknown_data_source_is_not_found() {
    let mut f = base();
    let r = f.refuse(
        ALICE,
        Command::GrantTable {
            workspace: MAIN.into(),
            source: "nope".into(),
            table: "orders".into(),
            columns: None,
            rows: None,
        },
    );
    assert_eq!(r.code(), "not_found", "{r}");
    assert!(r.message().contains("`nope`"), "{r}");
}

#[test]
fn d1_grant_of_an_unknown_column_is_invalid() {
    let mut f = base();
    invalid_naming(
        &mut f,
        ALICE,
        grant_table(MAIN, "orders", Some(&["region", "phone"]), None),
        "phone",
    );
    invalid_naming(
        &mut f,
        ALICE,
        grant_table(
            MAIN,
            "orders",
            None,
            Some(json!({"all": [{"in": {"column": "phone", "values": ["1"]}}]})),
        ),
        "phone",
    );
}

#[test]
fn d1_grant_row_filter_with_values_of_the_wrong_type_is_invalid() {
    let mut f = base();
    for (column, value) in [
        ("amount", json!("100")),
        ("region", json!(1)),
        ("vip", json!("true")),
        ("region", json!(null)),
        ("amount", json!([1])),
    ] {
        invalid_naming(
            &mut f,
            ALICE,
            grant_table(
                MAIN,
                "orders",
                None,
                Some(json!({"any": [{"in": {"column": column, "values": [value]}}]})),
            ),
            column,
        );
    }
}

#[test]
fn d1_a_dataset_on_an_unknown_table_is_invalid() {
    let mut f = base();
    f.asset("bob", "staff", MAIN, Kind::Dataset);
    invalid_naming(&mut f, "bob", set_table("staff", "invoices"), "invoices");
}

#[test]
fn d1_a_malformed_data_source_is_invalid() {
    let mut f = base();
    let twice = Command::CreateDataSource {
        source: "erp".into(),
        name: "ERP".into(),
        tables: vec![TableDef {
            name: "items".into(),
            columns: vec![
                col("sku", ColumnType::String),
                col("sku", ColumnType::Number),
            ],
        }],
    };
    invalid_naming(&mut f, ALICE, twice, "sku");
    let empty = Command::CreateDataSource {
        source: "erp".into(),
        name: "ERP".into(),
        tables: vec![],
    };
    invalid_naming(&mut f, ALICE, empty, "erp");
    let r = f.refuse(ALICE, create_crm());
    assert_eq!(r.code(), "conflict", "{r}");
}

// ---------------------------------------------------------------------------------------------
// D2: row rules
// ---------------------------------------------------------------------------------------------

#[test]
fn d2_user_matched_by_no_rule_sees_no_rows() {
    let mut f = base();
    f.ok(
        "bob",
        row_rules(
            SALES,
            true,
            false,
            vec![values_rule(users(&["carol"]), "region", json!(["east"]))],
        ),
    );
    // carol is targeted; frank is not and sees nothing (fail closed), though his columns stay.
    assert_eq!(customers(&f, "carol"), ["ann", "di"]);
    let s = scope(&f, "frank", SALES);
    assert_eq!(s.rows, Predicate::never());
    assert_eq!(columns(&s), EVERY_COLUMN);
    assert!(customers(&f, "frank").is_empty());
}

#[test]
fn d2_rules_on_without_any_rule_show_no_rows() {
    let mut f = base();
    f.ok("bob", row_rules(SALES, true, false, vec![]));
    for user in ["carol", "frank", "bob", ALICE, "erin"] {
        assert!(customers(&f, user).is_empty(), "{user}");
        assert_eq!(scope(&f, user, SALES).rows, Predicate::never());
    }
}

#[test]
fn d2_rules_off_show_every_granted_row() {
    let mut f = base();
    f.ok(
        "bob",
        row_rules(
            SALES,
            false,
            false,
            vec![values_rule(users(&["carol"]), "region", json!(["east"]))],
        ),
    );
    assert_eq!(customers(&f, "carol"), EVERY_CUSTOMER);
    assert_eq!(customers(&f, "frank"), EVERY_CUSTOMER);
    assert_eq!(scope(&f, "frank", SALES).rows, Predicate::always());
    // Switching them on applies the same rules.
    f.ok(
        "bob",
        row_rules(
            SALES,
            true,
            false,
            vec![values_rule(users(&["carol"]), "region", json!(["east"]))],
        ),
    );
    assert_eq!(customers(&f, "carol"), ["ann", "di"]);
    assert!(customers(&f, "frank").is_empty());
}

#[test]
fn d2_rules_that_match_a_user_combine_with_or() {
    let mut f = base();
    f.ok(
        "bob",
        row_rules(
            SALES,
            true,
            false,
            vec![
                values_rule(users(&["carol"]), "region", json!(["west"])),
                values_rule(users(&["carol", "frank"]), "amount", json!([3])),
                values_rule(users(&["frank"]), "vip", json!([false])),
            ],
        ),
    );
    // carol: west OR amount 3.
    assert_eq!(customers(&f, "carol"), ["ben", "ed"]);
    // frank: amount 3 OR not vip; a rule not targeting him adds nothing.
    assert_eq!(customers(&f, "frank"), ["ben", "cy", "di", "ed"]);
    assert_eq!(
        scope(&f, "carol", SALES).rows,
        pred(json!({"any": [
            {"in": {"column": "region", "values": ["west"]}},
            {"in": {"column": "amount", "values": [3]}}
        ]}))
    );
}

#[test]
fn d2_a_rule_for_all_members_reaches_everyone() {
    let mut f = base();
    f.ok(
        "bob",
        row_rules(
            SALES,
            true,
            false,
            vec![values_rule(all(), "vip", json!([true]))],
        ),
    );
    for user in ["carol", "frank", "bob", ALICE, "erin"] {
        assert_eq!(customers(&f, user), ["ann", "ed"], "{user}");
    }
}

#[test]
fn d2_group_rules_reach_nested_groups() {
    let mut f = base();
    f.member("gina", MAIN, &["analyst"]);
    f.member("hal", MAIN, &["analyst"]);
    f.ok(ALICE, cmd::create_group("sales_team", None));
    f.ok(ALICE, cmd::create_group("east_team", Some("sales_team")));
    f.ok(ALICE, cmd::create_group("boston", Some("east_team")));
    f.ok(ALICE, cmd::add_to_group("boston", "gina"));
    f.ok(ALICE, cmd::add_to_group("sales_team", "hal"));
    f.ok(
        "bob",
        row_rules(
            SALES,
            true,
            false,
            vec![
                values_rule(groups(&["sales_team"]), "region", json!(["south"])),
                values_rule(groups(&["east_team"]), "region", json!(["east"])),
            ],
        ),
    );
    // gina is two levels below both groups: both rules reach her (P2).
    assert_eq!(customers(&f, "gina"), ["ann", "di", "ed"]);
    // hal is in the parent group only: the rule on the nested group does not reach up.
    assert_eq!(customers(&f, "hal"), ["ed"]);
    // frank is in no group.
    assert!(customers(&f, "frank").is_empty());
    // Leaving the group takes the rule away.
    f.ok(
        ALICE,
        Command::RemoveGroupMember {
            group: "boston".into(),
            user: "gina".into(),
        },
    );
    assert!(customers(&f, "gina").is_empty());
}

#[test]
fn d2_attribute_rules_use_the_users_tags() {
    let mut f = base();
    member_with(
        &mut f,
        "gina",
        MAIN,
        &["analyst"],
        &[("region", &["west", "north"])],
    );
    f.ok(
        "bob",
        row_rules(
            SALES,
            true,
            false,
            vec![attribute_rule(all(), "region", "region")],
        ),
    );
    assert_eq!(customers(&f, "carol"), ["ann", "di"]);
    assert_eq!(customers(&f, "gina"), ["ben", "cy"]);
    // No such attribute: no rows.
    assert!(customers(&f, "frank").is_empty());
    // Changing the tags changes the rows.
    f.ok(
        ALICE,
        Command::SetAttributes {
            user: "frank".into(),
            attributes: attrs(&[("region", &["south"])]),
        },
    );
    assert_eq!(customers(&f, "frank"), ["ed"]);
}

#[test]
fn d2_attribute_values_are_converted_to_the_column_type() {
    let mut f = base();
    member_with(
        &mut f,
        "gina",
        MAIN,
        &["analyst"],
        &[("limit", &["100", "7.5", "lots"]), ("flag", &["true"])],
    );
    f.ok(
        "bob",
        row_rules(
            SALES,
            true,
            false,
            vec![
                attribute_rule(users(&["gina"]), "amount", "limit"),
                attribute_rule(users(&["frank"]), "vip", "flag"),
            ],
        ),
    );
    // "100" matches the numbers 100 (and 100.0), "7.5" matches 7.5, "lots" matches nothing.
    assert_eq!(customers(&f, "gina"), ["ann", "cy", "di"]);
    let s = scope(&f, "gina", SALES);
    let seen = s.apply(&rows(json!([
        {"customer": "z", "amount": 100.0},
        {"customer": "y", "amount": "100"},
        {"customer": "x", "amount": "lots"}
    ])));
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0]["customer"], json!("z"));
    // frank has no `flag`: nothing; with `flag: [true]` the vip rows.
    assert!(customers(&f, "frank").is_empty());
    f.ok(
        ALICE,
        Command::SetAttributes {
            user: "frank".into(),
            attributes: attrs(&[("flag", &["true"])]),
        },
    );
    assert_eq!(customers(&f, "frank"), ["ann", "ed"]);
}

#[test]
fn d2_missing_null_and_wrong_typed_cells_match_nothing() {
    let mut f = base();
    f.ok(
        "bob",
        row_rules(
            SALES,
            true,
            false,
            vec![values_rule(all(), "amount", json!([100]))],
        ),
    );
    let s = scope(&f, "carol", SALES);
    let seen = s.apply(&rows(json!([
        {"customer": "a", "amount": 100},
        {"customer": "b", "amount": 100.0},
        {"customer": "c", "amount": "100"},
        {"customer": "d", "amount": null},
        {"customer": "e"},
        {"customer": "f", "amount": [100]},
        {"customer": "g", "amount": true}
    ])));
    let names: Vec<&Value> = seen.iter().map(|r| &r["customer"]).collect();
    assert_eq!(names, [&json!("a"), &json!("b")]);
}

#[test]
fn d2_owners_and_admins_are_not_exempt_by_default() {
    let mut f = base();
    f.ok(
        "bob",
        row_rules(
            SALES,
            true,
            false,
            vec![values_rule(users(&["carol"]), "region", json!(["east"]))],
        ),
    );
    // The owner (bob), a workspace admin (erin) and an org admin (alice): no rule for them.
    for user in ["bob", "erin", ALICE] {
        assert!(customers(&f, user).is_empty(), "{user}");
    }
}

#[test]
fn d2_the_exemption_flag_exempts_owner_and_admins_only() {
    let mut f = base();
    f.ok(
        "bob",
        row_rules(
            SALES,
            true,
            true,
            vec![values_rule(users(&["carol"]), "region", json!(["east"]))],
        ),
    );
    f.ok("bob", column_rules(SALES, vec![hide(all(), "email")]));
    for user in ["bob", "erin", ALICE] {
        assert_eq!(customers(&f, user), EVERY_CUSTOMER, "{user}");
        assert_eq!(columns(&scope(&f, user, SALES)), EVERY_COLUMN, "{user}");
    }
    // Everyone else stays under the rules, row and column alike.
    assert_eq!(customers(&f, "carol"), ["ann", "di"]);
    assert!(customers(&f, "frank").is_empty());
    assert_eq!(
        columns(&scope(&f, "carol", SALES)),
        ["region", "amount", "vip", "customer"]
    );
    // A developer who does not own the dataset is not exempt.
    f.member("gina", MAIN, &["developer"]);
    assert!(customers(&f, "gina").is_empty());
}

#[test]
fn d2_only_owner_and_admins_configure_row_rules() {
    let mut f = base();
    f.member("gina", MAIN, &["developer"]);
    let rules = || {
        row_rules(
            SALES,
            true,
            false,
            vec![values_rule(all(), "vip", json!([true]))],
        )
    };
    // An analyst and a developer who does not own it.
    f.denied("carol", rules(), Rule::D2);
    f.denied("gina", rules(), Rule::D2);
    // Nobody may give themselves rows by writing a rule for themselves.
    f.denied("frank", row_rules(SALES, false, false, vec![]), Rule::D2);
    // The owner, a workspace admin and an org admin do.
    f.ok("bob", rules());
    f.ok("erin", rules());
    f.ok(ALICE, rules());
}

#[test]
fn d2_rules_targeting_a_removed_member_go_with_them() {
    let mut f = base();
    f.ok(
        "bob",
        row_rules(
            SALES,
            true,
            false,
            vec![
                values_rule(users(&["carol"]), "region", json!(["east"])),
                values_rule(users(&["carol", "frank"]), "vip", json!([true])),
            ],
        ),
    );
    f.ok(ALICE, cmd::remove_member("carol", ALICE));
    let doc = f
        .snapshot()
        .workspaces
        .into_iter()
        .flat_map(|w| w.assets)
        .find(|a| a.id == SALES)
        .unwrap();
    let rules = doc.security.unwrap().row_rules;
    assert_eq!(
        rules,
        vec![values_rule(users(&["frank"]), "vip", json!([true]))]
    );
    assert_eq!(customers(&f, "frank"), ["ann", "ed"]);
    f.assert_invariants();
}

// D2 bad input ---------------------------------------------------------------------------------

#[test]
fn d2_rule_on_an_unknown_column_is_invalid() {
    let mut f = base();
    invalid_naming(
        &mut f,
        "bob",
        row_rules(
            SALES,
            true,
            false,
            vec![values_rule(all(), "phone", json!(["1"]))],
        ),
        "phone",
    );
    invalid_naming(
        &mut f,
        "bob",
        row_rules(
            SALES,
            true,
            false,
            vec![attribute_rule(all(), "phone", "region")],
        ),
        "phone",
    );
}

#[test]
fn d2_rule_values_of_the_wrong_type_are_invalid() {
    let mut f = base();
    for (column, values) in [
        ("amount", json!([100, "200"])),
        ("region", json!([true])),
        ("vip", json!([1])),
        ("region", json!([null])),
        ("customer", json!([{"name": "ann"}])),
    ] {
        invalid_naming(
            &mut f,
            "bob",
            row_rules(SALES, true, false, vec![values_rule(all(), column, values)]),
            column,
        );
    }
}

#[test]
fn d2_rules_on_a_dataset_without_a_table_are_invalid() {
    let mut f = base();
    f.asset("bob", "bare", MAIN, Kind::Dataset);
    invalid_naming(
        &mut f,
        "bob",
        row_rules(
            "bare",
            true,
            false,
            vec![values_rule(all(), "region", json!(["east"]))],
        ),
        "bare",
    );
    f.asset("bob", "dash", MAIN, Kind::Dashboard);
    invalid_naming(
        &mut f,
        "bob",
        row_rules("dash", true, false, vec![]),
        "dash",
    );
}

#[test]
fn d2_rules_targeting_nobody_or_unknown_ids_are_refused() {
    let mut f = base();
    let r = f.refuse(
        "bob",
        row_rules(
            SALES,
            true,
            false,
            vec![values_rule(Audience::default(), "region", json!(["east"]))],
        ),
    );
    assert_eq!(r.code(), "invalid", "{r}");
    let r = f.refuse(
        "bob",
        row_rules(
            SALES,
            true,
            false,
            vec![values_rule(users(&["zed"]), "region", json!(["east"]))],
        ),
    );
    assert_eq!(r.code(), "not_found", "{r}");
    assert!(r.message().contains("`zed`"), "{r}");
    let r = f.refuse(
        "bob",
        row_rules(
            SALES,
            true,
            false,
            vec![values_rule(groups(&["ghosts"]), "region", json!(["east"]))],
        ),
    );
    assert_eq!(r.code(), "not_found", "{r}");
    assert!(r.message().contains("`ghosts`"), "{r}");
}

#[test]
fn d2_rebuilding_a_dataset_on_a_table_its_rules_do_not_fit_is_invalid() {
    let mut f = base();
    f.ok(ALICE, grant_table(MAIN, "people", None, None));
    f.ok(
        "bob",
        row_rules(
            SALES,
            true,
            false,
            vec![values_rule(all(), "region", json!(["east"]))],
        ),
    );
    // `people` has no `region`: the rules would read an unknown column.
    invalid_naming(&mut f, "bob", set_table(SALES, "people"), "region");
}

// ---------------------------------------------------------------------------------------------
// D3: column rules
// ---------------------------------------------------------------------------------------------

#[test]
fn d3_hide_removes_the_column_for_its_audience() {
    let mut f = base();
    f.ok(
        "bob",
        column_rules(SALES, vec![hide(users(&["carol"]), "email")]),
    );
    let s = scope(&f, "carol", SALES);
    assert_eq!(columns(&s), ["region", "amount", "vip", "customer"]);
    for r in s.apply(&orders()) {
        assert!(!r.contains_key("email"), "{r:?}");
        assert_eq!(r.len(), 4);
    }
    assert_eq!(compiled_rows(&s)[0].len(), 4);
    // Not in the audience: the column is there, in the clear.
    let s = scope(&f, "frank", SALES);
    assert_eq!(columns(&s), EVERY_COLUMN);
    assert_eq!(s.apply(&orders())[0]["email"], json!("a@x"));
}

#[test]
fn d3_mask_keeps_the_column_with_every_value_masked() {
    let mut f = base();
    f.ok("bob", column_rules(SALES, vec![mask(all(), "email")]));
    let s = scope(&f, "carol", SALES);
    assert_eq!(
        columns(&s),
        ["region", "amount", "vip", "email*", "customer"]
    );
    let seen = s.apply(&rows(json!([
        {"region": "east", "email": "a@x", "customer": "ann"},
        {"region": "east", "email": null, "customer": "ben"},
        {"region": "east", "email": 42, "customer": "cy"},
        {"region": "east", "customer": "di"}
    ])));
    assert_eq!(seen.len(), 4);
    for r in &seen {
        assert_eq!(r["email"], json!(MASK));
        assert_eq!(MASK, "***");
    }
    for r in compiled_rows(&s) {
        assert_eq!(r[3], json!("***"));
    }
}

#[test]
fn d3_hide_wins_over_mask() {
    let mut f = base();
    f.ok(ALICE, cmd::create_group("analysts", None));
    f.ok(ALICE, cmd::add_to_group("analysts", "carol"));
    f.ok(
        "bob",
        column_rules(
            SALES,
            vec![
                mask(all(), "email"),
                hide(groups(&["analysts"]), "email"),
                mask(users(&["carol"]), "customer"),
                hide(users(&["carol"]), "customer"),
            ],
        ),
    );
    assert_eq!(
        columns(&scope(&f, "carol", SALES)),
        ["region", "amount", "vip"]
    );
    assert_eq!(
        columns(&scope(&f, "frank", SALES)),
        ["region", "amount", "vip", "email*", "customer"]
    );
}

#[test]
fn d3_group_column_rules_reach_nested_groups() {
    let mut f = base();
    f.ok(ALICE, cmd::create_group("outside", None));
    f.ok(ALICE, cmd::create_group("temps", Some("outside")));
    f.ok(ALICE, cmd::add_to_group("temps", "frank"));
    f.ok(
        "bob",
        column_rules(SALES, vec![hide(groups(&["outside"]), "amount")]),
    );
    assert_eq!(
        columns(&scope(&f, "frank", SALES)),
        ["region", "vip", "email", "customer"]
    );
    assert_eq!(columns(&scope(&f, "carol", SALES)), EVERY_COLUMN);
}

#[test]
fn d3_columns_not_granted_are_never_shown() {
    let mut f = base();
    f.ok(
        ALICE,
        grant_table(MAIN, "orders", Some(&["region", "customer"]), None),
    );
    // A mask rule on an ungranted column does not bring it back.
    f.ok("bob", column_rules(SALES, vec![mask(all(), "email")]));
    assert_eq!(columns(&scope(&f, "carol", SALES)), ["region", "customer"]);
    // Nor does the exemption.
    f.ok("bob", row_rules(SALES, false, true, vec![]));
    assert_eq!(columns(&scope(&f, "bob", SALES)), ["region", "customer"]);
    for r in scope(&f, "bob", SALES).apply(&orders()) {
        assert_eq!(r.len(), 2, "{r:?}");
    }
}

#[test]
fn d3_owners_and_admins_are_not_exempt_by_default() {
    let mut f = base();
    f.ok(
        "bob",
        column_rules(SALES, vec![hide(all(), "email"), mask(all(), "amount")]),
    );
    for user in ["bob", "erin", ALICE] {
        assert_eq!(
            columns(&scope(&f, user, SALES)),
            ["region", "amount*", "vip", "customer"],
            "{user}"
        );
    }
}

#[test]
fn d3_only_owner_and_admins_configure_column_rules() {
    let mut f = base();
    f.member("gina", MAIN, &["developer"]);
    let rules = || column_rules(SALES, vec![hide(all(), "email")]);
    f.denied("carol", rules(), Rule::D3);
    f.denied("gina", rules(), Rule::D3);
    f.ok("bob", rules());
    f.ok("erin", rules());
    f.ok(ALICE, rules());
}

#[test]
fn d3_column_rule_on_an_unknown_column_is_invalid() {
    let mut f = base();
    invalid_naming(
        &mut f,
        "bob",
        column_rules(SALES, vec![hide(all(), "region"), mask(all(), "phone")]),
        "phone",
    );
    f.asset("bob", "bare", MAIN, Kind::Dataset);
    invalid_naming(
        &mut f,
        "bob",
        column_rules("bare", vec![hide(all(), "email")]),
        "bare",
    );
}

// ---------------------------------------------------------------------------------------------
// D4: the effective scope
// ---------------------------------------------------------------------------------------------

#[test]
fn d4_rows_are_the_grant_and_the_users_rules() {
    let mut f = base();
    f.ok(
        ALICE,
        grant_table(
            MAIN,
            "orders",
            None,
            Some(json!({"in": {"column": "region", "values": ["east", "west", "south"]}})),
        ),
    );
    f.ok(
        "bob",
        row_rules(
            SALES,
            true,
            false,
            vec![
                values_rule(users(&["carol"]), "amount", json!([100, 250])),
                attribute_rule(users(&["carol"]), "region", "region"),
            ],
        ),
    );
    let s = scope(&f, "carol", SALES);
    // {"all": [grant, {"any": [rules]}]}, flattened.
    assert_eq!(
        s.rows,
        pred(json!({"all": [
            {"in": {"column": "region", "values": ["east", "west", "south"]}},
            {"any": [
                {"in": {"column": "amount", "values": [100, 250]}},
                {"in": {"column": "region", "values": ["east"]}}
            ]}
        ]}))
    );
    // Row `cy` (north, 100) passes carol's amount rule but not the grant.
    assert_eq!(customers(&f, "carol"), ["ann", "ben", "di"]);
    // A user no rule targets: the grant AND nothing is nothing.
    assert_eq!(scope(&f, "frank", SALES).rows, Predicate::never());
    // Rules off: the grant alone.
    f.ok("bob", row_rules(SALES, false, false, vec![]));
    assert_eq!(customers(&f, "frank"), ["ann", "ben", "di", "ed"]);
}

#[test]
fn d4_columns_are_the_grant_minus_hidden_ones() {
    let mut f = base();
    f.ok(
        ALICE,
        grant_table(MAIN, "orders", Some(&["customer", "email", "region"]), None),
    );
    f.ok(
        "bob",
        column_rules(
            SALES,
            vec![
                hide(users(&["carol"]), "region"),
                mask(users(&["carol"]), "email"),
                hide(users(&["carol"]), "amount"),
            ],
        ),
    );
    let s = scope(&f, "carol", SALES);
    assert_eq!(columns(&s), ["email*", "customer"]);
    let seen = s.apply(&orders());
    assert_eq!(seen.len(), 5);
    assert_eq!(
        Value::Object(seen[1].clone()),
        json!({"email": "***", "customer": "ben"})
    );
    assert_eq!(compiled_rows(&s)[1], vec![json!("***"), json!("ben")]);
}

#[test]
fn d4_the_scope_needs_view_on_the_dataset() {
    let mut f = base();
    // A visitor views no dataset (R4).
    let r = scope_refusal(&f, "dave", SALES);
    is_denied_by(&r, Rule::R4);
    // Not a member of the organization.
    let r = scope_refusal(&f, "mallory", SALES);
    is_denied_by(&r, Rule::P1);
    // Private mode: an analyst sees only what is theirs, public or granted (W7).
    f.workspace("ops", Mode::Private);
    f.join("ops", "carol", &["analyst"]);
    f.join("ops", "bob", &["developer"]);
    f.ok(ALICE, grant_table("ops", "orders", None, None));
    f.asset("bob", "ops_set", "ops", Kind::Dataset);
    f.ok("bob", set_table("ops_set", "orders"));
    let r = scope_refusal(&f, "carol", "ops_set");
    is_denied_by(&r, Rule::W7);
    // frank is not in `ops` at all.
    let r = scope_refusal(&f, "frank", "ops_set");
    assert!(r.is_denied(), "{r}");
    f.ok(
        "bob",
        cmd::grant("ops_set", cmd::user("carol"), Level::View),
    );
    assert_eq!(columns(&scope(&f, "carol", "ops_set")), EVERY_COLUMN);
    // An expired grant gives nothing again.
    f.ok(
        "bob",
        cmd::grant_until("ops_set", cmd::user("carol"), Level::View, f.now + 10),
    );
    f.now += 11;
    let r = scope_refusal(&f, "carol", "ops_set");
    assert!(r.is_denied(), "{r}");
}

#[test]
fn d4_a_dataset_built_on_no_table_shows_nothing() {
    let mut f = base();
    f.asset("bob", "bare", MAIN, Kind::Dataset);
    let s = scope(&f, "carol", "bare");
    assert_eq!(s.table, None);
    assert!(s.columns.is_empty());
    assert_eq!(s.rows, Predicate::never());
    assert!(s.apply(&orders()).is_empty());
}

#[test]
fn d4_only_datasets_have_a_scope() {
    let mut f = base();
    f.asset("bob", "dash", MAIN, Kind::Dashboard);
    let r = scope_refusal(&f, "carol", "dash");
    assert_eq!(r.code(), "invalid", "{r}");
    assert!(r.message().contains("`dash`"), "{r}");
    let r = scope_refusal(&f, "carol", "nope");
    assert_eq!(r.code(), "not_found", "{r}");
}

#[test]
fn d4_rules_and_grant_together_through_both_paths() {
    let mut f = base();
    f.ok(ALICE, cmd::create_group("east_team", None));
    f.ok(ALICE, cmd::add_to_group("east_team", "frank"));
    f.ok(
        ALICE,
        grant_table(
            MAIN,
            "orders",
            Some(&["region", "amount", "email", "customer"]),
            Some(json!({"any": [
                {"in": {"column": "vip", "values": [false]}},
                {"in": {"column": "amount", "values": [3]}}
            ]})),
        ),
    );
    f.ok(
        "bob",
        row_rules(
            SALES,
            true,
            false,
            vec![
                values_rule(groups(&["east_team"]), "region", json!(["east", "south"])),
                attribute_rule(users(&["carol"]), "region", "region"),
            ],
        ),
    );
    f.ok(
        "bob",
        column_rules(
            SALES,
            vec![mask(groups(&["east_team"]), "email"), hide(all(), "amount")],
        ),
    );
    // frank: (not vip or amount 3) and region in east/south.
    assert_eq!(customers(&f, "frank"), ["di", "ed"]);
    assert_eq!(
        columns(&scope(&f, "frank", SALES)),
        ["region", "email*", "customer"]
    );
    // carol: (not vip or amount 3) and region east.
    assert_eq!(customers(&f, "carol"), ["di"]);
    assert_eq!(
        columns(&scope(&f, "carol", SALES)),
        ["region", "email", "customer"]
    );
}

#[test]
fn d4_queries_change_nothing() {
    let mut f = base();
    f.ok(
        "bob",
        row_rules(
            SALES,
            true,
            false,
            vec![values_rule(all(), "vip", json!([true]))],
        ),
    );
    let before = f.engine.to_json();
    let _ = scope(&f, "carol", SALES);
    let _ = scope_refusal(&f, "dave", SALES);
    assert_eq!(f.engine.to_json(), before);
}

#[test]
fn d2_the_exemption_follows_ownership() {
    let mut f = base();
    f.member("gina", MAIN, &["developer"]);
    f.ok(
        "bob",
        row_rules(
            SALES,
            true,
            true,
            vec![values_rule(all(), "vip", json!([true]))],
        ),
    );
    assert_eq!(customers(&f, "bob"), EVERY_CUSTOMER);
    assert_eq!(customers(&f, "gina"), ["ann", "ed"]);
    f.ok("bob", cmd::transfer(SALES, "gina"));
    // The previous owner keeps no special right (A6); the new one is exempt.
    assert_eq!(customers(&f, "bob"), ["ann", "ed"]);
    assert_eq!(customers(&f, "gina"), EVERY_CUSTOMER);
}

#[test]
fn d4_org_admins_outside_the_workspace_get_the_scope_and_permission_admins_do_not() {
    let mut f = base();
    f.org_member("oscar", &["org_admin"]);
    f.org_member("perm", &["permission_admin"]);
    f.ok(
        "bob",
        row_rules(
            SALES,
            true,
            true,
            vec![values_rule(all(), "vip", json!([true]))],
        ),
    );
    // O6: an org admin holds every permission in every workspace, and the exemption covers
    // them (D2).
    assert_eq!(customers(&f, "oscar"), EVERY_CUSTOMER);
    // Decisions: permission admins "see nothing through" central authorization.
    let r = scope_refusal(&f, "perm", SALES);
    assert!(r.is_denied(), "{r}");
}

#[test]
fn d4_data_permissions_survive_a_snapshot_round_trip() {
    let mut f = base();
    f.ok(ALICE, cmd::create_group("east_team", None));
    f.ok(ALICE, cmd::add_to_group("east_team", "frank"));
    f.ok(
        ALICE,
        grant_table(
            MAIN,
            "orders",
            Some(&["region", "amount", "email", "customer"]),
            Some(json!({"in": {"column": "vip", "values": [false]}})),
        ),
    );
    f.ok(
        "bob",
        row_rules(
            SALES,
            true,
            false,
            vec![
                values_rule(groups(&["east_team"]), "region", json!(["east"])),
                attribute_rule(users(&["carol"]), "region", "region"),
            ],
        ),
    );
    f.ok("bob", column_rules(SALES, vec![mask(all(), "email")]));
    let json = f.engine.to_json();
    let reloaded = orgspace_core::Engine::from_json(&json).unwrap();
    assert_eq!(reloaded.to_json(), json);
    for user in ["carol", "frank", "bob", ALICE, "erin"] {
        assert_eq!(
            reloaded.data_scope(user, SALES, f.now).unwrap(),
            scope(&f, user, SALES),
            "{user}"
        );
    }
}

#[test]
fn d2_numbers_match_by_exact_numeric_value() {
    // docs/conformance.md: "A value matches only a value of the same JSON type (numbers by
    // numeric value)". Two different integers are different values, however large.
    let mut f = base();
    f.ok(
        "bob",
        row_rules(
            SALES,
            true,
            false,
            vec![values_rule(
                all(),
                "amount",
                json!([18_446_744_073_709_551_615_u64, 9_007_199_254_740_993_i64]),
            )],
        ),
    );
    let s = scope(&f, "carol", SALES);
    let seen = s.apply(&rows(json!([
        {"customer": "max", "amount": 18_446_744_073_709_551_615_u64},
        {"customer": "max-1", "amount": 18_446_744_073_709_551_614_u64},
        {"customer": "2^53+1", "amount": 9_007_199_254_740_993_i64},
        {"customer": "2^53", "amount": 9_007_199_254_740_992_i64},
        {"customer": "2^53 as float", "amount": 9_007_199_254_740_992.0}
    ])));
    let names: Vec<&Value> = seen.iter().map(|r| &r["customer"]).collect();
    assert_eq!(names, [&json!("max"), &json!("2^53+1")]);
}

#[test]
fn d1_order_of_checks_permission_before_ids_for_org_commands() {
    // decisions.md, Refusals: organization-level commands check the caller's organization
    // permission first (a caller without it learns nothing about ids); commands on an asset
    // resolve the asset first, then authorize, then validate the rest of the input.
    let mut f = base();
    let cases: Vec<(&str, &str, Command, &str)> = vec![
        (
            "grant_table to an unknown workspace",
            "erin",
            grant_table("nowhere", "orders", None, None),
            "denied",
        ),
        (
            "grant_table of an unknown data source",
            "erin",
            Command::GrantTable {
                workspace: MAIN.into(),
                source: "nope".into(),
                table: "orders".into(),
                columns: None,
                rows: None,
            },
            "denied",
        ),
        (
            "revoke_table in an unknown workspace",
            "erin",
            revoke_table("nowhere", "orders"),
            "denied",
        ),
        (
            "delete_data_source of an unknown data source",
            "erin",
            Command::DeleteDataSource {
                source: "nope".into(),
            },
            "denied",
        ),
        (
            "set_row_rules on an unknown dataset",
            "carol",
            row_rules("nope", true, false, vec![]),
            "not_found",
        ),
        (
            "set_column_rules on an unknown dataset",
            "carol",
            column_rules("nope", vec![]),
            "not_found",
        ),
        (
            "set_dataset_table with an unknown data source",
            "carol",
            Command::SetDatasetTable {
                asset: SALES.into(),
                source: "nope".into(),
                table: "orders".into(),
            },
            "denied",
        ),
        (
            "set_row_rules targeting an unknown user",
            "carol",
            row_rules(
                SALES,
                true,
                false,
                vec![values_rule(users(&["zed"]), "region", json!(["east"]))],
            ),
            "denied",
        ),
        (
            "set_column_rules targeting an unknown group",
            "carol",
            column_rules(SALES, vec![hide(groups(&["ghosts"]), "email")]),
            "denied",
        ),
    ];
    let mut wrong = Vec::new();
    for (what, actor, command, code) in cases {
        let r = f.refuse(actor, command);
        if r.code() != code {
            wrong.push(format!(
                "{what} as `{actor}`: expected {code}, got {} ({r})",
                r.code()
            ));
        }
    }
    // The org admin, who holds every permission, learns that the ids do not exist.
    for command in [
        grant_table("nowhere", "orders", None, None),
        revoke_table("nowhere", "orders"),
        Command::DeleteDataSource {
            source: "nope".into(),
        },
        Command::SetDatasetTable {
            asset: SALES.into(),
            source: "nope".into(),
            table: "orders".into(),
        },
        row_rules(
            SALES,
            true,
            false,
            vec![values_rule(users(&["zed"]), "region", json!(["east"]))],
        ),
        column_rules(SALES, vec![hide(groups(&["ghosts"]), "email")]),
    ] {
        let r = f.refuse(ALICE, command);
        if r.code() != "not_found" {
            wrong.push(format!(
                "as the org admin: expected not_found, got {} ({r})",
                r.code()
            ));
        }
    }
    assert!(wrong.is_empty(), "\n{}", wrong.join("\n"));
}

#[test]
fn d2_workspace_admins_configure_rules_only_in_their_workspace() {
    let mut f = base();
    f.workspace("ops", Mode::Collaboration);
    f.join("ops", "bob", &["developer"]);
    f.join("ops", "erin", &["analyst"]);
    f.ok(ALICE, grant_table("ops", "orders", None, None));
    f.asset("bob", "ops_set", "ops", Kind::Dataset);
    f.ok("bob", set_table("ops_set", "orders"));
    // erin administers `main`, not `ops`.
    f.denied("erin", row_rules("ops_set", true, false, vec![]), Rule::D2);
    f.denied(
        "erin",
        column_rules("ops_set", vec![hide(all(), "email")]),
        Rule::D3,
    );
    f.ok(ALICE, row_rules("ops_set", true, false, vec![]));
}

/// X3 (issue 16): a holder of `manage_user_groups` who is not the dataset's rule admin does not
/// change who a group with row or column rules reaches: joining would give rows, leaving (or
/// deleting the group) would lift a hidden column. Once no rule targets the group, both are his.
#[test]
fn x3_a_group_manager_does_not_move_members_across_a_groups_data_rules() {
    let mut f = base();
    f.ok(
        ALICE,
        Command::DefineOrgRole {
            role: "groups".into(),
            name: "Groups".into(),
            points: vec![OrgPoint::ManageUserGroups],
        },
    );
    f.org_member("gil", &["groups"]);
    f.ok("gil", cmd::create_group("east_team", None));
    f.ok("gil", cmd::add_to_group("east_team", "frank"));
    f.ok(
        "bob",
        row_rules(
            SALES,
            true,
            false,
            vec![values_rule(
                groups(&["east_team"]),
                "region",
                json!(["east"]),
            )],
        ),
    );
    f.ok(
        "bob",
        column_rules(SALES, vec![hide(groups(&["east_team"]), "email")]),
    );
    f.denied("gil", cmd::add_to_group("east_team", "dave"), Rule::X3);
    let leave = Command::RemoveGroupMember {
        group: "east_team".into(),
        user: "frank".into(),
    };
    f.denied("gil", leave.clone(), Rule::X3);
    f.denied(
        "gil",
        Command::DeleteGroup {
            group: "east_team".into(),
        },
        Rule::X3,
    );
    // The dataset's owner and org admins configure those rules (D2, D3): nothing changed.
    assert!(!columns(&scope(&f, "frank", SALES)).contains(&"email".to_string()));
    f.ok("bob", column_rules(SALES, vec![]));
    f.ok("bob", row_rules(SALES, false, false, vec![]));
    f.ok("gil", cmd::add_to_group("east_team", "dave"));
    f.ok("gil", leave);
}
