//! The `orgspace` command line: conformance runs, single decisions and snapshot validation,
//! with their output and exit codes (0 success / allow, 1 failure / invalid, 2 deny).
#![allow(
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "helpers of this test file fail the calling test on purpose"
)]

use assert_cmd::Command;
use orgspace_core::{Engine, Kind, Level, Mode, Target};
use std::path::PathBuf;

fn fixture(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(path)
}

fn orgspace() -> Command {
    Command::new(env!("CARGO_BIN_EXE_orgspace"))
}

/// Runs `orgspace` with `args`; returns (exit code, stdout, stderr).
fn run(args: &[&str]) -> (i32, String, String) {
    let out = orgspace().args(args).output().unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

fn last_line(text: &str) -> &str {
    text.lines().last().unwrap_or_default()
}

// ---------------------------------------------------------------------------------------------
// conformance

#[test]
fn conformance_passing_file_exits_0() {
    let path = fixture("scenarios/pass.json");
    let (code, out, _) = run(&["conformance", path.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}");
    assert_eq!(last_line(&out), "2 passed, 0 failed");
    assert!(!out.contains("FAIL"), "{out}");
    orgspace().arg("conformance").arg(&path).assert().success();
}

#[test]
fn conformance_failing_file_exits_1_and_shows_step_expected_and_actual() {
    let path = fixture("scenarios/fail.json");
    let (code, out, _) = run(&["conformance", path.to_str().unwrap()]);
    assert_eq!(code, 1, "{out}");
    assert_eq!(last_line(&out), "1 passed, 1 failed");
    let fail = out
        .lines()
        .find(|l| l.starts_with("FAIL"))
        .unwrap_or_else(|| panic!("no FAIL line in {out}"));
    assert!(
        fail.contains("fail.json") && fail.contains("a wrong expectation"),
        "{fail}"
    );
    // Step 4 fails: expected allowed, got the engine's deny with its rule and reason.
    let step = out
        .lines()
        .find(|l| l.trim_start().starts_with("step 4"))
        .unwrap_or_else(|| panic!("no step 4 line in {out}"));
    assert!(step.contains("as bob"), "{step}");
    assert!(step.contains("deliberately wrong"), "{step}");
    assert!(
        step.contains("expected") && step.contains("allowed: true"),
        "{step}"
    );
    assert!(step.contains("got deny (R4)"), "{step}");
    // Step 5 fails too: the delete was expected to pass.
    assert!(
        out.lines().any(|l| l.trim_start().starts_with("step 5")),
        "{out}"
    );
    assert!(
        !out.contains("step 3 "),
        "passing steps are not reported: {out}"
    );
}

#[test]
fn conformance_over_both_files_counts_all_scenarios() {
    let (code, out, _) = run(&[
        "conformance",
        fixture("scenarios/pass.json").to_str().unwrap(),
        fixture("scenarios/fail.json").to_str().unwrap(),
    ]);
    assert_eq!(code, 1);
    assert_eq!(last_line(&out), "3 passed, 1 failed");
}

#[test]
fn conformance_on_an_unreadable_scenario_exits_1() {
    let (code, out, err) = run(&[
        "conformance",
        fixture("scenarios/malformed.json").to_str().unwrap(),
    ]);
    assert_eq!(code, 1);
    assert_eq!(last_line(&out), "0 passed, 1 failed");
    assert!(err.contains("malformed.json"), "{err}");
    let (code, _, err) = run(&["conformance", "/nonexistent/scenarios"]);
    assert_eq!(code, 1);
    assert!(err.contains("nonexistent"), "{err}");
}

// ---------------------------------------------------------------------------------------------
// check

/// The organization of `snapshots/org.json`: `sales` in private mode; alice (org admin), bob
/// (analyst) and carol (visitor); bob's dashboard `q3` shared with carol, alice's unshared
/// `plan`, alice's dataset `sales_set`.
fn fixture_org() -> Engine {
    use orgspace_core::Command as C;
    let mut e = Engine::new();
    let at = 1_700_000_000_000;
    let steps = [
        (
            "alice",
            C::CreateOrg {
                org: "acme".into(),
                name: "Acme".into(),
                default_workspace: "sales".into(),
                default_workspace_name: Some("Sales".into()),
                mode: Some(Mode::Private),
            },
        ),
        (
            "alice",
            C::AddMember {
                user: "bob".into(),
                org_roles: vec![],
                workspace: Some("sales".into()),
                workspace_roles: vec!["analyst".into()],
                attributes: Default::default(),
            },
        ),
        (
            "alice",
            C::AddMember {
                user: "carol".into(),
                org_roles: vec![],
                workspace: Some("sales".into()),
                workspace_roles: vec!["visitor".into()],
                attributes: Default::default(),
            },
        ),
        (
            "alice",
            C::CreateFolder {
                folder: "reports".into(),
                workspace: "sales".into(),
                name: "Reports".into(),
                parent: None,
            },
        ),
        (
            "bob",
            C::CreateAsset {
                asset: "q3".into(),
                workspace: "sales".into(),
                kind: Kind::Dashboard,
                name: "Q3".into(),
                folder: Some("reports".into()),
                references: vec![],
            },
        ),
        (
            "alice",
            C::CreateAsset {
                asset: "plan".into(),
                workspace: "sales".into(),
                kind: Kind::Dashboard,
                name: "Plan".into(),
                folder: None,
                references: vec![],
            },
        ),
        (
            "alice",
            C::CreateAsset {
                asset: "sales_set".into(),
                workspace: "sales".into(),
                kind: Kind::Dataset,
                name: "Sales".into(),
                folder: None,
                references: vec![],
            },
        ),
        (
            "bob",
            C::Grant {
                asset: "q3".into(),
                target: Target::User("carol".into()),
                level: Level::View,
                expires_at: None,
            },
        ),
    ];
    for (actor, command) in steps {
        e.execute(actor, &command, at).unwrap();
    }
    e
}

/// The fixture's snapshot as the engine writes it, without the audit log (kept out of the
/// file for brevity; it is optional in the format).
fn fixture_json() -> String {
    let mut snapshot = fixture_org().snapshot().unwrap();
    snapshot.audit.clear();
    serde_json::to_string_pretty(&snapshot).unwrap() + "\n"
}

#[test]
fn fixture_snapshot_is_what_the_engine_writes() {
    let path = fixture("snapshots/org.json");
    if std::env::var_os("ORGSPACE_WRITE_FIXTURES").is_some() {
        std::fs::write(&path, fixture_json()).unwrap();
    }
    let on_disk = std::fs::read_to_string(&path).unwrap();
    assert_eq!(
        on_disk,
        fixture_json(),
        "regenerate with ORGSPACE_WRITE_FIXTURES=1 cargo test -p orgspace-cli"
    );
}

fn check(actor: &str, op: &str, target: &str) -> (i32, String, String) {
    let snap = fixture("snapshots/org.json");
    run(&[
        "check",
        "--snapshot",
        snap.to_str().unwrap(),
        "--as",
        actor,
        "--at",
        "1700000000000",
        op,
        target,
    ])
}

#[test]
fn check_allow_exits_0_with_rule_and_reason() {
    let (code, out, _) = check("carol", "view", "q3");
    assert_eq!(code, 0, "{out}");
    assert!(out.starts_with("allow (A1): "), "{out}");
    assert!(out.contains("grant"), "{out}");
    let (code, out, _) = check("bob", "delete", "q3");
    assert_eq!(code, 0);
    assert!(out.starts_with("allow (R6): "), "{out}");
    let (code, out, _) = check("alice", "modify", "q3");
    assert_eq!(code, 0);
    assert!(out.starts_with("allow (O6): "), "{out}");
}

#[test]
fn check_deny_exits_2_with_rule_and_reason() {
    let (code, out, _) = check("carol", "view", "plan");
    assert_eq!(code, 2, "{out}");
    assert!(out.starts_with("deny (W7): "), "{out}");
    assert!(out.contains("private"), "{out}");
    let (code, out, _) = check("carol", "modify", "q3");
    assert_eq!(code, 2);
    assert!(out.starts_with("deny (R4): "), "{out}");
    let (code, out, _) = check("bob", "modify", "sales_set");
    assert_eq!(code, 2);
    assert!(out.starts_with("deny (R3): "), "{out}");
    let (code, out, _) = check("mallory", "view", "q3");
    assert_eq!(code, 2);
    assert!(out.starts_with("deny (P1): "), "{out}");
}

#[test]
fn check_create_takes_workspace_and_kind() {
    let (code, out, _) = check("bob", "create", "sales:dashboard");
    assert_eq!(code, 0, "{out}");
    assert!(out.starts_with("allow (R3): "), "{out}");
    let (code, out, _) = check("bob", "create", "sales:data_source");
    assert_eq!(code, 2, "{out}");
    assert!(out.starts_with("deny (R3): "), "{out}");
    let (code, out, _) = check("carol", "create", "sales:workbook");
    assert_eq!(code, 2);
    assert!(out.starts_with("deny (R4): "), "{out}");
    let (code, out, _) = check("carol", "create", "personal:carol:workbook");
    assert_eq!(code, 0, "{out}");
    assert!(out.starts_with("allow (W3): "), "{out}");
}

#[test]
fn check_bad_input_exits_1() {
    let (code, _, err) = check("bob", "create", "sales:spaceship");
    assert_eq!(code, 1);
    assert!(err.contains("WORKSPACE:KIND"), "{err}");
    let (code, _, err) = check("bob", "fly", "q3");
    assert_eq!(code, 1);
    assert!(err.contains("unknown operation"), "{err}");
    let (code, _, err) = check("bob", "view", "nothing");
    assert_eq!(code, 1);
    assert!(err.contains("not found"), "{err}");
    let (code, _, err) = check("bob", "create", "nowhere:dashboard");
    assert_eq!(code, 1);
    assert!(err.contains("nowhere"), "{err}");
    let invalid = fixture("snapshots/invalid.json");
    let (code, _, err) = run(&[
        "check",
        "--snapshot",
        invalid.to_str().unwrap(),
        "--as",
        "bob",
        "view",
        "q3",
    ]);
    assert_eq!(code, 1);
    assert!(err.contains("invariant"), "{err}");
}

// ---------------------------------------------------------------------------------------------
// validate

#[test]
fn validate_a_valid_snapshot_exits_0() {
    let path = fixture("snapshots/org.json");
    let (code, out, _) = run(&["validate", path.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("valid (version 8)"), "{out}");
}

#[test]
fn validate_an_invalid_snapshot_exits_1_listing_each_problem() {
    let path = fixture("snapshots/invalid.json");
    let (code, out, _) = run(&["validate", path.to_str().unwrap()]);
    assert_eq!(code, 1, "{out}");
    let lines: Vec<&str> = out.lines().collect();
    for (rule, words) in [
        ("O5", "no org admin"),
        ("W2", "nowhere"),
        ("W6", "bob"),
        ("R6", "ghost"),
        ("X5", "missing_folder"),
    ] {
        assert!(
            lines
                .iter()
                .any(|l| l.starts_with(&format!("{rule}: ")) && l.contains(words)),
            "no `{rule}: ...{words}...` line in\n{out}"
        );
    }
    let problems = lines.len() - 1;
    assert!(
        last_line(&out).ends_with(&format!("invalid.json: {problems} problem(s)")),
        "{out}"
    );
}

#[test]
fn validate_refuses_an_unknown_format_and_non_snapshots() {
    let path = fixture("snapshots/unknown_format.json");
    let (code, out, _) = run(&["validate", path.to_str().unwrap()]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("unknown snapshot format 99"), "{out}");
    let scenario = fixture("scenarios/pass.json");
    let (code, out, _) = run(&["validate", scenario.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(out.contains("not valid"), "{out}");
    let (code, _, err) = run(&["validate", "/nonexistent.json"]);
    assert_eq!(code, 1);
    assert!(err.contains("nonexistent"), "{err}");
}

// ---------------------------------------------------------------------------------------------
// who-has-access, diff, view-as (issue 15)

fn ask(args: &[&str]) -> (i32, serde_json::Value, String) {
    let snap = fixture("snapshots/org.json");
    let mut all = vec![
        args[0],
        "--snapshot",
        snap.to_str().unwrap(),
        "--at",
        "1700000000000",
    ];
    all.extend_from_slice(&args[1..]);
    let (code, out, err) = run(&all);
    let json = serde_json::from_str(&out).unwrap_or(serde_json::Value::Null);
    (code, json, err)
}

#[test]
fn who_has_access_prints_each_member_with_the_reason_a3_refuses_others() {
    let (code, page, _) = ask(&["who-has-access", "--as", "bob", "q3", "view"]);
    assert_eq!(code, 0);
    let got: Vec<(&str, &str)> = page["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| (m["user"].as_str().unwrap(), m["basis"].as_str().unwrap()))
        .collect();
    assert_eq!(
        got,
        [("alice", "org_admin"), ("bob", "owner"), ("carol", "grant")]
    );
    let (code, page, _) = ask(&["who-has-access", "--as", "alice", "--limit", "2", "q3"]);
    assert_eq!((code, page["next"].as_str()), (0, Some("bob")));
    let (code, _, _) = ask(&["who-has-access", "--as", "alice", "--cursor", "bob", "q3"]);
    assert_eq!(code, 0);
    let (code, page, _) = ask(&["who-has-access", "--as", "alice", "--folder", "reports"]);
    assert_eq!(
        (code, page["members"].as_array().map(Vec::len)),
        (0, Some(3))
    );
    let (code, _, err) = ask(&["who-has-access", "--as", "carol", "q3"]);
    assert_eq!(code, 2);
    assert!(err.contains("A3"), "{err}");
    let (code, _, err) = ask(&["who-has-access", "--as", "bob", "q3", "fly"]);
    assert_eq!(code, 1, "{err}");
}

#[test]
fn diff_prints_what_a_command_would_change_and_refuses_what_the_actor_could_not_run() {
    let revoke = r#"{"type": "revoke", "asset": "q3", "target": {"user": "carol"}}"#;
    let (code, diff, _) = ask(&["diff", "--as", "bob", revoke]);
    assert_eq!(code, 0);
    assert_eq!(
        diff["loses"],
        serde_json::json!([{"user": "carol", "asset": "q3", "operation": "view"}])
    );
    let (code, _, err) = ask(&["diff", "--as", "carol", revoke]);
    assert_eq!(code, 2, "{err}");
    let (code, _, err) = ask(&["diff", "--as", "bob", "{\"type\": \"nothing\"}"]);
    assert_eq!(code, 1, "{err}");
}

#[test]
fn view_as_shows_the_members_workspace_r1_refuses_others_and_record_audits_it() {
    let (code, view, _) = ask(&["view-as", "--as", "alice", "carol", "sales"]);
    assert_eq!(code, 0);
    assert_eq!(
        view["assets"],
        serde_json::json!([{"id": "q3", "operations": ["view"]}])
    );
    assert_eq!(view["folders"], serde_json::json!(["reports"]));
    let (code, _, err) = ask(&["view-as", "--as", "bob", "carol", "sales"]);
    assert_eq!(code, 2);
    assert!(err.contains("R1"), "{err}");

    let dir = std::env::temp_dir().join(format!("orgspace-view-as-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let copy = dir.join("org.json");
    std::fs::copy(fixture("snapshots/org.json"), &copy).unwrap();
    let before = std::fs::read_to_string(&copy).unwrap();
    let args = |actor: &'static str| {
        vec![
            "view-as",
            "--snapshot",
            copy.to_str().unwrap(),
            "--as",
            actor,
            "--at",
            "1700000000001",
            "--record",
            "carol",
            "sales",
        ]
        .into_iter()
        .map(String::from)
        .collect::<Vec<_>>()
    };
    let refused = args("bob");
    let (code, _, _) = run(&refused.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(code, 2);
    assert_eq!(
        std::fs::read_to_string(&copy).unwrap(),
        before,
        "a refused view writes nothing"
    );
    let ok = args("alice");
    let (code, _, _) = run(&ok.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(code, 0);
    let after = Engine::from_json(&std::fs::read_to_string(&copy).unwrap()).unwrap();
    let last = after.audit().last().unwrap();
    assert_eq!(
        (last.actor.as_str(), last.command.name()),
        ("alice", "view_as")
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
