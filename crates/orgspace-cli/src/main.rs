//! `orgspace`: run conformance scenarios, ask for decisions and validate snapshots.

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
        Cmd::Validate { snapshot } => command::validate::run(&snapshot),
    };
    ExitCode::from(exit as u8)
}
