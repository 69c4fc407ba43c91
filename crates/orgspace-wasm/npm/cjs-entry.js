// Source of index.cjs (bundled by scripts/build-npm.sh, not shipped): the WebAssembly embedded
// as base64 and compiled synchronously on load. No file is read and no URL resolved, so it
// runs unchanged after any bundler (Next.js, Vite SSR), in Jest, Deno without --allow-read,
// and on every Node version of `engines`.
import { initSync } from "./web/orgspace.js";
import { base64 } from "./wasm-base64.js";

const bytes =
  typeof Buffer === "function"
    ? Buffer.from(base64, "base64")
    : Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
initSync({ module: bytes });

export * from "./api.js";
// The Node entry's only class beyond api.js's (feature `node`): commands spanning workspaces
// run part by part by a host that stores the organization in parts.
export { SpanRun } from "./web/orgspace.js";
