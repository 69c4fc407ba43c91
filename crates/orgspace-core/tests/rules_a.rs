//! A: grants and their levels, who may grant, public assets, modify and delete, transfer,
//! folders and references.

mod common;

use common::{ALICE, Fixture, MAIN, cmd, personal};
use orgspace_core::{Command, Kind, Level, Mode, Operation, Rule};

/// A private default workspace with developer `dev`, analyst `ana`, visitor `vis` and
/// workspace admin `wsa`.
fn team() -> Fixture {
    let mut f = Fixture::with_mode(Mode::Private);
    f.member("dev", MAIN, &["developer"]);
    f.member("ana", MAIN, &["analyst"]);
    f.member("vis", MAIN, &["visitor"]);
    f.member("wsa", MAIN, &["admin"]);
    f
}

#[test]
fn a1_export_implies_view_and_edit_implies_export() {
    let mut f = team();
    f.asset("dev", "d1", MAIN, Kind::Dashboard);
    f.denies("ana", Operation::View, "d1", Rule::W7);
    f.ok("dev", cmd::grant("d1", cmd::user("ana"), Level::Export));
    f.allows("ana", Operation::View, "d1", Rule::A1);
    f.allows("ana", Operation::Export, "d1", Rule::A1);
    f.denies("ana", Operation::Modify, "d1", Rule::A5);
    // A new grant to the same user replaces the old one.
    f.ok("dev", cmd::grant("d1", cmd::user("ana"), Level::Edit));
    assert_eq!(f.grants_of("d1").len(), 1);
    f.allows("ana", Operation::View, "d1", Rule::A1);
    f.allows("ana", Operation::Export, "d1", Rule::A1);
    f.allows("ana", Operation::Modify, "d1", Rule::A1);
    f.ok("dev", cmd::grant("d1", cmd::user("ana"), Level::View));
    f.allows("ana", Operation::View, "d1", Rule::A1);
    f.denies("ana", Operation::Export, "d1", Rule::A1);
    f.ok("dev", cmd::revoke("d1", cmd::user("ana")));
    f.denies("ana", Operation::View, "d1", Rule::W7);
    f.refused_as("dev", cmd::revoke("d1", cmd::user("ana")), "not_found");
}

#[test]
fn a1_use_grants_exist_only_on_data_sources_and_datasets() {
    let mut f = team();
    f.asset("dev", "d1", MAIN, Kind::Dashboard);
    f.asset("dev", "set", MAIN, Kind::Dataset);
    f.invalid(
        "dev",
        cmd::grant("d1", cmd::user("ana"), Level::Use),
        Rule::A1,
    );
    f.ok("dev", cmd::grant("set", cmd::user("ana"), Level::Use));
    f.allows("ana", Operation::View, "set", Rule::A1);
    f.allows("ana", Operation::Use, "set", Rule::A1);
    // On data, edit implies use.
    f.member("dev2", MAIN, &["developer"]);
    f.ok("dev", cmd::grant("set", cmd::user("dev2"), Level::Edit));
    f.allows("dev2", Operation::Use, "set", Rule::A1);
    f.allows("dev2", Operation::Modify, "set", Rule::A1);
}

#[test]
fn a1_an_expired_grant_grants_nothing() {
    let mut f = team();
    f.asset("dev", "d1", MAIN, Kind::Dashboard);
    let until = f.now + 1_000;
    f.ok(
        "dev",
        cmd::grant_until("d1", cmd::user("ana"), Level::Edit, until),
    );
    f.allows("ana", Operation::Modify, "d1", Rule::A1);
    f.now = until - 1;
    f.allows("ana", Operation::View, "d1", Rule::A1);
    f.now = until;
    f.denies("ana", Operation::View, "d1", Rule::A1);
    f.denies("ana", Operation::Modify, "d1", Rule::A1);
    assert!(f.visible_assets("ana", MAIN).is_empty());
    // A grant cannot expire before it starts.
    let now = f.now;
    f.invalid(
        "dev",
        cmd::grant_until("d1", cmd::user("ana"), Level::View, now),
        Rule::A1,
    );
    f.ok(
        "dev",
        cmd::grant_until("d1", cmd::user("ana"), Level::View, now + 1),
    );
    f.allows("ana", Operation::View, "d1", Rule::A1);
}

#[test]
fn a2_visitor_is_never_granted_edit() {
    let mut f = team();
    f.asset("dev", "d1", MAIN, Kind::Dashboard);
    f.denied(
        "dev",
        cmd::grant("d1", cmd::user("vis"), Level::Edit),
        Rule::A2,
    );
    f.denied(
        "dev",
        cmd::share("d1", &["ana", "vis"], Some(Level::Edit)),
        Rule::A2,
    );
    f.denied(
        ALICE,
        cmd::grant("d1", cmd::user("vis"), Level::Edit),
        Rule::A2,
    );
    f.ok("dev", cmd::grant("d1", cmd::user("vis"), Level::Export));
    f.allows("vis", Operation::Export, "d1", Rule::A1);
    f.ok("dev", cmd::share("d1", &["ana"], Some(Level::Edit)));
    f.allows("ana", Operation::Modify, "d1", Rule::A1);
}

#[test]
fn a2_analyst_is_never_granted_edit_on_data() {
    let mut f = team();
    f.asset("dev", "src", MAIN, Kind::DataSource);
    f.asset("dev", "set", MAIN, Kind::Dataset);
    f.denied(
        "dev",
        cmd::grant("src", cmd::user("ana"), Level::Edit),
        Rule::A2,
    );
    f.denied(
        "dev",
        cmd::grant("set", cmd::user("ana"), Level::Edit),
        Rule::A2,
    );
    // Analysts view data sources but never use one (R3).
    f.denied(
        "dev",
        cmd::grant("src", cmd::user("ana"), Level::Use),
        Rule::A2,
    );
    f.ok("dev", cmd::grant("src", cmd::user("ana"), Level::View));
    f.allows("ana", Operation::View, "src", Rule::A1);
    f.denies("ana", Operation::Use, "src", Rule::R3);
    f.ok("dev", cmd::grant("set", cmd::user("ana"), Level::Use));
    f.denies("ana", Operation::Modify, "set", Rule::R3);
}

#[test]
fn a3_owner_and_admins_grant_share_and_make_public() {
    let mut f = team();
    f.org_member("erin", &["permission_admin"]);
    f.member("dev2", MAIN, &["developer"]);
    f.asset("ana", "d1", MAIN, Kind::Dashboard);
    for actor in ["ana", "wsa", ALICE, "erin"] {
        f.allows(
            actor,
            Operation::Authorize,
            "d1",
            match actor {
                "ana" => Rule::R6,
                "wsa" => Rule::R1,
                "erin" => Rule::O4,
                _ => Rule::O6,
            },
        );
        f.ok(actor, cmd::grant("d1", cmd::user("vis"), Level::View));
        f.ok(actor, cmd::revoke("d1", cmd::user("vis")));
        f.ok(actor, cmd::share("d1", &["dev"], None));
        f.ok(actor, cmd::set_public("d1", true));
        f.ok(actor, cmd::set_public("d1", false));
    }
    // Nobody else, not even with an edit grant.
    f.ok("ana", cmd::grant("d1", cmd::user("dev2"), Level::Edit));
    f.denies("dev2", Operation::Authorize, "d1", Rule::A3);
    f.denies("dev2", Operation::Share, "d1", Rule::A3);
    f.denied(
        "dev2",
        cmd::grant("d1", cmd::user("vis"), Level::View),
        Rule::A3,
    );
    f.denied("dev2", cmd::revoke("d1", cmd::user("dev")), Rule::A3);
    f.denied("dev2", cmd::share("d1", &["vis"], None), Rule::A3);
    f.denied("dev2", cmd::set_public("d1", true), Rule::A3);
}

#[test]
fn a4_a_public_asset_is_visible_to_every_member_of_its_workspace() {
    let mut f = team();
    f.workspace("ops", Mode::Private);
    f.member("outsider", "ops", &["admin"]);
    f.asset("dev", "d1", MAIN, Kind::Dashboard);
    assert!(f.visible_assets("vis", MAIN).is_empty());
    f.ok("dev", cmd::set_public("d1", true));
    for user in ["ana", "vis"] {
        assert_eq!(f.visible_assets(user, MAIN), ["d1"]);
        f.allows(user, Operation::View, "d1", Rule::A4);
    }
    // Only that workspace, and viewing only.
    f.denies("outsider", Operation::View, "d1", Rule::W5);
    f.denies("ana", Operation::Modify, "d1", Rule::A5);
    f.refused_as("dev", cmd::set_public("d1", true), "conflict");
    f.ok("dev", cmd::set_public("d1", false));
    f.denies("vis", Operation::View, "d1", Rule::W7);
}

#[test]
fn a5_modify_needs_ownership_or_an_edit_grant_delete_needs_ownership() {
    let mut f = team();
    f.asset("dev", "d1", MAIN, Kind::Dashboard);
    f.ok("dev", cmd::grant("d1", cmd::user("ana"), Level::View));
    f.denies("ana", Operation::Modify, "d1", Rule::A5);
    f.denied("ana", cmd::rename("d1"), Rule::A5);
    f.ok("dev", cmd::grant("d1", cmd::user("ana"), Level::Edit));
    f.ok("ana", cmd::rename("d1"));
    f.folder(ALICE, "fx", MAIN, None);
    f.ok(
        "ana",
        Command::MoveAsset {
            asset: "d1".into(),
            folder: Some("fx".into()),
        },
    );
    f.denied("ana", cmd::delete("d1"), Rule::A5);
    f.allows("wsa", Operation::Delete, "d1", Rule::R1);
    f.allows("dev", Operation::Delete, "d1", Rule::R6);
    f.ok("dev", cmd::delete("d1"));
}

#[test]
fn a5_an_edit_grant_stays_inside_what_the_role_permits() {
    let mut f = team();
    f.ok(ALICE, cmd::create_group("all", None));
    for u in ["ana", "vis"] {
        f.ok(ALICE, cmd::add_to_group("all", u));
    }
    f.asset("dev", "form", MAIN, Kind::DataEntryForm);
    f.ok("dev", cmd::grant("form", cmd::group("all"), Level::Edit));
    f.allows("ana", Operation::View, "form", Rule::A1);
    f.denies("ana", Operation::Modify, "form", Rule::R3);
    f.denies("vis", Operation::Modify, "form", Rule::R4);
}

#[test]
fn a6_owner_or_admin_transfers_to_someone_who_may_create_the_kind() {
    let mut f = team();
    f.member("dev2", MAIN, &["developer"]);
    f.asset("dev", "src", MAIN, Kind::DataSource);
    f.asset("dev", "d1", MAIN, Kind::Dashboard);
    f.denied("dev2", cmd::transfer("d1", "dev2"), Rule::A6);
    f.denied("dev", cmd::transfer("d1", "vis"), Rule::A6);
    f.denied("dev", cmd::transfer("src", "ana"), Rule::A6);
    f.refused_as("dev", cmd::transfer("d1", "dev"), "conflict");
    f.ok("dev", cmd::transfer("d1", "ana"));
    assert_eq!(f.owner_of("d1").unwrap().0, "ana");
    f.ok("wsa", cmd::transfer("src", "dev2"));
    assert_eq!(f.owner_of("src").unwrap().0, "dev2");
    f.ok(ALICE, cmd::transfer("src", "dev"));
}

#[test]
fn a6_the_previous_owner_keeps_no_special_right() {
    let mut f = team();
    f.asset("dev", "d1", MAIN, Kind::Dashboard);
    f.ok("dev", cmd::transfer("d1", "ana"));
    f.denies("dev", Operation::View, "d1", Rule::W7);
    f.denies("dev", Operation::Delete, "d1", Rule::A5);
    f.denies("dev", Operation::Share, "d1", Rule::A3);
    f.allows("ana", Operation::Delete, "d1", Rule::R6);
    f.denied("dev", cmd::transfer("d1", "dev"), Rule::A6);
}

#[test]
fn a7_deleting_a_folder_that_holds_assets_is_refused() {
    let mut f = Fixture::new();
    f.folder(ALICE, "top", MAIN, None);
    f.folder(ALICE, "mid", MAIN, Some("top"));
    f.folder(ALICE, "leaf", MAIN, Some("mid"));
    f.asset_in(ALICE, "d1", MAIN, Kind::Dashboard, "leaf");
    let delete = |folder: &str| Command::DeleteFolder {
        folder: folder.into(),
    };
    f.denied(ALICE, delete("top"), Rule::A7);
    f.denied(ALICE, delete("leaf"), Rule::A7);
    f.ok(
        ALICE,
        Command::MoveAsset {
            asset: "d1".into(),
            folder: None,
        },
    );
    f.ok(ALICE, delete("top"));
    assert!(f.engine.workspace_part(MAIN).unwrap().folders.is_empty());
}

#[test]
fn a7_folders_carry_no_permissions_of_their_own() {
    let mut f = Fixture::new();
    f.member("dev", MAIN, &["developer"]);
    f.member("dev2", MAIN, &["developer"]);
    f.member("vis", MAIN, &["visitor"]);
    f.folder("dev", "fd", MAIN, None);
    // Nothing grants on a folder: it is no asset.
    f.refused_as(
        "dev",
        cmd::grant("fd", cmd::user("vis"), Level::View),
        "not_found",
    );
    let rename = |folder: &str| Command::RenameFolder {
        folder: folder.into(),
        name: "Renamed".into(),
    };
    f.denied("dev2", rename("fd"), Rule::A7);
    f.denied("vis", rename("fd"), Rule::A7);
    f.ok("dev", rename("fd"));
    f.ok(ALICE, rename("fd"));
    f.folder("dev", "inner", MAIN, Some("fd"));
    f.refused_as(
        "dev",
        Command::MoveFolder {
            folder: "fd".into(),
            parent: Some("inner".into()),
        },
        "invalid",
    );
}

#[test]
fn a8_referencing_never_opens_the_inner_asset() {
    let mut f = team();
    f.asset("dev", "src", MAIN, Kind::DataSource);
    f.ok(
        "dev",
        cmd::create_asset("set", MAIN, Kind::Dataset, None, &["src"]),
    );
    f.ok(
        "dev",
        cmd::create_asset("d1", MAIN, Kind::Dashboard, None, &["set"]),
    );
    f.ok(
        "dev",
        cmd::create_asset("portal", MAIN, Kind::Portal, None, &["d1"]),
    );
    f.ok("dev", cmd::share("portal", &["ana", "vis"], None));
    f.allows("ana", Operation::View, "portal", Rule::A1);
    f.allows("vis", Operation::View, "portal", Rule::A1);
    for inner in ["d1", "set", "src"] {
        f.denies("ana", Operation::View, inner, Rule::W7);
    }
    f.denies("ana", Operation::Use, "set", Rule::W7);
    f.denies("vis", Operation::View, "d1", Rule::W7);
    f.denies("vis", Operation::View, "set", Rule::R4);
    assert_eq!(f.visible_assets("ana", MAIN), ["portal"]);
    // Nor may they build on it: referencing needs sight of the inner asset.
    f.denied(
        "ana",
        cmd::create_asset("p2", MAIN, Kind::Portal, None, &["d1"]),
        Rule::W7,
    );
    f.ok("dev", cmd::share("d1", &["ana"], None));
    f.ok(
        "ana",
        cmd::create_asset("p2", MAIN, Kind::Portal, None, &["d1"]),
    );
    // What is referenced is not deleted from under its users.
    f.refused_as("dev", cmd::delete("d1"), "conflict");
}

#[test]
fn a2_holds_in_personal_workspaces_capped_by_the_strongest_group_role() {
    // Issue 16's defect: in a personal workspace a visitor everywhere was granted edit, an
    // analyst everywhere edit or use on a dataset or data source. A2 (with R3 and R4) caps a
    // grant there by the strongest role the grantee holds in any group workspace.
    let mut f = team();
    let home = personal("dev");
    f.asset("dev", "pd", &home, Kind::Dashboard);
    f.asset("dev", "pds", &home, Kind::Dataset);
    f.asset("dev", "psrc", &home, Kind::DataSource);
    // A visitor: views content, nothing on data (R4), never edit.
    f.ok("dev", cmd::share("pd", &["vis"], None));
    f.ok("dev", cmd::grant("pd", cmd::user("vis"), Level::Export));
    f.denied(
        "dev",
        cmd::grant("pd", cmd::user("vis"), Level::Edit),
        Rule::A2,
    );
    f.denied("dev", cmd::share("pds", &["vis"], None), Rule::A2);
    f.denied("dev", cmd::share("psrc", &["vis"], None), Rule::A2);
    // An analyst: edits content, uses and views datasets, views data sources (R3).
    f.ok("dev", cmd::grant("pd", cmd::user("ana"), Level::Edit));
    f.ok("dev", cmd::grant("pds", cmd::user("ana"), Level::Use));
    f.denied(
        "dev",
        cmd::grant("pds", cmd::user("ana"), Level::Edit),
        Rule::A2,
    );
    f.ok("dev", cmd::grant("psrc", cmd::user("ana"), Level::View));
    f.denied(
        "dev",
        cmd::grant("psrc", cmd::user("ana"), Level::Use),
        Rule::A2,
    );
    f.denied(
        "dev",
        cmd::grant("psrc", cmd::user("ana"), Level::Edit),
        Rule::A2,
    );
    // The strongest role in any group workspace counts.
    f.workspace("lab", Mode::Private);
    f.ok(ALICE, cmd::join("lab", "vis", &["developer"]));
    f.ok("dev", cmd::grant("pd", cmd::user("vis"), Level::Edit));
    f.ok("dev", cmd::grant("psrc", cmd::user("vis"), Level::Use));
    f.ok("dev", cmd::grant("pds", cmd::user("vis"), Level::Edit));
    f.allows("vis", Operation::Modify, "pd", Rule::A1);
}

#[expect(
    clippy::unwrap_used,
    reason = "a missing part or a refused check fails the test"
)]
/// Every decision of `users` on `assets` by a partial engine built from the org part and the
/// personal workspace of `owner` (what an edge reader holds), next to the full engine's.
fn assert_parts_agree(f: &Fixture, owner: &str, users: &[&str], assets: &[&str]) {
    let org = f.engine.org_part().unwrap();
    let home = f.engine.workspace_part(&personal(owner)).unwrap();
    let part = orgspace_core::Engine::from_parts(&org, &[home]).unwrap();
    for user in users {
        for asset in assets {
            for &op in Operation::ALL {
                if op == Operation::Create {
                    continue;
                }
                // Handles differ between engines: compare the answers hosts send (X1).
                let full = f
                    .engine
                    .answer(&f.engine.check(user, op, asset, f.now).unwrap());
                let parts = part.answer(&part.check(user, op, asset, f.now).unwrap());
                assert_eq!(full, parts, "{user} {op} {asset}");
            }
        }
    }
}

#[test]
fn a2_caps_a_group_grant_in_a_personal_workspace_at_decision_time() {
    // Issue 16, defect 2's leftover: a grant to a *group* in a personal workspace gave every
    // member the grant's level whatever their roles. A2 and R3 hold at decision time.
    let mut f = team();
    let home = personal("dev");
    f.asset("dev", "pd", &home, Kind::Dashboard);
    f.asset("dev", "pds", &home, Kind::Dataset);
    f.ok(ALICE, cmd::create_group("g", None));
    f.ok(ALICE, cmd::add_to_group("g", "vis"));
    f.ok(ALICE, cmd::add_to_group("g", "ana"));
    f.ok("dev", cmd::grant("pd", cmd::group("g"), Level::Edit));
    f.ok("dev", cmd::grant("pds", cmd::group("g"), Level::Edit));
    // The visitor views the dashboard and never edits it; sees nothing of the dataset (R4).
    f.allows("vis", Operation::View, "pd", Rule::A1);
    f.allows("vis", Operation::Export, "pd", Rule::A1);
    f.denies("vis", Operation::Modify, "pd", Rule::A2);
    f.denies("vis", Operation::View, "pds", Rule::A2);
    // The analyst edits the dashboard, uses the dataset and never edits it (R3).
    f.allows("ana", Operation::Modify, "pd", Rule::A1);
    f.allows("ana", Operation::Use, "pds", Rule::A1);
    f.denies("ana", Operation::Modify, "pds", Rule::A2);
    // Lists decide the same way (W7): the visitor's list of dev's workspace lacks the dataset.
    assert_eq!(f.visible_assets("vis", &home), vec!["pd".to_owned()]);
    assert_eq!(
        f.visible_assets("ana", &home),
        vec!["pd".to_owned(), "pds".to_owned()]
    );
    let users = ["vis", "ana", "wsa", ALICE];
    assert_parts_agree(&f, "dev", &users, &["pd", "pds"]);
}

#[test]
fn a2_a_grant_made_before_a_member_lost_a_role_gives_no_more_than_what_is_left() {
    let mut f = team();
    let home = personal("dev");
    f.asset("dev", "pd", &home, Kind::Dashboard);
    f.asset("dev", "psrc", &home, Kind::DataSource);
    f.workspace("lab", Mode::Private);
    f.ok(ALICE, cmd::join("lab", "vis", &["developer"]));
    f.ok("dev", cmd::grant("pd", cmd::user("vis"), Level::Edit));
    f.ok("dev", cmd::grant("psrc", cmd::user("vis"), Level::Use));
    f.allows("vis", Operation::Modify, "pd", Rule::A1);
    f.allows("vis", Operation::Use, "psrc", Rule::A1);
    let users = ["vis", "ana", ALICE];
    assert_parts_agree(&f, "dev", &users, &["pd", "psrc"]);
    // Demoted to visitor in the lab: a visitor everywhere now (R4).
    f.ok(ALICE, cmd::set_roles("lab", "vis", &["visitor"]));
    f.allows("vis", Operation::View, "pd", Rule::A1);
    f.denies("vis", Operation::Modify, "pd", Rule::A2);
    f.denies("vis", Operation::Use, "psrc", Rule::A2);
    assert_parts_agree(&f, "dev", &users, &["pd", "psrc"]);
    // Promoted again, the old grants give what they said; out of the lab, they do not.
    f.ok(ALICE, cmd::set_roles("lab", "vis", &["developer"]));
    f.allows("vis", Operation::Modify, "pd", Rule::A1);
    f.ok(
        ALICE,
        Command::RemoveWorkspaceMember {
            workspace: "lab".into(),
            user: "vis".into(),
        },
    );
    f.denies("vis", Operation::Modify, "pd", Rule::A2);
    assert_parts_agree(&f, "dev", &users, &["pd", "psrc"]);
    // A workspace deleted takes its roles with it.
    f.ok(ALICE, cmd::join("lab", "vis", &["developer"]));
    f.allows("vis", Operation::Modify, "pd", Rule::A1);
    f.ok(
        ALICE,
        Command::DeleteWorkspace {
            workspace: "lab".into(),
        },
    );
    f.denies("vis", Operation::Modify, "pd", Rule::A2);
    f.assert_invariants();
}
