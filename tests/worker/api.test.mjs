// The edge API against the real runtime (GitHub issue 5): `wrangler dev` on 127.0.0.1 with a
// fresh persist folder, local KV and Durable Objects. Every command and query route, token
// refusals, bad input (always a JSON error, never a change of state), read-your-writes,
// concurrent writers, durability across a restart, and what a member's snapshot may hold.
//
//   node tests/worker/run.mjs        (CI: every tests/worker/*.test.mjs, a summary, exit status)
//   node --test tests/worker/        (the same files, node's own runner)
//
// Needs a current build in worker/build (`bash scripts/build-worker.sh`). The port is
// ORGSPACE_TEST_PORT (8791 by default). wrangler is stopped on every path: after the tests, on
// an uncaught error, on SIGINT/SIGTERM/SIGHUP, and (SIGKILL to its process group) at exit.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { generateKeyPairSync, sign } from "node:crypto";
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { startWorker } from "./dev.mjs";
import { mint, devSecret } from "./tokens.mjs";
import { provisions } from "./provisioning.mjs";

const root = fileURLToPath(new URL("../../", import.meta.url));
const PORT = Number(process.env.ORGSPACE_TEST_PORT ?? 8791);
// Under run.mjs's scratch folder when it runs us (it removes that folder on every path).
const persistTo = mkdtempSync(process.env.ORGSPACE_TEST_SCRATCH ? `${process.env.ORGSPACE_TEST_SCRATCH}/api-` : "/tmp/orgspace-tests-api-");
const enc = encodeURIComponent;
const RUN = `t${Date.now().toString(36)}`;

// ---------------------------------------------------------------------------------------------
// wrangler, stopped on every path

let worker = null;
let base = "";

async function start() {
  worker = await startWorker({ port: PORT, persistTo });
  base = worker.base;
  // run.mjs kills whatever process group is listed here and still runs when it ends.
  if (process.env.ORGSPACE_TEST_PIDFILE) appendFileSync(process.env.ORGSPACE_TEST_PIDFILE, `${worker.child.pid}\n`);
}

async function stop() {
  const w = worker;
  worker = null;
  if (w) await w.stop();
}

function killNow() {
  // Synchronous, for `exit`: the whole process group of `npx wrangler dev` (workerd included).
  if (worker?.child?.pid && worker.child.exitCode === null) {
    try {
      process.kill(-worker.child.pid, "SIGKILL");
    } catch {}
  }
}

process.on("exit", () => {
  killNow();
  try {
    rmSync(persistTo, { recursive: true, force: true });
  } catch {}
});
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) {
  process.once(signal, () => {
    stop().finally(() => process.exit(128 + ({ SIGHUP: 1, SIGINT: 2, SIGTERM: 15 })[signal]));
  });
}

before(start, { timeout: 180_000 });
after(stop);

// ---------------------------------------------------------------------------------------------
// HTTP helpers

const tokens = new Map();
const token = (user, provision = false) => {
  const key = provision ? `provision:${user}` : user;
  if (!tokens.has(key)) tokens.set(key, mint(user, { provision }));
  return tokens.get(key);
};

/** Every route of the worker, parsed from its source: command routes and query routes. */
function routeTable() {
  const routes = readFileSync(`${root}worker/src/routes.rs`, "utf8");
  const edge = readFileSync(`${root}worker/src/edge/mod.rs`, "utf8");
  const out = [];
  for (const m of routes.matchAll(/route\(\s*(Put|Post|Patch|Delete|Get),\s*"([^"]+)",\s*"([a-z_]+)"/g)) {
    out.push({ method: m[1].toUpperCase(), path: m[2], name: m[3], kind: "command" });
  }
  for (const m of edge.matchAll(/\.(get|post|put|patch|delete)_async\(\s*"([^"]+)"/g)) {
    out.push({ method: m[1].toUpperCase(), path: m[2], name: m[2], kind: "query" });
  }
  return out;
}
const ROUTES = routeTable();
const hits = new Map(); // "METHOD pattern" -> statuses seen
const written = new Map(); // org id -> the newest version a write of this run answered
/** `min_version=` the newest version written to `id`: reads that must see every write so far. */
const seen = (id) => `min_version=${written.get(id) ?? 0}`;

function matchRoute(method, path) {
  const segments = path.split("?")[0].split("/");
  return ROUTES.find((r) => {
    const pattern = r.path.split("/");
    return (
      r.method === method &&
      pattern.length === segments.length &&
      pattern.every((p, i) => (p.startsWith(":") ? segments[i] !== "" : p === segments[i]))
    );
  });
}

/** Sends a request; answers `{status, json, text, type}`. `user` null sends no token. */
async function call(user, method, path, body, { auth, headers = {}, raw } = {}) {
  const h = { ...headers };
  if (auth !== undefined) h.authorization = auth;
  // Creating, upgrading and importing organizations take a provisioner's token.
  else if (user !== null) h.authorization = `Bearer ${token(user, provisions(method, path))}`;
  let payload;
  if (raw !== undefined) payload = raw;
  else if (body !== undefined) payload = typeof body === "string" ? body : JSON.stringify(body);
  if (payload !== undefined && !h["content-type"]) h["content-type"] = "application/json";
  const init = { method, headers: h, body: payload };
  if (payload && typeof payload.getReader === "function") init.duplex = "half";
  const response = await fetch(base + path, init);
  const text = await response.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {}
  const orgOfPath = path.match(/^\/v1\/orgs\/([^/?]+)/)?.[1];
  if (orgOfPath && Array.isArray(json?.events) && typeof json.version === "number") {
    const id = decodeURIComponent(orgOfPath);
    written.set(id, Math.max(written.get(id) ?? 0, json.version));
  }
  const route = matchRoute(method, path);
  if (route) {
    const key = `${route.method} ${route.path}`;
    if (!hits.has(key)) hits.set(key, []);
    hits.get(key).push(response.status);
  }
  return { status: response.status, json, text, type: response.headers.get("content-type") ?? "", headers: response.headers };
}

/** Sends and asserts the status (200, or 201 when `created`); answers the JSON body. */
async function ok(user, method, path, body, status = 200) {
  const r = await call(user, method, path, body);
  assert.equal(r.status, status, `${user} ${method} ${path} ${JSON.stringify(body) ?? ""}: ${r.text}`);
  assert.match(r.type, /^application\/json/);
  return r.json;
}
const created = (user, method, path, body) => ok(user, method, path, body, 201);

/** Asserts the API's error shape: a 4xx, `{"error": {"code", "message", "rule"?}}`, JSON. */
function assertError(r, status, code, what) {
  const label = `${what}: ${r.status} ${r.text}`;
  assert.equal(r.status, status, label);
  assert.match(r.type, /^application\/json/, label);
  assert.ok(r.json && typeof r.json === "object", label);
  assert.deepEqual(Object.keys(r.json), ["error"], label);
  const e = r.json.error;
  assert.equal(typeof e.message, "string", label);
  assert.ok(e.message.length > 0, label);
  if (code) assert.equal(e.code, code, label);
  for (const key of Object.keys(e)) assert.ok(["code", "message", "rule"].includes(key), `${label}: key ${key}`);
  if ("rule" in e) assert.match(e.rule, /^[A-Z]\d+$/, label);
  return e;
}

const org = (name) => `${RUN}-${name}`;
const o = (id, rest = "") => `/v1/orgs/${enc(id)}${rest}`;
/** The org's whole state as its admin sees it (the text, byte for byte). */
const state = async (id, admin = "alice") => {
  const r = await call(admin, "GET", o(id, "/snapshot"));
  assert.equal(r.status, 200, r.text);
  return r.text;
};
const idsOf = (list) => list.map((x) => (typeof x === "string" ? x : x.id)).sort();

// ---------------------------------------------------------------------------------------------
// Full flows over every route

const FLOW = org("flow");

test("every command route, with the status it answers", async (t) => {
  const p = (rest) => o(FLOW, rest);
  const v1 = await created("alice", "PUT", p(), { name: "Acme", default_workspace: "main", mode: "private" });
  assert.equal(v1.version, 1);
  assert.deepEqual(v1.events, [{ type: "org_created", org: FLOW }]);
  await ok("alice", "PATCH", p(), { name: "Acme Ltd" });

  await t.test("members and organization roles", async () => {
    const bob = await created("alice", "PUT", p("/members/bob"), {
      workspace: "main",
      workspace_roles: ["analyst"],
      attributes: { region: ["east"] },
    });
    assert.equal(bob.events[0].type, "member_added");
    await created("alice", "PUT", p("/members/carol"), {});
    await created("alice", "PUT", p("/members/dave"));
    await created("alice", "PUT", p("/members/erin"), { workspace: "main", workspace_roles: ["developer"] });
    await created("alice", "PUT", p("/roles/people"), { name: "People", points: ["manage_members"] });
    await ok("alice", "PUT", p("/members/dave/roles"), { roles: ["people"] });
    await ok("alice", "PUT", p("/members/bob/attributes"), { attributes: { region: ["east", "west"] } });
    // dave manages members now.
    await created("dave", "PUT", p("/members/fay"));
  });

  await t.test("groups", async () => {
    await created("alice", "PUT", p("/groups/sales"), { name: "Sales" });
    await created("alice", "PUT", p("/groups/sales-east"), { name: "Sales East", parent: "sales" });
    await created("alice", "PUT", p("/groups/sales/members/carol"));
    await created("alice", "PUT", p("/groups/sales-east/members/dave"));
    await ok("alice", "DELETE", p("/groups/sales-east/members/dave"));
    await ok("alice", "DELETE", p("/groups/sales-east"));
  });

  await t.test("workspaces, their members and roles", async () => {
    await created("alice", "PUT", p("/workspaces/ops"), { name: "Ops", mode: "collaboration" });
    await ok("alice", "PATCH", p("/workspaces/ops"), { name: "Operations" });
    await ok("alice", "PUT", p("/workspaces/ops/mode"), { mode: "private" });
    await created("alice", "PUT", p("/workspaces/ops/members/bob"), { roles: ["developer"] });
    await ok("alice", "PUT", p("/workspaces/ops/members/bob/roles"), { roles: ["analyst"] });
    await created("alice", "PUT", p("/workspaces/ops/roles/curator"), {
      name: "Curator",
      points: [{ kind: "dashboard", operation: "view" }],
    });
    await created("alice", "PUT", p("/workspaces/ops/members/carol"), { roles: ["curator"] });
    await ok("alice", "PUT", p("/default-workspace"), { workspace: "ops" });
    assert.equal((await ok("carol", "GET", p(`?${seen(FLOW)}`))).default_workspace, "ops");
    await ok("alice", "PUT", p("/default-workspace"), { workspace: "main" });
    await ok("alice", "DELETE", p("/workspaces/ops/members/carol"));
    await ok("alice", "DELETE", p("/workspaces/ops/roles/curator"));
    await created("alice", "PUT", p("/workspaces/tmp"), { name: "Tmp", mode: "private" });
    await ok("alice", "DELETE", p("/workspaces/tmp"));
  });

  await t.test("folders", async () => {
    await created("alice", "PUT", p("/folders/reports"), { workspace: "main", name: "Reports" });
    await created("alice", "PUT", p("/folders/q3"), { workspace: "main", name: "Q3", parent: "reports" });
    await ok("alice", "PATCH", p("/folders/q3"), { name: "Q3 2025" });
    await created("alice", "PUT", p("/folders/old"), { workspace: "main", name: "Old" });
    await ok("alice", "PUT", p("/folders/q3/parent"), { parent: "old" });
    await ok("alice", "PUT", p("/folders/q3/parent"), { parent: "reports" });
    await ok("alice", "DELETE", p("/folders/old"));
  });

  await t.test("assets, grants, share, public, transfer", async () => {
    await created("alice", "PUT", p("/assets/dash"), { workspace: "main", kind: "dashboard", name: "Dash", folder: "reports" });
    await ok("alice", "PATCH", p("/assets/dash"), { name: "Dashboard" });
    await ok("alice", "PUT", p("/assets/dash/folder"), { folder: "q3" });
    await created("alice", "PUT", p("/assets/secret"), { workspace: "main", kind: "dashboard", name: "Secret" });
    await created("alice", "PUT", p("/assets/memo"), { workspace: "main", kind: "workbook", name: "Memo" });
    await ok("alice", "PUT", p("/assets/dash/grants/users/bob"), { level: "view" });
    await ok("alice", "PUT", p("/assets/dash/grants/groups/sales"), { level: "view" });
    assert.equal((await ok("carol", "POST", p(`/check?${seen(FLOW)}`), { operation: "view", asset: "dash" })).allowed, true);
    await ok("alice", "DELETE", p("/assets/dash/grants/groups/sales"));
    await ok("alice", "PUT", p("/assets/memo/grants/users/bob"), { level: "edit" });
    await ok("alice", "DELETE", p("/assets/memo/grants/users/bob"));
    await ok("alice", "POST", p("/assets/dash/share"), { with: [{ user: "carol" }, { group: "sales" }], level: "view" });
    await ok("alice", "PUT", p("/assets/memo/public"), { public: true });
    await ok("alice", "PUT", p("/assets/memo/public"), { public: false });
    await ok("alice", "POST", p("/assets/memo/transfer"), { to: "erin" });
    const memo = await ok("erin", "GET", p(`/assets/memo?${seen(FLOW)}`));
    assert.equal(memo.owner, "erin");
    await created("alice", "PUT", p("/assets/tmp"), { workspace: "main", kind: "workbook", name: "Tmp" });
    await ok("alice", "DELETE", p("/assets/tmp"));
  });

  await t.test("data sources, table grants, datasets, row and column rules", async () => {
    const table = { name: "orders", columns: [{ name: "region", type: "string" }, { name: "amount", type: "number" }, { name: "email", type: "string" }] };
    await created("alice", "PUT", p("/data-sources/dw"), { name: "Warehouse", tables: [table] });
    await created("alice", "PUT", p("/workspaces/main/tables/dw/orders"), { columns: ["region", "amount", "email"] });
    await created("alice", "PUT", p("/assets/sales"), { workspace: "main", kind: "dataset", name: "Sales" });
    await ok("alice", "PUT", p("/assets/sales/table"), { source: "dw", table: "orders" });
    await ok("alice", "PUT", p("/assets/sales/row-rules"), {
      enabled: true,
      rules: [{ targets: { users: ["bob"] }, column: "region", allow: { attribute: "region" } }],
    });
    await ok("alice", "PUT", p("/assets/sales/column-rules"), { rules: [{ targets: { all: true }, column: "email", action: "mask" }] });
    await ok("alice", "POST", p("/assets/sales/share"), { with: [{ user: "bob" }], level: "use" });
    await created("alice", "PUT", p("/workspaces/ops/tables/dw/orders"), {});
    await ok("alice", "DELETE", p("/workspaces/ops/tables/dw/orders"));
    await created("alice", "PUT", p("/data-sources/dw2"), { name: "Old", tables: [{ name: "t", columns: [{ name: "c", type: "string" }] }] });
    await ok("alice", "DELETE", p("/data-sources/dw2"));
  });

  await t.test("removing a member and an organization role", async () => {
    await created("erin", "PUT", p("/assets/erins"), { workspace: "main", kind: "workbook", name: "Erin's" });
    const removed = await ok("alice", "DELETE", p("/members/erin?new_owner=alice"));
    assert.ok(removed.events.some((e) => e.type === "member_removed"), JSON.stringify(removed));
    assert.equal((await ok("alice", "GET", p(`/assets/erins?min_version=${removed.version}`))).owner, "alice");
    assert.equal((await ok("alice", "GET", p(`/assets/memo?min_version=${removed.version}`))).owner, "alice");
    await ok("alice", "PUT", p("/members/dave/roles"), { roles: [] });
    await ok("alice", "DELETE", p("/roles/people"));
  });

  await t.test("upgrading a legacy organization", async () => {
    const legacy = org("legacy");
    const answer = await created("root", "POST", o(legacy, "/upgrade"), {
      name: "Legacy",
      default_workspace: "default",
      users: [{ user: "root", admin: true }, { user: "ada", roles: ["developer"] }],
      assets: [{ id: "old-dash", kind: "dashboard", name: "Old", owner: "ada" }],
    });
    assert.equal(answer.version, 1);
    const check = await ok("ada", "POST", o(legacy, `/check?min_version=1`), { operation: "modify", asset: "old-dash" });
    assert.deepEqual([check.allowed, check.rule], [true, "R6"]);
    assert.deepEqual((await ok("ada", "GET", o(legacy, "/workspaces/default/assets?min_version=1"))).ids, ["old-dash"]);
    // The org id in the body must be the path's.
    const other = await call("root", "POST", o(org("legacy2"), "/upgrade"), {
      name: "L", default_workspace: "d", users: [{ user: "root", admin: true }], org: "elsewhere",
    });
    assertError(other, 400, "invalid", "org id in the body");
  });
});

test("every query route", async (t) => {
  const p = (rest) => o(FLOW, rest);
  // Reads pass the newest version written: the edge may otherwise answer from a copy up to a
  // second old.
  const version = written.get(FLOW);
  const q = `?min_version=${version}`;

  await t.test("org summary", async () => {
    const summary = await ok("carol", "GET", p(q));
    // `you`: the caller's standing, as the core decides it (the console asks it, never the view).
    const you = { user: "carol", org_admin: false, points: [], whole_view: false };
    assert.deepEqual(summary, { id: FLOW, name: "Acme Ltd", version, default_workspace: "main", you });
    assertError(await call("zoe", "GET", p(q)), 403, "denied", "a non-member");
  });

  await t.test("check: single, hinted, create, batch", async () => {
    const one = await ok("bob", "POST", p(`/check${q}`), { operation: "view", asset: "dash" });
    assert.equal(one.allowed, true);
    assert.equal(typeof one.rule, "string");
    assert.equal(typeof one.reason, "string");
    const denied = await ok("bob", "POST", p(`/check${q}`), { operation: "view", asset: "secret" });
    assert.deepEqual([denied.allowed, denied.rule], [false, "W7"]);
    const hinted = await ok("bob", "POST", p(`/check${q}`), { operation: "view", asset: "dash", workspace: "main" });
    assert.equal(hinted.allowed, true);
    const create = await ok("bob", "POST", p(`/check${q}`), { operation: "create", workspace: "main", kind: "dashboard" });
    assert.equal(create.allowed, true);
    const batch = await ok("bob", "POST", p(`/check${q}`), {
      checks: [
        { operation: "view", asset: "dash" },
        { operation: "view", asset: "secret" },
        { operation: "modify", asset: "dash" },
        { operation: "view", asset: "nope" },
        { operation: "create", workspace: "ops", kind: "dashboard" },
      ],
    });
    assert.equal(batch.results.length, 5);
    assert.deepEqual(batch.results.slice(0, 3).map((r) => r.allowed), [true, false, false]);
    assert.equal(batch.results[3].error.code, "not_found");
    assert.equal(typeof batch.results[4].allowed, "boolean");
    assertError(await call("bob", "POST", p(`/check${q}`), { operation: "view", asset: "nope" }), 404, "not_found", "unknown asset");
    const tooMany = { checks: Array.from({ length: 1001 }, () => ({ operation: "view", asset: "dash" })) };
    assertError(await call("bob", "POST", p(`/check${q}`), tooMany), 400, "invalid", "1001 checks");
  });

  await t.test("filter with and without a workspace", async () => {
    const assets = ["secret", "dash", "nope", "sales", "memo"];
    const whole = await ok("bob", "POST", p(`/filter${q}`), { operation: "view", assets });
    assert.deepEqual(whole.assets, ["dash", "sales"]);
    const hinted = await ok("bob", "POST", p(`/filter${q}`), { operation: "view", assets, workspace: "main" });
    assert.deepEqual(hinted, whole);
    const admin = await ok("alice", "POST", p(`/filter${q}`), { operation: "modify", assets, workspace: "main" });
    assert.deepEqual(admin.assets, ["secret", "dash", "sales", "memo"]);
    assertError(await call("bob", "POST", p(`/filter${q}`), { assets }), 400, "invalid", "no operation");
  });

  await t.test("visible assets and folders", async () => {
    const assets = await ok("bob", "GET", p(`/workspaces/main/assets${q}`));
    assert.deepEqual(assets.ids.sort(), ["dash", "sales"]);
    assert.equal(assets.workspace, "main");
    const dash = assets.assets.find((a) => a.id === "dash");
    assert.deepEqual(dash, { id: "dash", kind: "dashboard", name: "Dashboard", folder: "q3", owner: "alice", public: false });
    const folders = await ok("bob", "GET", p(`/workspaces/main/folders${q}`));
    assert.ok(folders.ids.includes("q3"), JSON.stringify(folders));
    assert.deepEqual(idsOf(folders.folders), [...folders.ids].sort());
    const all = await ok("alice", "GET", p(`/workspaces/main/folders${q}`));
    assert.deepEqual(all.ids.sort(), ["q3", "reports"]);
    assertError(await call("bob", "GET", p(`/workspaces/nowhere/assets${q}`)), 404, "not_found", "unknown workspace");
  });

  await t.test("mode dry run", async () => {
    const run = await ok("alice", "GET", p(`/workspaces/main/mode-dry-run${q}&mode=collaboration`));
    assert.deepEqual([run.workspace, run.from, run.to], ["main", "private", "collaboration"]);
    const bob = run.changes.find((c) => c.user === "bob");
    assert.ok(bob?.gains.includes("secret"), JSON.stringify(run));
    assertError(await call("bob", "GET", p(`/workspaces/main/mode-dry-run${q}&mode=collaboration`)), 403, "denied", "bob");
    assertError(await call("alice", "GET", p(`/workspaces/main/mode-dry-run${q}`)), 400, "invalid", "no mode");
    assertError(await call("alice", "GET", p(`/workspaces/main/mode-dry-run${q}&mode=open`)), 400, "invalid", "bad mode");
  });

  await t.test("asset, data scope, preview", async () => {
    const dash = await ok("bob", "GET", p(`/assets/dash${q}`));
    assert.deepEqual([dash.id, dash.workspace, dash.kind, dash.owner], ["dash", "main", "dashboard", "alice"]);
    const e = assertError(await call("bob", "GET", p(`/assets/secret${q}`)), 403, "denied", "secret");
    assert.equal(e.rule, "W7");
    assertError(await call("bob", "GET", p(`/assets/nope${q}`)), 404, "not_found", "unknown asset");
    const scope = await ok("bob", "GET", p(`/assets/sales/data-scope${q}`));
    assert.deepEqual(scope.columns.map((c) => [c.name, !!c.masked]), [["region", false], ["amount", false], ["email", true]]);
    const rows = [
      { region: "east", amount: 1, email: "a@x" },
      { region: "north", amount: 2, email: "b@x" },
      { region: "west", amount: 3, email: "c@x" },
    ];
    const preview = await ok("bob", "POST", p(`/assets/sales/preview${q}`), { rows });
    assert.deepEqual(preview.rows, [
      { region: "east", amount: 1, email: "***" },
      { region: "west", amount: 3, email: "***" },
    ]);
    assertError(await call("carol", "GET", p(`/assets/sales/data-scope${q}`)), 403, "denied", "carol");
    assertError(await call("bob", "POST", p(`/assets/sales/preview${q}`), { rows: "x" }), 400, "invalid", "rows");
    // The scope as SQL (docs/sql.md): values only as parameters, the mask a constant.
    const { version: decidedAt, ...sql } = await ok("bob", "GET", p(`/assets/sales/sql${q}&dialect=postgres`));
    assert.equal(typeof decidedAt, "number");
    assert.deepEqual(sql, {
      table: { source: "dw", table: "orders" },
      sql: `SELECT "region", "amount", '***' AS "email" FROM "orders" WHERE "region" IN (CAST($1 AS TEXT), CAST($2 AS TEXT))`,
      params: ["east", "west"],
      columns: [{ name: "region", type: "string" }, { name: "amount", type: "number" }, { name: "email", type: "string", masked: true }],
    });
    assertError(await call("carol", "GET", p(`/assets/sales/sql${q}&dialect=sqlite`)), 403, "denied", "carol");
    assertError(await call("bob", "GET", p(`/assets/sales/sql${q}`)), 400, "invalid", "no dialect");
    assertError(await call("bob", "GET", p(`/assets/sales/sql${q}&dialect=oracle`)), 400, "invalid", "unknown dialect");
    assertError(await call("bob", "GET", p(`/assets/sales/sql${q}&dialect=duckdb&through=dash`)), 403, "denied", "dash is not built on sales");
  });

  await t.test("per-user snapshot", async () => {
    const mine = await ok("bob", "GET", p(`/snapshot${q}`));
    assert.equal(mine.view_of, "bob");
    assert.equal(mine.org.version, version);
    const text = JSON.stringify(mine);
    assert.ok(!text.includes('"secret"'), text);
    const all = await ok("alice", "GET", p(`/snapshot${q}`));
    assert.equal(all.org.id, FLOW);
    assert.ok(!("audit" in all));
    assertError(await call("zoe", "GET", p(`/snapshot${q}`)), 403, "denied", "a non-member");
  });

  await t.test("views that page: a first view, then a workspace view (tests/worker/views.test.mjs has them at length)", async () => {
    const first = await ok("bob", "GET", p(`/views/first${q}&workspace=main`));
    assert.equal(first.view.view_of, "bob");
    assert.equal(first.current, "main");
    const ws = await ok("bob", "GET", p(`/views/workspaces/main${q}`));
    assert.equal(ws.view_of, "bob");
    assert.ok(!JSON.stringify(ws).includes('"secret"'), JSON.stringify(ws));
    // The pages of the first view's lists.
    const page = await ok("bob", "GET", p(`/views/workspaces${q}&limit=1`));
    assert.equal(page.view.view_of, "bob");
    assert.equal(page.view.org.workspaces.length, 1);
    const members = await ok("alice", "GET", p(`/views/members${q}`));
    assert.ok(members.view.org.members.some((m) => m.user === "bob"), JSON.stringify(members));
  });

  await t.test("audit log: pages, and only for those who may read it (X4)", async () => {
    const entries = [];
    let after = 0;
    let pages = 0;
    for (;;) {
      const page = await ok("alice", "GET", p(`/audit?after=${after}&limit=7`));
      pages += 1;
      assert.ok(page.entries.length <= 7);
      entries.push(...page.entries);
      if (page.next_after === null || page.next_after === undefined) break;
      assert.equal(page.next_after, page.entries.at(-1).version);
      after = page.next_after;
      assert.ok(pages < 100);
    }
    assert.deepEqual(entries.map((e) => e.version), Array.from({ length: version }, (_, i) => i + 1));
    assert.ok(pages >= Math.floor(version / 7));
    assert.deepEqual(Object.keys(entries[0]).sort(), ["actor", "at", "command", "events", "version"]);
    assert.equal(entries[0].command.type, "create_org");
    assert.equal(entries[0].actor, "alice");
    const mid = await ok("alice", "GET", p("/audit?after=3&limit=2"));
    assert.deepEqual(mid.entries.map((e) => e.version), [4, 5]);
    assert.equal(mid.next_after, 5);
    const last = await ok("alice", "GET", p(`/audit?after=${version}`));
    assert.deepEqual([last.entries, last.next_after], [[], null]);
    for (const user of ["bob", "carol"]) {
      const e = assertError(await call(user, "GET", p("/audit")), 403, "denied", `${user} reads the audit log`);
      assert.equal(e.rule, "X4");
    }
    assertError(await call("zoe", "GET", p("/audit")), 403, "denied", "a non-member");
    assertError(await call("alice", "GET", p("/audit?limit=many")), 400, "invalid", "limit");
  });

  await t.test("import: a whole snapshot creates an organization", async () => {
    const copy = org("copy");
    const snapshot = JSON.parse(await state(FLOW));
    snapshot.org.id = copy;
    // What GET /snapshot answers is a view (`view_of`), even the admin's: refused as such.
    assert.equal(snapshot.view_of, "alice");
    assertError(await call("alice", "PUT", o(copy, "/snapshot"), snapshot), 400, "invalid", "a view");
    delete snapshot.view_of;
    const answer = await created("alice", "PUT", o(copy, "/snapshot"), snapshot);
    assert.equal(answer.version, version);
    const back = JSON.parse(await state(copy));
    assert.equal(back.view_of, "alice");
    delete back.view_of;
    assert.deepEqual(back, snapshot);
    // Every asset is found at the edge, and the organization takes commands.
    const check = await ok("bob", "POST", o(copy, `/check?min_version=${version}`), { operation: "view", asset: "dash" });
    assert.equal(check.allowed, true);
    const next = await ok("alice", "PATCH", o(copy), { name: "Copy" });
    assert.equal(next.version, version + 1);
    assertError(await call("alice", "PUT", o(copy, "/snapshot"), snapshot), 409, "conflict", "import over an org");
    const notAdmin = { ...snapshot, org: { ...snapshot.org, id: org("copy2") } };
    assertError(await call("bob", "PUT", o(org("copy2"), "/snapshot"), notAdmin), 403, "denied", "bob imports");
    assertError(await call("alice", "PUT", o(org("copy3"), "/snapshot"), snapshot), 400, "invalid", "another org id");
    assertError(await call("alice", "PUT", o(org("copy4"), "/snapshot"), { format: 1 }), 400, "invalid", "not a snapshot");
    assertError(await call("alice", "PUT", o(org("copy5"), "/snapshot")), 400, "invalid", "no body");
    // The same in chunks (tests/worker/import.test.mjs tests them at length).
    const chunked = org("copy6");
    const text = JSON.stringify({ ...snapshot, org: { ...snapshot.org, id: chunked } });
    const half = Math.floor(text.length / 2);
    const up = o(chunked, "/imports/up");
    await ok("alice", "PUT", `${up}/chunks/1`, text.slice(half));
    await ok("alice", "PUT", `${up}/chunks/0`, text.slice(0, half));
    assert.deepEqual((await ok("alice", "GET", up)).chunks, [0, 1]);
    assert.equal((await created("alice", "POST", `${up}/commit`, { chunks: 2 })).version, version);
  });
});

// ---------------------------------------------------------------------------------------------
// Authentication

test("tokens: every bad token is a 401 with the JSON error shape, and changes nothing", async () => {
  const secret = devSecret();
  const now = Math.floor(Date.now() / 1000);
  const b64 = (v) => Buffer.from(JSON.stringify(v)).toString("base64url");
  const claims = { sub: "alice", iss: "orgspace", aud: "orgspace-api", iat: now, exp: now + 600 };
  const { privateKey } = generateKeyPairSync("ed25519");
  const eddsa = (() => {
    const signing = `${b64({ alg: "EdDSA", typ: "JWT" })}.${b64(claims)}`;
    return `${signing}.${sign(null, Buffer.from(signing), privateKey).toString("base64url")}`;
  })();
  const bad = {
    "no token": undefined,
    "not Bearer": `Basic ${Buffer.from("alice:pw").toString("base64")}`,
    "not a JWT": "Bearer not-a-jwt",
    "bad signature": `Bearer ${mint("alice", { secret: `${secret}-not` })}`,
    "tampered claims": `Bearer ${(() => {
      const [h, , s] = mint("bob").split(".");
      return `${h}.${b64({ ...claims })}.${s}`;
    })()}`,
    "alg none": `Bearer ${b64({ alg: "none", typ: "JWT" })}.${b64(claims)}.`,
    "alg none, no signature part": `Bearer ${b64({ alg: "none", typ: "JWT" })}.${b64(claims)}`,
    "HS512 header": `Bearer ${mint("alice", { header: { alg: "HS512" } })}`,
    "EdDSA without a configured key": `Bearer ${eddsa}`,
    expired: `Bearer ${mint("alice", { ttl: -3600 })}`,
    "nbf in the future": `Bearer ${mint("alice", { claims: { nbf: now + 3600 } })}`,
    "foreign iss": `Bearer ${mint("alice", { claims: { iss: "someone-else" } })}`,
    "foreign aud": `Bearer ${mint("alice", { claims: { aud: "another-api" } })}`,
    "no sub": `Bearer ${mint("alice", { claims: { sub: undefined } })}`,
    "no exp": `Bearer ${mint("alice", { claims: { exp: undefined } })}`,
  };
  const before = await state(FLOW);
  const requests = [
    ["GET", o(FLOW)],
    ["POST", o(FLOW, "/check"), { operation: "view", asset: "dash" }],
    ["GET", o(FLOW, "/workspaces/main/assets")],
    ["GET", o(FLOW, "/snapshot")],
    ["GET", o(FLOW, "/audit")],
    ["PATCH", o(FLOW), { name: "Hijacked" }],
    ["PUT", o(FLOW, "/assets/planted"), { workspace: "main", kind: "dashboard", name: "P" }],
    ["DELETE", o(FLOW, "/assets/dash")],
    ["PUT", o(org("stolen"), "/snapshot"), JSON.parse(before)],
    ["PUT", o(org("stolen"))],
  ];
  for (const [what, auth] of Object.entries(bad)) {
    for (const [method, path, body] of requests) {
      const r = await call(null, method, path, body, auth === undefined ? {} : { auth });
      assertError(r, 401, "unauthenticated", `${what}: ${method} ${path}`);
      // RFC 9110 11.6.1: a 401 names the scheme to authenticate with.
      assert.equal(r.headers.get("www-authenticate"), 'Bearer realm="orgspace"', `${what}: ${method} ${path}`);
    }
  }
  // The dev clock moves the request's time, never the token's: an expired token stays expired.
  const r = await call(null, "GET", o(FLOW), undefined, {
    auth: `Bearer ${mint("alice", { ttl: -3600 })}`,
    headers: { "x-orgspace-time": String((now - 7200) * 1000) },
  });
  assertError(r, 401, "unauthenticated", "expired with an old dev clock");
  assert.equal(await state(FLOW), before);
  const stolen = await call("alice", "GET", o(org("stolen")));
  // No organization was created: alice is a member of none of that id (P1, the outsider's answer).
  assertError(stolen, 403, "denied", "the org no bad token could create");
  // The health check needs no token.
  assert.deepEqual((await call(null, "GET", "/v1/health")).json, { status: "ok" });
  // The test-only KV fault switch exists only where ORGSPACE_TEST_FAULTS=true (staleness tests).
  assertError(await call("alice", "POST", `/v1/orgs/${FLOW}/test/kv-fault`, { fail: true }), 404, "not_found", "fault switch");
  assertError(await call("alice", "GET", `/v1/orgs/${FLOW}/test/writer-calls`), 404, "not_found", "writer call count");
  assertError(await call("alice", "POST", `/v1/orgs/${FLOW}/test/legacy-store`), 404, "not_found", "legacy store switch");
});

// ---------------------------------------------------------------------------------------------
// Bad input

test("bad input: a 4xx JSON error, and the state byte-identical", async () => {
  const p = (rest) => o(FLOW, rest);
  const before = await state(FLOW);
  const asset = { workspace: "main", kind: "dashboard", name: "X" };
  const big = JSON.stringify({ ...asset, name: "x".repeat((1 << 20) + 10) });
  const streamOf = (text) =>
    new ReadableStream({
      start(c) {
        c.enqueue(new TextEncoder().encode(text));
        c.close();
      },
    });
  const cases = [
    ["malformed JSON", "alice", "PUT", p("/assets/x"), undefined, { raw: '{"workspace": "main",' }, 400, "invalid"],
    ["JSON that is not an object", "alice", "PUT", p("/assets/x"), [asset], {}, 400, "invalid"],
    ["a string body", "alice", "PUT", p("/assets/x"), '"x"', {}, 400, "invalid"],
    ["wrong type", "alice", "PUT", p("/assets/x"), { ...asset, workspace: 5 }, {}, 400, "invalid"],
    ["wrong enum", "alice", "PUT", p("/assets/x"), { ...asset, kind: "spreadsheet" }, {}, 400, "invalid"],
    ["missing field", "alice", "PUT", p("/assets/x"), { workspace: "main", kind: "dashboard" }, {}, 400, "invalid"],
    ["unknown field", "alice", "PUT", p("/assets/x"), { ...asset, colour: "red" }, {}, 400, "invalid"],
    ["a path field in the body", "alice", "PUT", p("/assets/x"), { ...asset, asset: "y" }, {}, 400, "invalid"],
    ["type in the body", "alice", "PUT", p("/assets/x"), { ...asset, type: "delete_asset" }, {}, 400, "invalid"],
    ["target in the body", "alice", "PUT", p("/assets/dash/grants/users/bob"), { level: "view", target: { user: "x" } }, {}, 400, "invalid"],
    ["unknown query parameter", "alice", "DELETE", p("/assets/dash?force=1"), undefined, {}, 400, "invalid"],
    ["bad min_version", "alice", "POST", p("/check?min_version=soon"), { operation: "view", asset: "dash" }, {}, 400, "invalid"],
    ["bad dev clock", "alice", "PATCH", p(""), { name: "N" }, { headers: { "x-orgspace-time": "noon" } }, 400, "invalid"],
    ["unknown workspace", "alice", "PUT", p("/assets/x"), { ...asset, workspace: "nowhere" }, {}, 404, "not_found"],
    ["unknown asset", "alice", "PUT", p("/assets/nope/grants/users/bob"), { level: "view" }, {}, 404, "not_found"],
    ["unknown folder", "alice", "DELETE", p("/folders/nope"), undefined, {}, 404, "not_found"],
    ["unknown member", "alice", "PUT", p("/members/nobody/roles"), { roles: [] }, {}, 404, "not_found"],
    ["unknown org", "alice", "PATCH", o(org("nowhere")), { name: "N" }, {}, 403, "denied"],
    ["existing id", "alice", "PUT", p("/assets/dash"), asset, {}, 409, "conflict"],
    ["existing org", "alice", "PUT", p(""), { name: "A", default_workspace: "main" }, {}, 409, "conflict"],
    ["denied", "bob", "PATCH", p(""), { name: "Bob's" }, {}, 403, "denied"],
    ["denied grant", "carol", "PUT", p("/assets/dash/grants/users/carol"), { level: "edit" }, {}, 403, "denied"],
    ["a check with an unknown field", "bob", "POST", p("/check"), { operation: "view", asset: "dash", user: "alice" }, {}, 400, "invalid"],
    ["a check with no body", "bob", "POST", p("/check"), undefined, {}, 400, "invalid"],
    ["a GET check with an unknown parameter", "bob", "GET", p("/check?operation=view&asset=dash&user=alice"), undefined, {}, 400, "invalid"],
    ["a GET check without operation", "bob", "GET", p("/check?asset=dash"), undefined, {}, 400, "invalid"],
    ["a GET check with a repeated parameter", "bob", "GET", p("/check?operation=view&asset=dash&asset=x"), undefined, {}, 400, "invalid"],
    ["a GET check of an unknown operation", "bob", "GET", p("/check?operation=peek&asset=dash"), undefined, {}, 400, "invalid"],
    ["a filter without assets", "bob", "POST", p("/filter"), { operation: "view" }, {}, 400, "invalid"],
    ["body over 1 MiB", "alice", "PUT", p("/assets/x"), undefined, { raw: big }, 413, "too_large"],
    ["body over 1 MiB, chunked", "alice", "PUT", p("/assets/x"), undefined, { raw: streamOf(big) }, 413, "too_large"],
    ["check over 1 MiB", "bob", "POST", p("/check"), undefined, { raw: big }, 413, "too_large"],
    ["unknown route", "alice", "GET", "/v1/nothing-here", undefined, {}, 404, "not_found"],
    ["unknown org route", "alice", "GET", p("/nothing-here"), undefined, {}, 404, "not_found"],
    ["unknown route, no token", null, "GET", "/v1/orgs", undefined, {}, 404, "not_found"],
    ["unknown route under an org, no token", null, "GET", p("/members"), undefined, {}, 404, "not_found"],
    ["wrong method on a command route", "alice", "POST", p("/assets/dash"), asset, {}, 405, "method_not_allowed"],
    ["wrong method on a query route", "alice", "DELETE", p("/check"), undefined, {}, 405, "method_not_allowed"],
    ["wrong method on health", null, "POST", "/v1/health", undefined, {}, 405, "method_not_allowed"],
  ];
  for (const [what, user, method, path, body, options, status, code] of cases) {
    const r = await call(user, method, path, body, options);
    assertError(r, status, code, what);
    assert.equal(await state(FLOW), before, `the state changed after: ${what}`);
  }
});

test("bad input: a 405 names in Allow every method the path takes (RFC 9110 15.5.6)", async () => {
  const order = ["GET", "POST", "PUT", "PATCH", "DELETE"];
  const patterns = new Map();
  for (const r of ROUTES) patterns.set(r.path, [...(patterns.get(r.path) ?? []), r.method]);
  let checked = 0;
  for (const [pattern, methods] of patterns) {
    const other = order.find((m) => !methods.includes(m));
    if (!other) continue;
    const path = pattern.replace(/:([a-z]+)/g, "$1-405");
    const r = await call("alice", other, path, other === "GET" || other === "DELETE" ? undefined : {});
    assertError(r, 405, "method_not_allowed", `${other} ${pattern}`);
    const want = order.filter((m) => methods.includes(m)).join(", ");
    assert.equal(r.headers.get("allow"), want, `${other} ${pattern}`);
    checked += 1;
  }
  assert.ok(checked >= 35, `only ${checked} paths checked: is the route table parsed?`);
});

// ---------------------------------------------------------------------------------------------
// Read-your-writes

test("read-your-writes: a check at the revoke's version sees the revoke", async () => {
  const id = org("ryw");
  const p = (rest) => o(id, rest);
  await created("alice", "PUT", p(), { name: "R", default_workspace: "main", mode: "private" });
  await created("alice", "PUT", p("/members/bob"), { workspace: "main", workspace_roles: ["analyst"] });
  await created("alice", "PUT", p("/assets/doc"), { workspace: "main", kind: "dashboard", name: "Doc" });
  for (let i = 0; i < 15; i += 1) {
    const granted = await ok("alice", "PUT", p("/assets/doc/grants/users/bob"), { level: "view" });
    const yes = await ok("bob", "POST", p(`/check?min_version=${granted.version}`), { operation: "view", asset: "doc" });
    assert.equal(yes.allowed, true, `round ${i}: after the grant at ${granted.version}`);
    const yesGet = await ok("bob", "GET", p(`/check?operation=view&asset=doc&min_version=${granted.version}`));
    assert.deepEqual(yesGet, yes, `round ${i}: GET and POST check agree`);
    const assets = await ok("bob", "GET", p(`/workspaces/main/assets?min_version=${granted.version}`));
    assert.deepEqual(assets.ids, ["doc"]);
    const revoked = await ok("alice", "DELETE", p("/assets/doc/grants/users/bob"));
    assert.equal(revoked.version, granted.version + 1);
    const no = await ok("bob", "POST", p(`/check?min_version=${revoked.version}`), { operation: "view", asset: "doc" });
    assert.deepEqual([no.allowed, no.rule], [false, "W7"], `round ${i}: after the revoke at ${revoked.version}`);
    const noGet = await ok("bob", "GET", p(`/check?operation=view&asset=doc&workspace=main&min_version=${revoked.version}`));
    assert.deepEqual(noGet, no, `round ${i}: GET check after the revoke`);
    const hinted = await ok("bob", "POST", p(`/check?min_version=${revoked.version}`), { operation: "view", asset: "doc", workspace: "main" });
    assert.equal(hinted.allowed, false);
    const filtered = await ok("bob", "POST", p(`/filter?min_version=${revoked.version}`), { operation: "view", assets: ["doc"], workspace: "main" });
    assert.deepEqual(filtered.assets, []);
  }
  // A version from the future is answered by the writer (it has nothing newer): still the truth.
  const ahead = await ok("bob", "POST", p("/check?min_version=999999"), { operation: "view", asset: "doc" });
  assert.equal(ahead.allowed, false);
});

test("read-your-writes: an asset that moved workspace is found where it went", async () => {
  const id = org("moves");
  const p = (rest) => o(id, rest);
  await created("alice", "PUT", p(), { name: "M", default_workspace: "main", mode: "private" });
  const bob = await created("alice", "PUT", p("/members/bob"), { workspace: "main", workspace_roles: ["developer"] });
  const personal = bob.events.find((e) => e.type === "member_added").personal_workspace;
  await created("bob", "PUT", p("/assets/bobs"), { workspace: personal, kind: "dashboard", name: "Bob's" });
  // Asked once before the move, so the edge knows (and caches) where it was.
  const before = await ok("alice", "GET", p(`/assets/bobs?${seen(id)}`));
  assert.equal(before.workspace, personal);
  assert.equal((await ok("alice", "POST", p(`/check?${seen(id)}`), { operation: "modify", asset: "bobs" })).allowed, true);
  const removed = await ok("alice", "DELETE", p("/members/bob?new_owner=alice"));
  const whole = JSON.parse(await state(id));
  const home = whole.workspaces.find((w) => w.assets.some((a) => a.id === "bobs"))?.id;
  assert.ok(home && home !== personal, `bobs is in ${home}`);
  const after = await ok("alice", "GET", p(`/assets/bobs?min_version=${removed.version}`));
  assert.deepEqual([after.workspace, after.owner], [home, "alice"]);
  const check = await ok("alice", "POST", p(`/check?min_version=${removed.version}`), { operation: "modify", asset: "bobs" });
  assert.equal(check.allowed, true);
  assertError(await call("alice", "GET", p(`/workspaces/${enc(personal)}/assets?min_version=${removed.version}`)), 404, "not_found", "the removed member's workspace");
  // No longer a member: the outsider's answer for the whole request (P1).
  const gone = await call("bob", "POST", p(`/check?min_version=${removed.version}`), { operation: "view", asset: "bobs" });
  assertError(gone, 403, "denied", "a removed member");
  assert.equal(gone.json.error.rule, "P1");
});

test("ids holding `/`, `%` and unicode stay inside their organization", async () => {
  const victim = org("victim");
  const v = (rest) => o(victim, rest);
  await created("alice", "PUT", v(), { name: "Victim", default_workspace: "main", mode: "private" });
  await created("alice", "PUT", v("/members/bob"), { workspace: "main", workspace_roles: ["analyst"] });
  await created("alice", "PUT", v("/assets/d"), { workspace: "main", kind: "dashboard", name: "D" });
  const odd = "q3/ü ✓%2F";
  await created("alice", "PUT", v(`/assets/${enc(odd)}`), { workspace: "main", kind: "dashboard", name: "Odd" });
  await ok("alice", "PUT", v("/assets/d/grants/users/bob"), { level: "view" });
  const before = await state(victim);
  // Organizations whose ids would spell the victim's keys: organization ids are lowercase
  // ASCII without `/` or `%` (O1), so a provisioner cannot even name them.
  for (const name of [`${victim}/ws/main`, `${victim}/asset/d`, `${victim}/asset`, `${victim}%2Fws%2Fmain`]) {
    assertError(await call("mallory", "PUT", o(name), { name: "Evil", default_workspace: "main", mode: "collaboration" }), 400, "invalid", name);
  }
  // Workspace and asset ids in another organization may hold them, and stay there.
  const evil = org("evil");
  await created("mallory", "PUT", o(evil), { name: "Evil", default_workspace: "main", mode: "collaboration" });
  await created("mallory", "PUT", o(evil, `/workspaces/${enc(`${victim}/ws/main`)}`), { name: "Evil", mode: "collaboration" });
  await created("mallory", "PUT", o(evil, `/assets/${enc(`${victim}/asset/d`)}`), { workspace: "main", kind: "dashboard", name: "Evil" });
  // The victim's answers, at the edge (no min_version, after the copies expire) and at the writer.
  await new Promise((r) => setTimeout(r, 1100));
  for (const q of ["", `?${seen(victim)}`]) {
    const check = await ok("bob", "POST", v(`/check${q}`), { operation: "view", asset: "d" });
    assert.equal(check.allowed, true, JSON.stringify(check));
    const assets = await ok("bob", "GET", v(`/workspaces/main/assets${q}`));
    assert.deepEqual(assets.ids, ["d"]);
    const summary = await ok("bob", "GET", v(q));
    assert.equal(summary.name, "Victim");
    const mine = await ok("alice", "GET", v(`/assets/${enc(odd)}${q}`));
    assert.deepEqual([mine.id, mine.workspace], [odd, "main"]);
  }
  assert.equal(await state(victim), before);
  assertError(await call("mallory", "GET", v("/snapshot")), 403, "denied", "the stranger");
});

// ---------------------------------------------------------------------------------------------
// Concurrency

test("concurrency: 100 parallel writes to one org, none lost", async () => {
  const id = org("busy");
  const p = (rest) => o(id, rest);
  await created("alice", "PUT", p(), { name: "Busy", default_workspace: "main", mode: "collaboration" });
  await created("alice", "PUT", p("/members/bob"), { workspace: "main", workspace_roles: ["developer"] });
  const start = (await ok("alice", "GET", p("?min_version=2"))).version;
  assert.equal(start, 2);
  const names = Array.from({ length: 100 }, (_, i) => `a${String(i).padStart(3, "0")}`);
  const answers = await Promise.all(
    names.map((asset, i) =>
      // All at once, as two users.
      call(i % 2 ? "bob" : "alice", "PUT", p(`/assets/${asset}`), { workspace: "main", kind: "dashboard", name: asset }),
    ),
  );
  for (const r of answers) assert.equal(r.status, 201, r.text);
  const versions = answers.map((r) => r.json.version).sort((a, b) => a - b);
  assert.deepEqual(versions, Array.from({ length: 100 }, (_, i) => start + 1 + i));
  const summary = await ok("alice", "GET", p(`?min_version=${start + 100}`));
  assert.equal(summary.version, start + 100);
  const visible = await ok("alice", "GET", p(`/workspaces/main/assets?min_version=${start + 100}`));
  assert.deepEqual(visible.ids.sort(), names);
  const snapshot = JSON.parse(await state(id));
  assert.deepEqual(snapshot.workspaces.find((w) => w.id === "main").assets.map((a) => a.id).sort(), names);
  // Every one is in the audit log once.
  const audit = await ok("alice", "GET", p(`/audit?after=${start}&limit=1000`));
  assert.deepEqual(audit.entries.map((e) => e.command.asset).sort(), names);
});

test("concurrency: racing to create one organization, one wins", async () => {
  const id = org("race");
  const users = ["u1", "u2", "u3", "u4", "u5", "u6", "u7", "u8"];
  const answers = await Promise.all(
    users.map((u) => call(u, "PUT", o(id), { name: `Org of ${u}`, default_workspace: "main" })),
  );
  const winners = users.filter((_, i) => answers[i].status === 201);
  assert.equal(winners.length, 1, answers.map((r) => `${r.status} ${r.text}`).join("\n"));
  // A loser is not a member of the organization that now exists: denied (P1) before anything.
  for (const r of answers.filter((x) => x.status !== 201)) assert.equal(assertError(r, 403, "denied", "a loser").rule, "P1");
  const snapshot = JSON.parse(await state(id, winners[0]));
  assert.equal(snapshot.org.name, `Org of ${winners[0]}`);
  assert.equal(snapshot.org.version, 1);
  assert.deepEqual(snapshot.org.members.map((m) => m.user), [winners[0]]);
});

// ---------------------------------------------------------------------------------------------
// Leakage

test("leakage: a member's snapshot holds nothing they may not see", async () => {
  const id = org("leak");
  const p = (rest) => o(id, rest);
  await created("alice", "PUT", p(), { name: "Leak", default_workspace: "main", mode: "private" });
  const added = {};
  const add = async (user, body) => {
    const r = await created("alice", "PUT", p(`/members/${user}`), body);
    added[user] = r.events.find((e) => e.type === "member_added").personal_workspace;
  };
  await add("bob", { workspace: "main", workspace_roles: ["analyst"] });
  await add("carol", {});
  await created("alice", "PUT", p("/workspaces/hidden"), { name: "Hidden", mode: "private" });
  await created("alice", "PUT", p("/workspaces/team"), { name: "Team", mode: "collaboration" });
  await add("zed", { workspace: "hidden", workspace_roles: ["developer"] });
  await add("quinn", { workspace: "hidden", workspace_roles: ["analyst"] });
  await created("alice", "PUT", p("/workspaces/team/members/bob"), { roles: ["developer"] });
  await created("alice", "PUT", p("/workspaces/team/members/carol"), { roles: ["admin"] });
  await created("alice", "PUT", p("/groups/g-bob"), { name: "Bob's group" });
  await created("alice", "PUT", p("/groups/g-bob/members/bob"));
  await created("alice", "PUT", p("/groups/g-quinn-only"), { name: "Quinn's group" });
  await created("alice", "PUT", p("/groups/g-quinn-only/members/quinn"));
  await created("alice", "PUT", p("/folders/f-open"), { workspace: "main", name: "Open" });
  await created("alice", "PUT", p("/folders/f-open-sub"), { workspace: "main", name: "Sub", parent: "f-open" });
  await created("alice", "PUT", p("/folders/f-hush"), { workspace: "main", name: "Hush" });
  await created("alice", "PUT", p("/assets/m-shared"), { workspace: "main", kind: "dashboard", name: "Shared", folder: "f-open-sub" });
  await created("alice", "PUT", p("/assets/m-group"), { workspace: "main", kind: "dashboard", name: "Group" });
  await created("alice", "PUT", p("/assets/m-hush"), { workspace: "main", kind: "dashboard", name: "Hush", folder: "f-hush" });
  await created("alice", "PUT", p("/assets/m-public"), { workspace: "main", kind: "workbook", name: "Public" });
  await created("bob", "PUT", p("/assets/m-bobs"), { workspace: "main", kind: "workbook", name: "Bob's" });
  await ok("alice", "PUT", p("/assets/m-shared/grants/users/bob"), { level: "view" });
  await ok("alice", "PUT", p("/assets/m-group/grants/groups/g-bob"), { level: "view" });
  await ok("alice", "PUT", p("/assets/m-hush/grants/groups/g-quinn-only"), { level: "view" });
  await ok("alice", "PUT", p("/assets/m-public/public"), { public: true });
  await created("zed", "PUT", p("/assets/h-zeds"), { workspace: "hidden", kind: "dashboard", name: "Zed's" });
  await created("zed", "PUT", p("/assets/z-shared"), { workspace: added.zed, kind: "dashboard", name: "Zed shares" });
  await created("zed", "PUT", p("/assets/z-private"), { workspace: added.zed, kind: "dashboard", name: "Zed keeps" });
  await ok("zed", "POST", p("/assets/z-shared/share"), { with: [{ user: "bob" }] });
  await created("quinn", "PUT", p("/assets/q-private"), { workspace: added.quinn, kind: "dashboard", name: "Quinn's" });
  await created("alice", "PUT", p("/assets/t-doc"), { workspace: "team", kind: "dashboard", name: "Team doc" });
  // The version of the last write (a plain read may answer from KV a second older: KV takes one
  // write per key per second, so the writer coalesces).
  const version = written.get(id);
  const q = `?min_version=${version}`;
  const whole = JSON.parse(await state(id));
  const allWorkspaces = whole.org.workspaces.map((w) => w.id);

  const expectations = {
    bob: {
      absent: ["hidden", "h-zeds", "m-hush", "f-hush", "z-private", "q-private", "quinn", "g-quinn-only", added.quinn],
      present: ["m-shared", "m-group", "m-public", "m-bobs", "z-shared", "t-doc", "f-open", "f-open-sub", added.zed],
    },
    carol: { absent: ["hidden", "h-zeds", "m-shared", "m-hush", "m-group", "m-bobs", "z-shared", "quinn", "zed", added.zed], present: ["t-doc", "m-public"] },
    // bob is named by zed's grant on z-shared, in zed's own workspace.
    zed: { absent: ["m-shared", "m-hush", "m-group", "t-doc", "team", "carol", "g-bob"], present: ["h-zeds", "z-shared", "z-private", "bob"] },
    quinn: { absent: ["z-private", "z-shared", "m-shared", "m-hush", "t-doc", "bob"], present: ["q-private"] },
  };
  for (const [user, { absent, present }] of Object.entries(expectations)) {
    const view = await ok(user, "GET", p(`/snapshot${q}`));
    assert.equal(view.view_of, user);
    const text = JSON.stringify(view);
    for (const thing of absent) assert.ok(!text.includes(JSON.stringify(thing)), `${user}'s view holds ${thing}`);
    for (const thing of present) assert.ok(text.includes(JSON.stringify(thing)), `${user}'s view lacks ${thing}`);

    // What the queries say `user` sees, workspace by workspace.
    const seesAssets = {};
    const seesFolders = {};
    for (const ws of allWorkspaces) {
      const a = await call(user, "GET", p(`/workspaces/${enc(ws)}/assets${q}`));
      const f = await call(user, "GET", p(`/workspaces/${enc(ws)}/folders${q}`));
      seesAssets[ws] = a.status === 200 ? new Set(a.json.ids) : new Set();
      seesFolders[ws] = f.status === 200 ? new Set(f.json.ids) : new Set();
    }
    const me = whole.org.members.find((m) => m.user === user);
    const named = new Set([user]);
    for (const part of view.workspaces) {
      const full = whole.workspaces.find((w) => w.id === part.id);
      const header = whole.org.workspaces.find((w) => w.id === part.id);
      const memberOf = full.members.some((m) => m.user === user) || header.owner === user;
      const isDefault = part.id === whole.org.default_workspace;
      const seesSome = seesAssets[part.id].size > 0;
      assert.ok(memberOf || seesSome || isDefault, `${user} gets workspace ${part.id}`);
      if (!memberOf && !seesSome) {
        assert.deepEqual([part.members, part.assets, part.folders], [[], [], []], `${user}: the default's part`);
      }
      for (const a of part.assets) {
        assert.ok(seesAssets[part.id].has(a.id), `${user}'s view holds asset ${a.id} of ${part.id}, not in their list`);
        named.add(a.owner);
        for (const g of a.grants ?? []) if (g.to?.user) named.add(g.to.user);
        for (const r of [...(a.security?.row_rules ?? []), ...(a.security?.column_rules ?? [])]) {
          for (const u of r.targets?.users ?? []) named.add(u);
        }
      }
      // Folders: those the member sees, and their ancestors.
      const parents = new Map(full.folders.map((f) => [f.id, f.parent]));
      const allowed = new Set();
      for (const f of seesFolders[part.id]) {
        for (let x = f; x; x = parents.get(x)) allowed.add(x);
      }
      for (const f of part.folders) {
        assert.ok(allowed.has(f.id), `${user}'s view holds folder ${f.id} of ${part.id}`);
        named.add(f.created_by);
      }
      for (const m of part.members) named.add(m.user);
      if (header.owner) named.add(header.owner);
    }
    for (const h of view.org.workspaces) {
      assert.ok(view.workspaces.some((w) => w.id === h.id), `${user}: header ${h.id} without its part`);
      if (h.owner) named.add(h.owner);
    }
    for (const g of view.org.groups ?? []) for (const m of g.members ?? []) named.add(m);
    for (const m of view.org.members) {
      assert.ok(named.has(m.user), `${user}'s view names member ${m.user} for no reason`);
      if (m.user !== user) {
        assert.deepEqual([m.roles ?? [], m.attributes ?? {}], [[], {}], `${user} sees ${m.user}'s roles`);
      } else {
        assert.deepEqual(m.roles ?? [], me.roles ?? []);
      }
    }
  }
  // The org admin sees the whole organization.
  const admin = await ok("alice", "GET", p(`/snapshot${q}`));
  delete admin.view_of;
  const plain = JSON.parse(await state(id));
  delete plain.view_of;
  assert.deepEqual(admin, plain);
  assert.equal(admin.workspaces.length, allWorkspaces.length);
});

// ---------------------------------------------------------------------------------------------
// Durability (last: restarts wrangler)

test("durability: a restart on the same persist folder keeps everything", { timeout: 240_000 }, async () => {
  const orgs = [FLOW, org("copy"), org("ryw"), org("moves"), org("victim"), org("busy"), org("leak")];
  const before = {};
  for (const id of orgs) before[id] = await state(id);
  const audit = await ok("alice", "GET", o(FLOW, "/audit?limit=1000"));
  const legacyBefore = await ok("root", "GET", o(org("legacy"), "/snapshot"));
  await stop();
  await start();
  for (const id of orgs) assert.equal(await state(id), before[id], `${id} after the restart`);
  assert.deepEqual(await ok("alice", "GET", o(FLOW, "/audit?limit=1000")), audit);
  assert.deepEqual(await ok("root", "GET", o(org("legacy"), "/snapshot")), legacyBefore);
  // The edge still answers from KV, and the writer goes on from the stored version.
  const check = await ok("bob", "POST", o(FLOW, "/check"), { operation: "view", asset: "dash" });
  assert.equal(check.allowed, true);
  assert.deepEqual((await ok("bob", "GET", o(org("busy"), "/workspaces/main/assets"))).ids.length, 100);
  const version = JSON.parse(before[FLOW]).org.version;
  const next = await ok("alice", "PATCH", o(FLOW), { name: "After restart" });
  assert.equal(next.version, version + 1);
  assert.equal((await ok("carol", "GET", o(FLOW, `?min_version=${next.version}`))).name, "After restart");
});

test("A3, X1, W9, R1, X4: the access questions answer on the flow's org (tests/worker/access.test.mjs has them at length)", async () => {
  const p = (rest) => o(FLOW, rest);
  const q = `?min_version=${written.get(FLOW)}`;
  const who = await ok("alice", "GET", p(`/assets/dash/access${q}&operation=view`));
  const users = who.members.map((m) => m.user);
  assert.ok(users.includes("alice") && users.includes("bob"), JSON.stringify(who));
  const folder = await ok("alice", "GET", p(`/folders/q3/access${q}`));
  assert.ok(folder.members.some((m) => m.user === "bob"), JSON.stringify(folder));
  const diff = await ok("alice", "POST", p(`/access-diff${q}`), { type: "set_public", asset: "dash", public: true });
  assert.ok(Array.isArray(diff.gains) && Array.isArray(diff.loses), JSON.stringify(diff));
  // Last: view as records an audit entry (a new version), which the tests above count.
  const seen = await ok("alice", "POST", p(`/workspaces/main/view-as/bob${q}`));
  assert.ok(seen.assets.some((a) => a.id === "dash"), JSON.stringify(seen));
});

test("every route was exercised with success", () => {
  const missing = ROUTES.filter((r) => !(hits.get(`${r.method} ${r.path}`) ?? []).some((s) => s >= 200 && s < 300));
  assert.ok(ROUTES.filter((r) => r.kind === "command").length >= 40, "the route table did not parse");
  assert.ok(ROUTES.filter((r) => r.kind === "query").length >= 12, "the query routes did not parse");
  assert.deepEqual(missing.map((r) => `${r.method} ${r.path}`), []);
});
