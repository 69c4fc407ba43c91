// The folder tree and asset list of a workspace as one virtualized list. The rows are laid out
// once per view in linear time (children grouped in one pass, one sort per folder), filtering by
// name is one pass over them, and only the rows in view (plus a margin) are in the DOM: a
// workspace of 100,000 assets costs the page what one of a hundred does.

import type { AssetDoc, FolderDoc } from "orgspace";
import { h } from "./dom";

/** Height of a row in pixels (style.css `.vtree li`); the list positions rows by it. */
export const ROW_HEIGHT = 26;
/** Rows drawn above and below the visible ones, so a scroll shows no gap before it redraws. */
const MARGIN = 10;

/** One line of the tree: a folder or an asset, at a depth, in display order. */
export type Row =
  | { kind: "folder"; depth: number; folder: FolderDoc; count: number }
  | { kind: "asset"; depth: number; asset: AssetDoc; parent: string };

/** What one render of the tree needs: the rows in display order, and for each folder row the
 * index of the first row after its subtree (to fold it and to keep its ancestors when
 * filtering). */
export interface Layout {
  rows: Row[];
  end: Int32Array;
  /** Each row's parent folder row, -1 at the top level. */
  up: Int32Array;
  /** Lower-cased name and id of each row, for filtering. */
  text: string[];
}

const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name);

/**
 * Lays out `folders` and `assets` as a tree: folders first, then assets, each sorted by name;
 * an item whose parent folder is not in `folders` goes to the top level. Linear in the number
 * of items, plus the sorts.
 */
export function layout(folders: FolderDoc[], assets: AssetDoc[]): Layout {
  const known = new Set(folders.map((f) => f.id));
  const key = (parent: string | undefined) => (parent !== undefined && known.has(parent) ? parent : "");
  const childFolders = new Map<string, FolderDoc[]>();
  const childAssets = new Map<string, AssetDoc[]>();
  const push = <T>(m: Map<string, T[]>, k: string, x: T) => {
    const list = m.get(k);
    if (list) list.push(x);
    else m.set(k, [x]);
  };
  for (const f of folders) push(childFolders, key(f.parent), f);
  for (const a of assets) push(childAssets, key(a.folder), a);
  for (const list of childFolders.values()) list.sort(byName);
  for (const list of childAssets.values()) list.sort(byName);

  const rows: Row[] = [];
  const ends: number[] = [];
  const ups: number[] = [];
  // Depth-first without recursion (folders nest without limit): a stack of open folders.
  const walk = (id: string, depth: number, up: number) => {
    for (const a of childAssets.get(id) ?? []) {
      rows.push({ kind: "asset", depth, asset: a, parent: id });
      ends.push(rows.length);
      ups.push(up);
    }
  };
  const stack: { folders: FolderDoc[]; next: number; row: number; depth: number }[] = [
    { folders: childFolders.get("") ?? [], next: 0, row: -1, depth: 0 },
  ];
  const seen = new Set<string>();
  while (stack.length) {
    const top = stack[stack.length - 1];
    if (top.next < top.folders.length) {
      const f = top.folders[top.next++];
      if (seen.has(f.id)) continue; // a cycle in a malformed view: shown once
      seen.add(f.id);
      rows.push({ kind: "folder", depth: top.depth, folder: f, count: 0 });
      ends.push(0);
      ups.push(top.row);
      stack.push({ folders: childFolders.get(f.id) ?? [], next: 0, row: rows.length - 1, depth: top.depth + 1 });
      continue;
    }
    // A folder's subfolders are done: its assets follow them, then it closes.
    walk(top.row < 0 ? "" : (rows[top.row] as { folder: FolderDoc }).folder.id, top.depth, top.row);
    if (top.row >= 0) ends[top.row] = rows.length;
    stack.pop();
  }
  const end = Int32Array.from(ends);
  const up = Int32Array.from(ups);
  // Each folder counts the assets in its subtree.
  for (let i = rows.length - 1; i >= 0; i--) {
    const r = rows[i];
    if (r.kind !== "asset") continue;
    for (let p = up[i]; p >= 0; p = up[p]) (rows[p] as { count: number }).count++;
  }
  const text = rows.map((r) => (r.kind === "asset" ? `${r.asset.name.toLowerCase()}\n${r.asset.id.toLowerCase()}` : ""));
  return { rows, end, up, text };
}

/**
 * The rows to show: with a query, the assets whose name or id holds it and the folders above
 * them; without, every row outside folded folders. Answers row numbers of `l.rows`.
 */
export function shown(l: Layout, query: string, folded: Set<string>): Int32Array {
  const q = query.trim().toLowerCase();
  const out = new Int32Array(l.rows.length);
  let n = 0;
  if (q === "") {
    for (let i = 0; i < l.rows.length; ) {
      out[n++] = i;
      const r = l.rows[i];
      i = r.kind === "folder" && folded.has(r.folder.id) ? l.end[i] : i + 1;
    }
    return out.subarray(0, n);
  }
  const keep = new Uint8Array(l.rows.length);
  for (let i = 0; i < l.rows.length; i++) {
    if (l.rows[i].kind !== "asset" || !l.text[i].includes(q)) continue;
    keep[i] = 1;
    // Its folders, up to the first one already kept.
    for (let p = l.up[i]; p >= 0 && !keep[p]; p = l.up[p]) keep[p] = 1;
  }
  for (let i = 0; i < l.rows.length; i++) if (keep[i]) out[n++] = i;
  return out.subarray(0, n);
}

/** Indents a row to its depth (through the CSSOM, as the CSP asks). */
export function indent<T extends HTMLElement>(el: T, depth: number): T {
  el.style.paddingLeft = `${depth * 14}px`;
  return el;
}

/**
 * A scrolling list of `count` rows of which only those in view are in the DOM. `draw(i)` makes
 * the element of the i-th row. The element carries `data-rows` (how many rows the list holds)
 * and `data-first`/`data-last` (the rows drawn), which tests read.
 */
export function virtualList(count: number, draw: (i: number) => HTMLElement, attrs: Record<string, string> = {}): HTMLElement {
  const list = h("ul", { class: "rows" });
  const spacer = h("div", { class: "spacer" }, list);
  // Through the CSSOM: the page's CSP (style-src 'self') refuses style attributes.
  spacer.style.height = `${count * ROW_HEIGHT}px`;
  const box = h("div", { class: "vtree", ...attrs, "data-rows": String(count) }, spacer);
  let drawn = "";
  const paint = () => {
    // Before the box is laid out, draw what a tall viewport would show.
    const height = box.clientHeight || 1200;
    const first = Math.max(0, Math.floor(box.scrollTop / ROW_HEIGHT) - MARGIN);
    const last = Math.min(count, Math.ceil((box.scrollTop + height) / ROW_HEIGHT) + MARGIN);
    const key = `${first}-${last}`;
    if (key === drawn) return;
    drawn = key;
    const items: HTMLElement[] = [];
    for (let i = first; i < last; i++) items.push(draw(i));
    list.style.transform = `translateY(${first * ROW_HEIGHT}px)`;
    list.replaceChildren(...items);
    box.dataset.first = String(first);
    box.dataset.last = String(last);
  };
  box.addEventListener("scroll", paint, { passive: true });
  // Once in the document, the box knows its height: draw what it shows.
  new ResizeObserver(paint).observe(box);
  paint();
  return box;
}
