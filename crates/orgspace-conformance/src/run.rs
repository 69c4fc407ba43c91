//! Running scenarios against the core engine.

use crate::scenario::{
    AuditQuery, CheckQuery, Expect, Scenario, SentCommand, StateQuery, Step, StepAction,
};
use orgspace_core::{CheckRequest, Engine, Refusal, SightChange};
use serde_json::{Map, Value, json};
use std::fmt;

/// A step whose outcome differed from the expected one.
#[derive(Clone, Debug)]
pub struct Failure {
    /// 1-based step number.
    pub step: usize,
    /// What the step did, in short.
    pub action: String,
    /// What the scenario expected.
    pub expected: String,
    /// What happened.
    pub actual: String,
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "step {} ({}): expected {}, got {}",
            self.step, self.action, self.expected, self.actual
        )
    }
}

/// Totals of a run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    /// Scenarios with no failing step.
    pub passed: usize,
    /// Scenarios with a failing step.
    pub failed: usize,
    /// Steps run.
    pub steps: usize,
}

/// Runs one scenario from a fresh engine; returns its failures (empty when it passes).
pub fn run_scenario(scenario: &Scenario) -> Vec<Failure> {
    let mut engine = match &scenario.snapshot {
        Some(s) => match Engine::from_snapshot(s) {
            Ok(e) => e,
            Err(e) => {
                return vec![Failure {
                    step: 0,
                    action: "load snapshot".into(),
                    expected: "a valid snapshot".into(),
                    actual: e.to_string(),
                }];
            }
        },
        None => Engine::new(),
    };
    let mut failures = Vec::new();
    let mut now = 0;
    for (i, step) in scenario.steps.iter().enumerate() {
        now = step.at.unwrap_or(now);
        if let Some(failure) = run_step(&mut engine, step, now) {
            failures.push(Failure {
                step: i + 1,
                ..failure
            });
        }
    }
    failures
}

fn describe(step: &Step) -> String {
    let what = match &step.action {
        StepAction::Command(c) => serde_json::to_string(c).unwrap_or_else(|_| "command".into()),
        StepAction::Check(q) => format!("check {}", check_target(q)),
        StepAction::VisibleAssets(ws) => format!("visible_assets {ws}"),
        StepAction::VisibleFolders(ws) => format!("visible_folders {ws}"),
        StepAction::Filter(f) => format!("filter {} over {} assets", f.operation, f.assets.len()),
        StepAction::DryRun(d) => format!("dry_run {} to {}", d.workspace, d.mode),
        StepAction::DataScope(ds) => format!("data_scope {ds}"),
        StepAction::Preview(p) => format!("preview {} over {} rows", p.dataset, p.rows.len()),
        StepAction::State(q) => match (&q.asset, &q.member) {
            (Some(a), _) => format!("state of asset {a}"),
            (_, Some(m)) => format!("state of member {m}"),
            _ => "state".into(),
        },
        StepAction::Audit(q) => format!("audit after version {}", q.after),
        StepAction::DataScopeThrough(t) => {
            format!("data_scope_through {} through {}", t.dataset, t.through)
        }
        StepAction::Sql(q) => match &q.through {
            Some(t) => format!("sql {} through {t} in {}", q.dataset, q.dialect),
            None => format!("sql {} in {}", q.dataset, q.dialect),
        },
        StepAction::WhoHasAccess(q) => match (&q.asset, &q.folder) {
            (Some(a), _) => format!("who_has_access {a}"),
            (_, Some(f)) => format!("who_has_access folder {f}"),
            _ => "who_has_access".into(),
        },
        StepAction::AccessDiff(c) => format!("access_diff {}", c.name()),
        StepAction::ViewAs(q) => format!("view_as {} in {}", q.user, q.workspace),
    };
    match &step.note {
        Some(note) => format!("as {}: {what} — {note}", step.actor),
        None => format!("as {}: {what}", step.actor),
    }
}

fn check_target(q: &CheckQuery) -> String {
    match (&q.asset, &q.workspace, q.kind) {
        (Some(a), _, _) => format!("{} {a}", q.operation),
        (None, Some(w), Some(k)) => format!("{} {k} in {w}", q.operation),
        _ => format!("{} (no target)", q.operation),
    }
}

fn fail(step: &Step, expected: impl fmt::Debug, actual: impl Into<String>) -> Option<Failure> {
    Some(Failure {
        step: 0,
        action: describe(step),
        expected: format!("{expected:?}"),
        actual: actual.into(),
    })
}

fn refusal_text(r: &Refusal) -> String {
    match r.rule() {
        Some(rule) => format!("{} ({rule}): {}", r.code(), r.message()),
        None => format!("{}: {}", r.code(), r.message()),
    }
}

/// Whether a refusal (or success, `None`) is what `expect` asks for.
fn outcome_matches(expect: &Expect, outcome: Option<&Refusal>) -> bool {
    match (expect, outcome) {
        (Expect::Word(w), None) => w == "ok",
        (Expect::Word(w), Some(r)) => match w.as_str() {
            "denied" => r.is_denied(),
            "invalid" => !r.is_denied(),
            "refused" => true,
            code => code == r.code(),
        },
        (
            Expect::Refused {
                denied: Some(rule), ..
            },
            Some(r),
        ) => r.is_denied() && r.rule() == Some(*rule),
        (
            Expect::Refused {
                invalid: Some(rule),
                ..
            },
            Some(r),
        ) => !r.is_denied() && r.rule() == Some(*rule),
        _ => false,
    }
}

fn same_set(expected: &[String], actual: &[&str]) -> bool {
    let mut e: Vec<&str> = expected.iter().map(String::as_str).collect();
    let mut a = actual.to_vec();
    e.sort_unstable();
    a.sort_unstable();
    e == a
}

fn normalize(changes: &[SightChange]) -> Vec<(String, Vec<String>, Vec<String>)> {
    let mut out: Vec<_> = changes
        .iter()
        .map(|c| {
            let mut g = c.gains.clone();
            let mut l = c.loses.clone();
            g.sort();
            l.sort();
            (c.user.clone(), g, l)
        })
        .collect();
    out.sort();
    out
}

fn run_step(engine: &mut Engine, step: &Step, now: u64) -> Option<Failure> {
    match &step.action {
        StepAction::WhoHasAccess(_) | StepAction::AccessDiff(_) | StepAction::ViewAs(_) => {
            match crate::access::answer(engine, step, now) {
                Some(Ok(v)) if crate::access::meets(&step.expect, &v) => None,
                Some(Err(r)) if outcome_matches(&step.expect, Some(&r)) => None,
                Some(Ok(v)) => fail(step, &step.expect, v.to_string()),
                Some(Err(r)) => fail(step, &step.expect, refusal_text(&r)),
                None => fail(step, &step.expect, "no answer"),
            }
        }
        StepAction::Command(sent) => {
            let before = engine.to_json();
            let result = match sent {
                SentCommand::Command(cmd) => engine.execute(&step.actor, cmd, now).map(|_| ()),
                // What the npm package and the edge answer for it: the format's own error.
                SentCommand::Other(v) => Err(Refusal::Invalid {
                    message: match serde_json::from_value::<orgspace_core::Command>(v.clone()) {
                        Err(e) => format!("command is not valid: {e}"),
                        Ok(_) => "command is not valid".into(),
                    },
                    rule: None,
                }),
            };
            let refusal = result.as_ref().err();
            if let Some(r) = refusal {
                // X2: a refused command changes nothing.
                if engine.to_json() != before {
                    return fail(
                        step,
                        "state unchanged after a refusal (X2)",
                        format!("state changed after {r}"),
                    );
                }
            }
            if refusal.is_none() {
                // X5: every accepted command leaves a state that loads and answers alike.
                let problems = crate::reload::reload_problems(engine, now);
                if !problems.is_empty() {
                    let shown: Vec<&str> = problems.iter().take(5).map(String::as_str).collect();
                    return fail(
                        step,
                        "a state that reloads and answers alike (X5)",
                        shown.join("; "),
                    );
                }
            }
            if outcome_matches(&step.expect, refusal) {
                return None;
            }
            let actual = refusal.map_or_else(|| "ok".to_string(), refusal_text);
            fail(step, &step.expect, actual)
        }
        StepAction::State(q) => state_step(engine, step, q),
        StepAction::Audit(q) => audit_step(engine, step, q),
        StepAction::Check(q) => {
            let request = CheckRequest {
                operation: q.operation,
                asset: q.asset.clone(),
                workspace: q.workspace.clone(),
                kind: q.kind,
            };
            let result = engine.decide(&step.actor, &request, now);
            match (result, &step.expect) {
                (Ok(d), Expect::Decision { allowed, rule }) => {
                    if d.allowed == *allowed && rule.is_none_or(|r| r == d.rule) {
                        None
                    } else {
                        let a = engine.answer(&d);
                        fail(step, &step.expect, format!("{a}"))
                    }
                }
                (Err(r), e) if outcome_matches(e, Some(&r)) => None,
                (Ok(d), e) => fail(step, e, format!("{}", engine.answer(&d))),
                (Err(r), e) => fail(step, e, refusal_text(&r)),
            }
        }
        StepAction::VisibleAssets(ws) | StepAction::VisibleFolders(ws) => {
            let result = if matches!(step.action, StepAction::VisibleAssets(_)) {
                engine.visible_assets(&step.actor, ws, now)
            } else {
                engine.visible_folders(&step.actor, ws, now)
            };
            match (result, &step.expect) {
                (Ok(ids), Expect::Ids(expected)) if same_set(expected, &ids) => None,
                (Err(r), e) if outcome_matches(e, Some(&r)) => None,
                (Ok(ids), e) => fail(step, e, format!("{ids:?}")),
                (Err(r), e) => fail(step, e, refusal_text(&r)),
            }
        }
        StepAction::Filter(f) => {
            let ids: Vec<&str> = f.assets.iter().map(String::as_str).collect();
            let allowed = match engine.filter(&step.actor, f.operation, &ids, now) {
                Ok(allowed) => allowed,
                Err(r) => return fail(step, &step.expect, refusal_text(&r)),
            };
            match &step.expect {
                Expect::Ids(expected) if same_set(expected, &allowed) => None,
                e => fail(step, e, format!("{allowed:?}")),
            }
        }
        StepAction::DryRun(d) => match (
            engine.mode_switch_dry_run(&step.actor, &d.workspace, d.mode, now),
            &step.expect,
        ) {
            (Ok(run), Expect::DryRun { changes })
                if normalize(&run.changes) == normalize(changes) =>
            {
                None
            }
            (Err(r), e) if outcome_matches(e, Some(&r)) => None,
            (Ok(run), e) => fail(step, e, format!("{:?}", run.changes)),
            (Err(r), e) => fail(step, e, refusal_text(&r)),
        },
        StepAction::DataScope(ds) => scope_step(step, engine.data_scope(&step.actor, ds, now)),
        StepAction::DataScopeThrough(t) => scope_step(
            step,
            engine.data_scope_through(&step.actor, &t.dataset, &t.through, now),
        ),
        StepAction::Sql(q) => match (
            engine.sql(
                &step.actor,
                &q.dataset,
                q.through.as_deref(),
                q.dialect,
                now,
            ),
            &step.expect,
        ) {
            (Ok(got), Expect::Sql { sql, params }) if got.sql == *sql && got.params == *params => {
                None
            }
            (Err(r), e) if outcome_matches(e, Some(&r)) => None,
            (Ok(got), e) => fail(step, e, serde_json::to_string(&got).unwrap_or_default()),
            (Err(r), e) => fail(step, e, refusal_text(&r)),
        },
        StepAction::Preview(p) => match (
            engine.data_scope(&step.actor, &p.dataset, now),
            &step.expect,
        ) {
            (Ok(scope), e) => {
                let rows = scope.apply(&p.rows);
                match e {
                    Expect::Rows(want) if *want == rows => None,
                    Expect::Ids(want) if want.is_empty() && rows.is_empty() => None,
                    e => fail(step, e, serde_json::to_string(&rows).unwrap_or_default()),
                }
            }
            (Err(r), e) if outcome_matches(e, Some(&r)) => None,
            (Err(r), e) => fail(step, e, refusal_text(&r)),
        },
    }
}

fn state_step(engine: &Engine, step: &Step, q: &StateQuery) -> Option<Failure> {
    let snapshot = serde_json::from_str::<Value>(&engine.to_json()).unwrap_or(Value::Null);
    match (crate::state::state_of(&snapshot, q), &step.expect) {
        (Err(e), _) => fail(step, &step.expect, e),
        (Ok(None), Expect::Word(w)) if w == "not_found" => None,
        (Ok(None), e) => fail(step, e, "not_found"),
        (Ok(Some(actual)), Expect::Fields(want)) => match crate::state::compare(q, want, &actual) {
            Ok(()) => None,
            Err(e) => fail(step, &step.expect, e),
        },
        (Ok(Some(actual)), e) => fail(step, e, Value::Object(actual).to_string()),
    }
}

/// An audit entry as a scenario states it: the command by its type.
fn entry(version: u64, actor: &str, at: u64, command: &str) -> Map<String, Value> {
    let Value::Object(m) =
        json!({"version": version, "actor": actor, "at": at, "command": command})
    else {
        return Map::new();
    };
    m
}

fn audit_step(engine: &Engine, step: &Step, q: &AuditQuery) -> Option<Failure> {
    if let Err(r) = engine.may_view_audit_log(&step.actor) {
        return if outcome_matches(&step.expect, Some(&r)) {
            None
        } else {
            fail(step, &step.expect, refusal_text(&r))
        };
    }
    let got: Vec<Map<String, Value>> = engine
        .audit()
        .iter()
        .filter(|e| e.version > q.after)
        .map(|e| entry(e.version, &e.actor, e.at, e.command.name()))
        .collect();
    let want: &[Map<String, Value>] = match &step.expect {
        Expect::Rows(rows) => rows,
        Expect::Ids(ids) if ids.is_empty() => &[],
        e => return fail(step, e, Value::from(got).to_string()),
    };
    // Each expected entry names the fields it compares.
    let same = want.len() == got.len()
        && want
            .iter()
            .zip(&got)
            .all(|(w, g)| w.iter().all(|(k, v)| g.get(k) == Some(v)));
    if same {
        None
    } else {
        fail(step, &step.expect, Value::from(got).to_string())
    }
}

/// A `data_scope` or `data_scope_through` step: the columns, and the rows when given.
fn scope_step(
    step: &Step,
    scope: Result<orgspace_core::data::DataScope, Refusal>,
) -> Option<Failure> {
    match (scope, &step.expect) {
        (Ok(scope), Expect::Scope { columns, rows }) => {
            let got: Vec<(&str, bool)> = scope
                .columns
                .iter()
                .map(|c| (c.name.as_str(), c.masked))
                .collect();
            let want: Vec<(&str, bool)> = columns
                .iter()
                .map(|c| (c.name.as_str(), c.masked))
                .collect();
            if got == want && rows.as_ref().is_none_or(|r| *r == scope.rows) {
                None
            } else {
                fail(
                    step,
                    &step.expect,
                    serde_json::to_string(&scope).unwrap_or_default(),
                )
            }
        }
        (Err(r), e) if outcome_matches(e, Some(&r)) => None,
        (Ok(scope), e) => fail(step, e, serde_json::to_string(&scope).unwrap_or_default()),
        (Err(r), e) => fail(step, e, refusal_text(&r)),
    }
}
