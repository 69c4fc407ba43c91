//! Views that page (issue 13). A page loads a member's first view with `Engine.fromSnapshot`
//! (`firstView.view`) and adds each workspace's view as the user opens it with
//! `addWorkspaceView`, which the package's JavaScript layer (npm/api.js) implements: it joins
//! the pieces (as `Snapshot::merge_view` does) and loads the joined view into this engine
//! through `replaceWith`, so the browser module carries no joining code. The Node entry also
//! makes the views (`firstView`, `workspaceView`), as a host serving them does.

#[cfg(feature = "node")]
use crate::convert::{time, to_js};
use crate::engine::Engine;
#[cfg(feature = "node")]
use crate::error::refusal;
#[cfg(feature = "node")]
use orgspace_core::snapshot::{FIRST_VIEW_LIST, ListOf};
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
impl Engine {
    /// Takes `other`'s state (which `other` gives up): how `addWorkspaceView` loads a joined
    /// view into the engine the page already holds.
    #[wasm_bindgen(js_name = replaceWith)]
    pub fn replace_with(&mut self, other: Engine) {
        *self = other;
    }
}

#[cfg(feature = "node")]
#[wasm_bindgen]
impl Engine {
    /// `user`'s first view at `now`: `{current, view}`, the view listing every workspace they
    /// see and holding the current one's part (`workspace`, else their personal workspace) when
    /// it is small. Throws `denied` (P1) for a non-member, `not_found` for a workspace they do
    /// not see.
    #[wasm_bindgen(js_name = firstView, unchecked_return_type = "FirstView")]
    pub fn first_view(
        &self,
        user: &str,
        workspace: Option<String>,
        now: f64,
        list: Option<u32>,
    ) -> Result<JsValue, JsValue> {
        let list = list.map_or(FIRST_VIEW_LIST, |n| n as usize);
        let view = self
            .inner
            .first_view_listing(user, workspace.as_deref(), list, time(now)?)
            .map_err(|r| refusal(&r))?;
        to_js(&view)
    }

    /// A page of `user`'s `list` ("workspaces", or "members" for an org admin) after `after`,
    /// at most `limit` entries: `{view, next}`, `view` to add with `addWorkspaceView`.
    #[wasm_bindgen(js_name = viewPage, unchecked_return_type = "ViewPage")]
    pub fn view_page(
        &self,
        user: &str,
        #[wasm_bindgen(unchecked_param_type = "ListOf")] list: &str,
        after: Option<String>,
        limit: u32,
        now: f64,
    ) -> Result<JsValue, JsValue> {
        let list = match list {
            "workspaces" => ListOf::Workspaces,
            "members" => ListOf::Members,
            other => {
                return Err(refusal(&orgspace_core::Refusal::Invalid {
                    rule: None,
                    message: format!("unknown list `{other}`: workspaces or members"),
                }));
            }
        };
        let page = self
            .inner
            .view_page(user, list, after.as_deref(), limit as usize, time(now)?)
            .map_err(|r| refusal(&r))?;
        to_js(&page)
    }

    /// `user`'s view of one workspace at `now`, for `addWorkspaceView`. Throws `not_found` for a
    /// workspace they do not see.
    #[wasm_bindgen(js_name = workspaceView, unchecked_return_type = "Snapshot")]
    pub fn workspace_view(
        &self,
        user: &str,
        workspace: &str,
        now: f64,
    ) -> Result<JsValue, JsValue> {
        let view = self
            .inner
            .workspace_view(user, workspace, time(now)?)
            .map_err(|r| refusal(&r))?;
        to_js(&view)
    }
}
