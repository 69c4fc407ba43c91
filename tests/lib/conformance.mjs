// The conformance runner shared by the JavaScript hosts (the npm package, the edge API). It has
// the same rules as the core's runner (crates/orgspace-conformance): scenarios run in order,
// every refused command must leave the state unchanged (X2), every accepted one a state the
// host reloads (X5, through the host's `reload`), results compare as docs/conformance.md says.
// A host is an object of async methods; a refusal is thrown as an error with a string `code`
// (and `rule`).

import { readFileSync, readdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";

/** Every scenario file under `path`, sorted. */
export function scenarioFiles(path) {
  if (statSync(path).isFile()) return [path];
  return readdirSync(path)
    .flatMap((name) => {
      const p = join(path, name);
      return statSync(p).isDirectory() ? scenarioFiles(p) : name.endsWith(".json") ? [p] : [];
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

async function attempt(f) {
  try {
    return { value: await f() };
  } catch (err) {
    if (typeof err?.code !== "string" || err.code === "internal") throw err; // a bug, not a refusal
    return { err };
  }
}

const describeErr = (e) => `${e.code}${e.rule ? ` (${e.rule})` : ""}: ${e.message}`;
const normChanges = (cs) => sorted(cs.map((c) => JSON.stringify([c.user, sorted(c.gains), sorted(c.loses)])));
const mismatch = (e, got) => `expected ${JSON.stringify(e)}, got ${JSON.stringify(got)}`;

const ASSET_FIELDS = ["owner", "workspace", "folder", "public"];
const MEMBER_FIELDS = ["org_roles", "workspaces", "groups"];

/** A `state` step's fields from a whole snapshot, or null when the asset or member is gone (as crates/orgspace-conformance/src/state.rs). */
export function stateOf(snapshot, query) {
  const parts = snapshot?.workspaces ?? [];
  if (typeof query?.asset === "string" && query.member === undefined) {
    for (const part of parts) {
      const a = (part.assets ?? []).find((x) => x.id === query.asset);
      if (a) return { owner: a.owner, workspace: part.id, folder: a.folder ?? null, public: a.public ?? false };
    }
    return null;
  }
  if (typeof query?.member === "string" && query.asset === undefined) {
    const user = query.member;
    const doc = (snapshot?.org?.members ?? []).find((m) => m.user === user);
    if (!doc) return null;
    const workspaces = {};
    for (const part of parts) {
      const w = (part.members ?? []).find((m) => m.user === user);
      if (w) workspaces[part.id] = sorted(w.roles ?? []);
    }
    const groups = (snapshot.org.groups ?? []).filter((g) => (g.members ?? []).includes(user)).map((g) => g.id);
    return { org_roles: sorted(doc.roles ?? []), workspaces, groups: sorted(groups) };
  }
  throw new Error("a state step names one `asset` or one `member`");
}

/** Every list of strings sorted, at any depth: lists compare as sets. */
const normalized = (v) =>
  Array.isArray(v) && v.every((x) => typeof x === "string")
    ? sorted(v)
    : v && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, normalized(x)]).sort(([a], [b]) => (a < b ? -1 : 1)))
      : v;

function stateStep(snapshot, query, e) {
  const actual = stateOf(snapshot, query);
  if (actual === null) return e === "not_found" ? null : `expected ${JSON.stringify(e)}, got not_found`;
  if (!e || typeof e !== "object" || Array.isArray(e)) return `expected ${JSON.stringify(e)}, got ${JSON.stringify(actual)}`;
  const known = query.asset !== undefined ? ASSET_FIELDS : MEMBER_FIELDS;
  for (const [key, want] of Object.entries(e)) {
    if (!known.includes(key)) return `unknown state field \`${key}\` (known: ${known.join(", ")})`;
    const got = normalized(actual[key] ?? null);
    if (!same(normalized(want), got)) return `${key}: expected ${JSON.stringify(want)}, got ${JSON.stringify(got)}`;
  }
  return null;
}

/** Audit entries as a scenario states them: the command by its type. */
const auditEntry = (x) => ({ version: x.version, actor: x.actor, at: x.at, command: x.command?.type });

async function runStep(host, step, now) {
  const e = step.expect;
  const refusedAs = (r) => (outcomeMatches(e, r.err) ? null : `expected ${JSON.stringify(e)}, got ${describeErr(r.err)}`);
  if ("command" in step) {
    const before = await host.state();
    const r = await attempt(() => host.execute(step.as, step.command, now));
    if (r.err && (await host.state()) !== before) return `state changed after a refusal (X2): ${describeErr(r.err)}`;
    if (!r.err && host.reload) {
      // X5: every accepted command leaves a state that loads and answers alike.
      const problems = await host.reload(now);
      if (problems.length > 0) return `the state does not reload alike (X5): ${problems.slice(0, 5).join("; ")}`;
    }
    if (outcomeMatches(e, r.err)) return null;
    return `expected ${JSON.stringify(e)}, got ${r.err ? describeErr(r.err) : "ok"}`;
  }
  if ("state" in step) {
    return stateStep(JSON.parse(await host.state()), step.state, e);
  }
  if ("audit" in step) {
    const r = await attempt(() => host.audit(step.as, step.audit?.after ?? 0, now));
    if (r.err) return refusedAs(r);
    const got = r.value.map(auditEntry);
    const ok = Array.isArray(e) && e.length === got.length && e.every((w, i) => Object.entries(w).every(([k, v]) => same(got[i][k], v)));
    return ok ? null : mismatch(e, got);
  }
  if ("check" in step) {
    const r = await attempt(() => host.check(step.as, step.check, now));
    if (r.err) return refusedAs(r);
    const d = r.value;
    if (e && typeof e === "object" && "allowed" in e && d.allowed === e.allowed && (!e.rule || e.rule === d.rule)) return null;
    return `expected ${JSON.stringify(e)}, got ${d.allowed ? "allow" : "deny"} (${d.rule}): ${d.reason}`;
  }
  if ("visible_assets" in step || "visible_folders" in step) {
    const r = await attempt(() =>
      "visible_assets" in step
        ? host.visibleAssets(step.as, step.visible_assets, now)
        : host.visibleFolders(step.as, step.visible_folders, now),
    );
    if (r.err) return refusedAs(r);
    return Array.isArray(e) && same(sorted(e), sorted(r.value)) ? null : mismatch(e, r.value);
  }
  if ("filter" in step) {
    const got = await host.filter(step.as, step.filter.operation, step.filter.assets, now);
    return Array.isArray(e) && same(sorted(e), sorted(got)) ? null : mismatch(e, got);
  }
  if ("dry_run" in step) {
    const r = await attempt(() => host.dryRun(step.as, step.dry_run.workspace, step.dry_run.mode, now));
    if (r.err) return refusedAs(r);
    return e?.changes && same(normChanges(e.changes), normChanges(r.value.changes)) ? null : mismatch(e, r.value.changes);
  }
  if ("data_scope" in step) {
    const r = await attempt(() => host.dataScope(step.as, step.data_scope, now));
    if (r.err) return refusedAs(r);
    const got = r.value.columns.map((c) => [c.name, !!c.masked]);
    const want = (e?.columns ?? []).map((c) => [c.name, !!c.masked]);
    const rowsOk = e?.rows === undefined || same(e.rows, r.value.rows);
    return e?.columns && same(got, want) && rowsOk ? null : mismatch(e, r.value);
  }
  if ("data_scope_through" in step) {
    const { dataset, through } = step.data_scope_through;
    const r = await attempt(() => host.dataScopeThrough(step.as, dataset, through, now));
    if (r.err) return refusedAs(r);
    const got = r.value.columns.map((c) => [c.name, !!c.masked]);
    const want = (e?.columns ?? []).map((c) => [c.name, !!c.masked]);
    const rowsOk = e?.rows === undefined || same(e.rows, r.value.rows);
    return e?.columns && same(got, want) && rowsOk ? null : mismatch(e, r.value);
  }
  if ("sql" in step) {
    const { dataset, through, dialect } = step.sql;
    const r = await attempt(() => host.sql(step.as, dataset, through ?? null, dialect, now));
    if (r.err) return refusedAs(r);
    return typeof e?.sql === "string" && e.sql === r.value.sql && same(e.params, r.value.params) ? null : mismatch(e, r.value);
  }
  if ("preview" in step) {
    const r = await attempt(() => host.preview(step.as, step.preview.dataset, step.preview.rows, now));
    if (r.err) return refusedAs(r);
    const canon = (rows) => rows.map((row) => Object.fromEntries(Object.entries(row).sort(([a], [b]) => (a < b ? -1 : 1))));
    return Array.isArray(e) && same(canon(e), canon(r.value)) ? null : mismatch(e, r.value);
  }
  if ("who_has_access" in step || "access_diff" in step || "view_as" in step) {
    const r = await attempt(() => accessAnswer(host, step, now));
    if (r.err) return refusedAs(r);
    return e && typeof e === "object" && !Array.isArray(e) && holds(e, r.value) ? null : mismatch(e, r.value);
  }
  return `unknown step: ${JSON.stringify(Object.keys(step))}`;
}

/**
 * The access steps (issue 15): `who_has_access` walks every page two members at a time (so
 * cursors are exercised) and answers `{members}`; `access_diff` and `view_as` answer as the host
 * does. The host methods: `whoHasAccess(as, {asset, operation} | {folder}, cursor, limit, now)`
 * (one page), `accessDiff(as, command, now)`, `viewAs(as, user, workspace, now)`.
 */
async function accessAnswer(host, step, now) {
  if ("access_diff" in step) return host.accessDiff(step.as, step.access_diff, now);
  if ("view_as" in step) return host.viewAs(step.as, step.view_as.user, step.view_as.workspace, now);
  const members = [];
  let cursor = null;
  for (;;) {
    const page = await host.whoHasAccess(step.as, step.who_has_access, cursor, 2, now);
    members.push(...page.members);
    if (page.next === undefined || page.next === null) return { members };
    cursor = page.next;
  }
}

/** Whether `actual` holds `expected`: objects by the expected keys, arrays element by element. */
function holds(expected, actual) {
  if (Array.isArray(expected)) {
    return Array.isArray(actual) && expected.length === actual.length && expected.every((x, i) => holds(x, actual[i]));
  }
  if (expected !== null && typeof expected === "object") {
    return actual !== null && typeof actual === "object" && !Array.isArray(actual) &&
      Object.entries(expected).every(([k, v]) => k in actual && holds(v, actual[k]));
  }
  return expected === actual;
}

/**
 * Runs every scenario under `paths` against hosts made by `newHost(scenario, index)` (each
 * has `load()`, the step methods, `state()` and optionally `close()`). Prints failures and the
 * summary line `N passed, N failed`; returns `{passed, failed, steps}`.
 */
export async function runScenarios(paths, newHost) {
  let passed = 0;
  let failed = 0;
  let steps = 0;
  let index = 0;
  for (const file of paths.flatMap((p) => scenarioFiles(resolve(p)))) {
    const doc = JSON.parse(readFileSync(file, "utf8"));
    for (const scenario of Array.isArray(doc) ? doc : [doc]) {
      const failures = [];
      const host = newHost(scenario, index++);
      let loaded = false;
      try {
        await host.load(scenario.snapshot ?? null);
        loaded = true;
      } catch (err) {
        failures.push(`load snapshot: ${err.message}`);
      }
      let now = 0;
      for (const [i, step] of (loaded ? scenario.steps : []).entries()) {
        now = step.at ?? now;
        steps++;
        let failure;
        try {
          failure = await runStep(host, step, now);
        } catch (err) {
          failure = `error: ${err?.stack ?? err}`;
        }
        if (failure) failures.push(`step ${i + 1} (as ${step.as}${step.note ? ` — ${step.note}` : ""}): ${failure}`);
      }
      await host.close?.();
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
  return { passed, failed, steps };
}
