//! The gate hosts apply before resolving any id (P1: members only, one answer for everyone
//! else) and who may bring an organization into being (O1: provisioners, under an id of the
//! accepted alphabet); ids may not hold invisible formatting characters.

mod common;

use common::{ALICE, Fixture, MAIN, cmd};
use orgspace_core::membership::{admit, check_org_id, outsider, provision};
use orgspace_core::{Command, Engine, Refusal, Rule};

#[test]
fn p1_members_are_admitted_and_everyone_else_gets_one_answer() {
    let mut f = Fixture::new();
    f.member("bob", MAIN, &["developer"]);
    let part = f.engine.org_part().unwrap();
    let org = part.id.clone();
    assert_eq!(admit(Some(&part), &org, ALICE), Ok(()));
    assert_eq!(admit(Some(&part), &org, "bob"), Ok(()));
    let answers = [
        admit(Some(&part), &org, "mallory"),
        admit(Some(&part), &org, "Bob"),
        admit(None, &org, "bob"),
        admit(Some(&part), "another-org", "bob"),
        admit(None, "no-such-org", "mallory"),
    ];
    for answer in answers {
        assert_eq!(answer, Err(outsider()));
    }
    let Refusal::Denied { rule, reason } = outsider() else {
        panic!("a denial")
    };
    assert_eq!(rule, Rule::P1);
    assert!(!reason.contains(&org), "{reason}");
}

#[test]
fn o1_only_provisioners_create_organizations() {
    let refused = provision("acme", false).unwrap_err();
    assert_eq!(refused.rule(), Some(Rule::O1));
    assert_eq!(
        provision("anything-at-all", false),
        Err(refused),
        "the same whatever the id"
    );
    assert_eq!(provision("acme", true), Ok(()));
    assert_eq!(provision("Acme", true).unwrap_err().code(), "invalid");
}

#[test]
fn o1_organization_ids_are_lowercase_ascii() {
    for ok in ["acme", "a", "acme-2.eu_west", "0rg", &"a".repeat(64)] {
        assert_eq!(check_org_id(ok), Ok(()), "{ok}");
    }
    let zero_width = "ac\u{200b}me";
    let bidi = "acme\u{202e}";
    let cyrillic = "\u{430}cme";
    let too_long = "a".repeat(65);
    for bad in [
        "", "Acme", "-acme", ".acme", "ac me", "acme/ws", zero_width, bidi, cyrillic, &too_long,
    ] {
        assert_eq!(check_org_id(bad).unwrap_err().code(), "invalid", "{bad:?}");
    }
    let mut engine = Engine::new();
    let create = |org: &str| Command::CreateOrg {
        org: org.into(),
        name: "Acme".into(),
        default_workspace: "main".into(),
        default_workspace_name: None,
        mode: None,
    };
    assert_eq!(
        engine
            .execute(ALICE, &create(cyrillic), 1)
            .unwrap_err()
            .code(),
        "invalid"
    );
    assert!(engine.execute(ALICE, &create("acme"), 1).is_ok());
}

#[test]
fn p1_ids_hold_no_invisible_formatting_characters() {
    let mut f = Fixture::new();
    for id in [
        "bob\u{200b}",
        "\u{feff}bob",
        "admin\u{202e}nimda",
        "bo\u{2066}b",
        "x\u{e0041}",
    ] {
        f.refused_as(ALICE, cmd::add_member(id, None, &[]), "invalid");
    }
    f.member("bob@example.com", MAIN, &["visitor"]);
    f.member("auth0|Überprüfung-αβγ", MAIN, &["visitor"]);
}
