//! The access routes of issue 15, in one block: who has access to an asset or sees a folder,
//! the access diff of a command, and view as. Each builds a `Query` the core answers
//! (`queries.rs`); the edge's readers answer from KV where the parts are located (an asset's
//! workspace, the workspace viewed), the writer otherwise. View as first runs the `view_as`
//! command through the writer, so every view is in the audit log (X4) before it is answered;
//! the answer is then at least at that version (so, while Workers KV catches up, the writer
//! answers it). A view costs one write: a commit of the org part (its audit log and version).

use super::gate::{self, Kind};
use super::http::{body_json, min_version, query_pairs, respond};
use super::writer::{self, WriterCall};
use super::{Ctx, answer_query, authenticate, no_body, param};
use crate::api_error::ApiError;
use crate::queries::Query;
use orgspace_core::{Command, Operation};
use serde_json::Value;
use worker::{Request, Response};

/// `cursor` and `limit` from the query string.
fn page(pairs: &[(String, String)]) -> Result<(Option<String>, Option<usize>), ApiError> {
    let get = |k: &str| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
    let limit = match get("limit") {
        None => None,
        Some(v) => match v.parse::<usize>() {
            Ok(n) if (1..=orgspace_core::MAX_PAGE).contains(&n) => Some(n),
            _ => {
                return Err(ApiError::invalid(format!(
                    "`limit` is a whole number from 1 to {}",
                    orgspace_core::MAX_PAGE
                )));
            }
        },
    };
    Ok((get("cursor"), limit))
}

/// `GET /v1/orgs/{org}/assets/{asset}/access?operation=view&cursor=..&limit=..`
pub fn who_has_access(
    ctx: &Ctx,
    pairs: &[(String, String)],
    body: Option<Value>,
) -> Result<Query, ApiError> {
    no_body(body)?;
    let operation = match pairs.iter().find(|(k, _)| k == "operation") {
        None => Operation::View,
        Some((_, v)) => Operation::parse(v)
            .ok_or_else(|| ApiError::invalid(format!("unknown operation `{v}`")))?,
    };
    let (cursor, limit) = page(pairs)?;
    Ok(Query::WhoHasAccess {
        asset: param(ctx, "asset")?,
        operation,
        cursor,
        limit,
    })
}

/// `GET /v1/orgs/{org}/folders/{folder}/access?cursor=..&limit=..`
pub fn who_sees_folder(
    ctx: &Ctx,
    pairs: &[(String, String)],
    body: Option<Value>,
) -> Result<Query, ApiError> {
    no_body(body)?;
    let (cursor, limit) = page(pairs)?;
    Ok(Query::WhoSeesFolder {
        folder: param(ctx, "folder")?,
        cursor,
        limit,
    })
}

/// `POST /v1/orgs/{org}/access-diff` with a command as the body.
pub fn access_diff(
    _: &Ctx,
    _: &[(String, String)],
    body: Option<Value>,
) -> Result<Query, ApiError> {
    let body = body.ok_or_else(|| ApiError::invalid("the body must be a command"))?;
    let command: Command = serde_json::from_value(body)
        .map_err(|e| ApiError::invalid(format!("the body is not a command: {e}")))?;
    Ok(Query::AccessDiff { command })
}

/// `POST /v1/orgs/{org}/workspaces/{workspace}/view-as/{user}`: records the view through the
/// writer (the `view_as` command: authorized as the view, R1/O6, and audited, X4), then answers
/// it as any query (it changed nothing the view reads, so any attested version serves).
pub async fn view_as(mut req: Request, ctx: Ctx) -> worker::Result<Response> {
    let result = async {
        let call = authenticate(&req, &ctx)?;
        let pairs = query_pairs(&req);
        let min = min_version(&pairs)?.unwrap_or(0);
        gate::admit(
            &ctx.env,
            &call.org,
            &call.actor,
            0,
            Kind::Write,
            ctx.data.staleness_ms,
        )
        .await?;
        no_body(body_json(&mut req).await?)?;
        let user = param(&ctx, "user")?;
        let workspace = param(&ctx, "workspace")?;
        let (status, recorded) = writer::call(
            &ctx.env,
            &call.org,
            &WriterCall::Execute {
                org: call.org.clone(),
                actor: call.actor.clone(),
                at: call.now,
                command: Command::ViewAs {
                    user: user.clone(),
                    workspace: workspace.clone(),
                },
                creates: false,
            },
        )
        .await?;
        if !(200..300).contains(&status) {
            // Refused (R1, P1, not found...): nothing was recorded and nothing is answered.
            return Ok((status, recorded));
        }
        // Answered at least at the version that recorded it, so the answer names a version
        // whose audit log holds the view.
        let min = recorded
            .get("version")
            .and_then(Value::as_u64)
            .map_or(min, |v| v.max(min));
        let query = Query::ViewAs { user, workspace };
        // The gate admitted the caller before the view was recorded: the envelope must now be
        // at least the recording version, so the reader proves its own.
        let (answer, _) = answer_query(&ctx, call, query, min, None).await?;
        Ok(answer)
    }
    .await;
    respond(result)
}
