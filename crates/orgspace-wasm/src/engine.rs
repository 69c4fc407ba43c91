//! The `Engine` class.

use crate::convert::{from_js, time, to_js};
use crate::error::{invalid, refusal};
use orgspace_core::data::DataScope;
use orgspace_core::{CheckRequest, Command, Decision, Kind, Mode, Operation, Snapshot};
use wasm_bindgen::prelude::*;

/// The permission engine for one organization, in WebAssembly.
#[wasm_bindgen]
pub struct Engine {
    pub(crate) inner: orgspace_core::Engine,
    /// `filter`'s index of the core's asset ids, kept in JavaScript (lists.rs).
    pub(crate) ids: JsValue,
}

fn operation(op: &str) -> Result<Operation, JsValue> {
    Operation::parse(op).ok_or_else(|| invalid(&format!("unknown operation `{op}`")))
}

#[wasm_bindgen]
impl Engine {
    /// An engine with no organization: it accepts only `create_org` or `upgrade_org`.
    #[wasm_bindgen(constructor)]
    #[must_use]
    pub fn new() -> Engine {
        Engine::wrap(orgspace_core::Engine::new())
    }

    /// Loads an organization from a snapshot, given as an object or a JSON string.
    /// Throws `invalid` for a snapshot that is malformed or breaks an invariant.
    #[wasm_bindgen(js_name = fromSnapshot)]
    pub fn from_snapshot(
        #[wasm_bindgen(unchecked_param_type = "Snapshot | string")] snapshot: JsValue,
    ) -> Result<Engine, JsValue> {
        let snapshot: Snapshot = from_js(snapshot, "snapshot")?;
        orgspace_core::Engine::from_snapshot(&snapshot)
            .map(Engine::wrap)
            .map_err(|e| invalid(&e.to_string()))
    }

    /// The state's version: one more per accepted command.
    #[wasm_bindgen(getter)]
    #[must_use]
    pub fn version(&self) -> f64 {
        // Versions count commands; they stay far below 2^53.
        self.inner.version() as f64
    }

    /// Runs a command (`{type: "grant", ...}`) as `actor` at `at` ms. Returns
    /// `{version, events}`; throws an `Error` with `code` (`denied`, `invalid`, `not_found`,
    /// `conflict`) and `rule` when refused, in which case nothing changed.
    #[wasm_bindgen(unchecked_return_type = "Applied")]
    pub fn execute(
        &mut self,
        actor: &str,
        #[wasm_bindgen(unchecked_param_type = "Command")] command: JsValue,
        at: f64,
    ) -> Result<JsValue, JsValue> {
        let command: Command = from_js(command, "command")?;
        let at = time(at)?;
        let applied = self
            .inner
            .execute(actor, &command, at)
            .map_err(|r| refusal(&r))?;
        to_js(&applied)
    }

    /// The decision for `actor` doing `operation` on `asset` at `now`:
    /// `{allowed, rule, reason}`, the reason being the sentence that explains it (so there is
    /// no separate `explain`). Throws `not_found` for an unknown asset.
    #[wasm_bindgen(unchecked_return_type = "Answer")]
    pub fn check(
        &self,
        actor: &str,
        #[wasm_bindgen(unchecked_param_type = "Operation")] operation: &str,
        asset: &str,
        now: f64,
    ) -> Result<JsValue, JsValue> {
        let d = self.decide_asset(actor, operation, asset, now)?;
        to_js(&self.inner.answer(&d))
    }

    /// Whether `actor` may do `operation` on `asset` at `now`; an unknown asset is `false`.
    pub fn can(
        &self,
        actor: &str,
        #[wasm_bindgen(unchecked_param_type = "Operation")] operation: &str,
        asset: &str,
        now: f64,
    ) -> Result<bool, JsValue> {
        match self.decide_asset(actor, operation, asset, now) {
            Ok(d) => Ok(d.allowed),
            // An unknown asset is simply not allowed; bad arguments still throw.
            Err(e) if crate::error::code_of(&e).as_deref() == Some("not_found") => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// The decision for `actor` creating an asset of `kind` in `workspace`.
    #[wasm_bindgen(js_name = checkCreate, unchecked_return_type = "Answer")]
    pub fn check_create(
        &self,
        actor: &str,
        workspace: &str,
        #[wasm_bindgen(unchecked_param_type = "Kind")] kind: &str,
    ) -> Result<JsValue, JsValue> {
        let kind = Kind::parse(kind).ok_or_else(|| invalid(&format!("unknown kind `{kind}`")))?;
        let d = self
            .inner
            .check_create(actor, workspace, kind)
            .map_err(|r| refusal(&r))?;
        to_js(&self.inner.answer(&d))
    }

    /// The decision for one check request, the shape every host shares:
    /// `{operation, asset}`, or `{operation: "create", workspace, kind}` (or `create` with an
    /// `asset` alone, asking about its workspace and kind). Returns `{allowed, rule, reason}`;
    /// throws `invalid` for another shape, `not_found` for unknown ids.
    #[wasm_bindgen(unchecked_return_type = "Answer")]
    pub fn decide(
        &self,
        actor: &str,
        #[wasm_bindgen(unchecked_param_type = "CheckRequest")] request: JsValue,
        now: f64,
    ) -> Result<JsValue, JsValue> {
        let request: CheckRequest = from_js(request, "check request")?;
        let d = self
            .inner
            .decide(actor, &request, time(now)?)
            .map_err(|r| refusal(&r))?;
        to_js(&self.inner.answer(&d))
    }

    /// An asset's metadata as `actor` may see it (`references` they may view, `granted` when
    /// they hold an active grant on it). Throws `denied` when they may not view it.
    #[wasm_bindgen(js_name = assetInfo, unchecked_return_type = "AssetInfo")]
    pub fn asset_info(&self, actor: &str, asset: &str, now: f64) -> Result<JsValue, JsValue> {
        let info = self
            .inner
            .asset_info(actor, asset, time(now)?)
            .map_err(|r| refusal(&r))?;
        to_js(&info)
    }

    /// The organization's summary and what `actor` holds in it (`you`: org admin, points,
    /// whether their view is the whole organization).
    #[wasm_bindgen(js_name = orgSummary, unchecked_return_type = "OrgSummary")]
    pub fn org_summary(&self, actor: &str) -> Result<JsValue, JsValue> {
        let summary = self.inner.org_summary(actor).map_err(|r| refusal(&r))?;
        to_js(&summary)
    }

    /// Whether `actor` may read the audit log (X4), as `{allowed, rule, reason}`.
    #[wasm_bindgen(js_name = auditAccess, unchecked_return_type = "Answer")]
    pub fn audit_access(&self, actor: &str) -> Result<JsValue, JsValue> {
        let d = self.inner.audit_access(actor).map_err(|r| refusal(&r))?;
        to_js(&self.inner.answer(&d))
    }

    /// Whether `actor` may import this organization (an engine loaded from the snapshot to
    /// import): only its org admins (O1), as `{allowed, rule, reason}`.
    #[wasm_bindgen(js_name = mayImport, unchecked_return_type = "Answer")]
    pub fn may_import(&self, actor: &str) -> Result<JsValue, JsValue> {
        let d = self.inner.may_import(actor).map_err(|r| refusal(&r))?;
        to_js(&self.inner.answer(&d))
    }

    /// Whether `actor` holds what `command` requires of their standing at `at`, asked without
    /// running it: `{allowed, rule, reason}` (the reason empty when allowed), for a page that
    /// disables the command's form. Allowed does not promise the command is accepted (its
    /// input, X3 on what it hands out and rules about others are checked when it runs). In
    /// both entries: the console gates every form with it (about 1.3 KB gzipped).
    #[wasm_bindgen(js_name = mayRun, unchecked_return_type = "Answer")]
    pub fn may_run(
        &self,
        actor: &str,
        #[wasm_bindgen(unchecked_param_type = "Command")] command: JsValue,
        at: f64,
    ) -> Result<JsValue, JsValue> {
        let command: Command = from_js(command, "command")?;
        let answer = self
            .inner
            .may_run(actor, &command, time(at)?)
            .map_err(|r| refusal(&r))?;
        to_js(&answer)
    }

    // `visibleAssets` and `filter` are in lists.rs.

    /// The ids of the folders `actor` sees in `workspace`.
    #[wasm_bindgen(js_name = visibleFolders)]
    pub fn visible_folders(
        &self,
        actor: &str,
        workspace: &str,
        now: f64,
    ) -> Result<Vec<String>, JsValue> {
        let ids = self
            .inner
            .visible_folders(actor, workspace, time(now)?)
            .map_err(|r| refusal(&r))?;
        Ok(ids.into_iter().map(String::from).collect())
    }

    /// Who would gain or lose sight of which assets if `workspace` switched to `mode`.
    #[wasm_bindgen(js_name = modeSwitchDryRun, unchecked_return_type = "DryRun")]
    pub fn mode_switch_dry_run(
        &self,
        actor: &str,
        workspace: &str,
        #[wasm_bindgen(unchecked_param_type = "Mode")] mode: &str,
        now: f64,
    ) -> Result<JsValue, JsValue> {
        let mode = Mode::parse(mode).ok_or_else(|| invalid(&format!("unknown mode `{mode}`")))?;
        let run = self
            .inner
            .mode_switch_dry_run(actor, workspace, mode, time(now)?)
            .map_err(|r| refusal(&r))?;
        to_js(&run)
    }

    /// What `actor` may see of a dataset's data: `{dataset, table, columns, rows}`.
    #[wasm_bindgen(js_name = dataScope, unchecked_return_type = "DataScope")]
    pub fn data_scope(&self, actor: &str, dataset: &str, now: f64) -> Result<JsValue, JsValue> {
        let scope = self
            .inner
            .data_scope(actor, dataset, time(now)?)
            .map_err(|r| refusal(&r))?;
        to_js(&scope)
    }

    /// Rows of a dataset (objects of column values) as `actor` sees them: rows out of scope
    /// left out, hidden columns dropped, masked ones `"***"`.
    #[wasm_bindgen(js_name = previewRows, unchecked_return_type = "Record<string, unknown>[]")]
    pub fn preview_rows(
        &self,
        actor: &str,
        dataset: &str,
        #[wasm_bindgen(unchecked_param_type = "readonly Readonly<Record<string, unknown>>[]")] rows: JsValue,
        now: f64,
    ) -> Result<JsValue, JsValue> {
        let scope = self
            .inner
            .data_scope(actor, dataset, time(now)?)
            .map_err(|r| refusal(&r))?;
        apply(&scope, rows)
    }
}

impl Engine {
    pub(crate) fn wrap(inner: orgspace_core::Engine) -> Engine {
        Engine {
            inner,
            ids: crate::lists::new_index(),
        }
    }

    fn decide_asset(
        &self,
        actor: &str,
        operation: &str,
        asset: &str,
        now: f64,
    ) -> Result<Decision, JsValue> {
        let op = self::operation(operation)?;
        self.inner
            .check(actor, op, asset, time(now)?)
            .map_err(|r| refusal(&r))
    }
}

impl Default for Engine {
    fn default() -> Self {
        Engine::new()
    }
}

/// Applies a data scope (as returned by `dataScope`) to rows, without an engine.
#[wasm_bindgen(js_name = applyDataScope, unchecked_return_type = "Record<string, unknown>[]")]
pub fn apply_data_scope(
    #[wasm_bindgen(unchecked_param_type = "DataScope")] scope: JsValue,
    #[wasm_bindgen(unchecked_param_type = "readonly Readonly<Record<string, unknown>>[]")]
    rows: JsValue,
) -> Result<JsValue, JsValue> {
    let scope: DataScope = from_js(scope, "data scope")?;
    apply(&scope, rows)
}

fn apply(scope: &DataScope, rows: JsValue) -> Result<JsValue, JsValue> {
    let rows: Vec<serde_json::Map<String, serde_json::Value>> = from_js(rows, "rows")?;
    to_js(&scope.apply(&rows))
}

/// The operation on its asset that a command of this `type` requires first (`"delete_asset"`:
/// `"delete"`), or `undefined` for a command not about one asset: what a page asks the engine
/// (`check`) before offering the command, without a table of its own.
#[wasm_bindgen(js_name = commandOperation, unchecked_return_type = "Operation | undefined")]
#[must_use]
pub fn command_operation(command_type: &str) -> JsValue {
    Command::asset_operation(command_type)
        .map_or(JsValue::UNDEFINED, |op| JsValue::from_str(op.as_str()))
}
