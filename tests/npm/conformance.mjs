// Runs the conformance scenarios of tests/conformance through the npm package, with the shared
// runner (tests/lib/conformance.mjs): one engine per scenario. Ends with `N passed, N failed`.
//
//   node tests/npm/conformance.mjs [package-dir] [scenario paths...]

import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { runScenarios } from "../lib/conformance.mjs";

const root = resolve(import.meta.dirname, "../..");
const pkgDir = resolve(process.argv[2] ?? join(root, "target/npm/orgspace"));
const paths = process.argv.length > 3 ? process.argv.slice(3) : [join(root, "tests/conformance")];
const { Engine } = await import(pathToFileURL(join(pkgDir, "node.js")).href);

function npmHost() {
  let engine;
  return {
    load(snapshot) {
      engine = snapshot ? Engine.fromSnapshot(snapshot) : new Engine();
    },
    state: () => engine.toJSON(),
    execute: (as, command, now) => engine.execute(as, command, now),
    check: (as, q, now) => engine.decide(as, q, now),
    visibleAssets: (as, ws, now) => engine.visibleAssets(as, ws, now),
    visibleFolders: (as, ws, now) => engine.visibleFolders(as, ws, now),
    filter: (as, op, assets, now) => engine.filter(as, op, assets, now),
    dryRun: (as, ws, mode, now) => engine.modeSwitchDryRun(as, ws, mode, now),
    dataScope: (as, ds, now) => engine.dataScope(as, ds, now),
    preview: (as, ds, rows, now) => engine.previewRows(as, ds, rows, now),
    close: () => engine?.free(),
  };
}

const { failed } = await runScenarios(paths, npmHost);
process.exitCode = failed === 0 ? 0 : 1;
