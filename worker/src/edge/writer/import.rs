//! Creating an organization from a whole snapshot (`PUT /v1/orgs/{org}/snapshot`).

use super::OrgWriter;
use super::store::put_texts;
use crate::api_error::ApiError;
use crate::storage_layout::Dirty;
use orgspace_core::Engine;

/// The highest version an imported snapshot may have: 2^52.
const MAX_IMPORTED_VERSION: u64 = 1 << 52;
use serde_json::{Value, json};

impl OrgWriter {
    pub(super) async fn import(
        &self,
        org: &str,
        actor: &str,
        snapshot: Value,
    ) -> Result<(u16, Value), ApiError> {
        self.import_text(org, actor, &snapshot.to_string()).await
    }

    /// Imports snapshot JSON text: from `import`, or from the chunks of an upload (`upload.rs`).
    pub(super) async fn import_text(
        &self,
        org: &str,
        actor: &str,
        text: &str,
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
        if is_view(text) {
            return Err(ApiError::invalid(
                "a member's view (`view_of`) cannot be imported; import a whole snapshot",
            ));
        }
        let engine = Engine::from_json(text).map_err(|e| ApiError::invalid(e.to_string()))?;
        if engine.org_id() != Some(org) {
            return Err(ApiError::invalid(
                "the snapshot's organization id differs from the path",
            ));
        }
        // History is what this deployment recorded: an imported log would let the importer
        // write entries "by" anyone at any time (X4). The import itself is the entry.
        if !engine.audit().is_empty() {
            return Err(ApiError::invalid(
                "a snapshot's audit log cannot be imported (remove `audit`): the import itself is recorded as one entry by the importer",
            ));
        }
        // Versions cross JavaScript (Durable Object storage, clients): leave room for 2^52
        // commands below 2^53 - 1, the largest integer a JavaScript number holds exactly.
        if engine.version() > MAX_IMPORTED_VERSION {
            return Err(ApiError::invalid(format!(
                "the snapshot's version is above {MAX_IMPORTED_VERSION} (2^52)"
            )));
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
        *self.meta.borrow_mut() = Some(super::store::Meta::default());
        *self.engine.borrow_mut() = Some(engine);
        let dirty = Dirty {
            all_workspaces: true,
            locators: self.all_locators(),
            ..Dirty::default()
        };
        // The entry first: a failed commit takes it back, so no import is half-recorded.
        let key = format!("audit/{version:020}");
        let entry = json!({
            "version": version, "actor": actor, "at": super::super::http::now_ms(),
            "command": {"type": "import_snapshot", "org": org}, "events": [],
        });
        let storage = self.state.storage();
        put_texts(&storage, &[(key.clone(), entry.to_string())]).await?;
        if let Err(e) = self.commit(&dirty, None).await {
            let _ = storage.delete(&key).await;
            return Err(e);
        }
        self.flush_soon().await;
        // Imported whole: from now on only what calls need is held (`partial.rs`).
        *self.engine.borrow_mut() = None;
        Ok((201, json!({ "version": version, "events": [] })))
    }
}

/// Whether snapshot text is a member's view (a non-null `view_of`), read without building it.
fn is_view(text: &str) -> bool {
    #[derive(serde::Deserialize)]
    struct ViewOf {
        #[serde(default)]
        view_of: Option<String>,
    }
    serde_json::from_str::<ViewOf>(text).is_ok_and(|v| v.view_of.is_some())
}
