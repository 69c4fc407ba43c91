//! The three access questions of issue 15 on a small organization: who has access (X1, A3),
//! the access diff of a command (W9 generalized, X2) and view as (R1, O6, X4). The property
//! test (`access_prop.rs`) holds them to `check` and the lists on random states.

#![allow(clippy::indexing_slicing, reason = "test code")]

mod common;

use common::{ALICE, Fixture, MAIN, cmd};
use orgspace_core::{Basis, Command, Kind, Level, Mode, Operation, Refusal, Rule};

/// `main` private: bob (analyst) owns dashboard d in folder f, granted view to group g; dave is
/// in g; carol is a visitor; eve a permission admin; ws admin wendy.
fn org() -> Fixture {
    let mut f = Fixture::with_mode(Mode::Private);
    f.member("bob", MAIN, &["analyst"]);
    f.member("carol", MAIN, &["visitor"]);
    f.member("dave", MAIN, &["visitor"]);
    f.member("wendy", MAIN, &["admin"]);
    f.org_member("eve", &["permission_admin"]);
    f.ok(ALICE, cmd::create_group("g", None));
    f.ok(ALICE, cmd::add_to_group("g", "dave"));
    f.folder(ALICE, "f", MAIN, None);
    f.asset_in("bob", "d", MAIN, Kind::Dashboard, "f");
    f.ok("bob", cmd::grant("d", cmd::group("g"), Level::View));
    f
}

fn denied_by(r: &Refusal) -> Option<Rule> {
    match r {
        Refusal::Denied { rule, .. } => Some(*rule),
        _ => None,
    }
}

#[test]
fn x1_who_has_access_lists_every_member_with_the_reason() {
    let f = org();
    let page = f
        .engine
        .who_has_access("bob", "d", Operation::View, None, None, f.now)
        .unwrap();
    let got: Vec<(&str, Basis, Rule)> = page
        .members
        .iter()
        .map(|a| (a.user.as_str(), a.basis, a.rule))
        .collect();
    assert_eq!(
        got,
        vec![
            ("alice", Basis::OrgAdmin, Rule::O6),
            ("bob", Basis::Owner, Rule::R6),
            ("dave", Basis::Grant, Rule::A1),
            ("wendy", Basis::WorkspaceAdmin, Rule::R1),
        ]
    );
    let dave = &page.members[2];
    assert_eq!(dave.group.as_deref(), Some("g"));
    assert_eq!(dave.level, Some(Level::View));
    assert_eq!(dave.role.as_deref(), Some("visitor"));
    assert!(page.next.is_none());
}

#[test]
fn x1_who_has_access_pages_by_cursor_without_a_silent_cap() {
    let f = org();
    let mut users = Vec::new();
    let mut cursor = None;
    loop {
        let page = f
            .engine
            .who_has_access(
                ALICE,
                "d",
                Operation::View,
                cursor.as_deref(),
                Some(1),
                f.now,
            )
            .unwrap();
        assert!(page.members.len() <= 1);
        users.extend(page.members.into_iter().map(|a| a.user));
        match page.next {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    assert_eq!(users, ["alice", "bob", "dave", "wendy"]);
}

#[test]
fn a3_only_those_who_administer_the_asset_ask() {
    let f = org();
    for asker in ["alice", "bob", "wendy", "eve"] {
        assert!(
            f.engine
                .who_has_access(asker, "d", Operation::View, None, None, f.now)
                .is_ok(),
            "{asker}"
        );
    }
    for asker in ["carol", "dave"] {
        let r = f
            .engine
            .who_has_access(asker, "d", Operation::View, None, None, f.now)
            .unwrap_err();
        assert_eq!(denied_by(&r), Some(Rule::A3), "{asker}");
    }
    let r = f
        .engine
        .who_has_access("mallory", "d", Operation::View, None, None, f.now)
        .unwrap_err();
    assert_eq!(denied_by(&r), Some(Rule::P1));
    let r = f
        .engine
        .who_sees_folder("carol", "f", None, None, f.now)
        .unwrap_err();
    assert_eq!(denied_by(&r), Some(Rule::A3));
}

#[test]
fn w7_who_sees_a_folder_names_the_asset_that_shows_it() {
    let f = org();
    let page = f
        .engine
        .who_sees_folder("wendy", "f", None, None, f.now)
        .unwrap();
    let got: Vec<(&str, Basis, Option<&str>)> = page
        .members
        .iter()
        .map(|a| (a.user.as_str(), a.basis, a.through.as_deref()))
        .collect();
    assert_eq!(
        got,
        vec![
            ("alice", Basis::OrgAdmin, None),
            ("bob", Basis::Contains, Some("d")),
            ("dave", Basis::Contains, Some("d")),
            ("wendy", Basis::WorkspaceAdmin, None),
        ]
    );
}

#[test]
fn a1_p2_access_diff_of_a_group_membership_change() {
    let mut f = org();
    let before = f.engine.to_json();
    let diff = f
        .engine
        .access_diff(ALICE, &cmd::add_to_group("g", "carol"), f.now)
        .unwrap();
    assert_eq!(f.engine.to_json(), before, "a dry run changes nothing");
    let gains: Vec<(&str, &str, Operation)> = diff
        .gains
        .iter()
        .map(|t| (t.user.as_str(), t.asset.as_str(), t.operation))
        .collect();
    assert_eq!(gains, vec![("carol", "d", Operation::View)]);
    assert!(diff.loses.is_empty());
    assert_eq!(diff.lists.len(), 1);
    assert_eq!(diff.lists[0].gains, ["d"]);
    assert_eq!(diff.lists[0].appear, ["f"]);
    // Applying it gives what the diff said.
    f.ok(ALICE, cmd::add_to_group("g", "carol"));
    f.allows("carol", Operation::View, "d", Rule::A1);
}

#[test]
fn x2_access_diff_refuses_what_the_actor_could_not_run() {
    let mut f = org();
    let r = f
        .engine
        .access_diff("carol", &cmd::revoke("d", cmd::group("g")), f.now)
        .unwrap_err();
    // The command's own refusal (a visitor's role revokes nothing, R4), and nothing changed.
    assert_eq!(denied_by(&r), Some(Rule::R4));
    assert_eq!(
        f.denied("carol", cmd::revoke("d", cmd::group("g")), Rule::R4),
        r
    );
    let diff = f
        .engine
        .access_diff("bob", &cmd::revoke("d", cmd::group("g")), f.now)
        .unwrap();
    assert_eq!(diff.loses.len(), 1);
    // bob owns d: he learns that dave loses it, not that folder f leaves dave's list, which
    // only those who may ask who sees f learn (A3 for folders, finding 4).
    assert!(diff.lists[0].disappear.is_empty());
    let diff = f
        .engine
        .access_diff("wendy", &cmd::revoke("d", cmd::group("g")), f.now)
        .unwrap();
    assert_eq!(diff.lists[0].disappear, ["f"]);
}

#[test]
fn w9_mode_switch_dry_run_is_the_diff_of_the_switch() {
    let f = org();
    let run = f
        .engine
        .mode_switch_dry_run(ALICE, MAIN, Mode::Collaboration, f.now)
        .unwrap();
    let diff = f
        .engine
        .access_diff(ALICE, &cmd::set_mode(MAIN, Mode::Collaboration), f.now)
        .unwrap();
    let from_diff: Vec<(String, Vec<String>)> = diff
        .lists
        .iter()
        .filter(|c| !c.gains.is_empty())
        .map(|c| (c.user.clone(), c.gains.clone()))
        .collect();
    let from_run: Vec<(String, Vec<String>)> = run
        .changes
        .iter()
        .map(|c| (c.user.clone(), c.gains.clone()))
        .collect();
    assert_eq!(from_run, from_diff);
    assert!(from_run.iter().any(|(u, g)| u == "carol" && g == &["d"]));
}

#[test]
fn r1_o6_view_as_shows_the_members_workspace_and_is_audited() {
    let mut f = org();
    let v = f.engine.view_as("wendy", "dave", MAIN, f.now).unwrap();
    assert_eq!(v.assets.len(), 1);
    assert_eq!(v.assets[0].id, "d");
    assert_eq!(v.assets[0].operations, [Operation::View]);
    assert_eq!(v.folders, ["f"]);
    assert!(v.creates.is_empty());
    let carol = f.engine.view_as(ALICE, "carol", MAIN, f.now).unwrap();
    assert!(carol.assets.is_empty() && carol.folders.is_empty());
    for asker in ["bob", "eve"] {
        let r = f.engine.view_as(asker, "dave", MAIN, f.now).unwrap_err();
        assert_eq!(denied_by(&r), Some(Rule::R1), "{asker}");
    }
    // X4: the command records it and changes nothing else.
    let version = f.engine.version();
    let before = f.engine.snapshot().unwrap();
    let record = Command::ViewAs {
        user: "dave".into(),
        workspace: MAIN.into(),
    };
    f.denied("bob", record.clone(), Rule::R1);
    f.ok("wendy", record);
    assert_eq!(f.engine.version(), version + 1);
    let last = f.engine.audit().last().unwrap();
    assert_eq!(
        (last.actor.as_str(), last.command.name()),
        ("wendy", "view_as")
    );
    let mut after = f.engine.snapshot().unwrap();
    after.org.version = before.org.version;
    assert_eq!(
        serde_json::to_value(&after.workspaces).unwrap(),
        serde_json::to_value(&before.workspaces).unwrap()
    );
}

/// The asset ids events name.
fn assets_named(events: &[orgspace_core::Event]) -> Vec<String> {
    let mut ids: Vec<String> = events
        .iter()
        .filter_map(|e| serde_json::to_value(e).ok())
        .filter_map(|v| v.get("asset").and_then(|a| a.as_str()).map(String::from))
        .collect();
    ids.sort();
    ids
}

#[test]
fn a3_p2_a_group_manager_is_told_of_no_asset_they_may_not_see() {
    // Issue 14, finding 4: a holder of "manage user groups" who is no org admin deletes group
    // g, granted on d in main (which they see, d is public) and on secret in lab (which they
    // are not in). The command's events name both grants (the edge needs them); what the
    // manager is told (`events_for`) names only d.
    let mut f = org();
    f.ok(
        ALICE,
        serde_json::from_value(serde_json::json!({
            "type": "define_org_role", "role": "gm", "name": "GM", "points": ["manage_user_groups"]
        }))
        .unwrap(),
    );
    f.member("gm1", MAIN, &["visitor"]);
    f.ok(ALICE, cmd::set_org_roles("gm1", &["gm"]));
    f.workspace("lab", Mode::Private);
    f.asset(ALICE, "secret", "lab", Kind::Dashboard);
    f.ok(ALICE, cmd::grant("secret", cmd::group("g"), Level::View));
    f.ok(ALICE, cmd::set_public("d", true));
    let delete: Command =
        serde_json::from_value(serde_json::json!({"type": "delete_group", "group": "g"})).unwrap();
    let applied = f.ok("gm1", delete);
    assert_eq!(assets_named(&applied.events), ["d", "secret"]);
    let told = f.engine.events_for("gm1", &applied.events, f.now).unwrap();
    assert_eq!(
        assets_named(&told),
        ["d"],
        "gm1 sees the public d, and nothing of lab"
    );
    let admin = f.engine.events_for(ALICE, &applied.events, f.now).unwrap();
    assert_eq!(admin, applied.events, "an org admin is told everything");
    assert!(
        f.engine
            .events_for("nobody", &applied.events, f.now)
            .is_err(),
        "a non-member is told nothing (P1)"
    );
}

/// A2: a member's role reach caps what grants give them in another's personal workspace, so a
/// change of their roles in a group workspace changes decisions there: carol, demoted from
/// analyst to visitor (no dataset rights), loses the view bob's grant gave her on his personal
/// dataset; a group grant likewise. The diff says so, bounded or on a whole copy, and names the
/// personal workspaces among the parts it reads.
#[test]
fn a2_a_role_change_reaches_grants_in_personal_workspaces() {
    let mut f = Fixture::new();
    f.member("bob", MAIN, &["analyst"]);
    f.member("carol", MAIN, &["analyst"]);
    f.ok(ALICE, cmd::create_group("g", None));
    f.ok(ALICE, cmd::add_to_group("g", "carol"));
    let bobs = common::personal("bob");
    f.asset("bob", "pd", &bobs, Kind::Dataset);
    f.asset("bob", "pg", &bobs, Kind::Dataset);
    f.ok("bob", cmd::grant("pd", cmd::user("carol"), Level::View));
    f.ok("bob", cmd::grant("pg", cmd::group("g"), Level::View));
    let demote = cmd::set_roles(MAIN, "carol", &["visitor"]);
    let parts = f.engine.diff_parts(ALICE, &demote, f.now).workspaces;
    assert!(parts.contains(&bobs), "{parts:?}");
    let d = f.engine.access_diff(ALICE, &demote, f.now).unwrap();
    assert_eq!(
        Ok(&d),
        f.engine.access_diff_whole(ALICE, &demote, f.now).as_ref()
    );
    let lost: Vec<(&str, &str, Operation)> = d
        .loses
        .iter()
        .filter(|t| t.asset.starts_with('p'))
        .map(|t| (t.user.as_str(), t.asset.as_str(), t.operation))
        .collect();
    assert_eq!(
        lost,
        [
            ("carol", "pd", Operation::View),
            ("carol", "pg", Operation::View)
        ]
    );
    f.ok(ALICE, demote);
    f.denies("carol", Operation::View, "pd", Rule::A2);
}
