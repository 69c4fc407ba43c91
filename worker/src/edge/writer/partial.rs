//! The writer's engine holds the org part, the org index and only the workspace parts calls
//! need (issue 13): a command's parts come from `Engine::needs` (asset ids located through the
//! locator buckets), a query's from the workspaces and assets it names. Parts stay in memory
//! between calls within a byte budget (`part_cache.rs`), least recently used dropped first.
//!
//! Storage holds the org part, the index (part `index`, chunked and committed as any part) and
//! each workspace part. A store written before the index existed gets it computed once, a batch
//! of parts at a time, and stored.

use super::store::{Meta, chunk_key, concat_texts, storage_error};
use super::{OrgWriter, Record};
use crate::api_error::ApiError;
use crate::locators::{Bucket, bucket_of};
use crate::queries::Query;
use orgspace_core::snapshot::{IndexedLoader, OrgPart};
use orgspace_core::{Command, Engine, OrgIndex, WorkspaceRefs};
use std::collections::{BTreeMap, BTreeSet};
use wasm_bindgen::JsValue;

/// The stored name of the org index.
pub const INDEX_PART: &str = "index";

/// Part text read at once while computing a missing index.
const INDEX_BATCH_BYTES: usize = 8 << 20;

/// Part text one storage read of [`OrgWriter::hold`] brings in at most (past one part larger).
const LOAD_BATCH_BYTES: usize = 8 << 20;

/// Rounds of `needs` a command may take (each loads what the last one found missing).
const MAX_ROUNDS: usize = 8;

fn load_error(e: impl std::fmt::Display) -> ApiError {
    ApiError::internal(format!("stored state does not load: {e}"))
}

fn parse<T: serde::de::DeserializeOwned>(text: &str, what: &str) -> Result<T, ApiError> {
    serde_json::from_str(text).map_err(|e| load_error(format!("{what}: {e}")))
}

impl OrgWriter {
    /// The text of a stored part (`org`, `index`, `ws/{id}`) at the committed version.
    pub(super) async fn stored_text(&self, name: &str) -> Result<Option<String>, ApiError> {
        Ok(self.stored_text_at(name).await?.map(|(_, text)| text))
    }

    /// [`OrgWriter::stored_text`] with the version it was written at.
    pub(super) async fn stored_text_at(
        &self,
        name: &str,
    ) -> Result<Option<(u64, String)>, ApiError> {
        let entry = self
            .meta
            .borrow()
            .as_ref()
            .and_then(|m| m.parts.get(name).copied());
        let Some((version, n)) = entry else {
            return Ok(None);
        };
        let keys: Vec<String> = (0..n).map(|i| chunk_key(name, version, i)).collect();
        let text = concat_texts(&self.state.storage(), &keys, |key| {
            ApiError::internal(format!("storage lost `{key}`"))
        })
        .await?;
        Ok(Some((version, text)))
    }

    /// A workspace's stored part: its bytes (binary, or JSON an older build left).
    async fn stored_part(&self, ws: &str) -> Result<Vec<u8>, ApiError> {
        let name = format!("ws/{ws}");
        let (mut parts, _) = self.stored_bytes(&[name], usize::MAX, 1).await?;
        parts
            .pop()
            .map(|(_, _, bytes)| bytes)
            .ok_or_else(|| ApiError::internal(format!("storage has no part `{ws}`")))
    }

    /// Loads the org part and the index (no workspace part) unless an engine is loaded.
    pub(super) async fn ensure_loaded(&self) -> Result<(), ApiError> {
        if self.engine.borrow().is_some() {
            return Ok(());
        }
        self.ensure_meta().await?;
        let meta = self.meta.borrow().clone().unwrap_or_default();
        if meta.parts.is_empty() {
            *self.engine.borrow_mut() = Some(Engine::new());
            return Ok(());
        }
        // Binary, or the JSON text an older build stored.
        let org: OrgPart = match self
            .stored_bytes(&["org".to_string()], usize::MAX, 1)
            .await?
        {
            (mut found, _) if !found.is_empty() => {
                let (_, _, bytes) = found.swap_remove(0);
                orgspace_core::snapshot::org_binary::org_from_bytes(&bytes)
                    .map_err(|e| load_error(format!("the org part: {e}")))?
            }
            _ => return Err(ApiError::internal("storage has no org part")),
        };
        let index = match self.stored_text(INDEX_PART).await? {
            Some(text) => parse(&text, "the org index")?,
            None => self.compute_index(&org, &meta).await?,
        };
        let engine = IndexedLoader::new(&org, &index)
            .and_then(IndexedLoader::finish)
            .map_err(load_error)?;
        *self.engine.borrow_mut() = Some(engine);
        self.held.borrow_mut().set(Vec::new());
        Ok(())
    }

    /// The index of a store written before it existed: each part's entry from an engine holding
    /// a batch of parts (an entry depends on its own part only), then stored with `meta`.
    async fn compute_index(&self, org: &OrgPart, meta: &Meta) -> Result<OrgIndex, ApiError> {
        let blank = OrgIndex {
            workspaces: org
                .workspaces
                .iter()
                .map(|h| (h.id.clone(), WorkspaceRefs::default()))
                .collect(),
        };
        let mut index = blank.clone();
        let ids: Vec<String> = meta.workspaces.keys().cloned().collect();
        let mut rest = ids.iter().peekable();
        while rest.peek().is_some() {
            let mut loader = IndexedLoader::new(org, &blank).map_err(load_error)?;
            let mut batch: Vec<&String> = Vec::new();
            let mut bytes = 0;
            while let Some(ws) = rest.peek() {
                if bytes >= INDEX_BATCH_BYTES && !batch.is_empty() {
                    break;
                }
                let part = self.stored_part(ws).await?;
                bytes += part.len();
                loader.add_bytes(&part).map_err(load_error)?;
                batch.push(ws);
                rest.next();
            }
            let engine = loader.finish().map_err(load_error)?;
            let computed = engine
                .index()
                .ok_or_else(|| ApiError::internal("no organization to index"))?;
            for ws in batch {
                if let Some(refs) = computed.workspaces.get(ws) {
                    index.workspaces.insert(ws.clone(), refs.clone());
                }
            }
        }
        // Stored like any part, at the committed version, then named by `meta`.
        let text = super::to_text(&index)?;
        let pieces = crate::storage_layout::chunks(&text, super::store::CHUNK_BYTES);
        let writes: Vec<(String, String)> = pieces
            .iter()
            .enumerate()
            .map(|(i, p)| (chunk_key(INDEX_PART, meta.version, i), (*p).to_string()))
            .collect();
        let storage = self.state.storage();
        for batch in writes.chunks(super::store::BATCH_KEYS) {
            super::store::put_texts(&storage, batch).await?;
        }
        let mut next = meta.clone();
        next.parts
            .insert(INDEX_PART.into(), (meta.version, pieces.len()));
        let due = self.due.borrow().clone();
        storage
            .put_multiple(Record {
                meta: &next,
                due: &due,
            })
            .await
            .map_err(storage_error)?;
        *self.meta.borrow_mut() = Some(next);
        Ok(index)
    }

    /// Makes the engine hold the parts of `wanted` (ids that are no workspace are left out),
    /// keeping other held parts within the budget; `keep_all` keeps every held part (a command
    /// whose `needs` may name only what is not held).
    pub(super) async fn hold(
        &self,
        wanted: &BTreeSet<String>,
        keep_all: bool,
    ) -> Result<(), ApiError> {
        self.hold_capped(wanted, keep_all, None).await
    }

    /// [`OrgWriter::hold`], refused with [`Capped`] before the part text the answer keeps in
    /// memory (what it loads, and what it keeps of the held parts) passes `cap` bytes: nothing
    /// more is read, and the engine is left as it was.
    async fn hold_capped(
        &self,
        wanted: &BTreeSet<String>,
        keep_all: bool,
        cap: Option<Capped>,
    ) -> Result<(), ApiError> {
        self.ensure_loaded().await?;
        let wanted: Vec<String> = {
            let meta = self.meta.borrow();
            let Some(meta) = meta.as_ref() else {
                return Ok(());
            };
            wanted
                .iter()
                .filter(|w| meta.workspaces.contains_key(*w))
                .cloned()
                .collect()
        };
        let missing: Vec<&String> = {
            let held = self.held.borrow();
            wanted.iter().filter(|w| !held.holds(w)).collect()
        };
        if missing.is_empty() {
            let mut held = self.held.borrow_mut();
            for w in &wanted {
                let bytes = held.bytes_of(w);
                held.touch(w, bytes);
            }
            return Ok(());
        }
        let names: Vec<String> = missing.iter().map(|w| format!("ws/{w}")).collect();
        let wanted_held: Vec<(String, usize)> = {
            let held = self.held.borrow();
            wanted
                .iter()
                .filter(|w| held.holds(w))
                .map(|w| (w.clone(), held.bytes_of(w)))
                .collect()
        };
        let new_bytes: usize = {
            let meta = self.meta.borrow();
            let chunks = names.iter().map(|n| {
                meta.as_ref()
                    .and_then(|m| m.parts.get(n))
                    .map_or(0, |(_, chunks)| *chunks)
            });
            // Before reading, an upper bound (chunks are at most CHUNK_BYTES).
            crate::read_batches::upper_bound(
                chunks,
                super::store::CHUNK_BYTES,
                wanted_held.iter().map(|(_, b)| *b),
            )
        };
        // What the answer keeps besides what it loads: every held part, or the wanted ones.
        let mut kept_bytes: usize = if keep_all {
            self.held.borrow().bytes()
        } else {
            wanted_held.iter().map(|(_, b)| b).sum()
        };
        let kept: Vec<(String, usize)> = {
            let held = self.held.borrow();
            let others = if keep_all {
                held.ids()
                    .map(|w| (w.to_string(), held.bytes_of(w)))
                    .collect()
            } else {
                held.keep(new_bytes, self.budget)
            };
            others
                .into_iter()
                .filter(|(w, _)| !wanted.contains(w))
                .collect()
        };
        let mut loader = self.rebuild_loader(kept.into_iter().chain(wanted_held))?;
        // Read a few parts per storage call (an org admin's view reads all 10,200 at full
        // scale), each put in the tables as read, so that at most LOAD_BATCH_BYTES of stored
        // bytes is held at once and no part is ever parsed into a `WorkspacePart`.
        let mut added: Vec<(String, usize)> = Vec::with_capacity(names.len());
        let mut start = 0;
        while let Some(rest) = names.get(start..).filter(|r| !r.is_empty()) {
            let (parts, consumed) = self
                .stored_bytes(rest, LOAD_BATCH_BYTES, usize::MAX)
                .await?;
            for (name, _, bytes) in parts {
                kept_bytes = kept_bytes.saturating_add(bytes.len());
                if let Some(cap) = &cap
                    && kept_bytes > cap.bytes
                {
                    // The loader goes with the engine it took: the next call reloads.
                    return Err(cap.refusal(names.len()));
                }
                loader.add_bytes(&bytes).map_err(load_error)?;
                let ws = name.strip_prefix("ws/").unwrap_or(&name);
                added.push((ws.to_string(), bytes.len()));
            }
            start += consumed.max(1);
        }
        if added.len() < names.len() {
            return Err(ApiError::internal(
                "storage has no part of a workspace `meta` lists",
            ));
        }
        // On failure the engine stays unloaded: the next call loads the last commit.
        let engine = loader.finish().map_err(load_error)?;
        *self.engine.borrow_mut() = Some(engine);
        let mut held = self.held.borrow_mut();
        for (ws, bytes) in added {
            held.touch(&ws, bytes);
        }
        Ok(())
    }

    /// A loader over the engine's org part and index holding the parts `keep` lists (the
    /// engine taken: resumed as it is when it holds exactly those, else rebuilt with them
    /// encoded from its tables); `held` lists them. On error the engine is unloaded.
    fn rebuild_loader(
        &self,
        keep: impl Iterator<Item = (String, usize)>,
    ) -> Result<IndexedLoader, ApiError> {
        let old = self
            .engine
            .borrow_mut()
            .take()
            .ok_or_else(|| ApiError::internal("the engine is not loaded"))?;
        let keep: Vec<(String, usize)> = keep.collect();
        let same = {
            let held = self.held.borrow();
            keep.len() == held.ids().count() && keep.iter().all(|(w, _)| held.holds(w))
        };
        if same {
            let mut held = self.held.borrow_mut();
            for (w, bytes) in &keep {
                held.touch(w, *bytes);
            }
            return IndexedLoader::resume(old)
                .map_err(|_| ApiError::internal("the writer's engine is not over parts"));
        }
        let org = old
            .org_part()
            .ok_or_else(|| ApiError::internal("no organization to load parts of"))?;
        let index = old
            .index()
            .ok_or_else(|| ApiError::internal("no organization to load parts of"))?;
        let mut loader = IndexedLoader::new(&org, &index).map_err(load_error)?;
        drop((org, index));
        let mut order: Vec<(String, usize)> = Vec::new();
        for (ws, bytes) in keep {
            if let Some(part) = old.workspace_part_binary(&ws) {
                loader
                    .add_bytes(&part.map_err(load_error)?)
                    .map_err(load_error)?;
                order.push((ws, bytes));
            }
        }
        drop(old);
        self.held.borrow_mut().set(order);
        Ok(loader)
    }

    /// Replaces the engine by one holding `keep` (taken from the engine).
    fn rebuild(&self, keep: impl Iterator<Item = (String, usize)>) -> Result<(), ApiError> {
        let engine = self.rebuild_loader(keep)?.finish().map_err(load_error)?;
        *self.engine.borrow_mut() = Some(engine);
        Ok(())
    }

    /// Drops held parts beyond the budget (after a call that needed more than it).
    pub(super) fn trim(&self) -> Result<(), ApiError> {
        let (over, keep) = {
            let held = self.held.borrow();
            (held.bytes() > self.budget, held.keep(0, self.budget))
        };
        if over && self.engine.borrow().is_some() {
            self.rebuild(keep.into_iter())?;
        }
        Ok(())
    }

    /// The workspaces holding `assets`, from the locator buckets (ids found nowhere are left
    /// out).
    async fn locate(&self, assets: &[&str]) -> Result<BTreeSet<String>, ApiError> {
        Ok(self.locate_each(assets).await?.into_values().collect())
    }

    /// The workspace holding each of `assets` found in the locator buckets.
    pub(super) async fn locate_each(
        &self,
        assets: &[&str],
    ) -> Result<BTreeMap<String, String>, ApiError> {
        let mut by_bucket: BTreeMap<u32, Vec<&str>> = BTreeMap::new();
        for a in assets {
            by_bucket.entry(bucket_of(a)).or_default().push(a);
        }
        let storage = self.state.storage();
        let mut out = BTreeMap::new();
        let keys: Vec<(u32, String)> = by_bucket
            .keys()
            .map(|b| (*b, super::store::bucket_key(*b)))
            .collect();
        for batch in keys.chunks(super::store::BATCH_KEYS) {
            let names: Vec<String> = batch.iter().map(|(_, k)| k.clone()).collect();
            let values = storage.get_multiple(names).await.map_err(storage_error)?;
            for (b, key) in batch {
                let Some(text) = values.get(&JsValue::from_str(key)).as_string() else {
                    continue;
                };
                let bucket: Bucket = parse(&text, key)?;
                for a in by_bucket.get(b).into_iter().flatten() {
                    if let Some(ws) = bucket.get(*a) {
                        out.insert((*a).to_string(), ws.clone());
                    }
                }
            }
        }
        Ok(out)
    }

    /// Loads the parts `actor`'s view reads (`Engine::view_needs`), within the load cap: an
    /// org admin's whole view of a large organization is refused (413), pages are the way.
    async fn hold_for_view(&self, actor: &str) -> Result<(), ApiError> {
        let needs = match self.engine.borrow().as_ref() {
            Some(engine) => engine.view_needs(actor),
            None => return Err(ApiError::internal("the engine is not loaded")),
        };
        if needs.workspaces.is_empty() {
            return Ok(());
        }
        // The parts held stay too (`view_needs` names only what is not held).
        let cap = Capped {
            bytes: super::super::config::writer_load_bytes(&self.env),
            what: Answer::View,
        };
        self.hold_capped(&needs.workspaces.into_iter().collect(), true, Some(cap))
            .await
    }

    /// Loads what a member's first view, or a page of its lists, reads
    /// (`Engine::first_view_needs`: the current part for an org admin, every part the view may
    /// keep for anyone else), within the load cap.
    async fn hold_for_first_view(
        &self,
        actor: &str,
        workspace: Option<&str>,
    ) -> Result<(), ApiError> {
        let cap = Capped {
            bytes: super::super::config::writer_load_bytes(&self.env),
            what: Answer::View,
        };
        self.hold_needs(
            |engine| engine.first_view_needs(actor, workspace),
            Some(cap),
            "the parts this first view reads were not found in storage",
        )
        .await
    }

    /// Loads what the access diff of `command` reads (`Engine::diff_needs`: the command's parts,
    /// then those its change reaches), asked again until nothing is missing, within the load
    /// cap (a change reaching every part of a large organization is refused, 413).
    async fn hold_for_diff(
        &self,
        actor: &str,
        command: &Command,
        now: u64,
    ) -> Result<(), ApiError> {
        let cap = Capped {
            bytes: super::super::config::writer_load_bytes(&self.env),
            what: Answer::Diff,
        };
        self.hold_needs(
            |engine| engine.diff_needs(actor, command, now),
            Some(cap),
            "the parts this access diff reads were not found in storage",
        )
        .await
    }

    /// Loads what `command` reads or writes: asks `needs`, loads, and asks again.
    pub(super) async fn hold_for_command(&self, command: &Command) -> Result<(), ApiError> {
        self.ensure_loaded().await?;
        self.hold_needs(
            |engine| engine.needs(command),
            None,
            "the parts this command needs were not found in storage",
        )
        .await
    }

    /// Asks `needs_of` what the engine lacks (workspaces, and asset ids located through the
    /// buckets), loads it, and asks again until nothing is missing (at most MAX_ROUNDS times),
    /// within `cap` when given; `lost` is the error when storage never yields the parts.
    async fn hold_needs(
        &self,
        needs_of: impl Fn(&Engine) -> orgspace_core::Needs,
        cap: Option<Capped>,
        lost: &'static str,
    ) -> Result<(), ApiError> {
        let mut wanted: BTreeSet<String> = BTreeSet::new();
        for round in 0..MAX_ROUNDS {
            let needs = match self.engine.borrow().as_ref() {
                Some(engine) => needs_of(engine),
                None => return Err(ApiError::internal("the engine is not loaded")),
            };
            let assets: Vec<&str> = needs.assets.iter().map(String::as_str).collect();
            let mut missing: BTreeSet<String> = needs.workspaces.iter().cloned().collect();
            missing.extend(self.locate(&assets).await?);
            {
                let held = self.held.borrow();
                missing.retain(|w| !held.holds(w));
            }
            if missing.is_empty() {
                return Ok(());
            }
            wanted.extend(missing);
            // The first round may drop parts beyond the budget; later ones keep what the
            // earlier rounds loaded.
            self.hold_capped(&wanted, round > 0, cap).await?;
        }
        Err(ApiError::internal(lost))
    }

    /// Loads what `query` reads: the workspaces it names, those holding the assets it names
    /// and, for a folder, the workspace the index lists it in; for a member's view, what
    /// `Engine::view_needs` names (every part for an org admin); for an access diff, what
    /// `Engine::diff_needs` names. Both within the load cap.
    pub(super) async fn hold_for_query(
        &self,
        actor: &str,
        query: &Query,
        now: u64,
    ) -> Result<(), ApiError> {
        self.ensure_loaded().await?;
        let mut wanted: BTreeSet<String> = query
            .workspaces()
            .unwrap_or_default()
            .into_iter()
            .map(str::to_string)
            .collect();
        let mut assets: Vec<&str> = query.assets_to_locate();
        match query {
            Query::Check { checks, .. } => {
                wanted.extend(checks.iter().filter_map(|c| c.workspace.clone()));
                // A hint may name the wrong workspace: the asset is found where it is.
                assets.extend(checks.iter().filter_map(|c| c.asset.as_deref()));
            }
            Query::Filter { assets: ids, .. } => assets.extend(ids.iter().map(String::as_str)),
            Query::WhoSeesFolder { folder, .. } => {
                let index = self.engine.borrow().as_ref().and_then(Engine::index);
                wanted.extend(index.into_iter().flat_map(|i| i.workspaces).filter_map(
                    |(ws, refs)| {
                        refs.folders
                            .binary_search_by(|f| f.as_str().cmp(folder))
                            .is_ok()
                            .then_some(ws)
                    },
                ));
            }
            Query::View => return self.hold_for_view(actor).await,
            Query::FirstView { workspace, .. } => {
                return self.hold_for_first_view(actor, workspace.as_deref()).await;
            }
            Query::ViewPage { .. } => return self.hold_for_first_view(actor, None).await,
            Query::AccessDiff { command } => return self.hold_for_diff(actor, command, now).await,
            _ => {}
        }
        wanted.extend(self.locate(&assets).await?);
        self.hold(&wanted, false).await
    }
}

/// An answer that reads many parts.
#[derive(Clone, Copy)]
enum Answer {
    /// A member's whole view (`GET /snapshot`).
    View,
    /// An access diff (`POST /access-diff`).
    Diff,
}

/// The cap on the part text one answer may have the writer hold.
#[derive(Clone, Copy)]
struct Capped {
    bytes: usize,
    what: Answer,
}

impl Capped {
    /// 413 `too_large`, saying what to ask instead.
    fn refusal(&self, parts: usize) -> ApiError {
        let message = match self.what {
            Answer::View => format!(
                "this view reads {parts} workspace parts, more than the {} bytes of stored parts \
                 the writer loads for one answer: load `GET /v1/orgs/{{org}}/views/first` and \
                 then `GET /v1/orgs/{{org}}/views/workspaces/{{ws}}` for each workspace opened",
                self.bytes
            ),
            Answer::Diff => format!(
                "this access diff reads {parts} more workspace parts, more than the {} bytes of \
                 stored parts the writer loads for one answer (the change reaches every workspace \
                 or very large ones)",
                self.bytes
            ),
        };
        ApiError::new(413, "too_large", message)
    }
}

impl OrgWriter {
    /// Tests only: makes the stored organization look as one an older build wrote: the index
    /// dropped (as before it existed) and the org part and every workspace part stored as JSON
    /// text (as before the binary encodings), so that the next call loads both ways; answers
    /// whether there was an index.
    pub(super) async fn legacy_store(&self) -> Result<(u16, serde_json::Value), ApiError> {
        self.ensure_meta().await?;
        let all: BTreeSet<String> = self
            .meta
            .borrow()
            .as_ref()
            .map(|m| m.workspaces.keys().cloned().collect())
            .unwrap_or_default();
        // The parts as JSON, at the versions they were stored at (test orgs are small).
        let mut texts: Vec<(String, String)> = Vec::new();
        if self
            .meta
            .borrow()
            .as_ref()
            .is_some_and(|m| m.parts.contains_key(INDEX_PART))
        {
            self.hold(&all, true).await?;
            let engine = self.engine.borrow();
            let engine = engine
                .as_ref()
                .ok_or_else(|| ApiError::internal("the engine is not loaded"))?;
            for ws in &all {
                if let Some(part) = engine.workspace_part(ws) {
                    texts.push((format!("ws/{ws}"), super::to_text(&part)?));
                }
            }
            // And the org part as JSON text, as before its binary encoding.
            if let Some(org) = engine.org_part() {
                texts.push(("org".to_string(), super::to_text(&org)?));
            }
        }
        let Some(mut meta) = self.meta.borrow().clone() else {
            return Err(ApiError::internal("no commit record"));
        };
        let storage = self.state.storage();
        let mut writes: Vec<(String, String)> = Vec::new();
        let mut stale: Vec<String> = Vec::new();
        for (name, text) in &texts {
            let Some((version, old_n)) = meta.parts.get(name).copied() else {
                continue;
            };
            let pieces = crate::storage_layout::chunks(text, super::store::CHUNK_BYTES);
            for (i, piece) in pieces.iter().enumerate() {
                writes.push((chunk_key(name, version, i), (*piece).to_string()));
            }
            stale.extend((pieces.len()..old_n).map(|i| chunk_key(name, version, i)));
            meta.parts.insert(name.clone(), (version, pieces.len()));
        }
        for batch in writes.chunks(super::store::BATCH_KEYS) {
            super::store::put_texts(&storage, batch).await?;
        }
        let had = meta.parts.remove(INDEX_PART);
        let due = self.due.borrow().clone();
        storage
            .put_multiple(Record {
                meta: &meta,
                due: &due,
            })
            .await
            .map_err(storage_error)?;
        if let Some((version, n)) = had {
            stale.extend((0..n).map(|i| chunk_key(INDEX_PART, version, i)));
        }
        if !stale.is_empty() {
            storage
                .delete_multiple(stale)
                .await
                .map_err(storage_error)?;
        }
        *self.meta.borrow_mut() = Some(meta);
        *self.engine.borrow_mut() = None;
        Ok((
            200,
            serde_json::json!({
                "had_index": had.is_some(),
                "json_parts": texts.iter().filter(|(n, _)| n.starts_with("ws/")).count(),
                "json_org": texts.iter().any(|(n, _)| n == "org"),
            }),
        ))
    }
}
