// Runs schemathesis against a local `wrangler dev` of the edge worker (tests/worker/schemathesis.sh
// installs it and calls this). Starts the worker with a fresh persist folder, seeds one organization
// with a dev token, writes a schemathesis config that sends that token and steers most generated
// ids to the seeded ones, runs `schemathesis run worker/openapi.yaml --url <worker>` with the
// arguments given, and stops the worker whatever happens. Exits with schemathesis's status.
//
//   node tests/worker/schemathesis.mjs <schemathesis binary> [schemathesis run arguments...]
//
// ORGSPACE_OPENAPI_PORT (default 8801) picks the port.

import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { startWorker } from "./dev.mjs";
import { Client } from "./api.mjs";

const root = resolve(import.meta.dirname, "../..");
const [binArg, ...args] = process.argv.slice(2);
if (!binArg) {
  console.error("usage: node tests/worker/schemathesis.mjs <schemathesis> [run arguments...]");
  process.exit(2);
}
const bin = resolve(binArg);
const port = Number(process.env.ORGSPACE_OPENAPI_PORT ?? 8801);
const work = mkdtempSync(join(tmpdir(), "orgspace-openapi-"));
const ORG = "acme";
const ADMIN = "alice";

// The seeded organization: every kind of thing a path or body may name exists, under the ids the
// document's examples use (acme, bob, sales, curator, main, reports, q3, warehouse, orders).
const SEED = [
  { type: "create_org", org: ORG, name: "Acme", default_workspace: "main" },
  { type: "add_member", user: "bob" },
  { type: "add_member", user: "carol", org_roles: ["permission_admin"] },
  { type: "create_group", group: "sales", name: "Sales" },
  { type: "add_group_member", group: "sales", user: "bob" },
  { type: "define_org_role", role: "auditor", name: "Auditor", points: ["view_audit_log"] },
  { type: "create_workspace", workspace: "ws2", name: "Second", mode: "private" },
  { type: "add_workspace_member", workspace: "ws2", user: "bob", roles: ["analyst"] },
  { type: "define_workspace_role", workspace: "main", role: "curator", name: "Curator", points: [{ kind: "dashboard", operation: "view" }] },
  { type: "create_folder", folder: "reports", workspace: "main", name: "Reports" },
  { type: "create_data_source", source: "warehouse", name: "Warehouse", tables: [{ name: "orders", columns: [{ name: "region", type: "string" }, { name: "amount", type: "number" }] }] },
  { type: "grant_table", workspace: "main", source: "warehouse", table: "orders" },
  { type: "create_asset", asset: "q3", workspace: "main", kind: "dataset", name: "Q3 orders" },
  { type: "set_dataset_table", asset: "q3", source: "warehouse", table: "orders" },
  { type: "create_asset", asset: "d1", workspace: "main", kind: "dashboard", name: "Sales", folder: "reports", references: ["q3"] },
  { type: "grant", asset: "d1", target: { user: "bob" }, level: "view" },
  { type: "create_asset", asset: "d2", workspace: "ws2", kind: "workbook", name: "Notes" },
];

const DICTIONARIES = {
  orgs: [ORG],
  users: [ADMIN, "bob", "carol"],
  groups: ["sales"],
  roles: ["auditor", "curator", "admin", "visitor"],
  workspaces: ["main", "ws2", `personal:${ADMIN}`],
  folders: ["reports"],
  assets: ["q3", "d1", "d2"],
  sources: ["warehouse"],
  tables: ["orders"],
  grantees: [ADMIN, "bob", "carol", "sales"],
};
// Path and body names bound to a dictionary, with the share of examples that take from it.
const BINDINGS = {
  "path.org": ["orgs", 0.95],
  "path.user": ["users", 0.7],
  "path.group": ["groups", 0.7],
  "path.role": ["roles", 0.5],
  "path.workspace": ["workspaces", 0.7],
  "path.folder": ["folders", 0.7],
  "path.asset": ["assets", 0.7],
  "path.source": ["sources", 0.7],
  "path.table": ["tables", 0.7],
  "path.target": ["grantees", 0.7],
  "query.new_owner": ["users", 0.7],
  "body.workspace": ["workspaces", 0.6],
  "body.folder": ["folders", 0.5],
  "body.parent": ["folders", 0.3],
  "body.source": ["sources", 0.6],
  "body.table": ["tables", 0.6],
  "body.to": ["users", 0.6],
  "body.asset": ["assets", 0.6],
  "body.assets[*]": ["assets", 0.6],
  "body.checks[*].asset": ["assets", 0.6],
};

const toml = (v) => JSON.stringify(v);
function config(token) {
  const lines = [`headers = { Authorization = ${toml(`Bearer ${token}`)} }`, "", "[dictionaries]"];
  for (const [name, values] of Object.entries(DICTIONARIES)) lines.push(`${name} = { values = ${toml(values)} }`);
  lines.push("", "[parameters]");
  for (const [key, [dictionary, probability]] of Object.entries(BINDINGS)) {
    lines.push(`${toml(key)} = { dictionary = ${toml(dictionary)}, probability = ${probability} }`);
  }
  return lines.join("\n") + "\n";
}

let worker = null;
let child = null;
let stopping = false;
async function cleanup() {
  if (stopping) return;
  stopping = true;
  if (child && child.exitCode === null) child.kill("SIGTERM");
  if (worker) await worker.stop();
  rmSync(work, { recursive: true, force: true });
}
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) {
  process.on(signal, async () => {
    await cleanup();
    process.exit(130);
  });
}

let status = 1;
try {
  worker = await startWorker({ port, persistTo: join(work, "state") });
  const client = new Client(worker.base);
  for (const command of SEED) await client.execute(ORG, ADMIN, command);
  const configPath = join(work, "schemathesis.toml");
  // A provisioner's token, so that creating and importing organizations are exercised too (the
  // scope grants nothing inside one).
  writeFileSync(configPath, config(client.provisionToken(ADMIN)));
  const runArgs = ["--config-file", configPath, "run", join(root, "worker/openapi.yaml"), "--url", worker.base, ...args];
  console.log(`schemathesis ${runArgs.join(" ")}`);
  child = spawn(bin, runArgs, { stdio: "inherit", cwd: work });
  status = await new Promise((done) => {
    child.on("exit", (code, signal) => done(code ?? (signal ? 1 : 0)));
    child.on("error", (err) => {
      console.error(err);
      done(1);
    });
  });
} catch (err) {
  console.error(err);
  if (worker) console.error(worker.output());
  status = 1;
} finally {
  await cleanup();
}
process.exit(status);
