//! The org part in a compact binary encoding, beside the workspace parts' (`binary.rs`): what
//! the edge writer stores in KV inside the org envelope, and a cold edge reader decodes before
//! it loads anything (JSON stays the exchange format).
//!
//! Why: at the full benchmark org (10,000 members, 10,200 workspace headers) the org part is
//! 1.7 MB of JSON, and reading it was the part of a cold reader's load that did not shrink with
//! the binary workspace parts. Here its three long lists (members, groups, workspace headers)
//! are postcard (varints, length-prefixed strings, no field names, no escapes); the rest (id,
//! name, version, default workspace, custom org roles, data sources: small) is its JSON text,
//! read by the same serde types as ever. Figures in bench/README.md.
//!
//! A value is [`MAGIC`] and then, in postcard, that JSON head and the three lists. A damaged or
//! truncated value is refused with [`SnapshotError::Malformed`], never a panic; what decodes is
//! an [`OrgPart`] that the loaders check as they check one read from JSON.

use super::{GroupDoc, MemberDoc, OrgPart, PartsLoader, WorkspaceHeader};
use crate::engine::SnapshotError;
use crate::vocab::{Mode, WorkspaceKind};
use alloc::collections::BTreeMap;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;
use serde::{Deserialize, Serialize};

/// The first bytes of a binary org part: "OSO" and the encoding's version (1). JSON text starts
/// with `{` (or white space), so the two never meet.
pub const MAGIC: &[u8; 4] = b"OSO\x01";

/// Whether `bytes` hold a binary org part (else they are taken for JSON text).
#[must_use]
pub fn is_binary(bytes: &[u8]) -> bool {
    bytes.starts_with(&MAGIC[..3])
}

/// The binary encoding of an org part ([`MAGIC`], then postcard).
///
/// # Errors
///
/// [`SnapshotError::Malformed`] only if serde cannot encode a value (a data source that does
/// not serialize as JSON); the engine's org parts always encode.
pub fn org_to_binary(part: &OrgPart) -> Result<Vec<u8>, SnapshotError> {
    let head = OrgPart {
        id: part.id.clone(),
        name: part.name.clone(),
        version: part.version,
        default_workspace: part.default_workspace.clone(),
        members: Vec::new(),
        org_roles: part.org_roles.clone(),
        groups: Vec::new(),
        workspaces: Vec::new(),
        data_sources: part.data_sources.clone(),
    };
    let head = serde_json::to_string(&head).map_err(malformed)?;
    let wire = WireOut {
        head: &head,
        members: part
            .members
            .iter()
            .map(|m| MemberOut {
                user: &m.user,
                roles: &m.roles,
                attributes: &m.attributes,
                reach: m.reach,
            })
            .collect(),
        groups: part
            .groups
            .iter()
            .map(|g| GroupOut {
                id: &g.id,
                name: &g.name,
                parent: g.parent.as_deref(),
                members: &g.members,
            })
            .collect(),
        workspaces: part
            .workspaces
            .iter()
            .map(|h| HeaderOut {
                id: &h.id,
                kind: h.kind,
                name: &h.name,
                mode: h.mode,
                owner: h.owner.as_deref(),
            })
            .collect(),
    };
    postcard::to_extend(&wire, Vec::from(&MAGIC[..])).map_err(malformed)
}

/// The org part a binary value ([`org_to_binary`]) holds.
///
/// # Errors
///
/// [`SnapshotError::Malformed`] for bytes that are not one: another format tag, a damaged or
/// truncated value, trailing bytes, a head that is not an org part's JSON or that holds lists.
pub fn org_from_binary(bytes: &[u8]) -> Result<OrgPart, SnapshotError> {
    let rest = bytes.strip_prefix(&MAGIC[..]).ok_or_else(|| {
        SnapshotError::Malformed(String::from(
            "not a binary org part of an encoding this build reads",
        ))
    })?;
    let (wire, trailing): (WireIn<'_>, &[u8]) =
        postcard::take_from_bytes(rest).map_err(malformed)?;
    if !trailing.is_empty() {
        return Err(SnapshotError::Malformed(String::from(
            "trailing bytes after a binary org part",
        )));
    }
    let mut part: OrgPart = serde_json::from_str(wire.head).map_err(malformed)?;
    if !(part.members.is_empty() && part.groups.is_empty() && part.workspaces.is_empty()) {
        return Err(SnapshotError::Malformed(String::from(
            "a binary org part's head holds members, groups or workspaces",
        )));
    }
    part.members = wire
        .members
        .into_iter()
        .map(|m| MemberDoc {
            user: m.user,
            roles: m.roles,
            attributes: m.attributes,
            reach: m.reach,
        })
        .collect();
    part.groups = wire
        .groups
        .into_iter()
        .map(|g| GroupDoc {
            id: g.id,
            name: g.name,
            parent: g.parent,
            members: g.members,
        })
        .collect();
    part.workspaces = wire
        .workspaces
        .into_iter()
        .map(|h| WorkspaceHeader {
            id: h.id,
            kind: h.kind,
            name: h.name,
            mode: h.mode,
            owner: h.owner,
        })
        .collect();
    Ok(part)
}

/// The org part of stored bytes: the binary encoding or JSON text (what an older writer
/// stored, and every other host).
///
/// # Errors
///
/// [`SnapshotError::Malformed`] for bytes that are neither.
pub fn org_from_bytes(bytes: &[u8]) -> Result<OrgPart, SnapshotError> {
    if is_binary(bytes) {
        org_from_binary(bytes)
    } else {
        serde_json::from_slice(bytes).map_err(malformed)
    }
}

impl PartsLoader {
    /// Starts from the org part's stored bytes, binary ([`org_to_binary`]) or JSON text.
    ///
    /// # Errors
    ///
    /// As [`org_from_bytes`] and [`PartsLoader::new`].
    pub fn from_org_bytes(bytes: &[u8]) -> Result<PartsLoader, SnapshotError> {
        PartsLoader::new(&org_from_bytes(bytes)?)
    }
}

fn malformed(e: impl fmt::Display) -> SnapshotError {
    SnapshotError::Malformed(format!("{e}"))
}

#[derive(Serialize)]
struct WireOut<'a> {
    head: &'a str,
    members: Vec<MemberOut<'a>>,
    groups: Vec<GroupOut<'a>>,
    workspaces: Vec<HeaderOut<'a>>,
}

/// Every field written, in order (postcard has no field names, so no field is skipped).
#[derive(Serialize)]
struct MemberOut<'a> {
    user: &'a str,
    roles: &'a [String],
    attributes: &'a BTreeMap<String, Vec<String>>,
    reach: u64,
}

#[derive(Serialize)]
struct GroupOut<'a> {
    id: &'a str,
    name: &'a str,
    parent: Option<&'a str>,
    members: &'a [String],
}

#[derive(Serialize)]
struct HeaderOut<'a> {
    id: &'a str,
    kind: WorkspaceKind,
    name: &'a str,
    mode: Mode,
    owner: Option<&'a str>,
}

/// What [`WireOut`] writes, read into owned values (moved into the org part, not copied).
#[derive(Deserialize)]
struct WireIn<'a> {
    head: &'a str,
    members: Vec<MemberIn>,
    groups: Vec<GroupIn>,
    workspaces: Vec<HeaderIn>,
}

#[derive(Deserialize)]
struct MemberIn {
    user: String,
    roles: Vec<String>,
    attributes: BTreeMap<String, Vec<String>>,
    reach: u64,
}

#[derive(Deserialize)]
struct GroupIn {
    id: String,
    name: String,
    parent: Option<String>,
    members: Vec<String>,
}

#[derive(Deserialize)]
struct HeaderIn {
    id: String,
    kind: WorkspaceKind,
    name: String,
    mode: Mode,
    owner: Option<String>,
}
