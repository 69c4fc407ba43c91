//! The query API hosts call instead of deciding themselves: one check request for assets and
//! creation, asset metadata as the caller may see it, the organization summary, may-import and
//! audit access; one rule for non-members (P1); views that answer only their member.

#![allow(
    clippy::panic,
    clippy::unwrap_used,
    reason = "a test fails by panicking, with the values it saw"
)]

mod common;

use common::{ALICE, Fixture, MAIN, cmd};
use orgspace_core::{
    CheckRequest, Command, Engine, Kind, Level, Mode, Operation, OrgPoint, Refusal, Rule,
};

/// A private `main` with analyst `bob` (who sees `shared` through a grant, not `secret`),
/// permission admin `pam` and `auditor`, who holds `view_audit_log` through a custom role.
fn org() -> Fixture {
    let mut f = Fixture::with_mode(Mode::Private);
    f.member("bob", MAIN, &["analyst"]);
    f.asset(ALICE, "secret", MAIN, Kind::Dashboard);
    f.ok(
        ALICE,
        cmd::create_asset("shared", MAIN, Kind::Dashboard, None, &["secret"]),
    );
    f.ok(ALICE, cmd::grant("shared", cmd::user("bob"), Level::View));
    f.asset(ALICE, "open", MAIN, Kind::Workbook);
    f.ok(ALICE, cmd::set_public("open", true));
    f.org_member("pam", &["permission_admin"]);
    f.ok(
        ALICE,
        Command::DefineOrgRole {
            role: "audit".into(),
            name: "Audit".into(),
            points: vec![OrgPoint::ViewAuditLog],
        },
    );
    f.org_member("auditor", &["audit"]);
    f
}

fn denied_by(r: Result<impl std::fmt::Debug, Refusal>, rule: Rule) {
    match r {
        Err(Refusal::Denied { rule: got, .. }) => assert_eq!(got, rule),
        other => panic!("expected a denial by {rule}, got {other:?}"),
    }
}

/// P1: a non-member is denied before any id is looked at, so unknown ids tell them nothing.
#[test]
fn p1_non_members_are_denied_uniformly_before_ids_are_resolved() {
    let f = org();
    let e = &f.engine;
    for asset in ["secret", "no-such-asset"] {
        let d = e.check("mallory", Operation::View, asset, f.now).unwrap();
        assert_eq!((d.allowed, d.rule), (false, Rule::P1), "{asset}");
        denied_by(e.asset_info("mallory", asset, f.now), Rule::P1);
        denied_by(e.data_scope("mallory", asset, f.now), Rule::P1);
    }
    for ws in [MAIN, "no-such-workspace"] {
        let d = e.check_create("mallory", ws, Kind::Dashboard).unwrap();
        assert_eq!((d.allowed, d.rule), (false, Rule::P1), "{ws}");
        denied_by(e.visible_assets("mallory", ws, f.now), Rule::P1);
        denied_by(e.visible_folders("mallory", ws, f.now), Rule::P1);
        denied_by(
            e.mode_switch_dry_run("mallory", ws, Mode::Collaboration, f.now),
            Rule::P1,
        );
    }
    denied_by(e.org_summary("mallory"), Rule::P1);
    denied_by(e.snapshot_for("mallory", f.now), Rule::P1);
    denied_by(e.may_view_audit_log("mallory"), Rule::P1);
    for d in [
        e.may_import("mallory").unwrap(),
        e.audit_access("mallory").unwrap(),
    ] {
        assert_eq!((d.allowed, d.rule), (false, Rule::P1));
    }
    assert!(
        e.filter("mallory", Operation::View, &["open", "secret"], f.now)
            .unwrap()
            .is_empty()
    );
    assert_eq!(e.user_handle("mallory"), None);
}

/// The one check request: an asset, or a workspace and kind for `create` (or an asset alone,
/// whose workspace and kind it asks about), with clear refusals for any other shape.
#[test]
fn x1_one_check_request_for_assets_and_creation() {
    let f = org();
    let e = &f.engine;
    let ask = |json: &str| {
        let req: CheckRequest = serde_json::from_str(json).unwrap();
        e.decide("bob", &req, f.now)
    };
    assert!(
        ask(r#"{"operation":"view","asset":"shared"}"#)
            .unwrap()
            .allowed
    );
    assert!(
        ask(r#"{"operation":"view","asset":"shared","workspace":"main"}"#)
            .unwrap()
            .allowed
    );
    let hidden = ask(r#"{"operation":"view","asset":"secret"}"#).unwrap();
    assert_eq!((hidden.allowed, hidden.rule), (false, Rule::W7));
    let create = ask(r#"{"operation":"create","workspace":"main","kind":"dashboard"}"#).unwrap();
    assert_eq!(
        create,
        e.check_create("bob", MAIN, Kind::Dashboard).unwrap()
    );
    assert!(create.allowed);
    // `create` on an asset asks about its workspace and kind, as `check` does.
    let like = ask(r#"{"operation":"create","asset":"secret"}"#).unwrap();
    assert_eq!(
        like,
        e.check("bob", Operation::Create, "secret", f.now).unwrap()
    );
    let data_source = ask(r#"{"operation":"create","workspace":"main","kind":"data_source"}"#);
    assert!(
        !data_source.unwrap().allowed,
        "R3: analysts build no data sources"
    );

    for (json, code) in [
        (r#"{"operation":"view"}"#, "invalid"),
        (
            r#"{"operation":"view","asset":"shared","kind":"dashboard"}"#,
            "invalid",
        ),
        (r#"{"operation":"create","workspace":"main"}"#, "invalid"),
        (
            r#"{"operation":"create","asset":"shared","kind":"dashboard"}"#,
            "invalid",
        ),
        (r#"{"operation":"view","asset":"nope"}"#, "not_found"),
        (
            r#"{"operation":"view","asset":"shared","workspace":"personal:bob"}"#,
            "not_found",
        ),
        (
            r#"{"operation":"create","workspace":"nope","kind":"dashboard"}"#,
            "not_found",
        ),
    ] {
        let got = ask(json).map(|d| d.allowed);
        assert_eq!(got.map_err(|r| r.code()), Err(code), "{json}");
    }
    assert!(
        serde_json::from_str::<CheckRequest>(r#"{"operation":"view","asset":"a","user":"x"}"#)
            .is_err(),
        "unknown fields are refused"
    );
}

/// Asset metadata only for those who may view it (W7), with the references they may view and
/// whether they hold a grant on it (A1).
#[test]
fn w7_asset_info_as_the_caller_may_see_it() {
    let f = org();
    let e = &f.engine;
    let shared = e.asset_info("bob", "shared", f.now).unwrap();
    assert_eq!(
        (
            shared.workspace.as_str(),
            shared.kind,
            shared.owner.as_str()
        ),
        (MAIN, Kind::Dashboard, ALICE)
    );
    assert!(shared.granted);
    assert!(shared.references.is_empty(), "bob may not view `secret`");
    let by_alice = e.asset_info(ALICE, "shared", f.now).unwrap();
    assert_eq!(by_alice.references, ["secret"]);
    assert!(!by_alice.granted);
    let open = e.asset_info("bob", "open", f.now).unwrap();
    assert!(open.public && !open.granted);
    denied_by(e.asset_info("bob", "secret", f.now), Rule::W7);
    assert_eq!(
        e.asset_info("bob", "nope", f.now).unwrap_err().code(),
        "not_found"
    );
}

/// O2, O4, O6: the summary names what the caller holds and whether their view is whole.
#[test]
fn o2_org_summary_names_the_callers_standing() {
    let f = org();
    let e = &f.engine;
    let alice = e.org_summary(ALICE).unwrap();
    assert_eq!(
        (alice.id.as_str(), alice.default_workspace.as_str()),
        ("acme", MAIN)
    );
    assert_eq!(alice.version, e.version());
    assert!(alice.you.org_admin && alice.you.whole_view);
    assert_eq!(alice.you.points, OrgPoint::ALL);
    let pam = e.org_summary("pam").unwrap().you;
    assert!(!pam.org_admin && pam.whole_view);
    assert_eq!(
        pam.points,
        [OrgPoint::AuthorizeCentrally, OrgPoint::ViewAuditLog]
    );
    let bob = e.org_summary("bob").unwrap().you;
    assert!(!bob.org_admin && !bob.whole_view && bob.points.is_empty());
}

/// O1: only an org admin of the organization in a snapshot imports it; X4: the audit log is
/// read by org admins and holders of `view_audit_log`.
#[test]
fn o1_x4_may_import_and_audit_access() {
    let f = org();
    let e = &f.engine;
    let admin = e.may_import(ALICE).unwrap();
    assert_eq!((admin.allowed, admin.rule), (true, Rule::O1));
    let pam = e.may_import("pam").unwrap();
    assert_eq!((pam.allowed, pam.rule), (false, Rule::O1));
    for (user, allowed) in [
        (ALICE, true),
        ("pam", true),
        ("auditor", true),
        ("bob", false),
    ] {
        let d = e.audit_access(user).unwrap();
        assert_eq!((d.allowed, d.rule), (allowed, Rule::X4), "{user}");
        assert_eq!(e.may_view_audit_log(user).is_ok(), allowed, "{user}");
    }
    assert_eq!(
        Engine::new().may_import(ALICE).unwrap_err().code(),
        "not_found"
    );
}

/// An engine loaded from bob's view answers bob and refuses every question about anyone else
/// with a typed refusal (`wrong_view`), rather than answer from a state it does not hold.
#[test]
fn p1_a_view_answers_only_its_member() {
    let f = org();
    let view = f.engine.snapshot_for("bob", f.now).unwrap();
    let e = Engine::from_snapshot(&view).unwrap();
    assert!(
        e.check("bob", Operation::View, "shared", f.now)
            .unwrap()
            .allowed
    );
    assert!(e.user_handle("bob").is_some());
    for other in [ALICE, "pam", "mallory"] {
        let wrong = |r: Result<(), Refusal>| match r {
            Err(Refusal::WrongView { view_of, actor }) => {
                assert_eq!((view_of.as_str(), actor.as_str()), ("bob", other));
            }
            got => panic!("{other}: expected wrong_view, got {got:?}"),
        };
        wrong(e.check(other, Operation::View, "shared", f.now).map(drop));
        wrong(e.check_create(other, MAIN, Kind::Dashboard).map(drop));
        wrong(e.visible_assets(other, MAIN, f.now).map(drop));
        wrong(e.visible_folders(other, MAIN, f.now).map(drop));
        wrong(
            e.filter(other, Operation::View, &["shared"], f.now)
                .map(drop),
        );
        wrong(e.asset_info(other, "shared", f.now).map(drop));
        wrong(e.org_summary(other).map(drop));
        wrong(e.audit_access(other).map(drop));
        wrong(e.snapshot_for(other, f.now).map(drop));
        assert_eq!(e.user_handle(other), None);
        assert_eq!(
            e.check(other, Operation::View, "shared", f.now)
                .unwrap_err()
                .code(),
            "wrong_view"
        );
    }
}
