//! `OrgWriter`: the one Durable Object per organization through which every write goes.
//!
//! It keeps the authoritative engine in memory and in its own storage (strongly consistent),
//! runs each command, commits the changed parts together with what KV now lacks (`store.rs`),
//! then pays that debt to KV in bounded, coalesced batches (`flush.rs`), retried by an alarm
//! with backoff until done. Commands for one organization run one at a time, so concurrent
//! writers never lose updates.

mod audit;
mod flush;
mod import;
mod partial;
mod rounds;
mod span;
mod store;
mod upload;

use crate::api_error::ApiError;
use crate::flush_plan::{Due, Unit};
use crate::part_cache::Held;
use crate::queries::{Query, run_query};
use crate::staleness::Attestation;
use crate::storage_layout::dirty_of;
use orgspace_core::{Command, Engine};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use store::{Meta, Record};
use wasm_bindgen::JsValue;
use worker::{DurableObject, Env, Request, Response, State, durable_object};

/// The KV namespace binding.
pub const KV_BINDING: &str = "ORGSPACE_KV";
/// The Durable Object binding.
pub const WRITER_BINDING: &str = "ORG_WRITER";

/// A call from the edge to an organization's writer.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum WriterCall {
    /// Run a command.
    Execute {
        /// The organization (the object's name).
        org: String,
        /// The authenticated caller.
        actor: String,
        /// When, in milliseconds since the epoch.
        at: u64,
        /// The command.
        command: Command,
        /// Whether success is `201 Created`.
        creates: bool,
    },
    /// Answer a query from the authoritative state.
    Query {
        /// The organization.
        org: String,
        /// The caller.
        actor: String,
        /// The time of the question.
        now: u64,
        /// The question.
        query: Query,
    },
    /// The writer's attestation of its version now (`staleness.rs`): reads only the commit
    /// record, never the organization.
    Attest {
        /// The organization.
        org: String,
    },
    /// A page of the audit log (X4).
    Audit {
        /// The organization.
        org: String,
        /// The caller.
        actor: String,
        /// Entries after this version.
        after: u64,
        /// At most this many.
        limit: u32,
    },
    /// Create the organization from a whole snapshot.
    Import {
        /// The organization.
        org: String,
        /// The caller, who must be an org admin in the snapshot.
        actor: String,
        /// The snapshot.
        snapshot: Value,
    },
    /// Store one chunk of a snapshot upload (`upload.rs`).
    UploadChunk {
        /// The organization.
        org: String,
        /// The caller.
        actor: String,
        /// The upload's id.
        upload: String,
        /// The chunk's number, from 0.
        n: u32,
        /// Its text.
        text: String,
    },
    /// The chunks an upload holds.
    UploadStatus {
        /// The organization.
        org: String,
        /// The caller.
        actor: String,
        /// The upload's id.
        upload: String,
    },
    /// Import the text of chunks `0..chunks` of an upload.
    UploadCommit {
        /// The organization.
        org: String,
        /// The caller, who must be an org admin in the snapshot.
        actor: String,
        /// The upload's id.
        upload: String,
        /// How many chunks the snapshot text was cut into.
        chunks: u32,
    },
    /// Tests only (`ORGSPACE_TEST_FAULTS=true`): make the stored organization look as one
    /// written before the org index existed (the index dropped from storage and memory).
    LegacyStore {
        /// The organization.
        org: String,
    },
    /// Tests only (`ORGSPACE_TEST_FAULTS=true`): make every KV write of this writer fail, or
    /// work again.
    KvFault {
        /// The organization.
        org: String,
        /// Whether KV writes fail from now on.
        fail: bool,
    },
}

/// The writer of one organization.
#[durable_object(alarm)]
pub struct OrgWriter {
    state: State,
    env: Env,
    /// `None` until loaded from storage (or after a failed commit, to force a reload): the org
    /// part, the org index and the workspace parts `held` lists (`partial.rs`).
    engine: RefCell<Option<Engine>>,
    /// The workspace parts the engine holds, least recently used first.
    held: RefCell<Held>,
    /// Bytes of part text kept between calls (`ORGSPACE_WRITER_CACHE_BYTES`).
    budget: usize,
    /// The commit record; `None` until read from storage.
    meta: RefCell<Option<Meta>>,
    /// What KV lacks; kept in storage beside `meta`.
    due: RefCell<Due>,
    /// When each unit was last written to KV, for coalescing (lost on eviction: at worst one
    /// key is written twice within a second after a restart).
    written: RefCell<BTreeMap<Unit, u64>>,
    flushing: Cell<bool>,
    /// The org part's text at the last commit, version left out (`store.rs`): tells whether a
    /// command changed the org part in more than its version.
    org_text: RefCell<Option<String>>,
}

impl DurableObject for OrgWriter {
    fn new(state: State, env: Env) -> Self {
        let budget = super::config::writer_cache_bytes(&env);
        OrgWriter {
            state,
            env,
            engine: RefCell::new(None),
            held: RefCell::new(Held::default()),
            budget,
            meta: RefCell::new(None),
            due: RefCell::new(Due::default()),
            written: RefCell::new(BTreeMap::new()),
            flushing: Cell::new(false),
            org_text: RefCell::new(None),
        }
    }

    async fn fetch(&self, mut req: Request) -> worker::Result<Response> {
        // Parsed with serde_json, not `req.json()` (JavaScript's JSON.parse), which rounds
        // integers above 2^53 (times, `expires_at`, `after`) to floats that no u64 accepts.
        let call = req
            .text()
            .await
            .map_err(|e| e.to_string())
            .and_then(|text| serde_json::from_str::<WriterCall>(&text).map_err(|e| e.to_string()));
        let result = match call {
            Ok(call) => self.handle(call).await,
            Err(e) => Err(ApiError::internal(format!("bad call to the writer: {e}"))),
        };
        super::http::respond(result)
    }

    /// Pays what KV still lacks; reschedules itself until nothing is left.
    async fn alarm(&self) -> worker::Result<Response> {
        if let Err(e) = self.ensure_loaded().await {
            worker::console_error!("orgspace writer: alarm could not load: {}", e.message);
            let _ = self
                .state
                .storage()
                .set_alarm(crate::flush_plan::MAX_BACKOFF_MS as i64)
                .await;
            return Response::ok("reload failed");
        }
        self.flush().await;
        Response::ok("flushed")
    }
}

impl OrgWriter {
    async fn handle(&self, call: WriterCall) -> Result<(u16, Value), ApiError> {
        match call {
            WriterCall::Execute {
                org,
                actor,
                at,
                command,
                creates,
            } => self.execute(&org, &actor, at, &command, creates).await,
            WriterCall::Query {
                org,
                actor,
                now,
                query,
            } => {
                let answer = |q: &Query| {
                    let engine = self.engine.borrow();
                    run_query(exists(engine.as_ref(), &org)?, &actor, q, now)
                };
                let value = match self.answer_spread(&query, answer).await? {
                    Some(value) => value,
                    None => {
                        self.hold_for_query(&actor, &query, now).await?;
                        answer(&query)?
                    }
                };
                let version = {
                    let engine = self.engine.borrow();
                    exists(engine.as_ref(), &org)?.version()
                };
                self.trim()?;
                Ok((200, with_version(value, &query, version)))
            }
            WriterCall::Attest { org: _ } => {
                self.ensure_meta().await?;
                let version = self.meta.borrow().as_ref().map_or(0, |m| m.version);
                let attestation = Attestation {
                    version,
                    at: super::http::now_ms(),
                };
                Ok((200, json!(attestation)))
            }
            WriterCall::Audit {
                org,
                actor,
                after,
                limit,
            } => self.audit(&org, &actor, after, limit).await,
            WriterCall::Import {
                org,
                actor,
                snapshot,
            } => self.import(&org, &actor, snapshot).await,
            WriterCall::UploadChunk {
                org,
                actor,
                upload,
                n,
                text,
            } => self.upload_chunk(&org, &actor, &upload, n, &text).await,
            WriterCall::UploadStatus { org, actor, upload } => {
                self.upload_status(&org, &actor, &upload).await
            }
            WriterCall::UploadCommit {
                org,
                actor,
                upload,
                chunks,
            } => self.upload_commit(&org, &actor, &upload, chunks).await,
            WriterCall::LegacyStore { org: _ } => {
                if !super::config::test_faults(&self.env) {
                    return Err(ApiError::not_found("no such route"));
                }
                self.legacy_store().await
            }
            WriterCall::KvFault { org: _, fail } => {
                if !super::config::test_faults(&self.env) {
                    return Err(ApiError::not_found("no such route"));
                }
                self.state
                    .storage()
                    .put(flush::FAULT_KEY, fail)
                    .await
                    .map_err(store::storage_error)?;
                // Turning the switch off writes nothing by itself: the alarm pays the debt.
                self.ensure_meta().await?;
                let due = self.due.borrow().clone();
                Ok((
                    200,
                    json!({ "kv_writes_fail": fail, "kv_in_step": due.is_empty() }),
                ))
            }
        }
    }

    async fn execute(
        &self,
        org: &str,
        actor: &str,
        at: u64,
        command: &Command,
        creates: bool,
    ) -> Result<(u16, Value), ApiError> {
        self.ensure_loaded().await?;
        if let Command::CreateOrg { org: named, .. } = command {
            if named != org {
                return Err(ApiError::invalid(
                    "the organization id differs from the path",
                ));
            }
        }
        if let Command::UpgradeOrg(legacy) = command {
            if legacy.org != org {
                return Err(ApiError::invalid(
                    "the organization id differs from the path",
                ));
            }
        }
        if let Some((done, staged)) = self.run_spanning(actor, command, at).await? {
            let dirty = dirty_of(&done.executed);
            let entry = done.engine.audit().last().cloned();
            let version = done.executed.applied.version;
            *self.engine.borrow_mut() = Some(done.engine);
            self.commit_staged(&dirty, entry.as_ref(), &staged).await?;
            self.flush_soon().await;
            let status = if creates { 201 } else { 200 };
            return Ok((status, json!({ "version": version, "events": done.told })));
        }
        self.hold_for_command(command).await?;
        let (version, told, mut dirty) = {
            let mut guard = self.engine.borrow_mut();
            let engine = guard
                .as_mut()
                .ok_or_else(|| ApiError::internal("the engine is not loaded"))?;
            let done = engine.execute_tracked(actor, command, at)?;
            let dirty = dirty_of(&done);
            // What the actor is told: the events cut to what they may see (finding 4); the
            // dirty set above was taken from all of them. An actor who removed themselves is
            // told nothing but the version.
            let told = engine
                .events_for(actor, &done.applied.events, at)
                .unwrap_or_default();
            (done.applied.version, told, dirty)
        };
        if matches!(command, Command::UpgradeOrg(_)) {
            // The upgrade's events name none of the assets it brings: locate them all.
            dirty.locators = self.all_locators();
        }
        let entry = self
            .engine
            .borrow()
            .as_ref()
            .and_then(|e| e.audit().last().cloned());
        self.commit(&dirty, entry.as_ref()).await?;
        self.flush_soon().await;
        if dirty.all_workspaces {
            // Created or upgraded whole: from now on only what calls need is held.
            *self.engine.borrow_mut() = None;
        }
        self.trim()?;
        let status = if creates { 201 } else { 200 };
        Ok((status, json!({ "version": version, "events": told })))
    }

    /// Every asset's locator (after an import or an upgrade, when no events name them).
    fn all_locators(&self) -> BTreeMap<String, Option<String>> {
        let guard = self.engine.borrow();
        let mut out = BTreeMap::new();
        let Some(engine) = guard.as_ref() else {
            return out;
        };
        let Some(org_part) = engine.org_part() else {
            return out;
        };
        for header in &org_part.workspaces {
            if let Some(part) = engine.workspace_part(&header.id) {
                for asset in part.assets {
                    out.insert(asset.id, Some(header.id.clone()));
                }
            }
        }
        out
    }
}

/// A query's answer with the version it was decided at (a JSON object gets a `version` field;
/// a member's view, whole or of one workspace, carries it as `org.version` already and must stay
/// a loadable snapshot).
pub fn with_version(mut value: Value, query: &Query, version: u64) -> Value {
    if !matches!(query, Query::View | Query::WorkspaceView { .. }) {
        if let Some(object) = value.as_object_mut() {
            object.insert("version".into(), json!(version));
        }
    }
    value
}

fn exists<'a>(engine: Option<&'a Engine>, org: &str) -> Result<&'a Engine, ApiError> {
    match engine {
        Some(e) if e.org_id().is_some() => Ok(e),
        _ => Err(ApiError::not_found(format!(
            "organization `{org}` does not exist"
        ))),
    }
}

fn to_text(value: &impl Serialize) -> Result<String, ApiError> {
    serde_json::to_string(value).map_err(|e| ApiError::internal(e.to_string()))
}

/// Calls the writer of `org`.
pub async fn call(env: &Env, org: &str, call: &WriterCall) -> Result<(u16, Value), ApiError> {
    let namespace = env
        .durable_object(WRITER_BINDING)
        .map_err(|e| ApiError::internal(format!("no writer binding: {e}")))?;
    let stub = namespace
        .id_from_name(org)
        .and_then(|id| id.get_stub())
        .map_err(|e| ApiError::internal(format!("no writer for `{org}`: {e}")))?;
    let body = to_text(call)?;
    let mut init = worker::RequestInit::new();
    init.with_method(worker::Method::Post)
        .with_body(Some(JsValue::from_str(&body)));
    let request = Request::new_with_init("https://writer.orgspace/", &init)
        .map_err(|e| ApiError::internal(e.to_string()))?;
    let mut response = stub
        .fetch_with_request(request)
        .await
        .map_err(|e| ApiError::internal(format!("the writer did not answer: {e}")))?;
    let status = response.status_code();
    let value: Value = response
        .json()
        .await
        .map_err(|e| ApiError::internal(format!("the writer's answer is not JSON: {e}")))?;
    Ok((status, value))
}
