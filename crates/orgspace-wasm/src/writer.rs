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

    /// What the engine lacks to answer the access diff of `command` by `actor` at `now`:
    /// `{workspaces, assets}` (parts to load, asset ids to locate; ask again after loading).
    #[wasm_bindgen(js_name = diffNeeds, unchecked_return_type = "Needs")]
    pub fn diff_needs(
        &self,
        actor: &str,
        #[wasm_bindgen(unchecked_param_type = "Command")] command: JsValue,
        now: f64,
    ) -> Result<JsValue, JsValue> {
        let command: Command = from_js(command, "command")?;
        to_js(&self.inner.diff_needs(actor, &command, time(now)?))
    }

    /// `accessDiff` on a copy of the whole engine, as it was computed before the diff read only
    /// the parts it needs: for `bench/access.mjs`, which prints both.
    #[wasm_bindgen(js_name = accessDiffWhole, unchecked_return_type = "AccessDiff")]
    pub fn access_diff_whole(
        &self,
        actor: &str,
        #[wasm_bindgen(unchecked_param_type = "Command")] command: JsValue,
        now: f64,
    ) -> Result<JsValue, JsValue> {
        let command: Command = from_js(command, "command")?;
        let diff = self
            .inner
            .access_diff_whole(actor, &command, time(now)?)
            .map_err(|r| refusal(&r))?;
        to_js(&diff)
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

#[wasm_bindgen]
impl Engine {
    /// How `command`, run by `actor`, spans workspaces (`{every, spread}`), or `null` for a
    /// command that does not: run it in rounds with [`SpanRun`].
    #[wasm_bindgen(unchecked_return_type = "Span | null")]
    pub fn span(
        &self,
        actor: &str,
        #[wasm_bindgen(unchecked_param_type = "Command")] command: JsValue,
    ) -> Result<JsValue, JsValue> {
        let command: Command = from_js(command, "command")?;
        to_js(&self.inner.span(actor, &command))
    }
}

/// A command spanning workspaces run part by part (`orgspace_core::SpanRun`): what the edge's
/// writer does, here for `bench/writer-mem.mjs` and Node hosts.
#[wasm_bindgen]
pub struct SpanRun {
    run: Option<orgspace_core::SpanRun>,
    engine: Option<orgspace_core::Engine>,
}

#[wasm_bindgen]
impl SpanRun {
    /// Starts `command` from `engine` (its org part and index); throws `invalid` for a command
    /// that does not span workspaces.
    #[wasm_bindgen(constructor)]
    pub fn new(
        engine: &Engine,
        actor: &str,
        #[wasm_bindgen(unchecked_param_type = "Command")] command: JsValue,
        at: f64,
    ) -> Result<SpanRun, JsValue> {
        let command: Command = from_js(command, "command")?;
        let run = orgspace_core::SpanRun::new(&engine.inner, actor, &command, time(at)?)
            .ok_or_else(|| invalid("the command does not span workspaces"))?;
        Ok(SpanRun {
            run: Some(run),
            engine: None,
        })
    }

    /// One round on `parts` (the `every` parts and a batch): the changed parts' JSON texts, to
    /// stage. Throws the refusal the org part decides.
    pub fn round(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "WorkspacePart[] | string")] parts: JsValue,
    ) -> Result<Vec<String>, JsValue> {
        let parts: Vec<WorkspacePart> = from_js(parts, "workspace parts")?;
        let run = self
            .run
            .as_mut()
            .ok_or_else(|| invalid("the run is finished"))?;
        let changed = run.round(&parts).map_err(|r| refusal(&r))?;
        drop(parts);
        Ok(changed
            .iter()
            .map(|p| serde_json::to_string(p).unwrap_or_default())
            .collect())
    }

    /// [`SpanRun::round`] on parts as the edge writer stores them (each the binary encoding or
    /// JSON text), read straight into the round's tables: the changed parts' binary encodings,
    /// what the writer stages. Throws the refusal the org part decides.
    #[wasm_bindgen(js_name = roundBytes)]
    pub fn round_bytes(
        &mut self,
        parts: Vec<js_sys::Uint8Array>,
    ) -> Result<Vec<js_sys::Uint8Array>, JsValue> {
        let run = self
            .run
            .as_mut()
            .ok_or_else(|| invalid("the run is finished"))?;
        let bytes: Vec<Vec<u8>> = parts.iter().map(js_sys::Uint8Array::to_vec).collect();
        drop(parts);
        let changed = run
            .round_bytes(bytes.iter().map(Vec::as_slice))
            .map_err(|r| refusal(&r))?;
        drop(bytes);
        Ok(changed
            .iter()
            .map(|(_, b)| js_sys::Uint8Array::from(b.as_slice()))
            .collect())
    }

    /// After every round: what the command did (`Executed`), or throws its refusal. The engine
    /// after it is then taken with `engine()`.
    #[wasm_bindgen(unchecked_return_type = "Executed")]
    pub fn finish(&mut self) -> Result<JsValue, JsValue> {
        let run = self
            .run
            .take()
            .ok_or_else(|| invalid("the run is finished"))?;
        let done = run.finish().map_err(|r| refusal(&r))?;
        self.engine = Some(done.engine);
        to_js(&done.executed)
    }

    /// The engine after the command (the org part and the index), once.
    pub fn engine(&mut self) -> Option<Engine> {
        self.engine.take().map(Engine::wrap)
    }
}
