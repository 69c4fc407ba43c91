// `require` from CommonJS TypeScript: the types of index.d.cts.
import orgspace = require("orgspace");

const engine = new orgspace.Engine();
const ids: readonly string[] = ["q3"];
const kept: string[] = engine.as("carol").filter("view", ids, 0);
let code: orgspace.ErrorCode | undefined;
try {
  engine.check("carol", "view", "q3", 0);
} catch (err) {
  if (orgspace.isOrgspaceError(err)) code = err.code;
}
export = { kept, code };
