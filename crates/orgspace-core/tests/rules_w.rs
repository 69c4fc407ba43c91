//! W: group and personal workspaces, the default, modes and what members see.

mod common;

use common::{ALICE, Fixture, MAIN, cmd, personal};
use orgspace_core::{Command, Kind, Level, Mode, Operation, Point, Rule};

fn delete_ws(ws: &str) -> Command {
    Command::DeleteWorkspace {
        workspace: ws.into(),
    }
}

fn set_default(ws: &str) -> Command {
    Command::SetDefaultWorkspace {
        workspace: ws.into(),
    }
}

#[test]
fn w1_only_org_admins_create_modify_and_delete_group_workspaces() {
    let mut f = Fixture::new();
    f.member("bob", MAIN, &["admin"]);
    f.denied(
        "bob",
        cmd::create_workspace("ops", Mode::Private, None),
        Rule::W1,
    );
    f.ok(
        ALICE,
        cmd::create_workspace("ops", Mode::Private, Some(&["bob"])),
    );
    let rename = Command::ModifyWorkspace {
        workspace: "ops".into(),
        name: "Operations".into(),
    };
    // Bob administers ops but is not an org admin.
    f.denied("bob", rename.clone(), Rule::W1);
    f.denied("bob", delete_ws("ops"), Rule::W1);
    f.ok(ALICE, rename);
    let header = f.snapshot().org.workspaces;
    assert!(
        header
            .iter()
            .any(|h| h.id == "ops" && h.name == "Operations")
    );
    f.ok(ALICE, delete_ws("ops"));
    assert!(f.engine.workspace_part("ops").is_none());
}

#[test]
fn w1_the_creator_appoints_admins_who_may_appoint_more() {
    let mut f = Fixture::new();
    f.member("bob", MAIN, &["visitor"]);
    f.member("carol", MAIN, &["visitor"]);
    f.member("dave", MAIN, &["visitor"]);
    f.invalid(
        ALICE,
        cmd::create_workspace("ops", Mode::Private, Some(&[])),
        Rule::W1,
    );
    f.ok(
        ALICE,
        cmd::create_workspace("ops", Mode::Private, Some(&["bob"])),
    );
    assert_eq!(f.ws_roles_of("ops", "bob").unwrap(), ["admin"]);
    assert_eq!(f.ws_roles_of("ops", ALICE), None);
    f.ok("bob", cmd::join("ops", "carol", &["developer"]));
    f.ok("bob", cmd::join("ops", "dave", &["developer"]));
    // A developer makes nobody admin; an admin does.
    f.denied("carol", cmd::set_roles("ops", "dave", &["admin"]), Rule::R1);
    f.denied(
        "carol",
        cmd::set_roles("ops", "carol", &["admin"]),
        Rule::R1,
    );
    f.ok("bob", cmd::set_roles("ops", "carol", &["admin"]));
    f.ok("carol", cmd::set_roles("ops", "dave", &["admin"]));
    assert_eq!(f.ws_roles_of("ops", "dave").unwrap(), ["admin"]);
}

#[test]
fn w2_the_default_workspace_cannot_be_deleted_while_default() {
    let mut f = Fixture::new();
    f.workspace("ops", Mode::Private);
    f.denied(ALICE, delete_ws(MAIN), Rule::W2);
    f.ok(ALICE, set_default("ops"));
    assert_eq!(f.snapshot().org.default_workspace, "ops");
    f.denied(ALICE, delete_ws("ops"), Rule::W2);
    f.ok(ALICE, delete_ws(MAIN));
    f.assert_invariants();
}

#[test]
fn w2_only_a_group_workspace_can_be_the_default() {
    let mut f = Fixture::new();
    f.denied(ALICE, set_default(&personal(ALICE)), Rule::W2);
    f.refused_as(ALICE, set_default(MAIN), "conflict");
    f.refused_as(ALICE, set_default("nowhere"), "not_found");
    f.workspace("ops", Mode::Collaboration);
    f.ok(ALICE, set_default("ops"));
    // Exactly one default: main is no longer it.
    f.ok(ALICE, delete_ws(MAIN));
    assert_eq!(f.snapshot().org.default_workspace, "ops");
}

#[test]
fn w3_each_member_has_exactly_one_personal_workspace() {
    let mut f = Fixture::new();
    f.member("bob", MAIN, &["visitor"]);
    f.org_member("carol", &["permission_admin"]);
    let mut owners: Vec<String> = f.personal_workspaces().into_iter().map(|p| p.1).collect();
    owners.sort();
    assert_eq!(owners, ["alice", "bob", "carol"]);
    assert!(
        f.personal_workspaces()
            .contains(&(personal("bob"), "bob".into()))
    );
    // No group workspace takes the personal prefix.
    f.refused_as(
        ALICE,
        cmd::create_workspace(&personal("zed"), Mode::Private, None),
        "invalid",
    );
}

#[test]
fn w3_a_personal_workspace_cannot_be_deleted_nor_hold_others() {
    let mut f = Fixture::new();
    f.member("bob", MAIN, &["visitor"]);
    f.member("carol", MAIN, &["developer"]);
    f.denied(ALICE, delete_ws(&personal("bob")), Rule::W3);
    f.denied(
        ALICE,
        cmd::join(&personal("bob"), "carol", &["viewer"]),
        Rule::W3,
    );
    f.denied(
        ALICE,
        cmd::join(&personal("bob"), "carol", &["visitor"]),
        Rule::W3,
    );
    f.denied(ALICE, set_default(&personal("bob")), Rule::W2);
    assert!(
        f.engine
            .workspace_part(&personal("bob"))
            .unwrap()
            .members
            .is_empty()
    );
}

#[test]
fn w3_the_owner_holds_every_permission_in_their_personal_workspace() {
    let mut f = Fixture::new();
    f.member("bob", MAIN, &["visitor"]);
    f.member("carol", MAIN, &["developer"]);
    let ws = personal("bob");
    for &kind in Kind::ALL {
        assert!(f.check_create("bob", &ws, kind).allowed, "{kind}");
        assert_eq!(f.check_create("bob", &ws, kind).rule, Rule::W3);
    }
    f.asset("bob", "ds", &ws, Kind::DataSource);
    for &op in Operation::ALL {
        if op != Operation::Create {
            f.allows("bob", op, "ds", Rule::W3);
        }
    }
    // Nobody else acts there without a grant, and nobody else creates there (decided).
    f.denies("carol", Operation::View, "ds", Rule::W3);
    assert!(!f.check_create("carol", &ws, Kind::Dashboard).allowed);
    assert_eq!(f.check_create("carol", &ws, Kind::Dashboard).rule, Rule::W3);
    assert!(!f.check_create(ALICE, &ws, Kind::Dashboard).allowed);
    f.denied(
        ALICE,
        cmd::create_asset("x", &ws, Kind::Dashboard, None, &[]),
        Rule::W3,
    );
}

#[test]
fn w4_personal_assets_go_to_any_member_of_the_organization() {
    let mut f = Fixture::new();
    f.workspace("ops", Mode::Private);
    f.member("bob", MAIN, &["visitor"]);
    f.member("carol", "ops", &["developer"]);
    f.asset("bob", "p1", &personal("bob"), Kind::Workbook);
    f.asset("bob", "p2", &personal("bob"), Kind::Dashboard);
    // Carol shares no group workspace with bob; her role elsewhere caps the grant (A2).
    f.ok("bob", cmd::share("p1", &["carol"], Some(Level::Edit)));
    f.allows("carol", Operation::View, "p1", Rule::A1);
    f.allows("carol", Operation::Modify, "p1", Rule::A1);
    f.denies("carol", Operation::Delete, "p1", Rule::W3);
    assert_eq!(f.visible_assets("carol", &personal("bob")), ["p1"]);
    f.ok("bob", cmd::transfer("p2", "carol"));
    assert_eq!(
        f.owner_of("p2").unwrap(),
        ("carol".into(), personal("carol"))
    );
}

#[test]
fn w4_group_assets_go_only_to_members_of_the_workspace() {
    let mut f = Fixture::new();
    f.workspace("ops", Mode::Private);
    f.member("bob", MAIN, &["developer"]);
    f.member("carol", "ops", &["developer"]);
    f.member("dave", MAIN, &["developer"]);
    f.asset("bob", "d1", MAIN, Kind::Dashboard);
    f.denied("bob", cmd::share("d1", &["carol"], None), Rule::W4);
    f.denied(
        "bob",
        cmd::grant("d1", cmd::user("carol"), Level::View),
        Rule::W4,
    );
    f.denied("bob", cmd::transfer("d1", "carol"), Rule::W4);
    f.ok("bob", cmd::share("d1", &["dave"], None));
    f.ok("bob", cmd::transfer("d1", "dave"));
    assert_eq!(f.owner_of("d1").unwrap(), ("dave".into(), MAIN.into()));
}

#[test]
fn w5_nothing_grants_access_across_workspaces() {
    let mut f = Fixture::new();
    f.workspace("ops", Mode::Collaboration);
    f.member("bob", MAIN, &["admin"]);
    f.asset(ALICE, "o1", "ops", Kind::Dashboard);
    f.asset(ALICE, "m1", MAIN, Kind::Dataset);
    // Even the admin of another workspace.
    f.denies("bob", Operation::View, "o1", Rule::W5);
    f.allows("bob", Operation::View, "m1", Rule::R1);
    assert!(!f.check_create("bob", "ops", Kind::Dashboard).allowed);
    assert_eq!(f.check_create("bob", "ops", Kind::Dashboard).rule, Rule::W5);
    let r = f.engine.visible_assets("bob", "ops", f.now).unwrap_err();
    assert_eq!(r.rule(), Some(Rule::W5));
    // References stay within one workspace.
    f.invalid(
        ALICE,
        cmd::create_asset("o2", "ops", Kind::Dashboard, None, &["m1"]),
        Rule::W5,
    );
    f.ok(
        ALICE,
        cmd::create_asset("o2", "ops", Kind::Dashboard, None, &[]),
    );
    let snap = f.snapshot();
    let holders: Vec<&str> = snap
        .workspaces
        .iter()
        .filter(|w| w.assets.iter().any(|a| a.id == "o2"))
        .map(|w| w.id.as_str())
        .collect();
    assert_eq!(holders, ["ops"]);
}

#[test]
fn w6_every_workspace_member_holds_a_role() {
    let mut f = Fixture::new();
    f.workspace("ops", Mode::Private);
    f.member("bob", MAIN, &["developer"]);
    f.invalid(ALICE, cmd::join("ops", "bob", &[]), Rule::W6);
    f.refused_as(ALICE, cmd::join("ops", "bob", &["wizard"]), "not_found");
    f.invalid(ALICE, cmd::set_roles(MAIN, "bob", &[]), Rule::W6);
    f.ok(ALICE, cmd::join("ops", "bob", &["analyst"]));
    // A member named without roles gets visitor.
    f.ok(ALICE, cmd::add_member("carol", Some("ops"), &[]));
    assert_eq!(f.ws_roles_of("ops", "carol").unwrap(), ["visitor"]);
}

#[test]
fn w6_permissions_are_the_union_of_roles() {
    let mut f = Fixture::new();
    f.member("bob", MAIN, &["visitor"]);
    f.asset(ALICE, "ds", MAIN, Kind::Dataset);
    f.asset(ALICE, "d1", MAIN, Kind::Dashboard);
    f.denies("bob", Operation::View, "ds", Rule::R4);
    f.ok(
        ALICE,
        Command::DefineWorkspaceRole {
            workspace: MAIN.into(),
            role: "data_reader".into(),
            name: "Data reader".into(),
            points: vec![Point {
                kind: Kind::Dataset,
                operation: Operation::View,
            }],
        },
    );
    f.ok(
        ALICE,
        cmd::set_roles(MAIN, "bob", &["visitor", "data_reader"]),
    );
    f.allows("bob", Operation::View, "ds", Rule::R5);
    f.allows("bob", Operation::View, "d1", Rule::R4);
    f.denies("bob", Operation::Use, "ds", Rule::R4);
    assert!(!f.check_create("bob", MAIN, Kind::Dashboard).allowed);
    f.ok(ALICE, cmd::set_roles(MAIN, "bob", &["visitor", "analyst"]));
    assert!(f.check_create("bob", MAIN, Kind::Dashboard).allowed);
    f.allows("bob", Operation::Use, "ds", Rule::R3);
}

#[test]
fn w7_collaboration_mode_lists_everything_to_every_member() {
    let mut f = Fixture::new();
    f.member("bob", MAIN, &["developer"]);
    f.member("dave", MAIN, &["visitor"]);
    f.folder("bob", "fa", MAIN, None);
    f.folder("bob", "fb", MAIN, Some("fa"));
    f.folder("bob", "empty", MAIN, None);
    f.asset_in("bob", "ds", MAIN, Kind::Dataset, "fb");
    f.asset("bob", "d1", MAIN, Kind::Dashboard);
    assert_eq!(f.visible_assets("dave", MAIN), ["d1", "ds"]);
    assert_eq!(f.visible_folders("dave", MAIN), ["empty", "fa", "fb"]);
    // Opening still needs a role that views the kind (decisions.md).
    f.allows("dave", Operation::View, "d1", Rule::R4);
    f.denies("dave", Operation::View, "ds", Rule::R4);
}

#[test]
fn w7_private_mode_lists_only_what_a_member_may_view() {
    let mut f = Fixture::with_mode(Mode::Private);
    f.member("bob", MAIN, &["developer"]);
    f.member("carol", MAIN, &["analyst"]);
    f.member("dave", MAIN, &["visitor"]);
    f.member("wsa", MAIN, &["admin"]);
    f.folder(ALICE, "top", MAIN, None);
    f.folder(ALICE, "mid", MAIN, Some("top"));
    f.folder(ALICE, "deep", MAIN, Some("mid"));
    f.folder(ALICE, "other", MAIN, None);
    f.asset_in("bob", "own", MAIN, Kind::Dashboard, "deep");
    f.asset_in("bob", "pub", MAIN, Kind::Dashboard, "other");
    f.asset("bob", "granted", MAIN, Kind::Workbook);
    f.asset("bob", "hidden", MAIN, Kind::Workbook);
    f.asset("bob", "pubset", MAIN, Kind::Dataset);
    f.ok("bob", cmd::set_public("pub", true));
    f.ok("bob", cmd::set_public("pubset", true));
    f.ok("bob", cmd::share("granted", &["carol", "dave"], None));

    assert_eq!(
        f.visible_assets("carol", MAIN),
        ["granted", "pub", "pubset"]
    );
    // The visitor sees no dataset, public or not.
    assert_eq!(f.visible_assets("dave", MAIN), ["granted", "pub"]);
    assert_eq!(f.visible_folders("dave", MAIN), ["other"]);
    assert_eq!(
        f.visible_folders("bob", MAIN),
        ["deep", "mid", "other", "top"]
    );
    f.denies("carol", Operation::View, "hidden", Rule::W7);
    f.allows("carol", Operation::View, "pub", Rule::A4);
    f.allows("carol", Operation::View, "granted", Rule::A1);
    f.allows("bob", Operation::View, "hidden", Rule::R6);
    // Workspace and org admins see everything.
    let all = ["granted", "hidden", "own", "pub", "pubset"];
    assert_eq!(f.visible_assets("wsa", MAIN), all);
    assert_eq!(f.visible_assets(ALICE, MAIN), all);
    assert_eq!(
        f.visible_folders("wsa", MAIN),
        ["deep", "mid", "other", "top"]
    );
    f.allows("wsa", Operation::View, "hidden", Rule::R1);
}

#[test]
fn w7_an_expired_grant_hides_the_asset_again() {
    let mut f = Fixture::with_mode(Mode::Private);
    f.member("carol", MAIN, &["analyst"]);
    f.asset(ALICE, "d1", MAIN, Kind::Dashboard);
    f.ok(
        ALICE,
        cmd::grant_until("d1", cmd::user("carol"), Level::View, f.now + 10),
    );
    assert_eq!(f.visible_assets("carol", MAIN), ["d1"]);
    f.now += 10;
    assert!(f.visible_assets("carol", MAIN).is_empty());
    f.denies("carol", Operation::View, "d1", Rule::A1);
}

#[test]
fn w8_private_mode_new_assets_and_folders_are_hidden_until_shared() {
    let mut f = Fixture::with_mode(Mode::Private);
    f.member("bob", MAIN, &["developer"]);
    f.member("carol", MAIN, &["analyst"]);
    f.member("wsa", MAIN, &["admin"]);
    f.folder("bob", "fb", MAIN, None);
    // A new folder: nobody but admins, not even its maker.
    assert!(f.visible_folders("bob", MAIN).is_empty());
    assert!(f.visible_folders("carol", MAIN).is_empty());
    assert_eq!(f.visible_folders("wsa", MAIN), ["fb"]);
    assert_eq!(f.visible_folders(ALICE, MAIN), ["fb"]);
    f.asset_in("bob", "d1", MAIN, Kind::Dashboard, "fb");
    // A new asset: its creator and admins.
    assert_eq!(f.visible_assets("bob", MAIN), ["d1"]);
    assert_eq!(f.visible_folders("bob", MAIN), ["fb"]);
    assert!(f.visible_assets("carol", MAIN).is_empty());
    assert!(f.visible_folders("carol", MAIN).is_empty());
    assert_eq!(f.visible_assets("wsa", MAIN), ["d1"]);
    f.denies("carol", Operation::View, "d1", Rule::W7);
    // Shared: now carol sees it and its folder.
    f.ok("bob", cmd::share("d1", &["carol"], None));
    assert_eq!(f.visible_assets("carol", MAIN), ["d1"]);
    assert_eq!(f.visible_folders("carol", MAIN), ["fb"]);
}

#[test]
fn w8_collaboration_mode_new_assets_and_folders_are_visible_to_all() {
    let mut f = Fixture::new();
    f.member("bob", MAIN, &["developer"]);
    f.member("dave", MAIN, &["visitor"]);
    f.folder("bob", "fb", MAIN, None);
    assert_eq!(f.visible_folders("dave", MAIN), ["fb"]);
    f.asset_in("bob", "d1", MAIN, Kind::Dashboard, "fb");
    assert_eq!(f.visible_assets("dave", MAIN), ["d1"]);
    f.allows("dave", Operation::View, "d1", Rule::R4);
    f.denies("dave", Operation::Modify, "d1", Rule::R4);
}

#[test]
fn w9_workspace_admins_switch_the_mode() {
    let mut f = Fixture::new();
    f.member("bob", MAIN, &["developer"]);
    f.member("wsa", MAIN, &["admin"]);
    f.member("dave", MAIN, &["visitor"]);
    f.asset("bob", "d1", MAIN, Kind::Dashboard);
    f.denied("bob", cmd::set_mode(MAIN, Mode::Private), Rule::W9);
    f.denied("dave", cmd::set_mode(MAIN, Mode::Private), Rule::W9);
    f.refused_as("wsa", cmd::set_mode(MAIN, Mode::Collaboration), "conflict");
    f.ok("wsa", cmd::set_mode(MAIN, Mode::Private));
    assert!(f.visible_assets("dave", MAIN).is_empty());
    f.denies("dave", Operation::View, "d1", Rule::W7);
    f.ok(ALICE, cmd::set_mode(MAIN, Mode::Collaboration));
    assert_eq!(f.visible_assets("dave", MAIN), ["d1"]);
    f.denied(
        ALICE,
        cmd::set_mode(&personal("bob"), Mode::Collaboration),
        Rule::W3,
    );
}

#[test]
fn w9_dry_run_reports_who_gains_or_loses_sight() {
    let mut f = Fixture::new();
    f.member("bob", MAIN, &["developer"]);
    f.member("carol", MAIN, &["analyst"]);
    f.member("dave", MAIN, &["visitor"]);
    f.member("wsa", MAIN, &["admin"]);
    f.asset("bob", "d1", MAIN, Kind::Dashboard);
    f.asset("bob", "d2", MAIN, Kind::Dashboard);
    f.asset("carol", "d3", MAIN, Kind::Dashboard);
    f.ok("bob", cmd::share("d2", &["dave"], None));

    let before = f.engine.to_json();
    let run = f
        .engine
        .mode_switch_dry_run("wsa", MAIN, Mode::Private, f.now)
        .unwrap();
    assert_eq!(f.engine.to_json(), before, "a dry run changes nothing");
    assert_eq!((run.from, run.to), (Mode::Collaboration, Mode::Private));
    let changes: Vec<(&str, Vec<&str>, Vec<&str>)> = run
        .changes
        .iter()
        .map(|c| {
            let mut loses: Vec<&str> = c.loses.iter().map(String::as_str).collect();
            loses.sort_unstable();
            (
                c.user.as_str(),
                c.gains.iter().map(String::as_str).collect(),
                loses,
            )
        })
        .collect();
    // Admins never appear; everyone else loses what is neither theirs, granted nor public.
    assert_eq!(
        changes,
        [
            ("bob", vec![], vec!["d3"]),
            ("carol", vec![], vec!["d1", "d2"]),
            ("dave", vec![], vec!["d1", "d3"]),
        ]
    );
    // The dry run answers what the switch then does.
    f.ok("wsa", cmd::set_mode(MAIN, Mode::Private));
    assert_eq!(f.visible_assets("dave", MAIN), ["d2"]);
    let back = f
        .engine
        .mode_switch_dry_run("wsa", MAIN, Mode::Collaboration, f.now)
        .unwrap();
    let dave = back.changes.iter().find(|c| c.user == "dave").unwrap();
    assert!(dave.loses.is_empty());
    assert_eq!(dave.gains.len(), 2);

    let r = f
        .engine
        .mode_switch_dry_run("bob", MAIN, Mode::Collaboration, f.now)
        .unwrap_err();
    assert_eq!(r.rule(), Some(Rule::W9));
}

#[test]
fn w4_an_org_admin_outside_a_group_workspace_is_neither_granted_nor_given_its_assets() {
    // Issue 16's defect: sharing or transferring a group workspace's asset to an org admin who
    // is not its member was accepted. W4 has no exception: org admins act on every asset
    // through O6, with no grant, and own only where they are members.
    let mut f = Fixture::with_mode(Mode::Private);
    f.org_member("root", &["org_admin"]);
    f.member("bob", MAIN, &["developer"]);
    f.asset("bob", "d1", MAIN, Kind::Dashboard);
    f.denied("bob", cmd::share("d1", &["root"], None), Rule::W4);
    f.denied(
        "bob",
        cmd::grant("d1", cmd::user("root"), Level::View),
        Rule::W4,
    );
    f.denied("bob", cmd::transfer("d1", "root"), Rule::W4);
    f.denied(ALICE, cmd::transfer("d1", "root"), Rule::W4);
    f.allows("root", Operation::Modify, "d1", Rule::O6);
    // A personal workspace's assets go to any member, org admins included.
    f.asset("bob", "p1", &personal("bob"), Kind::Dashboard);
    f.ok("bob", cmd::share("p1", &["root"], None));
    // As a member of the workspace, root is granted and given assets like anyone.
    f.ok(ALICE, cmd::join(MAIN, "root", &["developer"]));
    f.ok("bob", cmd::share("d1", &["root"], None));
    f.ok("bob", cmd::transfer("d1", "root"));
    assert_eq!(f.owner_of("d1").unwrap().0, "root");
}
