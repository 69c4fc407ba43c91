// Views that page (issue 13) at the edge, against `wrangler dev`: `GET /views/first` lists the
// workspaces a member sees and holds the current one's part; `GET /views/workspaces/{ws}` brings
// one more; each holds nothing the member may not see (W7, W8, D2; issue 14 finding 4), a
// workspace they do not see answers as one that does not exist, an outsider gets the uniform
// P1 refusal, and bad input is a 400. A first view lists a page of the lists; `GET
// /views/workspaces` and (org admins) `GET /views/members` page the rest.
//
//   node --test tests/worker/views.test.mjs      (or node tests/worker/run.mjs for every file)

import { test } from "node:test";
import assert from "node:assert/strict";
import { send, useWorker } from "./harness.mjs";
import { Client } from "./api.mjs";
import { mint } from "./tokens.mjs";

const RUN = `vw${Date.now().toString(36)}`;
// The writer keeps no part between calls (ORGSPACE_WRITER_CACHE_BYTES=1), so a view is made only
// from the parts it loads for it: a first view made from what happened to be held left out
// workspaces the member is in.
const w = useWorker("views", { port: 8806, vars: { ORGSPACE_WRITER_CACHE_BYTES: "1" } });
const UNIFORM = '{"error":{"code":"denied","message":"you are not a member of this organization, or it does not exist","rule":"P1"}}';

test("W7, W8, D2, P1: first and workspace views hold only what the member sees", async () => {
  const org = `${RUN}-acme`;
  const client = new Client(w.base());
  const run = (as, command) => client.execute(org, as, command);
  await run("alice", { type: "create_org", org, name: "Acme", default_workspace: "main", mode: "private" });
  await run("alice", { type: "create_workspace", workspace: "ops", name: "Ops", mode: "private" });
  await run("alice", { type: "add_member", user: "bob", workspace: "main", workspace_roles: ["analyst"] });
  await run("alice", { type: "add_member", user: "zed", workspace: "ops", workspace_roles: ["analyst"] });
  await run("alice", { type: "create_asset", asset: "dash", workspace: "main", kind: "dashboard", name: "Dash" });
  await run("alice", { type: "create_asset", asset: "secret", workspace: "main", kind: "dashboard", name: "Hidden" });
  await run("alice", { type: "create_asset", asset: "opsboard", workspace: "ops", kind: "dashboard", name: "Ops board" });
  const last = await run("alice", { type: "share", asset: "dash", with: [{ user: "bob" }] });
  const at = `min_version=${last.version}`;
  const get = (user, path) => send(w.base(), "GET", `/v1/orgs/${org}${path}`, { token: mint(user) });

  // bob: the first view lists main and his personal workspace, holds the personal one's part.
  const first = await get("bob", `/views/first?${at}`);
  assert.equal(first.status, 200, first.text);
  assert.equal(first.json.current, "personal:bob");
  assert.equal(first.headers.get("orgspace-source"), "writer", "which workspaces a member sees spans them all");
  assert.equal(first.json.view.view_of, "bob");
  assert.equal(first.json.view.org.version, last.version);
  assert.deepEqual(first.json.view.org.workspaces.map((h) => h.id), ["main", "personal:bob"]);
  assert.deepEqual(first.json.view.workspaces.map((p) => p.id), ["personal:bob"]);
  for (const unseen of ['"secret"', '"Hidden"', '"ops"', '"opsboard"', '"zed"']) {
    assert.ok(!first.text.includes(unseen), `the first view holds ${unseen}: ${first.text}`);
  }

  // main as his workspace view: dash, not secret; the same with ?workspace=main.
  const main = await get("bob", `/views/workspaces/main?${at}`);
  assert.equal(main.status, 200, main.text);
  assert.equal(main.json.view_of, "bob");
  assert.ok(!("version" in main.json), "a workspace view stays a loadable snapshot");
  // The edge answers it from KV (org part and that workspace's part) once KV holds the version.
  let fromEdge = main;
  for (let i = 0; i < 20 && fromEdge.headers.get("orgspace-source") !== "edge"; i++) {
    await new Promise((r) => setTimeout(r, 250));
    fromEdge = await get("bob", `/views/workspaces/main?${at}`);
  }
  assert.equal(fromEdge.headers.get("orgspace-source"), "edge");
  assert.deepEqual(fromEdge.json, main.json, "the edge's workspace view is the writer's");
  assert.deepEqual(main.json.workspaces.map((p) => [p.id, p.assets.map((a) => a.id)]), [["main", ["dash"]]]);
  for (const unseen of ['"secret"', '"Hidden"', '"ops"', '"opsboard"', '"zed"']) {
    assert.ok(!main.text.includes(unseen), `the workspace view holds ${unseen}: ${main.text}`);
  }
  const named = await get("bob", `/views/first?workspace=main&${at}`);
  assert.equal(named.status, 200, named.text);
  assert.equal(named.json.current, "main");
  assert.deepEqual(named.json.view.workspaces.find((p) => p.id === "main"), main.json.workspaces[0]);

  // A workspace he does not see is not found, as one that does not exist.
  for (const path of ["/views/workspaces/ops", "/views/workspaces/nowhere", "/views/first?workspace=ops"]) {
    const r = await get("bob", `${path}${path.includes("?") ? "&" : "?"}${at}`);
    assert.equal(r.status, 404, `${path}: ${r.text}`);
    assert.equal(r.json.error.code, "not_found");
  }
  // The org admin's first view lists every workspace; ops comes whole on its own.
  const admin = await get("alice", `/views/first?${at}`);
  assert.deepEqual(admin.json.view.org.workspaces.map((h) => h.id), ["main", "ops", "personal:alice", "personal:bob", "personal:zed"]);
  assert.deepEqual(admin.json.view.workspaces.map((p) => p.id), ["personal:alice"]);
  const ops = await get("alice", `/views/workspaces/ops?${at}`);
  assert.deepEqual(ops.json.workspaces[0].assets.map((a) => a.id), ["opsboard"]);

  // Outsiders: the one uniform refusal, whether the workspace exists or not.
  for (const path of ["/views/first", "/views/first?workspace=main", "/views/workspaces/main", "/views/workspaces/nowhere"]) {
    const r = await get("mallory", path);
    assert.deepEqual([r.status, r.text], [403, UNIFORM], path);
  }
  // Bad input: unknown or repeated parameters, a body.
  for (const q of ["?page=2", "?workspace=main&workspace=ops"]) {
    const r = await get("bob", `/views/first${q}&${at}`);
    assert.equal(r.status, 400, `${q}: ${r.text}`);
    assert.equal(r.json.error.code, "invalid");
  }
});

test("issue 13, O6: a first view lists a page; the pages bring every workspace and member", async () => {
  const org = `${RUN}-pages`;
  const client = new Client(w.base());
  const run = (as, command) => client.execute(org, as, command);
  await run("alice", { type: "create_org", org, name: "Pages", default_workspace: "main", mode: "private" });
  for (const ws of ["ops", "sales", "zeta"]) await run("alice", { type: "create_workspace", workspace: ws, name: ws, mode: "private" });
  for (const [user, ws] of [["bob", "main"], ["carl", "ops"], ["dora", "sales"], ["eve", "zeta"]]) {
    await run("alice", { type: "add_member", user, workspace: ws, workspace_roles: ["analyst"] });
  }
  const last = await run("alice", { type: "add_workspace_member", user: "bob", workspace: "zeta", roles: ["visitor"] });
  const at = `min_version=${last.version}`;
  const get = (user, path) => send(w.base(), "GET", `/v1/orgs/${org}${path}${path.includes("?") ? "&" : "?"}${at}`, { token: mint(user) });
  const pages = async (user, list, limit) => {
    const out = [];
    let after;
    for (let i = 0; i < 50; i++) {
      const r = await get(user, `/views/${list}?limit=${limit}${after ? `&after=${encodeURIComponent(after)}` : ""}`);
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json.view.view_of, user);
      out.push(r.json.view);
      if (r.json.next === undefined) return out;
      after = r.json.next;
    }
    throw new Error("the pages never end");
  };
  const everything = ["main", "ops", "personal:alice", "personal:bob", "personal:carl", "personal:dora", "personal:eve", "sales", "zeta"];

  // The org admin: one workspace beyond the current, personal and default ones; every member counted.
  const admin = await get("alice", "/views/first?list=1");
  assert.equal(admin.status, 200, admin.text);
  assert.deepEqual(admin.json.view.listing, { workspaces: everything.length, members: 5 });
  assert.ok(admin.json.view.org.workspaces.length <= 3, admin.text);
  const listed = (await pages("alice", "workspaces", 2)).flatMap((p) => p.org.workspaces.map((h) => h.id));
  assert.deepEqual(listed, everything, "the workspace pages list every workspace once, in order");
  const members = (await pages("alice", "members", 2)).flatMap((p) => p.org.members.map((m) => m.user));
  assert.deepEqual(members, ["alice", "bob", "carl", "dora", "eve"]);

  // bob: his workspaces only, and no members list (O6).
  const bob = await get("bob", "/views/first?list=1");
  assert.equal(bob.status, 200, bob.text);
  assert.deepEqual(bob.json.view.listing, { workspaces: 3 });
  const his = (await pages("bob", "workspaces", 1)).flatMap((p) => p.org.workspaces.map((h) => h.id));
  assert.deepEqual(his, ["main", "personal:bob", "zeta"]);
  const denied = await get("bob", "/views/members");
  assert.equal(denied.status, 403, denied.text);
  assert.equal(denied.json.error.rule, "O6");

  // Outsiders get the uniform refusal; bad paging is a 400.
  for (const path of ["/views/workspaces", "/views/members"]) {
    const r = await get("mallory", path);
    assert.deepEqual([r.status, r.text], [403, UNIFORM], path);
  }
  for (const q of ["/views/workspaces?limit=0", "/views/workspaces?limit=1001", "/views/members?limit=x", "/views/first?list=0", "/views/workspaces?after=a&after=b", "/views/workspaces?page=2"]) {
    const r = await get("alice", q);
    assert.equal(r.status, 400, `${q}: ${r.text}`);
    assert.equal(r.json.error.code, "invalid");
  }
});
