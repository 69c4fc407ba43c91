//! The conformance scenario format of orgspace and its runner against the core.
//!
//! A scenario is data: steps that act as a user and state the expected outcome. The same
//! files run against the core here, against the npm package and against the edge API, so
//! every host gives the same answers. The format is documented in `docs/conformance.md`.

mod access;
mod files;
mod reload;
mod run;
mod scenario;
mod state;

pub use access::matches;
pub use files::{LoadedScenario, load_path, load_paths};
pub use reload::reload_problems;
pub use run::{Failure, Summary, run_scenario};
pub use scenario::{
    AuditQuery, CheckQuery, DryRunQuery, Expect, ExpectedColumn, FilterQuery, PreviewQuery,
    Scenario, SentCommand, SqlStepQuery, StateQuery, Step, StepAction, ThroughQuery, ViewAsQuery,
    WhoQuery,
};
