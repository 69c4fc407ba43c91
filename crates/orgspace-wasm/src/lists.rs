//! `filter` and `visibleAssets`: a list of ids crosses the boundary without one string per id.
//!
//! Handing over one JavaScript string per id costs far more than deciding it, and so does
//! handing over their text (`JSON.stringify`, encoding, copying and splitting 100,000 ids took
//! longer than deciding them). So no id text goes into WebAssembly for `filter`: each `Engine`
//! keeps, in JavaScript, the core's asset ids in index order (fetched on the first `filter`,
//! then only extended by the ids created since: the core's list only grows,
//! `Engine::asset_ids`, so nothing is ever rebuilt). One JavaScript loop writes the caller's
//! ids as indexes straight into WebAssembly memory, trying the index after the previous one
//! first: a list in the engine's own order costs a string comparison per id. Other ids are
//! looked up in a dictionary from id to index, built on the first such id (and while the ids
//! come out of order, the guess is not tried). The core decides
//! the indexes in one batch (`Engine::filter_indexes`), in its own index order whatever the
//! caller's (`ascending`: a list out of order is handed over as the set of its indexes,
//! ascending, and each position answered by its own), and hands back the positions of the kept
//! ids, which JavaScript picks from the caller's own array.
//!
//! The dictionary is a null-prototype object, not a `Map`: V8 builds it about 3x slower (some
//! 50 ms for 100,000 ids, once), but looks up the same strings again about 2x faster (100,000
//! ids in random order: about 5 ms instead of 12 ms). Each lookup still costs two or three
//! cache misses (the caller's string, the key it was interned as, the dictionary's slot), so
//! the index also keeps the last list it was given with its indexes: an app filters the same
//! list again after every change, and an element equal to the one at its position last time
//! takes the index it had, by comparing two references in order.
//!
//! A list that names at least half as many ids as the engine has assets (issue 15) is
//! answered from every asset's decision for that user and operation: the core decides every
//! asset in index order once, and JavaScript keeps the answer at that version of the state
//! for the span in which no grant expires (`Engine::filter_steady`), up to 16 (user,
//! operation) pairs. It is kept as a bitmap of the allowed indexes and, when at most one in
//! eight of the listed ids is allowed (an analyst: 2,423 of 100,000), also as a `Set` of the
//! allowed ids. The next such list of theirs costs no decision and no call into the core: in
//! the engine's order or the index memo's, each id's index comes as above and its bit is read;
//! the same list again as the call before is answered by its answer at each position (no string
//! read); any other order is looked up in the `Set` (one lookup per id in a small, hot table,
//! against two or three cache misses per id in the dictionary; 64 ids at a time, each block's
//! strings read first so that their cache misses overlap; about 1.4 ms for 100,000 ids, the
//! floor of V8's `Set.prototype.has` on strings, which neither a hash of our own in JavaScript
//! nor handing the text to WebAssembly beat) or, when many are allowed (an admin), through the
//! dictionary to the bitmap. A command (a new version), a view added (a new index) or a time
//! outside the span drops them.
//!
//! `visibleAssets` joins its ids with line feeds (an id holds no control character: the core
//! refuses them) and JavaScript splits them. The results are those of the core.

use crate::convert::time;
use crate::engine::Engine;
use crate::error::{invalid, refusal};
use js_sys::Array;
use orgspace_core::Operation;
use wasm_bindgen::prelude::*;

// The JavaScript half (its comments here, so that pages do not download them):
// - `indexesOf`'s memo is the last list as it was then: an element that is the one at the same
//   position then has the index it had (an index never changes). `Object.is` of the same string
//   compares two references and reads neither string: no cache miss. Unknown ids are looked up
//   again (they may exist now). Kept in place, and valid only once a call has stored its list
//   whole (`last.n`). Two different strings are compared by reading both (two cache misses):
//   after a few misses in a row the list is not the last one and the rest goes straight to the
//   dictionary. A list that looks like the last one (its length, and the same strings at its
//   ends and middle) goes through the memo even when `bail` is asked: an app filters the same
//   list again. `guess`: the last id was where the one before it said; else reading the string
//   at `next` is a wasted cache miss (about a third of the time of a shuffled list). `up`: the
//   indexes never went down (unknown ids count as the largest). `out` views WebAssembly memory:
//   its length changes if a getter grew the memory (detaching the view), refused as 1.
// - `ascending`: the core reads each asset it decides, forward in index order and a cache miss
//   each in any other (100,000 shuffled ids: milliseconds of misses), so a list out of order
//   is handed over as the set of its indexes (a bitmap, 12.5 KB for 100,000 assets, read out
//   ascending), and `pick` answers each position by its own index's bit.
// - `keepIn` looks each id up in the `Set` of allowed ids (few allowed) or its index in the
//   dictionary and then the bitmap (many). A list that looks like the one of the call before
//   (`probe`: its length and the strings at its ends and middle) is kept with the answer at
//   each position (`seen`, made in the same pass) for the kept decisions it read (`e`, the
//   object: a new version, user, operation or span is another): an element that is the one at
//   its position then, by `Object.is`, has the answer it had, so the same list again reads no
//   string (`Object.is` of two different strings reads both: after a few in a row, the rest is
//   looked up). A list in a new order is looked up and nothing else: its copy alone cost about
//   0.3 ms of 1.8. It is looked up 64 ids at a time, each block's strings read first (their
//   length): those reads are independent, so the processor waits for many cache misses at
//   once, where `Set.prototype.has` (a call per id) waits for about one at a time. 100,000
//   shuffled ids in Chromium, medians of 60 calls at load 5-6 on the 2 cores: 2.5-3.0 ms
//   against 4.5-4.9 ms one by one (bench/run.sh's ids); ids parsed from JSON: 1.47 against
//   1.55-1.6 ms. Blocks of 64, 256, 1,024 and 4,096 measured alike. The dictionary (many
//   allowed) is read the same way: 100,000 lookups, 2.9 against 3.25 ms (JSON: 1.44 against
//   1.86 ms).
#[wasm_bindgen(inline_js = r#"
export function newIndex() {
  return { ids: [], map: null, last: null, kept: null, asked: null, scratch: null, order: null, sorted: null, seen: null };
}
export function indexLen(x) {
  return x.ids.length;
}
export function extendIndex(x, joined) {
  for (const id of joined.split("\n")) {
    if (x.map !== null) x.map[id] = x.ids.length;
    x.ids.push(id);
  }
}
export function idsLen(a) {
  return Array.isArray(a) ? a.length : -1;
}
function byId(x) {
  const map = Object.create(null);
  x.ids.forEach((id, i) => { map[id] = i; });
  return (x.map = map);
}
const NONE = 0xffffffff;
const bitmap = (x) => new Int32Array((x.ids.length + 31) >> 5);
const mark = (bits, i) => { bits[i >> 5] |= 1 << (i & 31); };
const on = (bits, i) => i !== NONE && (bits[i >> 5] & (1 << (i & 31))) !== 0;
const lastOf = (x) => x.last ?? (x.last = { ids: [], ixs: new Uint32Array(0), n: 0 });
export function indexesOf(x, a, out, bail) {
  const ids = x.ids, n = out.length, last = lastOf(x), was = last.ids, wasIx = last.ixs;
  x.order = null;
  let map = x.map, m = last.n, misses = 0, up = true;
  last.n = 0;
  if (bail && m === n && n > 0 && Object.is(was[0], a[0]) && Object.is(was[n >> 1], a[n >> 1]) &&
      Object.is(was[n - 1], a[n - 1])) bail = false;
  for (let k = 0, next = 0, guess = true, prev = 0; k < n; k++) {
    const id = a[k];
    let i;
    if (k < m && Object.is(was[k], id) && wasIx[k] !== NONE) {
      i = wasIx[k];
      misses = 0;
    } else {
      if (++misses > 8) m = 0;
      if (typeof id !== "string") return 1;
      was[k] = id;
      if (guess && ids[next] === id) {
        i = next;
      } else if (bail) {
        return 2;
      } else {
        i = (map ?? (map = byId(x)))[id];
        guess = i === next;
      }
    }
    if (i === undefined) {
      out[k] = i = NONE;
    } else {
      out[k] = i;
      next = i + 1;
    }
    if (i < prev) up = false;
    prev = i;
  }
  if (out.length !== n) return 1;
  was.length = n;
  if (wasIx.length < n) last.ixs = out.slice();
  else wasIx.set(out);
  last.n = n;
  return up ? 0 : 3;
}
export function ascending(x, out) {
  const order = (x.order = out.slice()), bits = bitmap(x);
  for (let k = 0; k < order.length; k++) if (order[k] !== NONE) mark(bits, order[k]);
  let m = 0;
  for (let w = 0; w < bits.length; w++) {
    for (let b = bits[w]; b !== 0; b &= b - 1) out[m++] = (w << 5) | (31 - Math.clz32(b & -b));
  }
  x.sorted = out.slice(0, m);
  return m;
}
function keepAt(e, a, ixs) {
  const out = [];
  for (let k = 0; k < ixs.length; k++) if (on(e.bits, ixs[k])) out.push(a[k]);
  return out;
}
function keepIn(x, e, a) {
  const set = e.set, bits = e.bits, map = set === null ? x.map ?? byId(x) : null;
  const s = x.seen ?? (x.seen = { e: null, ids: [], ok: new Uint8Array(0), n: 0, probe: [] });
  const n = a.length, was = s.ids, probe = s.probe, out = [];
  const again = probe.length === 4 && probe[0] === n && Object.is(probe[1], a[0]) &&
    Object.is(probe[2], a[n >> 1]) && Object.is(probe[3], a[n - 1]);
  s.probe = [n, a[0], a[n >> 1], a[n - 1]];
  if (!again) {
    for (let b = 0; b < n; b += 64) {
      const end = b + 64 < n ? b + 64 : n;
      let len = 0;
      for (let k = b; k < end; k++) {
        const id = a[k];
        if (typeof id !== "string") return null;
        len += id.length;
      }
      if (len < 0) return null;
      if (set !== null) {
        for (let k = b; k < end; k++) if (set.has(a[k])) out.push(a[k]);
      } else {
        for (let k = b; k < end; k++) if (on(bits, map[a[k]] ?? NONE)) out.push(a[k]);
      }
    }
    return out;
  }
  let m = again && s.e === e ? Math.min(s.n, n) : 0, misses = 0;
  s.e = null;
  if (s.ok.length < n) {
    const ok = new Uint8Array(n);
    ok.set(s.ok.subarray(0, m));
    s.ok = ok;
  }
  const ok = s.ok;
  for (let k = 0; k < n; k++) {
    const id = a[k];
    if (k < m && Object.is(was[k], id)) {
      misses = 0;
      if (ok[k] === 1) out.push(id);
      continue;
    }
    if (++misses > 8) m = 0;
    if (typeof id !== "string") return null;
    was[k] = id;
    const yes = set !== null ? set.has(id) : on(bits, map[id] ?? NONE);
    ok[k] = yes ? 1 : 0;
    if (yes) out.push(id);
  }
  was.length = n;
  s.n = n;
  s.e = e;
  return out;
}
export function keepCached(x, a, actor, op, version, now) {
  const key = `${op}\n${actor}`;
  x.asked = { key, version };
  const e = x.kept?.version === version ? x.kept.sets.get(key) : undefined;
  if (e === undefined || now < e.from || now >= e.until) return null;
  const n = a.length;
  if (x.scratch === null || x.scratch.length < n) x.scratch = new Uint32Array(n);
  const ixs = x.scratch.subarray(0, n), code = indexesOf(x, a, ixs, true);
  return code === 2 ? keepIn(x, e, a) : code !== 1 ? keepAt(e, a, ixs) : null;
}
export function keepAllowed(x, a, allowed, from, until, ixs) {
  const { key, version } = x.asked, ids = x.ids, bits = bitmap(x);
  for (let i = 0; i < allowed.length; i++) mark(bits, allowed[i]);
  let set = null;
  if (allowed.length * 8 <= a.length) {
    set = new Set();
    for (let i = 0; i < allowed.length; i++) set.add(ids[allowed[i]]);
  }
  if (x.kept?.version !== version || x.kept.sets.size >= 16) x.kept = { version, sets: new Map() };
  const e = { from, until, set, bits };
  x.kept.sets.set(key, e);
  return ixs.length === a.length ? keepAt(e, a, ixs) : keepIn(x, e, a);
}
export function pick(x, a, ix) {
  const order = x.order, sorted = x.sorted;
  if (order === null) {
    const out = new Array(ix.length);
    for (let k = 0; k < ix.length; k++) out[k] = a[ix[k]];
    return out;
  }
  x.order = null;
  const bits = bitmap(x), out = [];
  for (let j = 0; j < ix.length; j++) mark(bits, sorted[ix[j]]);
  for (let k = 0; k < order.length; k++) if (on(bits, order[k])) out.push(a[k]);
  return out;
}
export function splitIds(s, n) {
  return n === 0 ? [] : s.split("\n");
}
"#)]
extern "C" {
    /// An empty id index: the ids by index (`ids`); built on the first id not found by
    /// position, the indexes by id (`map`); the memo (`last`), the kept decisions (`kept`) and
    /// `ascending`'s lists.
    #[wasm_bindgen(js_name = newIndex)]
    pub(crate) fn new_index() -> JsValue;
    /// How many ids the index holds.
    #[wasm_bindgen(js_name = indexLen)]
    fn index_len(index: &JsValue) -> u32;
    /// Appends the ids of `joined` (joined with line feeds) at the next indexes.
    #[wasm_bindgen(js_name = extendIndex)]
    fn extend_index(index: &JsValue, joined: &str);
    /// The length of `ids`, or -1 when it is not an array.
    #[wasm_bindgen(js_name = idsLen)]
    fn ids_len(ids: &JsValue) -> f64;
    /// Writes the index of each id of `ids` into `out` (`u32::MAX` when unknown): 0 when
    /// done in ascending order, 3 when done in another, 1 when an element is not a string, 2
    /// when `bail` and an id is neither where the last list had it nor after the id before it
    /// (out of order).
    #[wasm_bindgen(js_name = indexesOf)]
    fn indexes_of(index: &JsValue, ids: &JsValue, out: &mut [u32], bail: bool) -> u8;
    /// Puts the indexes of `out` (as `indexesOf` wrote them), once each and ascending, in its
    /// first places and returns their count; the next `pick` answers by them.
    fn ascending(index: &JsValue, out: &mut [u32]) -> u32;
    /// The elements of `ids` that are the ids of the indexes `allowed`, in their order; null
    /// when an element is not a string. Keeps the allowed ids, for a time in `[from, until)`,
    /// under what the last `keepCached` was asked. `ixs`: the index of each element, or empty
    /// (they are then found without).
    #[wasm_bindgen(js_name = keepAllowed)]
    fn keep_allowed(
        index: &JsValue,
        ids: &JsValue,
        allowed: &[u32],
        from: f64,
        until: f64,
        ixs: &[u32],
    ) -> Option<Array>;
    /// `keepAllowed` with the allowed ids kept for `actor` and `op` at `version` and `now`;
    /// null when none are kept or an element is not a string.
    #[wasm_bindgen(js_name = keepCached)]
    fn keep_cached(
        index: &JsValue,
        ids: &JsValue,
        actor: &str,
        op: &str,
        version: f64,
        now: f64,
    ) -> Option<Array>;
    /// The elements of `ids` at the positions `ix`, in that order; after `ascending`, those
    /// whose index is at a place `ix` of its list.
    fn pick(index: &JsValue, ids: &JsValue, ix: &[u32]) -> Array;
    /// The `n` ids of `joined` (joined with line feeds) as an array.
    #[wasm_bindgen(js_name = splitIds)]
    fn split_ids(joined: &str, n: u32) -> Array;
}

/// The ids as a JavaScript array, built from one string.
fn to_array(ids: &[&str]) -> Array {
    // Lists stay far below 2^32 ids (wasm32 memory).
    split_ids(&ids.join("\n"), ids.len() as u32)
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
        #[wasm_bindgen(unchecked_param_type = "readonly string[]")] assets: &JsValue,
        now: f64,
    ) -> Result<Array, JsValue> {
        let op = Operation::parse(operation)
            .ok_or_else(|| invalid(&format!("unknown operation `{operation}`")))?;
        let now = time(now)?;
        // The index learns the ids created since the last call (none, mostly).
        let known = index_len(&self.ids) as usize;
        let new: Vec<&str> = self.inner.asset_ids().skip(known).collect();
        if !new.is_empty() {
            extend_index(&self.ids, &new.join("\n"));
        }
        let not_strings = || invalid("assets must be an array of strings");
        let n = ids_len(assets);
        if n < 0.0 {
            return Err(not_strings());
        }
        // An array's length is below 2^32. A huge (sparse) one is an error, not an abort.
        let n = n as usize;
        // A list of at least half the engine's assets is answered from every asset's decision
        // for this user and operation, kept in JavaScript while they stand (module docs).
        // Not on a first view: an id it does not hold must be refused, not left out.
        let total = known + new.len();
        let whole_list = n.saturating_mul(2) >= total && self.inner.holds_every_part();
        if whole_list {
            // Versions and times stay below 2^53: exact as numbers.
            let version = self.inner.version() as f64;
            // Not kept, or an element is not a string (`indexesOf` then says so).
            if let Some(kept) =
                keep_cached(&self.ids, assets, actor, operation, version, now as f64)
            {
                return Ok(kept);
            }
        }
        let mut ixs = Vec::new();
        if ixs.try_reserve_exact(n).is_err() {
            return Err(invalid("assets: too many ids to hold in memory"));
        }
        ixs.resize(n, 0);
        let code = indexes_of(&self.ids, assets, &mut ixs, whole_list);
        if code == 1 {
            return Err(not_strings());
        }
        if whole_list {
            // Every asset decided in index order; 2: out of order, so `ixs` is not filled.
            let all: Vec<u32> = (0u32..).take(total).collect();
            let allowed = self
                .inner
                .filter_indexes(actor, op, &all, now)
                .map_err(|r| refusal(&r))?;
            let (from, until) = self.inner.filter_steady(now);
            let (from, until) = (from as f64, until as f64);
            // Out of order (2), `ixs` is not filled: JavaScript finds the ids without it.
            let ixs = if code == 2 { &[] } else { &ixs[..] };
            return keep_allowed(&self.ids, assets, &allowed, from, until, ixs)
                .ok_or_else(not_strings);
        }
        // Decided in the core's index order whatever the caller's order.
        if code == 3 {
            // Sorted, an unknown id goes last and is cut. On a first view it may be on a part or
            // page not loaded: the core refuses it, as in order.
            if !self.inner.holds_every_part() && ixs.contains(&u32::MAX) {
                self.inner
                    .filter_indexes(actor, op, &[u32::MAX], now)
                    .map_err(|r| refusal(&r))?;
            }
            let m = ascending(&self.ids, &mut ixs);
            ixs.truncate(m as usize);
        }
        let kept = self
            .inner
            .filter_indexes(actor, op, &ixs, now)
            .map_err(|r| refusal(&r))?;
        Ok(pick(&self.ids, assets, &kept))
    }
}
