// The zero-setup entry for browsers and bundlers: fetches and instantiates the WebAssembly
// next to this file with top-level await, so `import { Engine } from "orgspace"` is ready to
// use. Where top-level await is not available, `orgspace/web` starts it explicitly.
import init from "./web/orgspace.js";

await init({ module_or_path: new URL("./web/orgspace_bg.wasm", import.meta.url) });

export * from "./api.js";
