//! Paying KV what it lacks: runs the plan of `flush_plan.rs` against the KV binding, records
//! what landed, and sets an alarm for the rest (coalesced keys, the budget, or failures with
//! backoff). Failures are logged with the organization and the unit that failed.

use super::store::{BATCH_KEYS, Record, bucket_key, storage_error};
use super::{KV_BINDING, OrgWriter, to_text};
use crate::api_error::ApiError;
use crate::flush_plan::{COALESCE_MS, FLUSH_BUDGET, Unit, backoff, plan};
use crate::kv_shards::{self, SHARD_BYTES, shard_key};
use crate::locators::locator_key;
use crate::staleness::Attestation;
use crate::storage_layout::{KV_KEY_MAX, OrgEnvelope, head_key, org_key, workspace_key};
use futures_util::future::join_all;
use orgspace_core::snapshot::binary::{is_binary, part_to_binary};
use std::collections::{BTreeMap, BTreeSet};
use wasm_bindgen::JsValue;

/// Part bytes one flush round reads from storage at most (one part larger than this goes alone).
const ROUND_BYTES: usize = 16 << 20;

/// Stored parts' bytes by workspace, with the version each was written at.
type PartTexts = BTreeMap<String, (u64, Vec<u8>)>;

/// KV writes in flight at once.
const PARALLEL_WRITES: usize = 64;

/// The order units land in: parts and buckets, the envelope that names them, its head,
/// deletions.
fn phase_of(unit: &Unit) -> u8 {
    match unit {
        Unit::Workspace(_) | Unit::Bucket(_) => 0,
        Unit::OrgEnvelope => 1,
        Unit::Head => 2,
        Unit::Delete(_) => 3,
    }
}

/// Durable Object storage key of the test-only switch that fails every KV write.
pub const FAULT_KEY: &str = "test/kv_fault";

/// One KV operation: a put (`Some`, text or a binary part's bytes) or a delete (`None`).
type Op = (String, Option<Vec<u8>>);

/// What a unit writes, and the version it writes, to check on success that nothing newer was
/// committed meanwhile (a newer commit keeps the unit due).
struct Prepared {
    ops: Vec<Op>,
    version: u64,
    shards: Option<(String, usize)>,
}

/// Units a request pays inline before it answers; a larger debt goes to the alarm at once, so
/// that no command waits for hundreds of KV writes.
const INLINE_UNITS: usize = 16;

impl OrgWriter {
    /// After a commit: a small debt is paid before the answer (KV is in step by the time the
    /// caller reads), a large one by the alarm right after it.
    pub(super) async fn flush_soon(&self) {
        let units = {
            let due = self.due.borrow();
            due.workspaces.len() + due.buckets.len() + due.deleted.len()
        };
        if units <= INLINE_UNITS {
            self.flush().await;
        } else if let Err(e) = self.state.storage().set_alarm(1).await {
            worker::console_error!("orgspace writer: could not set the flush alarm: {e}");
        }
    }

    /// Writes what KV lacks, within one invocation's budget; schedules the rest.
    pub(super) async fn flush(&self) {
        if self.flushing.replace(true) {
            return;
        }
        let again = self.flush_round().await;
        self.flushing.set(false);
        let due_left = !self.due.borrow().is_empty();
        if let Some(at) = again.or(due_left.then(super::super::http::now_ms)) {
            let wait = at.saturating_sub(super::super::http::now_ms());
            let wait = i64::try_from(wait).unwrap_or(i64::MAX);
            if let Err(e) = self.state.storage().set_alarm(wait.max(1)).await {
                worker::console_error!("orgspace writer: could not set the flush alarm: {e}");
            }
        }
    }

    /// One round; the time to try again, if anything is left.
    async fn flush_round(&self) -> Option<u64> {
        let now = super::super::http::now_ms();
        let org = {
            let guard = self.engine.borrow();
            let engine = guard.as_ref()?;
            let meta = self.meta.borrow();
            let meta = meta.as_ref()?;
            if engine.version() != meta.version {
                // A commit is under way: its state is not yet the committed one.
                return Some(now.saturating_add(50));
            }
            engine.org_id()?.to_string()
        };
        if self.due.borrow().is_empty() {
            return None;
        }
        // The parts written come from storage (the engine holds only some), read up to a
        // bound per round; the envelope waits for a round that holds every due part.
        let (part_texts, mut due) = match self.part_texts().await {
            Ok(t) => t,
            Err(e) => {
                worker::console_error!("orgspace writer `{org}`: {}", e.message);
                return Some(now.saturating_add(COALESCE_MS));
            }
        };
        // Only the buckets the budget left by the parts can write this round are read (all
        // due buckets at full scale are 40 MB).
        let bucket_texts = match self
            .bucket_texts(&mut due, FLUSH_BUDGET.saturating_sub(part_texts.len()))
            .await
        {
            Ok(t) => t,
            Err(e) => {
                worker::console_error!("orgspace writer `{org}`: {}", e.message);
                return Some(now.saturating_add(COALESCE_MS));
            }
        };
        let faulty = super::super::config::test_faults(&self.env)
            && matches!(
                self.state.storage().get::<bool>(FAULT_KEY).await,
                Ok(Some(true))
            );

        // Plan and prepare every unit's values now, in one synchronous stretch: they all
        // belong to the committed state of `meta.version`.
        let in_step = match (self.engine.borrow().as_ref(), self.meta.borrow().as_ref()) {
            (Some(engine), Some(meta)) => engine.version() == meta.version,
            _ => false,
        };
        if !in_step {
            // A commit began while the texts were read: plan at its state, shortly.
            return Some(now.saturating_add(50));
        }
        let written = self.written.borrow().clone();
        let mut prepared: BTreeMap<Unit, Prepared> = BTreeMap::new();
        let steps = plan(&due, &written, now, FLUSH_BUDGET, |unit| {
            let p = self.prepare(&org, unit, &bucket_texts, &part_texts, now);
            let n = p.as_ref().map_or(0, |p| p.ops.len());
            if let Some(p) = p {
                prepared.insert(unit.clone(), p);
            }
            n
        });

        let Ok(kv) = self.env.kv(KV_BINDING) else {
            worker::console_error!("orgspace writer `{org}`: no KV binding");
            return Some(now.saturating_add(crate::flush_plan::MAX_BACKOFF_MS));
        };
        // Units of one phase go side by side (parts and buckets; then the envelope; then the
        // head; then deletions); a phase starts only when the one before landed whole.
        let mut failed = None;
        for phase in 0..4 {
            let units: Vec<&Unit> = steps
                .units
                .iter()
                .filter(|u| phase_of(u) == phase)
                .collect();
            let mut writes = Vec::new();
            for (k, unit) in units.iter().enumerate() {
                for (key, value) in prepared.get(*unit).map_or(&[][..], |p| &p.ops[..]) {
                    // A key KV cannot hold is never read either (readers ask the writer).
                    if key.len() <= KV_KEY_MAX {
                        writes.push((k, key.as_str(), value.as_deref()));
                    }
                }
            }
            let mut broken = vec![false; units.len()];
            for batch in writes.chunks(PARALLEL_WRITES) {
                let results = join_all(batch.iter().map(|(k, key, value)| {
                    let kv = &kv;
                    async move {
                        let result = if faulty {
                            Err(String::from("KV writes fail (test switch)"))
                        } else {
                            match value {
                                Some(bytes) => match kv.put_bytes(key, bytes) {
                                    Ok(put) => put.execute().await.map_err(|e| e.to_string()),
                                    Err(e) => Err(e.to_string()),
                                },
                                None => kv.delete(key).await.map_err(|e| e.to_string()),
                            }
                        };
                        (*k, result.map_err(|e| format!("`{key}`: {e}")))
                    }
                }))
                .await;
                for (k, result) in results {
                    if let Err(e) = result {
                        if let Some(b) = broken.get_mut(k) {
                            *b = true;
                        }
                        failed.get_or_insert(e);
                    }
                }
            }
            for (unit, broken) in units.iter().zip(&broken) {
                if !broken {
                    self.settle(unit, prepared.get(*unit), now);
                }
            }
            if failed.is_some() {
                break;
            }
        }

        let retry = {
            let mut due = self.due.borrow_mut();
            match &failed {
                Some(e) => {
                    due.failures = due.failures.saturating_add(1);
                    worker::console_error!(
                        "orgspace writer `{org}`: KV write failed (attempt {}), retrying: {e}",
                        due.failures
                    );
                    Some(backoff(now, due.failures))
                }
                None => {
                    due.failures = 0;
                    steps.again_at
                }
            }
        };
        if let Err(e) = self.persist_due().await {
            worker::console_error!("orgspace writer `{org}`: {}", e.message);
        }
        retry
    }

    /// Records a unit as landed: it is no longer due unless a newer commit made it due again.
    fn settle(&self, unit: &Unit, prepared: Option<&Prepared>, now: u64) {
        let mut due = self.due.borrow_mut();
        let mut meta = self.meta.borrow_mut();
        let Some(meta) = meta.as_mut() else {
            return;
        };
        let version = prepared.map(|p| p.version);
        match unit {
            Unit::Workspace(ws) => {
                if version.is_none() || meta.workspaces.get(ws).copied() == version {
                    due.workspaces.remove(ws);
                }
            }
            Unit::Bucket(b) => {
                let now_at = meta.buckets.get(b).copied().unwrap_or(0);
                if version.is_none_or(|v| v == now_at) {
                    due.buckets.remove(b);
                }
            }
            Unit::OrgEnvelope => {}
            Unit::Head => {
                if version.is_none() || Some(meta.version) == version {
                    due.org = false;
                }
            }
            Unit::Delete(ws) => {
                if !meta.workspaces.contains_key(ws) {
                    due.deleted.remove(ws);
                    meta.kv_shards.remove(&format!("ws/{ws}"));
                }
            }
        }
        if let Some((name, n)) = prepared.and_then(|p| p.shards.clone()) {
            meta.kv_shards.insert(name, n);
        }
        self.written.borrow_mut().insert(unit.clone(), now);
    }

    /// The KV operations of one unit at the committed state.
    fn prepare(
        &self,
        org: &str,
        unit: &Unit,
        bucket_texts: &BTreeMap<u32, Option<String>>,
        part_texts: &PartTexts,
        now: u64,
    ) -> Option<Prepared> {
        let guard = self.engine.borrow();
        let engine = guard.as_ref()?;
        let meta = self.meta.borrow();
        let meta = meta.as_ref()?;
        let sharded = |name: &str, key: &str, version: u64, shards: Vec<Vec<u8>>| {
            let old = meta.kv_shards.get(name).copied().unwrap_or(0);
            let mut ops: Vec<Op> = shards
                .iter()
                .enumerate()
                .map(|(i, s)| (shard_key(key, i), Some(s.clone())))
                .collect();
            ops.extend((shards.len()..old).map(|i| (shard_key(key, i), None)));
            Prepared {
                ops,
                version,
                shards: Some((name.to_string(), shards.len())),
            }
        };
        match unit {
            Unit::Workspace(ws) => {
                // The version the text was stored at: a commit since keeps the unit due.
                let (version, stored) = part_texts.get(ws)?;
                let version = *version;
                // Binary, which readers load about twice as fast as JSON (`kv_shards.rs`): the
                // stored bytes as they are; a JSON part an older build stored is encoded.
                let encoded;
                let bytes = if is_binary(stored) {
                    stored.as_slice()
                } else {
                    let part = serde_json::from_slice(stored).ok()?;
                    encoded = part_to_binary(&part).ok()?;
                    encoded.as_slice()
                };
                Some(sharded(
                    &format!("ws/{ws}"),
                    &workspace_key(org, ws),
                    version,
                    kv_shards::encode_binary(version, bytes, SHARD_BYTES),
                ))
            }
            Unit::Bucket(b) => {
                // 0 for an empty bucket, which is deleted.
                let version = meta.buckets.get(b).copied().unwrap_or(0);
                let key = locator_key(org, *b);
                let op = match bucket_texts.get(b).cloned().flatten() {
                    Some(text) if text != "{}" => {
                        let value = kv_shards::encode(version, &text, usize::MAX);
                        (key, value.into_iter().next().map(String::into_bytes))
                    }
                    _ => (key, None),
                };
                Some(Prepared {
                    ops: vec![op],
                    version,
                    shards: None,
                })
            }
            Unit::OrgEnvelope => {
                let envelope = OrgEnvelope {
                    version: meta.version,
                    org_changed: meta.org_changed,
                    workspaces: meta.workspaces.clone(),
                    buckets: meta.buckets.clone(),
                    part: engine.org_part()?,
                };
                // Binary, which a cold reader decodes in half the time of JSON text
                // (`envelope_codec.rs`); the shards are tagged so older readers ask the writer.
                let bytes = crate::envelope_codec::to_binary(&envelope).ok()?;
                let shards = kv_shards::encode_binary(meta.version, &bytes, SHARD_BYTES);
                Some(sharded("org", &org_key(org), meta.version, shards))
            }
            Unit::Head => {
                let head = Attestation {
                    version: meta.version,
                    at: now,
                };
                Some(Prepared {
                    ops: vec![(head_key(org), to_text(&head).ok().map(String::into_bytes))],
                    version: meta.version,
                    shards: None,
                })
            }
            Unit::Delete(ws) => {
                let n = meta
                    .kv_shards
                    .get(&format!("ws/{ws}"))
                    .copied()
                    .unwrap_or(1)
                    .max(1);
                let key = workspace_key(org, ws);
                Some(Prepared {
                    ops: (0..n).map(|i| (shard_key(&key, i), None)).collect(),
                    version: meta.version,
                    shards: None,
                })
            }
        }
    }

    /// The stored bytes of the due workspace parts, in id order up to [`ROUND_BYTES`] (read in
    /// batches, `read_batches.rs`), and the debt this round pays: when some parts are left for
    /// the next round, neither the envelope (which names them) nor deletions go now.
    async fn part_texts(&self) -> Result<(PartTexts, crate::flush_plan::Due), ApiError> {
        let mut due = self.due.borrow().clone();
        let names: Vec<String> = due.workspaces.iter().map(|w| format!("ws/{w}")).collect();
        let (texts, consumed) = self.stored_bytes(&names, ROUND_BYTES, FLUSH_BUDGET).await?;
        let mut out = BTreeMap::new();
        for (name, version, text) in texts {
            if let Some(ws) = name.strip_prefix("ws/") {
                out.insert(ws.to_string(), (version, text));
            }
        }
        if consumed < names.len() {
            let left: BTreeSet<String> = due.workspaces.iter().skip(consumed).cloned().collect();
            due.workspaces.retain(|w| !left.contains(w));
            due.org = false;
            due.deleted.clear();
        }
        Ok((out, due))
    }

    /// The stored text of the first `max` buckets `due` names (`None`: the bucket is empty);
    /// the others are left for a later round, and so are the envelope that names their
    /// versions and the deletions that wait for it.
    async fn bucket_texts(
        &self,
        due: &mut crate::flush_plan::Due,
        max: usize,
    ) -> Result<BTreeMap<u32, Option<String>>, ApiError> {
        let wanted: Vec<u32> = due.buckets.iter().take(max).copied().collect();
        if wanted.len() < due.buckets.len() {
            due.buckets = wanted.iter().copied().collect();
            due.org = false;
            due.deleted.clear();
        }
        let storage = self.state.storage();
        let mut out = BTreeMap::new();
        for batch in wanted.chunks(BATCH_KEYS) {
            let keys: Vec<String> = batch.iter().map(|b| bucket_key(*b)).collect();
            let values = storage
                .get_multiple(keys.clone())
                .await
                .map_err(storage_error)?;
            for (b, key) in batch.iter().zip(&keys) {
                out.insert(*b, values.get(&JsValue::from_str(key)).as_string());
            }
        }
        Ok(out)
    }

    /// Stores the debt and the shard counts as they are now.
    async fn persist_due(&self) -> Result<(), ApiError> {
        let due = self.due.borrow().clone();
        let Some(meta) = self.meta.borrow().clone() else {
            return Ok(());
        };
        self.state
            .storage()
            .put_multiple(Record {
                meta: &meta,
                due: &due,
            })
            .await
            .map_err(storage_error)
    }
}
