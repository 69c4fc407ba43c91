//! R: what the preset workspace roles permit (R1-R4), custom roles (R5) and ownership (R6).

mod common;

use common::{ALICE, Fixture, MAIN, cmd};
use orgspace_core::{Command, Kind, Level, Mode, Operation, Point, Rule};

const CONTENT: [Kind; 6] = [
    Kind::Workbook,
    Kind::Dashboard,
    Kind::Portal,
    Kind::AdHocAnalysis,
    Kind::SelfServiceQuery,
    Kind::DataEntryForm,
];

/// Kinds an analyst builds like a developer (R3): content but data entry forms.
const ANALYST_CONTENT: [Kind; 5] = [
    Kind::Workbook,
    Kind::Dashboard,
    Kind::Portal,
    Kind::AdHocAnalysis,
    Kind::SelfServiceQuery,
];

fn id(kind: Kind, owner: &str) -> String {
    format!("{owner}_{kind}")
}

/// A collaboration workspace where `alice` (org admin) and developer `dev` each own one asset
/// of every kind, named `{owner}_{kind}`.
fn every_kind() -> Fixture {
    let mut f = Fixture::new();
    f.member("dev", MAIN, &["developer"]);
    for &kind in Kind::ALL {
        f.asset(ALICE, &id(kind, ALICE), MAIN, kind);
        f.asset("dev", &id(kind, "dev"), MAIN, kind);
    }
    f
}

fn can_create(f: &Fixture, user: &str, kind: Kind, rule: Rule, allowed: bool) {
    let d = f.check_create(user, MAIN, kind);
    assert_eq!((d.allowed, d.rule), (allowed, rule), "{user} create {kind}");
}

#[test]
fn r1_admin_may_do_everything_to_every_members_assets() {
    let mut f = every_kind();
    f.member("wsa", MAIN, &["admin"]);
    for &kind in Kind::ALL {
        can_create(&f, "wsa", kind, Rule::R1, true);
        for &op in Operation::ALL {
            if op != Operation::Create {
                f.allows("wsa", op, &id(kind, "dev"), Rule::R1);
            }
        }
    }
    f.ok("wsa", cmd::rename(&id(Kind::Dashboard, "dev")));
    f.ok("wsa", cmd::set_public(&id(Kind::Dashboard, "dev"), true));
    f.ok("wsa", cmd::delete(&id(Kind::Portal, "dev")));
    f.ok("wsa", cmd::transfer(&id(Kind::Workbook, "dev"), "wsa"));
    // And manages the workspace's members.
    f.ok(ALICE, cmd::add_member("carol", None, &[]));
    f.ok("wsa", cmd::set_roles(MAIN, "carol", &["analyst"]));
    f.workspace("ops", Mode::Private);
    f.join("ops", "carol", &["visitor"]);
    f.ok(
        "wsa",
        Command::RemoveWorkspaceMember {
            workspace: MAIN.into(),
            user: "carol".into(),
        },
    );
    f.ok("wsa", cmd::join(MAIN, "carol", &["developer"]));
}

#[test]
fn r1_only_admins_manage_workspace_members() {
    let mut f = Fixture::new();
    f.workspace("ops", Mode::Private);
    f.member("dev", MAIN, &["developer"]);
    f.member("wsa", MAIN, &["admin"]);
    f.member("carol", MAIN, &["visitor"]);
    f.denied("dev", cmd::set_roles(MAIN, "carol", &["analyst"]), Rule::R1);
    f.denied("dev", cmd::join("ops", "carol", &["analyst"]), Rule::R1);
    // Admin of main is nobody in ops.
    f.denied("wsa", cmd::join("ops", "carol", &["analyst"]), Rule::R1);
    f.ok(ALICE, cmd::join("ops", "carol", &["analyst"]));
    f.denied(
        "dev",
        Command::RemoveWorkspaceMember {
            workspace: MAIN.into(),
            user: "carol".into(),
        },
        Rule::R1,
    );
}

#[test]
fn r2_developer_data_sources_modify_and_delete_only_their_own() {
    let mut f = every_kind();
    f.member("dev2", MAIN, &["developer"]);
    let mine = id(Kind::DataSource, "dev");
    let theirs = id(Kind::DataSource, ALICE);
    can_create(&f, "dev", Kind::DataSource, Rule::R2, true);
    f.allows("dev", Operation::View, &theirs, Rule::R2);
    f.allows("dev", Operation::Use, &theirs, Rule::R2);
    f.allows("dev", Operation::Modify, &mine, Rule::R6);
    f.allows("dev", Operation::Delete, &mine, Rule::R6);
    f.denies("dev", Operation::Modify, &theirs, Rule::A5);
    f.denies("dev", Operation::Delete, &theirs, Rule::A5);
    // Even an edit grant does not open another's data source to modification (R2, table 2).
    f.ok(ALICE, cmd::grant(&theirs, cmd::user("dev"), Level::Edit));
    f.denies("dev", Operation::Modify, &theirs, Rule::A5);
    f.denied("dev2", cmd::rename(&mine), Rule::A5);
    f.ok("dev", cmd::rename(&mine));
}

#[test]
fn r2_developer_datasets_modify_own_or_granted_delete_own() {
    let mut f = every_kind();
    let mine = id(Kind::Dataset, "dev");
    let theirs = id(Kind::Dataset, ALICE);
    can_create(&f, "dev", Kind::Dataset, Rule::R2, true);
    f.allows("dev", Operation::View, &theirs, Rule::R2);
    f.allows("dev", Operation::Use, &theirs, Rule::R2);
    f.allows("dev", Operation::Modify, &mine, Rule::R6);
    f.allows("dev", Operation::Delete, &mine, Rule::R6);
    f.denies("dev", Operation::Modify, &theirs, Rule::A5);
    f.ok(ALICE, cmd::grant(&theirs, cmd::user("dev"), Level::Edit));
    f.allows("dev", Operation::Modify, &theirs, Rule::A1);
    f.denies("dev", Operation::Delete, &theirs, Rule::A5);
    f.ok("dev", cmd::rename(&theirs));
    f.denied("dev", cmd::delete(&theirs), Rule::A5);
}

#[test]
fn r2_developer_content_modify_own_or_granted_delete_share_publish_own() {
    let mut f = every_kind();
    for kind in CONTENT {
        let (mine, theirs) = (id(kind, "dev"), id(kind, ALICE));
        can_create(&f, "dev", kind, Rule::R2, true);
        f.allows("dev", Operation::View, &theirs, Rule::R2);
        f.allows("dev", Operation::Reference, &theirs, Rule::R2);
        f.allows("dev", Operation::Modify, &mine, Rule::R6);
        f.allows("dev", Operation::Delete, &mine, Rule::R6);
        f.allows("dev", Operation::Share, &mine, Rule::R6);
        f.denies("dev", Operation::Modify, &theirs, Rule::A5);
        f.denies("dev", Operation::Delete, &theirs, Rule::A5);
        f.denies("dev", Operation::Share, &theirs, Rule::A3);
        f.ok(ALICE, cmd::grant(&theirs, cmd::user("dev"), Level::Edit));
        f.allows("dev", Operation::Modify, &theirs, Rule::A1);
        f.denies("dev", Operation::Delete, &theirs, Rule::A5);
        f.denies("dev", Operation::Share, &theirs, Rule::A3);
        if kind != Kind::Dashboard {
            f.denies("dev", Operation::Publish, &mine, Rule::R2);
        }
    }
    // Publish: dashboards, their own only.
    f.allows(
        "dev",
        Operation::Publish,
        &id(Kind::Dashboard, "dev"),
        Rule::R6,
    );
    f.denies(
        "dev",
        Operation::Publish,
        &id(Kind::Dashboard, ALICE),
        Rule::R6,
    );
}

#[test]
fn r3_analyst_views_data_sources_and_uses_datasets_only() {
    let mut f = every_kind();
    f.member("ana", MAIN, &["analyst"]);
    let ds = id(Kind::DataSource, "dev");
    let set = id(Kind::Dataset, "dev");
    f.allows("ana", Operation::View, &ds, Rule::R3);
    f.denies("ana", Operation::Use, &ds, Rule::R3);
    f.denies("ana", Operation::Modify, &ds, Rule::R3);
    can_create(&f, "ana", Kind::DataSource, Rule::R3, false);
    f.allows("ana", Operation::View, &set, Rule::R3);
    f.allows("ana", Operation::Use, &set, Rule::R3);
    f.denies("ana", Operation::Modify, &set, Rule::R3);
    f.denies("ana", Operation::Delete, &set, Rule::R3);
    can_create(&f, "ana", Kind::Dataset, Rule::R3, false);
    // Building on a dataset needs use; on a data source, which analysts cannot use, it fails.
    f.ok(
        "ana",
        cmd::create_asset("a1", MAIN, Kind::Dashboard, None, &[&set]),
    );
    f.denied(
        "ana",
        cmd::create_asset("a2", MAIN, Kind::Dashboard, None, &[&ds]),
        Rule::R3,
    );
}

#[test]
fn r3_analyst_builds_content_as_a_developer_but_only_views_forms() {
    let mut f = every_kind();
    f.member("ana", MAIN, &["analyst"]);
    for kind in ANALYST_CONTENT {
        can_create(&f, "ana", kind, Rule::R3, true);
        let theirs = id(kind, "dev");
        f.allows("ana", Operation::View, &theirs, Rule::R3);
        f.allows("ana", Operation::Reference, &theirs, Rule::R3);
        f.denies("ana", Operation::Modify, &theirs, Rule::A5);
        f.denies("ana", Operation::Delete, &theirs, Rule::A5);
        f.ok(
            "ana",
            cmd::create_asset(&id(kind, "ana"), MAIN, kind, None, &[]),
        );
        f.allows("ana", Operation::Modify, &id(kind, "ana"), Rule::R6);
        f.allows("ana", Operation::Delete, &id(kind, "ana"), Rule::R6);
    }
    f.allows(
        "ana",
        Operation::Publish,
        &id(Kind::Dashboard, "ana"),
        Rule::R6,
    );
    let form = id(Kind::DataEntryForm, "dev");
    f.allows("ana", Operation::View, &form, Rule::R3);
    f.denies("ana", Operation::Modify, &form, Rule::R3);
    f.denies("ana", Operation::Reference, &form, Rule::R3);
    can_create(&f, "ana", Kind::DataEntryForm, Rule::R3, false);
}

#[test]
fn r4_visitor_only_views_content() {
    let mut f = every_kind();
    f.member("vis", MAIN, &["visitor"]);
    for kind in CONTENT {
        let theirs = id(kind, "dev");
        f.allows("vis", Operation::View, &theirs, Rule::R4);
        can_create(&f, "vis", kind, Rule::R4, false);
        for op in [
            Operation::Modify,
            Operation::Delete,
            Operation::Share,
            Operation::Reference,
            Operation::Publish,
            Operation::Use,
            Operation::Transfer,
            Operation::Authorize,
        ] {
            f.denies("vis", op, &theirs, Rule::R4);
        }
    }
    for kind in [Kind::DataSource, Kind::Dataset] {
        can_create(&f, "vis", kind, Rule::R4, false);
        for &op in Operation::ALL {
            if op != Operation::Create {
                f.denies("vis", op, &id(kind, "dev"), Rule::R4);
            }
        }
    }
    f.denied(
        "vis",
        cmd::create_asset("v1", MAIN, Kind::Dashboard, None, &[]),
        Rule::R4,
    );
    f.denied("vis", cmd::rename(&id(Kind::Dashboard, "dev")), Rule::R4);
    f.denied("vis", cmd::create_folder("vf", MAIN, None), Rule::R4);
}

#[test]
fn r4_visitor_exports_only_what_they_are_granted_export_on() {
    let mut f = every_kind();
    f.member("vis", MAIN, &["visitor"]);
    let d = id(Kind::Dashboard, "dev");
    f.denies("vis", Operation::Export, &d, Rule::A1);
    f.ok("dev", cmd::grant(&d, cmd::user("vis"), Level::Export));
    f.allows("vis", Operation::Export, &d, Rule::A1);
    f.denies("vis", Operation::Modify, &d, Rule::R4);
}

fn custom_role(ws: &str, role: &str, points: &[(Kind, Operation)]) -> Command {
    Command::DefineWorkspaceRole {
        workspace: ws.into(),
        role: role.into(),
        name: format!("Role {role}"),
        points: points
            .iter()
            .map(|&(kind, operation)| Point { kind, operation })
            .collect(),
    }
}

#[test]
fn r5_a_custom_role_is_a_named_set_of_points() {
    let mut f = every_kind();
    f.member("cus", MAIN, &["visitor"]);
    f.ok(
        ALICE,
        custom_role(
            MAIN,
            "board_builder",
            &[
                (Kind::Dashboard, Operation::Create),
                (Kind::Dashboard, Operation::View),
                (Kind::Dashboard, Operation::Modify),
                (Kind::Dashboard, Operation::Delete),
            ],
        ),
    );
    f.ok(ALICE, cmd::set_roles(MAIN, "cus", &["board_builder"]));
    can_create(&f, "cus", Kind::Dashboard, Rule::R5, true);
    can_create(&f, "cus", Kind::Workbook, Rule::R5, false);
    let theirs = id(Kind::Dashboard, "dev");
    f.allows("cus", Operation::View, &theirs, Rule::R5);
    f.denies("cus", Operation::View, &id(Kind::Workbook, "dev"), Rule::R5);
    // Custom points get the presets' scope: modify own or granted, delete own.
    f.denies("cus", Operation::Modify, &theirs, Rule::A5);
    f.denies("cus", Operation::Delete, &theirs, Rule::A5);
    f.ok(
        "cus",
        cmd::create_asset("c1", MAIN, Kind::Dashboard, None, &[]),
    );
    f.allows("cus", Operation::Delete, "c1", Rule::R6);
    f.ok("dev", cmd::grant(&theirs, cmd::user("cus"), Level::Edit));
    f.allows("cus", Operation::Modify, &theirs, Rule::A1);
    // Redefining the role changes what its holders may do.
    f.ok(
        ALICE,
        custom_role(MAIN, "board_builder", &[(Kind::Workbook, Operation::View)]),
    );
    f.denies("cus", Operation::View, &theirs, Rule::R5);
    f.allows("cus", Operation::View, &id(Kind::Workbook, "dev"), Rule::R5);
}

#[test]
fn r5_workspace_or_org_admins_define_custom_roles() {
    let mut f = Fixture::new();
    f.member("wsa", MAIN, &["admin"]);
    f.member("dev", MAIN, &["developer"]);
    let role = |name: &str| custom_role(MAIN, name, &[(Kind::Dashboard, Operation::View)]);
    f.denied("dev", role("r_dev"), Rule::R5);
    f.ok("wsa", role("r_wsa"));
    f.ok(ALICE, role("r_org"));
    let part = f.engine.workspace_part(MAIN).unwrap();
    let ids: Vec<&str> = part.roles.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids, ["r_org", "r_wsa"]);
}

#[test]
fn r5_presets_are_fixed_and_roles_in_use_cannot_be_deleted() {
    let mut f = Fixture::new();
    f.member("bob", MAIN, &["visitor"]);
    let delete = |role: &str| Command::DeleteWorkspaceRole {
        workspace: MAIN.into(),
        role: role.into(),
    };
    for preset in ["admin", "developer", "analyst", "visitor"] {
        f.denied(ALICE, custom_role(MAIN, preset, &[]), Rule::R5);
        f.denied(ALICE, delete(preset), Rule::R5);
    }
    f.ok(
        ALICE,
        custom_role(MAIN, "reader", &[(Kind::Dashboard, Operation::View)]),
    );
    f.ok(ALICE, cmd::set_roles(MAIN, "bob", &["reader"]));
    f.denied(ALICE, delete("reader"), Rule::R5);
    f.ok(ALICE, cmd::set_roles(MAIN, "bob", &["visitor"]));
    f.ok(ALICE, delete("reader"));
    f.refused_as(ALICE, delete("reader"), "not_found");
}

#[test]
fn r6_ownership_starts_with_the_creator() {
    let mut f = Fixture::new();
    f.member("bob", MAIN, &["developer"]);
    f.member("carol", MAIN, &["developer"]);
    f.asset("bob", "d1", MAIN, Kind::Dashboard);
    assert_eq!(f.owner_of("d1").unwrap().0, "bob");
    f.allows("bob", Operation::Delete, "d1", Rule::R6);
    f.denies("carol", Operation::Delete, "d1", Rule::A5);
    // An admin acting on it does not take it over.
    f.ok(ALICE, cmd::rename("d1"));
    assert_eq!(f.owner_of("d1").unwrap().0, "bob");
}

#[test]
fn r6_ownership_moves_only_by_transfer_or_removal() {
    let mut f = Fixture::new();
    f.member("bob", MAIN, &["developer"]);
    f.member("carol", MAIN, &["developer"]);
    f.member("dave", MAIN, &["developer"]);
    f.asset("bob", "d1", MAIN, Kind::Dashboard);
    // An edit grant is not ownership.
    f.ok("bob", cmd::grant("d1", cmd::user("carol"), Level::Edit));
    f.allows("carol", Operation::Modify, "d1", Rule::A1);
    f.denies("carol", Operation::Delete, "d1", Rule::A5);
    assert_eq!(f.owner_of("d1").unwrap().0, "bob");
    f.ok("bob", cmd::transfer("d1", "carol"));
    assert_eq!(f.owner_of("d1").unwrap().0, "carol");
    f.allows("carol", Operation::Delete, "d1", Rule::R6);
    f.ok(ALICE, cmd::remove_member("carol", "dave"));
    assert_eq!(f.owner_of("d1").unwrap().0, "dave");
    f.allows("dave", Operation::Delete, "d1", Rule::R6);
}
