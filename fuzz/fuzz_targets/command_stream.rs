//! Arbitrary command streams from arbitrary users at arbitrary times, on a seeded
//! organization (`orgspace_fuzz::seeded`), with ids from small pools so that commands hit
//! things that exist.
//!
//! After every command: X5 holds if it was accepted, the snapshot is byte-identical if it was
//! refused (X2), the version and audit log grow by one per accepted command (X4). Queries
//! never panic and agree with each other. A twin engine reloaded from the snapshot mid-stream
//! must give the same outcomes and snapshots as the original from then on; at the end the
//! snapshot round-trips, and (for inputs that ask for the deep checks) the reloaded engine
//! decides every (user, operation, asset) as the original, and every workspace part loads on
//! its own and answers as the whole, and every member's view (`Engine::snapshot_for`) loads,
//! round-trips and answers that member's queries as the whole, now and an hour later.

#![no_main]
#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::indexing_slicing,
    reason = "fuzz harness: a failed assertion is how a target reports a bug"
)]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use orgspace_core::snapshot::WorkspacePart;
use orgspace_core::{Command, Engine, Kind, Mode, Operation, Refusal, Rule};
use orgspace_fuzz::{
    ASSETS, COLUMNS, Op, Pick, RowIn, T0, USERS, WORKSPACES, assert_invariants, assert_round_trip,
    assert_scope_paths_agree, execute_checked, one_of, seeded, strict_reasons,
};
use std::collections::BTreeSet;
use std::sync::OnceLock;

/// Commands per input, at most.
const MAX_STEPS: usize = 40;

/// When a step runs.
#[derive(Arbitrary, Clone, Copy, Debug)]
enum When {
    /// `seconds` after (or before, if negative) the previous step.
    Delta(i16),
    /// Hours later.
    Hours(u8),
    /// The extremes hosts might pass.
    Zero,
    Max,
}

#[derive(Arbitrary, Clone, Debug)]
enum Query {
    Check {
        user: Pick,
        op: u8,
        asset: Pick,
    },
    CheckCreate {
        user: Pick,
        workspace: Pick,
        kind: u8,
    },
    Visible {
        user: Pick,
        workspace: Pick,
    },
    DryRun {
        user: Pick,
        workspace: Pick,
        private: bool,
    },
    DataScope {
        user: Pick,
        asset: Pick,
        rows: Vec<RowIn>,
        rotate: u8,
    },
}

#[derive(Arbitrary, Clone, Debug)]
struct Step {
    actor: Pick,
    when: When,
    op: Op,
    query: Option<Query>,
}

#[derive(Clone, Debug)]
struct Input {
    private: bool,
    /// Before which step a twin engine is loaded from the snapshot.
    reload_at: Option<u8>,
    /// Whether to end with a sweep of every query and a load of every workspace part on its
    /// own (slower, so not every input does).
    deep: bool,
    steps: Vec<Step>,
}

/// The number of steps comes first (not one "go on" bit per step, as `arbitrary` encodes a
/// `Vec`), so that random and mutated inputs hold long streams.
impl<'a> Arbitrary<'a> for Input {
    fn arbitrary(u: &mut arbitrary::Unstructured<'a>) -> arbitrary::Result<Self> {
        let private = bool::arbitrary(u)?;
        let reload_at = Option::<u8>::arbitrary(u)?;
        let deep = bool::arbitrary(u)?;
        let n = usize::from(u8::arbitrary(u)?) % (MAX_STEPS + 1);
        let mut steps = Vec::with_capacity(n);
        while steps.len() < n && !u.is_empty() {
            match Step::arbitrary(u) {
                Ok(step) => steps.push(step),
                Err(_) => break,
            }
        }
        Ok(Input {
            private,
            reload_at,
            deep,
            steps,
        })
    }
}

fn seed(private: bool) -> Engine {
    static SEEDS: OnceLock<[Engine; 2]> = OnceLock::new();
    SEEDS.get_or_init(|| [seeded(false), seeded(true)])[usize::from(private)].clone()
}

fn advance(now: u64, when: When) -> u64 {
    match when {
        When::Delta(s) => now.saturating_add_signed(i64::from(s) * 1000),
        When::Hours(h) => now.saturating_add(u64::from(h) * 3_600_000),
        When::Zero => 0,
        When::Max => u64::MAX,
    }
}

fuzz_target!(|input: Input| {
    let mut engine = seed(input.private);
    let mut twin: Option<Engine> = None;
    let mut now = T0 + 1_000;
    for (i, step) in input.steps.iter().enumerate() {
        if input.reload_at.is_some_and(|r| usize::from(r) == i) {
            twin = Some(assert_round_trip(&engine, "the commands so far"));
        }
        now = advance(now, step.when);
        let actor = step.actor.of(USERS);
        for command in step.op.commands(now) {
            run(&mut engine, twin.as_mut(), &actor, &command, now);
        }
        if let Some(q) = &step.query {
            query(&engine, twin.as_ref(), q, now);
        }
    }
    let loaded = assert_round_trip(&engine, "the command stream");
    if input.deep {
        sweep(&engine, &loaded, now);
        parts(&engine, now);
        views(&engine, now);
    }
});

/// Runs one command on the engine and its twin, checking X2, X4 and X5 (`execute_checked`),
/// that the twin decides alike, and that the state loads again after an accepted command on
/// data sources and table grants, which the loader checks datasets against (issue 16).
fn run(engine: &mut Engine, twin: Option<&mut Engine>, actor: &str, command: &Command, now: u64) {
    let outcome = execute_checked(engine, actor, command, now);
    let data = matches!(
        command,
        Command::CreateDataSource { .. }
            | Command::DeleteDataSource { .. }
            | Command::GrantTable { .. }
            | Command::RevokeTable { .. }
            | Command::SetDatasetTable { .. }
    );
    if outcome.is_ok() && data {
        assert_round_trip(engine, &format!("{command:?}"));
    }
    if let Some(t) = twin {
        let theirs = t.execute(actor, command, now);
        assert_eq!(
            outcome.is_ok(),
            theirs.is_ok(),
            "a reloaded engine decides {command:?} differently: {outcome:?} vs {theirs:?}"
        );
        if let (Err(a), Err(b)) = (&outcome, &theirs) {
            assert_eq!(
                refusal_key(a),
                refusal_key(b),
                "a reloaded engine refuses {command:?} differently"
            );
        }
        assert!(
            engine.to_json() == t.to_json(),
            "a reloaded engine reaches another state after {command:?}"
        );
    }
}

/// A query: no panic, and the answers agree with each other (and with the twin's).
fn query(engine: &Engine, twin: Option<&Engine>, q: &Query, now: u64) {
    match q {
        Query::Check { user, op, asset } => {
            let user = user.of(USERS);
            let asset = asset.of(ASSETS);
            let op = one_of(Operation::ALL, *op);
            check_one(engine, &user, op, &asset, now);
            if let Some(t) = twin {
                assert_eq!(
                    answer(engine, &user, op, &asset, now),
                    answer(t, &user, op, &asset, now),
                    "a reloaded engine decides differently"
                );
            }
        }
        Query::CheckCreate {
            user,
            workspace,
            kind,
        } => {
            let ws = workspace.of(WORKSPACES);
            let got = engine.check_create(&user.of(USERS), &ws, one_of(Kind::ALL, *kind));
            if let Ok(d) = got {
                let _ = engine.answer(&d).to_string();
            }
        }
        Query::Visible { user, workspace } => {
            let ws = workspace.of(WORKSPACES);
            visible(
                engine,
                engine.workspace_part(&ws).as_ref(),
                &user.of(USERS),
                &ws,
                now,
            );
        }
        Query::DryRun {
            user,
            workspace,
            private,
        } => dry_run(
            engine,
            &user.of(USERS),
            &workspace.of(WORKSPACES),
            if *private {
                Mode::Private
            } else {
                Mode::Collaboration
            },
            now,
        ),
        Query::DataScope {
            user,
            asset,
            rows,
            rotate,
        } => {
            if let Ok(scope) = engine.data_scope(&user.of(USERS), &asset.of(ASSETS), now) {
                let rows: Vec<_> = rows.iter().take(16).map(|r| r.object(COLUMNS)).collect();
                assert_scope_paths_agree(&scope, &rows, *rotate);
            }
        }
    }
}

/// A check as hosts see it: allowed, rule and (with strict reasons) the sentence. Handles
/// differ between engines, so decisions are not compared as they are.
fn answer(
    engine: &Engine,
    user: &str,
    op: Operation,
    asset: &str,
    now: u64,
) -> Result<(bool, Rule, String), (&'static str, Option<Rule>)> {
    engine
        .check(user, op, asset, now)
        .map(|d| {
            let why = if strict_reasons() {
                engine.explain(&d)
            } else {
                String::new()
            };
            (d.allowed, d.rule, why)
        })
        .map_err(|r| (r.code(), r.rule()))
}

/// What of a refusal must not depend on history: its code and rule, and with strict reasons
/// its message.
fn refusal_key(r: &Refusal) -> (&'static str, Option<Rule>, String) {
    let message = if strict_reasons() {
        r.to_string()
    } else {
        String::new()
    };
    (r.code(), r.rule(), message)
}

/// `check`, `check_handles` and `filter` agree on one (user, operation, asset).
fn check_one(engine: &Engine, user: &str, op: Operation, asset: &str, now: u64) {
    let listed = engine.filter(user, op, &[asset], now).unwrap_or_default();
    match engine.check(user, op, asset, now) {
        Ok(d) => {
            let _ = engine.answer(&d).to_string();
            assert_eq!(
                d.allowed,
                listed == [asset],
                "check and filter disagree on {user} {op} {asset}"
            );
            if op != Operation::Create
                && let (Some(u), Some(a)) = (engine.user_handle(user), engine.asset_handle(asset))
            {
                assert_eq!(engine.check_handles(u, op, a, now), d, "check by handles");
            }
        }
        Err(r) => {
            assert!(
                engine.asset_handle(asset).is_none(),
                "check refused ({r}) on an existing asset"
            );
            assert!(listed.is_empty());
        }
    }
}

/// The lists hold existing ids of the workspace, once each.
fn visible(engine: &Engine, part: Option<&WorkspacePart>, user: &str, workspace: &str, now: u64) {
    if let Ok(list) = engine.visible_assets(user, workspace, now) {
        let Some(part) = part else {
            panic!("visible_assets answered for unknown workspace {workspace}");
        };
        let set: BTreeSet<&str> = list.iter().copied().collect();
        assert_eq!(
            set.len(),
            list.len(),
            "visible_assets repeats an id: {list:?}"
        );
        for a in &list {
            assert!(
                part.assets.iter().any(|x| x.id == *a),
                "visible_assets lists {a}, not in {workspace}"
            );
        }
    }
    if let Ok(list) = engine.visible_folders(user, workspace, now) {
        let Some(part) = part else {
            panic!("visible_folders answered for unknown workspace {workspace}");
        };
        let set: BTreeSet<&str> = list.iter().copied().collect();
        assert_eq!(
            set.len(),
            list.len(),
            "visible_folders repeats an id: {list:?}"
        );
        for f in &list {
            assert!(
                part.folders.iter().any(|x| x.id == *f),
                "visible_folders lists {f}, not in {workspace}"
            );
        }
    }
}

/// W9: the dry run predicts what switching the mode does to every member's asset list.
fn dry_run(engine: &Engine, user: &str, workspace: &str, to: Mode, now: u64) {
    let Ok(run) = engine.mode_switch_dry_run(user, workspace, to, now) else {
        return;
    };
    let mut switched = engine.clone();
    let switch = Command::SetWorkspaceMode {
        workspace: workspace.into(),
        mode: to,
    };
    if execute_checked(&mut switched, user, &switch, now).is_err() {
        return;
    }
    for u in USERS {
        let (Ok(before), Ok(after)) = (
            engine.visible_assets(u, workspace, now),
            switched.visible_assets(u, workspace, now),
        ) else {
            continue;
        };
        let before: BTreeSet<&str> = before.into_iter().collect();
        let after: BTreeSet<&str> = after.into_iter().collect();
        let gains: BTreeSet<&str> = after.difference(&before).copied().collect();
        let loses: BTreeSet<&str> = before.difference(&after).copied().collect();
        let predicted = run.changes.iter().find(|c| c.user == *u);
        let (pg, pl): (BTreeSet<&str>, BTreeSet<&str>) =
            predicted.map_or_else(Default::default, |c| {
                (
                    c.gains.iter().map(String::as_str).collect(),
                    c.loses.iter().map(String::as_str).collect(),
                )
            });
        assert_eq!(
            (&gains, &loses),
            (&pg, &pl),
            "W9: the dry run of {workspace} to {to} mispredicts {u}'s list"
        );
    }
}

/// Every user, operation and asset: `check` and `filter` agree, and the engine reloaded from
/// its snapshot decides the same; every user's lists of every workspace are well formed.
fn sweep(engine: &Engine, loaded: &Engine, now: u64) {
    let parts: Vec<Option<WorkspacePart>> = WORKSPACES
        .iter()
        .map(|w| engine.workspace_part(w))
        .collect();
    for user in USERS {
        for op in Operation::ALL {
            let allowed = engine.filter(user, *op, ASSETS, now).unwrap_or_default();
            for asset in ASSETS {
                let here = engine.check(user, *op, asset, now);
                if let Ok(d) = &here {
                    assert_eq!(
                        d.allowed,
                        allowed.contains(asset),
                        "check and filter disagree on {user} {op} {asset}"
                    );
                }
                let there = loaded.check(user, *op, asset, now);
                assert_eq!(
                    here.map(|d| (d.allowed, d.rule)),
                    there.map(|d| (d.allowed, d.rule)),
                    "the reloaded engine decides {user} {op} {asset} differently"
                );
            }
        }
        for (ws, part) in WORKSPACES.iter().zip(&parts) {
            visible(engine, part.as_ref(), user, ws, now);
        }
    }
}

/// Every workspace part loads with the org part alone and answers as the whole does.
fn parts(engine: &Engine, now: u64) {
    let (Some(org), Some(snapshot)) = (engine.org_part(), engine.snapshot()) else {
        panic!("an engine with an organization has parts");
    };
    for part in &snapshot.workspaces {
        let partial = match Engine::from_parts(&org, std::slice::from_ref(part)) {
            Ok(p) => p,
            Err(e) => panic!("workspace part {} does not load: {e}", part.id),
        };
        assert_invariants(&partial, "loading one workspace part");
        for user in USERS {
            for a in &part.assets {
                for op in Operation::ALL {
                    let decide = |e: &Engine| answer(e, user, *op, &a.id, now);
                    let (p, w) = (decide(&partial), decide(engine));
                    assert_eq!(
                        p, w,
                        "a partial engine decides {user} {op} {} differently",
                        a.id
                    );
                }
            }
            assert_eq!(
                partial.visible_assets(user, &part.id, now),
                engine.visible_assets(user, &part.id, now),
                "a partial engine lists {}'s assets differently",
                part.id
            );
            assert_eq!(
                partial.visible_folders(user, &part.id, now),
                engine.visible_folders(user, &part.id, now),
            );
        }
    }
}

/// A list answer as hosts compare it: ids sorted, a refusal by code and rule (and message with
/// strict reasons).
fn list(
    r: Result<Vec<&str>, Refusal>,
) -> Result<Vec<String>, (&'static str, Option<Rule>, String)> {
    r.map(|mut v| {
        v.sort_unstable();
        v.into_iter().map(String::from).collect()
    })
    .map_err(|e| refusal_key(&e))
}

/// Every member's view (`snapshot_for`, snapshot/view.rs) loads, meets X5, round-trips, is its
/// own view, and answers that member's `check`, `filter`, `visible_*`, `check_create` and
/// `data_scope` as the whole engine does, at `now` and an hour later; assets it leaves out are
/// unknown to it and not viewable by the member.
fn views(engine: &Engine, now: u64) {
    for &user in USERS {
        let Ok(view) = engine.snapshot_for(user, now) else {
            assert!(
                engine.user_handle(user).is_none(),
                "snapshot_for refused member {user}"
            );
            continue;
        };
        assert_eq!(view.view_of.as_deref(), Some(user));
        let v = match Engine::from_snapshot(&view) {
            Ok(v) => v,
            Err(e) => panic!("the view of {user} does not load: {e}"),
        };
        assert_invariants(&v, &format!("loading the view of {user}"));
        assert!(
            v.snapshot().as_ref() == Some(&view),
            "the view of {user} does not round-trip"
        );
        assert!(
            v.snapshot_for(user, now).ok().as_ref() == Some(&view),
            "the view of {user}'s view is another view"
        );
        let held: BTreeSet<&str> = view
            .workspaces
            .iter()
            .flat_map(|w| w.assets.iter().map(|a| a.id.as_str()))
            .collect();
        for t in [now, now.saturating_add(3_600_000)] {
            for asset in ASSETS {
                if held.contains(asset) {
                    for op in Operation::ALL {
                        assert_eq!(
                            answer(&v, user, *op, asset, t),
                            answer(engine, user, *op, asset, t),
                            "the view of {user} decides {op} {asset} at {t} differently"
                        );
                    }
                } else {
                    assert!(
                        v.asset_handle(asset).is_none(),
                        "the view of {user} knows {asset}, which it leaves out"
                    );
                    assert!(
                        !engine
                            .check(user, Operation::View, asset, t)
                            .is_ok_and(|d| d.allowed),
                        "the view of {user} leaves out {asset}, which they may view at {t}"
                    );
                }
            }
            for op in Operation::ALL {
                let want: Vec<&str> = engine
                    .filter(user, *op, ASSETS, t)
                    .unwrap_or_default()
                    .into_iter()
                    .filter(|a| held.contains(a))
                    .collect();
                assert_eq!(
                    v.filter(user, *op, ASSETS, t).ok(),
                    Some(want),
                    "the view of {user} filters {op} at {t} differently"
                );
            }
            for h in &view.org.workspaces {
                let ws = h.id.as_str();
                assert_eq!(
                    list(v.visible_assets(user, ws, t)),
                    list(engine.visible_assets(user, ws, t)),
                    "the view of {user} lists the assets of {ws} at {t} differently"
                );
                assert_eq!(
                    list(v.visible_folders(user, ws, t)),
                    list(engine.visible_folders(user, ws, t)),
                    "the view of {user} lists the folders of {ws} at {t} differently"
                );
            }
            for p in &view.workspaces {
                for kind in Kind::ALL {
                    let ask = |e: &Engine| {
                        e.check_create(user, &p.id, *kind)
                            .map(|d| (d.allowed, d.rule))
                            .map_err(|r| refusal_key(&r))
                    };
                    assert_eq!(
                        ask(&v),
                        ask(engine),
                        "the view of {user} decides create {kind} in {} differently",
                        p.id
                    );
                }
                for a in p.assets.iter().filter(|a| a.kind == Kind::Dataset) {
                    let scope =
                        |e: &Engine| e.data_scope(user, &a.id, t).map_err(|r| refusal_key(&r));
                    assert_eq!(
                        scope(&v),
                        scope(engine),
                        "the view of {user} scopes {} at {t} differently",
                        a.id
                    );
                }
            }
        }
    }
}
