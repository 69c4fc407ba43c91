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
    /// Who may perform an operation on an asset, or who sees a folder, and why (issue 15): one
    /// page as JSON `{members, next?}`; exit 2 for one who does not administer it (A3).
    WhoHasAccess {
        /// The snapshot to answer from.
        #[arg(long)]
        snapshot: PathBuf,
        /// The asking user.
        #[arg(long = "as")]
        actor: String,
        /// Milliseconds since the epoch; now when absent.
        #[arg(long)]
        at: Option<u64>,
        /// The target is a folder, not an asset.
        #[arg(long)]
        folder: bool,
        /// The previous page's `next`.
        #[arg(long)]
        cursor: Option<String>,
        /// Members per page (default 100, at most 1000).
        #[arg(long)]
        limit: Option<usize>,
        /// The asset (or folder) id.
        target: String,
        /// The operation on the asset.
        #[arg(default_value = "view")]
        operation: String,
    },
    /// What a command would change in access, without running it (issue 15): JSON
    /// `{events, gains, loses, lists}`; exit 2 when the command itself would be denied.
    Diff {
        /// The snapshot to answer from.
        #[arg(long)]
        snapshot: PathBuf,
        /// The user who would run it.
        #[arg(long = "as")]
        actor: String,
        /// Milliseconds since the epoch; now when absent.
        #[arg(long)]
        at: Option<u64>,
        /// The command as JSON (`{"type": "revoke", ...}`), or `@file`.
        command: String,
    },
    /// A workspace as a member sees it (issue 15), for an org admin or an admin of it: JSON
    /// `{assets, folders, creates, ...}`; exit 2 for anyone else (R1).
    ViewAs {
        /// The snapshot to answer from.
        #[arg(long)]
        snapshot: PathBuf,
        /// The asking admin.
        #[arg(long = "as")]
        actor: String,
        /// Milliseconds since the epoch; now when absent.
        #[arg(long)]
        at: Option<u64>,
        /// Run the `view_as` command first and write the snapshot back, so the view is in its
        /// audit log (X4).
        #[arg(long)]
        record: bool,
        /// The member to view as.
        user: String,
        /// The workspace.
        workspace: String,
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
        Cmd::WhoHasAccess {
            snapshot,
            actor,
            at,
            folder,
            cursor,
            limit,
            target,
            operation,
        } => command::access::who(&command::access::Who {
            snapshot: &snapshot,
            actor: &actor,
            at,
            target: &target,
            folder,
            operation: &operation,
            cursor: cursor.as_deref(),
            limit,
        }),
        Cmd::Diff {
            snapshot,
            actor,
            at,
            command,
        } => command::access::diff(&snapshot, &actor, at, &command),
        Cmd::ViewAs {
            snapshot,
            actor,
            at,
            record,
            user,
            workspace,
        } => command::access::view_as(&snapshot, &actor, at, &user, &workspace, record),
        Cmd::Validate { snapshot } => command::validate::run(&snapshot),
    };
    ExitCode::from(exit as u8)
}
