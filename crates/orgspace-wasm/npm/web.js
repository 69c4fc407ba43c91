// The explicit entry: nothing runs on import. `await init()` fetches the WebAssembly next to
// the glue (bundlers that follow `new URL(..., import.meta.url)` emit it), `init(url)` fetches
// it from where the app put it (`orgspace/orgspace_bg.wasm` is exported for that), and
// `initSync(bytes)` compiles bytes the app already has. Once is enough; later calls do nothing.
import start, { initSync as startSync } from "./web/orgspace.js";

export function init(input) {
  const arg = input === undefined || (input !== null && typeof input === "object" && "module_or_path" in input) ? input : { module_or_path: input };
  return start(arg).then(() => {});
}
export function initSync(bytes) {
  startSync({ module: bytes });
}
export default init;
export * from "./api.js";
