// The edge benchmark of GitHub issue 5: throughput and p50/p99 latency of the check endpoint,
// `GET /v1/orgs/:org/check?operation&asset` and `POST /v1/orgs/:org/check {operation, asset}`,
// against the trivial `GET /v1/health` of the same worker, under the same load, in the same
// run. Target: check throughput >= 0.9 x health throughput, method for method (the GET check
// against the GET health; the POST check is also shown against a POST of the same body to a
// route that does nothing with it).
//
//   node bench/edge.mjs [--connections 32] [--seconds 3] [--count 20000] [--rounds 5]
//                       [--pairs 500] [--assets 300] [--port 8792]
//
// Starts `wrangler dev` (local workerd, KV and Durable Objects) on 127.0.0.1 with a fresh persist
// folder, builds an organization through the API (members, a private workspace, assets, grants),
// then alternates rounds of health and check, each round bounded by a request count and a time,
// over keep-alive connections from node:http (loopback only); throughput is the median round.
// Then, on one connection, it sends health and check in turn (`--pairs` times each) and reports
// their median latencies: on a shared machine this pairing cancels most of the drift between
// rounds. `POST /v1/health` (a 405 with a body, no token, no storage) shows what a POST with a
// body costs by itself in wrangler dev. Needs a current worker/build. Prints a table and exits 1
// if any answer was unexpected.

import http from "node:http";
import { mkdtempSync, rmSync } from "node:fs";
import { startWorker } from "../tests/worker/dev.mjs";
import { mint } from "../tests/worker/tokens.mjs";

const argv = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? Number(argv[i + 1]) : fallback;
};
const CONNECTIONS = opt("connections", 32);
const SECONDS = opt("seconds", 3);
const COUNT = opt("count", 20_000);
const ROUNDS = opt("rounds", 5);
const PAIRS = opt("pairs", 500);
const ASSETS = opt("assets", 300);
const PORT = opt("port", Number(process.env.ORGSPACE_BENCH_PORT ?? 8792));
const ORG = "bench";

const persistTo = mkdtempSync("/tmp/orgspace-tests-bench-");
let worker = null;
const cleanup = () => {
  if (worker?.child?.pid && worker.child.exitCode === null) {
    try {
      process.kill(-worker.child.pid, "SIGKILL");
    } catch {}
  }
  rmSync(persistTo, { recursive: true, force: true });
};
process.on("exit", cleanup);
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) process.once(signal, () => process.exit(130));

const agent = new http.Agent({ keepAlive: true, maxSockets: CONNECTIONS, maxFreeSockets: CONNECTIONS });

/** One request; answers `[status, body]`. */
function send(method, path, headers = {}, body) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: "127.0.0.1", port: PORT, method, path, headers, agent }, (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => resolve([res.statusCode, Buffer.concat(chunks).toString()]));
    });
    req.on("error", reject);
    req.end(body);
  });
}

const tokens = new Map();
// `provision`: the scope that creates organizations (docs/api.md, "Provisioning").
const auth = (user, provision = false) => {
  const key = `${provision}:${user}`;
  if (!tokens.has(key)) tokens.set(key, mint(user, { ttl: 3600, provision }));
  return { authorization: `Bearer ${tokens.get(key)}`, "content-type": "application/json" };
};

async function command(user, method, path, body) {
  const creates = method === "PUT" && path === "";
  const [status, text] = await send(method, `/v1/orgs/${ORG}${path}`, auth(user, creates), body && JSON.stringify(body));
  if (status >= 300) throw new Error(`${method} ${path}: ${status} ${text}`);
  return JSON.parse(text);
}

/** The organization: alice (admin), 20 members, a private workspace of ASSETS assets, a tenth of
 * them granted to bob; bob's check asks about one of those. */
async function setup() {
  await command("alice", "PUT", "", { name: "Bench", default_workspace: "main", mode: "private" });
  const members = Array.from({ length: 20 }, (_, i) => `user${i}`).concat("bob");
  await Promise.all(members.map((u) => command("alice", "PUT", `/members/${u}`, { workspace: "main", workspace_roles: ["analyst"] })));
  await command("alice", "PUT", "/groups/team", { name: "Team" });
  const ids = Array.from({ length: ASSETS }, (_, i) => `asset-${String(i).padStart(4, "0")}`);
  for (let i = 0; i < ids.length; i += 50) {
    await Promise.all(
      ids.slice(i, i + 50).map((id) => command("alice", "PUT", `/assets/${id}`, { workspace: "main", kind: "dashboard", name: id })),
    );
  }
  let last = 0;
  for (let i = 0; i < ids.length; i += 10) {
    last = (await command("alice", "PUT", `/assets/${ids[i]}/grants/users/bob`, { level: "view" })).version;
  }
  return { asset: ids[Math.floor((ids.length - 1) / 10) * 10], version: last };
}

const now = () => process.hrtime.bigint();

/** One round: CONNECTIONS loops of sequential requests until COUNT requests or SECONDS pass. */
async function round({ method, path, headers, body, expect, status: wanted = 200 }) {
  const latencies = [];
  let started = 0;
  let failures = 0;
  let wrong = 0;
  const t0 = now();
  const deadline = t0 + BigInt(Math.round(SECONDS * 1e9));
  const loop = async () => {
    while (started < COUNT && now() < deadline) {
      started += 1;
      const s = now();
      const [status, text] = await send(method, path, headers, body);
      latencies.push(Number(now() - s) / 1e6);
      if (status !== wanted) failures += 1;
      else if (expect && !expect(text)) wrong += 1;
    }
  };
  await Promise.all(Array.from({ length: CONNECTIONS }, loop));
  const seconds = Number(now() - t0) / 1e9;
  return { latencies, seconds, failures, wrong };
}

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

function summarize(rounds) {
  const latencies = rounds.flatMap((r) => r.latencies).sort((a, b) => a - b);
  const perRound = rounds.map((r) => r.latencies.length / r.seconds).sort((a, b) => a - b);
  return {
    requests: latencies.length,
    rps: perRound[Math.floor(perRound.length / 2)], // the median round
    rpsAll: perRound,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    failures: rounds.reduce((n, r) => n + r.failures, 0),
    wrong: rounds.reduce((n, r) => n + r.wrong, 0),
  };
}

async function main() {
  worker = await startWorker({ port: PORT, persistTo });
  const t = Date.now();
  const { asset, version } = await setup();
  console.log(`setup: org with 22 members and ${ASSETS} assets, version ${version}, in ${((Date.now() - t) / 1000).toFixed(1)} s`);

  const health = { method: "GET", path: "/v1/health", headers: {}, expect: (t) => t === '{"status":"ok"}' };
  const checkBody = JSON.stringify({ operation: "view", asset });
  const check = {
    method: "POST",
    path: `/v1/orgs/${ORG}/check`,
    headers: { ...auth("bob"), "content-length": String(Buffer.byteLength(checkBody)) },
    body: checkBody,
    expect: (t) => t.startsWith('{"allowed":true'),
  };
  const getCheck = {
    method: "GET",
    path: `/v1/orgs/${ORG}/check?operation=view&asset=${encodeURIComponent(asset)}`,
    headers: auth("bob"),
    expect: check.expect,
  };
  const hinted = { ...check, body: JSON.stringify({ operation: "view", asset, workspace: "main" }) };
  hinted.headers = { ...check.headers, "content-length": String(Buffer.byteLength(hinted.body)) };
  // Make sure the check is right before timing it, then warm both paths (JIT, isolate caches).
  const [status, text] = await send("POST", `${check.path}?min_version=${version}`, check.headers, checkBody);
  if (status !== 200 || !check.expect(text)) throw new Error(`the check answered ${status} ${text}`);
  const post = { method: "POST", path: "/v1/health", headers: { "content-type": "application/json", "content-length": String(Buffer.byteLength(checkBody)) }, body: checkBody, status: 405 };
  const kinds = { health, getCheck, check, hinted, post };
  for (const k of Object.values(kinds)) await round({ ...k, expect: null }).catch(() => {});

  const results = Object.fromEntries(Object.keys(kinds).map((k) => [k, []]));
  for (let r = 0; r < ROUNDS; r += 1) {
    for (const [k, spec] of Object.entries(kinds)) results[k].push(await round(spec));
  }
  const rows = [
    ["GET /v1/health", summarize(results.health)],
    ["GET /check?operation&asset", summarize(results.getCheck)],
    ["POST /check {operation, asset}", summarize(results.check)],
    ["POST /check {.., workspace}", summarize(results.hinted)],
    ["POST /v1/health (405, with a body)", summarize(results.post)],
  ];

  // Pairs on one connection: health, check, health, check, ...
  const single = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const pair = { health: [], check: [] };
  for (let i = 0; i < PAIRS; i += 1) {
    for (const [k, spec] of [["health", health], ["check", getCheck]]) {
      const s = now();
      const [st, text] = await new Promise((resolve, reject) => {
        const req = http.request({ host: "127.0.0.1", port: PORT, method: spec.method, path: spec.path, headers: spec.headers, agent: single }, (res) => {
          let t = "";
          res.on("data", (c) => (t += c));
          res.on("end", () => resolve([res.statusCode, t]));
        });
        req.on("error", reject);
        req.end(spec.body);
      });
      pair[k].push(Number(now() - s) / 1e6);
      if (st !== 200 || !spec.expect(text)) rows[k === "health" ? 0 : 1][1].wrong += 1;
    }
  }
  single.destroy();
  for (const list of Object.values(pair)) list.sort((a, b) => a - b);
  const base = rows[0][1].rps;
  console.log(`\n${CONNECTIONS} connections, ${ROUNDS} alternating rounds of at most ${COUNT} requests or ${SECONDS} s each, loopback, wrangler dev (workerd)\n`);
  console.log("| route | requests | req/s (median round) | p50 ms | p99 ms | ratio to health | errors |");
  console.log("|---|---:|---:|---:|---:|---:|---:|");
  for (const [name, s] of rows) {
    console.log(
      `| ${name} | ${s.requests} | ${s.rps.toFixed(0)} | ${s.p50.toFixed(2)} | ${s.p99.toFixed(2)} | ${(s.rps / base).toFixed(2)} | ${s.failures + s.wrong} |`,
    );
  }
  const ratio = rows[1][1].rps / base;
  const postRatio = rows[2][1].rps / base;
  const postBase = rows[2][1].rps / rows[4][1].rps;
  const [h50, c50] = [percentile(pair.health, 50), percentile(pair.check, 50)];
  console.log(`\nGET check / GET health throughput: ${ratio.toFixed(2)} (target >= 0.9: ${ratio >= 0.9 ? "met" : "NOT met"})`);
  console.log(`POST check / GET health: ${postRatio.toFixed(2)}; POST check / POST of the same body to a 405: ${postBase.toFixed(2)}`);
  console.log(`rounds (req/s): health ${rows[0][1].rpsAll.map((x) => x.toFixed(0)).join(", ")}; GET check ${rows[1][1].rpsAll.map((x) => x.toFixed(0)).join(", ")}`);
  console.log(`one connection, ${PAIRS} interleaved pairs: health p50 ${h50.toFixed(2)} ms, GET check p50 ${c50.toFixed(2)} ms, ` +
    `ratio ${(h50 / c50).toFixed(2)} (p99 ${percentile(pair.health, 99).toFixed(2)} / ${percentile(pair.check, 99).toFixed(2)} ms)`);
  const bad = rows.reduce((n, [, s]) => n + s.failures + s.wrong, 0);
  agent.destroy();
  await worker.stop();
  worker = null;
  process.exitCode = bad ? 1 : 0;
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
  agent.destroy();
  return worker?.stop();
});
