// The writer's memory when it holds what a command needs, not the whole organization (issue
// 13), measured on the core's code path in WebAssembly under Node: wrangler dev shows no
// Durable Object memory, and the writer runs this same WebAssembly (the npm package's Node
// module, feature `node`, with `Engine.fromPartsIndexed`, `needs` and `executeTracked`).
//
//   ORGSPACE_BENCH_PARTS=$PWD/target/parts-full ORGSPACE_BENCH_SCALE=full \
//     cargo bench -p orgspace-core --bench engine        # writes the org in parts, once
//   node bench/writer-mem.mjs target/parts-full          # prints one line per command kind
//
// Each kind runs in its own process (WebAssembly memory only grows, so its size at the end is
// the high-water mark) and takes the writer's path: load the org part and the org index
// (`Engine.addPartBytes`, the core's `IndexedLoader`), ask `needs`, add those parts to the same
// engine from their stored bytes (the binary encoding the writer keeps in Durable Object
// storage), run the command, encode what a commit writes (the changed parts in binary from the
// tables, the org part, the index). Printed per kind: the module's memory (MB), the bytes read
// (MB), and the time (ms). The parts' binary encodings are made once, by other processes, into
// target/writer-mem/bin.
import { execFileSync } from "node:child_process";
import { readFileSync, mkdirSync, renameSync, existsSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../", import.meta.url));
const out = `${root}target/writer-mem`;
const [dir, kind] = process.argv.slice(2);
if (!dir) {
  console.error("usage: node bench/writer-mem.mjs <parts dir> [kind]");
  process.exit(2);
}

/** Builds the Node module once: the core with the host API (`--features node`). */
function build() {
  const wasm = `${root}target/wasm32-unknown-unknown/wasm-release/orgspace_wasm.wasm`;
  execFileSync("cargo", ["build", "-q", "-p", "orgspace-wasm", "--target", "wasm32-unknown-unknown",
    "--profile", "wasm-release", "--features", "node"], { cwd: root, stdio: "inherit" });
  mkdirSync(out, { recursive: true });
  execFileSync("wasm-bindgen", ["--target", "web", "--out-dir", out, "--out-name", "orgspace", wasm],
    { cwd: root, stdio: "inherit" });
  // An ES module whatever the package.json around it says.
  renameSync(`${out}/orgspace.js`, `${out}/orgspace.mjs`);
}

const KINDS = ["load", "asset_in_ws000", "remove_member", "delete_group", "org_role", "delete_data_source",
  "remove_member_rounds", "delete_group_rounds", "delete_data_source_rounds", "add_group_member_rounds"];
// `*_rounds`: the same command run part by part as the writer runs a command spanning
// workspaces (`SpanRun`, worker/src/edge/writer/span.rs): the org part and the index, then
// rounds of at most ROUND_BYTES of stored part bytes (past one larger part), read from their
// binary encoding into the round's tables (`roundBytes`), each round's changed parts encoded
// (what the writer stages in storage) and dropped.
const ROUND_BYTES = Number(process.env.ROUND_BYTES ?? 3 << 19);

if (kind === "--binary") {
  // Encodes the named parts as the writer stores them (in this process, not the measured one).
  const glue = await import(`${out}/orgspace.mjs`);
  glue.initSync({ module: readFileSync(`${out}/orgspace_bg.wasm`) });
  mkdirSync(`${out}/bin`, { recursive: true });
  for (const ws of process.argv.slice(4)) {
    writeFileSync(`${out}/bin/${ws}.bin`, glue.Engine.partToBinary(readFileSync(`${dir}/ws/${ws}.json`)));
  }
  process.exit(0);
}

if (!kind) {
  build();
  for (const k of KINDS) {
    const line = execFileSync(process.execPath, [fileURLToPath(import.meta.url), dir, k], { encoding: "utf8" });
    process.stdout.write(line);
  }
  process.exit(0);
}

const glue = await import(`${out}/orgspace.mjs`);
const wasm = glue.initSync({ module: readFileSync(`${out}/orgspace_bg.wasm`) });
const base = wasm.memory.buffer.byteLength;
const mb = (n) => (n / 1e6).toFixed(1);

const orgText = readFileSync(`${dir}/org.json`, "utf8");
const indexText = readFileSync(`${dir}/index.json`, "utf8");
const org = JSON.parse(orgText);
let read = orgText.length + indexText.length;
const admin = org.members.find((m) => m.roles.includes("org_admin")).user;
const plain = org.members.filter((m) => m.roles.length === 0).map((m) => m.user);
const partText = (ws) => readFileSync(`${dir}/ws/${ws}.json`, "utf8");
/** A part's stored bytes: its binary encoding, made by another process the first time. */
function partBytes(wanted) {
  const missing = wanted.filter((ws) => !existsSync(`${out}/bin/${ws}.bin`));
  for (let i = 0; i < missing.length; i += 200) {
    execFileSync(process.execPath, [fileURLToPath(import.meta.url), dir, "--binary", ...missing.slice(i, i + 200)]);
  }
  return wanted.map((ws) => readFileSync(`${out}/bin/${ws}.bin`));
}

/** The command of each kind, and the asset ids it names with the workspace holding each. */
function command() {
  switch (kind.replace(/_rounds$/, "")) {
    case "asset_in_ws000": {
      const ws = JSON.parse(partText("ws000"));
      const asset = ws.assets[Math.floor(ws.assets.length / 2)].id;
      const member = ws.members.find((m) => m.user !== admin).user;
      return [{ type: "grant", asset, target: { user: member }, level: "view" }, { [asset]: "ws000" }];
    }
    case "remove_member": {
      // A leaver whose assets the org admin may be handed (W4: in group workspaces the admin
      // is a member of), found in the index.
      const index = JSON.parse(indexText).workspaces;
      const fits = (u) => Object.entries(index).every(([ws, r]) => ws.startsWith("personal:")
        || !((r.users ?? []).includes(u) || u in (r.members ?? {})) || admin in (r.members ?? {}));
      const leaver = plain.slice(Math.floor(plain.length / 2)).find(fits);
      return [{ type: "remove_member", user: leaver, new_owner: admin }, {}];
    }
    case "delete_group": {
      // A group holding no group (those are refused).
      const parents = new Set(org.groups.map((g) => g.parent).filter(Boolean));
      return [{ type: "delete_group", group: org.groups.find((g) => !parents.has(g.id)).id }, {}];
    }
    case "add_group_member": {
      // An org admin adds someone to the group above: X3 holds nothing back from them, so no
      // part is read (with another actor every part naming the group chain is, in rounds).
      const parents = new Set(org.groups.map((g) => g.parent).filter(Boolean));
      const group = org.groups.find((g) => !parents.has(g.id));
      const user = plain.find((u) => !(group.members ?? []).includes(u));
      return [{ type: "add_group_member", group: group.id, user }, {}];
    }
    case "org_role":
      return [{ type: "set_org_roles", user: plain[1], roles: ["permission_admin"] }, {}];
    case "delete_data_source":
      return [{ type: "delete_data_source", source: "bench_src" }, {}];
    default:
      return [null, {}];
  }
}

const t0 = performance.now();
let engine = glue.Engine.addPartBytes(null, orgText, indexText, []);
const [cmd, located] = command();
let parts = [];
let changed = { workspaces: [], deleted: [] };
let rounds = 0;
let beforeBig = 0;
if (cmd && kind.endsWith("_rounds")) {
  if (kind.startsWith("delete_data_source")) {
    engine.executeTracked(admin, { type: "create_data_source", source: "bench_src", name: "Bench",
      tables: [{ name: "t", columns: [{ name: "c", type: "string" }] }] }, 1);
  }
  const span = engine.span(admin, cmd);
  if (process.env.DEBUG) console.error("engine", mb(wasm.memory.buffer.byteLength - base), "MB");
  const run = new glue.SpanRun(engine, admin, cmd, 2);
  if (process.env.DEBUG) console.error("run", mb(wasm.memory.buffer.byteLength - base), "MB");
  // The writer drops its engine while the rounds run (the run holds the org part and index).
  engine.free();
  // The parts as the writer stores them (binary), read straight into each round's tables.
  const every = partBytes(span.every);
  // ws000 (100k assets, 15 MB of text) is a round of its own, the last, so that the figure
  // before it shows what the rounds cost apart from that one part (whose cost is loading it,
  // as for any command in it: the asset_in_ws000 row).
  if (span.spread.includes("ws000")) span.spread = [...span.spread.filter((w) => w !== "ws000"), "ws000"];
  read += every.reduce((n, b) => n + b.length, 0);
  let i = 0;
  while (i < span.spread.length || rounds === 0) {
    const batch = [];
    let bytes = 0;
    if (span.spread[i] === "ws000") beforeBig = wasm.memory.buffer.byteLength - base;
    while (i < span.spread.length && bytes < ROUND_BYTES && (span.spread[i] !== "ws000" || batch.length === 0)) {
      const [part] = partBytes([span.spread[i++]]);
      bytes += part.length;
      batch.push(part);
    }
    read += bytes;
    run.roundBytes([...every, ...batch]);
    rounds += 1;
    if (process.env.DEBUG) console.error("round", rounds, "batch", mb(bytes), "MB, wasm", mb(wasm.memory.buffer.byteLength - base), "MB");
  }
  parts = [...new Set([...span.every, ...span.spread])];
  const executed = run.finish();
  changed = executed.changed;
  if (process.env.DEBUG) console.error("events", executed.applied.events.length);
  engine = run.engine();
  run.free();
  engine.orgPartJSON();
  engine.indexJSON();
} else if (cmd) {
  if (kind === "delete_data_source") {
    // The workload has no data sources: one is registered first (it touches no part).
    engine.executeTracked(admin, { type: "create_data_source", source: "bench_src", name: "Bench",
      tables: [{ name: "t", columns: [{ name: "c", type: "string" }] }] }, 1);
  }
  for (;;) {
    const needs = engine.needs(cmd);
    const more = [...new Set([...needs.workspaces, ...needs.assets.map((a) => located[a]).filter(Boolean)])]
      .filter((w) => !parts.includes(w));
    if (more.length === 0) break;
    parts.push(...more);
    // Added to the engine that holds the others, a batch at a time (as the writer reads them).
    for (let i = 0; i < more.length; i += 64) {
      const bytes = partBytes(more.slice(i, i + 64));
      read += bytes.reduce((n, b) => n + b.length, 0);
      engine = glue.Engine.addPartBytes(engine, null, null, bytes);
    }
  }
  if (process.env.DEBUG) console.error(JSON.stringify(cmd), parts, JSON.stringify(engine.needs(cmd)));
  const done = engine.executeTracked(admin, cmd, 2);
  changed = done.changed;
  // What a commit writes.
  for (const ws of changed.workspaces) engine.workspacePartBinary(ws);
  engine.orgPartJSON();
  engine.indexJSON();
}
const ms = performance.now() - t0;
const grown = wasm.memory.buffer.byteLength - base;
console.log(`${kind.padEnd(20)} wasm ${mb(grown).padStart(7)} MB  read ${mb(read).padStart(7)} MB  ` +
  `parts loaded ${String(parts.length).padStart(5)}  changed ${String(changed.workspaces.length).padStart(5)}  ` +
  `${rounds ? `rounds ${String(rounds).padStart(4)}  ` : ""}${ms.toFixed(0).padStart(6)} ms` +
  (beforeBig ? `  (wasm before the ws000 round ${mb(beforeBig)} MB)` : ""));
