// First views at any scale without `wrangler dev` (issue 13): loads an organization stored in
// parts (org.json, ws/<id>.json, as `cargo bench -p orgspace-core --bench engine` writes them)
// into the npm package's Node entry, then prints for an analyst of ws000, a workspace admin of
// ws000 and the org admin: the first view's size (raw, gzipped), the time to load it in the
// browser module (Engine.fromSnapshot under Node, through bench/wasm-load.mjs: one fresh
// instance per load), the largest workspace's view and the whole view (GET /snapshot) beside it.
// The edge serves the same core's answers (bench/scale.mjs measures them over HTTP).
//
//   node bench/first-view.mjs <parts folder>      e.g. /work/bench-data/parts-full
//   node bench/first-view.mjs <snapshot.json>     e.g. target/bench-snapshots/hundredth.json
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const root = fileURLToPath(new URL("../", import.meta.url));
const dir = process.argv[2];
if (!dir) {
  console.error("usage: node bench/first-view.mjs <parts folder>");
  process.exit(2);
}
const { Engine } = createRequire(import.meta.url)(`${root}target/npm/orgspace/index.cjs`);
const BIG = "ws000";
const t0 = performance.now();
const whole = statSync(dir).isFile() ? JSON.parse(readFileSync(dir, "utf8")) : null;
let engine;
if (whole) {
  engine = Engine.fromSnapshot(whole);
} else {
  const parts = readdirSync(`${dir}/ws`).map((f) => readFileSync(`${dir}/ws/${f}`));
  engine = Engine.fromParts(readFileSync(`${dir}/org.json`), parts);
}
console.log(`loaded ${dir} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
const big = whole ? whole.workspaces.find((p) => p.id === BIG) : JSON.parse(readFileSync(`${dir}/ws/${BIG}.json`, "utf8"));
const now = Date.now();
const users = [
  ["analyst", "u00007"],
  ["workspace admin", big.members.find((m) => m.roles.includes("admin") && m.user !== "u00000")?.user],
  ["org admin", "u00000"],
];
const scratch = mkdtempSync("/tmp/orgspace-first-view-");
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
const size = (text) => `${kb(Buffer.byteLength(text))} (${kb(gzipSync(text).length)} gzipped)`;
try {
  for (const [who, user] of users) {
    let t = performance.now();
    const first = engine.firstView(user, undefined, now);
    const made = performance.now() - t;
    const text = JSON.stringify(first);
    writeFileSync(`${scratch}/v.json`, JSON.stringify(first.view));
    // Median of 5 loads, each in a fresh instance (bench/wasm-load.mjs).
    const loads = Array.from({ length: 5 }, () =>
      JSON.parse(execFileSync(process.execPath, [`${root}bench/wasm-load.mjs`, `${scratch}/v.json`], { encoding: "utf8" })).ms,
    ).sort((a, b) => a - b);
    console.log(`first view, ${who} (${user}): ${size(text)}, ${first.view.org.workspaces.length} workspaces listed, ${first.view.workspaces.length} parts; made in ${made.toFixed(0)} ms, loads in ${loads[2].toFixed(1)} ms (median of 5, browser module under Node)`);
    t = performance.now();
    try {
      const piece = JSON.stringify(engine.workspaceView(user, BIG, now));
      console.log(`  ${BIG}'s view: ${size(piece)}, made in ${(performance.now() - t).toFixed(0)} ms`);
    } catch (e) {
      console.log(`  ${BIG}'s view: ${e.code}`);
    }
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
