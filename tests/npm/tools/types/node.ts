// The shipped types under `strict` with no `skipLibCheck`, lib es2022 only (no DOM, no
// esnext.disposable, no @types/node): the error class and guard, `as`, readonly arrays.
import { Engine, OrgspaceError, isOrgspaceError, type Actor, type Answer, type ErrorCode, type Rule } from "orgspace";

const at = 1767225600000;
const engine = new Engine();
engine.execute("alice", { type: "create_org", org: "acme", name: "Acme", default_workspace: "sales", mode: "private" }, at);
const carol: Actor = engine.as("carol");
const ids: readonly string[] = Object.freeze(["q3"]);
const kept: string[] = carol.filter("view", ids, at);
const keptToo: string[] = engine.filter("carol", "view", ids, at);
const answer: Answer = carol.check("view", "q3");
const rows: readonly Readonly<Record<string, unknown>>[] = Object.freeze([{ region: "east" }]);
const seen: Record<string, unknown>[] = carol.previewRows("orders", rows);

let rule: Rule | undefined;
try {
  carol.execute({ type: "modify_asset", asset: "q3", name: "x" });
} catch (err) {
  if (isOrgspaceError(err, "denied")) {
    const code: "denied" = err.code;
    rule = err.rule;
    void code;
  } else if (err instanceof OrgspaceError) {
    const code: ErrorCode = err.code;
    void code;
  }
}

// @ts-expect-error: no `explain`: `check(...).reason` is the sentence
engine.explain("carol", "view", "q3", at);
// @ts-expect-error: not an operation
carol.can("fly", "q3");
// @ts-expect-error: the engine throws OrgspaceError; it is not made by hand
new OrgspaceError();
// @ts-expect-error: `init` is only in orgspace/web
import("orgspace").then((m) => m.init());

export const summary = [kept, keptToo, answer.reason, seen.length, rule];
