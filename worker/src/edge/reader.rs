//! Answers at the edge from KV: the org envelope plus the one workspace part a question needs,
//! with an in-isolate cache keyed by version. When KV cannot prove it is new enough (a
//! `min_version` above what it holds, or a part older than the org envelope says), the question
//! goes to the organization's writer instead.

use crate::api_error::ApiError;
use crate::queries::{Query, run_query};
use crate::storage_layout::{
    KV_KEY_MAX, OrgEnvelope, WorkspaceEnvelope, asset_key, org_key, workspace_key,
};
use orgspace_core::Engine;
use serde_json::Value;
use std::cell::RefCell;
use std::collections::{BTreeSet, HashMap};
use std::rc::Rc;
use worker::kv::KvStore;

/// How long an isolate trusts its copy of an org envelope before asking KV again.
const ORG_FRESH_MS: u64 = 1_000;
/// Entries an isolate keeps per cache before starting over.
const CACHE_CAP: usize = 256;

struct CachedOrg {
    fetched_at: u64,
    envelope: Rc<OrgEnvelope>,
}

struct CachedEngine {
    org_version: u64,
    part_versions: Vec<u64>,
    engine: Rc<Engine>,
}

#[derive(Default)]
struct Cache {
    orgs: HashMap<String, CachedOrg>,
    parts: HashMap<(String, String), Rc<WorkspaceEnvelope>>,
    engines: HashMap<(String, Vec<String>), CachedEngine>,
    locators: HashMap<(String, String), String>,
}

thread_local! {
    static CACHE: RefCell<Cache> = RefCell::new(Cache::default());
}

fn cap<K, V>(map: &mut HashMap<K, V>) {
    if map.len() >= CACHE_CAP {
        map.clear();
    }
}

pub(super) async fn org_envelope(
    kv: &KvStore,
    org: &str,
    min_version: u64,
    now: u64,
) -> Result<Option<Rc<OrgEnvelope>>, ApiError> {
    let cached = CACHE.with(|c| {
        c.borrow().orgs.get(org).and_then(|o| {
            (now.saturating_sub(o.fetched_at) < ORG_FRESH_MS && o.envelope.version >= min_version)
                .then(|| Rc::clone(&o.envelope))
        })
    });
    if cached.is_some() {
        return Ok(cached);
    }
    let Some(text) = kv_text(kv, &org_key(org)).await? else {
        return Ok(None);
    };
    let envelope: Rc<OrgEnvelope> = Rc::new(
        serde_json::from_str(&text)
            .map_err(|e| ApiError::internal(format!("bad envelope: {e}")))?,
    );
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

async fn workspace_envelope(
    kv: &KvStore,
    org: &str,
    workspace: &str,
    version: u64,
) -> Result<Option<Rc<WorkspaceEnvelope>>, ApiError> {
    let key = (org.to_string(), workspace.to_string());
    let cached = CACHE.with(|c| {
        c.borrow()
            .parts
            .get(&key)
            .filter(|p| p.version == version)
            .map(Rc::clone)
    });
    if cached.is_some() {
        return Ok(cached);
    }
    let Some(text) = kv_text(kv, &workspace_key(org, workspace)).await? else {
        return Ok(None);
    };
    let envelope: WorkspaceEnvelope =
        serde_json::from_str(&text).map_err(|e| ApiError::internal(format!("bad part: {e}")))?;
    if envelope.version != version {
        // KV has not caught up with the org envelope (or is ahead of our copy of it).
        return Ok(None);
    }
    let envelope = Rc::new(envelope);
    CACHE.with(|c| {
        let mut c = c.borrow_mut();
        cap(&mut c.parts);
        c.parts.insert(key, Rc::clone(&envelope));
    });
    Ok(Some(envelope))
}

async fn locate(kv: &KvStore, org: &str, asset: &str) -> Result<Option<String>, ApiError> {
    let key = (org.to_string(), asset.to_string());
    if let Some(ws) = CACHE.with(|c| c.borrow().locators.get(&key).cloned()) {
        return Ok(Some(ws));
    }
    let found = kv_text(kv, &asset_key(org, asset)).await?;
    if let Some(ws) = &found {
        CACHE.with(|c| {
            let mut c = c.borrow_mut();
            cap(&mut c.locators);
            c.locators.insert(key, ws.clone());
        });
    }
    Ok(found)
}

fn forget_locator(org: &str, asset: &str) {
    CACHE.with(|c| {
        c.borrow_mut()
            .locators
            .remove(&(org.to_string(), asset.to_string()))
    });
}

/// Answers `query` from KV, or `None` when only the writer can (KV lags behind `min_version`,
/// an id is not located, or the question needs the whole organization).
pub async fn answer(
    kv: &KvStore,
    org: &str,
    actor: &str,
    query: &Query,
    min_version: u64,
    now: u64,
) -> Result<Option<Value>, ApiError> {
    if query.needs_whole_org() {
        return Ok(None);
    }
    // The cache's freshness follows the runtime's clock, whatever time the question is asked
    // at (the dev clock may set that one).
    let Some(envelope) = org_envelope(kv, org, min_version, super::http::now_ms()).await? else {
        return Ok(None);
    };
    if envelope.version < min_version {
        return Ok(None);
    }
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
    for asset in &located {
        match locate(kv, org, asset).await? {
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
    let mut parts = Vec::with_capacity(names.len());
    let mut versions = Vec::with_capacity(names.len());
    for ws in &names {
        let version = envelope.workspaces.get(ws).copied().unwrap_or_default();
        match workspace_envelope(kv, org, ws, version).await? {
            Some(part) => {
                versions.push(part.version);
                parts.push(part);
            }
            None => return Ok(None),
        }
    }
    let key = (org.to_string(), names);
    let cached = CACHE.with(|c| {
        c.borrow()
            .engines
            .get(&key)
            .filter(|e| e.org_version == envelope.version && e.part_versions == versions)
            .map(|e| Rc::clone(&e.engine))
    });
    let engine = match cached {
        Some(engine) => engine,
        None => {
            let owned: Vec<_> = parts.iter().map(|p| p.part.clone()).collect();
            let engine = Rc::new(
                Engine::from_parts(&envelope.part, &owned)
                    .map_err(|e| ApiError::internal(format!("stored parts do not load: {e}")))?,
            );
            CACHE.with(|c| {
                let mut c = c.borrow_mut();
                cap(&mut c.engines);
                c.engines.insert(
                    key,
                    CachedEngine {
                        org_version: envelope.version,
                        part_versions: versions,
                        engine: Rc::clone(&engine),
                    },
                );
            });
            engine
        }
    };
    // A locator that points to a workspace no longer holding the asset is stale (ownership
    // moved it): forget it and let the writer answer.
    for asset in &located {
        if engine.asset_handle(asset).is_none() {
            forget_locator(org, asset);
            return Ok(None);
        }
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
    run_query(&engine, actor, query, now).map(Some)
}

/// The value under `key`. A key KV cannot hold (ids from the path may be of any length) holds
/// nothing: the writer answers, with not found for what does not exist.
async fn kv_text(kv: &KvStore, key: &str) -> Result<Option<String>, ApiError> {
    if key.len() > KV_KEY_MAX {
        return Ok(None);
    }
    kv.get(key).text().await.map_err(kv_error)
}

fn kv_error(e: worker::kv::KvError) -> ApiError {
    ApiError::internal(format!("KV read failed: {e}"))
}
