// One route table: the command routes of worker/src/routes.rs are the source; the two clients
// that map commands to routes (tests/worker/api.mjs, used by the tests, the demo and the
// benchmark; www/src/api.ts, the console's) must name the same method and path shape for every
// command they know, and the tests' client must know every command. (worker/src/openapi_tests.rs
// checks worker/openapi.yaml against the same table, routes and body fields.) No worker needed:
// this reads the sources.

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../", import.meta.url));
const read = (path) => readFileSync(`${root}${path}`, "utf8");

/** `METHOD /path` with every parameter written `:_`. */
const shape = (method, path) => `${method} ${path.replace(/:\w+/g, ":_")}`;

/** command -> sorted shapes, from routes.rs's COMMAND_ROUTES. */
function server() {
  const out = new Map();
  const source = read("worker/src/routes.rs");
  for (const m of source.matchAll(/\b(Get|Post|Put|Patch|Delete),\s*"(\/v1\/[^"]*)",\s*"(\w+)"/g)) {
    const [, method, path, command] = m;
    if (!out.has(command)) out.set(command, []);
    out.get(command).push(shape(method.toUpperCase(), path));
  }
  for (const shapes of out.values()) shapes.sort();
  return out;
}

/** command -> sorted shapes, from a client's `ROUTES` table of `name: (c) => [method, path, fields]`. */
function client(path) {
  const out = new Map();
  const source = read(path);
  for (const m of source.matchAll(/^\s+(\w+): \(c?\) => \["(\w+)", (`[^`]*`|"[^"]*")/gm)) {
    const [, command, method, literal] = m;
    let p = literal.slice(1, -1).split("?")[0].replace(/\$\{enc\(c\.\w+\)\}/g, ":_");
    if (!p.startsWith("/v1/")) p = `/v1/orgs/:_${p}`;
    // A grant's target is a user or a group: two routes.
    const paths = p.includes("${grantee(c.target)}")
      ? ["users", "groups"].map((kind) => p.replace("${grantee(c.target)}", `${kind}/:_`))
      : [p];
    out.set(command, paths.map((x) => shape(method, x)).sort());
  }
  return out;
}

test("the tests' client maps every command to its route in routes.rs", () => {
  const routes = server();
  const mine = client("tests/worker/api.mjs");
  assert.ok(routes.size >= 40, `${routes.size} commands found in routes.rs`);
  assert.deepEqual([...mine.keys()].sort(), [...routes.keys()].sort());
  for (const [command, shapes] of mine) assert.deepEqual(shapes, routes.get(command), command);
});

test("the console's client maps each command it sends to its route in routes.rs", () => {
  const routes = server();
  const consoleRoutes = client("www/src/api.ts");
  assert.ok(consoleRoutes.size >= 30, `${consoleRoutes.size} commands found in www/src/api.ts`);
  for (const [command, shapes] of consoleRoutes) {
    assert.ok(routes.has(command), `${command} is not a command route`);
    assert.deepEqual(shapes, routes.get(command), command);
  }
});
