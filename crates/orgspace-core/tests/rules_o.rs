//! O: the organization, its roles, members and the workspaces every member belongs to.

mod common;

use common::{ALICE, Fixture, MAIN, cmd, personal};
use orgspace_core::{Command, Engine, Kind, Level, Mode, Operation, OrgPoint, Rule};

fn define_org_role(role: &str, points: &[OrgPoint]) -> Command {
    Command::DefineOrgRole {
        role: role.into(),
        name: format!("Role {role}"),
        points: points.to_vec(),
    }
}

#[test]
fn o1_creator_becomes_first_org_admin() {
    let mut f = Fixture::new();
    assert_eq!(f.engine.org_id(), Some("acme"));
    assert_eq!(f.org_roles_of(ALICE).unwrap(), ["org_admin"]);
    assert_eq!(f.ws_roles_of(MAIN, ALICE).unwrap(), ["admin"]);
    assert!(
        f.personal_workspaces()
            .contains(&(personal(ALICE), ALICE.into()))
    );
    // As org admin she manages members and workspaces right away.
    f.member("bob", MAIN, &["developer"]);
    f.workspace("ops", Mode::Private);
    f.asset("bob", "d1", MAIN, Kind::Dashboard);
    f.allows(ALICE, Operation::Delete, "d1", Rule::O6);
    // Bob, added after her, is no org admin.
    f.denied("bob", cmd::add_member("carol", None, &[]), Rule::O3);
}

#[test]
fn o1_an_organization_is_created_once() {
    let mut f = Fixture::new();
    f.member("bob", MAIN, &[]);
    let again = Command::CreateOrg {
        org: "other".into(),
        name: "Other".into(),
        default_workspace: "w".into(),
        default_workspace_name: None,
        mode: None,
    };
    f.refused_as("bob", again, "conflict");
    assert_eq!(f.org_roles_of("bob").unwrap(), Vec::<String>::new());

    // Before create_org, nothing else is accepted.
    let mut empty = Engine::new();
    let r = empty
        .execute(ALICE, &cmd::add_member("bob", None, &[]), 0)
        .unwrap_err();
    assert_eq!(r.code(), "not_found");
    assert_eq!(empty.to_json(), "null");
}

#[test]
fn o2_custom_org_role_points_add_up() {
    let mut f = Fixture::new();
    f.ok(ALICE, define_org_role("people", &[OrgPoint::ManageMembers]));
    f.ok(
        ALICE,
        define_org_role("spaces", &[OrgPoint::ManageWorkspaces]),
    );
    f.ok(
        ALICE,
        Command::AddMember {
            user: "bob".into(),
            org_roles: vec!["people".into()],
            workspace: None,
            workspace_roles: vec![],
            attributes: Default::default(),
        },
    );
    // One role: members yes, workspaces no.
    f.ok("bob", cmd::add_member("carol", None, &[]));
    f.denied(
        "bob",
        cmd::create_workspace("ops", Mode::Private, None),
        Rule::W1,
    );
    // Both roles: the points add up.
    f.ok(ALICE, cmd::set_org_roles("bob", &["people", "spaces"]));
    assert_eq!(f.org_roles_of("bob").unwrap(), ["people", "spaces"]);
    f.ok("bob", cmd::create_workspace("ops", Mode::Private, None));
    f.ok("bob", cmd::add_member("dave", None, &[]));
}

#[test]
fn o2_only_org_admins_define_org_roles_and_presets_are_fixed() {
    let mut f = Fixture::new();
    f.org_member("bob", &["permission_admin"]);
    f.denied(
        "bob",
        define_org_role("x", &[OrgPoint::ViewAuditLog]),
        Rule::O2,
    );
    f.denied(ALICE, define_org_role("org_admin", &[]), Rule::O2);
    f.denied(ALICE, define_org_role("permission_admin", &[]), Rule::O2);
    f.ok(ALICE, define_org_role("auditor", &[OrgPoint::ViewAuditLog]));
    f.ok(ALICE, cmd::add_member("carol", None, &[]));
    f.ok(ALICE, cmd::set_org_roles("carol", &["auditor"]));
    // A role someone holds cannot be deleted.
    let delete = || Command::DeleteOrgRole {
        role: "auditor".into(),
    };
    f.denied(ALICE, delete(), Rule::O2);
    f.ok(ALICE, cmd::set_org_roles("carol", &[]));
    f.ok(ALICE, delete());
    f.refused_as(
        ALICE,
        cmd::set_org_roles("carol", &["auditor"]),
        "not_found",
    );
}

#[test]
fn o3_only_org_admins_or_manage_members_add_and_remove_members() {
    let mut f = Fixture::new();
    f.member("bob", MAIN, &["admin"]);
    f.org_member("erin", &["permission_admin"]);
    // A workspace admin and a permission admin are not enough.
    f.denied("bob", cmd::add_member("carol", None, &[]), Rule::O3);
    f.denied("erin", cmd::add_member("carol", None, &[]), Rule::O3);
    f.ok(ALICE, cmd::add_member("carol", None, &[]));
    f.denied("bob", cmd::remove_member("carol", "bob"), Rule::O3);
    f.denied(
        "bob",
        cmd::set_org_roles("carol", &["permission_admin"]),
        Rule::O3,
    );
    f.ok(ALICE, cmd::remove_member("carol", ALICE));
    assert!(!f.is_member("carol"));

    f.ok(ALICE, define_org_role("people", &[OrgPoint::ManageMembers]));
    f.ok(ALICE, cmd::set_org_roles("bob", &["people"]));
    f.ok("bob", cmd::add_member("carol", None, &[]));
    f.ok("bob", cmd::remove_member("carol", "bob"));
}

#[test]
fn o3_an_org_admin_may_make_another_member_org_admin() {
    let mut f = Fixture::new();
    f.member("bob", MAIN, &["visitor"]);
    f.denied("bob", cmd::set_org_roles("bob", &["org_admin"]), Rule::O3);
    f.ok(ALICE, cmd::set_org_roles("bob", &["org_admin"]));
    assert_eq!(f.org_roles_of("bob").unwrap(), ["org_admin"]);
    f.ok("bob", cmd::add_member("carol", None, &[]));
    f.ok("bob", cmd::set_org_roles("carol", &["org_admin"]));
}

#[test]
fn o4_permission_admin_authorizes_centrally() {
    let mut f = Fixture::with_mode(Mode::Private);
    f.workspace("ops", Mode::Private);
    f.member("bob", MAIN, &["developer"]);
    f.member("carol", MAIN, &["analyst"]);
    f.join("ops", "carol", &["visitor"]);
    f.org_member("erin", &["permission_admin"]);
    f.asset("bob", "d1", MAIN, Kind::Dashboard);
    f.asset(ALICE, "o1", "ops", Kind::Dashboard);
    f.asset("bob", "p1", &personal("bob"), Kind::Workbook);

    f.allows("erin", Operation::Authorize, "d1", Rule::O4);
    f.allows("erin", Operation::Authorize, "o1", Rule::O4);
    f.allows("erin", Operation::Share, "p1", Rule::O4);
    f.ok("erin", cmd::grant("d1", cmd::user("carol"), Level::View));
    f.ok("erin", cmd::share("o1", &["carol"], None));
    f.ok("erin", cmd::set_public("d1", true));
    f.ok("erin", cmd::set_public("d1", false));
    f.ok("erin", cmd::revoke("d1", cmd::user("carol")));
    f.allows("carol", Operation::View, "o1", Rule::A1);
    // They see nothing through it and change nothing else: outside their own workspaces
    // (erin joined the default one as visitor, O7) ...
    f.denies("erin", Operation::View, "o1", Rule::W5);
    f.denies("erin", Operation::Modify, "o1", Rule::W5);
    f.denies("erin", Operation::View, "p1", Rule::W3);
    f.denied("erin", cmd::rename("o1"), Rule::W5);
    assert!(f.engine.visible_assets("erin", "ops", f.now).is_err());
    // ... and inside them only what their workspace role gives.
    f.denies("erin", Operation::View, "d1", Rule::W7);
    f.denies("erin", Operation::Modify, "d1", Rule::R4);
    // Nor manage members or workspaces.
    f.denied("erin", cmd::add_member("x", None, &[]), Rule::O3);
    f.denied(
        "erin",
        cmd::create_workspace("w", Mode::Private, None),
        Rule::W1,
    );
    f.denied(
        "erin",
        Command::DeleteWorkspace {
            workspace: "ops".into(),
        },
        Rule::W1,
    );
}

#[test]
fn o4_permission_admin_is_still_bound_by_a2_and_w4() {
    let mut f = Fixture::new();
    f.workspace("ops", Mode::Private);
    f.member("dave", MAIN, &["visitor"]);
    f.org_member("erin", &["permission_admin"]);
    f.asset(ALICE, "d1", MAIN, Kind::Dashboard);
    f.denied(
        "erin",
        cmd::grant("d1", cmd::user("dave"), Level::Edit),
        Rule::A2,
    );
    f.asset(ALICE, "o1", "ops", Kind::Dashboard);
    f.denied(
        "erin",
        cmd::grant("o1", cmd::user("dave"), Level::View),
        Rule::W4,
    );
}

#[test]
fn o5_the_last_org_admin_cannot_be_removed_or_demoted() {
    let mut f = Fixture::new();
    f.member("bob", MAIN, &["admin"]);
    f.denied(ALICE, cmd::set_org_roles(ALICE, &[]), Rule::O5);
    f.denied(ALICE, cmd::remove_member(ALICE, "bob"), Rule::O5);
    assert_eq!(f.org_roles_of(ALICE).unwrap(), ["org_admin"]);

    f.ok(ALICE, cmd::set_org_roles("bob", &["org_admin"]));
    f.ok("bob", cmd::set_org_roles(ALICE, &[]));
    f.denied(
        "bob",
        cmd::set_org_roles("bob", &["permission_admin"]),
        Rule::O5,
    );
    f.ok("bob", cmd::set_org_roles(ALICE, &["org_admin"]));
    // With another org admin the creator may go.
    f.ok("bob", cmd::remove_member(ALICE, "bob"));
    assert!(!f.is_member(ALICE));
    f.ok("bob", cmd::add_member("carol", Some(MAIN), &["developer"]));
    f.denied("bob", cmd::remove_member("bob", "carol"), Rule::O5);
    f.assert_invariants();
}

#[test]
fn o6_org_admins_hold_every_permission_in_every_workspace() {
    let mut f = Fixture::with_mode(Mode::Private);
    f.member("bob", MAIN, &["developer"]);
    f.ok(
        ALICE,
        cmd::create_workspace("ops", Mode::Private, Some(&["bob"])),
    );
    f.asset("bob", "o1", "ops", Kind::DataSource);
    f.asset("bob", "p1", &personal("bob"), Kind::Workbook);
    assert_eq!(
        f.ws_roles_of("ops", ALICE),
        None,
        "alice is not a member of ops"
    );
    for op in [
        Operation::View,
        Operation::Use,
        Operation::Modify,
        Operation::Delete,
        Operation::Share,
        Operation::Transfer,
        Operation::Authorize,
        Operation::Export,
    ] {
        f.allows(ALICE, op, "o1", Rule::O6);
        f.allows(ALICE, op, "p1", Rule::O6);
    }
    assert_eq!(f.visible_assets(ALICE, "ops"), ["o1"]);
    f.ok(ALICE, cmd::rename("o1"));

    // A demoted org admin holds nothing there any more.
    f.member("carol", MAIN, &["visitor"]);
    f.ok(ALICE, cmd::set_org_roles("carol", &["org_admin"]));
    f.allows("carol", Operation::Delete, "o1", Rule::O6);
    f.ok(ALICE, cmd::set_org_roles("carol", &[]));
    f.denies("carol", Operation::Delete, "o1", Rule::W5);
}

#[test]
fn o7_a_member_added_without_workspace_joins_default_as_visitor() {
    let mut f = Fixture::new();
    f.ok(ALICE, cmd::add_member("bob", None, &[]));
    assert_eq!(f.ws_roles_of(MAIN, "bob").unwrap(), ["visitor"]);
    f.workspace("ops", Mode::Private);
    f.ok(
        ALICE,
        Command::SetDefaultWorkspace {
            workspace: "ops".into(),
        },
    );
    f.ok(ALICE, cmd::add_member("carol", None, &[]));
    assert_eq!(f.ws_roles_of("ops", "carol").unwrap(), ["visitor"]);
    assert_eq!(f.ws_roles_of(MAIN, "carol"), None);
    f.assert_invariants();
}

#[test]
fn o7_removing_a_member_from_their_only_group_workspace_is_refused() {
    let mut f = Fixture::new();
    f.workspace("ops", Mode::Private);
    f.member("bob", MAIN, &["developer"]);
    let leave = |ws: &str| Command::RemoveWorkspaceMember {
        workspace: ws.into(),
        user: "bob".into(),
    };
    f.denied(ALICE, leave(MAIN), Rule::O7);
    f.join("ops", "bob", &["analyst"]);
    f.ok(ALICE, leave(MAIN));
    f.denied(ALICE, leave("ops"), Rule::O7);
    f.assert_invariants();
}

#[test]
fn o7_members_left_without_group_workspace_join_the_default() {
    let mut f = Fixture::new();
    f.workspace("ops", Mode::Private);
    // An org admin needs no group workspace (O6) ...
    f.org_member("bob", &["org_admin"]);
    assert_eq!(f.ws_roles_of(MAIN, "bob"), None);
    // ... until demoted.
    f.ok(ALICE, cmd::set_org_roles("bob", &[]));
    assert_eq!(f.ws_roles_of(MAIN, "bob").unwrap(), ["visitor"]);
    // Deleting a member's only group workspace puts them in the default one.
    f.member("carol", "ops", &["developer"]);
    f.ok(
        ALICE,
        Command::DeleteWorkspace {
            workspace: "ops".into(),
        },
    );
    assert_eq!(f.ws_roles_of(MAIN, "carol").unwrap(), ["visitor"]);
    f.assert_invariants();
}

#[test]
fn o8_removal_hands_everything_to_the_new_owner() {
    let mut f = Fixture::with_mode(Mode::Private);
    f.member("bob", MAIN, &["developer"]);
    f.member("carol", MAIN, &["developer"]);
    f.member("dave", MAIN, &["analyst"]);
    f.ok(ALICE, cmd::create_group("team", None));
    f.ok(ALICE, cmd::add_to_group("team", "bob"));
    f.folder("bob", "fb", MAIN, None);
    f.asset_in("bob", "ds", MAIN, Kind::DataSource, "fb");
    f.asset("bob", "p1", &personal("bob"), Kind::Workbook);
    f.asset("dave", "d1", MAIN, Kind::Dashboard);
    f.ok("dave", cmd::share("d1", &["bob"], None));

    f.ok(ALICE, cmd::remove_member("bob", "carol"));
    assert!(!f.is_member("bob"));
    assert_eq!(f.owner_of("ds").unwrap(), ("carol".into(), MAIN.into()));
    // Personal assets move to the new owner's personal workspace.
    assert_eq!(
        f.owner_of("p1").unwrap(),
        ("carol".into(), personal("carol"))
    );
    assert!(!f.personal_workspaces().iter().any(|(_, o)| o == "bob"));
    f.allows("carol", Operation::Delete, "ds", Rule::R6);
    f.allows("carol", Operation::Delete, "p1", Rule::W3);
    let snap = f.snapshot();
    // Their grants, group memberships and folders go with them.
    let d1 = snap
        .workspaces
        .iter()
        .flat_map(|w| &w.assets)
        .find(|a| a.id == "d1")
        .unwrap();
    assert!(d1.grants.is_empty());
    let team = snap.org.groups.iter().find(|g| g.id == "team").unwrap();
    assert!(team.members.is_empty());
    let main = snap.workspaces.iter().find(|w| w.id == MAIN).unwrap();
    assert_eq!(main.folders[0].created_by, "carol");
    assert!(main.members.iter().all(|m| m.user != "bob"));
    f.assert_invariants();
}

#[test]
fn o8_the_new_owner_must_be_able_to_own_each_asset() {
    let mut f = Fixture::new();
    f.member("bob", MAIN, &["developer"]);
    f.member("dave", MAIN, &["visitor"]);
    f.member("erin", MAIN, &["analyst"]);
    f.asset("bob", "ds", MAIN, Kind::DataSource);
    let r = f.denied(ALICE, cmd::remove_member("bob", "dave"), Rule::O8);
    assert!(r.message().contains("ds"), "names the asset: {r}");
    // An analyst creates no data source either.
    f.denied(ALICE, cmd::remove_member("bob", "erin"), Rule::O8);
    f.refused_as(ALICE, cmd::remove_member("bob", "bob"), "invalid");
    f.refused_as(ALICE, cmd::remove_member("bob", "nobody"), "not_found");
    // An org admin may own anything.
    f.ok(ALICE, cmd::remove_member("bob", ALICE));
    assert_eq!(f.owner_of("ds").unwrap().0, ALICE);
}

#[test]
fn o8_x3_nobody_is_handed_over_what_the_remover_could_not_transfer() {
    // Issue 16's defect: a member manager who is not an org admin removed a member and named
    // himself the new owner, gaining private assets he could not see. The hand-over is a
    // transfer the remover makes (X3: nobody hands out what they do not hold).
    let mut f = Fixture::with_mode(Mode::Private);
    f.ok(ALICE, define_org_role("people", &[OrgPoint::ManageMembers]));
    f.member("mgr", MAIN, &["developer"]);
    f.ok(ALICE, cmd::set_org_roles("mgr", &["people"]));
    f.member("bob", MAIN, &["developer"]);
    f.member("eve", MAIN, &["developer"]);
    f.asset("bob", "secret", MAIN, Kind::Dashboard);
    f.denies("mgr", Operation::View, "secret", Rule::W7);
    let r = f.denied("mgr", cmd::remove_member("bob", "mgr"), Rule::X3);
    assert!(r.message().contains("secret"), "names the asset: {r}");
    // Nor to an accomplice.
    f.denied("mgr", cmd::remove_member("bob", "eve"), Rule::X3);
    // Personal assets, which only their owner (and org admins, O6) may transfer, too.
    f.member("carl", MAIN, &["visitor"]);
    f.asset("carl", "diary", &personal("carl"), Kind::Workbook);
    f.denied("mgr", cmd::remove_member("carl", "mgr"), Rule::X3);
    // Nor the folders a member made, which pass with the creator's right to change them.
    f.member("fay", MAIN, &["developer"]);
    f.folder("fay", "fay_f", MAIN, None);
    f.denied("mgr", cmd::remove_member("fay", "mgr"), Rule::X3);
    // A member who owns nothing he may remove; so may whoever may transfer everything.
    f.member("dan", MAIN, &["visitor"]);
    f.ok("mgr", cmd::remove_member("dan", "mgr"));
    f.ok(ALICE, cmd::remove_member("bob", "eve"));
    assert_eq!(f.owner_of("secret").unwrap().0, "eve");
    f.assert_invariants();
}

#[test]
fn o8_w4_the_heir_of_a_group_workspace_asset_is_a_member_of_it() {
    // W4 holds for hand-overs as for transfers, org admins included: an org admin outside the
    // workspace is not made the owner of one of its assets.
    let mut f = Fixture::new();
    f.org_member("root", &["org_admin"]);
    f.member("bob", MAIN, &["developer"]);
    f.asset("bob", "d1", MAIN, Kind::Dashboard);
    f.asset("bob", "p1", &personal("bob"), Kind::Dashboard);
    f.denied(ALICE, cmd::remove_member("bob", "root"), Rule::W4);
    // A member, in any role: as an org admin root creates every kind anywhere (O6).
    f.ok(ALICE, cmd::join(MAIN, "root", &["visitor"]));
    f.ok(ALICE, cmd::remove_member("bob", "root"));
    assert_eq!(f.owner_of("d1").unwrap(), ("root".into(), MAIN.into()));
    assert_eq!(f.owner_of("p1").unwrap(), ("root".into(), personal("root")));
}

#[test]
fn o8_a_removal_that_names_no_new_owner_is_refused_by_the_engine() {
    let mut f = Fixture::new();
    f.member("bob", MAIN, &["developer"]);
    let nobody = Command::RemoveMember {
        user: "bob".into(),
        new_owner: None,
    };
    f.invalid(ALICE, nobody.clone(), Rule::O8);
    // The caller's permission first (O3), as for every organization command.
    f.denied("bob", nobody, Rule::O3);
    assert!(f.is_member("bob"));
}

#[test]
fn o8_a_member_who_returns_starts_afresh() {
    let mut f = Fixture::with_mode(Mode::Private);
    f.member("bob", MAIN, &["developer"]);
    f.member("carol", MAIN, &["developer"]);
    f.ok(ALICE, cmd::create_group("team", None));
    f.ok(ALICE, cmd::add_to_group("team", "bob"));
    f.asset("carol", "d1", MAIN, Kind::Dashboard);
    f.asset("carol", "d2", MAIN, Kind::Dashboard);
    f.ok("carol", cmd::share("d1", &["bob"], Some(Level::Edit)));
    f.ok("carol", cmd::grant("d2", cmd::group("team"), Level::View));
    f.asset("bob", "b1", MAIN, Kind::Dashboard);
    f.ok(ALICE, cmd::remove_member("bob", "carol"));
    f.ok(ALICE, cmd::add_member("bob", Some(MAIN), &["developer"]));
    // Nothing of the old bob comes back: no grant, no group, no asset.
    f.denies("bob", Operation::View, "d1", Rule::W7);
    f.denies("bob", Operation::View, "d2", Rule::W7);
    f.denies("bob", Operation::View, "b1", Rule::W7);
    assert!(f.visible_assets("bob", MAIN).is_empty());
    assert!(f.visible_assets("bob", &personal("bob")).is_empty());
    f.assert_invariants();
}
