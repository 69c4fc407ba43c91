//! The conformance suite in `cargo test`: every scenario under `tests/conformance` passes
//! against the core (the runner reloads the engine after every accepted command), every rule
//! of docs/rules.md is covered by some scenario, and the invariants (X5) hold after every
//! command the scenarios run.

use orgspace_conformance::{LoadedScenario, load_path, run_scenario};
use orgspace_core::{Engine, Rule};
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

/// Rule families the suite must cover: all of docs/rules.md.
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
            let Some(command) = step.action.command() else {
                continue;
            };
            // The outcome is the runner's business, and so is reloading after an accepted
            // command (`reload_problems`, in every run); only the invariants matter here.
            let _ = engine.execute(&step.actor, command, now);
            let problems: Vec<String> = engine
                .invariant_problems()
                .iter()
                .map(ToString::to_string)
                .collect();
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

/// docs/rules.md states every rule the engine names, each once, as `- **ID**`: the project's
/// own statement of the rules that tests and scenarios point to.
#[test]
fn every_rule_is_stated_in_docs_rules_md() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/rules.md");
    let text = std::fs::read_to_string(&path).expect("docs/rules.md exists");
    let stated: Vec<&str> = text
        .lines()
        .filter_map(|l| l.strip_prefix("- **"))
        .filter_map(|l| l.split_once("**").map(|(id, _)| id))
        .collect();
    let ids: Vec<&str> = Rule::ALL.iter().map(|r| r.as_str()).collect();
    let missing: Vec<&&str> = ids.iter().filter(|id| !stated.contains(id)).collect();
    let unknown: Vec<&&str> = stated.iter().filter(|id| !ids.contains(id)).collect();
    let mut seen = BTreeSet::new();
    let twice: Vec<&&str> = stated.iter().filter(|id| !seen.insert(**id)).collect();
    assert!(
        missing.is_empty() && unknown.is_empty() && twice.is_empty(),
        "docs/rules.md: missing {missing:?}, unknown {unknown:?}, stated twice {twice:?}"
    );
}
