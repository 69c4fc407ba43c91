// Runs the conformance scenarios of tests/conformance through the npm package, with the shared
// runner (tests/lib/conformance.mjs): one engine per scenario, reloaded from its own snapshot
// (whole, and by parts) after every accepted command. Ends with `N passed, N failed`.
//
//   node tests/npm/conformance.mjs [package-dir] [scenario paths...]

import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { runScenarios } from "../lib/conformance.mjs";

const root = resolve(import.meta.dirname, "../..");
const pkgDir = resolve(process.argv[2] ?? join(root, "target/npm/orgspace"));
const paths = process.argv.length > 3 ? process.argv.slice(3) : [join(root, "tests/conformance")];
const { Engine } = await import(pathToFileURL(join(pkgDir, "node.js")).href);

const OPERATIONS = ["create", "view", "use", "modify", "delete", "share", "reference", "publish", "transfer", "authorize", "export"];

/** The answer of `check` as comparable text: the decision with its reason, or the refusal. */
function answer(engine, user, op, asset, now) {
  try {
    return JSON.stringify(engine.check(user, op, asset, now));
  } catch (err) {
    return `${err.code}: ${err.message}`;
  }
}

/** Every (member, operation, asset) two engines answer differently, over one workspace or all. */
function differentAnswers(live, reloaded, snapshot, only, now) {
  const out = [];
  for (const part of snapshot.workspaces.filter((p) => only === null || p.id === only)) {
    for (const asset of part.assets ?? []) {
      for (const { user } of snapshot.org.members) {
        for (const op of OPERATIONS) {
          const a = answer(live, user, op, asset.id, now);
          const b = answer(reloaded, user, op, asset.id, now);
          if (a !== b) out.push(`${user} ${op} ${asset.id} (${only === null ? "whole" : `parts of ${only}`}): live ${a}, reloaded ${b}`);
        }
      }
    }
  }
  return out;
}

/** X5 after an accepted command: the engine's own snapshot loads again whole and by parts, and answers alike (as crates/orgspace-conformance/src/reload.rs). */
function reloadProblems(engine, now) {
  const json = engine.toJSON();
  const snapshot = JSON.parse(json);
  if (snapshot === null) return [];
  const out = [];
  const attempts = [[null, () => Engine.fromSnapshot(json)], ...snapshot.workspaces.map((p) => [p.id, () => Engine.fromParts(snapshot.org, [p])])];
  for (const [only, load] of attempts) {
    let again;
    try {
      again = load();
    } catch (err) {
      out.push(only === null ? `the snapshot does not load: ${err.message}` : `the parts of ${only} do not load: ${err.message}`);
      continue;
    }
    try {
      if (only === null && again.toJSON() !== json) out.push("the snapshot does not round-trip");
      out.push(...differentAnswers(engine, again, snapshot, only, now));
    } finally {
      again.free();
    }
  }
  return out;
}

function npmHost() {
  let engine;
  return {
    load(snapshot) {
      engine = snapshot ? Engine.fromSnapshot(snapshot) : new Engine();
    },
    state: () => engine.toJSON(),
    reload: (now) => reloadProblems(engine, now),
    audit: (as, after) => engine.auditLog(as, after),
    execute: (as, command, now) => engine.execute(as, command, now),
    check: (as, q, now) => engine.decide(as, q, now),
    visibleAssets: (as, ws, now) => engine.visibleAssets(as, ws, now),
    visibleFolders: (as, ws, now) => engine.visibleFolders(as, ws, now),
    filter: (as, op, assets, now) => engine.filter(as, op, assets, now),
    dryRun: (as, ws, mode, now) => engine.modeSwitchDryRun(as, ws, mode, now),
    whoHasAccess: (as, q, cursor, limit, now) =>
      q.folder !== undefined
        ? engine.whoSeesFolder(as, q.folder, cursor, limit, now)
        : engine.whoHasAccess(as, q.asset, q.operation, cursor, limit, now),
    accessDiff: (as, command, now) => engine.accessDiff(as, command, now),
    viewAs: (as, user, ws, now) => engine.viewAs(as, user, ws, now),
    dataScope: (as, ds, now) => engine.dataScope(as, ds, now),
    preview: (as, ds, rows, now) => engine.previewRows(as, ds, rows, now),
    dataScopeThrough: (as, ds, through, now) => engine.dataScopeThrough(as, ds, through, now),
    sql: (as, ds, through, dialect, now) =>
      through === null ? engine.sql(as, ds, dialect, now) : engine.sqlThrough(as, ds, through, dialect, now),
    close: () => engine?.free(),
  };
}

const { failed } = await runScenarios(paths, npmHost);
process.exitCode = failed === 0 ? 0 : 1;
