//! `orgspace validate`.

use crate::Exit;
use orgspace_core::{Engine, SnapshotError};
use std::path::Path;

pub fn run(snapshot: &Path) -> Exit {
    let text = match std::fs::read_to_string(snapshot) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("error: {}: {e}", snapshot.display());
            return Exit::Failure;
        }
    };
    match Engine::from_json(&text) {
        Ok(engine) => {
            println!(
                "{}: valid (version {})",
                snapshot.display(),
                engine.version()
            );
            Exit::Success
        }
        Err(SnapshotError::Problems(problems)) => {
            for p in &problems {
                println!("{p}");
            }
            println!("{}: {} problem(s)", snapshot.display(), problems.len());
            Exit::Failure
        }
        Err(e) => {
            println!("{}: {e}", snapshot.display());
            Exit::Failure
        }
    }
}
