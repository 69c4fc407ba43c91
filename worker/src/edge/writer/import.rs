//! Creating an organization from a whole snapshot (`PUT /v1/orgs/{org}/snapshot`).

use super::store::put_texts;
use super::{OrgWriter, to_text};
use crate::api_error::ApiError;
use crate::storage_layout::Dirty;
use orgspace_core::{AuditEntry, Engine};
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
        let admin = engine.org_part().is_some_and(|p| {
            p.members
                .iter()
                .any(|m| m.user == actor && m.roles.iter().any(|r| r == "org_admin"))
        });
        if !admin {
            return Err(ApiError::from(orgspace_core::Refusal::Denied {
                rule: orgspace_core::Rule::O1,
                reason: format!("`{actor}` is not an org admin in the snapshot"),
            }));
        }
        let version = engine.version();
        let audit: Vec<AuditEntry> = engine.audit().to_vec();
        *self.meta.borrow_mut() = Some(super::store::Meta::default());
        *self.engine.borrow_mut() = Some(engine);
        let dirty = Dirty {
            all_workspaces: true,
            locators: self.all_locators(),
            ..Dirty::default()
        };
        self.commit(&dirty, None).await?;
        let entries: Vec<(String, String)> = audit
            .iter()
            .map(|e| Ok((format!("audit/{:020}", e.version), to_text(e)?)))
            .collect::<Result<_, ApiError>>()?;
        for batch in entries.chunks(super::store::BATCH_KEYS) {
            put_texts(&self.state.storage(), batch).await?;
        }
        self.flush_soon().await;
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
