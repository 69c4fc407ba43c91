//! A rich organization touching every part of the model: org roles (preset and custom),
//! nested groups, attributes, two group workspaces in both modes, a custom workspace role,
//! nested folders, references, grants (user, group, expiring), a public asset, and a shared
//! asset in a personal workspace.

use super::{ALICE, Fixture, MAIN, cmd, personal, strings};
use orgspace_core::{Command, Kind, Level, Mode, Operation, OrgPoint, Point};
use std::collections::BTreeMap;

/// The private group workspace of the rich organization.
pub const OPS: &str = "ops";

/// Every user of the rich organization.
pub const USERS: [&str; 7] = ["alice", "bob", "carol", "dave", "erin", "frank", "gina"];

/// Every asset of the rich organization.
pub const ASSETS: [&str; 8] = [
    "ds1", "dset", "dash", "wb", "form", "ops_dash", "ops_set", "notes",
];

/// Builds the rich organization. Every command must be accepted.
pub fn rich() -> Fixture {
    let mut f = Fixture::new();
    f.ok(
        ALICE,
        Command::DefineOrgRole {
            role: "hr".into(),
            name: "People team".into(),
            points: vec![OrgPoint::ManageMembers, OrgPoint::ViewAuditLog],
        },
    );
    f.member("bob", MAIN, &["developer"]);
    f.member("carol", MAIN, &["analyst"]);
    f.member("dave", MAIN, &["visitor"]);
    f.ok(
        ALICE,
        Command::AddMember {
            user: "erin".into(),
            org_roles: strings(&["permission_admin"]),
            workspace: None,
            workspace_roles: vec![],
            attributes: Default::default(),
        },
    );
    let mut attributes = BTreeMap::new();
    attributes.insert("region".to_string(), strings(&["east", "north"]));
    f.ok(
        ALICE,
        Command::AddMember {
            user: "frank".into(),
            org_roles: strings(&["hr"]),
            workspace: None,
            workspace_roles: vec![],
            attributes,
        },
    );
    f.member("gina", MAIN, &["developer", "analyst"]);

    f.ok(ALICE, cmd::create_group("sales", None));
    f.ok(ALICE, cmd::create_group("east", Some("sales")));
    f.ok(ALICE, cmd::add_to_group("east", "carol"));
    f.ok(ALICE, cmd::add_to_group("sales", "dave"));

    f.ok(
        ALICE,
        cmd::create_workspace(OPS, Mode::Private, Some(&["alice", "gina"])),
    );
    f.ok(
        ALICE,
        Command::DefineWorkspaceRole {
            workspace: OPS.into(),
            role: "ds_viewer".into(),
            name: "Dataset viewer".into(),
            points: vec![
                Point {
                    kind: Kind::Dataset,
                    operation: Operation::View,
                },
                Point {
                    kind: Kind::Dashboard,
                    operation: Operation::View,
                },
            ],
        },
    );
    f.join(OPS, "carol", &["visitor", "ds_viewer"]);
    f.join(OPS, "bob", &["developer"]);

    f.folder(ALICE, "f1", MAIN, None);
    f.folder("bob", "f2", MAIN, Some("f1"));
    f.folder("gina", "g1", OPS, None);

    f.asset("bob", "ds1", MAIN, Kind::DataSource);
    f.ok(
        "bob",
        cmd::create_asset("dset", MAIN, Kind::Dataset, Some("f1"), &["ds1"]),
    );
    f.ok(
        "bob",
        cmd::create_asset("dash", MAIN, Kind::Dashboard, Some("f2"), &["dset"]),
    );
    f.asset("carol", "wb", MAIN, Kind::Workbook);
    f.asset("gina", "form", MAIN, Kind::DataEntryForm);
    f.asset_in("gina", "ops_dash", OPS, Kind::Dashboard, "g1");
    f.asset("bob", "ops_set", OPS, Kind::Dataset);
    f.asset("bob", "notes", &personal("bob"), Kind::Workbook);

    f.ok("bob", cmd::grant("dset", cmd::user("gina"), Level::Edit));
    f.ok("bob", cmd::grant("dash", cmd::user("carol"), Level::Export));
    f.ok(
        "gina",
        cmd::grant("ops_dash", cmd::group("sales"), Level::View),
    );
    f.ok("bob", cmd::set_public("ops_set", true));
    f.ok(
        "bob",
        cmd::grant_until("notes", cmd::user("dave"), Level::View, super::T0 + 60_000),
    );
    f.ok("erin", cmd::grant("wb", cmd::user("dave"), Level::View));
    f.assert_invariants();
    f
}
