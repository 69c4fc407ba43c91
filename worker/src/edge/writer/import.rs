//! Creating an organization from a snapshot (`PUT /v1/orgs/{org}/snapshot`, or the chunks of an
//! upload, `upload.rs`), part by part: the snapshot's text is read chunk by chunk
//! (`snapshot_scan.rs`: one pass for the top-level fields, one for the workspace parts), the
//! parts are checked in batches by the core (`PartsImport`: each batch loaded beside the org
//! part alone, then the checks across parts) and stored in the binary encoding as they pass,
//! so no engine ever holds the whole organization and no copy of the whole text is made.
//!
//! All or nothing: parts are written under keys no commit record names yet, locators into
//! fragments, and only the last step writes the org part, the index, the buckets, the audit
//! entry and then `meta` (the commit point) with what KV lacks. A refused or failed import
//! deletes what it wrote and leaves no organization; the upload's chunks stay, so the commit
//! can be sent again.

use super::OrgWriter;
use super::partial::INDEX_PART;
use super::store::{
    BATCH_KEYS, Meta, Record, Stored, bucket_key, chunk_key, concat_texts, put_values,
    storage_error,
};
use crate::api_error::ApiError;
use crate::flush_plan::Due;
use crate::locators::{Bucket, bucket_of};
use crate::snapshot_scan::{Found, Keep, Scanner};
use orgspace_core::snapshot::{OrgPart, PartsImport};
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};

/// The highest version an imported snapshot may have: 2^52.
const MAX_IMPORTED_VERSION: u64 = 1 << 52;

/// Workspace part text checked and stored in one batch (one larger part goes alone).
const BATCH_BYTES: usize = 8 << 20;

/// The largest value kept while reading (a workspace part's text, or the org part's).
pub const MAX_VALUE_BYTES: usize = 64 << 20;

/// Bytes written in one storage call at most (besides the key count).
const WRITE_BYTES: usize = 16 << 20;

/// Where a snapshot's text comes from.
pub(super) enum Source {
    /// A request body.
    Text(String),
    /// An upload's chunks, by storage key, in order.
    Upload(Vec<String>),
}

impl Source {
    fn len(&self) -> usize {
        match self {
            Source::Text(_) => 1,
            Source::Upload(keys) => keys.len(),
        }
    }
}

fn invalid(e: impl std::fmt::Display) -> ApiError {
    ApiError::invalid(e.to_string())
}

/// What an import has written so far, to be deleted if it does not complete.
#[derive(Default)]
struct Staged {
    keys: Vec<String>,
    pending: Vec<(String, Stored)>,
    pending_bytes: usize,
}

impl OrgWriter {
    pub(super) async fn import(
        &self,
        org: &str,
        actor: &str,
        snapshot: Value,
    ) -> Result<(u16, Value), ApiError> {
        self.import_from(org, actor, &Source::Text(snapshot.to_string()))
            .await
    }

    /// Chunk `i` of the source's text.
    async fn source_chunk(&self, source: &Source, i: usize) -> Result<String, ApiError> {
        match source {
            Source::Text(text) => Ok(text.clone()),
            Source::Upload(keys) => {
                let key = keys.get(i).cloned().unwrap_or_default();
                concat_texts(&self.state.storage(), &[key], |key| {
                    ApiError::invalid(format!(
                        "chunk {} of the upload was never sent",
                        key.rsplit('/').next().unwrap_or_default()
                    ))
                })
                .await
            }
        }
    }

    /// Reads the whole source once, keeping `keep`, handing each value found to `take`.
    async fn scan(
        &self,
        source: &Source,
        keep: Keep,
        mut take: impl FnMut(Found) -> Result<(), ApiError>,
    ) -> Result<(), ApiError> {
        let mut scanner = Scanner::new(keep, MAX_VALUE_BYTES);
        for i in 0..source.len() {
            let text = self.source_chunk(source, i).await?;
            for found in scanner.feed(text.as_bytes()).map_err(invalid)? {
                take(found)?;
            }
        }
        scanner.end().map_err(invalid)?;
        if scanner.saw("workspaces") {
            Ok(())
        } else {
            Err(ApiError::invalid("the snapshot has no `workspaces`"))
        }
    }

    /// The import itself (see the module's documentation).
    pub(super) async fn import_from(
        &self,
        org: &str,
        actor: &str,
        source: &Source,
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
        let mut fields: BTreeMap<String, Vec<u8>> = BTreeMap::new();
        self.scan(source, Keep::Fields, |found| {
            if let Found::Field(key, value) = found {
                fields.insert(key, value);
            }
            Ok(())
        })
        .await?;
        let org_part = check_fields(org, &fields)?;
        drop(fields);
        let import = PartsImport::new(&org_part).map_err(invalid)?;
        // Only an org admin of the imported organization imports it: the core decides (O1).
        {
            let engine = import.org_engine().map_err(invalid)?;
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
        }
        let version = org_part.version;
        drop(org_part);
        let mut staged = Staged::default();
        let result = self
            .import_parts(actor, source, import, version, &mut staged)
            .await;
        let (meta, due, engine) = match result {
            Ok(done) => done,
            Err(e) => {
                // Nothing names these keys: deleting them loses nothing, failing to leaves
                // only unreachable values.
                let storage = self.state.storage();
                for batch in staged.keys.chunks(BATCH_KEYS) {
                    let _ = storage.delete_multiple(batch.to_vec()).await;
                }
                return Err(e);
            }
        };
        *self.meta.borrow_mut() = Some(meta);
        *self.due.borrow_mut() = due;
        *self.engine.borrow_mut() = Some(engine);
        self.held.borrow_mut().set(Vec::new());
        *self.org_text.borrow_mut() = None;
        self.flush_soon().await;
        Ok((201, json!({ "version": version, "events": [] })))
    }

    /// The second pass: the parts checked and stored batch by batch, then the checks across
    /// parts, the buckets, the org part, the index, the audit entry and the commit record.
    async fn import_parts(
        &self,
        actor: &str,
        source: &Source,
        mut import: PartsImport,
        version: u64,
        staged: &mut Staged,
    ) -> Result<(Meta, Due, orgspace_core::Engine), ApiError> {
        let mut meta = Meta {
            version,
            org_changed: version,
            ..Meta::default()
        };
        let mut due = Due {
            org: true,
            ..Due::default()
        };
        let mut fragments: BTreeSet<(u32, u32)> = BTreeSet::new();
        let mut batch = 0u32;
        // Parts are read by the scanner synchronously and stored between chunks.
        let mut pending: Vec<Vec<u8>> = Vec::new();
        let mut pending_bytes = 0usize;
        let mut scanner = Scanner::new(Keep::Parts, MAX_VALUE_BYTES);
        for i in 0..source.len() {
            let text = self.source_chunk(source, i).await?;
            for found in scanner.feed(text.as_bytes()).map_err(invalid)? {
                if let Found::Part(part) = found {
                    pending_bytes += part.len();
                    pending.push(part);
                }
            }
            drop(text);
            if pending_bytes >= BATCH_BYTES || i + 1 == source.len() {
                for part in pending.drain(..) {
                    import.add_bytes(&part).map_err(invalid)?;
                }
                pending_bytes = 0;
                let checked = import.finish_batch().map_err(invalid)?;
                let mut locators: BTreeMap<u32, Bucket> = BTreeMap::new();
                for part in checked {
                    let name = format!("ws/{}", part.id);
                    let pieces = Stored::Bytes(part.bytes).pieces();
                    meta.parts.insert(name.clone(), (version, pieces.len()));
                    for (n, piece) in pieces.into_iter().enumerate() {
                        self.stage(staged, chunk_key(&name, version, n), piece)
                            .await?;
                    }
                    for asset in part.assets {
                        locators
                            .entry(bucket_of(&asset))
                            .or_default()
                            .insert(asset, part.id.clone());
                    }
                    meta.workspaces.insert(part.id.clone(), version);
                    due.workspaces.insert(part.id);
                }
                for (b, bucket) in locators {
                    let text = serde_json::to_string(&bucket)
                        .map_err(|e| ApiError::internal(e.to_string()))?;
                    self.stage(staged, fragment_key(b, batch), Stored::Text(text))
                        .await?;
                    fragments.insert((b, batch));
                }
                batch += 1;
            }
        }
        scanner.end().map_err(invalid)?;
        let engine = import.finish().map_err(invalid)?;
        // Each bucket from its fragments (a few per bucket), then the fragments go.
        let mut by_bucket: BTreeMap<u32, Vec<String>> = BTreeMap::new();
        for (b, n) in &fragments {
            by_bucket.entry(*b).or_default().push(fragment_key(*b, *n));
        }
        let storage = self.state.storage();
        self.write_staged(staged).await?;
        for (b, keys) in by_bucket {
            let mut bucket = Bucket::new();
            for key in &keys {
                let text = concat_texts(&storage, std::slice::from_ref(key), |k| {
                    ApiError::internal(format!("storage lost `{k}`"))
                })
                .await?;
                let part: Bucket =
                    serde_json::from_str(&text).map_err(|e| ApiError::internal(e.to_string()))?;
                bucket.extend(part);
            }
            let text =
                serde_json::to_string(&bucket).map_err(|e| ApiError::internal(e.to_string()))?;
            self.stage(staged, bucket_key(b), Stored::Text(text))
                .await?;
            meta.buckets.insert(b, version);
            due.buckets.insert(b);
        }
        let org_part = engine
            .org_part()
            .ok_or_else(|| ApiError::internal("no organization was imported"))?;
        let index = engine
            .index()
            .ok_or_else(|| ApiError::internal("no organization was imported"))?;
        let index_text =
            serde_json::to_string(&index).map_err(|e| ApiError::internal(e.to_string()))?;
        for (name, stored) in [
            ("org", Stored::Bytes(super::store::org_bytes(&org_part)?)),
            (INDEX_PART, Stored::Text(index_text)),
        ] {
            let pieces = stored.pieces();
            meta.parts.insert(name.into(), (version, pieces.len()));
            for (n, piece) in pieces.into_iter().enumerate() {
                self.stage(staged, chunk_key(name, version, n), piece)
                    .await?;
            }
        }
        drop((org_part, index));
        // History is what this deployment recorded: the import itself is the one entry.
        let entry = json!({
            "version": version, "actor": actor, "at": super::super::http::now_ms(),
            "command": {"type": "import_snapshot", "org": engine.org_id()}, "events": [],
        });
        self.stage(
            staged,
            format!("audit/{version:020}"),
            Stored::Text(entry.to_string()),
        )
        .await?;
        self.write_staged(staged).await?;
        let mut next_due = self.due.borrow().clone();
        next_due.merge(due);
        // INVARIANT: the commit point; before it nothing of the import is visible.
        storage
            .put_multiple(Record {
                meta: &meta,
                due: &next_due,
            })
            .await
            .map_err(storage_error)?;
        // The fragments are of no more use (unreachable if left).
        let gone: Vec<String> = fragments
            .iter()
            .map(|(b, n)| fragment_key(*b, *n))
            .collect();
        for keys in gone.chunks(BATCH_KEYS) {
            let _ = storage.delete_multiple(keys.to_vec()).await;
        }
        Ok((meta, next_due, engine))
    }

    /// Queues a write, sending the queue when it is full (keys or bytes).
    async fn stage(&self, staged: &mut Staged, key: String, value: Stored) -> Result<(), ApiError> {
        staged.pending_bytes += value.len();
        staged.keys.push(key.clone());
        staged.pending.push((key, value));
        if staged.pending.len() >= BATCH_KEYS || staged.pending_bytes >= WRITE_BYTES {
            self.write_staged(staged).await?;
        }
        Ok(())
    }

    async fn write_staged(&self, staged: &mut Staged) -> Result<(), ApiError> {
        if !staged.pending.is_empty() {
            put_values(&self.state.storage(), &staged.pending).await?;
        }
        staged.pending.clear();
        staged.pending_bytes = 0;
        Ok(())
    }
}

/// The storage key of batch `n`'s locators in bucket `b`, while an import runs.
fn fragment_key(b: u32, n: u32) -> String {
    format!("import/loc/{b}/{n}")
}

/// The top-level fields of an imported snapshot, checked: the format this build reads, no audit
/// log, not a member's view, the org part for the path's organization.
fn check_fields(org: &str, fields: &BTreeMap<String, Vec<u8>>) -> Result<OrgPart, ApiError> {
    if let Some(key) = fields
        .keys()
        .find(|k| !["format", "org", "audit", "view_of"].contains(&k.as_str()))
    {
        return Err(ApiError::invalid(format!(
            "unknown field `{key}` in the snapshot"
        )));
    }
    // A member's view loads without the invariants a view cannot meet and refuses every
    // command: imported, it would make an organization nobody can change.
    if fields
        .get("view_of")
        .is_some_and(|v| v.as_slice() != b"null")
    {
        return Err(ApiError::invalid(
            "a member's view (`view_of`) cannot be imported; import a whole snapshot",
        ));
    }
    // History is what this deployment recorded: an imported log would let the importer write
    // entries "by" anyone at any time (X4). The import itself is the entry.
    if let Some(audit) = fields.get("audit") {
        let entries: Vec<Value> = serde_json::from_slice(audit).map_err(invalid)?;
        if !entries.is_empty() {
            return Err(ApiError::invalid(
                "a snapshot's audit log cannot be imported (remove `audit`): the import itself is recorded as one entry by the importer",
            ));
        }
    }
    let format: u32 = fields
        .get("format")
        .ok_or_else(|| ApiError::invalid("the snapshot has no `format`"))
        .and_then(|f| serde_json::from_slice(f).map_err(invalid))?;
    if format != orgspace_core::snapshot::FORMAT {
        return Err(ApiError::invalid(format!(
            "unknown snapshot format {format}; this build reads format {}",
            orgspace_core::snapshot::FORMAT
        )));
    }
    let part: OrgPart = fields
        .get("org")
        .ok_or_else(|| ApiError::invalid("the snapshot has no `org`"))
        .and_then(|o| serde_json::from_slice(o).map_err(invalid))?;
    if part.id != org {
        return Err(ApiError::invalid(
            "the snapshot's organization id differs from the path",
        ));
    }
    // Versions cross JavaScript (Durable Object storage, clients): leave room for 2^52
    // commands below 2^53 - 1, the largest integer a JavaScript number holds exactly.
    if part.version > MAX_IMPORTED_VERSION {
        return Err(ApiError::invalid(format!(
            "the snapshot's version is above {MAX_IMPORTED_VERSION} (2^52)"
        )));
    }
    Ok(part)
}
