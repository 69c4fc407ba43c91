//! D1-D4 as a property: for random tables, table grants, row and column rules, users and
//! rows, the engine's data scope (the object path `DataScope::apply` and the compiled path
//! `CompiledScope::apply_row`) agrees with a reference evaluation written straight from the
//! rules:
//!
//! - a row is in iff the workspace's grant row filter holds (D1) and row rules are off, or the
//!   user is exempt, or some rule targeting the user allows the row's value (D2: OR, fail
//!   closed), a value matching only a value of the same JSON type (numbers by value) and a
//!   missing or null cell matching nothing (docs/conformance.md);
//! - the columns are the granted ones in table order minus those a rule hides from the user;
//!   masked ones show `"***"`; hide wins (D3, D4);
//! - only users who may view the dataset get a scope (D4), and a revoked table shows nothing.
//!
//! The state is built only through commands. `ORGSPACE_DATA_CASES` sets the number of cases
//! (256 by default).

#![allow(
    clippy::panic,
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::indexing_slicing,
    reason = "test helpers and the reference model fail the test that calls them, on purpose"
)]

use orgspace_core::data::{
    Allow, Audience, ColumnAction, ColumnDef, ColumnRule, ColumnType, DataScope, Predicate,
    RowRule, TableDef,
};
use orgspace_core::{Command, Engine, Kind, Mode};
use proptest::prelude::*;
use proptest::sample::Index;
use serde_json::{Map, Value, json};
use std::collections::{BTreeMap, BTreeSet};

const ADMIN: &str = "alice";
const WS: &str = "main";
const SOURCE: &str = "src";
const TABLE: &str = "t";
const DATASET: &str = "ds";
const AT: u64 = 1_700_000_000_000;
/// A column of no table, present in some rows.
const EXTRA: &str = "zz_extra";
const MAX_COLUMNS: usize = 8;

const ATTRIBUTES: [&str; 4] = ["region", "level", "flag", "unset"];
/// Attribute values: strings that are also numbers or booleans, to catch type confusion.
const ATTRIBUTE_VALUES: [&str; 9] = [
    "east", "west", "north", "1", "2", "2.5", "1.0", "true", "false",
];

fn strings_domain() -> Vec<Value> {
    vec![
        json!("east"),
        json!("west"),
        json!("north"),
        json!("1"),
        json!("true"),
    ]
}

fn numbers_domain() -> Vec<Value> {
    vec![
        json!(1),
        json!(2),
        json!(3),
        json!(2.5),
        json!(1.0),
        json!(100),
    ]
}

fn bools_domain() -> Vec<Value> {
    vec![json!(true), json!(false)]
}

fn domain(ty: ColumnType) -> Vec<Value> {
    match ty {
        ColumnType::String => strings_domain(),
        ColumnType::Number => numbers_domain(),
        ColumnType::Boolean => bools_domain(),
    }
}

fn pick(values: &[Value], seed: u8) -> Value {
    values[usize::from(seed) % values.len()].clone()
}

// ---------------------------------------------------------------------------------------------
// Generated input, with indices resolved against the generated sizes
// ---------------------------------------------------------------------------------------------

#[derive(Clone, Debug)]
enum RawPred {
    All(Vec<RawPred>),
    Any(Vec<RawPred>),
    In(Index, Vec<u8>),
}

#[derive(Clone, Debug)]
struct RawTargets {
    all: bool,
    users: Vec<Index>,
    groups: Vec<Index>,
}

#[derive(Clone, Debug)]
enum RawAllow {
    Values(Vec<u8>),
    Attribute(usize),
}

#[derive(Clone, Debug)]
struct RawRowRule {
    targets: RawTargets,
    column: Index,
    allow: RawAllow,
}

#[derive(Clone, Debug)]
struct RawColumnRule {
    targets: RawTargets,
    column: Index,
    hide: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Role {
    Admin,
    Developer,
    Analyst,
    Visitor,
}

impl Role {
    fn id(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Developer => "developer",
            Role::Analyst => "analyst",
            Role::Visitor => "visitor",
        }
    }
}

#[derive(Clone, Debug)]
struct RawUser {
    role: Role,
    org_admin: bool,
    attributes: BTreeMap<usize, Vec<usize>>,
    groups: Vec<Index>,
}

#[derive(Clone, Debug)]
enum RawCell {
    Missing,
    Null,
    Valid(u8),
    WrongType(u8),
}

#[derive(Clone, Debug)]
struct RawRow {
    cells: Vec<RawCell>,
    extra: Option<u8>,
    /// For the columnar form: keep only this many cells (the rest are missing).
    truncate: Option<Index>,
}

#[derive(Clone, Debug)]
struct Raw {
    column_types: Vec<ColumnType>,
    group_parents: Vec<Option<Index>>,
    users: Vec<RawUser>,
    owner: Index,
    grant_columns: Option<Vec<Index>>,
    grant_rows: Option<RawPred>,
    rules_enabled: bool,
    exempt: bool,
    row_rules: Vec<RawRowRule>,
    column_rules: Vec<RawColumnRule>,
    revoked: bool,
    rows: Vec<RawRow>,
    header: Vec<usize>,
    header_extra: bool,
}

fn column_types() -> impl Strategy<Value = Vec<ColumnType>> {
    (1usize..=3, 1usize..=3, 1usize..=2).prop_flat_map(|(s, n, b)| {
        let mut v = Vec::new();
        v.extend(std::iter::repeat_n(ColumnType::String, s));
        v.extend(std::iter::repeat_n(ColumnType::Number, n));
        v.extend(std::iter::repeat_n(ColumnType::Boolean, b));
        Just(v).prop_shuffle()
    })
}

fn raw_pred() -> impl Strategy<Value = RawPred> {
    let leaf = (any::<Index>(), prop::collection::vec(any::<u8>(), 0..4))
        .prop_map(|(c, v)| RawPred::In(c, v));
    leaf.prop_recursive(3, 12, 3, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(RawPred::All),
            prop::collection::vec(inner, 0..4).prop_map(RawPred::Any),
        ]
    })
}

fn raw_targets() -> impl Strategy<Value = RawTargets> {
    (
        prop::bool::weighted(0.25),
        prop::collection::vec(any::<Index>(), 0..3),
        prop::collection::vec(any::<Index>(), 0..3),
    )
        .prop_map(|(all, users, groups)| RawTargets { all, users, groups })
}

fn raw_allow() -> impl Strategy<Value = RawAllow> {
    prop_oneof![
        3 => prop::collection::vec(any::<u8>(), 0..4).prop_map(RawAllow::Values),
        2 => (0..ATTRIBUTES.len()).prop_map(RawAllow::Attribute),
    ]
}

fn raw_user() -> impl Strategy<Value = RawUser> {
    (
        prop_oneof![
            Just(Role::Admin),
            Just(Role::Developer),
            Just(Role::Analyst),
            Just(Role::Analyst),
            Just(Role::Visitor),
        ],
        prop::bool::weighted(0.1),
        prop::collection::btree_map(
            0..ATTRIBUTES.len(),
            prop::collection::vec(0..ATTRIBUTE_VALUES.len(), 1..3),
            0..3,
        ),
        prop::collection::vec(any::<Index>(), 0..3),
    )
        .prop_map(|(role, org_admin, attributes, groups)| RawUser {
            role,
            org_admin,
            attributes,
            groups,
        })
}

fn raw_cell() -> impl Strategy<Value = RawCell> {
    prop_oneof![
        6 => any::<u8>().prop_map(RawCell::Valid),
        1 => Just(RawCell::Missing),
        1 => Just(RawCell::Null),
        2 => any::<u8>().prop_map(RawCell::WrongType),
    ]
}

fn raw_row() -> impl Strategy<Value = RawRow> {
    (
        prop::collection::vec(raw_cell(), MAX_COLUMNS),
        prop::option::weighted(0.3, any::<u8>()),
        prop::option::weighted(0.15, any::<Index>()),
    )
        .prop_map(|(cells, extra, truncate)| RawRow {
            cells,
            extra,
            truncate,
        })
}

fn raw() -> impl Strategy<Value = Raw> {
    let shape = (
        column_types(),
        prop::collection::vec(prop::option::weighted(0.7, any::<Index>()), 0..5),
        prop::collection::vec(raw_user(), 1..7),
        any::<Index>(),
    );
    let grant = (
        prop::option::weighted(0.5, prop::collection::vec(any::<Index>(), 0..6)),
        prop::option::weighted(0.6, raw_pred()),
        prop::bool::weighted(0.05),
    );
    let rules = (
        prop::bool::weighted(0.8),
        prop::bool::weighted(0.3),
        prop::collection::vec(
            (raw_targets(), any::<Index>(), raw_allow()).prop_map(|(targets, column, allow)| {
                RawRowRule {
                    targets,
                    column,
                    allow,
                }
            }),
            0..5,
        ),
        prop::collection::vec(
            (raw_targets(), any::<Index>(), any::<bool>()).prop_map(|(targets, column, hide)| {
                RawColumnRule {
                    targets,
                    column,
                    hide,
                }
            }),
            0..5,
        ),
    );
    let data = (
        prop::collection::vec(raw_row(), 0..24),
        Just((0..=MAX_COLUMNS).collect::<Vec<usize>>()).prop_shuffle(),
        any::<bool>(),
    );
    (shape, grant, rules, data).prop_map(
        |(
            (column_types, group_parents, users, owner),
            (grant_columns, grant_rows, revoked),
            (rules_enabled, exempt, row_rules, column_rules),
            (rows, header, header_extra),
        )| Raw {
            column_types,
            group_parents,
            users,
            owner,
            grant_columns,
            grant_rows,
            rules_enabled,
            exempt,
            row_rules,
            column_rules,
            revoked,
            rows,
            header,
            header_extra,
        },
    )
}

// ---------------------------------------------------------------------------------------------
// The resolved case
// ---------------------------------------------------------------------------------------------

#[derive(Clone, Debug)]
enum Pred {
    All(Vec<Pred>),
    Any(Vec<Pred>),
    In(usize, Vec<Value>),
}

#[derive(Clone, Debug)]
struct Targets {
    all: bool,
    users: Vec<usize>,
    groups: Vec<usize>,
}

#[derive(Clone, Debug)]
enum AllowRef {
    Values(Vec<Value>),
    Attribute(String),
}

#[derive(Clone, Debug)]
struct Person {
    id: String,
    role: Role,
    org_admin: bool,
    attributes: BTreeMap<String, Vec<String>>,
    groups: Vec<usize>,
}

#[derive(Clone, Debug)]
struct Case {
    columns: Vec<(String, ColumnType)>,
    group_parents: Vec<Option<usize>>,
    /// `alice` (org admin, admin of `main`) first, then the generated users.
    people: Vec<Person>,
    owner: usize,
    grant_columns: Option<Vec<usize>>,
    grant_rows: Option<Pred>,
    rules_enabled: bool,
    exempt: bool,
    row_rules: Vec<(Targets, usize, AllowRef)>,
    column_rules: Vec<(Targets, usize, bool)>,
    revoked: bool,
    /// Rows as column-named objects (missing cells absent).
    objects: Vec<Map<String, Value>>,
    /// The header of the columnar form and its rows.
    header: Vec<String>,
    arrays: Vec<Vec<Value>>,
}

fn resolve_pred(p: &RawPred, columns: &[(String, ColumnType)]) -> Pred {
    match p {
        RawPred::All(parts) => Pred::All(parts.iter().map(|x| resolve_pred(x, columns)).collect()),
        RawPred::Any(parts) => Pred::Any(parts.iter().map(|x| resolve_pred(x, columns)).collect()),
        RawPred::In(c, seeds) => {
            let at = c.index(columns.len());
            let d = domain(columns[at].1);
            Pred::In(at, seeds.iter().map(|s| pick(&d, *s)).collect())
        }
    }
}

fn resolve_targets(t: &RawTargets, people: usize, groups: usize) -> Targets {
    let mut users: Vec<usize> = t.users.iter().map(|i| i.index(people)).collect();
    users.sort_unstable();
    users.dedup();
    let mut gs: Vec<usize> = if groups == 0 {
        Vec::new()
    } else {
        t.groups.iter().map(|i| i.index(groups)).collect()
    };
    gs.sort_unstable();
    gs.dedup();
    Targets {
        // A rule must target somebody: with no user and no group, everyone.
        all: t.all || (users.is_empty() && gs.is_empty()),
        users,
        groups: gs,
    }
}

fn wrong_value(ty: ColumnType, seed: u8) -> Value {
    let wrong: Vec<Value> = match ty {
        ColumnType::String => vec![json!(1), json!(true), json!(["east"]), json!({"v": "east"})],
        ColumnType::Number => vec![json!("1"), json!("2.5"), json!(true), json!([1])],
        ColumnType::Boolean => vec![json!("true"), json!(1), json!(0), json!({"b": true})],
    };
    pick(&wrong, seed)
}

fn resolve(raw: &Raw) -> Case {
    let mut counts = BTreeMap::new();
    let columns: Vec<(String, ColumnType)> = raw
        .column_types
        .iter()
        .map(|ty| {
            let n = counts.entry(*ty).or_insert(0usize);
            let prefix = match ty {
                ColumnType::String => "s",
                ColumnType::Number => "n",
                ColumnType::Boolean => "b",
            };
            let name = format!("{prefix}{n}");
            *n += 1;
            (name, *ty)
        })
        .collect();
    let group_parents: Vec<Option<usize>> = raw
        .group_parents
        .iter()
        .enumerate()
        .map(|(i, p)| if i == 0 { None } else { p.map(|p| p.index(i)) })
        .collect();
    let mut people = vec![Person {
        id: ADMIN.into(),
        role: Role::Admin,
        org_admin: true,
        attributes: BTreeMap::new(),
        groups: Vec::new(),
    }];
    for (i, u) in raw.users.iter().enumerate() {
        let mut groups: Vec<usize> = if group_parents.is_empty() {
            Vec::new()
        } else {
            u.groups
                .iter()
                .map(|g| g.index(group_parents.len()))
                .collect()
        };
        groups.sort_unstable();
        groups.dedup();
        people.push(Person {
            id: format!("u{i}"),
            role: u.role,
            org_admin: u.org_admin,
            attributes: u
                .attributes
                .iter()
                .map(|(k, vs)| {
                    (
                        ATTRIBUTES[*k].to_string(),
                        vs.iter()
                            .map(|v| ATTRIBUTE_VALUES[*v].to_string())
                            .collect(),
                    )
                })
                .collect(),
            groups,
        });
    }
    // The dataset's owner: someone who may create datasets in `main`.
    let creators: Vec<usize> = people
        .iter()
        .enumerate()
        .filter(|(_, p)| p.org_admin || matches!(p.role, Role::Admin | Role::Developer))
        .map(|(i, _)| i)
        .collect();
    let owner = creators[raw.owner.index(creators.len())];
    let n = columns.len();
    let row_rules = raw
        .row_rules
        .iter()
        .map(|r| {
            let at = r.column.index(n);
            let allow = match &r.allow {
                RawAllow::Values(seeds) => {
                    let d = domain(columns[at].1);
                    AllowRef::Values(seeds.iter().map(|s| pick(&d, *s)).collect())
                }
                RawAllow::Attribute(a) => AllowRef::Attribute(ATTRIBUTES[*a].into()),
            };
            (
                resolve_targets(&r.targets, people.len(), group_parents.len()),
                at,
                allow,
            )
        })
        .collect();
    let column_rules = raw
        .column_rules
        .iter()
        .map(|r| {
            (
                resolve_targets(&r.targets, people.len(), group_parents.len()),
                r.column.index(n),
                r.hide,
            )
        })
        .collect();

    let mut header: Vec<String> = raw
        .header
        .iter()
        .filter(|i| **i < n)
        .map(|i| columns[*i].0.clone())
        .collect();
    if raw.header_extra {
        header.push(EXTRA.into());
    }
    let mut objects = Vec::new();
    let mut arrays = Vec::new();
    for r in &raw.rows {
        let mut object = Map::new();
        for (i, (name, ty)) in columns.iter().enumerate() {
            let cell = match r.cells[i] {
                RawCell::Missing => None,
                RawCell::Null => Some(Value::Null),
                RawCell::Valid(s) => Some(pick(&domain(*ty), s)),
                RawCell::WrongType(s) => Some(wrong_value(*ty, s)),
            };
            if let Some(v) = cell {
                object.insert(name.clone(), v);
            }
        }
        if let Some(s) = r.extra {
            object.insert(EXTRA.into(), pick(&strings_domain(), s));
        }
        let mut array: Vec<Value> = header
            .iter()
            .map(|h| object.get(h).cloned().unwrap_or(Value::Null))
            .collect();
        if let Some(t) = r.truncate {
            array.truncate(t.index(header.len() + 1));
        }
        objects.push(object);
        arrays.push(array);
    }
    Case {
        grant_columns: raw.grant_columns.as_ref().map(|cs| {
            let mut v: Vec<usize> = cs.iter().map(|c| c.index(n)).collect();
            v.sort_unstable();
            v.dedup();
            v
        }),
        grant_rows: raw.grant_rows.as_ref().map(|p| resolve_pred(p, &columns)),
        columns,
        group_parents,
        people,
        owner,
        rules_enabled: raw.rules_enabled,
        exempt: raw.exempt,
        row_rules,
        column_rules,
        revoked: raw.revoked,
        objects,
        header,
        arrays,
    }
}

// ---------------------------------------------------------------------------------------------
// The engine, through commands
// ---------------------------------------------------------------------------------------------

fn group_id(g: usize) -> String {
    format!("g{g}")
}

fn to_predicate(p: &Pred, columns: &[(String, ColumnType)]) -> Predicate {
    match p {
        Pred::All(parts) => {
            Predicate::All(parts.iter().map(|x| to_predicate(x, columns)).collect())
        }
        Pred::Any(parts) => {
            Predicate::Any(parts.iter().map(|x| to_predicate(x, columns)).collect())
        }
        Pred::In(c, values) => Predicate::In {
            column: columns[*c].0.clone(),
            values: values.clone(),
        },
    }
}

fn to_audience(t: &Targets, case: &Case) -> Audience {
    Audience {
        all: t.all,
        users: t.users.iter().map(|u| case.people[*u].id.clone()).collect(),
        groups: t.groups.iter().map(|g| group_id(*g)).collect(),
    }
}

fn commands(case: &Case) -> Vec<(String, Command)> {
    let admin = || ADMIN.to_string();
    let mut out = vec![(
        admin(),
        Command::CreateOrg {
            org: "acme".into(),
            name: "Acme".into(),
            default_workspace: WS.into(),
            default_workspace_name: None,
            mode: Some(Mode::Collaboration),
        },
    )];
    for (g, parent) in case.group_parents.iter().enumerate() {
        out.push((
            admin(),
            Command::CreateGroup {
                group: group_id(g),
                name: format!("Group {g}"),
                parent: parent.map(group_id),
            },
        ));
    }
    for p in case.people.iter().skip(1) {
        out.push((
            admin(),
            Command::AddMember {
                user: p.id.clone(),
                org_roles: if p.org_admin {
                    vec!["org_admin".into()]
                } else {
                    vec![]
                },
                workspace: Some(WS.into()),
                workspace_roles: vec![p.role.id().into()],
                attributes: p.attributes.clone(),
            },
        ));
        for g in &p.groups {
            out.push((
                admin(),
                Command::AddGroupMember {
                    group: group_id(*g),
                    user: p.id.clone(),
                },
            ));
        }
    }
    out.push((
        admin(),
        Command::CreateDataSource {
            source: SOURCE.into(),
            name: "Source".into(),
            tables: vec![TableDef {
                name: TABLE.into(),
                columns: case
                    .columns
                    .iter()
                    .map(|(name, ty)| ColumnDef {
                        name: name.clone(),
                        ty: *ty,
                    })
                    .collect(),
            }],
        },
    ));
    out.push((
        admin(),
        Command::GrantTable {
            workspace: WS.into(),
            source: SOURCE.into(),
            table: TABLE.into(),
            columns: case
                .grant_columns
                .as_ref()
                .map(|cs| cs.iter().map(|c| case.columns[*c].0.clone()).collect()),
            rows: case
                .grant_rows
                .as_ref()
                .map(|p| to_predicate(p, &case.columns)),
        },
    ));
    let owner = case.people[case.owner].id.clone();
    out.push((
        owner.clone(),
        Command::CreateAsset {
            asset: DATASET.into(),
            workspace: WS.into(),
            kind: Kind::Dataset,
            name: "Dataset".into(),
            folder: None,
            references: vec![],
        },
    ));
    out.push((
        owner,
        Command::SetDatasetTable {
            asset: DATASET.into(),
            source: SOURCE.into(),
            table: TABLE.into(),
        },
    ));
    out.push((
        admin(),
        Command::SetRowRules {
            asset: DATASET.into(),
            enabled: case.rules_enabled,
            exempt_owner_and_admins: case.exempt,
            rules: case
                .row_rules
                .iter()
                .map(|(t, c, allow)| RowRule {
                    targets: to_audience(t, case),
                    column: case.columns[*c].0.clone(),
                    allow: match allow {
                        AllowRef::Values(v) => Allow::Values(v.clone()),
                        AllowRef::Attribute(a) => Allow::Attribute(a.clone()),
                    },
                })
                .collect(),
        },
    ));
    out.push((
        admin(),
        Command::SetColumnRules {
            asset: DATASET.into(),
            rules: case
                .column_rules
                .iter()
                .map(|(t, c, hide)| ColumnRule {
                    targets: to_audience(t, case),
                    column: case.columns[*c].0.clone(),
                    action: if *hide {
                        ColumnAction::Hide
                    } else {
                        ColumnAction::Mask
                    },
                })
                .collect(),
        },
    ));
    if case.revoked {
        out.push((
            admin(),
            Command::RevokeTable {
                workspace: WS.into(),
                source: SOURCE.into(),
                table: TABLE.into(),
            },
        ));
    }
    out
}

// ---------------------------------------------------------------------------------------------
// The reference, straight from the rules
// ---------------------------------------------------------------------------------------------

/// Same JSON type, numbers by value (the domains hold small numbers, exact as f64).
fn same_value(allowed: &Value, cell: &Value) -> bool {
    match (allowed, cell) {
        (Value::String(a), Value::String(b)) => a == b,
        (Value::Bool(a), Value::Bool(b)) => a == b,
        (Value::Number(a), Value::Number(b)) => a.as_f64() == b.as_f64(),
        _ => false,
    }
}

fn holds(p: &Pred, cell: &dyn Fn(usize) -> Option<Value>) -> bool {
    match p {
        Pred::All(parts) => parts.iter().all(|x| holds(x, cell)),
        Pred::Any(parts) => parts.iter().any(|x| holds(x, cell)),
        Pred::In(c, values) => {
            cell(*c).is_some_and(|v| values.iter().any(|allowed| same_value(allowed, &v)))
        }
    }
}

/// P2: the user is in the group or in a group nested (at any depth) inside it.
fn in_group(case: &Case, person: usize, group: usize) -> bool {
    case.people[person].groups.iter().any(|&direct| {
        let mut at = Some(direct);
        while let Some(g) = at {
            if g == group {
                return true;
            }
            at = case.group_parents[g];
        }
        false
    })
}

fn targets(case: &Case, t: &Targets, person: usize) -> bool {
    t.all || t.users.contains(&person) || t.groups.iter().any(|g| in_group(case, person, *g))
}

/// A user's attribute values converted to a column's type; those that do not convert are
/// dropped.
fn attribute_values(case: &Case, person: usize, name: &str, ty: ColumnType) -> Vec<Value> {
    let values = case.people[person]
        .attributes
        .get(name)
        .cloned()
        .unwrap_or_default();
    values
        .iter()
        .filter_map(|v| match ty {
            ColumnType::String => Some(json!(v)),
            ColumnType::Number => v.parse::<f64>().ok().map(|x| json!(x)),
            ColumnType::Boolean => match v.as_str() {
                "true" => Some(json!(true)),
                "false" => Some(json!(false)),
                _ => None,
            },
        })
        .collect()
}

/// What the reference says a user gets: `None` if they may not view the dataset, else the
/// columns (name, masked) and a row function.
struct Expected {
    columns: Vec<(String, bool, usize)>,
    exempt: bool,
}

fn may_view(case: &Case, person: usize) -> bool {
    let p = &case.people[person];
    // D4 needs view: org admins (O6) and admins, developers, analysts in a collaboration
    // workspace (R1-R3); visitors view no dataset (R4).
    p.org_admin || p.role != Role::Visitor
}

fn expected(case: &Case, person: usize) -> Option<Expected> {
    if !may_view(case, person) {
        return None;
    }
    let p = &case.people[person];
    let exempt = case.exempt && (person == case.owner || p.org_admin || p.role == Role::Admin);
    let mut columns = Vec::new();
    if !case.revoked {
        for (i, (name, _)) in case.columns.iter().enumerate() {
            if case.grant_columns.as_ref().is_some_and(|g| !g.contains(&i)) {
                continue;
            }
            let mut hidden = false;
            let mut masked = false;
            if !exempt {
                for (t, c, hide) in &case.column_rules {
                    if *c == i && targets(case, t, person) {
                        if *hide {
                            hidden = true;
                        } else {
                            masked = true;
                        }
                    }
                }
            }
            if !hidden {
                columns.push((name.clone(), masked, i));
            }
        }
    }
    Some(Expected { columns, exempt })
}

fn row_in(case: &Case, person: usize, e: &Expected, cell: &dyn Fn(usize) -> Option<Value>) -> bool {
    if case.revoked {
        return false;
    }
    if let Some(g) = &case.grant_rows {
        if !holds(g, cell) {
            return false;
        }
    }
    if !case.rules_enabled || e.exempt {
        return true;
    }
    case.row_rules.iter().any(|(t, c, allow)| {
        if !targets(case, t, person) {
            return false;
        }
        let values = match allow {
            AllowRef::Values(v) => v.clone(),
            AllowRef::Attribute(a) => attribute_values(case, person, a, case.columns[*c].1),
        };
        cell(*c).is_some_and(|v| values.iter().any(|allowed| same_value(allowed, &v)))
    })
}

/// The visible row: masked cells `"***"`, missing cells `null`.
fn project(e: &Expected, cell: &dyn Fn(usize) -> Option<Value>) -> Vec<Value> {
    e.columns
        .iter()
        .map(|(_, masked, i)| {
            if *masked {
                json!("***")
            } else {
                cell(*i).unwrap_or(Value::Null)
            }
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// The property
// ---------------------------------------------------------------------------------------------

fn check(case: &Case) -> Result<(), TestCaseError> {
    let mut engine = Engine::new();
    for (actor, command) in commands(case) {
        if let Err(r) = engine.execute(&actor, &command, AT) {
            return Err(TestCaseError::fail(format!(
                "`{actor}` {} was refused: {r}",
                command.name()
            )));
        }
    }
    prop_assert!(engine.invariant_problems().is_empty());
    let header: Vec<&str> = case.header.iter().map(String::as_str).collect();
    for person in 0..case.people.len() {
        let id = &case.people[person].id;
        let got = engine.data_scope(id, DATASET, AT);
        let Some(e) = expected(case, person) else {
            match got {
                Ok(s) => {
                    return Err(TestCaseError::fail(format!(
                        "`{id}` may not view the dataset but got {s:?}"
                    )));
                }
                Err(r) => {
                    prop_assert!(r.is_denied(), "{r}");
                    continue;
                }
            }
        };
        let scope: DataScope = match got {
            Ok(s) => s,
            Err(r) => {
                return Err(TestCaseError::fail(format!(
                    "data_scope of `{id}` was refused: {r}"
                )));
            }
        };
        let want_columns: Vec<(String, bool)> =
            e.columns.iter().map(|(n, m, _)| (n.clone(), *m)).collect();
        let got_columns: Vec<(String, bool)> = scope
            .columns
            .iter()
            .map(|c| (c.name.clone(), c.masked))
            .collect();
        prop_assert_eq!(&got_columns, &want_columns, "columns of `{}`", id);

        // The object path.
        let mut want_objects = Vec::new();
        for object in &case.objects {
            let cell = |i: usize| object.get(&case.columns[i].0).cloned();
            if row_in(case, person, &e, &cell) {
                let values = project(&e, &cell);
                let m: Map<String, Value> = e
                    .columns
                    .iter()
                    .zip(values)
                    .map(|((n, _, _), v)| (n.clone(), v))
                    .collect();
                want_objects.push(m);
            }
        }
        let got_objects = scope.apply(&case.objects);
        prop_assert_eq!(&got_objects, &want_objects, "object rows of `{}`", id);

        // The compiled, columnar path.
        let compiled = scope.compile(&header);
        let names: Vec<&str> = scope.columns.iter().map(|c| c.name.as_str()).collect();
        prop_assert_eq!(compiled.header(), names.as_slice());
        for array in &case.arrays {
            let cell = |i: usize| {
                let name = &case.columns[i].0;
                let at = case.header.iter().position(|h| h == name)?;
                array.get(at).cloned()
            };
            let want = row_in(case, person, &e, &cell).then(|| project(&e, &cell));
            let got = compiled.apply_row(array);
            prop_assert_eq!(compiled.matches(array), got.is_some());
            prop_assert_eq!(&got, &want, "columnar row {:?} of `{}`", array, id);
        }
    }
    Ok(())
}

fn cases() -> u32 {
    std::env::var("ORGSPACE_DATA_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(256)
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: cases(),
        max_shrink_iters: 2048,
        ..ProptestConfig::default()
    })]

    #[test]
    fn d4_scope_agrees_with_the_reference(raw in raw()) {
        let case = resolve(&raw);
        check(&case)?;
    }
}

/// The generator reaches the interesting corners: some users see rows, some see none, some
/// columns are masked, some hidden, and some users are refused.
#[test]
fn d4_the_generator_covers_the_interesting_cases() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let mut runner = TestRunner::deterministic();
    let strategy = raw();
    let mut seen: BTreeSet<&str> = BTreeSet::new();
    for _ in 0..400 {
        let case = resolve(&strategy.new_tree(&mut runner).unwrap().current());
        for person in 0..case.people.len() {
            let Some(e) = expected(&case, person) else {
                seen.insert("refused");
                continue;
            };
            if e.exempt {
                seen.insert("exempt");
            }
            if e.columns.iter().any(|c| c.1) {
                seen.insert("masked");
            }
            if e.columns.len() < case.columns.len() {
                seen.insert("fewer columns");
            }
            let n = case
                .objects
                .iter()
                .filter(|o| row_in(&case, person, &e, &|i| o.get(&case.columns[i].0).cloned()))
                .count();
            if n == 0 && !case.objects.is_empty() {
                seen.insert("no rows");
            } else if n < case.objects.len() {
                seen.insert("some rows");
            } else if n > 0 {
                seen.insert("every row");
            }
        }
        if case.row_rules.iter().any(|r| !r.0.groups.is_empty()) {
            seen.insert("group rule");
        }
        if case.group_parents.iter().any(Option::is_some) {
            seen.insert("nested group");
        }
        if case
            .row_rules
            .iter()
            .any(|r| matches!(r.2, AllowRef::Attribute(_)))
        {
            seen.insert("attribute rule");
        }
    }
    for want in [
        "refused",
        "exempt",
        "masked",
        "fewer columns",
        "no rows",
        "some rows",
        "every row",
        "group rule",
        "nested group",
        "attribute rule",
    ] {
        assert!(seen.contains(want), "the generator never produced `{want}`");
    }
}
