//! `orgspace check`.

use crate::Exit;
use orgspace_core::{CheckRequest, Engine, Kind, Operation};
use std::path::Path;

/// The real clock, in milliseconds since the epoch.
pub fn now_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

pub fn run(snapshot: &Path, actor: &str, at: Option<u64>, operation: &str, target: &str) -> Exit {
    let engine = match std::fs::read_to_string(snapshot)
        .map_err(|e| e.to_string())
        .and_then(|t| Engine::from_json(&t).map_err(|e| e.to_string()))
    {
        Ok(e) => e,
        Err(e) => {
            eprintln!("error: {}: {e}", snapshot.display());
            return Exit::Failure;
        }
    };
    let Some(op) = Operation::parse(operation) else {
        let ops: Vec<&str> = Operation::ALL.iter().map(|o| o.as_str()).collect();
        eprintln!(
            "error: unknown operation `{operation}`; one of {}",
            ops.join(", ")
        );
        return Exit::Failure;
    };
    let now = at.unwrap_or_else(now_ms);
    // The target's syntax is the CLI's; which check it asks, and its answer, are the core's.
    let request = if op == Operation::Create {
        let Some((ws, kind)) = target
            .rsplit_once(':')
            .and_then(|(w, k)| Kind::parse(k).map(|k| (w, k)))
        else {
            eprintln!("error: for create, the target is WORKSPACE:KIND, such as `sales:dashboard`");
            return Exit::Failure;
        };
        CheckRequest::create(ws, kind)
    } else {
        CheckRequest::asset(op, target)
    };
    let decision = engine.decide(actor, &request, now);
    match decision {
        Ok(d) => {
            println!("{}", engine.answer(&d));
            if d.allowed { Exit::Success } else { Exit::Deny }
        }
        Err(e) => {
            eprintln!("error: {e}");
            Exit::Failure
        }
    }
}
