// Bounded staleness at the edge (ARCHITECTURE.md, "Consistency model of the edge"), with KV
// writes made to fail through the test-only switch (ORGSPACE_TEST_FAULTS=true, never deployed):
// a revocation, a group removal and an org admin's demotion reach every reader within the bound
// although KV never receives them; every answer names the version it was decided at; and once
// KV works again the writer's alarm completes the flush without any further command.
//
// wrangler dev runs with a 2 s bound (ORGSPACE_STALENESS_MS) so the test waits seconds, not the
// production 30 s. The port is ORGSPACE_TEST_PORT + 7 (8798 by default).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { startWorker } from "./dev.mjs";
import { Client } from "./api.mjs";

const BOUND_MS = 2_000;
const PORT = Number(process.env.ORGSPACE_TEST_PORT ?? 8791) + 7;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
let worker;
let client;
const persistTo = mkdtempSync("/tmp/orgspace-staleness-");

before(async () => {
  worker = await startWorker({
    port: PORT,
    persistTo,
    vars: { ORGSPACE_TEST_FAULTS: "true", ORGSPACE_STALENESS_MS: String(BOUND_MS) },
  });
  client = new Client(worker.base);
});

after(async () => {
  await worker?.stop();
  rmSync(persistTo, { recursive: true, force: true });
});

/** A raw GET as `user`: status, body and the version header. */
async function get(user, path) {
  const response = await fetch(worker.base + path, { headers: { authorization: `Bearer ${client.token(user)}` } });
  const json = await response.json();
  return {
    status: response.status,
    json,
    header: Number(response.headers.get("orgspace-version")),
    source: response.headers.get("orgspace-source"),
  };
}

async function setFault(org, fail) {
  return client.request("alice", "POST", `/v1/orgs/${org}/test/kv-fault`, { fail });
}

/** Polls `read` until `done(answer)`, at most `ms`; answers the time it took or throws. */
async function until(what, ms, read, done) {
  const start = Date.now();
  let last;
  while (Date.now() - start < ms) {
    last = await read();
    if (done(last)) return Date.now() - start;
    await sleep(100);
  }
  throw new Error(`${what}: not within ${ms} ms; last ${JSON.stringify(last)}`);
}

async function setup(org) {
  const run = (user, command) => client.execute(org, user, command);
  await run("alice", { type: "create_org", org, name: "Stale", default_workspace: "main", mode: "private" });
  for (const user of ["bob", "carol"]) {
    await run("alice", { type: "add_member", user, org_roles: [], workspace: "main", workspace_roles: ["analyst"] });
  }
  await run("alice", { type: "add_member", user: "dora", org_roles: ["org_admin"], workspace: "main", workspace_roles: ["analyst"] });
  await run("alice", { type: "create_group", group: "team", name: "Team" });
  await run("alice", { type: "add_group_member", group: "team", user: "carol" });
  for (const asset of ["d1", "d2", "d3"]) {
    await run("alice", { type: "create_asset", asset, workspace: "main", kind: "dashboard", name: asset });
  }
  await run("alice", { type: "grant", asset: "d1", target: { user: "bob" }, level: "view" });
  await run("alice", { type: "grant", asset: "d2", target: { group: "team" }, level: "view" });
  return run;
}

test("bounded staleness: changes reach every edge reader within the bound while KV writes fail (ARCHITECTURE consistency model)", async (t) => {
  const org = `stale${Date.now().toString(36)}`;
  const run = await setup(org);
  const check = (user, asset) => get(user, `/v1/orgs/${org}/check?operation=view&asset=${asset}`);

  // KV in step first: its last writes may wait out their second of coalescing (one write per
  // key per second), and until then a reader may answer at the version KV holds.
  await until("first flush", 10_000, () => setFault(org, false), (s) => s.kv_in_step === true);

  await t.test("every answer names the version it was decided at, in a header and in the body", async () => {
    const r = await check("bob", "d1");
    assert.equal(r.status, 200);
    assert.equal(r.json.allowed, true);
    assert.equal(r.json.version, r.header);
    assert.equal(r.header, client.version);
    const list = await get("bob", `/v1/orgs/${org}/workspaces/main/assets`);
    assert.equal(list.json.version, list.header);
    assert.ok(list.header >= 1);
  });

  // Warm the isolate: envelope, parts and an attestation, as a busy edge would have them.
  for (let i = 0; i < 5; i++) {
    assert.equal((await check("bob", "d1")).json.allowed, true);
    assert.equal((await check("carol", "d2")).json.allowed, true);
    // An org admin sees every asset of a private workspace (O6).
    assert.equal((await check("dora", "d3")).json.allowed, true);
  }
  // Warm, the edge answers from KV, not the writer.
  await until("edge answers", 10_000, () => check("bob", "d1"), (r) => r.source === "edge");

  // KV in step first (the last writes may wait out their second of coalescing).
  await until("first flush", 10_000, () => setFault(org, false), (s) => s.kv_in_step === true);
  const fault = await setFault(org, true);
  assert.deepEqual(fault, { kv_writes_fail: true, kv_in_step: true });

  await t.test("a revocation, a group removal and a demotion are accepted while KV writes fail", async () => {
    const revoked = await run("alice", { type: "revoke", asset: "d1", target: { user: "bob" } });
    await run("alice", { type: "remove_group_member", group: "team", user: "carol" });
    const demoted = await run("alice", { type: "set_org_roles", user: "dora", roles: [] });
    assert.ok(demoted.version > revoked.version);
    const state = await setFault(org, true);
    assert.equal(state.kv_in_step, false, "KV lags behind: nothing was written to it");
  });
  const changedAt = Date.now();

  await t.test("min_version reads see the changes at once (the writer answers)", async () => {
    const r = await get("bob", `/v1/orgs/${org}/check?operation=view&asset=d1&min_version=${client.version}`);
    assert.equal(r.json.allowed, false);
    assert.equal(r.header, client.version);
  });

  await t.test("plain reads see every change within the bound, and never an older version after it", async () => {
    const took = await until("revocation", BOUND_MS * 3, () => check("bob", "d1"), (r) => r.json.allowed === false);
    await until("group removal", BOUND_MS * 3, () => check("carol", "d2"), (r) => r.json.allowed === false);
    await until("demotion", BOUND_MS * 3, () => check("dora", "d3"), (r) => r.json.allowed === false);
    t.diagnostic(`revocation visible at the edge after ${took} ms (bound ${BOUND_MS} ms)`);
    // Past the bound (plus the test's own polling), no reader answers from the old state.
    const wait = changedAt + BOUND_MS + 500 - Date.now();
    if (wait > 0) await sleep(wait);
    for (let i = 0; i < 10; i++) {
      const r = await check("bob", "d1");
      assert.equal(r.json.allowed, false, `read ${i}`);
      assert.equal(r.header, client.version, `read ${i} decided at the newest version`);
      assert.equal(r.source, "writer", `read ${i}: KV is stale, so the writer answers`);
      assert.equal((await check("carol", "d2")).json.allowed, false);
      assert.equal((await check("dora", "d3")).json.allowed, false);
    }
  });

  await t.test("once KV works again, the writer's alarm completes the flush with no further command", async () => {
    // Turning the switch off writes nothing by itself: the alarm (backoff after the failures) does.
    const off = await setFault(org, false);
    assert.equal(off.kv_writes_fail, false);
    const took = await until("flush", 90_000, () => setFault(org, false), (s) => s.kv_in_step === true);
    t.diagnostic(`KV in step ${took} ms after the switch went off`);
    const r = await until("edge answers again", 10_000, () => check("bob", "d1"), (r) => r.source === "edge");
    const back = await check("bob", "d1");
    assert.equal(back.json.allowed, false);
    assert.equal(back.header, client.version);
    t.diagnostic(`the edge answers from KV again ${r} ms later`);
  });
});

// An isolate's engine may hold several workspaces' parts (edge/reader.rs adds a newly asked
// part to the engine it holds): each answer still comes from the parts the fresh envelope
// names. A change to one workspace is seen at its version in it, and the other's answers stay
// right, from the edge.
test("edge engines holding several workspaces answer each from its current part", async () => {
  const org = "multi";
  const run = await setup(org);
  await run("alice", { type: "create_workspace", workspace: "side", name: "Side", mode: "private" });
  await run("alice", { type: "add_workspace_member", workspace: "side", user: "bob", roles: ["analyst"] });
  await run("alice", { type: "create_asset", asset: "s1", workspace: "side", kind: "dashboard", name: "s1" });
  await run("alice", { type: "create_asset", asset: "s2", workspace: "side", kind: "dashboard", name: "s2" });
  await run("alice", { type: "grant", asset: "s1", target: { user: "bob" }, level: "view" });
  const list = (ws, min = 0) => get("bob", `/v1/orgs/${org}/workspaces/${ws}/assets?min_version=${min}`);
  // Both lists from the edge: the second workspace joins the engine the first built.
  await until("main from the edge", 30_000, () => list("main", client.version), (r) => r.source === "edge");
  const side = await until("side from the edge", 30_000, () => list("side", client.version), (r) => r.source === "edge");
  assert.ok(side >= 0);
  assert.deepEqual((await list("main", client.version)).json.ids, ["d1"]);
  assert.deepEqual((await list("side", client.version)).json.ids, ["s1"]);
  // A change in main: at its version main's list loses d1 and side's list is unchanged, both
  // answered at the edge once KV has them.
  await run("alice", { type: "revoke", asset: "d1", target: { user: "bob" } });
  const v = client.version;
  await until("main's change at the edge", 30_000, () => list("main", v), (r) => r.source === "edge");
  const main = await list("main", v);
  assert.deepEqual([main.json.ids, main.header >= v], [[], true]);
  await until("side at the new version from the edge", 30_000, () => list("side", v), (r) => r.source === "edge");
  assert.deepEqual((await list("side", v)).json.ids, ["s1"]);
  // A check that places d1 in side (where it is not) is answered as the writer would: not found
  // there, whatever the isolate holds.
  const misplaced = await get("bob", `/v1/orgs/${org}/check?operation=view&asset=d1&workspace=side&min_version=${v}`);
  const plain = await get("bob", `/v1/orgs/${org}/check?operation=view&asset=d1&min_version=${v}`);
  assert.equal(plain.json.allowed, false);
  assert.ok(misplaced.status === 404 || misplaced.json.allowed === false, JSON.stringify(misplaced));
});
