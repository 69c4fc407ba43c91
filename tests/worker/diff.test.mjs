// Issues 13 and 15 at the edge: the writer answers `POST /access-diff` from the parts the diff
// reads (`Engine::diff_needs`: the command's parts, then those its change reaches), not from
// every part; and an answer that would have it hold more part text than its load cap (an org
// admin's whole view, `GET /snapshot`; a diff reaching every part) is refused with 413 naming
// the paged views. The worker runs with ORGSPACE_WRITER_CACHE_BYTES=1 (no part kept between
// calls: each diff loads exactly what it asks for) and a small ORGSPACE_WRITER_LOAD_BYTES, so a
// small organization crosses the cap. The same commands build the organization in the npm
// package (Node entry, whole engine): every diff at the edge equals the package's.
//
//   bash scripts/build-npm.sh && node --test tests/worker/diff.test.mjs

import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { useWorker, send } from "./harness.mjs";
import { Client } from "./api.mjs";
import { mint } from "./tokens.mjs";

const root = fileURLToPath(new URL("../../", import.meta.url));
const { Engine } = await import(pathToFileURL(join(root, "target/npm/orgspace/node.js")).href);

const RUN = `df${Date.now().toString(36)}`;
// Past a member's view (main, their personal workspace, a few small parts) and every diff
// below but one; below the whole organization's stored parts (nine bulky workspaces; parts are
// stored in the binary encoding, about a third of their JSON).
const CAP = 16_000;
const w = useWorker("diff", {
  port: 8811,
  vars: { ORGSPACE_TEST_FAULTS: "true", ORGSPACE_WRITER_CACHE_BYTES: "1", ORGSPACE_WRITER_LOAD_BYTES: String(CAP) },
});

const BULKY = Array.from({ length: 9 }, (_, i) => `bulk${i}`);

/** The organization, built at the edge and in the package by the same commands. */
async function setup(client, org, local) {
  const run = async (as, command) => {
    local.execute(as, command, 1);
    return client.execute(org, as, command);
  };
  await run("alice", { type: "create_org", org, name: "Diffs", default_workspace: "main", mode: "private" });
  await run("alice", { type: "create_workspace", workspace: "sales", name: "Sales", mode: "collaboration" });
  for (const [user, role] of [["bob", "analyst"], ["carol", "visitor"], ["dave", "analyst"]]) {
    await run("alice", { type: "add_member", user, workspace: "main", workspace_roles: [role] });
  }
  await run("alice", { type: "add_workspace_member", workspace: "sales", user: "bob", roles: ["developer"] });
  await run("alice", { type: "add_workspace_member", workspace: "sales", user: "carol", roles: ["analyst"] });
  await run("alice", { type: "create_group", group: "team", name: "Team" });
  await run("alice", { type: "add_group_member", group: "team", user: "carol" });
  await run("bob", { type: "create_asset", asset: "s1", workspace: "sales", kind: "dashboard", name: "S1" });
  await run("alice", { type: "create_asset", asset: "m1", workspace: "main", kind: "dashboard", name: "M1" });
  // A2: bob's personal datasets granted to carol and to her group; what the grants give is
  // capped by carol's reach, which her role in `sales` sets (a visitor of `main` has no
  // dataset rights).
  await run("bob", { type: "create_asset", asset: "p1", workspace: "personal:bob", kind: "dataset", name: "P1" });
  await run("bob", { type: "create_asset", asset: "p2", workspace: "personal:bob", kind: "dataset", name: "P2" });
  await run("bob", { type: "grant", asset: "p1", target: { user: "carol" }, level: "view" });
  await run("bob", { type: "grant", asset: "p2", target: { group: "team" }, level: "view" });
  await run("alice", { type: "grant", asset: "m1", target: { group: "team" }, level: "view" });
  // Workspaces no diff below reaches, with enough assets that the whole organization passes
  // the cap.
  for (const ws of BULKY) {
    await run("alice", { type: "create_workspace", workspace: ws, name: `Bulk ${ws}`, mode: "private" });
    for (let i = 0; i < 36; i++) {
      await run("alice", { type: "create_asset", asset: `${ws}-a${i}`, workspace: ws, kind: "workbook", name: `A fairly long asset name, number ${i} of ${ws}` });
    }
  }
  return run;
}

const ask = (org, as, path, body, method = "GET") =>
  send(w.base(), method, `/v1/orgs/${org}${path}`, { token: mint(as), body });

test("issues 13, 15 (A2, P2, W9): the access diff at the edge, from the parts it reads, equals the npm package's on the whole org", async () => {
  const client = new Client(w.base());
  const org = `${RUN}-diff`;
  const local = new Engine();
  await setup(client, org, local);
  // Answers at the writer (KV writes fail) at the client's version.
  await client.request("alice", "POST", `/v1/orgs/${org}/test/kv-fault`, { fail: true });
  const cases = [
    ["bob", { type: "grant", asset: "s1", target: { user: "dave" }, level: "view" }],
    ["bob", { type: "revoke", asset: "p1", target: { user: "carol" } }],
    // A2: carol's reach drops (no dataset rights): bob's personal grants stop giving.
    ["alice", { type: "set_workspace_roles", workspace: "sales", user: "carol", roles: ["visitor"] }],
    ["alice", { type: "set_workspace_roles", workspace: "main", user: "carol", roles: ["analyst"] }],
    ["alice", { type: "remove_workspace_member", workspace: "sales", user: "carol" }],
    // W9: the mode switch.
    ["alice", { type: "set_workspace_mode", workspace: "sales", mode: "private" }],
    // P2: group membership and the group itself.
    ["alice", { type: "remove_group_member", group: "team", user: "carol" }],
    ["alice", { type: "add_group_member", group: "team", user: "dave" }],
    ["alice", { type: "delete_group", group: "team" }],
    ["alice", { type: "remove_member", user: "carol", new_owner: "alice" }],
    ["bob", { type: "transfer_ownership", asset: "p1", to: "dave" }],
    ["alice", { type: "set_public", asset: "m1", public: true }],
    // Refused as the command would be.
    ["dave", { type: "set_workspace_mode", workspace: "sales", mode: "private" }],
  ];
  for (const [as, command] of cases) {
    const r = await ask(org, as, `/access-diff?min_version=${client.version}`, command, "POST");
    let want;
    try {
      want = local.accessDiff(as, command, Date.now());
    } catch (e) {
      assert.equal(r.status >= 400, true, `${JSON.stringify(command)}: ${r.text}`);
      assert.equal(r.json.error.code, e.code, `${JSON.stringify(command)}: ${r.text}`);
      continue;
    }
    assert.equal(r.status, 200, `${JSON.stringify(command)}: ${r.text}`);
    assert.equal(r.headers.get("orgspace-source"), "writer");
    const { version, ...got } = r.json;
    assert.equal(version, client.version);
    assert.deepEqual(got, JSON.parse(JSON.stringify(want)), JSON.stringify(command));
  }
  // The A2 case is not empty: carol loses what bob's grants gave through her reach.
  const demoted = await ask(org, "alice", `/access-diff?min_version=${client.version}`, cases[2][1], "POST");
  assert.deepEqual(
    demoted.json.loses.filter((t) => t.asset.startsWith("p")).map((t) => [t.user, t.asset, t.operation]),
    [["carol", "p1", "view"], ["carol", "p2", "view"]],
  );
  local.free();
});

test("issue 13: a whole view or a diff past the writer's load cap is refused (413) before it is loaded; pages still answer", async () => {
  const client = new Client(w.base());
  const org = `${RUN}-cap`;
  const local = new Engine();
  await setup(client, org, local);
  await client.request("alice", "POST", `/v1/orgs/${org}/test/kv-fault`, { fail: true });
  const at = `min_version=${client.version}`;
  // The org admin's whole view reads every part: refused, naming the paged views.
  const whole = await ask(org, "alice", `/snapshot?${at}`);
  assert.equal(whole.status, 413, whole.text);
  assert.equal(whole.json.error.code, "too_large");
  assert.match(whole.json.error.message, /views\/first/);
  assert.match(whole.json.error.message, /views\/workspaces\/\{ws\}/);
  // A member's view reads their parts only, within the cap.
  const dave = await ask(org, "dave", `/snapshot?${at}`);
  assert.equal(dave.status, 200, dave.text);
  assert.ok(dave.json.workspaces.some((p) => p.id === "main"));
  // The org admin pages instead: the first view, then one workspace at a time.
  const first = await ask(org, "alice", `/views/first?${at}`);
  assert.equal(first.status, 200, first.text);
  const bulk = await ask(org, "alice", `/views/workspaces/${BULKY[0]}?${at}`);
  assert.equal(bulk.status, 200, bulk.text);
  // Making dave an org admin reaches every part (O6): refused at this cap; the package,
  // holding the whole org, answers it.
  const promote = { type: "set_org_roles", user: "dave", roles: ["org_admin"] };
  const wide = await ask(org, "alice", `/access-diff?${at}`, promote, "POST");
  assert.equal(wide.status, 413, wide.text);
  assert.equal(wide.json.error.code, "too_large");
  assert.ok(local.accessDiff("alice", promote, Date.now()).gains.length > 100);
  // Nothing was half-loaded: the writer still answers and commits.
  await client.execute(org, "alice", { type: "set_public", asset: "m1", public: true });
  const check = await ask(org, "dave", `/check?operation=view&asset=m1&min_version=${client.version}`);
  assert.equal(check.json.allowed, true);
  local.free();
});
