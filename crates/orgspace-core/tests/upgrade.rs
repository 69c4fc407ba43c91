//! U1: upgrading an organization without workspaces. A realistic legacy organization (several
//! administrators, nested groups, users with roles and attributes, three data sources, nested
//! folders, 64 assets of every kind with user and group grants at every level, some expiring,
//! public flags and references, a dataset with row rules) is upgraded, and everything is
//! compared before and after through `Engine::snapshot()`: nothing lost, nothing added beyond
//! what U1 (and decisions.md, "Upgrade") says.

#![allow(
    clippy::panic,
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::indexing_slicing,
    reason = "test helpers and the reference model fail the test that calls them, on purpose"
)]

use orgspace_core::data::{
    Allow, Audience, ColumnAction, ColumnDef, ColumnRule, ColumnType, DataSourceDef,
    DatasetSecurity, RowRule, TableDef, TableRef,
};
use orgspace_core::snapshot::{AssetDoc, FolderDoc, GrantDoc, GroupDoc};
use orgspace_core::{
    Command, Engine, Kind, LegacyOrg, LegacyUser, Level, Mode, Operation, PERSONAL_PREFIX, Refusal,
    Rule, Target, WorkspaceKind,
};
use serde_json::json;
use std::collections::{BTreeMap, BTreeSet};

const T0: u64 = 1_600_000_000_000;
/// When the upgrade runs.
const AT: u64 = 1_700_000_000_000;
const DEFAULT: &str = "default";

const ADMINS: [&str; 3] = ["root", "ada", "max"];
/// Non-administrators and their roles (none: `visitor`).
const USERS: [(&str, &[&str]); 12] = [
    ("dev1", &["developer"]),
    ("dev2", &["developer"]),
    ("dev3", &["developer", "analyst"]),
    ("ana1", &["analyst"]),
    ("ana2", &["analyst"]),
    ("ana3", &["analyst", "visitor"]),
    ("vis1", &["visitor"]),
    ("vis2", &["visitor"]),
    ("vis3", &[]),
    ("boss", &["admin"]),
    ("temp", &[]),
    ("auth0|5f7c-Ü", &["analyst"]),
];
/// Owners of content (workbooks, dashboards and so on).
const AUTHORS: [&str; 7] = ["dev1", "dev2", "dev3", "ana1", "ana2", "root", "ada"];
/// Owners of data sources and datasets.
const BUILDERS: [&str; 4] = ["dev1", "dev2", "dev3", "max"];
const FOLDERS: [(&str, Option<&str>, &str); 6] = [
    ("f_sales", None, "dev1"),
    ("f_q1", Some("f_sales"), "ana1"),
    ("f_deep", Some("f_q1"), "dev2"),
    ("f_eng", None, "root"),
    ("f_fin", None, "ada"),
    ("f_empty", Some("f_fin"), "ana2"),
];

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| (*s).to_string()).collect()
}

fn col(name: &str, ty: ColumnType) -> ColumnDef {
    ColumnDef {
        name: name.into(),
        ty,
    }
}

fn table(name: &str, columns: Vec<ColumnDef>) -> TableDef {
    TableDef {
        name: name.into(),
        columns,
    }
}

fn sources() -> Vec<DataSourceDef> {
    use ColumnType::{Boolean, Number, String};
    vec![
        DataSourceDef {
            id: "dw".into(),
            name: "Warehouse".into(),
            tables: vec![
                table(
                    "orders",
                    vec![
                        col("region", String),
                        col("amount", Number),
                        col("paid", Boolean),
                        col("email", String),
                    ],
                ),
                table("customers", vec![col("name", String), col("tier", Number)]),
            ],
        },
        DataSourceDef {
            id: "crm".into(),
            name: "CRM".into(),
            tables: vec![
                table("leads", vec![col("source", String), col("score", Number)]),
                table("contacts", vec![col("email", String)]),
                table("accounts", vec![col("id", Number), col("active", Boolean)]),
            ],
        },
        DataSourceDef {
            id: "logs".into(),
            name: "Logs".into(),
            tables: vec![table(
                "events",
                vec![col("kind", String), col("ms", Number)],
            )],
        },
    ]
}

fn group(id: &str, parent: Option<&str>, members: &[&str]) -> GroupDoc {
    GroupDoc {
        id: id.into(),
        name: format!("Group {id}"),
        parent: parent.map(Into::into),
        members: strings(members),
    }
}

fn groups() -> Vec<GroupDoc> {
    vec![
        group("company", None, &["root"]),
        group("sales", Some("company"), &["ana1", "dev1"]),
        group("sales_east", Some("sales"), &["ana2", "vis1"]),
        group("boston", Some("sales_east"), &["vis2", "ada"]),
        group("eng", Some("company"), &["dev2", "dev3"]),
        group("finance", None, &["ana3", "vis3", "max"]),
        group("empty", Some("finance"), &[]),
    ]
}

fn attributes(user: &str) -> BTreeMap<String, Vec<String>> {
    let mut a = BTreeMap::new();
    match user {
        "ana1" | "ana2" => {
            a.insert("region".to_string(), strings(&["east"]));
        }
        "ana3" => {
            a.insert("region".to_string(), strings(&["west", "north"]));
            a.insert("tier".to_string(), strings(&["2"]));
        }
        "dev1" | "ada" => {
            a.insert("team".to_string(), strings(&["core"]));
        }
        _ => {}
    }
    a
}

fn users() -> Vec<LegacyUser> {
    let mut out: Vec<LegacyUser> = ADMINS
        .iter()
        .enumerate()
        .map(|(i, u)| LegacyUser {
            user: (*u).into(),
            admin: true,
            // An administrator's roles do not matter: they become org admins.
            roles: if i == 0 {
                strings(&["developer"])
            } else {
                vec![]
            },
            attributes: attributes(u),
        })
        .collect();
    out.extend(USERS.iter().map(|(u, roles)| LegacyUser {
        user: (*u).into(),
        admin: false,
        roles: strings(roles),
        attributes: attributes(u),
    }));
    // Not sorted: the upgrade must not care.
    out.rotate_left(5);
    out
}

fn folders() -> Vec<FolderDoc> {
    FOLDERS
        .iter()
        .map(|(id, parent, by)| FolderDoc {
            id: (*id).into(),
            name: format!("Folder {id}"),
            parent: parent.map(Into::into),
            created_by: (*by).into(),
        })
        .collect()
}

fn grant(to: Target, level: Level, expires_at: Option<u64>) -> GrantDoc {
    GrantDoc {
        to,
        level,
        expires_at,
    }
}

fn user(id: &str) -> Target {
    Target::User(id.into())
}

fn grp(id: &str) -> Target {
    Target::Group(id.into())
}

/// 64 assets, eight of every kind, spread over folders and owners, with grants of every
/// level to users and groups (some expired, some expiring later), public flags and
/// references from content to datasets and from portals to dashboards.
fn assets() -> Vec<AssetDoc> {
    let mut out = Vec::new();
    for i in 0..64usize {
        let kind = Kind::ALL[i % Kind::ALL.len()];
        let data = matches!(kind, Kind::DataSource | Kind::Dataset);
        let owner = if data {
            BUILDERS[i % BUILDERS.len()]
        } else {
            AUTHORS[i % AUTHORS.len()]
        };
        let folder = match i % 7 {
            0 | 1 => None,
            k => Some(FOLDERS[k - 2].0.to_string()),
        };
        let mut grants = Vec::new();
        match i % 5 {
            0 => grants.push(grant(user("vis1"), Level::View, None)),
            1 => {
                grants.push(grant(grp("sales"), Level::Export, None));
                grants.push(grant(user("ana3"), Level::View, Some(AT + 86_400_000)));
            }
            2 => grants.push(grant(user("dev2"), Level::Edit, None)),
            3 => {
                grants.push(grant(grp("boston"), Level::Export, Some(T0)));
                grants.push(grant(user("root"), Level::Edit, None));
            }
            _ => {}
        }
        if data {
            grants.push(grant(grp("eng"), Level::Use, None));
        }
        if kind == Kind::Dashboard {
            grants.push(grant(grp("company"), Level::Export, None));
        }
        out.push(AssetDoc {
            id: format!("a{i:02}"),
            kind,
            name: format!("{kind} number {i}"),
            folder,
            owner: owner.into(),
            public: i % 6 == 0,
            created_at: T0 + i as u64 * 1000,
            references: Vec::new(),
            grants,
            security: None,
        });
    }
    // References: content of one round to the dataset of the same round, portals to the
    // dashboard of the same round, datasets to the data source of the same round.
    let id = |i: usize| format!("a{i:02}");
    for round in 0..8 {
        let base = round * 8;
        let of = |kind: Kind| base + Kind::ALL.iter().position(|k| *k == kind).unwrap();
        let (source, dataset, dashboard) =
            (of(Kind::DataSource), of(Kind::Dataset), of(Kind::Dashboard));
        for (i, a) in out.iter_mut().enumerate().skip(base).take(8) {
            a.references = match a.kind {
                Kind::Dataset => vec![id(source)],
                Kind::Portal => vec![id(dashboard), id(dataset)],
                Kind::DataSource | Kind::DataEntryForm => vec![],
                _ if round % 2 == 0 => vec![id(dataset)],
                _ => vec![],
            };
            let _ = i;
        }
    }
    // One dataset is built on a legacy table with row and column rules.
    let secured = out.iter_mut().find(|a| a.kind == Kind::Dataset).unwrap();
    secured.security = Some(DatasetSecurity {
        table: Some(TableRef {
            source: "dw".into(),
            table: "orders".into(),
        }),
        row_rules_enabled: true,
        exempt_owner_and_admins: false,
        row_rules: vec![
            RowRule {
                targets: Audience {
                    groups: strings(&["sales"]),
                    ..Audience::default()
                },
                column: "region".into(),
                allow: Allow::Attribute("region".into()),
            },
            RowRule {
                targets: Audience {
                    users: strings(&["ana3"]),
                    ..Audience::default()
                },
                column: "paid".into(),
                allow: Allow::Values(vec![json!(true)]),
            },
        ],
        column_rules: vec![ColumnRule {
            targets: Audience {
                all: true,
                ..Audience::default()
            },
            column: "email".into(),
            action: ColumnAction::Mask,
        }],
    });
    out
}

fn legacy() -> LegacyOrg {
    LegacyOrg {
        org: "legacy".into(),
        name: "Legacy Co".into(),
        default_workspace: DEFAULT.into(),
        default_workspace_name: Some("Everything".into()),
        users: users(),
        groups: groups(),
        data_sources: sources(),
        folders: folders(),
        assets: assets(),
    }
}

fn upgrade(engine: &mut Engine, actor: &str, legacy: LegacyOrg) -> Result<u64, Refusal> {
    engine
        .execute(actor, &Command::UpgradeOrg(Box::new(legacy)), AT)
        .map(|a| a.version)
}

fn upgraded() -> Engine {
    let mut engine = Engine::new();
    match upgrade(&mut engine, "root", legacy()) {
        Ok(version) => assert_eq!(version, 1),
        Err(r) => panic!("the upgrade was refused: {r}"),
    }
    engine
}

/// An asset as compared: references and grants as sets.
fn normal(a: &AssetDoc) -> AssetDoc {
    let mut a = a.clone();
    a.references.sort();
    a.grants.sort_by(|x, y| x.to.cmp(&y.to));
    a
}

fn personal(user: &str) -> String {
    format!("{PERSONAL_PREFIX}{user}")
}

// ---------------------------------------------------------------------------------------------
// The upgrade keeps everything
// ---------------------------------------------------------------------------------------------

#[test]
fn u1_the_legacy_fixture_is_realistic() {
    let l = legacy();
    assert!(l.assets.len() >= 60);
    let kinds: BTreeSet<Kind> = l.assets.iter().map(|a| a.kind).collect();
    assert_eq!(kinds.len(), Kind::ALL.len(), "every kind");
    let grants: Vec<&GrantDoc> = l.assets.iter().flat_map(|a| &a.grants).collect();
    for level in [Level::View, Level::Export, Level::Edit, Level::Use] {
        assert!(grants.iter().any(|g| g.level == level), "{level:?}");
    }
    assert!(grants.iter().any(|g| matches!(g.to, Target::User(_))));
    assert!(grants.iter().any(|g| matches!(g.to, Target::Group(_))));
    assert!(grants.iter().any(|g| g.expires_at.is_some_and(|t| t < AT)));
    assert!(grants.iter().any(|g| g.expires_at.is_some_and(|t| t > AT)));
    assert!(l.assets.iter().any(|a| a.public));
    assert!(l.assets.iter().any(|a| !a.references.is_empty()));
    assert!(l.assets.iter().any(|a| a.folder.is_some()));
    assert_eq!(l.data_sources.len(), 3);
    assert!(l.users.iter().filter(|u| u.admin).count() >= 2);
}

#[test]
fn u1_upgrade_keeps_every_asset_unchanged_in_the_default_workspace() {
    let engine = upgraded();
    let s = engine.snapshot().unwrap();
    let part = s.workspaces.iter().find(|w| w.id == DEFAULT).unwrap();
    let before: BTreeMap<String, AssetDoc> = legacy()
        .assets
        .iter()
        .map(|a| (a.id.clone(), normal(a)))
        .collect();
    let after: BTreeMap<String, AssetDoc> = part
        .assets
        .iter()
        .map(|a| (a.id.clone(), normal(a)))
        .collect();
    assert_eq!(
        before.keys().collect::<Vec<_>>(),
        after.keys().collect::<Vec<_>>(),
        "the same asset ids"
    );
    for (id, b) in &before {
        // Id, kind, name, owner, folder, public flag, creation time, references, grants
        // (targets, levels, expiry) and the dataset's table and rules.
        assert_eq!(Some(b), after.get(id), "asset `{id}`");
    }
    // No asset anywhere else.
    for w in &s.workspaces {
        if w.id != DEFAULT {
            assert!(w.assets.is_empty(), "`{}` holds assets", w.id);
            assert!(w.folders.is_empty(), "`{}` holds folders", w.id);
        }
    }
}

#[test]
fn u1_upgrade_keeps_every_folder() {
    let engine = upgraded();
    let part = engine.workspace_part(DEFAULT).unwrap();
    let mut before = folders();
    before.sort_by(|a, b| a.id.cmp(&b.id));
    let mut after = part.folders.clone();
    after.sort_by(|a, b| a.id.cmp(&b.id));
    assert_eq!(before, after);
}

#[test]
fn u1_administrators_become_org_admins_and_others_join_the_default_workspace() {
    let engine = upgraded();
    let s = engine.snapshot().unwrap();
    let members: BTreeMap<&str, _> = s.org.members.iter().map(|m| (m.user.as_str(), m)).collect();
    let legacy_users = users();
    assert_eq!(
        members.keys().copied().collect::<BTreeSet<_>>(),
        legacy_users
            .iter()
            .map(|u| u.user.as_str())
            .collect::<BTreeSet<_>>(),
        "the same members"
    );
    let part = engine.workspace_part(DEFAULT).unwrap();
    let ws_members: BTreeMap<&str, BTreeSet<&str>> = part
        .members
        .iter()
        .map(|m| {
            (
                m.user.as_str(),
                m.roles.iter().map(String::as_str).collect(),
            )
        })
        .collect();
    for u in &legacy_users {
        let m = members[u.user.as_str()];
        assert_eq!(m.attributes, u.attributes, "attributes of `{}`", u.user);
        if u.admin {
            assert_eq!(m.roles, ["org_admin"], "`{}` is an org admin", u.user);
            // Decided: administrators stay out of the default workspace (O6 covers them).
            assert!(!ws_members.contains_key(u.user.as_str()), "{}", u.user);
        } else {
            assert!(
                m.roles.is_empty(),
                "`{}` is a common member: {:?}",
                u.user,
                m.roles
            );
            let want: BTreeSet<&str> = if u.roles.is_empty() {
                BTreeSet::from(["visitor"])
            } else {
                u.roles.iter().map(String::as_str).collect()
            };
            assert_eq!(
                ws_members.get(u.user.as_str()),
                Some(&want),
                "roles of `{}` in the default workspace",
                u.user
            );
        }
    }
    assert_eq!(
        ws_members.len(),
        legacy_users.iter().filter(|u| !u.admin).count(),
        "nobody else in the default workspace"
    );
    assert!(part.roles.is_empty(), "no custom workspace roles appear");
    assert!(s.org.org_roles.is_empty(), "no custom org roles appear");
}

#[test]
fn u1_the_workspaces_are_the_default_one_and_one_personal_per_member() {
    let engine = upgraded();
    let s = engine.snapshot().unwrap();
    assert_eq!(s.org.id, "legacy");
    assert_eq!(s.org.name, "Legacy Co");
    assert_eq!(s.org.default_workspace, DEFAULT);
    assert_eq!(s.org.version, 1);
    let mut want: BTreeSet<String> = users().iter().map(|u| personal(&u.user)).collect();
    want.insert(DEFAULT.into());
    let got: BTreeSet<String> = s.org.workspaces.iter().map(|h| h.id.clone()).collect();
    assert_eq!(got, want);
    for h in &s.org.workspaces {
        if h.id == DEFAULT {
            assert_eq!(h.kind, WorkspaceKind::Group);
            assert_eq!(h.name, "Everything");
            // Decided: workspaces from before modes keep showing everything.
            assert_eq!(h.mode, Mode::Collaboration);
            assert_eq!(h.owner, None);
        } else {
            assert_eq!(h.kind, WorkspaceKind::Personal);
            assert_eq!(Some(h.id.clone()), h.owner.as_deref().map(personal));
        }
    }
    for w in &s.workspaces {
        if w.id != DEFAULT {
            assert!(
                w.members.is_empty() && w.table_grants.is_empty(),
                "{}",
                w.id
            );
        }
    }
    assert!(engine.invariant_problems().is_empty());
}

#[test]
fn u1_upgrade_keeps_every_group() {
    let engine = upgraded();
    let s = engine.snapshot().unwrap();
    let norm = |g: &GroupDoc| {
        let mut g = g.clone();
        g.members.sort();
        g
    };
    let before: BTreeMap<String, GroupDoc> =
        groups().iter().map(|g| (g.id.clone(), norm(g))).collect();
    let after: BTreeMap<String, GroupDoc> = s
        .org
        .groups
        .iter()
        .map(|g| (g.id.clone(), norm(g)))
        .collect();
    assert_eq!(before, after);
}

#[test]
fn u1_data_sources_become_org_sources_with_every_table_granted_to_the_default_workspace() {
    let engine = upgraded();
    let s = engine.snapshot().unwrap();
    let before: BTreeMap<String, DataSourceDef> =
        sources().into_iter().map(|d| (d.id.clone(), d)).collect();
    let after: BTreeMap<String, DataSourceDef> = s
        .org
        .data_sources
        .iter()
        .map(|d| (d.id.clone(), d.clone()))
        .collect();
    assert_eq!(before, after);
    let part = engine.workspace_part(DEFAULT).unwrap();
    let granted: BTreeSet<(String, String)> = part
        .table_grants
        .iter()
        .map(|g| {
            // Every row and every column.
            assert_eq!((&g.columns, &g.rows), (&None, &None), "{g:?}");
            (g.source.clone(), g.table.clone())
        })
        .collect();
    let every: BTreeSet<(String, String)> = sources()
        .iter()
        .flat_map(|d| d.tables.iter().map(|t| (d.id.clone(), t.name.clone())))
        .collect();
    assert_eq!(granted, every);
    assert_eq!(part.table_grants.len(), every.len());
}

#[test]
fn u1_the_upgrade_is_recorded_and_round_trips() {
    let engine = upgraded();
    let audit = engine.audit();
    assert_eq!(audit.len(), 1);
    assert_eq!(audit[0].version, 1);
    assert_eq!(audit[0].actor, "root");
    assert_eq!(audit[0].at, AT);
    assert_eq!(audit[0].command.name(), "upgrade_org");
    let json = engine.to_json();
    let again = Engine::from_json(&json).unwrap();
    assert_eq!(again.to_json(), json);
}

#[test]
fn u1_the_upgraded_organization_works() {
    let mut engine = upgraded();
    let check = |e: &Engine, u: &str, op: Operation, a: &str| e.check(u, op, a, AT).unwrap();
    let kind_of = |k: Kind| legacy().assets.into_iter().find(|a| a.kind == k).unwrap();
    // Org admins hold everything (O6), though they are not workspace members.
    for admin in ADMINS {
        for a in ["a00", "a13", "a63"] {
            assert!(
                check(&engine, admin, Operation::Delete, a).allowed,
                "{admin} {a}"
            );
        }
    }
    // Roles are kept: a visitor views a dashboard but does not modify it (R4).
    let dash = kind_of(Kind::Dashboard);
    assert!(check(&engine, "vis3", Operation::View, &dash.id).allowed);
    let d = check(&engine, "vis3", Operation::Modify, &dash.id);
    assert!(!d.allowed);
    assert_eq!(d.rule, Rule::R4);
    // Grants are kept, groups nested: `company` export on every dashboard reaches `vis2`
    // through boston < sales_east < sales < company.
    let d = check(&engine, "vis2", Operation::Export, &dash.id);
    assert!(d.allowed, "{}", engine.explain(&d));
    assert_eq!(d.rule, Rule::A1);
    // An expired grant grants nothing (A1): the workbook a18 grants boston export until T0.
    let a18 = legacy().assets.into_iter().find(|a| a.id == "a18").unwrap();
    assert_eq!(a18.kind, Kind::Workbook);
    assert!(a18.grants.iter().any(|g| g.expires_at == Some(T0)));
    let d = check(&engine, "vis2", Operation::Export, "a18");
    assert!(!d.allowed, "{}", engine.explain(&d));
    assert!(check(&engine, "vis2", Operation::View, "a18").allowed);
    // A group grant reaches nested groups: sales export on the workbook a26 reaches ana2.
    let d = check(&engine, "ana2", Operation::Export, "a26");
    assert!(d.allowed, "{}", engine.explain(&d));
    // Ownership is kept (R6): the owner deletes, another developer does not.
    let own = kind_of(Kind::Workbook);
    assert!(check(&engine, &own.owner, Operation::Delete, &own.id).allowed);
    // The dataset built on a legacy table keeps its rules, on a table now granted (D1, D2).
    let secured = legacy()
        .assets
        .into_iter()
        .find(|a| a.security.is_some())
        .unwrap();
    let scope = engine.data_scope("ana1", &secured.id, AT).unwrap();
    let rows: Vec<serde_json::Map<String, serde_json::Value>> = [
        json!({"region": "east", "amount": 1, "paid": false, "email": "a@x"}),
        json!({"region": "west", "amount": 2, "paid": true, "email": "b@x"}),
    ]
    .into_iter()
    .map(|v| v.as_object().unwrap().clone())
    .collect();
    let seen = scope.apply(&rows);
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0]["region"], json!("east"));
    assert_eq!(seen[0]["email"], json!("***"));
    let scope = engine.data_scope("ana3", &secured.id, AT).unwrap();
    assert_eq!(scope.apply(&rows).len(), 1);
    assert_eq!(scope.apply(&rows)[0]["region"], json!("west"));
    // Commands run on the upgraded organization: a developer builds a dataset on any table.
    engine
        .execute(
            "dev1",
            &Command::CreateAsset {
                asset: "new_set".into(),
                workspace: DEFAULT.into(),
                kind: Kind::Dataset,
                name: "New".into(),
                folder: Some("f_sales".into()),
                references: vec![],
            },
            AT,
        )
        .unwrap();
    engine
        .execute(
            "dev1",
            &Command::SetDatasetTable {
                asset: "new_set".into(),
                source: "logs".into(),
                table: "events".into(),
            },
            AT,
        )
        .unwrap();
    assert_eq!(engine.version(), 3);
    assert!(engine.invariant_problems().is_empty());
}

// ---------------------------------------------------------------------------------------------
// Refusals: the engine stays empty
// ---------------------------------------------------------------------------------------------

/// The upgrade is refused and the engine stays empty (X2).
fn refused(actor: &str, legacy: LegacyOrg) -> Refusal {
    let mut engine = Engine::new();
    let before = engine.to_json();
    let r = match upgrade(&mut engine, actor, legacy) {
        Ok(v) => panic!("the upgrade was accepted (version {v})"),
        Err(r) => r,
    };
    assert_eq!(engine.version(), 0, "{r}");
    assert!(engine.snapshot().is_none(), "{r}");
    assert_eq!(engine.to_json(), before);
    assert!(engine.audit().is_empty());
    r
}

fn invalid_naming(legacy: LegacyOrg, things: &[&str]) -> Refusal {
    let r = refused("root", legacy);
    assert_eq!(r.code(), "invalid", "{r}");
    for t in things {
        let named = format!("`{t}`");
        assert!(r.message().contains(&named), "{r} does not name {named}");
    }
    r
}

#[test]
fn u1_only_an_administrator_upgrades() {
    // A common user of the organization.
    let r = refused("dev1", legacy());
    assert!(r.is_denied(), "{r}");
    assert_eq!(r.rule(), Some(Rule::U1));
    // Someone who is not in it at all.
    let r = refused("mallory", legacy());
    assert!(r.is_denied(), "{r}");
    assert_eq!(r.rule(), Some(Rule::U1));
    // Every administrator may.
    for admin in ADMINS {
        let mut engine = Engine::new();
        assert_eq!(upgrade(&mut engine, admin, legacy()), Ok(1), "{admin}");
    }
}

#[test]
fn u1_upgrade_runs_only_on_an_empty_engine() {
    let mut engine = upgraded();
    let before = engine.to_json();
    let r = upgrade(&mut engine, "root", legacy()).unwrap_err();
    assert_eq!(r.code(), "conflict", "{r}");
    assert_eq!(engine.to_json(), before);
    assert_eq!(engine.version(), 1);
}

#[test]
fn u1_an_asset_owned_by_an_unknown_user_is_invalid() {
    let mut l = legacy();
    l.assets[7].owner = "ghost".into();
    let id = l.assets[7].id.clone();
    invalid_naming(l, &[&id, "ghost"]);
}

#[test]
fn u1_an_asset_in_an_unknown_folder_is_invalid() {
    let mut l = legacy();
    l.assets[3].folder = Some("f_nowhere".into());
    let id = l.assets[3].id.clone();
    invalid_naming(l, &[&id, "f_nowhere"]);
}

#[test]
fn u1_a_duplicate_asset_id_is_invalid() {
    let mut l = legacy();
    let mut copy = l.assets[10].clone();
    copy.name = "Another one".into();
    l.assets.push(copy);
    let id = l.assets[10].id.clone();
    invalid_naming(l, &[&id]);
}

#[test]
fn u1_every_problem_is_listed() {
    let mut l = legacy();
    l.assets[7].owner = "ghost".into();
    l.assets[3].folder = Some("f_nowhere".into());
    let dup = l.assets[10].clone();
    l.assets.push(dup);
    let ids = [
        l.assets[7].id.clone(),
        l.assets[3].id.clone(),
        l.assets[10].id.clone(),
    ];
    invalid_naming(l, &[&ids[0], "ghost", &ids[1], "f_nowhere", &ids[2]]);
}

#[test]
fn u1_other_inconsistencies_are_invalid() {
    // A grant to an unknown user.
    let mut l = legacy();
    l.assets[4]
        .grants
        .push(grant(user("ghost"), Level::View, None));
    let id = l.assets[4].id.clone();
    invalid_naming(l, &[&id]);
    // A grant to an unknown group.
    let mut l = legacy();
    l.assets[4]
        .grants
        .push(grant(grp("ghosts"), Level::View, None));
    invalid_naming(l, &[&id]);
    // A reference to an unknown asset.
    let mut l = legacy();
    l.assets[4].references.push("a99".into());
    invalid_naming(l, &[&id, "a99"]);
    // A folder nested in an unknown folder.
    let mut l = legacy();
    l.folders[1].parent = Some("f_gone".into());
    invalid_naming(l, &["f_q1", "f_gone"]);
    // A folder made by an unknown user.
    let mut l = legacy();
    l.folders[0].created_by = "ghost".into();
    invalid_naming(l, &["f_sales", "ghost"]);
    // A group holding an unknown user, nesting in an unknown group.
    let mut l = legacy();
    l.groups[2].members.push("ghost".into());
    invalid_naming(l, &["sales_east", "ghost"]);
    let mut l = legacy();
    l.groups[2].parent = Some("nowhere".into());
    invalid_naming(l, &["sales_east", "nowhere"]);
    // A user twice.
    let mut l = legacy();
    let again = l.users[0].clone();
    l.users.push(again.clone());
    invalid_naming(l, &[&again.user]);
    // An unknown role.
    let mut l = legacy();
    let u = l.users.iter_mut().find(|u| !u.admin).unwrap();
    u.roles = strings(&["superuser"]);
    invalid_naming(l, &["superuser"]);
    // A data source table twice.
    let mut l = legacy();
    let t = l.data_sources[1].tables[0].clone();
    l.data_sources[1].tables.push(t);
    invalid_naming(l, &["leads"]);
}

#[test]
fn u1_a_dataset_on_an_unknown_table_is_invalid() {
    // decisions.md: an unknown table is `invalid`, and the upgrade's result must load as a
    // valid snapshot.
    let mut l = legacy();
    let ds = l.assets.iter_mut().find(|a| a.security.is_some()).unwrap();
    let id = ds.id.clone();
    if let Some(sec) = ds.security.as_mut() {
        sec.table = Some(TableRef {
            source: "dw".into(),
            table: "invoices".into(),
        });
    }
    invalid_naming(l, &[&id, "invoices"]);
}

/// Runs every case and lists those the engine accepted, or refused without `invalid` and
/// naming the things, so that one run reports them all.
fn all_invalid(cases: Vec<(&str, LegacyOrg, Vec<String>)>) {
    let mut wrong = Vec::new();
    for (what, l, things) in cases {
        let mut engine = Engine::new();
        match upgrade(&mut engine, "root", l) {
            Ok(v) => {
                wrong.push(format!("{what}: accepted (version {v})"));
                continue;
            }
            Err(r) => {
                assert_eq!(engine.version(), 0);
                assert_eq!(engine.to_json(), "null");
                if r.code() != "invalid" {
                    wrong.push(format!("{what}: {r}"));
                }
                for t in &things {
                    if !r.message().contains(&format!("`{t}`")) {
                        wrong.push(format!("{what}: {r} does not name `{t}`"));
                    }
                }
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

fn with_secured(edit: impl FnOnce(&mut DatasetSecurity)) -> LegacyOrg {
    let mut l = legacy();
    let sec = l
        .assets
        .iter_mut()
        .find_map(|a| a.security.as_mut())
        .unwrap();
    edit(sec);
    l
}

#[test]
fn u1_a_dataset_rule_on_an_unknown_column_or_user_is_invalid() {
    // decisions.md: an unknown column or a value of the wrong type is `invalid`, an unknown id
    // `not_found`; the upgrade's result must load as a valid snapshot "else the upgrade is
    // refused listing every problem" (as `invalid`).
    all_invalid(vec![
        (
            "row rule on an unknown column",
            with_secured(|s| s.row_rules[0].column = "phone".into()),
            vec!["phone".into()],
        ),
        (
            "row rule values of the wrong type",
            with_secured(|s| s.row_rules[1].allow = Allow::Values(vec![json!("yes")])),
            vec!["paid".into()],
        ),
        (
            "row rule for an unknown user",
            with_secured(|s| s.row_rules[1].targets.users = strings(&["ghost"])),
            vec!["ghost".into()],
        ),
        (
            "row rule for an unknown group",
            with_secured(|s| s.row_rules[0].targets.groups = strings(&["ghosts"])),
            vec!["ghosts".into()],
        ),
        (
            "column rule on an unknown column",
            with_secured(|s| s.column_rules[0].column = "phone".into()),
            vec!["phone".into()],
        ),
        (
            "row rule targeting nobody",
            with_secured(|s| s.row_rules[0].targets = Audience::default()),
            vec![],
        ),
    ]);
}

#[test]
fn u1_malformed_ids_are_invalid() {
    // decisions.md: ids are 1-256 bytes without control characters.
    let mut empty_user = legacy();
    empty_user.users.push(LegacyUser {
        user: String::new(),
        admin: false,
        roles: vec![],
        attributes: BTreeMap::new(),
    });
    let mut control_user = legacy();
    control_user.users.push(LegacyUser {
        user: "bad\u{7}user".into(),
        admin: false,
        roles: vec![],
        attributes: BTreeMap::new(),
    });
    let mut control_asset = legacy();
    control_asset.assets[5].id = "bad\nid".into();
    let mut long_asset = legacy();
    long_asset.assets[5].id = "x".repeat(257);
    let mut empty_folder = legacy();
    empty_folder.folders.push(FolderDoc {
        id: String::new(),
        name: "Nameless".into(),
        parent: None,
        created_by: "root".into(),
    });
    let mut empty_group = legacy();
    empty_group.groups.push(group("", None, &[]));
    let mut personal_default = legacy();
    personal_default.default_workspace = format!("{PERSONAL_PREFIX}x");
    let mut empty_name = legacy();
    empty_name.assets[5].name = "  ".into();
    all_invalid(vec![
        ("an empty user id", empty_user, vec![]),
        ("a user id with a control character", control_user, vec![]),
        (
            "an asset id with a control character",
            control_asset,
            vec![],
        ),
        ("an asset id of 257 bytes", long_asset, vec![]),
        ("an empty folder id", empty_folder, vec![]),
        ("an empty group id", empty_group, vec![]),
        ("a personal default workspace id", personal_default, vec![]),
        ("a blank asset name", empty_name, vec![]),
    ]);
}

#[test]
fn u1_an_organization_without_an_administrator_cannot_be_upgraded() {
    let mut l = legacy();
    for u in &mut l.users {
        u.admin = false;
    }
    let r = refused("root", l);
    assert!(r.is_denied(), "{r}");
    assert_eq!(r.rule(), Some(Rule::U1));
}
