//! The Workers runtime binding: the fetch handler, its Router, and the Durable Object.

mod access;
mod config;
mod flights;
mod gate;
mod headers;
mod http;
mod reader;
mod writer;

use crate::api_error::ApiError;
use crate::queries::{CheckItem, Query};
use crate::routes::{COMMAND_ROUTES, CommandRoute, Method, allowed_methods, build_command};
use config::Config;
use gate::Kind;
use http::{body_json, min_version, now_ms, query_pairs, respond, safe_integer};
use orgspace_core::snapshot::{ListOf, PAGE_LIMIT};
use serde::Deserialize;
use serde_json::{Value, json};
use worker::{Context, Env, Request, Response, RouteContext, Router, event};
use writer::{KV_BINDING, WriterCall};

type Ctx = RouteContext<Config>;

/// The test-only fault switch's route (a constant, so no route table of the API lists it).
const KV_FAULT_ROUTE: &str = "/v1/orgs/:org/test/kv-fault";
/// The test-only count of the writer calls the gate and readers made on their own.
const LEGACY_STORE_ROUTE: &str = "/v1/orgs/:org/test/legacy-store";
const WRITER_CALLS_ROUTE: &str = "/v1/orgs/:org/test/writer-calls";
/// The test-only rewrite of the KV org envelope as an older writer's JSON text.
const LEGACY_ENVELOPE_ROUTE: &str = "/v1/orgs/:org/test/legacy-envelope";

#[event(fetch)]
async fn fetch(req: Request, env: Env, _ctx: Context) -> worker::Result<Response> {
    let config = match Config::from_env(&env) {
        Ok(c) => c,
        Err(e) => {
            let e = ApiError::internal(format!("misconfigured: {e}"));
            return headers::finish(http::error(&e), None);
        }
    };
    let origin = headers::allowed_origin(&req, &config);
    let loopback = headers::is_loopback(&req);
    if config.dev_secret && !loopback {
        let e = ApiError::internal(
            "misconfigured: this worker holds a development secret (ORGSPACE_DEV, or a JWT_HS256_SECRET from .dev.vars) and answers only on a loopback address",
        );
        return headers::finish(http::error(&e), origin.as_deref());
    }
    let path = req.path();
    let is_preflight = req.method() == worker::Method::Options
        && req
            .headers()
            .get("access-control-request-method")
            .ok()
            .flatten()
            .is_some();
    if is_preflight && origin.is_some() {
        return headers::finish(headers::preflight(&path), origin.as_deref());
    }
    // The dev clock, like the dev secret, is for a worker on this machine only.
    let config = Config {
        dev_clock: config.dev_clock && loopback,
        ..config
    };
    let response = router(config).run(req, env).await;
    headers::finish(json_fallback(response, &path), origin.as_deref())
}

/// The Router's own 404 and 405 answers are plain text; the API answers JSON everywhere, and
/// a 405 says in `Allow` which methods the path takes.
fn json_fallback(response: worker::Result<Response>, path: &str) -> worker::Result<Response> {
    let response = match response {
        Ok(r) => r,
        Err(e) => return http::error(&ApiError::internal(format!("runtime error: {e}"))),
    };
    let is_json = response
        .headers()
        .get("content-type")
        .ok()
        .flatten()
        .is_some_and(|t| t.starts_with("application/json"));
    match response.status_code() {
        404 if !is_json => http::error(&ApiError::not_found("no such route")),
        405 if !is_json => {
            let allow = allowed_methods(path)
                .iter()
                .map(|m| m.as_str())
                .collect::<Vec<_>>()
                .join(", ");
            let message = if allow.is_empty() {
                String::from("this route does not take that method")
            } else {
                format!("this route takes {allow}, not that method")
            };
            let mut response = http::error(&ApiError::new(405, "method_not_allowed", message))?;
            response.headers_mut().set("allow", &allow)?;
            Ok(response)
        }
        _ => Ok(response),
    }
}

fn router(config: Config) -> Router<'static, Config> {
    let test_faults = config.test_faults;
    let mut router = Router::with_data(config)
        .get_async("/v1/health", |_, _| async {
            http::json(200, &json!({"status": "ok"}))
        })
        .get_async("/v1/orgs/:org", |req, ctx| query(req, ctx, org_summary))
        .get_async("/v1/orgs/:org/check", |req, ctx| query(req, ctx, check_get))
        .post_async("/v1/orgs/:org/check", |req, ctx| query(req, ctx, check))
        .post_async("/v1/orgs/:org/filter", |req, ctx| query(req, ctx, filter))
        .get_async("/v1/orgs/:org/workspaces/:workspace/assets", |req, ctx| {
            query(req, ctx, visible_assets)
        })
        .get_async("/v1/orgs/:org/workspaces/:workspace/folders", |req, ctx| {
            query(req, ctx, visible_folders)
        })
        .get_async(
            "/v1/orgs/:org/workspaces/:workspace/mode-dry-run",
            |req, ctx| query(req, ctx, dry_run),
        )
        .get_async("/v1/orgs/:org/assets/:asset", |req, ctx| {
            query(req, ctx, asset)
        })
        .get_async("/v1/orgs/:org/assets/:asset/data-scope", |req, ctx| {
            query(req, ctx, data_scope)
        })
        .get_async("/v1/orgs/:org/assets/:asset/sql", |req, ctx| {
            query(req, ctx, sql)
        })
        .post_async("/v1/orgs/:org/assets/:asset/preview", |req, ctx| {
            query(req, ctx, preview)
        })
        // Issue 15's access questions (edge/access.rs).
        .get_async("/v1/orgs/:org/assets/:asset/access", |req, ctx| {
            query(req, ctx, access::who_has_access)
        })
        .get_async("/v1/orgs/:org/folders/:folder/access", |req, ctx| {
            query(req, ctx, access::who_sees_folder)
        })
        .post_async("/v1/orgs/:org/access-diff", |req, ctx| {
            query(req, ctx, access::access_diff)
        })
        .post_async(
            "/v1/orgs/:org/workspaces/:workspace/view-as/:user",
            access::view_as,
        )
        .get_async("/v1/orgs/:org/snapshot", |req, ctx| query(req, ctx, view))
        // Views that page (issue 13): the first view, then one workspace's as it is opened.
        .get_async("/v1/orgs/:org/views/first", |req, ctx| {
            query(req, ctx, first_view)
        })
        .get_async("/v1/orgs/:org/views/workspaces/:workspace", |req, ctx| {
            query(req, ctx, workspace_view)
        })
        // The pages of the first view's lists.
        .get_async("/v1/orgs/:org/views/workspaces", |req, ctx| {
            query(req, ctx, |c, p, b| view_page(c, p, b, ListOf::Workspaces))
        })
        .get_async("/v1/orgs/:org/views/members", |req, ctx| {
            query(req, ctx, |c, p, b| view_page(c, p, b, ListOf::Members))
        })
        .put_async("/v1/orgs/:org/snapshot", import)
        .get_async("/v1/orgs/:org/audit", audit)
        .put_async("/v1/orgs/:org/imports/:upload/chunks/:n", upload_chunk)
        .get_async("/v1/orgs/:org/imports/:upload", upload_status)
        .post_async("/v1/orgs/:org/imports/:upload/commit", upload_commit);
    if test_faults {
        // Tests only: a route that exists when `ORGSPACE_TEST_FAULTS=true` (never deployed).
        router = router
            .post_async(KV_FAULT_ROUTE, kv_fault)
            .post_async(LEGACY_STORE_ROUTE, legacy_store)
            .post_async(LEGACY_ENVELOPE_ROUTE, legacy_envelope)
            .get_async(WRITER_CALLS_ROUTE, writer_calls);
    }
    for route in COMMAND_ROUTES {
        let handler = move |req, ctx| command(req, ctx, route);
        router = match route.method {
            Method::Get => router.get_async(route.path, handler),
            Method::Post => router.post_async(route.path, handler),
            Method::Put => router.put_async(route.path, handler),
            Method::Patch => router.patch_async(route.path, handler),
            Method::Delete => router.delete_async(route.path, handler),
        };
    }
    router
}

/// The authenticated caller, the time of the request, and the organization in the path.
struct Call {
    actor: String,
    /// Whether the token makes the caller a provisioner (`auth::PROVISION_SCOPE`).
    provisioner: bool,
    now: u64,
    org: String,
}

fn authenticate(req: &Request, ctx: &Ctx) -> Result<Call, ApiError> {
    let real_now = now_ms();
    let header = req.headers().get("authorization").ok().flatten();
    // Tokens are always checked against the real clock, whatever time the request asks for.
    let caller = ctx.data.auth.identify(header.as_deref(), real_now)?;
    let now = match req.headers().get("x-orgspace-time").ok().flatten() {
        Some(t) if ctx.data.dev_clock => safe_integer("x-orgspace-time", &t)?,
        _ => real_now,
    };
    let org = param(ctx, "org")?;
    Ok(Call {
        actor: caller.user,
        provisioner: caller.provisioner,
        now,
        org,
    })
}

/// The routes that bring an organization into being: for provisioners, not members.
fn creates_org(route: &CommandRoute) -> bool {
    matches!(route.command, "create_org" | "upgrade_org")
}

async fn command(
    mut req: Request,
    ctx: Ctx,
    route: &'static CommandRoute,
) -> worker::Result<Response> {
    let result = async {
        let call = authenticate(&req, &ctx)?;
        if creates_org(route) {
            gate::provision(&call.org, call.provisioner)?;
        } else {
            // A command may name the version its caller has seen (`min_version`): a caller the
            // edge refused a moment ago, and added since, is then asked about again.
            let seen = min_version(&query_pairs(&req))?.unwrap_or(0);
            gate::admit(
                &ctx.env,
                &call.org,
                &call.actor,
                seen,
                Kind::Write,
                ctx.data.staleness_ms,
            )
            .await?;
        }
        let body = body_json(&mut req).await?;
        let pairs = query_pairs(&req);
        let params: Vec<(&str, String)> = route
            .params
            .iter()
            .map(|(name, _)| *name)
            .chain(route.target.map(|_| "target"))
            .map(|name| Ok((name, param(&ctx, name)?)))
            .collect::<Result<_, ApiError>>()?;
        let lookup = |name: &str| {
            params
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| v.as_str())
        };
        let command = build_command(route, lookup, &pairs, body)?;
        writer::call(
            &ctx.env,
            &call.org,
            &WriterCall::Execute {
                org: call.org.clone(),
                actor: call.actor,
                at: call.now,
                command,
                creates: route.creates,
            },
        )
        .await
    }
    .await;
    respond(result)
}

/// Builds a query from the request's path parameters, query string and body.
type QueryBuilder = fn(&Ctx, &[(String, String)], Option<Value>) -> Result<Query, ApiError>;

async fn query(mut req: Request, ctx: Ctx, build: QueryBuilder) -> worker::Result<Response> {
    let mut source = "writer";
    let result = async {
        let call = authenticate(&req, &ctx)?;
        let pairs = query_pairs(&req);
        let min = min_version(&pairs)?.unwrap_or(0);
        let admitted = gate::admit(
            &ctx.env,
            &call.org,
            &call.actor,
            min,
            Kind::Question,
            ctx.data.staleness_ms,
        )
        .await?;
        let body = body_json(&mut req).await?;
        let query = build(&ctx, &pairs, body)?;
        let (answer, from) = answer_query(&ctx, call, query, min, admitted).await?;
        source = from;
        Ok(answer)
    }
    .await;
    let answered = result.is_ok();
    let mut response = respond(result)?;
    if answered {
        // Who answered: the edge from KV, or the writer (benchmarks and operators read it).
        response.headers_mut().set(http::SOURCE_HEADER, source)?;
    }
    Ok(response)
}

/// Answers `query` for the caller: from KV where the reader can (`"edge"`), else from the
/// organization's writer (`"writer"`). `admitted` is the envelope the gate proved fresh at
/// `min`, if any.
async fn answer_query(
    ctx: &Ctx,
    call: Call,
    query: Query,
    min: u64,
    admitted: Option<std::rc::Rc<crate::storage_layout::OrgEnvelope>>,
) -> Result<((u16, Value), &'static str), ApiError> {
    let kv = ctx
        .env
        .kv(KV_BINDING)
        .map_err(|e| ApiError::internal(format!("no KV binding: {e}")))?;
    let bound = ctx.data.staleness_ms;
    if let Some(value) = reader::answer(
        &ctx.env,
        &kv,
        &call.org,
        &call.actor,
        &query,
        min,
        call.now,
        bound,
        admitted,
    )
    .await?
    {
        return Ok(((200, value), "edge"));
    }
    let answer = writer::call(
        &ctx.env,
        &call.org,
        &WriterCall::Query {
            org: call.org.clone(),
            actor: call.actor,
            now: call.now,
            query,
        },
    )
    .await?;
    Ok((answer, "writer"))
}

/// A path parameter, percent-decoded (the Router hands them over as they came).
fn param(ctx: &Ctx, name: &str) -> Result<String, ApiError> {
    let raw = ctx
        .param(name)
        .ok_or_else(|| ApiError::invalid(format!("`{name}` is missing")))?;
    percent_encoding::percent_decode_str(raw)
        .decode_utf8()
        .map(std::borrow::Cow::into_owned)
        .map_err(|_| ApiError::invalid(format!("`{name}` is not UTF-8 once decoded")))
}

fn no_body(body: Option<Value>) -> Result<(), ApiError> {
    match body {
        None => Ok(()),
        Some(_) => Err(ApiError::invalid("this route takes no body")),
    }
}

fn parse<T: for<'de> Deserialize<'de>>(body: Option<Value>, what: &str) -> Result<T, ApiError> {
    let body = body.ok_or_else(|| ApiError::invalid(format!("the body must be {what}")))?;
    serde_json::from_value(body)
        .map_err(|e| ApiError::invalid(format!("the body is not {what}: {e}")))
}

fn org_summary(_: &Ctx, _: &[(String, String)], body: Option<Value>) -> Result<Query, ApiError> {
    no_body(body)?;
    Ok(Query::Org)
}

fn check(_: &Ctx, _: &[(String, String)], body: Option<Value>) -> Result<Query, ApiError> {
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Batch {
        checks: Vec<CheckItem>,
    }
    let is_batch = body
        .as_ref()
        .and_then(Value::as_object)
        .is_some_and(|o| o.contains_key("checks"));
    if is_batch {
        let batch: Batch = parse(body, "`{\"checks\": [...]}`")?;
        if batch.checks.len() > 1000 {
            return Err(ApiError::invalid("at most 1000 checks per batch"));
        }
        Ok(Query::Check {
            checks: batch.checks,
            batch: true,
        })
    } else {
        let one: CheckItem = parse(body, "a check (`{\"operation\", \"asset\"}`)")?;
        Ok(Query::Check {
            checks: vec![one],
            batch: false,
        })
    }
}

/// `GET /check?operation=..&asset=..`: one check in the query string (`Query::check_from_query`).
fn check_get(_: &Ctx, pairs: &[(String, String)], body: Option<Value>) -> Result<Query, ApiError> {
    if body.is_some() {
        return Err(ApiError::invalid(
            "a GET check takes its question in the query string, not a body",
        ));
    }
    Query::check_from_query(pairs)
}

fn filter(_: &Ctx, _: &[(String, String)], body: Option<Value>) -> Result<Query, ApiError> {
    let query: Query = {
        let mut body = body.ok_or_else(|| ApiError::invalid("the body must be a filter"))?;
        if let Some(o) = body.as_object_mut() {
            o.insert("query".into(), Value::String("filter".into()));
        }
        serde_json::from_value(body)
            .map_err(|e| ApiError::invalid(format!("the body is not a filter: {e}")))?
    };
    match query {
        Query::Filter { .. } => Ok(query),
        _ => Err(ApiError::invalid("the body is not a filter")),
    }
}

fn visible_assets(
    ctx: &Ctx,
    _: &[(String, String)],
    body: Option<Value>,
) -> Result<Query, ApiError> {
    no_body(body)?;
    Ok(Query::VisibleAssets {
        workspace: param(ctx, "workspace")?,
    })
}

fn visible_folders(
    ctx: &Ctx,
    _: &[(String, String)],
    body: Option<Value>,
) -> Result<Query, ApiError> {
    no_body(body)?;
    Ok(Query::VisibleFolders {
        workspace: param(ctx, "workspace")?,
    })
}

fn dry_run(ctx: &Ctx, pairs: &[(String, String)], body: Option<Value>) -> Result<Query, ApiError> {
    no_body(body)?;
    let mode = pairs
        .iter()
        .find(|(k, _)| k == "mode")
        .map(|(_, v)| v.as_str())
        .ok_or_else(|| ApiError::invalid("`mode` is required (collaboration or private)"))?;
    let mode = serde_json::from_value(Value::String(mode.into()))
        .map_err(|_| ApiError::invalid("`mode` must be collaboration or private"))?;
    Ok(Query::DryRun {
        workspace: param(ctx, "workspace")?,
        mode,
    })
}

fn asset(ctx: &Ctx, _: &[(String, String)], body: Option<Value>) -> Result<Query, ApiError> {
    no_body(body)?;
    Ok(Query::Asset {
        asset: param(ctx, "asset")?,
    })
}

fn data_scope(
    ctx: &Ctx,
    pairs: &[(String, String)],
    body: Option<Value>,
) -> Result<Query, ApiError> {
    no_body(body)?;
    Query::scope_from_query(param(ctx, "asset")?, pairs, false)
}

fn sql(ctx: &Ctx, pairs: &[(String, String)], body: Option<Value>) -> Result<Query, ApiError> {
    no_body(body)?;
    Query::scope_from_query(param(ctx, "asset")?, pairs, true)
}

fn preview(ctx: &Ctx, _: &[(String, String)], body: Option<Value>) -> Result<Query, ApiError> {
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Rows {
        rows: Vec<serde_json::Map<String, Value>>,
    }
    let rows: Rows = parse(body, "`{\"rows\": [...]}`")?;
    Ok(Query::Preview {
        dataset: param(ctx, "asset")?,
        rows: rows.rows,
    })
}

fn view(_: &Ctx, _: &[(String, String)], body: Option<Value>) -> Result<Query, ApiError> {
    no_body(body)?;
    Ok(Query::View)
}

/// `?workspace=` names the current workspace, `?list=` how many workspaces (and members, for
/// an org admin) it lists (1 to `PAGE_LIMIT`); nothing else but `min_version` is taken.
fn first_view(_: &Ctx, pairs: &[(String, String)], body: Option<Value>) -> Result<Query, ApiError> {
    no_body(body)?;
    let mut workspace = None;
    let mut list = None;
    for (k, v) in pairs {
        match k.as_str() {
            "workspace" if workspace.is_none() => workspace = Some(v.clone()),
            "list" if list.is_none() => list = Some(page_size(v, "list")?),
            "min_version" => {}
            _ => {
                return Err(ApiError::invalid(format!(
                    "unknown or repeated parameter `{k}`"
                )));
            }
        }
    }
    Ok(Query::FirstView { workspace, list })
}

/// `?after=` the previous page's `next`, `?limit=` 1 to `PAGE_LIMIT` (500 without it).
fn view_page(
    _: &Ctx,
    pairs: &[(String, String)],
    body: Option<Value>,
    list: ListOf,
) -> Result<Query, ApiError> {
    no_body(body)?;
    let (mut after, mut limit) = (None, None);
    for (k, v) in pairs {
        match k.as_str() {
            "after" if after.is_none() => after = Some(v.clone()),
            "limit" if limit.is_none() => limit = Some(page_size(v, "limit")?),
            "min_version" => {}
            _ => {
                return Err(ApiError::invalid(format!(
                    "unknown or repeated parameter `{k}`"
                )));
            }
        }
    }
    Ok(Query::ViewPage {
        list,
        after,
        limit: limit.unwrap_or(DEFAULT_PAGE),
    })
}

/// The entries a page of a view's lists holds when the caller does not say.
const DEFAULT_PAGE: usize = 500;

fn page_size(v: &str, name: &str) -> Result<usize, ApiError> {
    v.parse::<usize>()
        .ok()
        .filter(|n| (1..=PAGE_LIMIT).contains(n))
        .ok_or_else(|| {
            ApiError::invalid(format!("`{name}` must be a number from 1 to {PAGE_LIMIT}"))
        })
}

fn workspace_view(
    ctx: &Ctx,
    _: &[(String, String)],
    body: Option<Value>,
) -> Result<Query, ApiError> {
    no_body(body)?;
    Ok(Query::WorkspaceView {
        workspace: param(ctx, "workspace")?,
    })
}

async fn import(mut req: Request, ctx: Ctx) -> worker::Result<Response> {
    let result = async {
        let call = authenticate(&req, &ctx)?;
        gate::provision(&call.org, call.provisioner)?;
        let snapshot = body_json(&mut req)
            .await?
            .ok_or_else(|| ApiError::invalid("the body must be a snapshot"))?;
        writer::call(
            &ctx.env,
            &call.org,
            &WriterCall::Import {
                org: call.org.clone(),
                actor: call.actor,
                snapshot,
            },
        )
        .await
    }
    .await;
    respond(result)
}

/// Every import route's start: a provisioner (imports create organizations) and the upload the
/// path names.
fn upload_caller(req: &Request, ctx: &Ctx) -> Result<(Call, String), ApiError> {
    let call = authenticate(req, ctx)?;
    gate::provision(&call.org, call.provisioner)?;
    Ok((call, param(ctx, "upload")?))
}

/// `PUT /v1/orgs/{org}/imports/{upload}/chunks/{n}`: one chunk (UTF-8 text, at most 1 MiB) of
/// a snapshot's JSON text.
async fn upload_chunk(mut req: Request, ctx: Ctx) -> worker::Result<Response> {
    let result = async {
        let (call, upload) = upload_caller(&req, &ctx)?;
        let n: u32 = param(&ctx, "n")?
            .parse()
            .map_err(|_| ApiError::invalid("`n` is a chunk number from 0"))?;
        let text = http::body_text(&mut req).await?;
        let msg = WriterCall::UploadChunk {
            org: call.org.clone(),
            actor: call.actor,
            upload,
            n,
            text,
        };
        writer::call(&ctx.env, &call.org, &msg).await
    }
    .await;
    respond(result)
}

/// `GET /v1/orgs/{org}/imports/{upload}`: the chunks an upload holds (to resume it).
async fn upload_status(req: Request, ctx: Ctx) -> worker::Result<Response> {
    let result = async {
        let (call, upload) = upload_caller(&req, &ctx)?;
        let msg = WriterCall::UploadStatus {
            org: call.org.clone(),
            actor: call.actor,
            upload,
        };
        writer::call(&ctx.env, &call.org, &msg).await
    }
    .await;
    respond(result)
}

/// `POST /v1/orgs/{org}/imports/{upload}/commit {"chunks": N}`: imports chunks `0..N` as one
/// snapshot, as `PUT /snapshot` does.
async fn upload_commit(mut req: Request, ctx: Ctx) -> worker::Result<Response> {
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Commit {
        chunks: u32,
    }
    let result = async {
        let (call, upload) = upload_caller(&req, &ctx)?;
        let mut body = body_json(&mut req).await?;
        if let Some(Value::Object(fields)) = body.as_mut() {
            crate::routes::whole_numbers(fields);
        }
        let commit: Commit = parse(body, "`{\"chunks\": N}`")?;
        let msg = WriterCall::UploadCommit {
            org: call.org.clone(),
            actor: call.actor,
            upload,
            chunks: commit.chunks,
        };
        writer::call(&ctx.env, &call.org, &msg).await
    }
    .await;
    respond(result)
}

/// `POST /v1/orgs/{org}/test/kv-fault {"fail": bool}`: makes the org writer's KV writes fail
/// or work again (tests of the staleness bound; only with `ORGSPACE_TEST_FAULTS=true`).
async fn kv_fault(mut req: Request, ctx: Ctx) -> worker::Result<Response> {
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Fault {
        fail: bool,
    }
    let result = async {
        let call = authenticate(&req, &ctx)?;
        let fault: Fault = parse(body_json(&mut req).await?, "`{\"fail\": bool}`")?;
        writer::call(
            &ctx.env,
            &call.org,
            &WriterCall::KvFault {
                org: call.org.clone(),
                fail: fault.fail,
            },
        )
        .await
    }
    .await;
    respond(result)
}

/// `POST /v1/orgs/{org}/test/legacy-store`: makes the org writer's store look as one written
/// before the org index (tests of issue 13; only with `ORGSPACE_TEST_FAULTS=true`).
async fn legacy_store(req: Request, ctx: Ctx) -> worker::Result<Response> {
    let result = async {
        let call = authenticate(&req, &ctx)?;
        writer::call(
            &ctx.env,
            &call.org,
            &WriterCall::LegacyStore {
                org: call.org.clone(),
            },
        )
        .await
    }
    .await;
    respond(result)
}

/// `POST /v1/orgs/{org}/test/legacy-envelope`: makes KV's org envelope the JSON text a build
/// before the binary envelope wrote (tests of issue 13; only with `ORGSPACE_TEST_FAULTS=true`).
async fn legacy_envelope(req: Request, ctx: Ctx) -> worker::Result<Response> {
    let result = async {
        let call = authenticate(&req, &ctx)?;
        let kv = ctx
            .env
            .kv(KV_BINDING)
            .map_err(|e| ApiError::internal(format!("no KV binding: {e}")))?;
        reader::legacy_envelope(&kv, &call.org)
            .await
            .map(|v| (200, v))
    }
    .await;
    respond(result)
}

/// `GET /v1/orgs/{org}/test/writer-calls`: the attestations and membership probes this isolate
/// sent the org's writer on its own (`flights.rs`; only with `ORGSPACE_TEST_FAULTS=true`).
async fn writer_calls(req: Request, ctx: Ctx) -> worker::Result<Response> {
    let result =
        authenticate(&req, &ctx).map(|call| (200, json!({"calls": flights::calls(&call.org)})));
    respond(result)
}

async fn audit(req: Request, ctx: Ctx) -> worker::Result<Response> {
    let result = async {
        let call = authenticate(&req, &ctx)?;
        gate::admit(
            &ctx.env,
            &call.org,
            &call.actor,
            0,
            Kind::Write,
            ctx.data.staleness_ms,
        )
        .await?;
        let pairs = query_pairs(&req);
        let number = |name: &str, default: u64| -> Result<u64, ApiError> {
            pairs
                .iter()
                .find(|(k, _)| k == name)
                .map_or(Ok(default), |(_, v)| safe_integer(name, v))
        };
        let after = number("after", 0)?;
        let limit = u32::try_from(number("limit", 100)?.min(1000)).unwrap_or(1000);
        writer::call(
            &ctx.env,
            &call.org,
            &WriterCall::Audit {
                org: call.org.clone(),
                actor: call.actor,
                after,
                limit,
            },
        )
        .await
    }
    .await;
    respond(result)
}
