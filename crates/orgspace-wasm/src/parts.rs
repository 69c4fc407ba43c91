//! Loading from parts, saving whole snapshots and reading the audit log: what hosts that store
//! an organization call (and the conformance runner's reloads), in the Node entry only
//! (feature `node`); a page loads what the edge hands it and never saves it.

use crate::convert::{json_text, time, to_js};
use crate::engine::Engine;
use crate::error::{invalid, refusal};
use orgspace_core::{PartsLoader, SnapshotError};
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
impl Engine {
    /// Loads an organization from its org part and some of its workspace parts, as a host
    /// that stores them apart does (the edge). The engine answers queries on the workspaces
    /// given and refuses commands. Throws `invalid` for parts that do not load.
    #[wasm_bindgen(js_name = fromParts)]
    pub fn from_parts(
        #[wasm_bindgen(unchecked_param_type = "OrgPart | string")] org: JsValue,
        #[wasm_bindgen(unchecked_param_type = "WorkspacePart[] | string")] workspaces: JsValue,
    ) -> Result<Engine, JsValue> {
        // Read straight from the text into the engine's tables (`PartsLoader`): no parsed
        // parts, no document tree, what the edge reader does too.
        let failed = |what: &str, e: SnapshotError| match e {
            SnapshotError::Malformed(m) => invalid(&format!("{what} is not valid: {m}")),
            e @ SnapshotError::Problems(_) => invalid(&e.to_string()),
        };
        let mut loader = PartsLoader::from_json(&json_text(org, "org part")?)
            .map_err(|e| failed("org part", e))?;
        loader
            .add_list_json(&json_text(workspaces, "workspace parts")?)
            .map_err(|e| failed("workspace parts", e))?;
        loader
            .finish()
            .map(Engine::wrap)
            .map_err(|e| invalid(&e.to_string()))
    }

    /// The audit log as `actor` may read it (X4): the entries after version `after`, oldest
    /// first. Throws `denied` (X4) for a member whose roles do not hold `view_audit_log`.
    #[wasm_bindgen(js_name = auditLog, unchecked_return_type = "AuditEntry[]")]
    pub fn audit_log(&self, actor: &str, after: f64) -> Result<JsValue, JsValue> {
        let after = time(after)?;
        self.inner
            .may_view_audit_log(actor)
            .map_err(|r| refusal(&r))?;
        let entries: Vec<&orgspace_core::AuditEntry> = self
            .inner
            .audit()
            .iter()
            .filter(|e| e.version > after)
            .collect();
        to_js(&entries)
    }

    /// The whole state as a snapshot object (`null` before the organization exists).
    #[wasm_bindgen(js_name = toSnapshot, unchecked_return_type = "Snapshot | null")]
    pub fn to_snapshot(&self) -> Result<JsValue, JsValue> {
        to_js(&self.inner.snapshot())
    }

    /// The whole state as snapshot JSON.
    #[wasm_bindgen(js_name = toJSON)]
    #[must_use]
    pub fn to_json(&self) -> String {
        self.inner.to_json()
    }
}
