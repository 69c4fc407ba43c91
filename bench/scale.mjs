// The edge at the benchmark's org sizes (issue 13): builds the benchmark organization of
// crates/orgspace-core/benches/workload at a scale into `wrangler dev`'s local KV and Durable
// Objects through the chunked import (no million API calls), then prints what an org of that
// size costs at the edge.
//
//   node bench/scale.mjs --scale hundredth|tenth|full [--port 8793] [--pairs 300]
//
// hundredth: 200 members, 10,000 assets; tenth: 1,000 members, 100,000 assets; full: 10,000
// members, 1,000,000 assets (10,200 workspaces). The snapshot is generated once per scale into
// target/bench-snapshots/ (`cargo bench -p orgspace-core --bench engine` with
// ORGSPACE_BENCH_SCALE). Needs a current worker/build and npm package (target/npm/orgspace).
//
// What `wrangler dev` cannot show (an isolate's or a Durable Object's memory) is measured on
// the same core in WebAssembly under Node, through the npm package, and labelled so. Loopback
// only; every loop is bounded; wrangler is stopped on every path.

import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import { gzipSync } from "node:zlib";
import { fileURLToPath } from "node:url";
import { startWorker } from "../tests/worker/dev.mjs";
import { mint } from "../tests/worker/tokens.mjs";

const root = fileURLToPath(new URL("../", import.meta.url));
const argv = process.argv.slice(2);
const arg = (name, fallback) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : fallback;
};
const SCALE = arg("scale", "hundredth");
if (!["hundredth", "tenth", "full"].includes(SCALE)) {
  console.error("--scale is hundredth, tenth or full");
  process.exit(2);
}
const PORT = Number(arg("port", process.env.ORGSPACE_BENCH_PORT ?? 8793)) + Number(process.env.ORGSPACE_PORT_OFFSET ?? 0);
const PAIRS = Number(arg("pairs", 300));
const ORG = "bench";
const ADMIN = "u00000";
const ANALYST = "u00007"; // an analyst of ws000, the largest workspace, in three groups
const BIG = "ws000";
const CHUNK = 1 << 20;
const deadline = Date.now() + 45 * 60_000; // the whole run stops by itself
const REQUEST_MS = 10 * 60_000; // one request (the commit of a full-scale import is the longest)

// ------------------------------------------------------------------ the snapshot
const snapshots = `${root}target/bench-snapshots`;
const path = `${snapshots}/${SCALE}.json`;
// `--parts DIR`: the org already written in parts (`ORGSPACE_BENCH_PARTS` of the engine bench:
// org.json, ws/*.json), joined into the snapshot here instead of generating it again.
const PARTS = arg("parts");
if (PARTS) {
  const org = JSON.parse(readFileSync(`${PARTS}/org.json`, "utf8"));
  // The org part's per-member `reach` is derived (the engine computes it); a snapshot has none.
  for (const m of org.members) delete m.reach;
  const parts = org.workspaces.map((h) => readFileSync(`${PARTS}/ws/${h.id}.json`, "utf8"));
  mkdirSync(snapshots, { recursive: true });
  writeFileSync(path, `{"format":1,"org":${JSON.stringify(org)},"workspaces":[${parts.join(",")}]}`);
} else if (!existsSync(path)) {
  mkdirSync(snapshots, { recursive: true });
  console.error(`generating the ${SCALE} workload (once) ...`);
  execFileSync("cargo", ["bench", "-q", "-p", "orgspace-core", "--bench", "engine", "--locked"], {
    cwd: root,
    stdio: ["ignore", "ignore", "inherit"],
    env: { ...process.env, ORGSPACE_BENCH_SCALE: SCALE, ORGSPACE_BENCH_SNAPSHOT: path },
  });
}
const text = readFileSync(path, "utf8");
const snapshot = JSON.parse(text);
const assets = snapshot.workspaces.reduce((n, w) => n + (w.assets?.length ?? 0), 0);
const big = snapshot.workspaces.find((w) => w.id === BIG);
const wsAdmin = big.members.find((m) => m.roles.includes("admin") && m.user !== ADMIN)?.user;
// A member who owns nothing in a group workspace: their personal assets go to the org admin,
// who may take them (O8, W4: an heir of a group-workspace asset must be a member there).
const ownsInGroup = new Set(
  snapshot.workspaces.filter((w) => !w.id.startsWith("personal:")).flatMap((w) => (w.assets ?? []).map((a) => a.owner)),
);
const leaver = big.members.find((m) => !ownsInGroup.has(m.user) && ![ANALYST, ADMIN].includes(m.user) && !m.roles.includes("admin"))?.user;
const probe = big.assets.find((a) => a.owner === ANALYST)?.id ?? big.assets[0].id;
const otherWs = snapshot.workspaces.find((w) => w.id.startsWith("personal:") && w.assets?.length)?.id;
const otherProbe = snapshot.workspaces.find((w) => w.id === otherWs).assets[0];

// ------------------------------------------------------------------ WebAssembly under Node
// The same core as the worker, in the npm package: what loading costs where wrangler dev shows
// no memory. ArrayBuffer memory includes the WebAssembly memory, which never shrinks.
const npm = `${root}target/npm/orgspace/web/orgspace_bg.wasm`;
if (!existsSync(npm)) {
  console.error("target/npm/orgspace is missing: run `bash scripts/build-npm.sh`");
  process.exit(2);
}
const scratch = mkdtempSync("/tmp/orgspace-bench-wasm-");
function wasmLoad(json) {
  const file = `${scratch}/s.json`;
  writeFileSync(file, json);
  const out = execFileSync(process.execPath, [`${root}bench/wasm-load.mjs`, file], { encoding: "utf8" });
  return JSON.parse(out);
}
// A cold edge reader's load: the org part and one workspace part (the worker's reader calls the
// same PartsLoader), after a warm-up on a small part, as in an isolate that has answered before.
// With `binary`, the org part and the workspace parts in the encodings the edge writer stores
// in KV (as its reader reads them), else as JSON text.
// `pkg`: the module measured (`ORGSPACE_NPM` of wasm-load.mjs), the npm package's by default.
function partsLoad(org, part, small, binary, pkg) {
  const files = [["org", org], ["part", part], ["small", small]].map(([name, value]) => {
    const file = `${scratch}/${name}.json`;
    writeFileSync(file, JSON.stringify(value));
    if (!binary) return file;
    const encode = name === "org" ? "--encode-org" : "--encode";
    execFileSync(process.execPath, [`${root}bench/wasm-load.mjs`, encode, file, `${file}.bin`]);
    return `${file}.bin`;
  });
  const args = [`${root}bench/wasm-load.mjs`, "--parts", files[0], files[1], "--warm", files[2], "--runs", "3"];
  const env = pkg ? { ...process.env, ORGSPACE_NPM: pkg } : process.env;
  return JSON.parse(execFileSync(process.execPath, args, { encoding: "utf8", env }));
}
// The Node entry built as worker-build builds the worker (bench/build-reader.sh): what the
// edge reader runs. Measured when it has been built; the npm package is built for size.
const READER = `${root}target/bench-reader`;

// ------------------------------------------------------------------ HTTP
const persistTo = mkdtempSync("/tmp/orgspace-bench-scale-");
let worker = null;
const cleanup = () => {
  if (worker?.child?.pid && worker.child.exitCode === null) {
    try {
      process.kill(-worker.child.pid, "SIGKILL");
    } catch {}
  }
  rmSync(persistTo, { recursive: true, force: true });
  rmSync(scratch, { recursive: true, force: true });
};
process.on("exit", cleanup);
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) process.once(signal, () => process.exit(130));

const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
const tokens = new Map();
function send(user, method, route, body, type = "application/json") {
  if (Date.now() > deadline) throw new Error("the benchmark ran out of its time");
  if (user && !tokens.has(user)) tokens.set(user, mint(user, { ttl: 7200, provision: true }));
  const headers = user ? { authorization: `Bearer ${tokens.get(user)}` } : {};
  if (body !== undefined) headers["content-type"] = type;
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    // No request waits forever: a hung one fails the run with its route.
    const req = http.request({ host: "127.0.0.1", port: PORT, method, path: route, headers, agent, timeout: REQUEST_MS }, (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () =>
        resolve({ status: res.statusCode, body: Buffer.concat(chunks), ms: performance.now() - t0, source: res.headers["orgspace-source"] }),
      );
    });
    req.on("timeout", () => req.destroy(new Error(`${method} ${route}: no answer within ${REQUEST_MS} ms`)));
    req.on("error", reject);
    req.end(body);
  });
}
const o = (p) => `/v1/orgs/${ORG}${p}`;
const ok = async (...a) => {
  const r = await send(...a);
  if (r.status >= 300) throw new Error(`${a[1]} ${a[2]}: ${r.status} ${r.body.toString().slice(0, 300)}`);
  return r;
};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
async function until(what, ms, read, done) {
  const t0 = Date.now();
  let last;
  while (Date.now() - t0 < ms) {
    last = await read();
    if (done(last)) return Date.now() - t0;
    await sleep(50);
  }
  throw new Error(`${what} not within ${ms} ms (last ${last?.status} ${last?.source})`);
}
const pct = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];
const ms = (x) => `${x.toFixed(x < 10 ? 2 : 0)} ms`;
const kb = (n) => `${(n / 1024).toFixed(n < 10240 ? 1 : 0)} KB`;

const rows = [];
const row = (what, value, note = "") => {
  rows.push([what, value, note]);
  console.error(`  ${what}: ${value} ${note}`);
};

try {
  row("organization", `${snapshot.org.members.length} members, ${snapshot.workspaces.length} workspaces, ${assets} assets`, `${(text.length / 1e6).toFixed(1)} MB of snapshot JSON`);
  // `--no-wasm` leaves out the two WebAssembly-under-Node rows (half a minute at full scale).
  const WASM = !argv.includes("--no-wasm");
  const whole = WASM ? wasmLoad(text) : { ms: NaN, mb: NaN };
  row("whole engine load (what an import built before it ran part by part), wasm in Node", `${ms(whole.ms)}, ${whole.mb.toFixed(1)} MB`, "npm package's core, Engine.fromSnapshot; memory growth of the module");
  const small = snapshot.workspaces.find((w) => w.id === otherWs);
  const builds = [
    ...(existsSync(`${READER}/index.cjs`) ? [[true, READER, "built as the worker is (bench/build-reader.sh)"]] : []),
    [true, undefined, "npm Node entry (built for size)"],
    [false, undefined, "npm Node entry (built for size)"],
  ];
  for (const [binary, pkg, build] of builds) {
    const reader = WASM ? partsLoad(snapshot.org, big, small, binary, pkg) : { ms: NaN, cpu_ms: NaN, mb: NaN };
    row(
      `cold reader of ${BIG}: org part + its part ${binary ? "(binary, as KV holds them)" : "as JSON"}, wasm in Node, ${build}`,
      `${ms(reader.ms)} (${ms(reader.cpu_ms)} CPU), ${reader.mb.toFixed(1)} MB`,
      "Engine.fromParts (PartsLoader, as the worker's reader), median of 3 after a warm-up; module memory above a fresh instance",
    );
  }

  // `--log`: wrangler's own log (the worker's console) on stderr.
  worker = await startWorker({ port: PORT - Number(process.env.ORGSPACE_PORT_OFFSET ?? 0), persistTo, log: argv.includes("--log") });

  // Import in chunks.
  const bytes = Buffer.from(text, "utf8");
  const chunks = [];
  for (let start = 0; start < bytes.length; ) {
    let end = Math.min(start + CHUNK, bytes.length);
    while (end < bytes.length && (bytes[end] & 0xc0) === 0x80) end--;
    chunks.push(bytes.subarray(start, end));
    start = end;
  }
  let t0 = performance.now();
  for (const [n, chunk] of chunks.entries()) await ok(ADMIN, "PUT", o(`/imports/scale/chunks/${n}`), chunk, "text/plain");
  const uploaded = performance.now() - t0;
  t0 = performance.now();
  await ok(ADMIN, "POST", o("/imports/scale/commit"), JSON.stringify({ chunks: chunks.length }));
  const committed = performance.now() - t0;
  row("chunked import", `${chunks.length} chunks in ${ms(uploaded)}, commit ${ms(committed)}`);
  const ready = await until("edge ready", 300_000, () => send(ANALYST, "GET", o(`/check?operation=view&asset=${encodeURIComponent(otherProbe.id)}`)), (r) => r.source === "edge");
  row("import to first edge answer (KV written)", ms(ready + committed));

  // Cold and warm readers of the largest workspace (its part is first read here).
  const cold = await ok(ANALYST, "GET", o(`/workspaces/${BIG}/assets`));
  const warm = [];
  for (let i = 0; i < 10; i++) warm.push((await ok(ANALYST, "GET", o(`/workspaces/${BIG}/assets`))).ms);
  row(`list of ${BIG} (${big.assets.length} assets), analyst: cold`, ms(cold.ms), `answered by ${cold.source}, ${kb(cold.body.length)}`);
  row(`list of ${BIG}, analyst: warm median`, ms(pct(warm, 50)));
  const admin = await ok(wsAdmin, "GET", o(`/workspaces/${BIG}/assets`));
  row(`list of ${BIG}, workspace admin (${wsAdmin})`, ms(admin.ms), `${JSON.parse(admin.body).ids.length} ids, ${kb(admin.body.length)}`);
  const part = JSON.stringify(big);
  row(`${BIG}'s part`, `${(part.length / 1e6).toFixed(1)} MB`, `org part ${(JSON.stringify(snapshot.org).length / 1e6).toFixed(1)} MB`);

  // Check next to a trivial route, interleaved on one connection.
  const check = o(`/check?operation=view&asset=${encodeURIComponent(probe)}`);
  const health = [];
  const checks = [];
  for (let i = 0; i < PAIRS; i++) {
    health.push((await ok(null, "GET", "/v1/health")).ms);
    const r = await ok(ANALYST, "GET", check);
    if (r.source !== "edge") throw new Error(`check answered by ${r.source}`);
    checks.push(r.ms);
  }
  row("GET /v1/health p50 / p99", `${ms(pct(health, 50))} / ${ms(pct(health, 99))}`, `${PAIRS} interleaved`);
  row("GET check p50 / p99", `${ms(pct(checks, 50))} / ${ms(pct(checks, 99))}`, `${(pct(checks, 50) / pct(health, 50)).toFixed(2)}x health at p50`);

  // First views (GET /views/first, what a page loads; issue 13) for three kinds of user, the
  // largest workspace's view opened after it, and the whole view (GET /snapshot) beside them.
  for (const [who, user] of [["analyst", ANALYST], ["workspace admin", wsAdmin], ["org admin", ADMIN]]) {
    const r = await ok(user, "GET", o("/views/first"));
    const load = wasmLoad(JSON.stringify(JSON.parse(r.body.toString()).view));
    // wasmLoad blocks the event loop: an idle socket the server closed meanwhile is still
    // pooled, and the next request on it hangs up.
    agent.destroy();
    row(`first view, ${who}`, `${kb(r.body.length)} (${kb(gzipSync(r.body).length)} gzipped), ${ms(r.ms)} to fetch`, `load ${ms(load.ms)} in wasm under Node`);
    const big = await send(user, "GET", o(`/views/workspaces/${BIG}`));
    if (big.status === 200) row(`  ${BIG}'s view, ${who}`, `${kb(big.body.length)} (${kb(gzipSync(big.body).length)} gzipped), ${ms(big.ms)} to fetch`);
    // Past the writer's load cap (ORGSPACE_WRITER_LOAD_BYTES, 8 MiB of stored part bytes) the whole
    // view is refused with 413 before it is loaded (the org admin's at full scale).
    const whole = await send(user, "GET", o("/snapshot"));
    if (whole.status === 413) row(`  whole view (GET /snapshot), ${who}`, `413 too_large, ${ms(whole.ms)} to answer`, "past the writer's load cap: pages only");
    else if (whole.status >= 300) throw new Error(`GET /snapshot: ${whole.status} ${whole.body.toString().slice(0, 300)}`);
    else row(`  whole view (GET /snapshot), ${who}`, `${kb(whole.body.length)} (${kb(gzipSync(whole.body).length)} gzipped), ${ms(whole.ms)} to fetch`);
  }

  // A filter spread over many workspaces (the writer answers it a bounded set of parts at a time,
  // worker/src/query_rounds.rs): one asset of each of up to 1,000 workspaces, for the analyst.
  const spread = snapshot.workspaces.filter((w) => w.assets?.length).slice(0, 1000).map((w) => w.assets[0].id);
  const filtered = await ok(ANALYST, "POST", o("/filter"), JSON.stringify({ operation: "view", assets: spread }));
  row(`filter of ${spread.length} ids over ${spread.length} workspaces, analyst`, ms(filtered.ms), `answered by ${filtered.source}, ${JSON.parse(filtered.body).assets.length} kept`);

  // A member removal (every workspace part is rewritten) until the edge sees it.
  t0 = Date.now();
  await ok(ADMIN, "DELETE", o(`/members/${leaver}?new_owner=${ADMIN}`));
  const removal = Date.now() - t0;
  // A non-member gets the outsider answer (403, P1), decided at the edge from a fresh envelope.
  const gone = (r) => r.status === 403 && JSON.parse(r.body).error?.rule === "P1";
  const visible = await until("removal visible", 120_000, () => send(leaver, "GET", check), gone);
  row("member removal: command", ms(removal));
  row("member removal: visible at the edge (KV) after", ms(removal + visible), "the writer answers it at once with min_version");
} catch (e) {
  console.error(`bench/scale.mjs: ${e.stack ?? e}`);
  process.exitCode = 1;
} finally {
  await worker?.stop();
}

console.log(`\n### ${SCALE} (node bench/scale.mjs --scale ${SCALE})\n`);
console.log("| what | figure | note |\n| --- | --- | --- |");
for (const [what, value, note] of rows) console.log(`| ${what} | ${value} | ${note} |`);
