//! `filter` and `visibleAssets`: a list of ids crosses the boundary as one string each way.
//!
//! Handing over one JavaScript string per id costs far more than deciding it. So `filter`
//! takes its ids as one `JSON.stringify` text, split here in place, and hands back the indexes
//! of the kept ids, which JavaScript picks from its own array; `visibleAssets` joins its ids
//! with line feeds (an id holds no control character: the core refuses them) and JavaScript
//! splits them. The results are those of the core, as before.

use crate::convert::time;
use crate::engine::Engine;
use crate::error::{invalid, refusal};
use js_sys::Array;
use orgspace_core::Operation;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(inline_js = r#"
export function idsJson(a) {
  if (Array.isArray(a)) try { return new TextEncoder().encode(JSON.stringify(a)); } catch (e) {}
}
export function pick(a, ix) {
  const out = new Array(ix.length);
  for (let k = 0; k < ix.length; k++) out[k] = a[ix[k]];
  return out;
}
export function splitIds(s, n) {
  return n === 0 ? [] : s.split("\n");
}
"#)]
extern "C" {
    /// `JSON.stringify(ids)` as UTF-8: one string for the whole list.
    #[wasm_bindgen(js_name = idsJson)]
    fn ids_json(ids: &JsValue) -> Option<Vec<u8>>;
    /// The elements of `ids` at the indexes `ix`, in that order.
    fn pick(ids: &JsValue, ix: &[u32]) -> Array;
    /// The `n` ids of `joined` (joined with line feeds) as an array.
    #[wasm_bindgen(js_name = splitIds)]
    fn split_ids(joined: &str, n: u32) -> Array;
}

/// The ids as a JavaScript array, built from one string.
fn to_array(ids: &[&str]) -> Array {
    // Lists stay far below 2^32 ids (wasm32 memory).
    split_ids(&ids.join("\n"), ids.len() as u32)
}

/// The strings of a JSON array of strings without escapes (as `JSON.stringify` writes it),
/// borrowed; `None` for anything else.
fn parse(json: &str) -> Option<Vec<&str>> {
    if json == "[]" {
        return Some(Vec::new());
    }
    if json.contains('\\') {
        return None;
    }
    let mut parts = json.split('"');
    if parts.next()? != "[" {
        return None;
    }
    let mut ids = Vec::with_capacity(json.len() / 8);
    loop {
        ids.push(parts.next()?);
        match parts.next()? {
            "," => {}
            "]" => return parts.next().is_none().then_some(ids),
            _ => return None,
        }
    }
}

#[wasm_bindgen]
impl Engine {
    /// The ids of the assets `actor` sees in `workspace`'s asset list.
    #[wasm_bindgen(js_name = visibleAssets, unchecked_return_type = "string[]")]
    pub fn visible_assets(&self, actor: &str, workspace: &str, now: f64) -> Result<Array, JsValue> {
        let ids = self
            .inner
            .visible_assets(actor, workspace, time(now)?)
            .map_err(|r| refusal(&r))?;
        Ok(to_array(&ids))
    }

    /// The ids among `assets` on which `actor` may do `operation`, in their order: one call
    /// for a whole list. Unknown ids are left out.
    #[wasm_bindgen(unchecked_return_type = "string[]")]
    pub fn filter(
        &self,
        actor: &str,
        #[wasm_bindgen(unchecked_param_type = "Operation")] operation: &str,
        #[wasm_bindgen(unchecked_param_type = "string[]")] assets: &JsValue,
        now: f64,
    ) -> Result<Array, JsValue> {
        let op = Operation::parse(operation)
            .ok_or_else(|| invalid(&format!("unknown operation `{operation}`")))?;
        let now = time(now)?;
        let json = ids_json(assets).unwrap_or_default();
        let owned: Vec<String>;
        let ids = match core::str::from_utf8(&json).ok().and_then(parse) {
            Some(ids) => ids,
            None => {
                // Ids with escapes, or not an array of strings: one string at a time.
                let assets = assets
                    .dyn_ref::<Array>()
                    .ok_or_else(|| invalid("assets must be an array of strings"))?;
                owned = assets
                    .iter()
                    .map(|id| id.as_string())
                    .collect::<Option<_>>()
                    .ok_or_else(|| invalid("assets must be an array of strings"))?;
                owned.iter().map(String::as_str).collect()
            }
        };
        // The kept ids are the very slices of `ids`, in order: their indexes, for `pick`.
        let kept = self.inner.filter(actor, op, &ids, now);
        let mut kept = kept.iter().peekable();
        let mut ix = Vec::with_capacity(kept.len());
        for (i, id) in (0u32..).zip(&ids) {
            if kept.next_if(|k| core::ptr::eq(**k, *id)).is_some() {
                ix.push(i);
            }
        }
        Ok(pick(assets, &ix))
    }
}
