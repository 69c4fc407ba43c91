//! `Engine::may_run`: the requirements a command's handler checks of its actor, asked before a
//! page offers the form (issue 15). Each denial names the rule `execute` refuses by; the
//! differential test holds the two together on random command streams.

#![allow(
    clippy::panic,
    clippy::unwrap_used,
    reason = "a test fails by panicking, with the values it saw"
)]

mod common;

use common::{ALICE, Fixture, MAIN, cmd};
use orgspace_core::{Command, Engine, Kind, Mode, Refusal, Rule};

/// `main` with analyst `bob`, visitor `vic`, and `wsadmin`, an admin of `main` only.
fn org() -> Fixture {
    let mut f = Fixture::with_mode(Mode::Private);
    f.member("bob", MAIN, &["analyst"]);
    f.member("vic", MAIN, &["visitor"]);
    f.member("wsadmin", MAIN, &["admin"]);
    f
}

fn forms() -> Vec<(Command, Rule)> {
    vec![
        (cmd::create_workspace("w2", Mode::Private, None), Rule::W1),
        (
            Command::CreateGroup {
                group: "g".into(),
                name: "G".into(),
                parent: None,
            },
            Rule::O2,
        ),
        (cmd::add_member("newbie", None, &[]), Rule::O3),
        (
            Command::DefineOrgRole {
                role: "r".into(),
                name: "R".into(),
                points: vec![],
            },
            Rule::O2,
        ),
        // The member is not typed yet: the workspace requirement is still asked.
        (cmd::join(MAIN, "", &["viewer"]), Rule::R1),
        (
            Command::SetWorkspaceMode {
                workspace: MAIN.into(),
                mode: Mode::Collaboration,
            },
            Rule::W9,
        ),
        (
            Command::DefineWorkspaceRole {
                workspace: MAIN.into(),
                role: "r".into(),
                name: "R".into(),
                points: vec![],
            },
            Rule::R5,
        ),
    ]
}

/// O2, O3, W1, R1, W9, R5: forms about no asset are denied to an analyst by the rule the
/// command is refused by, and open to the org admin.
#[test]
fn o3_may_run_denies_what_execute_refuses_by_the_same_rule() {
    let f = org();
    for (command, rule) in forms() {
        let a = f.engine.may_run("bob", &command, f.now).unwrap();
        assert_eq!((a.allowed, a.rule), (false, rule), "{}", command.name());
        assert!(!a.reason.is_empty());
        match f.engine.clone().execute("bob", &command, f.now) {
            Err(Refusal::Denied { rule: got, .. }) => assert_eq!(got, rule, "{}", command.name()),
            // An empty member id is refused for its input before the workspace check.
            Err(_) if command.name() == "add_workspace_member" => {}
            other => panic!("{}: execute gave {other:?}", command.name()),
        }
        let admin = f.engine.may_run(ALICE, &command, f.now).unwrap();
        assert!(admin.allowed, "{}: {}", command.name(), admin.reason);
    }
}

/// R1: a workspace admin manages its members and roles but holds no organization point.
#[test]
fn r1_workspace_admins_pass_the_workspace_forms_only() {
    let f = org();
    let e = &f.engine;
    assert!(
        e.may_run("wsadmin", &cmd::join(MAIN, "", &["viewer"]), f.now)
            .unwrap()
            .allowed
    );
    let ws = e
        .may_run(
            "wsadmin",
            &cmd::create_workspace("w2", Mode::Private, None),
            f.now,
        )
        .unwrap();
    assert_eq!((ws.allowed, ws.rule), (false, Rule::W1));
}

/// A7, A6: a visitor may create nothing, so no folder either; an analyst may.
#[test]
fn a7_create_folder_follows_what_the_member_may_create() {
    let f = org();
    let folder = Command::CreateFolder {
        folder: "f".into(),
        workspace: MAIN.into(),
        name: "F".into(),
        parent: None,
    };
    let vic = f.engine.may_run("vic", &folder, f.now).unwrap();
    assert!(!vic.allowed);
    assert!(f.engine.may_run("bob", &folder, f.now).unwrap().allowed);
    let dash = cmd::create_asset("d", MAIN, Kind::Dashboard, None, &[]);
    assert!(!f.engine.may_run("vic", &dash, f.now).unwrap().allowed);
}

/// P1 and the view guard: a view answers its member's forms the same and refuses others.
#[test]
fn p1_may_run_on_a_members_view() {
    let f = org();
    let view = Engine::from_snapshot(&f.engine.snapshot_for("bob", f.now).unwrap()).unwrap();
    for (command, rule) in forms() {
        let a = view.may_run("bob", &command, f.now).unwrap();
        assert_eq!((a.allowed, a.rule), (false, rule), "{}", command.name());
    }
    assert!(matches!(
        view.may_run(ALICE, &forms()[0].0, f.now),
        Err(Refusal::WrongView { .. })
    ));
    let stranger = f.engine.may_run("mallory", &forms()[0].0, f.now).unwrap();
    assert_eq!((stranger.allowed, stranger.rule), (false, Rule::P1));
}
