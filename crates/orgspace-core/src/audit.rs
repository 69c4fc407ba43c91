//! The audit log (X4): every accepted change, who made it, when, and the version after it.

use crate::command::Command;
use crate::event::Event;
use alloc::string::String;
use alloc::vec::Vec;
use serde::{Deserialize, Serialize};

/// One accepted command.
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuditEntry {
    /// The organization's version after the change.
    pub version: u64,
    /// Who ran the command.
    pub actor: String,
    /// When, in milliseconds since the epoch, as the host passed it.
    pub at: u64,
    /// The command as accepted.
    pub command: Command,
    /// What it changed.
    pub events: Vec<Event>,
}
