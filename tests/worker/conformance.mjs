// Runs the conformance scenarios of tests/conformance through the edge API over HTTP, with the
// shared runner (tests/lib/conformance.mjs) and the files unchanged. Each scenario gets its own
// organization id; `as` becomes a dev token, `at` the `x-orgspace-time` header (honoured only
// with ORGSPACE_DEV_CLOCK in .dev.vars). Reads pass `min_version` (read-your-writes). After
// every accepted command the whole state is read back (it must load); `state` steps read it
// as the org admin who made or loaded the organization.
//
//   node tests/worker/conformance.mjs <base-url> [scenario paths...]
//   node tests/worker/conformance.mjs --start [scenario paths...]   # its own wrangler dev

import { mkdtempSync, mkdirSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { runScenarios } from "../lib/conformance.mjs";
import { Client } from "./api.mjs";

const enc = encodeURIComponent;

/** The answer, or `instead(err)` when the edge refused the caller as an outsider (P1). */
async function outsiderAs(answer, instead) {
  try {
    return await answer;
  } catch (err) {
    if (err?.code === "denied" && err.rule === "P1") return instead(err);
    throw err;
  }
}

/** A host of the shared runner for one scenario, in organization `org`. */
export function httpHost(client, org) {
  let version = 0;
  let admin = null;
  const q = () => `?min_version=${version}`;
  let last = null;
  // The whole snapshot, read by an org admin: the one who made or loaded the organization
  // while they are one, else another org admin of the last whole snapshot read (a scenario
  // may demote or remove the first).
  const whole = async () => {
    const admins = (last?.org?.members ?? []).filter((m) => (m.roles ?? []).includes("org_admin")).map((m) => m.user);
    for (const who of [admin, ...admins.filter((u) => u !== admin)]) {
      try {
        const snapshot = await client.request(who, "GET", `/v1/orgs/${enc(org)}/snapshot${q()}`);
        // An org admin's view is the whole state (the audit log left out).
        const reader = (snapshot?.org?.members ?? []).find((m) => m.user === who);
        if ((reader?.roles ?? []).includes("org_admin")) {
          admin = who;
          last = snapshot;
          return snapshot;
        }
      } catch (err) {
        if (err.code !== "denied") throw err;
      }
    }
    throw Object.assign(new Error("no org admin left to read the whole state"), { code: "denied" });
  };
  const send = async (user, method, path, body, now) => {
    const answer = await client.request(user, method, `/v1/orgs/${enc(org)}${path}`, body, { now });
    if (typeof answer?.version === "number" && method !== "GET") version = Math.max(version, answer.version);
    return answer;
  };
  return {
    async load(snapshot) {
      if (!snapshot) return;
      const copy = structuredClone(snapshot);
      copy.org.id = org;
      admin = copy.org.members.find((m) => (m.roles ?? []).includes("org_admin"))?.user ?? null;
      const answer = await client.request(admin, "PUT", `/v1/orgs/${enc(org)}/snapshot`, copy, { provision: true });
      version = answer.version;
    },
    async state() {
      if (admin === null) return "no organization";
      try {
        return JSON.stringify(await whole());
      } catch (err) {
        return `error ${err.code}`;
      }
    },
    async execute(as, command, now) {
      // Each scenario gets its own organization; an org id the scenario means to be invalid
      // is sent as it is, so it is still refused.
      const ownOrg = (command?.type === "create_org" || command?.type === "upgrade_org") && /^[A-Za-z0-9_.-]{1,64}$/.test(command.org ?? "");
      const c = ownOrg ? { ...command, org } : command;
      let answer;
      try {
        // `view_as` is recorded by the route that answers the view (docs/api.md).
        answer =
          c?.type === "view_as" && typeof c.user === "string" && typeof c.workspace === "string"
            ? await client.request(as, "POST", `/v1/orgs/${enc(org)}/workspaces/${enc(c.workspace)}/view-as/${enc(c.user)}`, undefined, { now })
            : // Commands name the version seen too, as reads do: a user refused a moment ago
              // and added since acts at once (the edge asks about them again).
              await client.execute(org, as, c, now, version);
      } catch (err) {
        // Before the organization exists nobody is a member of it: the edge gives the
        // outsider's answer (P1), where the core, which knows there is no organization, says
        // not found. The edge keeps existence to itself by design (docs/api.md, "Outsiders").
        if (admin === null && err?.code === "denied" && err.rule === "P1") {
          err.code = "not_found";
          err.rule = undefined;
        }
        throw err;
      }
      version = Math.max(version, answer.version ?? 0);
      if (admin === null && (c.type === "create_org" || c.type === "upgrade_org")) admin = as;
      return answer;
    },
    // X5 at the edge: the whole state as an org admin reads it, at the version the command
    // made, which the edge builds from the parts it stored (or, while Workers KV lags, the
    // writer from its own storage); a state that does not load answers 500. The edge cannot
    // be asked every check of every member cheaply, so answers are compared by the npm and
    // Rust runners only.
    async reload() {
      try {
        await whole();
        return [];
      } catch (err) {
        return [`the stored state does not load: ${err.code}: ${err.message}`];
      }
    },
    async audit(as, after, now) {
      const entries = [];
      for (let next = after; next !== null; ) {
        const page = await send(as, "GET", `/audit?after=${next}&limit=100`, undefined, now);
        entries.push(...page.entries);
        next = page.next_after;
      }
      return entries;
    },
    // The edge answers a caller who is not a member once for the whole request (403, P1,
    // before any id is read), where the core decides each check: the same denial, by P1.
    check: (as, check, now) => outsiderAs(send(as, "POST", `/check${q()}`, check, now), (e) => ({ allowed: false, rule: e.rule, reason: e.message })),
    visibleAssets: async (as, ws, now) => (await send(as, "GET", `/workspaces/${enc(ws)}/assets${q()}`, undefined, now)).ids,
    visibleFolders: async (as, ws, now) => (await send(as, "GET", `/workspaces/${enc(ws)}/folders${q()}`, undefined, now)).ids,
    filter: async (as, operation, assets, now) =>
      (await outsiderAs(send(as, "POST", `/filter${q()}`, { operation, assets }, now), () => ({ assets: [] }))).assets,
    whoHasAccess: (as, w, cursor, limit, now) => {
      const page = `${cursor === null ? "" : `&cursor=${enc(cursor)}`}&limit=${limit}`;
      return w.folder !== undefined
        ? send(as, "GET", `/folders/${enc(w.folder)}/access${q()}${page}`, undefined, now)
        : send(as, "GET", `/assets/${enc(w.asset)}/access${q()}&operation=${enc(w.operation)}${page}`, undefined, now);
    },
    accessDiff: (as, command, now) => send(as, "POST", `/access-diff${q()}`, command, now),
    // A scenario's view_as step asks without recording; the edge records every view, so the
    // route's answer is the same view with one more audit entry (the runner reads the version).
    viewAs: (as, user, ws, now) => send(as, "POST", `/workspaces/${enc(ws)}/view-as/${enc(user)}${q()}`, undefined, now),
    dryRun: (as, ws, mode, now) => send(as, "GET", `/workspaces/${enc(ws)}/mode-dry-run${q()}&mode=${enc(mode)}`, undefined, now),
    dataScope: (as, ds, now) => send(as, "GET", `/assets/${enc(ds)}/data-scope${q()}`, undefined, now),
    preview: async (as, ds, rows, now) => (await send(as, "POST", `/assets/${enc(ds)}/preview${q()}`, { rows }, now)).rows,
    dataScopeThrough: (as, ds, through, now) =>
      send(as, "GET", `/assets/${enc(ds)}/data-scope${q()}&through=${enc(through)}`, undefined, now),
    sql: (as, ds, through, dialect, now) =>
      send(as, "GET", `/assets/${enc(ds)}/sql${q()}&dialect=${enc(dialect)}${through === null ? "" : `&through=${enc(through)}`}`, undefined, now),
  };
}

export async function runOverHttp(base, paths, prefix = `c${Date.now().toString(36)}`) {
  const client = new Client(base, { clock: true });
  return runScenarios(paths, (_scenario, i) => httpHost(client, `${prefix}-${i}`));
}

if (process.argv[1] === import.meta.filename) {
  const target = process.argv[2];
  if (!target) {
    console.error("usage: node tests/worker/conformance.mjs <base-url>|--start [scenario paths...]");
    process.exit(1);
  }
  const root = resolve(import.meta.dirname, "../..");
  const paths = process.argv.length > 3 ? process.argv.slice(3) : [join(root, "tests/conformance")];
  let worker = null;
  let base = target;
  if (target === "--start") {
    const { startWorker } = await import("./dev.mjs");
    mkdirSync(join(root, "target"), { recursive: true });
    const persistTo = mkdtempSync(join(root, "target/worker-conformance-"));
    // ORGSPACE_WRITER_CACHE_BYTES=1: the writer keeps no part between calls, so every command
    // and query loads what it needs again (issue 13; scripts/test.sh runs the suite so too).
    const budget = process.env.ORGSPACE_WRITER_CACHE_BYTES;
    const vars = budget ? { ORGSPACE_WRITER_CACHE_BYTES: budget } : {};
    worker = await startWorker({ port: 8790, persistTo, vars });
    worker.persistTo = persistTo;
    base = worker.base;
  }
  try {
    const { failed } = await runOverHttp(base, paths);
    process.exitCode = failed === 0 ? 0 : 1;
  } finally {
    if (worker) {
      await worker.stop();
      rmSync(worker.persistTo, { recursive: true, force: true });
    }
  }
}
