//! The first thing every organization route does after verifying the token: is the caller a
//! member? Decided by the core (`orgspace_core::membership`) from the org envelope the edge
//! already caches, before any id of the request is resolved, so that a caller who is not a
//! member gets one answer (403, P1, the same bytes) whether the organization, the asset, the
//! workspace or the user they name exists or not, and their questions never reach the writer.

use super::http::now_ms;
use super::reader::org_envelope;
use super::writer::{self, KV_BINDING, WriterCall};
use crate::api_error::ApiError;
use crate::queries::Query;
use crate::storage_layout::{KV_KEY_MAX, OrgEnvelope, org_key};
use orgspace_core::membership;
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
/// The envelope decides when it can: it lists the caller (admitted), or KV's copy does not and
/// is at least as new as the request's `min_version` (an outsider, for a question). When there is
/// no envelope in KV (no such organization, or KV has not caught up with its creation), when it
/// is older than `min_version`, or for a write (a member added a moment ago must be able to act
/// at once, as before), only the writer can tell: it is asked whether the caller is a member
/// (`Query::Org`), never the request itself, and any refusal becomes the outsider answer.
pub async fn admit(
    env: &Env,
    org: &str,
    actor: &str,
    min_version: u64,
    kind: Kind,
) -> Result<(), ApiError> {
    let kv = env
        .kv(KV_BINDING)
        .map_err(|e| ApiError::internal(format!("no KV binding: {e}")))?;
    // A question reads the readers' cached envelope first; an outsider's verdict is taken from
    // KV itself (the cached copy may predate the caller's joining). A write reads KV itself
    // always: the envelope it would cache is about to be outdated by this very write.
    if kind == Kind::Question {
        if let Some(envelope) = org_envelope(&kv, org, min_version, now_ms()).await? {
            if membership::admit(Some(&envelope.part), org, actor).is_ok() {
                return Ok(());
            }
        }
    }
    if let Some(envelope) = uncached_envelope(&kv, org).await? {
        match membership::admit(Some(&envelope.part), org, actor) {
            Ok(()) => return Ok(()),
            Err(outsider) if kind == Kind::Question && envelope.version >= min_version => {
                return Err(outsider.into());
            }
            Err(_) => {}
        }
    }
    let probe = WriterCall::Query {
        org: org.to_string(),
        actor: actor.to_string(),
        now: now_ms(),
        query: Query::Org,
    };
    match writer::call(env, org, &probe).await? {
        (200, _) => Ok(()),
        (status, _) if status < 500 => Err(membership::outsider().into()),
        (_, body) => Err(ApiError::internal(format!(
            "the writer could not say who is a member: {body}"
        ))),
    }
}

async fn uncached_envelope(
    kv: &worker::kv::KvStore,
    org: &str,
) -> Result<Option<std::rc::Rc<OrgEnvelope>>, ApiError> {
    let key = org_key(org);
    if key.len() > KV_KEY_MAX {
        return Ok(None);
    }
    let text = kv
        .get(&key)
        .text()
        .await
        .map_err(|e| ApiError::internal(format!("KV read failed: {e}")))?;
    text.map(|t| {
        serde_json::from_str::<OrgEnvelope>(&t)
            .map(std::rc::Rc::new)
            .map_err(|e| ApiError::internal(format!("bad envelope: {e}")))
    })
    .transpose()
}

/// Admits a provisioner to create, upgrade or import `org` (`membership::provision`).
pub fn provision(org: &str, provisioner: bool) -> Result<(), ApiError> {
    membership::provision(org, provisioner).map_err(ApiError::from)
}
