// Runs the conformance scenarios of tests/conformance through the npm package, with the same
// rules as the core's runner (crates/orgspace-conformance): one engine per scenario, every
// refused command must leave the snapshot unchanged (X2). Ends with `N passed, N failed`.
//
//   node tests/npm/conformance.mjs [package-dir] [scenario paths...]

import { readFileSync, readdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

const root = resolve(import.meta.dirname, "../..");
const pkgDir = resolve(process.argv[2] ?? join(root, "target/npm/orgspace"));
const paths = process.argv.length > 3 ? process.argv.slice(3) : [join(root, "tests/conformance")];
const { Engine } = await import(pathToFileURL(join(pkgDir, "node.js")).href);

function files(path) {
  if (statSync(path).isFile()) return [path];
  return readdirSync(path)
    .flatMap((name) => {
      const p = join(path, name);
      return statSync(p).isDirectory() ? files(p) : name.endsWith(".json") ? [p] : [];
    })
    .sort();
}

const sorted = (xs) => [...xs].sort();
const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

function outcomeMatches(expect, err) {
  if (typeof expect === "string") {
    if (!err) return expect === "ok";
    if (expect === "denied") return err.code === "denied";
    if (expect === "invalid") return err.code !== "denied";
    if (expect === "refused") return true;
    return expect === err.code;
  }
  if (!err || expect === null || typeof expect !== "object") return false;
  if (expect.denied) return err.code === "denied" && err.rule === expect.denied;
  if (expect.invalid) return err.code !== "denied" && err.rule === expect.invalid;
  return false;
}

function attempt(f) {
  try {
    return { value: f() };
  } catch (err) {
    if (typeof err?.code !== "string") throw err; // a bug, not a refusal: let it surface
    return { err };
  }
}

const describeErr = (e) => `${e.code}${e.rule ? ` (${e.rule})` : ""}: ${e.message}`;
const normChanges = (cs) =>
  sorted(cs.map((c) => JSON.stringify([c.user, sorted(c.gains), sorted(c.loses)])));

function runStep(engine, step, now) {
  const e = step.expect;
  if ("command" in step) {
    const before = engine.toJSON();
    const r = attempt(() => engine.execute(step.as, step.command, now));
    if (r.err && engine.toJSON() !== before) return `state changed after a refusal (X2): ${describeErr(r.err)}`;
    if (outcomeMatches(e, r.err)) return null;
    return `expected ${JSON.stringify(e)}, got ${r.err ? describeErr(r.err) : "ok"}`;
  }
  if ("check" in step) {
    const q = step.check;
    const r = attempt(() =>
      q.asset !== undefined
        ? engine.check(step.as, q.operation, q.asset, now)
        : engine.checkCreate(step.as, q.workspace, q.kind),
    );
    if (r.err) return outcomeMatches(e, r.err) ? null : `expected ${JSON.stringify(e)}, got ${describeErr(r.err)}`;
    const d = r.value;
    if (e && typeof e === "object" && "allowed" in e && d.allowed === e.allowed && (!e.rule || e.rule === d.rule)) return null;
    return `expected ${JSON.stringify(e)}, got ${d.allowed ? "allow" : "deny"} (${d.rule}): ${d.reason}`;
  }
  if ("visible_assets" in step || "visible_folders" in step) {
    const r = attempt(() =>
      "visible_assets" in step
        ? engine.visibleAssets(step.as, step.visible_assets, now)
        : engine.visibleFolders(step.as, step.visible_folders, now),
    );
    if (r.err) return outcomeMatches(e, r.err) ? null : `expected ${JSON.stringify(e)}, got ${describeErr(r.err)}`;
    return Array.isArray(e) && same(sorted(e), sorted(r.value)) ? null : `expected ${JSON.stringify(e)}, got ${JSON.stringify(r.value)}`;
  }
  if ("filter" in step) {
    const got = engine.filter(step.as, step.filter.operation, step.filter.assets, now);
    return Array.isArray(e) && same(sorted(e), sorted(got)) ? null : `expected ${JSON.stringify(e)}, got ${JSON.stringify(got)}`;
  }
  if ("dry_run" in step) {
    const r = attempt(() => engine.modeSwitchDryRun(step.as, step.dry_run.workspace, step.dry_run.mode, now));
    if (r.err) return outcomeMatches(e, r.err) ? null : `expected ${JSON.stringify(e)}, got ${describeErr(r.err)}`;
    return e?.changes && same(normChanges(e.changes), normChanges(r.value.changes)) ? null : `expected ${JSON.stringify(e)}, got ${JSON.stringify(r.value.changes)}`;
  }
  if ("data_scope" in step) {
    const r = attempt(() => engine.dataScope(step.as, step.data_scope, now));
    if (r.err) return outcomeMatches(e, r.err) ? null : `expected ${JSON.stringify(e)}, got ${describeErr(r.err)}`;
    const got = r.value.columns.map((c) => [c.name, !!c.masked]);
    const want = (e?.columns ?? []).map((c) => [c.name, !!c.masked]);
    const rowsOk = e?.rows === undefined || same(e.rows, r.value.rows);
    return e?.columns && same(got, want) && rowsOk ? null : `expected ${JSON.stringify(e)}, got ${JSON.stringify(r.value)}`;
  }
  if ("preview" in step) {
    const r = attempt(() => engine.previewRows(step.as, step.preview.dataset, step.preview.rows, now));
    if (r.err) return outcomeMatches(e, r.err) ? null : `expected ${JSON.stringify(e)}, got ${describeErr(r.err)}`;
    const canon = (rows) => rows.map((row) => Object.fromEntries(Object.entries(row).sort(([a], [b]) => (a < b ? -1 : 1))));
    return Array.isArray(e) && same(canon(e), canon(r.value)) ? null : `expected ${JSON.stringify(e)}, got ${JSON.stringify(r.value)}`;
  }
  return `unknown step: ${JSON.stringify(Object.keys(step))}`;
}

let passed = 0;
let failed = 0;
let steps = 0;
for (const file of paths.flatMap((p) => files(resolve(p)))) {
  const doc = JSON.parse(readFileSync(file, "utf8"));
  for (const scenario of Array.isArray(doc) ? doc : [doc]) {
    const failures = [];
    let engine;
    try {
      engine = scenario.snapshot ? Engine.fromSnapshot(scenario.snapshot) : new Engine();
    } catch (err) {
      failures.push(`load snapshot: ${err.message}`);
    }
    let now = 0;
    for (const [i, step] of (engine ? scenario.steps : []).entries()) {
      now = step.at ?? now;
      steps++;
      const failure = runStep(engine, step, now);
      if (failure) failures.push(`step ${i + 1} (as ${step.as}${step.note ? ` — ${step.note}` : ""}): ${failure}`);
    }
    engine?.free();
    if (failures.length === 0) {
      passed++;
    } else {
      failed++;
      console.log(`FAIL ${file} — ${scenario.name}`);
      for (const f of failures.slice(0, 20)) console.log(`  ${f}`);
    }
  }
}
console.log(`${passed + failed} scenarios, ${steps} steps`);
console.log(`${passed} passed, ${failed} failed`);
process.exitCode = failed === 0 ? 0 : 1;
