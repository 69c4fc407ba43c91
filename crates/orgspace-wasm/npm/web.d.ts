// Types of `orgspace/web` (web.js): the package's API plus the functions that start it.
import type { InitInput, SyncInitInput } from "./web/orgspace.js";

export * from "./index.js";
export type { InitInput, SyncInitInput };

/**
 * Instantiates the WebAssembly, from `orgspace_bg.wasm` next to the glue when called without
 * an argument, else from the URL, Response, bytes or compiled module given. Call it once
 * before the first `Engine`; later calls do nothing.
 */
export function init(input?: InitInput | Promise<InitInput>): Promise<void>;
export default init;

/** Instantiates the WebAssembly from bytes or a compiled module, synchronously. */
export function initSync(bytes: SyncInitInput): void;
