//! P: principals. Users are opaque ids (P1); groups nest at most five levels and a group
//! grant reaches every user of the group and of the groups nested in it (P2).

mod common;

use common::{ALICE, Fixture, MAIN, cmd};
use orgspace_core::{Kind, Level, Mode, Operation, Reason, Rule};

#[test]
fn p1_users_are_opaque_ids() {
    let mut f = Fixture::with_mode(Mode::Private);
    let sub = "auth0|5f7c8ec7-Überprüfung:αβγ@example";
    f.member(sub, MAIN, &["analyst"]);
    f.asset(sub, "d1", MAIN, Kind::Dashboard);
    f.allows(sub, Operation::Delete, "d1", Rule::R6);
    assert!(f.is_member(sub));
    assert_eq!(f.owner_of("d1").unwrap().0, sub);
}

#[test]
fn p1_an_id_that_is_not_a_member_is_denied() {
    let mut f = Fixture::new();
    f.member("bob", MAIN, &["developer"]);
    f.asset("bob", "d1", MAIN, Kind::Dashboard);
    // The same letters in another case are another user.
    f.denies("Bob", Operation::View, "d1", Rule::P1);
    f.allows("bob", Operation::View, "d1", Rule::R2);
    f.denied("mallory", cmd::rename("d1"), Rule::P1);
    f.denied("mallory", cmd::add_member("eve", None, &[]), Rule::P1);
}

#[test]
fn p1_malformed_ids_are_invalid() {
    let mut f = Fixture::new();
    f.refused_as(ALICE, cmd::add_member("", None, &[]), "invalid");
    f.refused_as(ALICE, cmd::add_member("bad\nid", None, &[]), "invalid");
    f.refused_as(
        ALICE,
        cmd::add_member(&"x".repeat(257), None, &[]),
        "invalid",
    );
    f.ok(ALICE, cmd::add_member(&"x".repeat(256), None, &[]));
}

#[test]
fn p2_group_grant_reaches_nested_groups() {
    let mut f = Fixture::with_mode(Mode::Private);
    f.member("bob", MAIN, &["analyst"]);
    f.member("carol", MAIN, &["analyst"]);
    f.ok(ALICE, cmd::create_group("sales", None));
    f.ok(ALICE, cmd::create_group("east", Some("sales")));
    f.ok(ALICE, cmd::create_group("boston", Some("east")));
    f.ok(ALICE, cmd::add_to_group("boston", "bob"));
    f.asset(ALICE, "d1", MAIN, Kind::Dashboard);
    f.denies("bob", Operation::View, "d1", Rule::W7);

    f.ok(ALICE, cmd::grant("d1", cmd::group("sales"), Level::View));
    f.allows("bob", Operation::View, "d1", Rule::A1);
    let d = f.check("bob", Operation::View, "d1");
    assert!(matches!(d.reason, Reason::Grant { via: Some(_), .. }));
    assert!(f.engine.explain(&d).contains("sales"));
    // Not in any of the groups: nothing.
    f.denies("carol", Operation::View, "d1", Rule::W7);
    assert_eq!(f.visible_assets("bob", MAIN), ["d1"]);
    assert!(f.visible_assets("carol", MAIN).is_empty());
}

#[test]
fn p2_a_user_may_be_in_several_groups() {
    let mut f = Fixture::with_mode(Mode::Private);
    f.member("bob", MAIN, &["analyst"]);
    f.ok(ALICE, cmd::create_group("sales", None));
    f.ok(ALICE, cmd::create_group("finance", None));
    f.ok(ALICE, cmd::add_to_group("sales", "bob"));
    f.ok(ALICE, cmd::add_to_group("finance", "bob"));
    f.asset(ALICE, "d1", MAIN, Kind::Dashboard);
    f.asset(ALICE, "d2", MAIN, Kind::Dashboard);
    f.ok(ALICE, cmd::grant("d1", cmd::group("sales"), Level::View));
    f.ok(ALICE, cmd::grant("d2", cmd::group("finance"), Level::View));
    f.allows("bob", Operation::View, "d1", Rule::A1);
    f.allows("bob", Operation::View, "d2", Rule::A1);
    // Leaving one group takes away only what it gave.
    f.ok(
        ALICE,
        orgspace_core::Command::RemoveGroupMember {
            group: "sales".into(),
            user: "bob".into(),
        },
    );
    f.denies("bob", Operation::View, "d1", Rule::W7);
    f.allows("bob", Operation::View, "d2", Rule::A1);
}

#[test]
fn p2_groups_nest_at_most_five_levels() {
    let mut f = Fixture::new();
    f.ok(ALICE, cmd::create_group("g1", None));
    for level in 2..=5 {
        let parent = format!("g{}", level - 1);
        f.ok(
            ALICE,
            cmd::create_group(&format!("g{level}"), Some(&parent)),
        );
    }
    f.denied(ALICE, cmd::create_group("g6", Some("g5")), Rule::P2);
    // A sibling at level five is still fine.
    f.ok(ALICE, cmd::create_group("g5b", Some("g4")));
    f.assert_invariants();
}

#[test]
fn p2_grant_to_a_group_is_capped_by_each_members_role() {
    let mut f = Fixture::new();
    f.member("bob", MAIN, &["developer"]);
    f.member("dave", MAIN, &["visitor"]);
    f.ok(ALICE, cmd::create_group("team", None));
    f.ok(ALICE, cmd::add_to_group("team", "bob"));
    f.ok(ALICE, cmd::add_to_group("team", "dave"));
    f.asset(ALICE, "d1", MAIN, Kind::Dashboard);
    // Group grants are allowed whatever the group holds (decisions.md); A2 caps the effect.
    f.ok(ALICE, cmd::grant("d1", cmd::group("team"), Level::Edit));
    f.allows("bob", Operation::Modify, "d1", Rule::A1);
    f.denies("dave", Operation::Modify, "d1", Rule::R4);
}
