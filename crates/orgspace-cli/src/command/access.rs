//! `orgspace who-has-access`, `orgspace diff` and `orgspace view-as`: the three access
//! questions (issue 15), each one call to the core, printed as the core's JSON. Exit 2 when a
//! rule refuses the question (the uniform refusal of A3, R1, or the command's own), 1 for bad
//! input.

use crate::Exit;
use orgspace_core::{Command, Engine, Operation};
use std::path::Path;

/// Loads the snapshot a question is asked against.
fn load(snapshot: &Path) -> Result<Engine, Exit> {
    std::fs::read_to_string(snapshot)
        .map_err(|e| e.to_string())
        .and_then(|t| Engine::from_json(&t).map_err(|e| e.to_string()))
        .map_err(|e| {
            eprintln!("error: {}: {e}", snapshot.display());
            Exit::Failure
        })
}

/// What `who-has-access` asks.
pub struct Who<'a> {
    pub snapshot: &'a Path,
    pub actor: &'a str,
    pub at: Option<u64>,
    /// An asset, or with `folder` a folder.
    pub target: &'a str,
    pub folder: bool,
    pub operation: &'a str,
    pub cursor: Option<&'a str>,
    pub limit: Option<usize>,
}

pub fn who(q: &Who<'_>) -> Exit {
    let engine = match load(q.snapshot) {
        Ok(e) => e,
        Err(exit) => return exit,
    };
    let now = q.at.unwrap_or_else(super::check::now_ms);
    if q.folder {
        return super::print_answer(
            engine.who_sees_folder(q.actor, q.target, q.cursor, q.limit, now),
        );
    }
    let Some(op) = Operation::parse(q.operation) else {
        eprintln!("error: unknown operation `{}`", q.operation);
        return Exit::Failure;
    };
    super::print_answer(engine.who_has_access(q.actor, q.target, op, q.cursor, q.limit, now))
}

/// `diff`: `command` is the command's JSON, or `@path` to read it from a file.
pub fn diff(snapshot: &Path, actor: &str, at: Option<u64>, command: &str) -> Exit {
    let engine = match load(snapshot) {
        Ok(e) => e,
        Err(exit) => return exit,
    };
    let text = match command.strip_prefix('@') {
        Some(path) => match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("error: {path}: {e}");
                return Exit::Failure;
            }
        },
        None => command.to_string(),
    };
    let command: Command = match orgspace_core::json::from_str(&text) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: the command is not valid: {e}");
            return Exit::Failure;
        }
    };
    super::print_answer(engine.access_diff(
        actor,
        &command,
        at.unwrap_or_else(super::check::now_ms),
    ))
}

/// `view-as`; with `record`, the `view_as` command is run first and the snapshot written back,
/// so the view is in its audit log (X4).
pub fn view_as(
    snapshot: &Path,
    actor: &str,
    at: Option<u64>,
    user: &str,
    workspace: &str,
    record: bool,
) -> Exit {
    let mut engine = match load(snapshot) {
        Ok(e) => e,
        Err(exit) => return exit,
    };
    let now = at.unwrap_or_else(super::check::now_ms);
    if record {
        let command = Command::ViewAs {
            user: user.into(),
            workspace: workspace.into(),
        };
        if let Err(e) = engine.execute(actor, &command, now) {
            return super::print_answer::<()>(Err(e));
        }
        // Written beside it and renamed over it: the file is the old or the new, never half.
        let tmp = snapshot.with_extension("view-as.tmp");
        let written =
            std::fs::write(&tmp, engine.to_json()).and_then(|()| std::fs::rename(&tmp, snapshot));
        if let Err(e) = written {
            let _ = std::fs::remove_file(&tmp);
            eprintln!("error: {}: {e}", snapshot.display());
            return Exit::Failure;
        }
    }
    super::print_answer(engine.view_as(actor, user, workspace, now))
}
