//! A writer over some parts (issue 13): the org part, the org index and the workspace parts a
//! command needs, in the Node entry only (feature `node`), for hosts that store an organization
//! in parts and for `bench/writer-mem.mjs`, which measures this code path's memory.

use crate::convert::{from_js, time, to_js};
use crate::engine::Engine;
use crate::error::{invalid, refusal};
use orgspace_core::snapshot::{OrgPart, WorkspacePart};
use orgspace_core::{Command, OrgIndex};
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
impl Engine {
    /// Loads the org part, the org index and some workspace parts, for running commands whose
    /// parts are loaded (`needs`). Throws `invalid` for parts that do not load.
    #[wasm_bindgen(js_name = fromPartsIndexed)]
    pub fn from_parts_indexed(
        #[wasm_bindgen(unchecked_param_type = "OrgPart | string")] org: JsValue,
        #[wasm_bindgen(unchecked_param_type = "OrgIndex | string")] index: JsValue,
        #[wasm_bindgen(unchecked_param_type = "WorkspacePart[] | string")] workspaces: JsValue,
    ) -> Result<Engine, JsValue> {
        let org: OrgPart = from_js(org, "org part")?;
        let index: OrgIndex = from_js(index, "org index")?;
        let workspaces: Vec<WorkspacePart> = from_js(workspaces, "workspace parts")?;
        orgspace_core::Engine::from_parts_indexed(&org, &index, &workspaces)
            .map(Engine::wrap)
            .map_err(|e| invalid(&e.to_string()))
    }

    /// Adds workspace parts (each its stored bytes: the binary encoding or JSON text) to an
    /// engine over parts, or loads them with the org part and the index (`org`, `index` given,
    /// `engine` null): what the edge writer does (`IndexedLoader`), one part at a time, no
    /// parsed part in between. Throws `invalid` for parts that do not load.
    #[wasm_bindgen(js_name = addPartBytes)]
    pub fn add_part_bytes(
        engine: Option<Engine>,
        #[wasm_bindgen(unchecked_param_type = "OrgPart | string | null")] org: JsValue,
        #[wasm_bindgen(unchecked_param_type = "OrgIndex | string | null")] index: JsValue,
        parts: Vec<js_sys::Uint8Array>,
    ) -> Result<Engine, JsValue> {
        use orgspace_core::snapshot::IndexedLoader;
        let mut loader = match engine {
            Some(e) => IndexedLoader::resume(e.inner)
                .map_err(|_| invalid("not an engine over parts with an index"))?,
            None => {
                let org: OrgPart = from_js(org, "org part")?;
                let index: OrgIndex = from_js(index, "org index")?;
                IndexedLoader::new(&org, &index).map_err(|e| invalid(&e.to_string()))?
            }
        };
        for part in parts {
            loader
                .add_bytes(&part.to_vec())
                .map_err(|e| invalid(&e.to_string()))?;
        }
        loader
            .finish()
            .map(Engine::wrap)
            .map_err(|e| invalid(&e.to_string()))
    }

    /// One workspace's part in the binary encoding, encoded from the tables (what the edge
    /// writer commits); `undefined` when the engine does not know the workspace.
    #[wasm_bindgen(js_name = workspacePartBinary)]
    pub fn workspace_part_binary(&self, workspace: &str) -> Result<Option<Vec<u8>>, JsValue> {
        self.inner
            .workspace_part_binary(workspace)
            .transpose()
            .map_err(|e| invalid(&e.to_string()))
    }

    /// The org index as JSON (`null` before the organization exists).
    #[wasm_bindgen(js_name = indexJSON)]
    #[must_use]
    pub fn index_json(&self) -> String {
        serde_json::to_string(&self.inner.index()).unwrap_or_default()
    }

    /// What the engine lacks to run `command`: `{workspaces, assets}` (parts to load, asset ids
    /// to locate).
    #[wasm_bindgen(unchecked_return_type = "Needs")]
    pub fn needs(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Command")] command: JsValue,
    ) -> Result<JsValue, JsValue> {
        let command: Command = from_js(command, "command")?;
        to_js(&self.inner.needs(&command))
    }

    /// `execute`, with the parts it changed: `{applied, changed: {workspaces, deleted}}`.
    #[wasm_bindgen(js_name = executeTracked, unchecked_return_type = "Executed")]
    pub fn execute_tracked(
        &mut self,
        actor: &str,
        #[wasm_bindgen(unchecked_param_type = "Command")] command: JsValue,
        at: f64,
    ) -> Result<JsValue, JsValue> {
        let command: Command = from_js(command, "command")?;
        let at = time(at)?;
        let done = self
            .inner
            .execute_tracked(actor, &command, at)
            .map_err(|r| refusal(&r))?;
        to_js(&done)
    }

    /// One workspace's part as JSON (`null` when it is not held).
    #[wasm_bindgen(js_name = workspacePartJSON)]
    #[must_use]
    pub fn workspace_part_json(&self, workspace: &str) -> String {
        serde_json::to_string(&self.inner.workspace_part(workspace)).unwrap_or_default()
    }

    /// The org part as JSON.
    #[wasm_bindgen(js_name = orgPartJSON)]
    #[must_use]
    pub fn org_part_json(&self) -> String {
        serde_json::to_string(&self.inner.org_part()).unwrap_or_default()
    }
}
