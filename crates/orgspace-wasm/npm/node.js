// Node entry: the module instantiates its WebAssembly synchronously on import.
export * from "./node/orgspace.js";
