//! `orgspace conformance`.

use crate::Exit;
use orgspace_conformance::{Summary, load_paths, run_scenario};
use std::path::PathBuf;

pub fn run(paths: &[PathBuf]) -> Exit {
    let scenarios = match load_paths(paths) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            println!("0 passed, 1 failed");
            return Exit::Failure;
        }
    };
    let mut summary = Summary::default();
    for loaded in &scenarios {
        let failures = run_scenario(&loaded.scenario);
        summary.steps += loaded.scenario.steps.len();
        if failures.is_empty() {
            summary.passed += 1;
            continue;
        }
        summary.failed += 1;
        println!("FAIL {} — {}", loaded.path.display(), loaded.scenario.name);
        for f in failures.iter().take(20) {
            println!("  {f}");
        }
        if failures.len() > 20 {
            println!("  ... and {} more failing steps", failures.len() - 20);
        }
    }
    println!("{} scenarios, {} steps", scenarios.len(), summary.steps);
    println!("{} passed, {} failed", summary.passed, summary.failed);
    if summary.failed == 0 {
        Exit::Success
    } else {
        Exit::Failure
    }
}
