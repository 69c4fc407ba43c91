// Loads the demo organization into a running orgspace API, one command at a time through the
// resource routes (tests/worker/api.mjs), as its members would: the org admin creates the
// organization, the workspaces and the members; developers and analysts create their folders and
// assets; owners share them. Deterministic: the same ids, names, owners, folders, grants and
// modes every run (a seeded generator); only the times are taken from the clock, so grant
// expiries lie ahead of the load.
//
//   node scripts/demo/load.mjs [base-url] [--org acme]    # default http://127.0.0.1:8787
//
// Prints the demo users. scripts/run.sh and tests/www call `loadDemo` directly.

import { fileURLToPath } from "node:url";
import { Client } from "../../tests/worker/api.mjs";

export const DEMO_ORG = "acme";

/** The users a visitor of the console signs in as, with what each shows. */
export const DEMO_USERS = [
  { user: "ada", role: "org admin", note: "created the organization; sees and may do everything (O6)" },
  { user: "pat", role: "permission admin", note: "grants and revokes on every asset, manages no members (O4)" },
  { user: "wes", role: "workspace admin", note: "admin of Finance and Research (R1); may switch their mode (W9)" },
  { user: "dan", role: "developer", note: "developer in Finance, Sales and Operations (R2)" },
  { user: "ann", role: "analyst", note: "analyst in Finance and Sales (R3); a different list than dan's in Finance" },
  { user: "vic", role: "visitor", note: "visitor in Finance and Sales (R4): views, never modifies" },
  { user: "cara", role: "custom org role", note: "People Ops: manages members and groups (O2, O3)" },
  { user: "cole", role: "custom workspace role", note: "Curator in Finance: dashboards and portals only (R5)" },
];

/** Other members, who own assets and fill groups and workspaces. */
const CROWD = ["bea", "cal", "eli", "fay", "gus", "ivy", "jon", "kim", "leo", "mia", "ned", "ola", "ray", "sue", "tom", "uma"];

/** A small deterministic generator (mulberry32). */
function random(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (n) => Math.floor(next() * n),
    pick: (list) => list[Math.floor(next() * list.length)],
    chance: (p) => next() < p,
  };
}

const DAY = 86_400_000;

/** What each workspace holds: mode, members with roles, folder tree, and who creates assets. */
const WORKSPACES = [
  {
    id: "sales", name: "Sales", mode: "collaboration", assets: 70,
    members: { dan: ["developer"], ann: ["analyst"], vic: ["visitor"], bea: ["developer"], cal: ["analyst"], gus: ["analyst"], ivy: ["developer"], jon: ["visitor"], kim: ["analyst"], leo: ["visitor"], cara: ["visitor"], tom: ["analyst"] },
    folders: [["pipeline", "Pipeline"], ["pipeline/emea", "EMEA"], ["pipeline/emea/dach", "DACH"], ["pipeline/amer", "Americas"], ["accounts", "Key accounts"], ["accounts/2026", "2026"], ["forecasts", "Forecasts"]],
  },
  {
    id: "finance", name: "Finance", mode: "private", admins: ["wes"], assets: 90,
    members: { dan: ["developer"], ann: ["analyst"], vic: ["visitor"], cole: ["curator"], bea: ["developer"], cal: ["analyst"], eli: ["developer"], fay: ["visitor"], mia: ["analyst"] },
    folders: [["reports", "Reports"], ["reports/2026", "2026"], ["reports/2026/q1", "Q1"], ["reports/2026/q2", "Q2"], ["reports/2025", "2025"], ["budgets", "Budgets"], ["budgets/opex", "Opex"], ["budgets/capex", "Capex"], ["audit", "Audit"], ["audit/controls", "Controls"], ["scratch", "Scratch"]],
  },
  {
    id: "marketing", name: "Marketing", mode: "private", admins: ["mia"], assets: 55,
    members: { ann: ["developer"], ned: ["developer"], ola: ["analyst"], ray: ["analyst"], sue: ["visitor"], uma: ["analyst"], cara: ["visitor"] },
    folders: [["campaigns", "Campaigns"], ["campaigns/spring", "Spring"], ["campaigns/autumn", "Autumn"], ["brand", "Brand"], ["web", "Web analytics"], ["web/funnels", "Funnels"]],
  },
  {
    id: "ops", name: "Operations", mode: "collaboration", admins: ["gus"], assets: 45,
    members: { dan: ["developer"], kim: ["developer"], leo: ["analyst"], ray: ["visitor"], tom: ["developer"], uma: ["visitor"] },
    folders: [["logistics", "Logistics"], ["logistics/warehouses", "Warehouses"], ["logistics/fleet", "Fleet"], ["support", "Support"]],
  },
  {
    id: "research", name: "Research", mode: "private", admins: ["wes"], assets: 40,
    members: { eli: ["developer"], jon: ["analyst"], kim: ["analyst"], ola: ["developer"], sue: ["visitor"], fay: ["analyst"] },
    folders: [["studies", "Studies"], ["studies/pricing", "Pricing"], ["studies/pricing/elasticity", "Elasticity"], ["studies/churn", "Churn"], ["models", "Models"]],
  },
];

/** Kinds each preset role may create (R1-R4); the curator's come from its definition below. */
const CREATES = {
  admin: ["dashboard", "workbook", "portal", "ad_hoc_analysis", "self_service_query", "data_entry_form", "dataset", "data_source"],
  developer: ["dashboard", "workbook", "portal", "ad_hoc_analysis", "self_service_query", "data_entry_form", "dataset", "data_source"],
  analyst: ["dashboard", "workbook", "portal", "ad_hoc_analysis", "self_service_query"],
  curator: ["dashboard", "portal"],
  visitor: [],
};

/** Whether a role may view a kind at all (R1-R5), so a grant of view does not lift it (A2). */
function mayView(role, kind) {
  if (role === "visitor") return kind !== "dataset" && kind !== "data_source";
  if (role === "curator") return kind === "dashboard" || kind === "portal";
  return true;
}

const TOPICS = ["Revenue", "Margin", "Churn", "Pipeline", "Orders", "Returns", "Headcount", "Forecast", "Cohorts", "Inventory", "Latency", "Spend", "Leads", "Refunds", "Tickets", "Cash flow", "Pricing", "NPS", "Retention", "Quotas"];
const KIND_NAMES = { dashboard: "dashboard", workbook: "workbook", portal: "portal", ad_hoc_analysis: "analysis", self_service_query: "query", data_entry_form: "entry form", dataset: "dataset", data_source: "source" };
const KIND_WEIGHTS = [["dashboard", 6], ["workbook", 4], ["ad_hoc_analysis", 2], ["self_service_query", 2], ["portal", 1], ["data_entry_form", 1], ["dataset", 2], ["data_source", 1]];

/** The commands of the demo organization, in order, as `[actor, command]`. */
export function demoCommands(org = DEMO_ORG, now = Date.now()) {
  const rng = random(20260101);
  const out = [];
  // `lane`: commands of one lane keep their order; between two barriers, different lanes are
  // independent and the loader may send them concurrently. Without a lane, a command runs alone.
  const run = (actor, command, lane = null) => out.push([actor, command, lane]);
  const barrier = () => out.push(null);
  const allUsers = [...DEMO_USERS.map((u) => u.user).filter((u) => u !== "ada"), ...CROWD];
  const regions = ["east", "west", "north", "south"];

  run("ada", { type: "create_org", org, name: "Acme Retail", default_workspace: "sales", default_workspace_name: "Sales", mode: "collaboration" });
  run("ada", { type: "define_org_role", role: "people_ops", name: "People Ops", points: ["manage_members", "manage_user_groups"] });
  // Members: everyone joins Sales (the default workspace) as its section lists them, or as visitor.
  const sales = WORKSPACES[0];
  for (const [i, user] of allUsers.entries()) {
    const roles = user === "pat" ? ["permission_admin"] : user === "cara" ? ["people_ops"] : [];
    const attributes = { region: [regions[i % 4], ...(i % 3 === 0 ? [regions[(i + 1) % 4]] : [])] };
    run("ada", { type: "add_member", user, org_roles: roles, workspace: "sales", workspace_roles: sales.members[user] ?? ["visitor"], attributes }, user);
  }
  barrier();
  // Groups, nested: EMEA > EMEA Sales; Analysts; Leadership.
  run("ada", { type: "create_group", group: "emea", name: "EMEA" });
  run("cara", { type: "create_group", group: "emea-sales", name: "EMEA Sales", parent: "emea" });
  run("cara", { type: "create_group", group: "analysts", name: "Analysts" });
  run("ada", { type: "create_group", group: "leadership", name: "Leadership" });
  const groups = { emea: ["bea", "eli"], "emea-sales": ["dan", "cal", "jon"], analysts: ["ann", "cal", "mia", "ola", "jon"], leadership: ["wes", "mia", "gus"] };
  for (const [group, users] of Object.entries(groups)) for (const user of users) run("cara", { type: "add_group_member", group, user }, group);
  barrier();

  // Data: one warehouse, granted to Finance whole and to Sales without e-mails, east and west only.
  run("ada", {
    type: "create_data_source", source: "warehouse", name: "Warehouse",
    tables: [
      { name: "orders", columns: [{ name: "order", type: "number" }, { name: "region", type: "string" }, { name: "channel", type: "string" }, { name: "customer", type: "string" }, { name: "email", type: "string" }, { name: "amount", type: "number" }, { name: "paid", type: "boolean" }] },
      { name: "customers", columns: [{ name: "customer", type: "string" }, { name: "region", type: "string" }, { name: "segment", type: "string" }, { name: "email", type: "string" }] },
    ],
  });

  // The other workspaces, their members, and the Curator role in Finance.
  for (const ws of WORKSPACES.slice(1)) {
    run("ada", { type: "create_workspace", workspace: ws.id, name: ws.name, mode: ws.mode, admins: ws.admins ?? [] });
    if (ws.id === "finance") {
      run("wes", {
        type: "define_workspace_role", workspace: "finance", role: "curator", name: "Curator",
        points: ["dashboard", "portal"].flatMap((kind) => ["create", "view", "modify", "share", "authorize"].map((operation) => ({ kind, operation }))),
      });
    }
    const manager = ws.admins?.[0] ?? "ada";
    for (const [user, roles] of Object.entries(ws.members)) run(manager, { type: "add_workspace_member", workspace: ws.id, user, roles }, ws.id);
    barrier();
  }
  run("ada", { type: "grant_table", workspace: "finance", source: "warehouse", table: "orders" });
  run("ada", { type: "grant_table", workspace: "finance", source: "warehouse", table: "customers" });
  run("ada", { type: "grant_table", workspace: "sales", source: "warehouse", table: "orders", columns: ["order", "region", "channel", "customer", "amount", "paid"], rows: { in: { column: "region", values: ["east", "west"] } } });

  // Folders and assets.
  const weighted = KIND_WEIGHTS.flatMap(([k, w]) => Array(w).fill(k));
  const assetsByWs = {};
  let n = 0;
  for (const ws of WORKSPACES) {
    const roleOf = (u) => (ws.admins?.includes(u) ? "admin" : ws.members[u]?.[0] ?? "visitor");
    const creators = [...(ws.admins ?? []), ...Object.keys(ws.members)].filter((u) => CREATES[roleOf(u)].length > 0);
    const folderIds = [];
    for (const [path, name] of ws.folders) {
      const parts = path.split("/");
      const id = `${ws.id}-${parts.join("-")}`;
      const parent = parts.length > 1 ? `${ws.id}-${parts.slice(0, -1).join("-")}` : undefined;
      run(ws.admins?.[0] ?? creators[0], { type: "create_folder", folder: id, workspace: ws.id, name, ...(parent ? { parent } : {}) }, `folders-${ws.id}`);
      folderIds.push(id);
    }
    barrier();
    const made = (assetsByWs[ws.id] = []);
    // The demo's main characters each own a few assets where they work, the rest are spread out.
    const leads = ["dan", "ann", "cole", ...(ws.admins ?? [])].filter((u) => creators.includes(u));
    for (let i = 0; i < ws.assets; i++) {
      const owner = i < leads.length * 4 ? leads[i % leads.length] : rng.pick(creators);
      const allowed = CREATES[roleOf(owner)];
      let kind = rng.pick(weighted);
      if (!allowed.includes(kind)) kind = rng.pick(allowed);
      const topic = rng.pick(TOPICS);
      const id = `${ws.id}-${String(++n).padStart(3, "0")}`;
      const folder = rng.chance(0.8) ? rng.pick(folderIds) : undefined;
      run(owner, { type: "create_asset", asset: id, workspace: ws.id, kind, name: `${topic} ${KIND_NAMES[kind]} ${n}`, ...(folder ? { folder } : {}) }, id);
      made.push({ id, kind, owner, ws: ws.id });
    }
  }

  barrier();
  // Named datasets on the warehouse, with row and column rules, for the preview.
  run("dan", { type: "create_asset", asset: "finance-orders", workspace: "finance", kind: "dataset", name: "Orders (row rules by region)", folder: "finance-reports" });
  run("dan", { type: "set_dataset_table", asset: "finance-orders", source: "warehouse", table: "orders" });
  run("dan", { type: "set_row_rules", asset: "finance-orders", enabled: true, exempt_owner_and_admins: true, rules: [
    { targets: { all: true }, column: "region", allow: { attribute: "region" } },
    { targets: { users: [], groups: ["leadership"] }, column: "region", allow: { values: ["east", "west", "north", "south"] } },
  ] });
  run("dan", { type: "set_column_rules", asset: "finance-orders", rules: [{ targets: { users: [], groups: ["analysts"] }, column: "email", action: "mask" }, { targets: { users: ["fay"], groups: [] }, column: "customer", action: "hide" }] });
  run("dan", { type: "share", asset: "finance-orders", with: [{ user: "ann" }, { group: "leadership" }], level: "use" });
  run("ivy", { type: "create_asset", asset: "sales-orders", workspace: "sales", kind: "dataset", name: "Orders (east and west)", folder: "sales-pipeline" });
  run("ivy", { type: "set_dataset_table", asset: "sales-orders", source: "warehouse", table: "orders" });
  run("ivy", { type: "set_column_rules", asset: "sales-orders", rules: [{ targets: { all: true }, column: "customer", action: "mask" }] });

  // Sharing in the private workspaces: grants to users and groups, some with expiry, some
  // public assets; a few grants by the permission admin (O4).
  const groupIds = Object.keys(groups);
  for (const ws of WORKSPACES.filter((w) => w.mode === "private")) {
    const members = [...(ws.admins ?? []), ...Object.keys(ws.members)];
    const roleOf = (u) => (ws.admins?.includes(u) ? "admin" : ws.members[u]?.[0] ?? "visitor");
    for (const a of assetsByWs[ws.id]) {
      const roll = rng.next();
      if (roll < 0.12) {
        run(a.owner, { type: "set_public", asset: a.id, public: true }, a.id);
      } else if (roll < 0.55) {
        const count = 1 + rng.int(2);
        for (let k = 0; k < count; k++) {
          const toGroup = rng.chance(0.25);
          // A grant never lifts anyone above their role (A2): users whose role may view the kind.
          const viewers = members.filter((u) => u !== a.owner && mayView(roleOf(u), a.kind));
          const target = toGroup ? { group: rng.pick(groupIds) } : { user: rng.pick(viewers) };
          // Edit only where the grantee's role may modify the kind (A2); view otherwise.
          const role = toGroup ? "visitor" : roleOf(target.user);
          const canEdit = role === "admin" || role === "developer" || (role === "analyst" && !["dataset", "data_source", "data_entry_form"].includes(a.kind));
          const canUse = (a.kind === "dataset" && role !== "visitor") || (a.kind === "data_source" && (role === "admin" || role === "developer"));
          const level = canEdit && rng.chance(0.4) ? "edit" : canUse && rng.chance(0.5) ? "use" : "view";
          const expires = rng.chance(0.3) ? { expires_at: now + (7 + rng.int(60)) * DAY } : {};
          const by = rng.chance(0.15) ? "pat" : a.owner;
          // Groups may hold members outside the workspace: share (W4) takes targets in it only,
          // so group grants go through `grant`, which targets the group itself.
          run(by, { type: "grant", asset: a.id, target, level, ...expires }, a.id);
        }
      }
    }
  }
  barrier();
  // Personal workspaces (W3, W4): dan keeps drafts and shares one with ann across workspaces.
  run("dan", { type: "create_asset", asset: "dan-draft-1", workspace: "personal:dan", kind: "dashboard", name: "Draft: margin by region" });
  run("dan", { type: "create_asset", asset: "dan-draft-2", workspace: "personal:dan", kind: "workbook", name: "Draft: Q3 plan" });
  run("dan", { type: "share", asset: "dan-draft-1", with: [{ user: "ann" }], level: "view" });
  return out;
}

/** Splits the commands into steps: each step a list of lanes, each lane commands in order. */
function steps(commands) {
  const out = [];
  let lanes = new Map();
  const flush = () => {
    if (lanes.size > 0) out.push([...lanes.values()]);
    lanes = new Map();
  };
  for (const entry of commands) {
    if (entry === null) {
      flush();
    } else if (entry[2] === null) {
      flush();
      out.push([[entry]]);
    } else {
      if (!lanes.has(entry[2])) lanes.set(entry[2], []);
      lanes.get(entry[2]).push(entry);
    }
  }
  flush();
  return out;
}

/**
 * Runs the demo commands against `base`, up to `concurrency` independent ones at a time (the
 * organization's single writer still applies them one by one); answers
 * `{org, version, commands, assets, ms}`. Throws on the first refusal.
 */
export async function loadDemo(base, { org = DEMO_ORG, client = new Client(base), concurrency = 6, log = () => {} } = {}) {
  const started = Date.now();
  const commands = demoCommands(org, started);
  let version = 0;
  let done = 0;
  const send = async ([actor, command]) => {
    for (let attempt = 1; ; attempt++) {
      try {
        const answer = await client.execute(org, actor, command);
        version = Math.max(version, answer.version ?? 0);
        break;
      } catch (err) {
        // wrangler dev restarts the worker when a file it watches changes (a build finishing
        // next to it) and drops the requests in flight; the command may or may not have been
        // applied. Send it again: a conflict then means the first one was.
        const restarted = err.code === "internal" && /restarted/i.test(err.message);
        if (restarted && attempt < 4) {
          await new Promise((r) => setTimeout(r, 500 * attempt));
          continue;
        }
        if (attempt > 1 && err.code === "conflict") break;
        throw new Error(`demo command ${command.type} as ${actor} was refused: ${err.code} ${err.rule ?? ""} ${err.message}\n${JSON.stringify(command)}`);
      }
    }
    if (++done % 100 === 0) log(`  ${done} commands`);
  };
  for (const lanes of steps(commands)) {
    let next = 0;
    const worker = async () => {
      while (next < lanes.length) {
        const lane = lanes[next++];
        for (const entry of lane) await send(entry);
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, lanes.length) }, worker));
  }
  const real = commands.filter((c) => c !== null);
  const assets = real.filter(([, c]) => c.type === "create_asset").length;
  return { org, version, commands: real.length, assets, ms: Date.now() - started };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const orgAt = args.indexOf("--org");
  const org = orgAt >= 0 ? args.splice(orgAt, 2)[1] : DEMO_ORG;
  const base = args[0] ?? "http://127.0.0.1:8787";
  const result = await loadDemo(base, { org, log: (m) => console.error(m) });
  console.log(`Loaded ${result.org}: ${result.commands} commands, ${result.assets} assets, version ${result.version}, ${result.ms} ms`);
  for (const u of DEMO_USERS) console.log(`  ${u.user.padEnd(5)} ${u.role.padEnd(22)} ${u.note}`);
}
