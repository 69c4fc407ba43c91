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
    /// given and refuses commands. Throws `invalid` for parts that do not load. The org part
    /// may also be its binary encoding (`orgPartToBinary`), as workspace parts theirs. Parts come as
    /// objects, JSON text, or its UTF-8 bytes (a `Uint8Array`, copied as is rather than
    /// encoded: what a host read from storage): an array of parts (one at a time, the
    /// leanest), or an array's text.
    #[wasm_bindgen(js_name = fromParts)]
    pub fn from_parts(
        #[wasm_bindgen(unchecked_param_type = "OrgPart | string | Uint8Array")] org: JsValue,
        #[wasm_bindgen(
            unchecked_param_type = "Array<WorkspacePart | string | Uint8Array> | string | Uint8Array"
        )]
        workspaces: JsValue,
    ) -> Result<Engine, JsValue> {
        // Read straight from the text into the engine's tables (`PartsLoader`): no parsed
        // parts, no document tree, what the edge reader does too.
        let failed = |what: &str, e: SnapshotError| match e {
            SnapshotError::Malformed(m) => invalid(&format!("{what} is not valid: {m}")),
            e @ SnapshotError::Problems(_) => invalid(&e.to_string()),
        };
        // The org part's bytes may be the binary encoding the edge stores (`orgPartToBinary`).
        let org_bytes = org
            .is_instance_of::<js_sys::Uint8Array>()
            .then(|| js_sys::Uint8Array::from(org.clone()).to_vec())
            .filter(|b| orgspace_core::snapshot::org_binary::is_binary(b));
        let mut loader = match org_bytes {
            Some(bytes) => PartsLoader::from_org_bytes(&bytes),
            None => PartsLoader::from_json(&part_text(org, "org part")?),
        }
        .map_err(|e| failed("org part", e))?;
        if js_sys::Array::is_array(&workspaces) {
            // One part at a time: each text is freed before the next is read, and sizes the
            // tables for its own assets.
            // Bytes may be the binary encoding the edge stores (`partToBinary`) or JSON text.
            for part in js_sys::Array::from(&workspaces).iter() {
                let added = if part.is_instance_of::<js_sys::Uint8Array>() {
                    loader.add_bytes(&js_sys::Uint8Array::from(part).to_vec())
                } else {
                    loader.add_json(&part_text(part, "workspace part")?)
                };
                added.map_err(|e| failed("workspace part", e))?;
            }
        } else {
            loader
                .add_list_json(&part_text(workspaces, "workspace parts")?)
                .map_err(|e| failed("workspace parts", e))?;
        }
        loader
            .finish()
            .map(Engine::wrap)
            .map_err(|e| invalid(&e.to_string()))
    }

    /// A workspace part (an object, its JSON text or UTF-8 bytes) in the compact binary
    /// encoding the edge stores in KV, which `fromParts` reads about twice as fast as JSON:
    /// for hosts that store parts themselves.
    #[wasm_bindgen(js_name = partToBinary)]
    pub fn part_to_binary(
        #[wasm_bindgen(unchecked_param_type = "WorkspacePart | string | Uint8Array")] part: JsValue,
    ) -> Result<Vec<u8>, JsValue> {
        let text = part_text(part, "workspace part")?;
        let part: orgspace_core::snapshot::WorkspacePart = serde_json::from_str(&text)
            .map_err(|e| invalid(&format!("workspace part is not valid: {e}")))?;
        orgspace_core::snapshot::binary::part_to_binary(&part).map_err(|e| invalid(&e.to_string()))
    }

    /// The org part (an object, its JSON text or UTF-8 bytes) in the compact binary encoding
    /// the edge stores in KV, which `fromParts` takes in place of the org part's JSON.
    #[wasm_bindgen(js_name = orgPartToBinary)]
    pub fn org_part_to_binary(
        #[wasm_bindgen(unchecked_param_type = "OrgPart | string | Uint8Array")] org: JsValue,
    ) -> Result<Vec<u8>, JsValue> {
        let text = part_text(org, "org part")?;
        let part: orgspace_core::snapshot::OrgPart = serde_json::from_str(&text)
            .map_err(|e| invalid(&format!("org part is not valid: {e}")))?;
        orgspace_core::snapshot::org_binary::org_to_binary(&part)
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

/// The JSON text of a part given as UTF-8 bytes, a JSON string or plain objects.
fn part_text(value: JsValue, what: &str) -> Result<String, JsValue> {
    if value.is_instance_of::<js_sys::Uint8Array>() {
        return String::from_utf8(js_sys::Uint8Array::from(value).to_vec())
            .map_err(|_| invalid(&format!("{what} is not valid: not UTF-8")));
    }
    json_text(value, what)
}
