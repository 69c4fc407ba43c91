// Edge trust (issue 14), against `wrangler dev`: what an outsider learns (nothing), who creates
// organizations (provisioners), what an import records, which input is refused before it can
// fail a layer below, which tokens are accepted, the dev secret, and the headers every answer
// carries. Each test names the finding and the SPEC rule it guards.
//
//   node --test tests/worker/trust.test.mjs      (or node tests/worker/run.mjs for every file)

import { test } from "node:test";
import assert from "node:assert/strict";
import { createHmac, generateKeyPairSync, sign } from "node:crypto";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { getWithHost, send, useWorker } from "./harness.mjs";
import { mint } from "./tokens.mjs";
import { DEV_USERS_FILE } from "../../scripts/demo/dev-users.mjs";

const root = fileURLToPath(new URL("../../", import.meta.url));
const enc = encodeURIComponent;
const RUN = `tr${Date.now().toString(36)}`;
const APP = "https://app.example";

// Two Ed25519 keys published as a JWKS: tokens name theirs with `kid` (rotation).
const keys = ["k1", "k2"].map((kid) => ({ kid, ...generateKeyPairSync("ed25519") }));
const jwks = { keys: keys.map(({ kid, publicKey }) => ({ ...publicKey.export({ format: "jwk" }), kid, use: "sig" })) };
const w = useWorker("trust", {
  port: 8795,
  vars: { ORGSPACE_CORS_ORIGINS: `${APP}, https://other.example`, JWT_JWKS: JSON.stringify(jwks) },
});

const b64 = (v) => Buffer.from(typeof v === "string" ? v : JSON.stringify(v)).toString("base64url");
/** An EdDSA token signed with `key`, its header naming `kid`. */
function eddsa(sub, key, kid, claims = {}) {
  const now = Math.floor(Date.now() / 1000);
  const head = { alg: "EdDSA", typ: "JWT", ...(kid ? { kid } : {}) };
  const body = { sub, iss: "orgspace", aud: "orgspace-api", iat: now, exp: now + 600, ...claims };
  const signing = `${b64(head)}.${b64(body)}`;
  return `${signing}.${sign(null, Buffer.from(signing), key.privateKey).toString("base64url")}`;
}

const tokens = new Map();
const tok = (user, provision = false) => {
  const k = `${provision}:${user}`;
  if (!tokens.has(k)) tokens.set(k, mint(user, { provision }));
  return tokens.get(k);
};
const as = (user, method, path, body, opts = {}) => send(w.base(), method, path, { token: tok(user, opts.provision), body, headers: opts.headers });
const o = (org, rest = "") => `/v1/orgs/${enc(org)}${rest}`;

function isError(r, status, code, what) {
  const label = `${what}: ${r.status} ${r.text}`;
  assert.equal(r.status, status, label);
  assert.deepEqual(Object.keys(r.json ?? {}), ["error"], label);
  if (code) assert.equal(r.json.error.code, code, label);
  assert.equal(typeof r.json.error.message, "string", label);
}

async function ok(user, method, path, body, opts) {
  const r = await as(user, method, path, body, opts);
  assert.ok(r.status === 200 || r.status === 201, `${user} ${method} ${path}: ${r.status} ${r.text}`);
  return r.json;
}

/** An organization `org` of ada (org admin), bob (developer in main) and d1 in main; its version. */
async function acme(org) {
  await ok("ada", "PUT", o(org), { name: "Acme", default_workspace: "main" }, { provision: true });
  await ok("ada", "PUT", o(org, "/members/bob"), { workspace: "main", workspace_roles: ["developer"] });
  const r = await ok("ada", "PUT", o(org, "/assets/d1"), { workspace: "main", kind: "dashboard", name: "D1" });
  return r.version;
}

/** A whole snapshot of organization `org` (ada org admin, bob a member), at `version`. */
function snapshot(org, version = 1, extra = {}) {
  const personal = (u) => ({ id: `personal:${u}`, kind: "personal", name: u, mode: "private", owner: u });
  return {
    format: 1,
    org: {
      id: org, name: "Imported", version, default_workspace: "main",
      members: [{ user: "ada", roles: ["org_admin"] }, { user: "bob", roles: [] }],
      workspaces: [{ id: "main", kind: "group", name: "Main", mode: "collaboration" }, personal("ada"), personal("bob")],
    },
    workspaces: [
      { id: "main", members: [{ user: "ada", roles: ["admin"] }, { user: "bob", roles: ["visitor"] }],
        assets: [{ id: "m1", kind: "dashboard", name: "M1", owner: "ada", created_at: 0 }] },
      { id: "personal:ada" }, { id: "personal:bob" },
    ],
    ...extra,
  };
}

// ---------------------------------------------------------------------------------------------
// Finding 1: outsiders learn nothing

test("finding 1 (P1): an outsider gets the same bytes for existing and absent orgs, assets, members and batches", async () => {
  const org = `${RUN}-acme`;
  const absent = `${RUN}-absent`;
  const version = await acme(org);
  const uniform = '{"error":{"code":"denied","message":"you are not a member of this organization, or it does not exist","rule":"P1"}}';
  const huge = Array.from({ length: 20_000 }, (_, i) => `guess-${i}`);
  // [what, method, path suffix with the existing id, the same with an absent one, body]
  const probes = [
    ["org summary", "GET", "", "", undefined],
    ["check by query", "GET", "/check?operation=view&asset=d1", "/check?operation=view&asset=zz", undefined],
    ["check", "POST", "/check", "/check", (a) => ({ operation: "view", asset: a })],
    ["batch of checks", "POST", "/check", "/check", (a) => ({ checks: [{ operation: "view", asset: a }, { operation: "delete", asset: a }] })],
    ["filter", "POST", "/filter", "/filter", (a) => ({ operation: "view", assets: [a, ...huge] })],
    ["member's personal workspace", "GET", "/workspaces/personal%3Abob/assets", "/workspaces/personal%3Adan/assets", undefined],
    ["workspace folders", "GET", "/workspaces/main/folders", "/workspaces/nope/folders", undefined],
    ["dry run", "GET", "/workspaces/main/mode-dry-run?mode=private", "/workspaces/nope/mode-dry-run?mode=private", undefined],
    ["asset", "GET", "/assets/d1", "/assets/zz", undefined],
    ["data scope", "GET", "/assets/d1/data-scope", "/assets/zz/data-scope", undefined],
    ["preview", "POST", "/assets/d1/preview", "/assets/zz/preview", () => ({ rows: [] })],
    ["view", "GET", "/snapshot", "/snapshot", undefined],
    ["audit", "GET", "/audit", "/audit", undefined],
    ["far future min_version", "GET", `/check?operation=view&asset=d1&min_version=${version + 1000}`, "/check?operation=view&asset=zz&min_version=9007199254740991", undefined],
    ["rename org", "PATCH", "", "", () => ({ name: "Mine" })],
    ["remove member", "DELETE", "/members/bob?new_owner=ada", "/members/dan?new_owner=ada", undefined],
    ["member roles", "PUT", "/members/bob/roles", "/members/dan/roles", () => ({ roles: ["org_admin"] })],
    ["create asset", "PUT", "/assets/d1", "/assets/zz", () => ({ workspace: "main", kind: "dashboard", name: "X" })],
    ["grant", "PUT", "/assets/d1/grants/users/eve", "/assets/zz/grants/users/eve", () => ({ level: "view" })],
  ];
  for (const [what, method, known, unknown, body] of probes) {
    const answers = [
      await as("eve", method, o(org, known), body?.("d1")),
      await as("eve", method, o(org, unknown), body?.("zz")),
      await as("eve", method, o(absent, known), body?.("d1")),
      await as("eve", method, o(absent, unknown), body?.("zz")),
    ];
    for (const r of answers) {
      assert.equal(r.status, 403, `${what}: ${r.status} ${r.text}`);
      assert.equal(r.text, uniform, what);
    }
  }
  // Nothing changed, and the members still get their answers.
  const summary = await ok("ada", "GET", o(org, `?min_version=${version}`));
  assert.deepEqual([summary.name, summary.version], ["Acme", version]);
  assert.equal((await ok("bob", "POST", o(org, `/check?min_version=${version}`), { operation: "view", asset: "d1" })).allowed, true);
});

/** Ids for the path parameters of the org routes: they exist in `acme`, or plausibly could. */
const PROBE_IDS = { asset: "d1", workspace: "main", user: "bob", target: "bob", group: "g1", role: "developer", source: "crm", table: "orders", folder: "f1", upload: "u1", n: "0" };

/** Every (method, path) of worker/openapi.yaml under `/v1/orgs/{org}`: the routes the document
 * promises, so a route added later is probed without anyone listing it here. */
function documentedOrgRoutes() {
  const text = readFileSync(`${root}worker/openapi.yaml`, "utf8");
  const routes = [];
  let path = null;
  for (const line of text.split("\n")) {
    const p = /^ {2}(\/v1\/orgs\/\{org\}[^:]*):\s*$/.exec(line);
    if (p) {
      path = p[1];
      continue;
    }
    if (/^ {2}\S/.test(line) || /^\S/.test(line)) path = null;
    const m = /^ {4}(get|post|put|patch|delete):\s*$/.exec(line);
    if (path && m) routes.push([m[1].toUpperCase(), path]);
  }
  return routes;
}

test("finding 1 (P1): every org route the OpenAPI document names gives an outsider the same bytes for existing and absent ids", async () => {
  const org = `${RUN}-every`;
  const absent = `${RUN}-gone`;
  await acme(org);
  // Ids that exist in `org` (or are plausible there) and ids that exist nowhere.
  const known = PROBE_IDS;
  const unknown = { asset: "zz", workspace: "nope", user: "dan", target: "dan", group: "zz", role: "zz", source: "zz", table: "zz", folder: "zz", upload: "zz", n: "0" };
  const fill = (path, ids, orgId) =>
    path.replace("{org}", enc(orgId)).replace(/\{(\w+)\}/g, (_, name) => {
      assert.ok(name in ids, `the probe has no id for {${name}} in ${path}`);
      return enc(ids[name]);
    });
  const routes = documentedOrgRoutes();
  assert.ok(routes.length >= 60, `only ${routes.length} org routes read from openapi.yaml`);
  for (const [method, path] of routes) {
    const body = method === "GET" || method === "DELETE" ? undefined : {};
    const answers = [];
    for (const [orgId, ids] of [[org, known], [org, unknown], [absent, known], [absent, unknown]]) {
      answers.push(await as("eve", method, fill(path, ids, orgId), body));
    }
    const what = `${method} ${path}`;
    for (const r of answers) {
      assert.ok(r.status >= 400 && r.status < 500, `${what}: ${r.status} ${r.text}`);
      assert.equal(`${r.status} ${r.text}`, `${answers[0].status} ${answers[0].text}`, `${what}: an outsider tells existing from absent ids`);
    }
  }
});

test("finding 1 (P1): a member added a moment ago acts and reads at once", async () => {
  const org = `${RUN}-join`;
  await acme(org);
  // Fill the edge's copy of the org envelope before carol joins.
  isError(await as("carol", "GET", o(org)), 403, "denied", "not yet a member");
  const added = await ok("ada", "PUT", o(org, "/members/carol"), { workspace: "main", workspace_roles: ["developer"] });
  await ok("carol", "PUT", o(org, "/assets/c1"), { workspace: "main", kind: "dashboard", name: "C1" });
  const seen = await ok("carol", "GET", o(org, `/workspaces/main/assets?min_version=${added.version + 1}`));
  assert.deepEqual(seen.ids.sort(), ["c1", "d1"]);
});

// ---------------------------------------------------------------------------------------------
// Finding 4: what a member may not see reaches them by no route

test("finding 4 (D1, A8, W7, X1): the view, asset metadata and reasons hold nothing the member may not see", async () => {
  const org = `${RUN}-leak`;
  await ok("ada", "PUT", o(org), { name: "Leak", default_workspace: "main", mode: "private" }, { provision: true });
  await ok("ada", "PUT", o(org, "/members/bob"), { workspace: "main", workspace_roles: ["developer"] });
  await ok("ada", "PUT", o(org, "/workspaces/finance"), { name: "Finance", mode: "private" });
  const col = (name, type = "string") => ({ name, type });
  await ok("ada", "PUT", o(org, "/data-sources/crm"), {
    name: "CRM",
    tables: [
      { name: "orders", columns: [col("id"), col("region"), col("margin_secret", "number")] },
      { name: "payroll_secret", columns: [col("salary_secret", "number")] },
    ],
  });
  await ok("ada", "PUT", o(org, "/workspaces/main/tables/crm/orders"), { columns: ["id", "region"] });
  // In the private workspace bob sees d-open (granted to him), not d-hidden; d-open references it.
  await ok("ada", "PUT", o(org, "/assets/d-hidden"), { workspace: "main", kind: "dataset", name: "Hidden" });
  await ok("ada", "PUT", o(org, "/assets/d-open"), { workspace: "main", kind: "dashboard", name: "Open", references: ["d-hidden"] });
  await ok("ada", "PUT", o(org, "/assets/d-open/grants/users/bob"), { level: "view" });
  await ok("ada", "PUT", o(org, "/assets/f-secret"), { workspace: "finance", kind: "dashboard", name: "Secret" });
  const last = await ok("ada", "PUT", o(org, "/assets/p-ada"), { workspace: "personal:ada", kind: "dashboard", name: "Mine" });
  const q = `?min_version=${last.version}`;

  const view = await ok("bob", "GET", o(org, `/snapshot${q}`));
  assert.deepEqual(view.org.data_sources, [{ id: "crm", name: "CRM", tables: [{ name: "orders", columns: [col("id"), col("region")] }] }]);
  const text = JSON.stringify(view);
  for (const secret of ["payroll_secret", "salary_secret", "margin_secret", "d-hidden", "f-secret", "p-ada"]) {
    assert.ok(!text.includes(secret), `the view names ${secret}`);
  }
  const open = await ok("bob", "GET", o(org, `/assets/d-open${q}`));
  assert.deepEqual(open.references, []);
  // ada, who sees both, still gets the reference.
  assert.deepEqual((await ok("ada", "GET", o(org, `/assets/d-open${q}`))).references, ["d-hidden"]);
  const reasons = [];
  for (const asset of ["f-secret", "p-ada", "d-hidden"]) {
    const d = await ok("bob", "POST", o(org, `/check${q}`), { operation: "view", asset });
    assert.equal(d.allowed, false, asset);
    reasons.push(d.reason);
    const batch = await ok("bob", "POST", o(org, `/check${q}`), { checks: [{ operation: "view", asset }] });
    reasons.push(batch.results[0].reason);
    const refused = await as("bob", "GET", o(org, `/assets/${asset}${q}`));
    isError(refused, 403, "denied", asset);
    reasons.push(refused.json.error.message);
  }
  for (const reason of reasons) {
    assert.ok(!/finance|`ada`|personal:ada/.test(reason), `a reason names what bob may not see: ${reason}`);
  }
});

// ---------------------------------------------------------------------------------------------
// Finding 5: provisioning

test("finding 4 (A3, P2): a group manager's command and access diff name no asset they may not see", async () => {
  const org = `${RUN}-gm`;
  await ok("ada", "PUT", o(org), { name: "Gm", default_workspace: "main", mode: "private" }, { provision: true });
  await ok("ada", "PUT", o(org, "/roles/gm"), { name: "Group manager", points: ["manage_user_groups"] });
  await ok("ada", "PUT", o(org, "/members/hr"), { workspace: "main", workspace_roles: ["visitor"], org_roles: ["gm"] });
  await ok("ada", "PUT", o(org, "/members/bob"), { workspace: "main", workspace_roles: ["analyst"] });
  await ok("ada", "PUT", o(org, "/workspaces/lab"), { name: "Lab", mode: "private" });
  await ok("ada", "PUT", o(org, "/workspaces/lab/members/bob"), { roles: ["analyst"] });
  await ok("ada", "PUT", o(org, "/groups/g"), { name: "G" });
  await ok("ada", "PUT", o(org, "/groups/g/members/bob"), {});
  await ok("ada", "PUT", o(org, "/assets/lab-secret"), { workspace: "lab", kind: "dashboard", name: "Secret" });
  await ok("ada", "PUT", o(org, "/assets/lab-secret/grants/groups/g"), { level: "view" });
  await ok("ada", "PUT", o(org, "/assets/open"), { workspace: "main", kind: "dashboard", name: "Open" });
  await ok("ada", "PUT", o(org, "/assets/open/grants/groups/g"), { level: "view" });
  const last = await ok("ada", "PUT", o(org, "/assets/open/public"), { public: true });
  const q = `?min_version=${last.version}`;
  // The org admin's diff names both; the group manager's neither (hr administers none).
  const full = await ok("ada", "POST", o(org, `/access-diff${q}`), { type: "remove_group_member", group: "g", user: "bob" });
  assert.ok(JSON.stringify(full).includes("lab-secret"), JSON.stringify(full));
  const cut = await ok("hr", "POST", o(org, `/access-diff${q}`), { type: "remove_group_member", group: "g", user: "bob" });
  assert.deepEqual([cut.gains, cut.loses, cut.lists], [[], [], []], JSON.stringify(cut));
  // Deleting the group removes its grants on both; hr is told of the one on `open` only.
  const deleted = await ok("hr", "DELETE", o(org, `/groups/g${q}`));
  const told = JSON.stringify(deleted.events);
  assert.ok(!told.includes("lab-secret"), `the answer names lab-secret: ${told}`);
  assert.ok(told.includes("open"), told);
  const log = await ok("ada", "GET", o(org, `/audit?min_version=${deleted.version}`));
  assert.ok(JSON.stringify(log).includes("lab-secret"), "the audit log keeps every event");
});

test("finding 5 (O1): only a provisioner's token creates, upgrades or imports an organization", async () => {
  const org = `${RUN}-squat`;
  const body = { name: "Squat", default_workspace: "main" };
  const plain = [
    await as("mallory", "PUT", o(org), body),
    await as("mallory", "PUT", o(org, "/snapshot"), snapshot(org)),
    await as("mallory", "POST", o(org, "/upgrade"), { name: "Squat", default_workspace: "main", users: [{ user: "mallory", admin: true }] }),
  ];
  for (const r of plain) {
    isError(r, 403, "denied", "a plain token");
    assert.equal(r.json.error.rule, "O1");
  }
  // The same answer whether the organization exists or not.
  const existing = `${RUN}-exists`;
  await acme(existing);
  const again = await as("mallory", "PUT", o(existing), body);
  assert.equal(again.text, plain[0].text);
  // Nothing was created: a provisioner creates it now.
  await ok("ada", "PUT", o(org), body, { provision: true });
  isError(await as("ada", "PUT", o(org), body, { provision: true }), 409, "conflict", "created twice");
});

test("finding 5 (O1, P1): organization ids are lowercase ASCII; no id holds zero-width or bidi characters", async () => {
  const body = { name: "X", default_workspace: "main" };
  for (const id of [`${RUN}-Acme`, `${RUN}-ac\u200bme`, `${RUN}-acme\u202e`, `${RUN}-\u0430cme`, `${RUN}/x`, `${RUN}-${"a".repeat(64)}`]) {
    isError(await as("ada", "PUT", o(id), body, { provision: true }), 400, "invalid", JSON.stringify(id));
    isError(await as("ada", "PUT", o(id, "/snapshot"), snapshot(id), { provision: true }), 400, "invalid", JSON.stringify(id));
  }
  const org = `${RUN}-ids`;
  await acme(org);
  for (const user of ["bob\u200b", "\u202eboba", "bo\u2066b", "\ufeffbob"]) {
    isError(await as("ada", "PUT", o(org, `/members/${enc(user)}`), { workspace: "main" }), 400, "invalid", JSON.stringify(user));
  }
  await ok("ada", "PUT", o(org, `/members/${enc("dan@example.com")}`), { workspace: "main" });
});

// ---------------------------------------------------------------------------------------------
// Finding 2: an import is one audit entry, history is not imported

test("finding 2 (X4): an import is recorded as one entry by the importer; an imported audit log is refused", async () => {
  const org = `${RUN}-imp`;
  const forged = { audit: [{ version: 1, actor: "bob", at: 1, command: { type: "rename_org", name: "Imported" }, events: [] }] };
  isError(await as("ada", "PUT", o(org, "/snapshot"), snapshot(org, 1, forged), { provision: true }), 400, "invalid", "an imported audit log");
  const before = Date.now();
  const r = await ok("ada", "PUT", o(org, "/snapshot"), snapshot(org, 7), { provision: true });
  assert.equal(r.version, 7);
  const { entries } = await ok("ada", "GET", o(org, "/audit"));
  assert.equal(entries.length, 1, JSON.stringify(entries));
  assert.deepEqual(
    { ...entries[0], at: undefined },
    { version: 7, actor: "ada", at: undefined, command: { type: "import_snapshot", org }, events: [] },
  );
  assert.ok(entries[0].at >= before - 5000 && entries[0].at <= Date.now() + 5000, `at ${entries[0].at}`);
  // The next command follows it.
  await ok("ada", "PATCH", o(org), { name: "Renamed" });
  const after = await ok("ada", "GET", o(org, "/audit"));
  assert.deepEqual(after.entries.map((e) => [e.version, e.actor, e.command.type]), [[7, "ada", "import_snapshot"], [8, "ada", "rename_org"]]);
});

// ---------------------------------------------------------------------------------------------
// Finding 3: no 5xx from input

const nest = (depth, leaf = 1) => {
  let v = leaf;
  for (let i = 1; i < depth; i += 1) v = [v];
  return v;
};

test("finding 3: bodies nested 120 to 130 deep are a 400 on every route that takes a body", async () => {
  const org = `${RUN}-deep`;
  await acme(org);
  for (let depth = 120; depth <= 130; depth += 1) {
    const deep = nest(depth - 1);
    const bodies = [
      ["PUT", o(`${RUN}-deep${depth}`, "/snapshot"), { ...snapshot(`${RUN}-deep${depth}`), extra: deep }, true],
      ["POST", o(org, "/assets/d1/preview"), { rows: [{ a: nest(depth - 3) }] }, false],
      ["POST", o(org, "/check"), { checks: deep }, false],
      ["PUT", o(org, "/assets/d1/row-rules"), { enabled: true, rules: deep }, false],
      ["POST", o(org, "/filter"), { operation: "view", assets: deep }, false],
    ];
    // And every route the OpenAPI document names that takes a body, a route added later
    // included: the body itself nested, and a nested value in an unknown field.
    for (const [method, path] of documentedOrgRoutes()) {
      if (method === "GET" || method === "DELETE") continue;
      const filled = path.replace("{org}", enc(org)).replace(/\{(\w+)\}/g, (_, name) => enc(PROBE_IDS[name] ?? "x"));
      bodies.push([method, filled, nest(depth), true], [method, filled, { extra: nest(depth - 1) }, true]);
    }
    for (const [method, path, body, provision] of bodies) {
      const r = await as("ada", method, path, body, { provision });
      assert.ok(r.status >= 400 && r.status < 500, `depth ${depth} ${method} ${path}: ${r.status} ${r.text.slice(0, 200)}`);
      assert.deepEqual(Object.keys(r.json ?? {}), ["error"], r.text.slice(0, 200));
    }
  }
});

test("finding 3: versions and numbers beyond 2^53 - 1 are a 400, and an imported org stays writable", async () => {
  for (const [i, version] of ["9007199254740992", "9007199254740991", "18446744073709551615", "4503599627370497"].entries()) {
    const org = `${RUN}-big${i}`;
    const text = JSON.stringify(snapshot(org, 1)).replace('"version":1,', `"version":${version},`);
    isError(await as("ada", "PUT", o(org, "/snapshot"), text, { provision: true }), 400, "invalid", `version ${version}`);
  }
  const org = `${RUN}-big`;
  const top = 2 ** 52;
  const text = JSON.stringify(snapshot(org, 1)).replace('"version":1,', `"version":${top},`);
  assert.equal((await ok("ada", "PUT", o(org, "/snapshot"), text, { provision: true })).version, top);
  const next = await ok("ada", "PATCH", o(org), { name: "Still writable" });
  assert.equal(next.version, top + 1);
  for (const q of ["min_version=18446744073709551615", "min_version=9007199254740992"]) {
    isError(await as("ada", "GET", o(org, `?${q}`)), 400, "invalid", q);
  }
  isError(await as("ada", "GET", o(org, "/audit?after=18446744073709551615")), 400, "invalid", "after");
  const time = await as("ada", "GET", o(org), undefined, { headers: { "x-orgspace-time": "18446744073709551615" } });
  isError(time, 400, "invalid", "x-orgspace-time");
  const grant = await as("ada", "PUT", o(org, "/assets/m1/grants/users/bob"), '{"level":"view","expires_at":18446744073709551615}');
  isError(grant, 400, "invalid", "expires_at");
});

// ---------------------------------------------------------------------------------------------
// Finding 7: tokens

test("finding 7 (P1): token lifetime, iat, crit, and keys selected by kid from the JWKS", async () => {
  const org = `${RUN}-tok`;
  await acme(org);
  const now = Math.floor(Date.now() / 1000);
  const refused = {
    "lives 25 hours": mint("ada", { ttl: 25 * 3600 }),
    "no iat": mint("ada", { claims: { iat: undefined } }),
    "iat in the future": mint("ada", { claims: { iat: now + 3600, exp: now + 7200 } }),
    "crit header": mint("ada", { header: { crit: ["exp"], exp: 1 } }),
    "unknown kid": eddsa("ada", keys[0], "k9"),
    "kid of the other key": eddsa("ada", keys[0], "k2"),
    "no kid with a key set only": eddsa("ada", keys[0], undefined),
  };
  for (const [what, token] of Object.entries(refused)) {
    const r = await send(w.base(), "GET", o(org), { token });
    isError(r, 401, "unauthenticated", what);
  }
  for (const [i, key] of keys.entries()) {
    const r = await send(w.base(), "GET", o(org), { token: eddsa("ada", key, key.kid) });
    assert.equal(r.status, 200, `key ${i}: ${r.text}`);
  }
  assert.equal((await send(w.base(), "GET", o(org), { token: mint("ada", { ttl: 24 * 3600 }) })).status, 200);
});

// ---------------------------------------------------------------------------------------------
// Finding 6: dev secrets

test("finding 6: .dev.vars is generated, not tracked; the dev secret answers only on loopback; dev tokens never land in www/dist", async () => {
  const tracked = execFileSync("git", ["ls-files", ".dev.vars"], { cwd: root, encoding: "utf8" });
  assert.equal(tracked, "", ".dev.vars is tracked by git");
  execFileSync("git", ["check-ignore", "-q", ".dev.vars"], { cwd: root });
  const vars = readFileSync(`${root}.dev.vars`, "utf8");
  const secret = vars.match(/^JWT_HS256_SECRET="?([^"\n]+)"?/m)[1];
  assert.ok(secret.startsWith("orgspace-dev-") && secret.length >= 45, "a generated dev secret");
  assert.notEqual(secret, "orgspace-dev-secret-do-not-use-in-production");
  assert.match(vars, /^ORGSPACE_DEV="true"$/m);
  // The same request on a loopback address and on any other host name.
  const org = `${RUN}-host`;
  await acme(org);
  const token = tok("ada");
  assert.equal((await getWithHost(w.base(), o(org), new URL(w.base()).host, token)).status, 200);
  for (const host of ["api.example.com", "orgspace.workers.dev:443", "127.0.0.1.nip.io"]) {
    const r = await getWithHost(w.base(), o(org), host, token);
    assert.equal(r.status, 500, `${host}: ${r.text}`);
    assert.match(r.text, /loopback/);
  }
  // The demo's dev tokens are written next to a copy of the console, outside the assets
  // wrangler deploys; www/dist refuses to serve the name even if one is put there.
  const toml = readFileSync(`${root}wrangler.toml`, "utf8");
  const assets = toml.match(/^\[assets\][^[]*?^directory\s*=\s*"([^"]+)"/ms)[1];
  assert.ok(!DEV_USERS_FILE.startsWith(`${root}${assets}`), `${DEV_USERS_FILE} is under ${assets}`);
  const ignore = readFileSync(`${root}${assets}/.assetsignore`, "utf8").split("\n");
  assert.ok(ignore.includes("dev-users.json"), "www/dist/.assetsignore lists dev-users.json");
});

// ---------------------------------------------------------------------------------------------
// Finding 8: headers

test("finding 8: per-user answers are never cached or sniffed; CORS for configured origins only", async () => {
  const org = `${RUN}-hdr`;
  await acme(org);
  const answers = [
    await as("ada", "GET", o(org)),
    await as("bob", "POST", o(org, "/check"), { operation: "view", asset: "d1" }),
    await as("eve", "GET", o(org, "/snapshot")),
    await send(w.base(), "GET", o(org)),
    await as("ada", "GET", "/v1/nothing"),
  ];
  for (const r of answers) {
    assert.equal(r.headers.get("cache-control"), "no-store", r.text);
    assert.equal(r.headers.get("x-content-type-options"), "nosniff", r.text);
    assert.equal(r.headers.get("access-control-allow-origin"), null, "no Origin, no CORS");
  }
  const cross = await as("ada", "GET", o(org), undefined, { headers: { origin: APP } });
  assert.equal(cross.status, 200);
  assert.equal(cross.headers.get("access-control-allow-origin"), APP);
  assert.match(cross.headers.get("vary") ?? "", /Origin/);
  const stranger = await as("ada", "GET", o(org), undefined, { headers: { origin: "https://evil.example" } });
  assert.equal(stranger.headers.get("access-control-allow-origin"), null);
  const preflight = await send(w.base(), "OPTIONS", o(org, "/check"), {
    headers: { origin: APP, "access-control-request-method": "POST", "access-control-request-headers": "authorization, content-type" },
  });
  assert.equal(preflight.status, 204);
  assert.equal(preflight.headers.get("access-control-allow-origin"), APP);
  assert.equal(preflight.headers.get("access-control-allow-methods"), "GET, POST");
  assert.match(preflight.headers.get("access-control-allow-headers"), /authorization/);
  const refused = await send(w.base(), "OPTIONS", o(org, "/check"), {
    headers: { origin: "https://evil.example", "access-control-request-method": "POST" },
  });
  assert.equal(refused.headers.get("access-control-allow-origin"), null);
});
