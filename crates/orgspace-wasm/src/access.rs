//! The three access questions (issue 15): who has access to an asset or sees a folder, the
//! access diff of a command, and a workspace as another member sees it. Each is one call to
//! the core; nothing is decided here.
//!
//! Only the Node entry carries them (feature `node`): they are an administrator's questions,
//! which a server (the edge API, a BI backend) answers, and together they would add about 14 KB
//! gzipped to the module every page downloads (about 149.6 KB without them, 150 KB its cap).

use crate::convert::{from_js, time, to_js};
use crate::engine::Engine;
use crate::error::{invalid, refusal};
use orgspace_core::Operation;
use wasm_bindgen::prelude::*;

/// A page size from JavaScript: a whole number from 1, or nothing for the default.
fn limit(limit: Option<f64>) -> Result<Option<usize>, JsValue> {
    match limit {
        None => Ok(None),
        Some(n) if n >= 1.0 && n.fract() == 0.0 && n <= 1e9 =>
        {
            #[expect(
                clippy::cast_possible_truncation,
                clippy::cast_sign_loss,
                reason = "checked just above"
            )]
            Ok(Some(n as usize))
        }
        Some(n) => Err(invalid(&format!("limit {n} is not a whole number from 1"))),
    }
}

#[wasm_bindgen]
impl Engine {
    /// Who may perform `operation` on `asset`, and why: `{members, next?}`, one page by user
    /// id after `cursor` (the previous page's `next`), at most `limit` (default 100, at most
    /// 1000). Asked by the asset's owner, workspace and org admins and permission admins (A3).
    #[wasm_bindgen(js_name = whoHasAccess, unchecked_return_type = "AccessPage")]
    pub fn who_has_access(
        &self,
        actor: &str,
        asset: &str,
        #[wasm_bindgen(unchecked_param_type = "Operation")] operation: &str,
        cursor: Option<String>,
        page_limit: Option<f64>,
        now: f64,
    ) -> Result<JsValue, JsValue> {
        let op = Operation::parse(operation)
            .ok_or_else(|| invalid(&format!("unknown operation `{operation}`")))?;
        let page = self
            .inner
            .who_has_access(
                actor,
                asset,
                op,
                cursor.as_deref(),
                limit(page_limit)?,
                time(now)?,
            )
            .map_err(|r| refusal(&r))?;
        to_js(&page)
    }

    /// Who sees `folder` in its workspace's list, and why (W7): paged as `whoHasAccess`.
    #[wasm_bindgen(js_name = whoSeesFolder, unchecked_return_type = "AccessPage")]
    pub fn who_sees_folder(
        &self,
        actor: &str,
        folder: &str,
        cursor: Option<String>,
        page_limit: Option<f64>,
        now: f64,
    ) -> Result<JsValue, JsValue> {
        let page = self
            .inner
            .who_sees_folder(
                actor,
                folder,
                cursor.as_deref(),
                limit(page_limit)?,
                time(now)?,
            )
            .map_err(|r| refusal(&r))?;
        to_js(&page)
    }

    /// `workspace` as `user` sees it, for an org admin or an admin of it: `{assets, folders,
    /// creates, ...}`. Run the `view_as` command to record it in the audit log.
    #[wasm_bindgen(js_name = viewAs, unchecked_return_type = "ViewAs")]
    pub fn view_as(
        &self,
        actor: &str,
        user: &str,
        workspace: &str,
        now: f64,
    ) -> Result<JsValue, JsValue> {
        let view = self
            .inner
            .view_as(actor, user, workspace, time(now)?)
            .map_err(|r| refusal(&r))?;
        to_js(&view)
    }

    /// What `command` would change in access if `actor` ran it at `now`, without running it:
    /// `{events, gains, loses, lists}`. Throws the command's own refusal.
    #[wasm_bindgen(js_name = accessDiff, unchecked_return_type = "AccessDiff")]
    pub fn access_diff(
        &self,
        actor: &str,
        #[wasm_bindgen(unchecked_param_type = "Command")] command: JsValue,
        now: f64,
    ) -> Result<JsValue, JsValue> {
        let command: orgspace_core::Command = from_js(command, "command")?;
        let diff = self
            .inner
            .access_diff(actor, &command, time(now)?)
            .map_err(|r| refusal(&r))?;
        to_js(&diff)
    }
}
