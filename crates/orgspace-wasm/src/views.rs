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
    ) -> Result<JsValue, JsValue> {
        let view = self
            .inner
            .first_view(user, workspace.as_deref(), time(now)?)
            .map_err(|r| refusal(&r))?;
        to_js(&view)
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
