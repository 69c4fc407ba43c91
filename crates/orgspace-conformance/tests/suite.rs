//! The conformance suite in `cargo test`: every scenario under `tests/conformance` passes
//! against the core, every SPEC rule of P, O, W, R, A and X is covered by some scenario, and
//! the invariants (X5) hold after every command the scenarios run.

use orgspace_conformance::{LoadedScenario, StepAction, load_path, run_scenario};
use orgspace_core::{Engine, Operation, Rule};
use std::collections::BTreeSet;
use std::path::PathBuf;

/// The folder of the scenarios, shared by every host.
fn suite_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/conformance")
}

fn load_all() -> Result<Vec<LoadedScenario>, String> {
    let dir = suite_dir();
    let scenarios = load_path(&dir)?;
    if scenarios.is_empty() {
        return Err(format!("no scenario found under {}", dir.display()));
    }
    Ok(scenarios)
}

/// Rule families the suite must cover: all of SPEC.
const COVERED_FAMILIES: [char; 8] = ['P', 'O', 'W', 'R', 'A', 'D', 'U', 'X'];

fn must_cover(rule: Rule) -> bool {
    rule.as_str()
        .chars()
        .next()
        .is_some_and(|c| COVERED_FAMILIES.contains(&c))
}

#[test]
fn every_scenario_passes() {
    let scenarios = load_all().expect("the conformance scenarios load");
    let mut report = Vec::new();
    let mut failed = 0;
    for loaded in &scenarios {
        let failures = run_scenario(&loaded.scenario);
        if failures.is_empty() {
            continue;
        }
        failed += 1;
        report.push(format!(
            "FAIL {} — {}",
            loaded.path.display(),
            loaded.scenario.name
        ));
        report.extend(failures.iter().map(|f| format!("  {f}")));
    }
    assert!(
        report.is_empty(),
        "{failed} of {} scenarios failed:\n{}",
        scenarios.len(),
        report.join("\n")
    );
}

#[test]
fn every_rule_is_covered() {
    let covered: BTreeSet<Rule> = load_all()
        .expect("the conformance scenarios load")
        .iter()
        .flat_map(|l| l.scenario.rules.iter().copied())
        .collect();
    let missing: Vec<&str> = Rule::ALL
        .iter()
        .copied()
        .filter(|r| must_cover(*r) && !covered.contains(r))
        .map(Rule::as_str)
        .collect();
    assert!(
        missing.is_empty(),
        "rules no scenario names in its `rules`: {}",
        missing.join(", ")
    );
}

/// X5: replays every scenario's commands and checks the invariants after each one, accepted
/// or refused. The runner checks outcomes and X2; this checks the state they leave.
#[test]
fn invariants_hold_after_every_command() {
    let mut report = Vec::new();
    for loaded in load_all().expect("the conformance scenarios load") {
        let scenario = &loaded.scenario;
        let mut engine = match &scenario.snapshot {
            Some(s) => match Engine::from_snapshot(s) {
                Ok(e) => e,
                // A snapshot that does not load is reported by `every_scenario_passes`.
                Err(_) => continue,
            },
            None => Engine::new(),
        };
        let mut now = 0;
        for (i, step) in scenario.steps.iter().enumerate() {
            now = step.at.unwrap_or(now);
            let StepAction::Command(command) = &step.action else {
                continue;
            };
            // The outcome is the runner's business; only the state matters here.
            let accepted = engine.execute(&step.actor, command, now).is_ok();
            let mut problems: Vec<String> = engine
                .invariant_problems()
                .iter()
                .map(ToString::to_string)
                .collect();
            if accepted {
                problems.extend(reload_problems(&engine, now));
            }
            if !problems.is_empty() {
                let list: Vec<String> = problems;
                report.push(format!(
                    "{} — {}: after step {} ({}): {}",
                    loaded.path.display(),
                    scenario.name,
                    i + 1,
                    command.name(),
                    list.join("; ")
                ));
            }
        }
    }
    assert!(
        report.is_empty(),
        "invariants broken (X5):\n{}",
        report.join("\n")
    );
}

/// X5: a state reached by commands loads again, whole (the snapshot round-trips byte for
/// byte, and the reloaded engine gives the same answers, reasons included) and in parts (the
/// org part with each workspace part, as the edge worker loads them).
fn reload_problems(engine: &Engine, now: u64) -> Vec<String> {
    let mut out = Vec::new();
    let json = engine.to_json();
    match Engine::from_json(&json) {
        Ok(again) if again.to_json() == json => out.extend(different_answers(engine, &again, now)),
        Ok(_) => out.push("the snapshot does not round-trip".to_string()),
        Err(e) => out.push(format!("the snapshot does not load: {e}")),
    }
    if let (Some(org), Some(snapshot)) = (engine.org_part(), engine.snapshot()) {
        for part in &snapshot.workspaces {
            if let Err(e) = Engine::from_parts(&org, std::slice::from_ref(part)) {
                out.push(format!("the parts of `{}` do not load: {e}", part.id));
            }
        }
    }
    out
}

/// Every (member, operation, asset) the two engines answer differently.
fn different_answers(live: &Engine, reloaded: &Engine, now: u64) -> Vec<String> {
    let Some(snapshot) = live.snapshot() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for member in &snapshot.org.members {
        for part in &snapshot.workspaces {
            for asset in &part.assets {
                for &op in Operation::ALL {
                    let a = live.check(&member.user, op, &asset.id, now);
                    let b = reloaded.check(&member.user, op, &asset.id, now);
                    let (a, b) = (a.map(|d| live.answer(&d)), b.map(|d| reloaded.answer(&d)));
                    if a != b {
                        out.push(format!(
                            "{} {op} {}: live {a:?}, reloaded {b:?}",
                            member.user, asset.id
                        ));
                    }
                }
            }
        }
    }
    out
}
