// The package's JavaScript layer over the WebAssembly (issue 17), through its real entries in
// target/npm/orgspace: `engine.as(user)` answers exactly as the engine does for that user, the
// error class and its guard (X1, X2), and the entries' one-instance promise (import and
// require share the Engine and OrgspaceError classes).
//
//   node --test tests/npm/api.test.mjs     (needs `bash scripts/build-npm.sh` first)

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";
import { test } from "node:test";
import { pathToFileURL } from "node:url";

const pkg = resolve(process.env.ORGSPACE_NPM ?? join(import.meta.dirname, "../../target/npm/orgspace"));
const entry = (name) => import(pathToFileURL(join(pkg, name)).href);
const node = await entry("node.js");
const cjs = createRequire(import.meta.url)(join(pkg, "index.cjs"));

const at = 1767225600000;
function demo({ Engine }) {
  const engine = new Engine();
  const run = (command) => engine.execute("alice", command, at);
  run({ type: "create_org", org: "acme", name: "Acme", default_workspace: "sales", mode: "private" });
  run({ type: "add_member", user: "carol", workspace: "sales", workspace_roles: ["visitor"] });
  run({ type: "create_folder", folder: "f", workspace: "sales", name: "F" });
  run({ type: "create_asset", asset: "q3", workspace: "sales", kind: "dashboard", name: "Q3", folder: "f" });
  run({ type: "create_asset", asset: "q4", workspace: "sales", kind: "dashboard", name: "Q4" });
  run({ type: "share", asset: "q3", with: [{ user: "carol" }] });
  return engine;
}

test("W7, R4: engine.as(user) answers as the engine does for that user", () => {
  const engine = demo(node);
  for (const user of ["alice", "carol", "mallory"]) {
    const me = engine.as(user);
    assert.equal(me.user, user);
    for (const op of ["view", "modify", "delete"]) {
      for (const asset of ["q3", "q4"]) {
        assert.deepEqual(me.check(op, asset, at), engine.check(user, op, asset, at));
        assert.equal(me.can(op, asset, at), engine.can(user, op, asset, at));
      }
      assert.deepEqual(me.filter(op, ["q4", "q3", "nope"], at), engine.filter(user, op, ["q4", "q3", "nope"], at));
    }
    const answers = (f) => {
      try {
        return f();
      } catch (err) {
        return `${err.code} ${err.rule}`;
      }
    };
    assert.deepEqual(answers(() => me.visibleAssets("sales", at)), answers(() => engine.visibleAssets(user, "sales", at)));
    assert.deepEqual(answers(() => me.visibleFolders("sales", at)), answers(() => engine.visibleFolders(user, "sales", at)));
    assert.deepEqual(answers(() => me.checkCreate("sales", "dashboard")), answers(() => engine.checkCreate(user, "sales", "dashboard")));
    const group = { type: "create_group", group: "g", name: "G" };
    assert.deepEqual(answers(() => me.mayRun(group, at)), answers(() => engine.mayRun(user, group, at)));
    assert.deepEqual(answers(() => me.dataScope("q3", at)), answers(() => engine.dataScope(user, "q3", at)));
  }
  assert.deepEqual(engine.as("carol").visibleAssets("sales", at), ["q3"]);
  assert.deepEqual(engine.as("carol").filter("view", Object.freeze(["q3", "q4"]), at), ["q3"]);
});

test("engine.as(user) takes the caller's clock when no time is given, and runs commands as the user", () => {
  const engine = demo(node);
  const alice = engine.as("alice");
  const expiresSoon = Date.now() + 60_000;
  alice.execute({ type: "create_asset", asset: "q5", workspace: "sales", kind: "dashboard", name: "Q5" });
  alice.execute({ type: "grant", asset: "q5", target: { user: "carol" }, level: "view", expires_at: expiresSoon });
  assert.equal(engine.as("carol").can("view", "q5"), true);
  assert.equal(engine.as("carol").can("view", "q5", expiresSoon + 1), false);
  assert.throws(() => engine.as(42), (err) => node.isOrgspaceError(err, "invalid"));
});

test("X1, X2: refusals are OrgspaceError with code and rule, and change nothing", () => {
  const engine = demo(node);
  const before = engine.toJSON();
  let caught;
  try {
    engine.as("carol").execute({ type: "modify_asset", asset: "q3", name: "x" }, at);
  } catch (err) {
    caught = err;
  }
  assert.ok(caught instanceof node.OrgspaceError && caught instanceof Error);
  assert.equal(caught.name, "OrgspaceError");
  assert.equal(caught.code, "denied");
  assert.equal(caught.rule, "R4");
  assert.ok(node.isOrgspaceError(caught) && node.isOrgspaceError(caught, "denied"));
  assert.equal(node.isOrgspaceError(caught, "invalid"), false);
  assert.equal(engine.toJSON(), before);

  assert.throws(() => engine.check("carol", "view", "nope", at), (err) => node.isOrgspaceError(err, "not_found") && err.rule === undefined);
  assert.throws(() => engine.execute("alice", { type: "no_such_command" }, at), (err) => err instanceof node.OrgspaceError && err.code === "invalid");
  for (const other of [new Error("x"), { name: "OrgspaceError", code: "denied" }, null, "denied"]) {
    assert.equal(node.isOrgspaceError(other), false);
  }
  // One from another copy of the package (a bundled one) still passes the guard.
  const copy = Object.assign(new Error("m"), { name: "OrgspaceError", code: "conflict" });
  assert.ok(node.isOrgspaceError(copy, "conflict"));
  assert.equal("explain" in engine, false, "check(...).reason is the explanation");
});

test("import and require share one module instance; orgspace/web starts from bytes", async () => {
  assert.equal(node.Engine, cjs.Engine);
  assert.equal(node.OrgspaceError, cjs.OrgspaceError);
  const web = await entry("web.js");
  web.initSync(readFileSync(join(pkg, "web/orgspace_bg.wasm")));
  await web.init(); // already started: does nothing
  assert.deepEqual(demo(web).as("carol").visibleAssets("sales", at), ["q3"]);
  assert.throws(() => demo(web).as("carol").execute({ type: "delete_asset", asset: "q3" }, at), (err) => err instanceof web.OrgspaceError && err.rule === "R4");
});

// Both entries: the console asks mayRun for every form (www/src/gate.ts), so the browser module
// carries it (issue 15).
const mayRunCases = (entryName, load) => test(`O2, W1, R1, A7: mayRun in the ${entryName} entry answers a form's requirement as execute refuses it, changing nothing`, async () => {
  const lib = await load();
  const engine = demo(lib);
  const before = engine.version;
  const group = { type: "create_group", group: "g", name: "G" };
  const denied = engine.mayRun("carol", group, at);
  assert.deepEqual([denied.allowed, denied.rule], [false, "O2"]);
  assert.ok(denied.reason.length > 0);
  assert.throws(() => engine.execute("carol", group, at), (err) => lib.isOrgspaceError(err, "denied") && err.rule === "O2");
  const ws = engine.mayRun("carol", { type: "create_workspace", workspace: "w2", name: "W2", mode: "private" }, at);
  assert.deepEqual([ws.allowed, ws.rule], [false, "W1"]);
  const members = engine.mayRun("carol", { type: "add_workspace_member", workspace: "sales", user: "", roles: ["viewer"] }, at);
  assert.deepEqual([members.allowed, members.rule], [false, "R1"]);
  assert.equal(engine.mayRun("carol", { type: "create_folder", folder: "f2", workspace: "sales", name: "F2" }, at).allowed, false);
  assert.equal(engine.mayRun("alice", group, at).allowed, true);
  assert.equal(engine.version, before, "asking runs nothing (toJSON is Node only)");
  assert.throws(() => engine.mayRun("alice", { type: "no_such_command" }, at), (err) => lib.isOrgspaceError(err, "invalid"));
});
mayRunCases("Node", async () => node);
mayRunCases("browser", async () => {
  const web = await entry("web.js");
  web.initSync(readFileSync(join(pkg, "web/orgspace_bg.wasm")));
  return web;
});

test("A3, X1, W9, R1: the access questions in the Node entry; the browser entry does not carry them", async () => {
  const engine = demo(node);
  const first = engine.whoHasAccess("alice", "q3", "view", null, 1, at);
  assert.deepEqual(first.members.map((m) => [m.user, m.basis, m.rule]), [["alice", "org_admin", "O6"]]);
  const second = engine.whoHasAccess("alice", "q3", "view", first.next, 1, at);
  assert.deepEqual(second.members.map((m) => [m.user, m.basis, m.level]), [["carol", "grant", "view"]]);
  assert.equal(second.next, undefined);
  assert.throws(() => engine.whoHasAccess("carol", "q3", "view", null, null, at), (err) => node.isOrgspaceError(err, "denied") && err.rule === "A3");
  assert.throws(() => engine.whoHasAccess("alice", "q3", "view", null, 0, at), (err) => node.isOrgspaceError(err, "invalid"));
  assert.deepEqual(engine.whoSeesFolder("alice", "f", undefined, undefined, at).members.map((m) => m.user), ["alice", "carol"]);

  const before = engine.toJSON();
  const diff = engine.accessDiff("alice", { type: "revoke", asset: "q3", target: { user: "carol" } }, at);
  assert.deepEqual(diff.loses, [{ user: "carol", asset: "q3", operation: "view" }]);
  assert.deepEqual(diff.lists, [{ user: "carol", workspace: "sales", gains: [], loses: ["q3"], appear: [], disappear: ["f"] }]);
  assert.equal(engine.toJSON(), before, "a dry run changes nothing");
  assert.throws(() => engine.accessDiff("carol", { type: "set_public", asset: "q4", public: true }, at), (err) => node.isOrgspaceError(err, "denied"));

  const view = engine.viewAs("alice", "carol", "sales", at);
  assert.deepEqual(view.assets, [{ id: "q3", operations: ["view"] }]);
  assert.deepEqual(view.folders, ["f"]);
  assert.throws(() => engine.viewAs("carol", "alice", "sales", at), (err) => node.isOrgspaceError(err, "denied") && err.rule === "R1");

  const web = await entry("index.js");
  assert.equal(typeof web.Engine.prototype.whoHasAccess, "undefined", "the browser module stays small (feature node)");
  assert.equal(typeof web.Engine.prototype.mayRun, "function", "the console's question for every form (issue 15)");
});

test("X5: a writer over some parts (fromPartsIndexed, needs, executeTracked) runs a command as the whole engine", () => {
  const whole = demo(node);
  const snapshot = whole.toSnapshot();
  const part = (id) => snapshot.workspaces.find((p) => p.id === id);
  const command = { type: "grant", asset: "q4", target: { user: "carol" }, level: "view" };
  let writer = node.Engine.fromPartsIndexed(snapshot.org, whole.indexJSON(), []);
  // A command names an asset: the host locates it, loads its workspace's part and asks again.
  assert.deepEqual(writer.needs(command), { workspaces: [], assets: ["q4"] });
  writer = node.Engine.fromPartsIndexed(snapshot.org, whole.indexJSON(), [part("sales")]);
  assert.deepEqual(writer.needs(command), { workspaces: [], assets: [] });
  const done = writer.executeTracked("alice", command, at);
  const same = whole.executeTracked("alice", command, at);
  assert.deepEqual(done, same);
  assert.deepEqual(done.changed, { workspaces: ["sales"], deleted: [] });
  assert.equal(writer.orgPartJSON(), whole.orgPartJSON());
  assert.equal(writer.workspacePartJSON("sales"), whole.workspacePartJSON("sales"));
  assert.equal(writer.indexJSON(), whole.indexJSON());
  // Without the part it needs, a writer refuses rather than answer wrongly.
  const bare = node.Engine.fromPartsIndexed(snapshot.org, whole.indexJSON(), []);
  assert.throws(() => bare.executeTracked("alice", { type: "set_workspace_mode", workspace: "sales", mode: "collaboration" }, at),
    (err) => err.code === "invalid");
});

test("X5, O8, P2: SpanRun runs a command spanning workspaces part by part as the whole engine", () => {
  const whole = demo(node);
  whole.execute("alice", { type: "create_workspace", workspace: "ops", name: "Ops", mode: "private" }, at);
  whole.execute("alice", { type: "add_workspace_member", workspace: "ops", user: "carol", roles: ["developer"] }, at);
  whole.execute("carol", { type: "create_asset", asset: "o1", workspace: "ops", kind: "dashboard", name: "O1" }, at);
  whole.execute("alice", { type: "create_group", group: "g", name: "G" }, at);
  whole.execute("alice", { type: "grant", asset: "q4", target: { group: "g" }, level: "view" }, at);
  whole.execute("alice", { type: "grant", asset: "o1", target: { group: "g" }, level: "view" }, at);
  for (const command of [
    { type: "delete_group", group: "g" },
    { type: "remove_member", user: "carol", new_owner: "alice" },
  ]) {
    const snapshot = whole.toSnapshot();
    const part = (id) => snapshot.workspaces.find((p) => p.id === id);
    const bare = node.Engine.fromPartsIndexed(snapshot.org, whole.indexJSON(), []);
    const span = bare.span("alice", command);
    assert.ok(span.spread.length >= 2, `${command.type} spans ${span.spread}`);
    const run = new node.SpanRun(bare, "alice", command, at);
    const staged = {};
    // One spread part a round, with the parts every round holds.
    for (const id of span.spread) {
      for (const text of run.round([...span.every, id].map(part))) staged[JSON.parse(text).id] = text;
    }
    const done = run.finish();
    const after = run.engine();
    assert.deepEqual(done, whole.executeTracked("alice", command, at));
    assert.deepEqual(Object.keys(staged).sort(), done.changed.workspaces);
    for (const [id, text] of Object.entries(staged)) assert.equal(text, whole.workspacePartJSON(id));
    assert.equal(after.orgPartJSON(), whole.orgPartJSON());
    assert.equal(after.indexJSON(), whole.indexJSON());
  }
  // A command that spans nothing has no run.
  const bare = node.Engine.fromPartsIndexed(whole.toSnapshot().org, whole.indexJSON(), []);
  assert.equal(bare.span("alice", { type: "rename_org", name: "X" }), null);
  assert.throws(() => new node.SpanRun(bare, "alice", { type: "rename_org", name: "X" }, at), (err) => err.code === "invalid");
});

test("X5: fromParts reads parts as objects, JSON text or UTF-8 bytes, one at a time or as a list", () => {
  const { Engine, OrgspaceError } = node;
  const snapshot = demo(node).toSnapshot();
  const org = snapshot.org;
  const sales = snapshot.workspaces.find((p) => p.id === "sales");
  const text = JSON.stringify(sales);
  const bytes = new TextEncoder().encode(text);
  const answers = (engine) =>
    ["alice", "carol"].flatMap((u) => [engine.visibleAssets(u, "sales", at), ["q3", "q4"].map((a) => engine.check(u, "view", a, at))]);
  const want = answers(Engine.fromParts(org, [sales]));
  assert.deepEqual(want[2], ["q3"]); // carol sees what was shared with her (A1), not q4 (W7)
  for (const [orgIn, parts] of [
    [JSON.stringify(org), [text]],
    [new TextEncoder().encode(JSON.stringify(org)), [bytes]],
    [org, `[${text}]`],
    [org, new TextEncoder().encode(`[${text}]`)],
    [org, [sales, text, bytes].slice(1, 2)],
  ]) {
    assert.deepEqual(answers(Engine.fromParts(orgIn, parts)), want);
  }
  // Bytes that are not UTF-8, text that is not a part: `invalid`, never a half-loaded engine.
  for (const parts of [[new Uint8Array([0x7b, 0xff, 0x7d])], [`${text} x`], [{ ...sales, color: 1 }]]) {
    assert.throws(() => Engine.fromParts(org, parts), (e) => e instanceof OrgspaceError && e.code === "invalid");
  }
  // The binary encoding the edge stores in KV (issue 13): smaller, the same answers; cut short
  // or of another encoding version, `invalid`.
  const binary = Engine.partToBinary(sales);
  assert.ok(binary instanceof Uint8Array && binary.length < bytes.length);
  assert.deepEqual(Engine.partToBinary(text), binary);
  assert.deepEqual(answers(Engine.fromParts(org, [binary])), want);
  const newer = binary.slice();
  newer[3] = 2;
  for (const parts of [[binary.subarray(0, binary.length - 1)], [newer]]) {
    assert.throws(() => Engine.fromParts(org, parts), (e) => e instanceof OrgspaceError && e.code === "invalid");
  }
  // The org part in its binary encoding (what the edge's org envelope holds): the same
  // answers; cut short, of another encoding version or with a byte past its end, `invalid`.
  const orgBinary = Engine.orgPartToBinary(org);
  assert.ok(orgBinary instanceof Uint8Array && orgBinary.length < JSON.stringify(org).length);
  assert.deepEqual(Engine.orgPartToBinary(JSON.stringify(org)), orgBinary);
  assert.deepEqual(answers(Engine.fromParts(orgBinary, [binary])), want);
  assert.deepEqual(answers(Engine.fromParts(orgBinary, [sales])), want);
  const newerOrg = orgBinary.slice();
  newerOrg[3] = 2;
  const longer = new Uint8Array([...orgBinary, 0]);
  for (const orgIn of [orgBinary.subarray(0, orgBinary.length - 1), newerOrg, longer]) {
    assert.throws(() => Engine.fromParts(orgIn, [binary]), (e) => e instanceof OrgspaceError && e.code === "invalid");
  }
});
