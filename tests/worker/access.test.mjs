// Issue 15's access questions at the edge, against `wrangler dev`: the scenarios of
// tests/conformance/access over HTTP, then what only the HTTP API shows: pages and their
// cursor, the uniform refusal (403 with the rule), bad input (400, nothing changed), a diff that
// changes nothing, and view as recorded in the audit log before it is answered.
//
//   node --test tests/worker/access.test.mjs      (or node tests/worker/run.mjs for every file)

import { test } from "node:test";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { runOverHttp } from "./conformance.mjs";
import { send, useWorker } from "./harness.mjs";
import { Client } from "./api.mjs";
import { mint } from "./tokens.mjs";

const root = fileURLToPath(new URL("../../", import.meta.url));
const RUN = `ac${Date.now().toString(36)}`;
const w = useWorker("access", { port: 8803 });

test("X1, A3, W9, R1, X4: the access scenarios answer over HTTP as in the core", async () => {
  const { failed, passed } = await runOverHttp(w.base(), [`${root}tests/conformance/access`], RUN);
  assert.equal(failed, 0);
  assert.ok(passed >= 5, `${passed} scenarios passed`);
});

test("A3, X1, X2, R1, X4: pages, refusals, bad input and the audit of view as", async () => {
  const org = `${RUN}-api`;
  const client = new Client(w.base());
  const run = (as, command) => client.execute(org, as, command);
  await run("alice", { type: "create_org", org, name: "Acme", default_workspace: "main", mode: "private" });
  for (const [user, role] of [["bob", "analyst"], ["carol", "visitor"], ["dave", "visitor"]]) {
    await run("alice", { type: "add_member", user, workspace: "main", workspace_roles: [role] });
  }
  await run("bob", { type: "create_asset", asset: "d", workspace: "main", kind: "dashboard", name: "D" });
  const shared = await run("bob", { type: "share", asset: "d", with: [{ user: "carol" }, { user: "dave" }] });
  const at = `min_version=${shared.version}`;
  const get = (user, path, body, method = "GET") =>
    send(w.base(), method, `/v1/orgs/${org}${path}`, { token: mint(user), body });

  const first = await get("bob", `/assets/d/access?operation=view&limit=2&${at}`);
  assert.equal(first.status, 200, first.text);
  assert.deepEqual(first.json.members.map((m) => m.user), ["alice", "bob"]);
  assert.equal(first.json.next, "bob");
  assert.equal(typeof first.json.version, "number");
  const second = await get("bob", `/assets/d/access?operation=view&limit=2&cursor=bob&${at}`);
  assert.deepEqual(second.json.members.map((m) => [m.user, m.basis, m.rule]), [["carol", "grant", "A1"], ["dave", "grant", "A1"]]);
  assert.equal(second.json.next, undefined);

  const refused = await get("carol", `/assets/d/access?${at}`);
  assert.equal(refused.status, 403);
  assert.equal(refused.json.error.rule, "A3");
  for (const bad of ["limit=0", "limit=1001", "limit=x", "operation=fly"]) {
    const r = await get("bob", `/assets/d/access?${bad}&${at}`);
    assert.equal(r.status, 400, `${bad}: ${r.text}`);
    assert.equal(r.json.error.code, "invalid");
  }

  const revoke = { type: "revoke", asset: "d", target: { user: "dave" } };
  const diff = await get("bob", `/access-diff?${at}`, revoke, "POST");
  assert.equal(diff.status, 200, diff.text);
  assert.deepEqual(diff.json.loses, [{ user: "dave", asset: "d", operation: "view" }]);
  const still = await get("dave", `/check?operation=view&asset=d&${at}`);
  assert.equal(still.json.allowed, true, "a diff changes nothing");
  const notYours = await get("carol", `/access-diff?${at}`, revoke, "POST");
  assert.equal(notYours.status, 403);
  const notACommand = await get("bob", `/access-diff?${at}`, { type: "nothing" }, "POST");
  assert.equal(notACommand.status, 400);

  const denied = await get("bob", `/workspaces/main/view-as/dave?${at}`, undefined, "POST");
  assert.equal(denied.status, 403);
  assert.equal(denied.json.error.rule, "R1");
  const view = await get("alice", `/workspaces/main/view-as/dave?${at}`, undefined, "POST");
  assert.equal(view.status, 200, view.text);
  assert.deepEqual(view.json.assets, [{ id: "d", operations: ["view"] }]);
  assert.ok(view.json.version > shared.version, "answered at the version that recorded it");
  const audit = await get("alice", `/audit?after=${shared.version}`);
  assert.deepEqual(audit.json.entries.map((e) => [e.actor, e.command.type]), [["alice", "view_as"]]);
});
