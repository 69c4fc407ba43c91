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
// a first view keeps the view, so that `addWorkspaceView` joins a workspace's view to it and
// reloads. The join is `Snapshot::merge_view`'s, here in JavaScript so that the browser module
// carries none of it; every answer is still the engine's. tests/npm/views.test.mjs holds every
// answer of an engine grown by workspace views to the whole engine's (the Rust join is held to
// the whole view by crates/orgspace-core/tests/paged).
const loadSnapshot = Engine.fromSnapshot;
const paged = (s) => !!s && typeof s === "object" && typeof s.view_of === "string" &&
  s.org.workspaces.some((h) => !s.workspaces.some((p) => p.id === h.id));
Engine.fromSnapshot = function fromSnapshot(snapshot) {
  const engine = loadSnapshot(snapshot);
  const view = typeof snapshot === "string" ? JSON.parse(snapshot) : snapshot;
  if (view && typeof view === "object" && typeof view.view_of === "string") views.set(engine, structuredClone(view));
  return engine;
};
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
  const view = views.get(this);
  if (!paged(view)) throw refuse("this engine was not loaded from a first view, or holds all of it");
  const more = typeof piece === "string" ? JSON.parse(piece) : structuredClone(piece);
  const joined = structuredClone(view);
  mergeView(joined, more);
  this.replaceWith(loadSnapshot(joined));
  views.set(this, joined);
};
Engine.prototype.loadedView = function loadedView() {
  return views.get(this);
};
