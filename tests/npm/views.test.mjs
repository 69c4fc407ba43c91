// Views that page in the npm package (issue 13): an Engine loaded from a member's first view
// answers for what it holds and throws `invalid` (never a wrong allow or deny) about workspaces
// and assets it has not loaded; `addWorkspaceView` (npm/api.js, the JavaScript join of
// `Snapshot::merge_view`) adds each workspace as it is opened, after which the engine answers
// every question of that member as the whole engine does (W7, W8, R1, P1).
//
//   node --test tests/npm/views.test.mjs     (needs `bash scripts/build-npm.sh` first)

import assert from "node:assert/strict";
import { join, resolve } from "node:path";
import { test } from "node:test";
import { pathToFileURL } from "node:url";

const pkg = resolve(process.env.ORGSPACE_NPM ?? join(import.meta.dirname, "../../target/npm/orgspace"));
const { Engine, isOrgspaceError } = await import(pathToFileURL(join(pkg, "node.js")).href);

const at = 1767225600000;
function org() {
  const engine = new Engine();
  const run = (actor, command) => engine.execute(actor, command, at);
  run("alice", { type: "create_org", org: "acme", name: "Acme", default_workspace: "sales", mode: "private" });
  run("alice", { type: "create_workspace", workspace: "ops", name: "Ops", mode: "collaboration" });
  run("alice", { type: "add_member", user: "carol", workspace: "sales", workspace_roles: ["analyst"] });
  run("alice", { type: "add_workspace_member", user: "carol", workspace: "ops", roles: ["admin"] });
  run("alice", { type: "add_member", user: "dan", workspace: "ops", workspace_roles: ["visitor"] });
  run("alice", { type: "create_folder", folder: "f", workspace: "sales", name: "F" });
  for (const [asset, workspace] of [["q3", "sales"], ["q4", "sales"], ["o1", "ops"], ["o2", "ops"]]) {
    run("alice", { type: "create_asset", asset, workspace, kind: "dashboard", name: asset, ...(asset === "q3" ? { folder: "f" } : {}) });
  }
  run("alice", { type: "share", asset: "q3", with: [{ user: "carol" }] });
  run("carol", { type: "create_asset", asset: "mine", workspace: "personal:carol", kind: "dashboard", name: "Mine" });
  return engine;
}

const ops = ["view", "modify", "delete", "share"];
const invalid = (f, what) => assert.throws(f, (e) => isOrgspaceError(e, "invalid") && /not in the workspaces/.test(e.message), what);
const attempt = (f) => { try { return { ok: f() }; } catch (e) { return { code: e.code, rule: e.rule }; } };

test("W7, W8, R1: a first view answers for what it holds, refuses the rest, and grows by workspace views", () => {
  const whole = org();
  const workspaces = ["ops", "personal:alice", "personal:carol", "personal:dan", "sales"];
  const assets = ["q3", "q4", "o1", "o2", "mine"];
  for (const user of ["alice", "carol", "dan"]) {
    const first = whole.firstView(user, undefined, at);
    assert.equal(first.current, `personal:${user}`);
    assert.equal(first.view.view_of, user);
    const engine = Engine.fromSnapshot(first.view);
    const listed = first.view.org.workspaces.map((h) => h.id);
    const loaded = new Set(first.view.workspaces.map((p) => p.id));
    const held = new Set(first.view.workspaces.flatMap((p) => p.assets.map((a) => a.id)));
    for (const ws of listed.filter((w) => !loaded.has(w))) {
      invalid(() => engine.visibleAssets(user, ws, at), `${user}: ${ws} is not loaded`);
      invalid(() => engine.checkCreate(user, ws, "dashboard"), `${user}: create in ${ws}`);
    }
    for (const a of assets.filter((x) => !held.has(x))) {
      invalid(() => engine.check(user, "view", a, at), `${user}: ${a} is not loaded`);
      invalid(() => engine.can(user, "view", a, at), `${user}: can ${a}`);
      invalid(() => engine.filter(user, "view", [a], at), `${user}: filter ${a}`);
      // Out of order, with repeats: the package sorts the ids it knows and must still refuse.
      invalid(() => engine.filter(user, "view", [...held].reverse().concat([a, ...held, a]), at), `${user}: filter ${a} out of order`);
    }
    for (const a of held) {
      for (const op of ops) assert.deepEqual(engine.check(user, op, a, at), whole.check(user, op, a, at), `${user} ${op} ${a}`);
    }
    for (const ws of listed.filter((w) => !loaded.has(w))) engine.addWorkspaceView(whole.workspaceView(user, ws, at));
    // Every workspace view added: every answer of this member is the whole engine's.
    for (const ws of workspaces) {
      const got = attempt(() => engine.visibleAssets(user, ws, at));
      const want = attempt(() => whole.visibleAssets(user, ws, at));
      if (listed.includes(ws)) assert.deepEqual(got, want, `${user}: visibleAssets ${ws}`);
      else assert.equal(got.code, "not_found", `${user}: ${ws} is not in their view`);
    }
    for (const a of assets) {
      for (const op of ops) {
        const want = whole.check(user, op, a, at);
        const got = attempt(() => engine.check(user, op, a, at));
        // Assets left out of a view are those the member may not view (unknown to it).
        if (got.code === "not_found") assert.equal(whole.can(user, "view", a, at), false, `${user} ${a}`);
        else assert.deepEqual(got.ok, want, `${user} ${op} ${a}`);
      }
    }
    assert.throws(() => engine.addWorkspaceView(whole.workspaceView(user, listed[0], at)), (e) => isOrgspaceError(e, "invalid"), "a whole view takes no more");
  }
});

/** Every page of `user`'s `list`, `limit` at a time. */
function pagesOf(whole, user, list, limit) {
  const out = [];
  let after;
  for (;;) {
    const page = whole.viewPage(user, list, after, limit, at);
    out.push(page.view);
    if (page.next === undefined) return out;
    after = page.next;
  }
}

test("issue 13, O6: a first view lists a page; the pages of its lists, joined, give every answer of the whole engine", () => {
  const whole = org();
  const workspaces = ["ops", "personal:alice", "personal:carol", "personal:dan", "sales"];
  const assets = ["q3", "q4", "o1", "o2", "mine"];
  for (const user of ["alice", "carol", "dan"]) {
    const first = whole.firstView(user, undefined, at, 1);
    const seen = whole.firstView(user, undefined, at).view.org.workspaces.map((h) => h.id);
    const listing = first.view.listing ?? { workspaces: first.view.org.workspaces.length };
    assert.equal(listing.workspaces, seen.length, `${user}: the listing counts every workspace`);
    assert.ok(first.view.org.workspaces.length <= 4, `${user}: a page of one and those it must hold`);
    const admin = user === "alice";
    if (first.view.listing) assert.equal(first.view.listing.members, admin ? 3 : undefined, `${user}: members are listed for org admins only`);
    else assert.ok(!admin, "the org admin's first view of one lists a page");
    const engine = Engine.fromSnapshot(first.view);
    const listed = new Set(first.view.org.workspaces.map((h) => h.id));
    for (const ws of seen.filter((w) => !listed.has(w))) {
      invalid(() => engine.visibleAssets(user, ws, at), `${user}: ${ws} is on a page not loaded`);
    }
    // A workspace not listed and one that does not exist answer alike while pages are missing.
    if (first.view.listing) invalid(() => engine.visibleAssets(user, "nowhere", at), `${user}: an unknown workspace may be on a page`);
    else assert.equal(attempt(() => engine.visibleAssets(user, "nowhere", at)).code, "not_found", `${user}: every list is whole`);
    const pages = pagesOf(whole, user, "workspaces", 1);
    assert.deepEqual(pages.flatMap((p) => p.org.workspaces.map((h) => h.id)), seen, `${user}: the pages list every workspace once, in order`);
    if (admin) pages.push(...pagesOf(whole, user, "members", 2));
    else assert.throws(() => whole.viewPage(user, "members", undefined, 2, at), (e) => isOrgspaceError(e, "denied") && e.rule === "O6");
    assert.throws(() => whole.viewPage(user, "workspaces", undefined, 0, at), (e) => isOrgspaceError(e, "invalid"));
    assert.throws(() => whole.viewPage(user, "folders", undefined, 1, at), (e) => isOrgspaceError(e, "invalid"));
    // Every listed workspace loaded, the pages not yet: an asset the view does not list is
    // refused in a list of any length (the package answers long lists without the core only
    // when the engine holds every part and every page).
    const loaded = new Set(first.view.workspaces.map((p) => p.id));
    const listedNotLoaded = [...listed].filter((w) => !loaded.has(w));
    if (listedNotLoaded.length) engine.addWorkspaceView(listedNotLoaded.map((w) => whole.workspaceView(user, w, at)));
    if (first.view.listing) {
      const inView = engine.loadedView().workspaces.flatMap((p) => p.assets.map((a) => a.id));
      const outside = assets.find((a) => !inView.includes(a));
      assert.ok(outside, `${user}: some asset is on a page not loaded`);
      invalid(() => engine.filter(user, "view", [...inView, ...inView, outside], at), `${user}: a long list naming ${outside}`);
      invalid(() => engine.check(user, "view", outside, at), `${user}: check ${outside}`);
    }
    // Without a listing the view lists all already: its pages bring nothing new.
    const rest = seen.filter((w) => !listed.has(w)).map((w) => whole.workspaceView(user, w, at));
    if (first.view.listing) engine.addWorkspaceView([...pages, ...rest]);
    else assert.equal(rest.length, 0, `${user}: a view without a listing lists every workspace`);
    for (const ws of [...workspaces, "nowhere"]) {
      const got = attempt(() => engine.visibleAssets(user, ws, at));
      const want = attempt(() => whole.visibleAssets(user, ws, at));
      if (seen.includes(ws)) assert.deepEqual(got, want, `${user}: visibleAssets ${ws}`);
      else assert.equal(got.code, "not_found", `${user}: ${ws} is not in their view`);
    }
    for (const a of assets) {
      for (const op of ops) {
        const got = attempt(() => engine.check(user, op, a, at));
        if (got.code === "not_found") assert.equal(whole.can(user, "view", a, at), false, `${user} ${a}`);
        else assert.deepEqual(got.ok, whole.check(user, op, a, at), `${user} ${op} ${a}`);
      }
    }
    if (admin) assert.deepEqual(engine.loadedView().org.members.map((m) => m.user), ["alice", "carol", "dan"], "the members pages bring every member");
  }
});

test("X2: a workspace view of another member or another version is refused and changes nothing", () => {
  const whole = org();
  const first = whole.firstView("dan", undefined, at);
  const engine = Engine.fromSnapshot(first.view);
  assert.throws(() => engine.addWorkspaceView(whole.workspaceView("carol", "sales", at)), (e) => isOrgspaceError(e, "invalid"));
  whole.execute("alice", { type: "create_asset", asset: "o3", workspace: "ops", kind: "dashboard", name: "o3" }, at);
  assert.throws(() => engine.addWorkspaceView(whole.workspaceView("dan", "ops", at)), (e) => isOrgspaceError(e, "invalid") && /version/.test(e.message));
  invalid(() => engine.visibleAssets("dan", "ops", at), "still not loaded");
  assert.throws(() => new Engine().addWorkspaceView(first.view), (e) => isOrgspaceError(e, "invalid"));
  assert.throws(() => whole.firstView("dan", "personal:alice", at), (e) => isOrgspaceError(e, "not_found"), "dan does not see personal:alice");
  assert.throws(() => whole.firstView("mallory", undefined, at), (e) => isOrgspaceError(e, "denied") && e.rule === "P1");
});
