//! `orgspace`: run conformance scenarios, ask for decisions and data scopes as SQL, and
//! validate snapshots.

mod command;

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

/// Exit codes, shared by every subcommand.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exit {
    /// Success: passed, allowed, valid.
    Success = 0,
    /// Failure: a scenario failed, the snapshot is invalid, the input could not be read.
    Failure = 1,
    /// `check` answered deny.
    Deny = 2,
}

#[derive(Parser)]
#[command(
    name = "orgspace",
    version,
    about = "The orgspace permission engine on the command line"
)]
struct Cli {
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Runs conformance scenarios and ends with `N passed, N failed`.
    Conformance {
        /// Scenario files or folders (searched for *.json).
        #[arg(required = true)]
        paths: Vec<PathBuf>,
    },
    /// Prints the decision for one operation, with its rule and reason.
    Check {
        /// The snapshot to decide against.
        #[arg(long)]
        snapshot: PathBuf,
        /// The acting user.
        #[arg(long = "as")]
        actor: String,
        /// Milliseconds since the epoch; now when absent.
        #[arg(long)]
        at: Option<u64>,
        /// The operation: view, modify, share, ... or create.
        operation: String,
        /// An asset id, or `WORKSPACE:KIND` for create.
        target: String,
    },
    /// Prints a user's data on a dataset (D4) as one parameterized SQL statement, as JSON
    /// `{table, sql, params, columns}`; exit 2 when refused by a rule.
    Sql {
        /// The snapshot to answer from.
        #[arg(long)]
        snapshot: PathBuf,
        /// The user.
        #[arg(long = "as")]
        actor: String,
        /// The dataset.
        #[arg(long)]
        dataset: String,
        /// An asset built on the dataset (a dashboard, portal...) the user sees it through (A8).
        #[arg(long)]
        through: Option<String>,
        /// postgres, duckdb or sqlite.
        #[arg(long, default_value = "postgres")]
        dialect: String,
        /// Milliseconds since the epoch; now when absent.
        #[arg(long)]
        at: Option<u64>,
    },
    /// Reports every invariant a snapshot breaks.
    Validate {
        /// The snapshot file.
        snapshot: PathBuf,
    },
}

fn main() -> ExitCode {
    let exit = match Cli::parse().command {
        Cmd::Conformance { paths } => command::conformance::run(&paths),
        Cmd::Check {
            snapshot,
            actor,
            at,
            operation,
            target,
        } => command::check::run(&snapshot, &actor, at, &operation, &target),
        Cmd::Sql {
            snapshot,
            actor,
            dataset,
            through,
            dialect,
            at,
        } => command::sql::run(&command::sql::Ask {
            snapshot: &snapshot,
            actor: &actor,
            dataset: &dataset,
            through: through.as_deref(),
            dialect: &dialect,
            at,
        }),
        Cmd::Validate { snapshot } => command::validate::run(&snapshot),
    };
    ExitCode::from(exit as u8)
}
