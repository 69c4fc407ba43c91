// Browser entry: fetches and instantiates the WebAssembly next to this file before anything is
// exported, so `import { Engine } from "orgspace"` is ready to use, as in Node.
import init from "./web/orgspace.js";

await init({ module_or_path: new URL("./web/orgspace_bg.wasm", import.meta.url) });

export * from "./web/orgspace.js";
