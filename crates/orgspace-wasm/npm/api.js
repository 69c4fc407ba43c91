// What every entry exports: the WebAssembly classes and functions, the error class, and
// `engine.as(user)`. The entries differ only in how the WebAssembly gets instantiated.
import { Engine } from "./web/orgspace.js";
import { OrgspaceError } from "./web/snippets/orgspace/js/errors.js";

export { Engine, applyDataScope, commandOperation } from "./web/orgspace.js";
export { OrgspaceError, isOrgspaceError } from "./web/snippets/orgspace/js/errors.js";

/** One user's queries (`engine.as(user)`); `at` defaults to the clock of the caller. */
class Actor {
  constructor(engine, user) {
    if (typeof user !== "string") throw new OrgspaceError("invalid", undefined, "user must be a string");
    this.engine = engine;
    this.user = user;
  }
  check(operation, asset, at = Date.now()) { return this.engine.check(this.user, operation, asset, at); }
  can(operation, asset, at = Date.now()) { return this.engine.can(this.user, operation, asset, at); }
  filter(operation, assets, at = Date.now()) { return this.engine.filter(this.user, operation, assets, at); }
  visibleAssets(workspace, at = Date.now()) { return this.engine.visibleAssets(this.user, workspace, at); }
  visibleFolders(workspace, at = Date.now()) { return this.engine.visibleFolders(this.user, workspace, at); }
  checkCreate(workspace, kind) { return this.engine.checkCreate(this.user, workspace, kind); }
  mayRun(command, at = Date.now()) { return this.engine.mayRun(this.user, command, at); }
  dataScope(dataset, at = Date.now()) { return this.engine.dataScope(this.user, dataset, at); }
  previewRows(dataset, rows, at = Date.now()) { return this.engine.previewRows(this.user, dataset, rows, at); }
  execute(command, at = Date.now()) { return this.engine.execute(this.user, command, at); }
}

Engine.prototype.as = function as(user) {
  return new Actor(this, user);
};

// Views that page (issue 13, crates/orgspace-core/src/snapshot/paged.rs): an engine loaded from
// a first view keeps the view's JSON text, so that `addWorkspaceView` joins a workspace's view to
// it and reloads. The join is `Snapshot::merge_view`'s, here in JavaScript so that the browser
// module carries none of it; every answer is still the engine's. tests/npm/views.test.mjs holds
// every answer of an engine grown by workspace views to the whole engine's (the Rust join is
// held to the whole view by crates/orgspace-core/tests/paged).
// The view is kept as text, not as a copy of its objects: loading reads the text anyway (the
// WebAssembly takes JSON text), text cannot be changed by the caller, and a copy cost as much as
// the load itself (structuredClone of an org admin's 1.7 MB view: 10-40 ms). It is parsed only
// when a workspace view is added or `loadedView` is asked for after one.
const loadSnapshot = Engine.fromSnapshot;
// A first view that lists a page of its lists (`listing`: issue 13) waits for the other pages.
const unlisted = (s) => !!s.listing &&
  (s.org.workspaces.length < s.listing.workspaces || s.org.members.length < (s.listing.members ?? 0));
const paged = (s) => !!s && typeof s === "object" && typeof s.view_of === "string" &&
  (s.org.workspaces.some((h) => !s.workspaces.some((p) => p.id === h.id)) || unlisted(s));
Engine.fromSnapshot = function fromSnapshot(snapshot) {
  const isText = typeof snapshot === "string";
  // A view names whose it is (`view_of`, the last field the core writes); a whole snapshot's text
  // is not kept.
  const view = isText ? snapshot.lastIndexOf('"view_of"') !== -1 :
    !!snapshot && typeof snapshot === "object" && typeof snapshot.view_of === "string";
  const text = view && !isText ? JSON.stringify(snapshot) : snapshot;
  const engine = loadSnapshot(text);
  if (view) views.set(engine, { text, shown: isText ? undefined : snapshot });
  return engine;
};
/** Per engine loaded from a view: its JSON text, and the objects `loadedView` gives. */
const views = new WeakMap();
const refuse = (message) => new OrgspaceError("invalid", undefined, message);
/** Adds the entries of `more` that `list` lacks by `key`, keeping `list` sorted by it. */
function join(list, more, key) {
  const have = new Set(list.map((x) => x[key]));
  for (const x of more ?? []) if (!have.has(x[key])) { have.add(x[key]); list.push(x); }
  list.sort((a, b) => (a[key] < b[key] ? -1 : a[key] > b[key] ? 1 : 0));
}
function mergeView(view, more) {
  if (!more || typeof more !== "object" || more.view_of !== view.view_of) throw refuse("the piece is not of the same member's view");
  if (more.org?.version !== view.org.version || more.org.id !== view.org.id) {
    throw refuse("the piece is of another version of the organization: load the first view again");
  }
  const org = view.org;
  join(org.workspaces, more.org.workspaces, "id");
  join(org.members, more.org.members, "user");
  join((org.org_roles ??= []), more.org.org_roles, "id");
  for (const g of more.org.groups ?? []) {
    const mine = (org.groups ??= []).find((x) => x.id === g.id);
    if (mine) {
      const members = (mine.members ??= []);
      for (const m of g.members ?? []) if (!members.includes(m)) members.push(m);
      members.sort();
    } else join(org.groups, [g], "id");
  }
  for (const s of more.org.data_sources ?? []) {
    const mine = (org.data_sources ??= []).find((x) => x.id === s.id);
    if (!mine) { join(org.data_sources, [s], "id"); continue; }
    for (const t of s.tables ?? []) {
      const table = mine.tables.find((x) => x.name === t.name);
      if (!table) { mine.tables.push(t); continue; }
      for (const c of t.columns) if (!table.columns.some((x) => x.name === c.name)) table.columns.push(c);
    }
  }
  join(view.workspaces, more.workspaces, "id");
}
Engine.prototype.addWorkspaceView = function addWorkspaceView(piece) {
  const kept = views.get(this);
  const joined = kept && JSON.parse(kept.text);
  if (!paged(joined)) throw refuse("this engine was not loaded from a first view, or holds all of it");
  // Many pieces (the pages of a list) are joined before one reload.
  for (const one of Array.isArray(piece) ? piece : [piece]) {
    mergeView(joined, typeof one === "string" ? JSON.parse(one) : structuredClone(one));
  }
  // Every page in: the core reads a listing as lists still missing.
  if (joined.listing && !unlisted(joined)) delete joined.listing;
  const text = JSON.stringify(joined);
  this.replaceWith(loadSnapshot(text));
  views.set(this, { text, shown: joined });
};
/** The view as loaded: the object given to `fromSnapshot` until a workspace view is added. */
Engine.prototype.loadedView = function loadedView() {
  const kept = views.get(this);
  if (kept && kept.shown === undefined) kept.shown = JSON.parse(kept.text);
  return typeof kept?.shown?.view_of === "string" ? kept.shown : undefined;
};
