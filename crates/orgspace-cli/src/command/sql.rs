//! `orgspace sql`: a user's data scope on a dataset (D4), directly or through an asset built on
//! it (A8), as one parameterized statement `{table, sql, params, columns}` (docs/sql.md).

use crate::Exit;
use orgspace_core::Engine;
use orgspace_core::sql::Dialect;
use std::path::Path;

/// What `orgspace sql` is asked.
pub struct Ask<'a> {
    pub snapshot: &'a Path,
    pub actor: &'a str,
    pub dataset: &'a str,
    pub through: Option<&'a str>,
    pub dialect: &'a str,
    pub at: Option<u64>,
}

pub fn run(ask: &Ask<'_>) -> Exit {
    let engine = match std::fs::read_to_string(ask.snapshot)
        .map_err(|e| e.to_string())
        .and_then(|t| Engine::from_json(&t).map_err(|e| e.to_string()))
    {
        Ok(e) => e,
        Err(e) => {
            eprintln!("error: {}: {e}", ask.snapshot.display());
            return Exit::Failure;
        }
    };
    let dialect: Dialect = match ask.dialect.parse() {
        Ok(d) => d,
        Err(e) => {
            eprintln!("error: {e}");
            return Exit::Failure;
        }
    };
    let now = ask.at.unwrap_or_else(super::check::now_ms);
    super::print_answer(engine.sql(ask.actor, ask.dataset, ask.through, dialect, now))
}
