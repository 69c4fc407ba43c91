#!/usr/bin/env bash
# A new user's first steps with the npm package: `npm pack`, install the tarball into a fresh
# project, import it from Node ESM and run a few decisions, and type-check a TypeScript file
# that uses it with `tsc --noEmit`. Expects the package built in target/npm/orgspace.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
pkg="${1:-target/npm/orgspace}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

tarball=$(cd "$work" && npm pack --silent "$root/$pkg")
mkdir "$work/app"
cd "$work/app"
cat > package.json <<'JSON'
{ "name": "consumer", "private": true, "type": "module" }
JSON
npm install --no-audit --no-fund --silent "$work/$tarball"

cat > main.mjs <<'JS'
import assert from "node:assert/strict";
import { Engine, commandOperation } from "orgspace";

const at = 1767225600000;
const engine = new Engine();
engine.execute("alice", { type: "create_org", org: "acme", name: "Acme", default_workspace: "sales", mode: "private" }, at);
engine.execute("alice", { type: "add_member", user: "carol", workspace: "sales", workspace_roles: ["visitor"] }, at);
engine.execute("alice", { type: "create_asset", asset: "q3", workspace: "sales", kind: "dashboard", name: "Q3" }, at);

const denied = engine.check("carol", "view", "q3", at);
assert.equal(denied.allowed, false);
assert.equal(denied.rule, "W7");
assert.deepEqual(engine.visibleAssets("carol", "sales", at), []);

engine.execute("alice", { type: "share", asset: "q3", with: [{ user: "carol" }] }, at);
assert.deepEqual(engine.visibleAssets("carol", "sales", at), ["q3"]);
assert.deepEqual(engine.filter("carol", "view", ["q3", "nope"], at), ["q3"]);

assert.throws(
  () => engine.execute("carol", { type: "modify_asset", asset: "q3", name: "x" }, at),
  (err) => err instanceof Error && err.code === "denied" && err.rule === "R4",
);
assert.throws(() => engine.execute("alice", { type: "no_such_command" }, at), (err) => err.code === "invalid");
// What a page asks before offering a command: the operation its handler requires first.
assert.equal(commandOperation("delete_asset"), "delete");
assert.equal(commandOperation("rename_org"), undefined);
assert.equal(engine.check("carol", commandOperation("modify_asset"), "q3", at).rule, "R4");

const again = Engine.fromSnapshot(engine.toJSON());
assert.equal(again.version, engine.version);
console.log("consumer: node ESM import and decisions ok");
JS
node main.mjs

cat > check.ts <<'TS'
import { Engine, applyDataScope, commandOperation, type AccessDiff, type AccessPage, type Answer, type Applied, type Command, type DataScope, type Operation, type Snapshot, type ViewAs } from "orgspace";

const engine: Engine = new Engine();
const at: number = Date.now();
const create: Command = { type: "create_org", org: "acme", name: "Acme", default_workspace: "sales", mode: "private" };
const applied: Applied = engine.execute("alice", create, at);
const answer: Answer = engine.check("alice", "view", "x", at);
const rule: string = answer.rule;
const ids: string[] = engine.visibleAssets("alice", "sales", at);
const snapshot: Snapshot | null = engine.toSnapshot();
const scope: DataScope = { dataset: "d", columns: [{ name: "region", type: "string" }], rows: { in: { column: "region", values: ["east"] } } };
const rows = applyDataScope(scope, [{ region: "east" }]);
const op: Operation | undefined = commandOperation("revoke");
// The access questions (issue 15; the Node entry carries them).
const page: AccessPage = engine.whoHasAccess("alice", "x", "view", null, 10, at);
const basis: string | undefined = page.members[0]?.basis;
const diff: AccessDiff = engine.accessDiff("alice", { type: "set_public", asset: "x", public: true }, at);
const view: ViewAs = engine.viewAs("alice", "bob", "sales", at);
// @ts-expect-error: not an operation
engine.whoHasAccess("alice", "x", "fly", null, null, at);
// @ts-expect-error: not a command
engine.execute("alice", { type: "create_orgg" }, at);
// @ts-expect-error: not an operation
engine.check("alice", "fly", "x", at);
export const summary = [applied.version, rule, ids.length, snapshot?.format, rows.length, engine.version, op, basis, diff.gains.length, view.assets.length];
TS
cat > tsconfig.json <<'JSON'
{ "compilerOptions": { "strict": true, "module": "nodenext", "moduleResolution": "nodenext", "target": "es2022", "lib": ["es2022", "esnext.disposable"], "noEmit": true, "skipLibCheck": false }, "files": ["check.ts"] }
JSON
"$root/node_modules/.bin/tsc" -p tsconfig.json
echo "consumer: tsc --noEmit ok"
