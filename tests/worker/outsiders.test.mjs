// Outsiders never reach the org's writer unbounded (issue 14, finding 1; SPEC P1): a flood of
// requests from a caller who is not a member (absent ids, a `min_version` far beyond the org's,
// 90,000-id filters, commands), sequential and concurrent, gets the one outsider answer and
// costs the writer at most a few calls a second (worker/src/outsiders.rs), counted by the
// test-only `GET /v1/orgs/{org}/test/writer-calls` (ORGSPACE_TEST_FAULTS=true, never deployed).
// A member added after being refused gets in once the recheck interval (1 s) has passed.
//
//   node --test tests/worker/outsiders.test.mjs

import { test } from "node:test";
import assert from "node:assert/strict";
import { send, useWorker } from "./harness.mjs";
import { mint } from "./tokens.mjs";

const RUN = `ou${Date.now().toString(36)}`;
const w = useWorker("outsiders", { port: 8796, vars: { ORGSPACE_TEST_FAULTS: "true" } });
const tokens = new Map();
const tok = (user, provision = false) => {
  const k = `${provision}:${user}`;
  if (!tokens.has(k)) tokens.set(k, mint(user, { provision }));
  return tokens.get(k);
};
const as = (user, method, path, body, provision = false) => send(w.base(), method, path, { token: tok(user, provision), body });
const o = (org, rest = "") => `/v1/orgs/${encodeURIComponent(org)}${rest}`;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const UNIFORM = '{"error":{"code":"denied","message":"you are not a member of this organization, or it does not exist","rule":"P1"}}';
const calls = async (org) => (await as("ada", "GET", o(org, "/test/writer-calls"))).json.calls;

async function ok(user, method, path, body, provision) {
  const r = await as(user, method, path, body, provision);
  assert.ok(r.status === 200 || r.status === 201, `${user} ${method} ${path}: ${r.status} ${r.text}`);
  return r.json;
}

test("P1: a flood of outsider requests costs the writer a bounded number of calls", async () => {
  const org = `${RUN}-acme`;
  await ok("ada", "PUT", o(org), { name: "Acme", default_workspace: "main" }, true);
  const { version } = await ok("ada", "PUT", o(org, "/assets/d1"), { workspace: "main", kind: "dashboard", name: "D1" });
  // The org is in KV and a member's question is answered (this may attest once).
  await ok("ada", "GET", o(org, `/check?operation=view&asset=d1&min_version=${version}`));
  const huge = Array.from({ length: 90_000 }, (_, i) => `guess-${i}`);
  const requests = [
    ["GET", "/check?operation=view&asset=d1&min_version=9007199254740991"],
    ["GET", "/check?operation=view&asset=absent"],
    ["POST", "/filter", { operation: "view", assets: huge }],
    ["GET", "/snapshot?min_version=9007199254740991"],
    ["PATCH", "", { name: "Mine" }],
    ["PUT", "/assets/zz", { workspace: "main", kind: "dashboard", name: "X" }],
  ];
  const before = await calls(org);
  const started = Date.now();
  let sent = 0;
  // Rounds of every request, the first side by side, the rest one after another.
  for (let round = 0; round < 25; round++) {
    const answers = round === 0
      ? await Promise.all(requests.flatMap((r) => [r, r, r]).map(([m, p, b]) => as("mallory", m, o(org, p), b)))
      : await (async () => { const out = []; for (const [m, p, b] of requests) out.push(await as("mallory", m, o(org, p), b)); return out; })();
    for (const r of answers) assert.deepEqual([r.status, r.text], [403, UNIFORM]);
    sent += answers.length;
  }
  const seconds = Math.ceil((Date.now() - started) / 1000);
  const used = (await calls(org)) - before;
  console.log(`# ${sent} outsider requests in ${seconds} s cost the writer ${used} calls`);
  // One probe per recheck interval (1 s) for this caller, plus at most one attestation.
  assert.ok(used <= seconds + 2, `${used} writer calls for ${sent} requests in ${seconds} s`);
  assert.ok(sent >= 40 && used < sent / 4, `${used} of ${sent}`);
});

test("P1: a caller refused a moment ago and then added gets in after the recheck interval", async () => {
  const org = `${RUN}-late`;
  await ok("ada", "PUT", o(org), { name: "Late", default_workspace: "main" }, true);
  const r = await as("nia", "GET", o(org));
  assert.deepEqual([r.status, r.text], [403, UNIFORM]);
  const { version } = await ok("ada", "PUT", o(org, "/members/nia"), { workspace: "main", workspace_roles: ["visitor"] });
  await sleep(1_100);
  await ok("nia", "GET", o(org, `?min_version=${version}`));
  await ok("nia", "PUT", o(org, "/folders/f1"), { workspace: "personal:nia", name: "F1" });
});

test("P1: an organization KV does not hold costs one probe a second per caller, whatever the flood", async () => {
  const org = `${RUN}-nowhere`;
  const before = await calls(org);
  const started = Date.now();
  const answers = await Promise.all(Array.from({ length: 30 }, (_, i) => as("mallory", "GET", o(org, `/assets/a${i}`))));
  for (const r of answers) assert.deepEqual([r.status, r.text], [403, UNIFORM]);
  const seconds = Math.ceil((Date.now() - started) / 1000);
  assert.ok((await calls(org)) - before <= seconds + 1);
});
