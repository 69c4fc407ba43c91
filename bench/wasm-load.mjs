// Loads an organization into a fresh WebAssembly instance of the npm package's core and prints
// `{"ms", "mb"}`: the time of the load and how much the module's memory grew (it never shrinks,
// so one measured load per process). bench/scale.mjs runs it where wrangler dev shows no memory.
//
//   node bench/wasm-load.mjs <snapshot.json>
//     a whole snapshot, Engine.fromSnapshot in the browser module (what a page loads);
//   node bench/wasm-load.mjs --encode <part.json> <part.bin>
//     writes the part in the binary encoding the edge writer stores in KV (Engine.partToBinary);
//   node bench/wasm-load.mjs --encode-org <org.json> <org.bin>
//     writes the org part in the binary encoding the edge's org envelope holds
//     (Engine.orgPartToBinary);
//   node bench/wasm-load.mjs --parts <org.json|org.bin> <part.json|part.bin> [--warm <small-part>] [--runs N]
//     the org part and one workspace part, Engine.fromParts in the Node entry: the load of a
//     cold edge reader (the core's PartsLoader, which the worker's reader calls too; a .bin
//     part is read as the binary encoding, as the reader reads what KV holds). With
//     --warm, the org part and that small part are loaded 20 times first, so the module runs
//     optimized as in an isolate that has answered before; `mb` is then the whole memory the
//     instance holds above a fresh one (warm-up included, since freed memory is reused), and
//     `ms` the median of N runs (default 1: each run after the first reuses memory).
// ORGSPACE_NPM=<dir> measures another build of the package (its index.cjs for --parts): the
// Node entry built as the worker is built (bench/build-reader.sh, what the edge reader runs),
// or main's build side by side with this checkout's.
import { readFileSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../", import.meta.url));
// The package measured: this checkout's build, or another (`ORGSPACE_NPM=dir`: main's, side by side).
const pkg = process.env.ORGSPACE_NPM ?? `${root}target/npm/orgspace`;
const argv = process.argv.slice(2);
const arg = (name) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : undefined;
};

if (argv[0] === "--encode" || argv[0] === "--encode-org") {
  // A part in the binary encoding the edge stores in KV (Engine.partToBinary, Node entry),
  // written to a file for a later --parts run (a run of its own: memory only grows).
  const { Engine } = createRequire(import.meta.url)(`${pkg}/index.cjs`);
  const encode = argv[0] === "--encode" ? Engine.partToBinary : Engine.orgPartToBinary;
  const bytes = encode(readFileSync(argv[1]));
  writeFileSync(argv[2], bytes);
  console.log(JSON.stringify({ json: statSync(argv[1]).size, binary: bytes.length }));
} else if (argv[0] !== "--parts") {
  const glue = await import(`${pkg}/web/orgspace.js`);
  const wasm = glue.initSync({ module: readFileSync(`${pkg}/web/orgspace_bg.wasm`) });
  const text = readFileSync(argv[0], "utf8");
  const before = wasm.memory.buffer.byteLength;
  const t0 = performance.now();
  const engine = glue.Engine.fromSnapshot(text);
  const ms = performance.now() - t0;
  const mb = (wasm.memory.buffer.byteLength - before) / 1e6;
  console.log(JSON.stringify({ ms, mb, version: engine.version }));
} else {
  // The Node entry embeds its module; its memory is caught as the instance is made.
  let memory;
  const Instance = WebAssembly.Instance;
  WebAssembly.Instance = function (module, imports) {
    const instance = new Instance(module, imports);
    memory ??= instance.exports.memory;
    return instance;
  };
  const { Engine } = createRequire(import.meta.url)(`${pkg}/index.cjs`);
  WebAssembly.Instance = Instance;
  // UTF-8 bytes, as a host reads them from storage (copied into the module, not encoded).
  const org = readFileSync(argv[1]);
  const part = [readFileSync(argv[2])];
  const fresh = memory.buffer.byteLength;
  const warm = arg("warm");
  if (warm) {
    const small = [readFileSync(warm)];
    for (let i = 0; i < 20; i++) Engine.fromParts(org, small).free();
  }
  const runs = Number(arg("runs") ?? 1);
  const times = [];
  const cpus = [];
  let engine;
  for (let i = 0; i < runs; i++) {
    engine?.free();
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    engine = Engine.fromParts(org, part);
    times.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpus.push((c.user + c.system) / 1000);
  }
  const median = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const mb = (memory.buffer.byteLength - fresh) / 1e6;
  // CPU time next to the wall clock: on a shared machine the wall clock waits for other work.
  console.log(JSON.stringify({ ms: median(times), cpu_ms: median(cpus), mb, runs }));
}
