// Node, Deno, Bun and server bundles (ESM): the CommonJS build, so `import` and `require` share
// one module instance (one Engine class, one OrgspaceError).
import cjs from "./index.cjs";

export const { Engine, SpanRun, applyDataScope, commandOperation, OrgspaceError, isOrgspaceError } = cjs;
