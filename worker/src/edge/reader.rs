//! Answers at the edge from KV: the org envelope plus the workspace parts a question needs,
//! under the staleness bound (`staleness.rs`), with an in-isolate cache bounded by bytes. When KV
//! cannot prove it is new enough (a `min_version` above what it holds, a part or bucket older
//! than the org envelope says, or a writer that attests a newer version), the question goes to
//! the organization's writer instead.

use super::writer::with_version;
use crate::api_error::ApiError;
use crate::kv_shards::{self, shard_key};
use crate::locators::{Bucket, bucket_of, locator_key};
use crate::queries::{Query, run_query};
use crate::staleness::{Attestation, Verdict, verdict};
use crate::storage_layout::{
    KV_KEY_MAX, OrgEnvelope, envelope_at, head_key, org_key, workspace_key,
};
use orgspace_core::{Engine, PartsLoader};
use serde_json::Value;
use std::cell::RefCell;
use std::collections::{BTreeSet, HashMap};
use std::rc::Rc;
use worker::Env;
use worker::kv::KvStore;

/// How long an isolate keeps its copy of an org envelope before asking KV again. Within the
/// bound, which is what readers promise: a newer attestation makes them ask again at once.
const ORG_FRESH_MS: u64 = 1_000;

/// The most locator buckets, and workspace parts, one answer at the edge reads: a few dozen KV
/// reads, well inside an invocation's operations (1,000 on the paid plan). A batch past either
/// goes to the writer.
const READER_MAX_BUCKETS: usize = 64;
const READER_MAX_PARTS: usize = 32;
/// Organizations, attestations and buckets an isolate keeps before starting over.
const CACHE_CAP: usize = 256;
/// The bytes of built engines an isolate keeps (estimated by `engine_bytes`), so that the
/// cache plus one cold build stay within an isolate's 128 MB: measured at the full benchmark
/// org (bench/wasm-load.mjs --parts), the largest cold build holds its binary part twice (4.5
/// MB in JavaScript and copied into WebAssembly) and the org part's text with its engine (25.5
/// MB in all): about 35 MB next to these 32 MB, and the engine it replaces is freed after it
/// is built.
const ENGINE_BYTES: usize = 32 << 20;
/// What a loaded engine holds per byte of workspace part text, in tenths (19 MB for ws000's
/// 15 MB), and per member or workspace of the org part (5.4 MB for 10,000 and 10,200): the
/// full benchmark org's, measured in WebAssembly by bench/wasm-load.mjs --parts.
const PART_TENTHS: usize = 13;
const ORG_ENTRY_BYTES: usize = 270;

/// What a binary part weighs against its JSON text, in tenths: ws000's is 4.5 MB for 15.0 MB.
const BINARY_TEXT_TENTHS: usize = 33;

/// A stored part's size as JSON text (what `PART_TENTHS` was measured against): the engine
/// built is the same whichever encoding it was read from.
fn part_weight(bytes: &[u8]) -> usize {
    if orgspace_core::snapshot::binary::is_binary(bytes) {
        bytes.len().saturating_mul(BINARY_TEXT_TENTHS) / 10
    } else {
        bytes.len()
    }
}

/// The estimated bytes of an engine over `envelope`'s org part and parts of `text` bytes of
/// JSON text (`part_weight`).
fn engine_bytes(envelope: &OrgEnvelope, text: usize) -> usize {
    let entries = envelope.part.members.len() + envelope.part.workspaces.len();
    entries.saturating_mul(ORG_ENTRY_BYTES) + text.saturating_mul(PART_TENTHS) / 10
}

struct CachedOrg {
    fetched_at: u64,
    envelope: Rc<OrgEnvelope>,
}

struct CachedEngine {
    org: String,
    org_changed: u64,
    /// The workspace parts it holds, with the versions they changed at.
    parts: Vec<(String, u64)>,
    engine: Rc<Engine>,
    /// Its estimated size (`engine_bytes`), and its parts' size as JSON text (`part_weight`).
    bytes: usize,
    text: usize,
    used: u64,
}

#[derive(Default)]
struct Cache {
    orgs: HashMap<String, CachedOrg>,
    attestations: HashMap<String, Attestation>,
    buckets: HashMap<(String, u32), (u64, Rc<Bucket>)>,
    engines: Vec<CachedEngine>,
    tick: u64,
}

thread_local! {
    static CACHE: RefCell<Cache> = RefCell::new(Cache::default());
}

fn cap<K, V>(map: &mut HashMap<K, V>) {
    if map.len() >= CACHE_CAP {
        map.clear();
    }
}

/// A value stored in shards, whole, with its version; `None` when absent, torn across writes,
/// or in a layout this build does not read (the writer answers then).
async fn read_sharded(kv: &KvStore, key: &str) -> Result<Option<(u64, String)>, ApiError> {
    let Some(first) = kv_text(kv, key).await? else {
        return Ok(None);
    };
    let Some(head) = kv_shards::decode(&first) else {
        return Ok(None);
    };
    let (version, count) = (head.version, head.count);
    let mut values = vec![first];
    for i in 1..count {
        match kv_text(kv, &shard_key(key, i)).await? {
            Some(v) => values.push(v),
            None => return Ok(None),
        }
    }
    Ok(kv_shards::join(version, &values).map(|text| (version, text)))
}

/// A workspace part's or the org envelope's stored bytes with their version: the binary
/// encoding the writer stores, or the JSON text an older writer left (`kv_shards::join_bytes`);
/// `None` as `read_sharded`.
async fn read_bytes(kv: &KvStore, key: &str) -> Result<Option<(u64, Vec<u8>)>, ApiError> {
    let Some(first) = kv_bytes(kv, key).await? else {
        return Ok(None);
    };
    let Some(head) = kv_shards::decode_bytes(&first) else {
        return Ok(None);
    };
    let (version, count) = (head.version, head.count);
    let mut values = vec![first];
    for i in 1..count {
        match kv_bytes(kv, &shard_key(key, i)).await? {
            Some(v) => values.push(v),
            None => return Ok(None),
        }
    }
    Ok(kv_shards::join_bytes(version, values).map(|bytes| (version, bytes)))
}

/// The envelope KV last held for `org`, fresh or not: it tells the gate whom the organization
/// listed, never what to answer (`outsiders.rs` spares those callers the outsiders' cap).
pub(super) async fn last_envelope(
    kv: &KvStore,
    org: &str,
) -> Result<Option<Rc<OrgEnvelope>>, ApiError> {
    org_envelope(kv, org, super::http::now_ms(), false).await
}

async fn org_envelope(
    kv: &KvStore,
    org: &str,
    now: u64,
    refresh: bool,
) -> Result<Option<Rc<OrgEnvelope>>, ApiError> {
    if !refresh {
        let cached = CACHE.with(|c| {
            c.borrow().orgs.get(org).and_then(|o| {
                (now.saturating_sub(o.fetched_at) < ORG_FRESH_MS).then(|| Rc::clone(&o.envelope))
            })
        });
        if cached.is_some() {
            return Ok(cached);
        }
    }
    // Binary (`envelope_codec.rs`), or the JSON text an older writer left.
    let Some((version, bytes)) = read_bytes(kv, &org_key(org)).await? else {
        return Ok(None);
    };
    let cached = CACHE.with(|c| c.borrow().orgs.get(org).map(|o| Rc::clone(&o.envelope)));
    let Some(envelope) = envelope_at(cached.as_ref(), version, &bytes)
        .map_err(|e| ApiError::internal(format!("bad envelope: {e}")))?
    else {
        return Ok(None);
    };
    CACHE.with(|c| {
        let mut c = c.borrow_mut();
        cap(&mut c.orgs);
        c.orgs.insert(
            org.to_string(),
            CachedOrg {
                fetched_at: now,
                envelope: Rc::clone(&envelope),
            },
        );
    });
    Ok(Some(envelope))
}

/// A recent attestation: the head KV holds if it is recent, else the writer's word.
async fn attest(
    env: &Env,
    kv: &KvStore,
    org: &str,
    now: u64,
    bound_ms: u64,
) -> Result<Attestation, ApiError> {
    let from_kv = match kv_text(kv, &head_key(org)).await? {
        Some(text) => serde_json::from_str::<Attestation>(&text).ok(),
        None => None,
    };
    let attestation = match from_kv {
        Some(a) if a.is_recent(now, bound_ms) => a,
        _ => {
            let (status, value) = super::flights::attest(env, org).await?;
            if status != 200 {
                return Err(ApiError::internal("the writer did not attest its version"));
            }
            serde_json::from_value(value)
                .map_err(|e| ApiError::internal(format!("bad attestation: {e}")))?
        }
    };
    let newest = CACHE.with(|c| {
        let mut c = c.borrow_mut();
        let newest = attestation.newest(c.attestations.get(org).copied());
        cap(&mut c.attestations);
        c.attestations.insert(org.to_string(), newest);
        newest
    });
    Ok(newest)
}

/// The workspace of `asset` by its bucket, at the bucket version the envelope names.
async fn locate(
    kv: &KvStore,
    org: &str,
    envelope: &OrgEnvelope,
    asset: &str,
) -> Result<Option<String>, ApiError> {
    let b = bucket_of(asset);
    let Some(&version) = envelope.buckets.get(&b) else {
        return Ok(None);
    };
    let key = (org.to_string(), b);
    let cached = CACHE.with(|c| {
        c.borrow()
            .buckets
            .get(&key)
            .filter(|(v, _)| *v == version)
            .map(|(_, bucket)| Rc::clone(bucket))
    });
    let bucket = match cached {
        Some(bucket) => bucket,
        None => {
            let Some((got, text)) = read_sharded(kv, &locator_key(org, b)).await? else {
                return Ok(None);
            };
            if got != version {
                return Ok(None);
            }
            let bucket: Rc<Bucket> = Rc::new(
                serde_json::from_str(&text)
                    .map_err(|e| ApiError::internal(format!("bad bucket: {e}")))?,
            );
            CACHE.with(|c| {
                let mut c = c.borrow_mut();
                cap(&mut c.buckets);
                c.buckets.insert(key, (version, Rc::clone(&bucket)));
            });
            bucket
        }
    };
    Ok(bucket.get(asset).cloned())
}

/// An engine over the org part and the parts of `names`, cached by the versions they changed
/// at; `None` when KV has not caught up with the envelope.
///
/// The cache keeps few engines per organization, each holding the org part's tables once and
/// as many workspace parts as have been asked about: a part missing from the engine of the
/// current org version is added to it (`PartsLoader::resume`) while that engine holds less
/// than half the budget, all its parts are current and no request is using it; otherwise a new
/// engine is built for `names`. Engines are counted by bytes and the least recently used go
/// first.
async fn engine_for(
    kv: &KvStore,
    org: &str,
    envelope: &OrgEnvelope,
    names: Vec<String>,
) -> Result<Option<Rc<Engine>>, ApiError> {
    let wanted: Vec<(String, u64)> = names
        .into_iter()
        .map(|w| {
            let v = envelope.workspaces.get(&w).copied().unwrap_or_default();
            (w, v)
        })
        .collect();
    let current = |e: &CachedEngine| e.org == org && e.org_changed == envelope.org_changed;
    let up_to_date = |e: &CachedEngine| {
        current(e)
            && e.parts
                .iter()
                .all(|(w, v)| envelope.workspaces.get(w) == Some(v))
    };
    let (hit, base) = CACHE.with(|c| {
        let mut c = c.borrow_mut();
        c.tick += 1;
        let tick = c.tick;
        // Every part of an engine must be the one the envelope names, not only the parts asked
        // for: a question may reach an asset of another part it holds (a check placed in the
        // wrong workspace), and a part other than the envelope names is never used.
        if let Some(e) = c
            .engines
            .iter_mut()
            .find(|e| up_to_date(e) && wanted.iter().all(|w| e.parts.contains(w)))
        {
            e.used = tick;
            return (Some(Rc::clone(&e.engine)), None);
        }
        // This organization's engines built at older versions serve no later envelope.
        c.engines.retain(|e| e.org != org || up_to_date(e));
        // Taken out of the cache: an engine to add the missing parts to.
        let base = c.engines.iter().position(|e| {
            up_to_date(e) && e.bytes < ENGINE_BYTES / 2 && Rc::strong_count(&e.engine) == 1
        });
        (None, base.map(|i| c.engines.swap_remove(i)))
    });
    if hit.is_some() {
        return Ok(hit);
    }
    let stored = |e| ApiError::internal(format!("stored parts do not load: {e}"));
    let resumed = base.and_then(|b| {
        let engine = Rc::try_unwrap(b.engine).ok()?;
        let loader = PartsLoader::resume(engine).ok()?;
        Some((loader, b.parts, b.text))
    });
    let (mut loader, mut parts, mut text_bytes) = match resumed {
        Some(resumed) => resumed,
        None => (
            PartsLoader::new(&envelope.part).map_err(stored)?,
            Vec::new(),
            0,
        ),
    };
    // Each part is read from its text straight into the engine's tables, and its text freed
    // before the next is fetched (`PartsLoader`; bench/wasm-load.mjs --parts measures it).
    for (ws, version) in &wanted {
        if parts.iter().any(|(w, _)| w == ws) {
            continue;
        }
        let Some((got, bytes)) = read_bytes(kv, &workspace_key(org, ws)).await? else {
            return Ok(None);
        };
        if got != *version {
            // KV has not caught up with the org envelope (or is ahead of our copy of it).
            return Ok(None);
        }
        text_bytes += part_weight(&bytes);
        loader.add_bytes(&bytes).map_err(stored)?;
        drop(bytes);
        parts.push((ws.clone(), *version));
    }
    let engine = Rc::new(loader.finish().map_err(stored)?);
    let bytes = engine_bytes(envelope, text_bytes);
    CACHE.with(|c| {
        let mut c = c.borrow_mut();
        c.tick += 1;
        let used = c.tick;
        // Least recently used first out, until the new one fits.
        while !c.engines.is_empty()
            && c.engines.iter().map(|e| e.bytes).sum::<usize>() + bytes > ENGINE_BYTES
        {
            if let Some(oldest) = c
                .engines
                .iter()
                .enumerate()
                .min_by_key(|(_, e)| e.used)
                .map(|(i, _)| i)
            {
                c.engines.swap_remove(oldest);
            }
        }
        if bytes <= ENGINE_BYTES {
            c.engines.push(CachedEngine {
                org: org.to_string(),
                org_changed: envelope.org_changed,
                parts,
                engine: Rc::clone(&engine),
                bytes,
                text: text_bytes,
                used,
            });
        }
    });
    Ok(Some(engine))
}

/// The org envelope KV holds when it is proven new enough: at least `min_version` and at least
/// what a recent attestation names (`staleness.rs`); `None` when only the writer can answer.
/// With `reread`, the isolate's copy of the envelope is not used (it may be a second old).
pub(super) async fn fresh_envelope(
    env: &Env,
    kv: &KvStore,
    org: &str,
    min_version: u64,
    bound_ms: u64,
    reread: bool,
) -> Result<Option<Rc<OrgEnvelope>>, ApiError> {
    // Freshness follows the runtime's clock, whatever time the question is asked at (the dev
    // clock may set that one).
    let real_now = super::http::now_ms();
    let Some(mut envelope) = org_envelope(kv, org, real_now, reread).await? else {
        return Ok(None);
    };
    let (mut refreshed, mut attested) = (false, false);
    loop {
        let held = CACHE.with(|c| c.borrow().attestations.get(org).copied());
        match verdict(envelope.version, min_version, held, real_now, bound_ms) {
            Verdict::Answer => return Ok(Some(envelope)),
            Verdict::AskWriter if refreshed => return Ok(None),
            Verdict::AskWriter => {
                refreshed = true;
                match org_envelope(kv, org, real_now, true).await? {
                    Some(e) => envelope = e,
                    None => return Ok(None),
                }
            }
            Verdict::Attest if attested => return Ok(None),
            Verdict::Attest => {
                attested = true;
                attest(env, kv, org, real_now, bound_ms).await?;
            }
        }
    }
}

/// Answers `query` from KV (its body carrying the version it was decided at), or `None` when only the writer can (KV lags behind `min_version` or
/// behind what the writer attests, an id is not located, or the question needs the whole
/// organization).
#[expect(
    clippy::too_many_arguments,
    reason = "one call site, each argument a different fact"
)]
pub async fn answer(
    env: &Env,
    kv: &KvStore,
    org: &str,
    actor: &str,
    query: &Query,
    min_version: u64,
    now: u64,
    bound_ms: u64,
    admitted: Option<Rc<OrgEnvelope>>,
) -> Result<Option<Value>, ApiError> {
    if query.needs_whole_org() {
        return Ok(None);
    }
    // The envelope the gate proved fresh for this request (same `min_version`, same bound).
    let envelope = match admitted {
        Some(envelope) => envelope,
        None => match fresh_envelope(env, kv, org, min_version, bound_ms, false).await? {
            Some(envelope) => envelope,
            None => return Ok(None),
        },
    };

    let mut workspaces: BTreeSet<String> = query
        .workspaces()
        .unwrap_or_default()
        .into_iter()
        .map(str::to_string)
        .collect();
    // A batch that names the workspace of only some checks needs those parts too.
    if let Query::Check { checks, .. } = query {
        workspaces.extend(checks.iter().filter_map(|c| c.workspace.clone()));
    }
    let located = query.assets_to_locate();
    // A list spread over many buckets or parts costs one KV read each, against the runtime's
    // cap of operations per invocation: the writer answers it, in rounds (`query_rounds.rs`).
    let buckets: BTreeSet<u32> = located.iter().map(|a| bucket_of(a)).collect();
    if buckets.len() > READER_MAX_BUCKETS {
        return Ok(None);
    }
    for asset in &located {
        match locate(kv, org, &envelope, asset).await? {
            Some(ws) => {
                workspaces.insert(ws);
            }
            None => return Ok(None),
        }
    }
    // Parts of workspaces that exist; an unknown workspace is answered by the engine (not found).
    let names: Vec<String> = workspaces
        .into_iter()
        .filter(|w| envelope.workspaces.contains_key(w))
        .collect();
    if names.len() > READER_MAX_PARTS {
        return Ok(None);
    }
    let Some(engine) = engine_for(kv, org, &envelope, names).await? else {
        return Ok(None);
    };
    // A locator is never trusted alone: the part must hold the asset.
    if located.iter().any(|a| engine.asset_handle(a).is_none()) {
        return Ok(None);
    }
    // An asset the caller placed in the wrong workspace is not in these parts: the writer,
    // which holds every part, answers as it would without the hint.
    let hinted: Vec<&str> = match query {
        Query::Check { checks, .. } => checks
            .iter()
            .filter(|c| c.workspace.is_some())
            .filter_map(|c| c.asset.as_deref())
            .collect(),
        Query::Filter { assets, .. } => assets.iter().map(String::as_str).collect(),
        _ => Vec::new(),
    };
    if hinted.iter().any(|a| engine.asset_handle(a).is_none()) {
        return Ok(None);
    }
    let value = run_query(&engine, actor, query, now)?;
    Ok(Some(with_version(value, query, envelope.version)))
}

/// Tests only: rewrites the org envelope KV holds as the JSON text an older writer stored (same
/// version, text shards) and forgets this isolate's copy, so that the next answer at the edge
/// reads the legacy encoding; says whether what KV held was binary.
pub(super) async fn legacy_envelope(kv: &KvStore, org: &str) -> Result<Value, ApiError> {
    let key = org_key(org);
    let Some((version, bytes)) = read_bytes(kv, &key).await? else {
        return Err(ApiError::not_found(
            "KV holds no envelope of this organization",
        ));
    };
    let envelope = crate::envelope_codec::from_bytes(&bytes)
        .map_err(|e| ApiError::internal(format!("bad envelope: {e}")))?;
    let text = serde_json::to_string(&envelope)
        .map_err(|e| ApiError::internal(format!("envelope as JSON: {e}")))?;
    let shards = kv_shards::encode(version, &text, kv_shards::SHARD_BYTES);
    if shards.len() != 1 || bytes.len() > kv_shards::SHARD_BYTES {
        return Err(ApiError::invalid("only a one-shard envelope is rewritten"));
    }
    for shard in shards {
        kv.put(&key, shard)
            .map_err(kv_error)?
            .execute()
            .await
            .map_err(kv_error)?;
    }
    CACHE.with(|c| c.borrow_mut().orgs.remove(org));
    Ok(serde_json::json!({
        "version": version,
        "was_binary": crate::envelope_codec::is_binary(&bytes),
    }))
}

/// The value under `key`. A key KV cannot hold (ids from the path may be of any length) holds
/// nothing: the writer answers, with not found for what does not exist.
async fn kv_text(kv: &KvStore, key: &str) -> Result<Option<String>, ApiError> {
    if key.len() > KV_KEY_MAX {
        return Ok(None);
    }
    kv.get(key).text().await.map_err(kv_error)
}

/// The bytes under `key`, as [`kv_text`].
async fn kv_bytes(kv: &KvStore, key: &str) -> Result<Option<Vec<u8>>, ApiError> {
    if key.len() > KV_KEY_MAX {
        return Ok(None);
    }
    kv.get(key).bytes().await.map_err(kv_error)
}

fn kv_error(e: worker::kv::KvError) -> ApiError {
    ApiError::internal(format!("KV read failed: {e}"))
}
