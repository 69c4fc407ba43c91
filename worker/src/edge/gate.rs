//! The first thing every organization route does after verifying the token: is the caller a
//! member? Decided by the core (`orgspace_core::membership`) from the org envelope the edge
//! already caches, before any id of the request is resolved, so that a caller who is not a
//! member gets one answer (403, P1, the same bytes) whether the organization, the asset, the
//! workspace or the user they name exists or not, and their questions never reach the writer.

use super::flights;
use super::reader::{fresh_envelope, last_envelope};
use super::writer::KV_BINDING;
use crate::api_error::ApiError;
use crate::storage_layout::OrgEnvelope;
use orgspace_core::membership;
use std::rc::Rc;
use worker::Env;

/// What the request is: a question the edge may answer, or a write (or audit read) that goes to
/// the writer anyway.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A query, answered at the edge when KV is new enough.
    Question,
    /// A command or the audit log: the writer answers it.
    Write,
}

/// Admits `actor` to organization `org`, or answers [`membership::outsider`].
///
/// The envelope decides when it is fresh by the rules every edge answer follows (at least the
/// request's `min_version`, and at least what a recent attestation of the writer names,
/// `staleness.rs`): it lists the caller (admitted), or it does not (an outsider, for a
/// question). When there is no envelope in KV (no such organization, or KV has not caught up
/// with its creation), when it is not fresh, or for a write (a member added a moment ago must be
/// able to act at once), only the writer can tell: it is asked whether the caller is a member
/// (`Query::Org`), never the request itself, and any refusal becomes the outsider answer. Those
/// asks are bounded per organization and caller (`outsiders.rs`, `flights.rs`), so a flood of
/// outsider requests costs the writer a few calls a second, whatever they name.
///
/// Returns the fresh envelope that admitted the caller, which the reader answers from rather
/// than proving an envelope fresh a second time; `None` when the writer admitted them.
pub async fn admit(
    env: &Env,
    org: &str,
    actor: &str,
    min_version: u64,
    kind: Kind,
    bound_ms: u64,
) -> Result<Option<Rc<OrgEnvelope>>, ApiError> {
    let kv = env
        .kv(KV_BINDING)
        .map_err(|e| ApiError::internal(format!("no KV binding: {e}")))?;
    // The envelope decides only when it is proven fresh, as for any edge answer (within the
    // staleness bound, and at least `min_version`): a member added a moment ago is then in it,
    // or the writer, which attested a newer version, is asked.
    // The newest version KV showed this request: a refusal the isolate remembers stands only
    // for requests that know no newer one (`outsiders.rs`).
    let mut seen = 0;
    if let Some(envelope) = fresh_envelope(env, &kv, org, min_version, bound_ms, false).await? {
        if membership::admit(Some(&envelope.part), org, actor).is_ok() {
            return Ok(Some(envelope));
        }
        seen = envelope.version;
        // Before refusing, KV itself (the isolate's copy may be a second older than the
        // caller's joining). A question it does not list is refused; a write asks the writer:
        // the member may have been added by the last command.
        if let Some(envelope) = fresh_envelope(env, &kv, org, min_version, bound_ms, true).await? {
            if membership::admit(Some(&envelope.part), org, actor).is_ok() {
                return Ok(Some(envelope));
            }
            seen = seen.max(envelope.version);
            if kind == Kind::Question {
                return Err(membership::outsider().into());
            }
        }
    }
    // Only the writer can tell a member added since KV caught up from an outsider; how often
    // it is asked about callers no envelope of KV lists is bounded (`outsiders.rs`). A caller
    // the last envelope lists, not proven fresh (KV behind the version asked for), is a member
    // the writer confirms, not an outsider to cap.
    let listed = last_envelope(&kv, org)
        .await?
        .is_some_and(|e| membership::admit(Some(&e.part), org, actor).is_ok());
    if flights::is_member(env, org, actor, min_version.max(seen), listed).await? {
        Ok(None)
    } else {
        Err(membership::outsider().into())
    }
}

/// Admits a provisioner to create, upgrade or import `org` (`membership::provision`).
pub fn provision(org: &str, provisioner: bool) -> Result<(), ApiError> {
    membership::provision(org, provisioner).map_err(ApiError::from)
}
