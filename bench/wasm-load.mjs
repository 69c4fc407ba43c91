// Loads one snapshot file into a fresh WebAssembly instance of the npm package's core and prints
// `{"ms", "mb"}`: the time of Engine.fromSnapshot and how much the module's memory grew (it never
// shrinks, so one load per process). bench/scale.mjs runs it where wrangler dev shows no memory.
//
//   node bench/wasm-load.mjs <snapshot.json>
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../", import.meta.url));
const glue = await import(`${root}target/npm/orgspace/web/orgspace.js`);
const wasm = glue.initSync({ module: readFileSync(`${root}target/npm/orgspace/web/orgspace_bg.wasm`) });
const text = readFileSync(process.argv[2], "utf8");
const before = wasm.memory.buffer.byteLength;
const t0 = performance.now();
const engine = glue.Engine.fromSnapshot(text);
const ms = performance.now() - t0;
const mb = (wasm.memory.buffer.byteLength - before) / 1e6;
console.log(JSON.stringify({ ms, mb, version: engine.version }));
