// Issue 13: a filter or a batch of checks naming assets of many workspaces is answered by the
// writer a few parts at a time (`worker/src/query_rounds.rs`). The worker runs with
// ORGSPACE_WRITER_CACHE_BYTES=1, so each round holds one part: the answers must still equal the
// npm package's on the same organization, in the caller's order. A list reaching more than
// 1,000 workspaces is refused with a 400 that says how to split it.
//
//   node --test tests/worker/rounds.test.mjs      (or node tests/worker/run.mjs for every file)

import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { join } from "node:path";
import { useWorker, send } from "./harness.mjs";
import { mint } from "./tokens.mjs";

const RUN = `rd${Date.now().toString(36)}`;
const w = useWorker("rounds", { port: 8808, vars: { ORGSPACE_WRITER_CACHE_BYTES: "1" } });
const pkg = join(import.meta.dirname, "../../target/npm/orgspace/index.cjs");
const { Engine } = createRequire(import.meta.url)(pkg);
const AT = 1_000;

/** `n` private workspaces, each with a public board, one of bob's and one of alice's shared
 * with carol; bob is an analyst of the even ones, carol a visitor of all, dave of ws000 only. */
function organization(org, n) {
  const engine = new Engine();
  const run = (as, command) => engine.execute(as, command, AT);
  run("alice", { type: "create_org", org, name: "Spread", default_workspace: "main", mode: "private" });
  for (const user of ["bob", "carol", "dave"]) run("alice", { type: "add_member", user });
  const ids = [];
  for (let i = 0; i < n; i++) {
    const ws = `ws${String(i).padStart(3, "0")}`;
    run("alice", { type: "create_workspace", workspace: ws, name: ws, mode: "private" });
    run("alice", { type: "add_workspace_member", workspace: ws, user: "carol", roles: ["visitor"] });
    if (i % 2 === 0) run("alice", { type: "add_workspace_member", workspace: ws, user: "bob", roles: ["analyst"] });
    if (i === 0) run("alice", { type: "add_workspace_member", workspace: ws, user: "dave", roles: ["visitor"] });
    run("alice", { type: "create_asset", asset: `${ws}-pub`, workspace: ws, kind: "dashboard", name: "Public" });
    run("alice", { type: "set_public", asset: `${ws}-pub`, public: true });
    run("alice", { type: "create_asset", asset: `${ws}-shared`, workspace: ws, kind: "dashboard", name: "Shared" });
    if (i % 3 === 0) run("alice", { type: "share", asset: `${ws}-shared`, with: [{ user: "carol" }] });
    ids.push(`${ws}-pub`, `${ws}-shared`);
    if (i % 2 === 0) {
      run("bob", { type: "create_asset", asset: `${ws}-bob`, workspace: ws, kind: "dashboard", name: "Bob's" });
      ids.push(`${ws}-bob`);
    }
  }
  // History is the deployment's own (X4): an import carries none.
  const { audit, ...snapshot } = JSON.parse(engine.toJSON());
  return { engine, ids, snapshot };
}

async function importOrg(org, snapshot) {
  const r = await send(w.base(), "PUT", `/v1/orgs/${org}/snapshot`, {
    token: mint("alice", { provision: true }),
    body: snapshot,
  });
  assert.equal(r.status, 201, r.text);
}

/** A list in no order the engine keeps: reversed, an unknown id, repeats. */
const scramble = (ids) => [...ids].reverse().concat(["no-such-asset"], ids.filter((_, i) => i % 5 === 0));

test("issue 13, X1: a filter and a batch spread over 40 workspaces, answered a part at a time, equal the engine's answers", async () => {
  const org = `${RUN}-forty`;
  const { engine, ids, snapshot } = organization(org, 40);
  await importOrg(org, snapshot);
  const list = scramble(ids);
  for (const user of ["alice", "bob", "carol", "dave"]) {
    for (const operation of ["view", "modify"]) {
      const r = await send(w.base(), "POST", `/v1/orgs/${org}/filter`, { token: mint(user), body: { operation, assets: list } });
      assert.equal(r.status, 200, r.text);
      assert.equal(r.headers.get("orgspace-source"), "writer");
      assert.deepEqual(r.json.assets, engine.filter(user, operation, list, AT), `${user} ${operation}`);
      assert.ok(Number.isInteger(r.json.version));
    }
    // A batch with some hints, right and wrong (a wrong one is `not_found`, as for one check):
    // each result at its own position.
    const checks = list.slice(0, 1000).map((asset, i) => ({
      operation: i % 3 ? "view" : "modify",
      asset,
      ...(i % 4 === 0 ? { workspace: `ws${String(i % 40).padStart(3, "0")}` } : {}),
    }));
    const r = await send(w.base(), "POST", `/v1/orgs/${org}/check`, { token: mint(user), body: { checks } });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.results.length, checks.length);
    r.json.results.forEach((result, i) => {
      const { operation, asset, workspace } = checks[i];
      const wrongHint = workspace !== undefined && !asset.startsWith(`${workspace}-`);
      if (asset === "no-such-asset" || wrongHint) {
        assert.equal(result.error?.code, "not_found", JSON.stringify(result));
      } else {
        assert.equal(result.allowed, engine.can(user, operation, asset, AT), `${user} ${operation} ${asset}`);
      }
    });
  }
  // A non-member gets the outsider's answer, as for a list in one piece.
  const r = await send(w.base(), "POST", `/v1/orgs/${org}/filter`, { token: mint("mallory"), body: { operation: "view", assets: list } });
  assert.equal(r.status, 403, r.text);
});

test("issue 13: a list reaching more than 1,000 workspaces is refused with a 400 that says how to split it", async () => {
  const org = `${RUN}-wide`;
  const { ids, snapshot } = organization(org, 1001);
  await importOrg(org, snapshot);
  const pubs = ids.filter((id) => id.endsWith("-pub"));
  const r = await send(w.base(), "POST", `/v1/orgs/${org}/filter`, { token: mint("carol"), body: { operation: "view", assets: pubs } });
  assert.equal(r.status, 400, r.text);
  assert.equal(r.json.error.code, "invalid");
  assert.match(r.json.error.message, /1001 workspaces; at most 1000/);
  // One fewer workspace is answered.
  const fewer = await send(w.base(), "POST", `/v1/orgs/${org}/filter`, { token: mint("carol"), body: { operation: "view", assets: pubs.slice(1) } });
  assert.equal(fewer.status, 200, fewer.text);
  assert.equal(fewer.json.assets.length, 1000);
});
