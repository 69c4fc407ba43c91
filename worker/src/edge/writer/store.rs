//! The writer's own storage (Durable Object storage, strongly consistent): the commit record,
//! the parts in chunks, the locator buckets, and what KV still lacks.
//!
//! Workspace parts are stored in the core's binary encoding (`snapshot/binary.rs`, chunks as
//! `Uint8Array`s), encoded straight from the engine's tables, loaded straight into them
//! (`IndexedLoader`) and copied to KV as they are; a part an older build stored as JSON text
//! (string chunks) still loads (the loader tells them apart) and is rewritten in binary when a
//! command next changes it. The org part is binary too (`snapshot/org_binary.rs`; a JSON one
//! an older build stored still loads, and is rewritten at the next commit); the index stays
//! JSON text.
//!
//! `meta` is the commit point. Parts are stored in chunks under keys that carry the version they
//! were written at, so a commit writes new chunks first, then `meta` with `due` in one atomic
//! batch, then deletes the old chunks: a failure at any step leaves the previous commit
//! readable, and what KV lacks is never lost with the object's memory.

use super::partial::INDEX_PART;
use super::{OrgWriter, to_text};
use crate::api_error::ApiError;
use crate::flush_plan::Due;
use crate::locators::{self, Bucket};
use crate::read_batches;
use crate::storage_layout::{Dirty, chunks};
use orgspace_core::{AuditEntry, Engine};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use wasm_bindgen::{JsCast, JsValue};
use worker::js_sys;

/// Durable Object storage caps a value at 2 MB (key included); parts are cut well below.
pub const CHUNK_BYTES: usize = 1 << 20;
/// Durable Object storage takes at most 128 keys per batch call.
pub const BATCH_KEYS: usize = read_batches::MAX_KEYS;

/// The commit record in Durable Object storage.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Meta {
    /// The organization's version.
    pub version: u64,
    /// The version at which the org part last changed in more than its version number.
    #[serde(default)]
    pub org_changed: u64,
    /// For each workspace, the version its part last changed at.
    pub workspaces: BTreeMap<String, u64>,
    /// For each stored part (`org` or `ws/{id}`): the version it was written at and its chunks.
    pub parts: BTreeMap<String, (u64, usize)>,
    /// For each locator bucket holding any asset, the version it last changed at.
    #[serde(default)]
    pub buckets: BTreeMap<u32, u64>,
    /// How many shards each KV value (`org` or `ws/{id}`) was last written in, so that shards
    /// a smaller value no longer uses, and deleted workspaces' shards, are removed.
    #[serde(default)]
    pub kv_shards: BTreeMap<String, usize>,
}

pub fn chunk_key(part: &str, version: u64, i: usize) -> String {
    format!("p/{part}@{version}/{i}")
}

/// The storage key of a locator bucket.
pub fn bucket_key(bucket: u32) -> String {
    format!("loc/{bucket}")
}

pub fn storage_error(e: worker::Error) -> ApiError {
    ApiError::internal(format!("storage failed, nothing was changed: {e}"))
}

/// The org part's text with its version zeroed: equal texts, equal org parts but for the
/// version number.
fn unversioned(engine: &Engine) -> Result<String, ApiError> {
    let mut part = engine
        .org_part()
        .ok_or_else(|| ApiError::internal("no organization to commit"))?;
    part.version = 0;
    to_text(&part)
}

impl OrgWriter {
    /// Reads the commit record and the debt to KV, once.
    pub(super) async fn ensure_meta(&self) -> Result<(), ApiError> {
        if self.meta.borrow().is_some() {
            return Ok(());
        }
        let storage = self.state.storage();
        let meta: Option<Meta> = storage.get("meta").await.map_err(storage_error)?;
        let due: Option<Due> = storage.get("due").await.map_err(storage_error)?;
        *self.due.borrow_mut() = due.unwrap_or_default();
        *self.meta.borrow_mut() = Some(meta.unwrap_or_default());
        Ok(())
    }

    /// Commits the parts `dirty` names (and the org part), the locator buckets it changes, the
    /// audit entry, and the debt to KV; on failure the in-memory state is dropped so the next
    /// call reloads the last commit.
    pub(super) async fn commit(
        &self,
        dirty: &Dirty,
        entry: Option<&AuditEntry>,
    ) -> Result<(), ApiError> {
        self.commit_staged(dirty, entry, &[]).await
    }

    /// [`OrgWriter::commit`] naming also `staged` parts, whose chunks at the new version a
    /// command spanning workspaces already wrote (`span.rs`).
    pub(super) async fn commit_staged(
        &self,
        dirty: &Dirty,
        entry: Option<&AuditEntry>,
        staged: &[(String, usize)],
    ) -> Result<(), ApiError> {
        let result = self.try_commit(dirty, entry, staged).await;
        if result.is_err() {
            *self.engine.borrow_mut() = None;
            self.held.borrow_mut().set(Vec::new());
            *self.meta.borrow_mut() = None;
            *self.org_text.borrow_mut() = None;
        }
        result
    }

    async fn try_commit(
        &self,
        dirty: &Dirty,
        entry: Option<&AuditEntry>,
        staged: &[(String, usize)],
    ) -> Result<(), ApiError> {
        let storage = self.state.storage();
        let (version, texts, all, org_text) = {
            let guard = self.engine.borrow();
            let engine = guard
                .as_ref()
                .ok_or_else(|| ApiError::internal("the engine is not loaded"))?;
            let version = engine.version();
            let org_part = engine
                .org_part()
                .ok_or_else(|| ApiError::internal("no organization to commit"))?;
            let all: BTreeSet<String> = org_part.workspaces.iter().map(|h| h.id.clone()).collect();
            let index = engine
                .index()
                .ok_or_else(|| ApiError::internal("no organization to commit"))?;
            let mut texts: Vec<(String, Stored)> = vec![
                // Binary, read back in half the time of its JSON (`snapshot/org_binary.rs`).
                ("org".into(), Stored::Bytes(org_bytes(&org_part)?)),
                (INDEX_PART.into(), Stored::Text(to_text(&index)?)),
            ];
            drop(org_part);
            let names: Vec<&String> = if dirty.all_workspaces {
                all.iter().collect()
            } else {
                dirty.workspaces.iter().collect()
            };
            // Staged parts are written already; the engine does not hold them.
            let staged: BTreeSet<&str> = staged.iter().map(|(p, _)| p.as_str()).collect();
            for ws in names {
                if staged.contains(format!("ws/{ws}").as_str()) {
                    continue;
                }
                // Encoded from the tables: no copy of the part's assets in between.
                if let Some(bytes) = engine.workspace_part_binary(ws) {
                    let bytes = bytes.map_err(|e| ApiError::internal(e.to_string()))?;
                    texts.push((format!("ws/{ws}"), Stored::Bytes(bytes)));
                }
            }
            (version, texts, all, unversioned(engine)?)
        };

        let mut meta = self.meta.borrow().clone().unwrap_or_default();
        let gone: Vec<String> = meta
            .workspaces
            .keys()
            .filter(|w| !all.contains(*w))
            .cloned()
            .collect();
        let mut writes: Vec<(String, Stored)> = Vec::new();
        let mut stale: Vec<String> = Vec::new();
        let mut due = Due {
            org: true,
            ..Due::default()
        };
        for (part, text) in &texts {
            let pieces = text.pieces();
            let n = pieces.len();
            for (i, piece) in pieces.into_iter().enumerate() {
                writes.push((chunk_key(part, version, i), piece));
            }
            if let Some((old_v, old_n)) = meta.parts.insert(part.clone(), (version, n)) {
                if old_v != version {
                    stale.extend((0..old_n).map(|i| chunk_key(part, old_v, i)));
                }
            }
            if let Some(ws) = part.strip_prefix("ws/") {
                meta.workspaces.insert(ws.to_string(), version);
                due.workspaces.insert(ws.to_string());
            }
        }
        for (part, n) in staged {
            if let Some((old_v, old_n)) = meta.parts.insert(part.clone(), (version, *n)) {
                if old_v != version {
                    stale.extend((0..old_n).map(|i| chunk_key(part, old_v, i)));
                }
            }
            if let Some(ws) = part.strip_prefix("ws/") {
                meta.workspaces.insert(ws.to_string(), version);
                due.workspaces.insert(ws.to_string());
            }
        }
        for ws in &gone {
            meta.workspaces.remove(ws);
            let part = format!("ws/{ws}");
            if let Some((old_v, old_n)) = meta.parts.remove(&part) {
                stale.extend((0..old_n).map(|i| chunk_key(&part, old_v, i)));
            }
            due.deleted.insert(ws.clone());
        }
        if !dirty.locators.is_empty() {
            let mut buckets = self.read_buckets(dirty).await?;
            for b in locators::apply(&mut buckets, &dirty.locators) {
                let bucket = buckets.get(&b).cloned().unwrap_or_default();
                if bucket.is_empty() {
                    meta.buckets.remove(&b);
                } else {
                    meta.buckets.insert(b, version);
                }
                writes.push((bucket_key(b), Stored::Text(to_text(&bucket)?)));
                due.buckets.insert(b);
            }
        }
        // After a reload the last text is unknown: count the org part as changed (safe: readers
        // only rebuild their engines once more).
        let org_same = self.org_text.borrow().as_deref() == Some(org_text.as_str());
        if !org_same || meta.org_changed == 0 {
            meta.org_changed = version;
        }
        meta.version = version;
        if let Some(entry) = entry {
            writes.push((
                format!("audit/{:020}", entry.version),
                Stored::Text(to_text(entry)?),
            ));
        }
        for batch in writes.chunks(BATCH_KEYS) {
            put_values(&storage, batch).await?;
        }
        drop(writes);
        let mut next_due = self.due.borrow().clone();
        next_due.merge(due);
        // INVARIANT: `meta` and `due` land together or not at all, so what KV lacks is always
        // known for the state `meta` names.
        storage
            .put_multiple(Record {
                meta: &meta,
                due: &next_due,
            })
            .await
            .map_err(storage_error)?;
        *self.meta.borrow_mut() = Some(meta);
        *self.due.borrow_mut() = next_due;
        *self.org_text.borrow_mut() = Some(org_text);
        {
            // The parts written are held at their new size; deleted ones are gone.
            let mut held = self.held.borrow_mut();
            for (part, text) in &texts {
                if let Some(ws) = part.strip_prefix("ws/") {
                    held.touch(ws, text.len());
                }
            }
            for ws in &gone {
                held.forget(ws);
            }
        }
        for batch in stale.chunks(BATCH_KEYS) {
            // Leftover chunks are unreachable from `meta`; failing to delete them loses nothing.
            let _ = storage.delete_multiple(batch.to_vec()).await;
        }
        Ok(())
    }

    /// The stored buckets the locator changes of `dirty` fall in.
    async fn read_buckets(&self, dirty: &Dirty) -> Result<BTreeMap<u32, Bucket>, ApiError> {
        let wanted: BTreeSet<u32> = dirty
            .locators
            .keys()
            .map(|a| locators::bucket_of(a))
            .collect();
        let keys: Vec<String> = wanted.iter().map(|b| bucket_key(*b)).collect();
        let mut out = BTreeMap::new();
        let storage = self.state.storage();
        for batch in keys.chunks(BATCH_KEYS) {
            let values = storage
                .get_multiple(batch.to_vec())
                .await
                .map_err(storage_error)?;
            for key in batch {
                let Some(b) = key.strip_prefix("loc/").and_then(|b| b.parse().ok()) else {
                    continue;
                };
                let bucket: Bucket = match values.get(&JsValue::from_str(key)).as_string() {
                    Some(text) => serde_json::from_str(&text)
                        .map_err(|e| ApiError::internal(format!("bucket `{key}`: {e}")))?,
                    None => Bucket::new(),
                };
                out.insert(b, bucket);
            }
        }
        Ok(out)
    }
}

/// Each value under `keys`, in order, as bytes (a string's UTF-8, or a `Uint8Array`'s bytes),
/// handed to `take`, in calls of [`BATCH_KEYS`] keys; `missing` names an absent key.
async fn each_value(
    storage: &worker::Storage,
    keys: &[String],
    missing: impl Fn(&str) -> ApiError,
    mut take: impl FnMut(Vec<u8>),
) -> Result<(), ApiError> {
    for batch in keys.chunks(BATCH_KEYS) {
        let values = storage
            .get_multiple(batch.to_vec())
            .await
            .map_err(storage_error)?;
        for key in batch {
            let value = values.get(&JsValue::from_str(key));
            let piece = if let Some(text) = value.as_string() {
                text.into_bytes()
            } else if value.is_instance_of::<js_sys::Uint8Array>() {
                js_sys::Uint8Array::from(value).to_vec()
            } else {
                return Err(missing(key));
            };
            take(piece);
        }
    }
    Ok(())
}

/// The text values under `keys`, in order, as one string; `missing` names an absent key.
pub async fn concat_texts(
    storage: &worker::Storage,
    keys: &[String],
    missing: impl Fn(&str) -> ApiError,
) -> Result<String, ApiError> {
    let mut bytes = Vec::new();
    each_value(storage, keys, missing, |piece| {
        bytes.extend_from_slice(&piece)
    })
    .await?;
    String::from_utf8(bytes).map_err(|_| ApiError::internal("a stored text is not UTF-8"))
}

impl OrgWriter {
    /// The stored bytes of the parts `names` lists (`ws/{id}`: the binary encoding, or the JSON
    /// text an older build left; names `meta` does not list are skipped), in order with the
    /// version each was written at, read in few storage calls (`read_batches.rs`): up to
    /// `bytes` (the part that passes it is the last) and `max` parts. Also answers how many of
    /// `names` were consumed.
    pub(super) async fn stored_bytes(
        &self,
        names: &[String],
        bytes: usize,
        max: usize,
    ) -> Result<(Vec<(String, u64, Vec<u8>)>, usize), ApiError> {
        let entries: Vec<Option<(u64, usize)>> = {
            let meta = self.meta.borrow();
            names
                .iter()
                .map(|n| meta.as_ref().and_then(|m| m.parts.get(n).copied()))
                .collect()
        };
        let chunks: Vec<Option<usize>> = entries.iter().map(|e| e.map(|(_, n)| n)).collect();
        let storage = self.state.storage();
        let mut out = Vec::new();
        let mut read = 0usize;
        let mut start = 0;
        while start < names.len() && read < bytes && out.len() < max {
            let room = read_batches::room(bytes.saturating_sub(read), CHUNK_BYTES);
            let end = read_batches::batch_end(&chunks, start, room, max.saturating_sub(out.len()));
            let batch: Vec<(&String, u64, usize)> = names
                .iter()
                .zip(&entries)
                .take(end)
                .skip(start)
                .filter_map(|(name, e)| e.map(|(v, n)| (name, v, n)))
                .collect();
            start = end;
            let keys: Vec<String> = batch
                .iter()
                .flat_map(|(name, v, n)| (0..*n).map(|i| chunk_key(name, *v, i)))
                .collect();
            let mut pieces = get_values(&storage, &keys).await?.into_iter();
            for (name, v, n) in batch {
                let part: Vec<u8> = pieces.by_ref().take(n).flatten().collect();
                read = read.saturating_add(part.len());
                out.push((name.clone(), v, part));
            }
        }
        Ok((out, start))
    }
}

/// The values under `keys`, in order, as bytes; a missing key is an error (`meta` names only
/// what was stored).
async fn get_values(storage: &worker::Storage, keys: &[String]) -> Result<Vec<Vec<u8>>, ApiError> {
    let mut out = Vec::with_capacity(keys.len());
    let lost = |key: &str| ApiError::internal(format!("storage lost `{key}`"));
    each_value(storage, keys, lost, |piece| out.push(piece)).await?;
    Ok(out)
}

/// The org part as the writer stores it: the core's binary encoding (an older build stored its
/// JSON text, which still loads: `org_from_bytes`).
pub(super) fn org_bytes(org: &orgspace_core::snapshot::OrgPart) -> Result<Vec<u8>, ApiError> {
    orgspace_core::snapshot::org_binary::org_to_binary(org)
        .map_err(|e| ApiError::internal(e.to_string()))
}

/// A value for Durable Object storage: text, or bytes (stored as a `Uint8Array`).
pub enum Stored {
    /// JSON text: the index, buckets, audit entries (and the org part an older build stored).
    Text(String),
    /// A workspace part's binary encoding.
    Bytes(Vec<u8>),
}

impl Stored {
    /// Its size in bytes.
    pub fn len(&self) -> usize {
        match self {
            Stored::Text(t) => t.len(),
            Stored::Bytes(b) => b.len(),
        }
    }

    /// The value cut in chunks of at most [`CHUNK_BYTES`] (text at character boundaries).
    pub fn pieces(&self) -> Vec<Stored> {
        match self {
            Stored::Text(t) => chunks(t, CHUNK_BYTES)
                .into_iter()
                .map(|p| Stored::Text(p.to_string()))
                .collect(),
            Stored::Bytes(b) if b.is_empty() => vec![Stored::Bytes(Vec::new())],
            Stored::Bytes(b) => b
                .chunks(CHUNK_BYTES)
                .map(|p| Stored::Bytes(p.to_vec()))
                .collect(),
        }
    }

    fn to_js(&self) -> JsValue {
        match self {
            Stored::Text(t) => JsValue::from_str(t),
            Stored::Bytes(b) => js_sys::Uint8Array::from(b.as_slice()).into(),
        }
    }
}

/// Writes text values in one batch call.
pub async fn put_texts(
    storage: &worker::Storage,
    batch: &[(String, String)],
) -> Result<(), ApiError> {
    let object = js_sys::Object::new();
    for (key, value) in batch {
        js_sys::Reflect::set(&object, &JsValue::from_str(key), &JsValue::from_str(value))
            .map_err(|_| ApiError::internal("could not build a storage batch"))?;
    }
    storage
        .put_multiple_raw(object)
        .await
        .map_err(storage_error)
}

/// Writes values, text or bytes, in one batch call.
pub async fn put_values(
    storage: &worker::Storage,
    batch: &[(String, Stored)],
) -> Result<(), ApiError> {
    let object = js_sys::Object::new();
    for (key, value) in batch {
        js_sys::Reflect::set(&object, &JsValue::from_str(key), &value.to_js())
            .map_err(|_| ApiError::internal("could not build a storage batch"))?;
    }
    storage
        .put_multiple_raw(object)
        .await
        .map_err(storage_error)
}

/// The commit record and the debt, stored in one batch.
#[derive(Serialize)]
pub struct Record<'a> {
    /// The commit record.
    pub meta: &'a Meta,
    /// What KV lacks.
    pub due: &'a Due,
}
