//! `OrgWriter`: the one Durable Object per organization through which every write goes.
//!
//! It keeps the authoritative engine in memory and in its own storage (strongly consistent), runs
//! each command, commits the changed parts, then writes them through to KV for the edge readers.
//! Commands for one organization run one at a time, so concurrent writers never lose updates.
//!
//! Storage: `meta` (a [`Meta`]) is the commit point. Parts are stored in chunks under keys that
//! carry the version they were written at, so a commit writes new chunks first, then `meta`, then
//! deletes the old chunks: a failure at any step leaves the previous commit readable.

use crate::api_error::ApiError;
use crate::queries::{Query, run_query};
use crate::storage_layout::{
    Dirty, KV_KEY_MAX, OrgEnvelope, WorkspaceEnvelope, asset_key, chunks, dirty_parts, org_key,
    workspace_key,
};
use orgspace_core::snapshot::FORMAT;
use orgspace_core::{AuditEntry, Command, Engine};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, BTreeSet};
use wasm_bindgen::JsValue;
use worker::{DurableObject, Env, ListOptions, Request, Response, State, durable_object, js_sys};

/// Durable Object storage caps a value at 2 MB (key included); parts are cut well below.
const CHUNK_BYTES: usize = 1 << 20;
/// Durable Object storage takes at most 128 keys per batch call.
const BATCH_KEYS: usize = 128;
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
}

/// The commit record in Durable Object storage.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
struct Meta {
    /// The organization's version.
    version: u64,
    /// For each workspace, the version its part last changed at.
    workspaces: BTreeMap<String, u64>,
    /// For each stored part (`org` or `ws/{id}`): the version it was written at and its chunks.
    parts: BTreeMap<String, (u64, usize)>,
}

fn chunk_key(part: &str, version: u64, i: usize) -> String {
    format!("p/{part}@{version}/{i}")
}

/// Parts still to be written through to KV.
#[derive(Default)]
struct Pending {
    org: bool,
    dirty: Dirty,
}

/// The writer of one organization.
#[durable_object(fetch)]
pub struct OrgWriter {
    state: State,
    env: Env,
    /// `None` until loaded from storage (or after a failed commit, to force a reload).
    engine: RefCell<Option<Engine>>,
    meta: RefCell<Meta>,
    pending: RefCell<Pending>,
    flushing: Cell<bool>,
}

impl DurableObject for OrgWriter {
    fn new(state: State, env: Env) -> Self {
        OrgWriter {
            state,
            env,
            engine: RefCell::new(None),
            meta: RefCell::new(Meta::default()),
            pending: RefCell::new(Pending::default()),
            flushing: Cell::new(false),
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
                self.ensure_loaded().await?;
                let engine = self.engine.borrow();
                let engine = exists(engine.as_ref(), &org)?;
                run_query(engine, &actor, &query, now).map(|v| (200, v))
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
        }
    }

    async fn ensure_loaded(&self) -> Result<(), ApiError> {
        if self.engine.borrow().is_some() {
            return Ok(());
        }
        let storage = self.state.storage();
        let meta: Option<Meta> = storage.get("meta").await.map_err(storage_error)?;
        let Some(meta) = meta else {
            *self.engine.borrow_mut() = Some(Engine::new());
            *self.meta.borrow_mut() = Meta::default();
            return Ok(());
        };
        let mut texts: BTreeMap<String, String> = BTreeMap::new();
        for (part, (version, n)) in &meta.parts {
            let keys: Vec<String> = (0..*n).map(|i| chunk_key(part, *version, i)).collect();
            let mut text = String::new();
            for batch in keys.chunks(BATCH_KEYS) {
                let values = storage
                    .get_multiple(batch.to_vec())
                    .await
                    .map_err(storage_error)?;
                for key in batch {
                    let piece = values
                        .get(&JsValue::from_str(key))
                        .as_string()
                        .ok_or_else(|| ApiError::internal(format!("storage lost `{key}`")))?;
                    text.push_str(&piece);
                }
            }
            texts.insert(part.clone(), text);
        }
        let org = texts
            .remove("org")
            .ok_or_else(|| ApiError::internal("storage has no org part"))?;
        let workspaces: Vec<&str> = texts.values().map(String::as_str).collect();
        let json = format!(
            "{{\"format\":{FORMAT},\"org\":{org},\"workspaces\":[{}]}}",
            workspaces.join(",")
        );
        let engine = Engine::from_json(&json)
            .map_err(|e| ApiError::internal(format!("stored state does not load: {e}")))?;
        *self.engine.borrow_mut() = Some(engine);
        *self.meta.borrow_mut() = meta;
        Ok(())
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
        let (applied, dirty) = {
            let mut guard = self.engine.borrow_mut();
            let engine = guard
                .as_mut()
                .ok_or_else(|| ApiError::internal("the engine is not loaded"))?;
            let applied = engine.execute(actor, command, at)?;
            let dirty = dirty_parts(&applied.events);
            (applied, dirty)
        };
        let entry = self
            .engine
            .borrow()
            .as_ref()
            .and_then(|e| e.audit().last().cloned());
        self.commit(&dirty, entry.as_ref()).await?;
        if matches!(command, Command::UpgradeOrg(_)) {
            // The upgrade's events name none of the assets it brings: locate them all.
            self.locate_all();
        }
        self.flush(org).await;
        let status = if creates { 201 } else { 200 };
        Ok((
            status,
            json!({ "version": applied.version, "events": applied.events }),
        ))
    }

    /// Writes the parts `dirty` names (and the org part) to storage; on failure the in-memory
    /// engine is dropped so the next call reloads the last commit.
    async fn commit(&self, dirty: &Dirty, entry: Option<&AuditEntry>) -> Result<(), ApiError> {
        let result = self.try_commit(dirty, entry).await;
        if result.is_err() {
            *self.engine.borrow_mut() = None;
        }
        result
    }

    async fn try_commit(&self, dirty: &Dirty, entry: Option<&AuditEntry>) -> Result<(), ApiError> {
        let storage = self.state.storage();
        let (version, texts, gone) = {
            let guard = self.engine.borrow();
            let engine = guard
                .as_ref()
                .ok_or_else(|| ApiError::internal("the engine is not loaded"))?;
            let version = engine.version();
            let org_part = engine
                .org_part()
                .ok_or_else(|| ApiError::internal("no organization to commit"))?;
            let all: Vec<String> = org_part.workspaces.iter().map(|h| h.id.clone()).collect();
            let mut texts: Vec<(String, String)> = vec![("org".into(), to_text(&org_part)?)];
            let names: Vec<&String> = if dirty.all_workspaces {
                all.iter().collect()
            } else {
                dirty.workspaces.iter().collect()
            };
            for ws in names {
                if let Some(part) = engine.workspace_part(ws) {
                    texts.push((format!("ws/{ws}"), to_text(&part)?));
                }
            }
            let existing: BTreeSet<&String> = all.iter().collect();
            let gone: Vec<String> = self
                .meta
                .borrow()
                .workspaces
                .keys()
                .filter(|w| !existing.contains(w))
                .cloned()
                .collect();
            (version, texts, gone)
        };

        let mut meta = self.meta.borrow().clone();
        let mut writes: Vec<(String, String)> = Vec::new();
        let mut stale: Vec<String> = Vec::new();
        for (part, text) in &texts {
            let pieces = chunks(text, CHUNK_BYTES);
            for (i, piece) in pieces.iter().enumerate() {
                writes.push((chunk_key(part, version, i), (*piece).to_string()));
            }
            if let Some((old_v, old_n)) = meta.parts.insert(part.clone(), (version, pieces.len())) {
                if old_v != version {
                    stale.extend((0..old_n).map(|i| chunk_key(part, old_v, i)));
                }
            }
            if let Some(ws) = part.strip_prefix("ws/") {
                meta.workspaces.insert(ws.to_string(), version);
            }
        }
        for ws in &gone {
            meta.workspaces.remove(ws);
            let part = format!("ws/{ws}");
            if let Some((old_v, old_n)) = meta.parts.remove(&part) {
                stale.extend((0..old_n).map(|i| chunk_key(&part, old_v, i)));
            }
        }
        meta.version = version;
        if let Some(entry) = entry {
            writes.push((format!("audit/{:020}", entry.version), to_text(entry)?));
        }
        for batch in writes.chunks(BATCH_KEYS) {
            let object = js_sys::Object::new();
            for (key, value) in batch {
                js_sys::Reflect::set(&object, &JsValue::from_str(key), &JsValue::from_str(value))
                    .map_err(|_| ApiError::internal("could not build a storage batch"))?;
            }
            storage
                .put_multiple_raw(object)
                .await
                .map_err(storage_error)?;
        }
        storage.put("meta", &meta).await.map_err(storage_error)?;
        *self.meta.borrow_mut() = meta;
        for batch in stale.chunks(BATCH_KEYS) {
            // Leftover chunks are unreachable from `meta`; failing to delete them loses nothing.
            let _ = storage.delete_multiple(batch.to_vec()).await;
        }
        let mut pending = self.pending.borrow_mut();
        pending.org = true;
        pending.dirty.all_workspaces |= dirty.all_workspaces;
        pending
            .dirty
            .workspaces
            .extend(dirty.workspaces.iter().cloned());
        pending.dirty.deleted_workspaces.extend(gone);
        for (asset, ws) in &dirty.locators {
            pending.dirty.locators.insert(asset.clone(), ws.clone());
        }
        Ok(())
    }

    /// Writes pending parts through to KV. One flush runs at a time and always writes the
    /// current state, so the last write of every key is the newest; a request that finds a
    /// flush running leaves its parts to it. A failed write stays pending for the next flush.
    async fn flush(&self, org: &str) {
        if self.flushing.replace(true) {
            return;
        }
        let Ok(kv) = self.env.kv(KV_BINDING) else {
            self.flushing.set(false);
            return;
        };
        loop {
            let pending = std::mem::take(&mut *self.pending.borrow_mut());
            if !pending.org && pending.dirty == Dirty::default() {
                break;
            }
            let writes = match self.kv_writes(org, &pending) {
                Ok(w) => w,
                Err(_) => {
                    *self.pending.borrow_mut() = pending;
                    break;
                }
            };
            let mut failed = false;
            for (key, value) in writes {
                // A key KV cannot hold is never read either (readers ask the writer instead).
                if key.len() > KV_KEY_MAX {
                    continue;
                }
                let done = match value {
                    Some(text) => match kv.put(&key, text) {
                        Ok(put) => put.execute().await.is_ok(),
                        Err(_) => false,
                    },
                    None => kv.delete(&key).await.is_ok(),
                };
                failed |= !done;
            }
            if failed {
                let mut again = self.pending.borrow_mut();
                again.org = true;
                again.dirty.all_workspaces = true;
                again.dirty.locators.extend(pending.dirty.locators);
                break;
            }
        }
        self.flushing.set(false);
    }

    /// The KV writes (`None` deletes) that bring KV up to the current state for `pending`.
    fn kv_writes(
        &self,
        org: &str,
        pending: &Pending,
    ) -> Result<Vec<(String, Option<String>)>, ApiError> {
        let guard = self.engine.borrow();
        let engine = guard
            .as_ref()
            .ok_or_else(|| ApiError::internal("the engine is not loaded"))?;
        let meta = self.meta.borrow();
        let mut out = Vec::new();
        let names: Vec<&String> = if pending.dirty.all_workspaces {
            meta.workspaces.keys().collect()
        } else {
            pending.dirty.workspaces.iter().collect()
        };
        // Workspace parts before the org envelope that names their versions, so a reader that
        // sees the new envelope finds parts at least that new.
        for ws in names {
            if let (Some(part), Some(version)) =
                (engine.workspace_part(ws), meta.workspaces.get(ws))
            {
                let envelope = WorkspaceEnvelope {
                    version: *version,
                    part,
                };
                out.push((workspace_key(org, ws), Some(to_text(&envelope)?)));
            }
        }
        for (asset, ws) in &pending.dirty.locators {
            out.push((asset_key(org, asset), ws.clone()));
        }
        if let Some(part) = engine.org_part() {
            let envelope = OrgEnvelope {
                version: meta.version,
                workspaces: meta.workspaces.clone(),
                part,
            };
            out.push((org_key(org), Some(to_text(&envelope)?)));
        }
        for ws in &pending.dirty.deleted_workspaces {
            if !meta.workspaces.contains_key(ws) {
                out.push((workspace_key(org, ws), None));
            }
        }
        Ok(out)
    }

    async fn audit(
        &self,
        org: &str,
        actor: &str,
        after: u64,
        limit: u32,
    ) -> Result<(u16, Value), ApiError> {
        self.ensure_loaded().await?;
        {
            let guard = self.engine.borrow();
            exists(guard.as_ref(), org)?.may_view_audit_log(actor)?;
        }
        let start = format!("audit/{:020}", after.saturating_add(1));
        let limit = limit.clamp(1, 1000);
        let options = ListOptions::new()
            .prefix("audit/")
            .start(&start)
            .limit(usize::try_from(limit).unwrap_or(1000));
        let map = self
            .state
            .storage()
            .list_with_options(options)
            .await
            .map_err(storage_error)?;
        let mut entries: Vec<Value> = Vec::new();
        for value in map.values().into_iter().flatten() {
            if let Some(text) = value.as_string() {
                if let Ok(entry) = serde_json::from_str::<Value>(&text) {
                    entries.push(entry);
                }
            }
        }
        let next = entries
            .last()
            .and_then(|e| e.get("version"))
            .and_then(Value::as_u64);
        let full = entries.len() == usize::try_from(limit).unwrap_or(usize::MAX);
        Ok((
            200,
            json!({ "entries": entries, "next_after": if full { next } else { None } }),
        ))
    }

    async fn import(
        &self,
        org: &str,
        actor: &str,
        snapshot: Value,
    ) -> Result<(u16, Value), ApiError> {
        self.ensure_loaded().await?;
        if self
            .engine
            .borrow()
            .as_ref()
            .is_some_and(|e| e.org_id().is_some())
        {
            return Err(ApiError::from(orgspace_core::Refusal::Conflict {
                message: format!("organization `{org}` already exists"),
            }));
        }
        // A member's view loads without the invariants a view cannot meet and refuses every
        // command: imported, it would make an organization nobody can change.
        if snapshot.get("view_of").is_some_and(|v| !v.is_null()) {
            return Err(ApiError::invalid(
                "a member's view (`view_of`) cannot be imported; import a whole snapshot",
            ));
        }
        let text = snapshot.to_string();
        let engine = Engine::from_json(&text).map_err(|e| ApiError::invalid(e.to_string()))?;
        if engine.org_id() != Some(org) {
            return Err(ApiError::invalid(
                "the snapshot's organization id differs from the path",
            ));
        }
        // Only an org admin of the imported organization imports it: the core decides (O1).
        let may = engine.may_import(actor)?;
        if !may.allowed {
            return Err(ApiError::from(orgspace_core::Refusal::Denied {
                rule: may.rule,
                reason: format!(
                    "`{actor}` may not import this snapshot: {}",
                    engine.explain(&may)
                ),
            }));
        }
        let version = engine.version();
        let audit: Vec<AuditEntry> = engine.audit().to_vec();
        *self.engine.borrow_mut() = Some(engine);
        *self.meta.borrow_mut() = Meta::default();
        let dirty = Dirty {
            all_workspaces: true,
            ..Dirty::default()
        };
        self.commit(&dirty, None).await?;
        for entry in &audit {
            let _ = self
                .state
                .storage()
                .put(&format!("audit/{:020}", entry.version), to_text(entry)?)
                .await;
        }
        self.locate_all();
        self.flush(org).await;
        Ok((201, json!({ "version": version, "events": [] })))
    }

    /// Queues a locator for every asset (after an import or an upgrade, when no events name them).
    fn locate_all(&self) {
        let guard = self.engine.borrow();
        let Some(engine) = guard.as_ref() else {
            return;
        };
        let Some(org_part) = engine.org_part() else {
            return;
        };
        let mut pending = self.pending.borrow_mut();
        for header in &org_part.workspaces {
            if let Some(part) = engine.workspace_part(&header.id) {
                for asset in part.assets {
                    pending
                        .dirty
                        .locators
                        .insert(asset.id, Some(header.id.clone()));
                }
            }
        }
    }
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

fn storage_error(e: worker::Error) -> ApiError {
    ApiError::internal(format!("storage failed, nothing was changed: {e}"))
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
