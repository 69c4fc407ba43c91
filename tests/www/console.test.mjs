// The web console in a real browser: Debian's chromium driven by playwright-core against a local
// wrangler dev (the API and the console) holding the demo organization. Checks that the page
// shows exactly what the engine decides, that changes go through the API, and writes a
// screenshot of each page to target/www-screenshots/.
//
//   node tests/www/console.test.mjs [--update-docs]
//
// Builds the console when its sources changed (the npm package and the worker when missing). Uses a
// free port in 8811-8819 and a fresh state folder under target/tmp; stops everything on every
// path. `--update-docs` copies the workspace screenshot to docs/console.png. Exits non-zero on
// any failure.

import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync, statSync } from "node:fs";
import { createServer } from "node:net";
import { join, resolve } from "node:path";
import { build } from "esbuild";
import { chromium } from "playwright-core";
import { Client } from "../worker/api.mjs";
import { startWorker } from "../worker/dev.mjs";
import { devUsersDoc } from "../../scripts/demo/dev-users.mjs";
import { mint } from "../worker/tokens.mjs";
import { DEMO_ORG, loadDemo } from "../../scripts/demo/load.mjs";
import { LARGE_ADMIN, LARGE_WS, adminView, largeSnapshot } from "./large.mjs";

const root = resolve(import.meta.dirname, "../..");
const shots = join(root, "target/www-screenshots");
const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";
const started = Date.now();
const org = DEMO_ORG;
const enc = encodeURIComponent;

function log(message) {
  console.log(`[${((Date.now() - started) / 1000).toFixed(1).padStart(5)} s] ${message}`);
}

async function freePort() {
  for (let port = 8811; port <= 8819; port++) {
    const free = await new Promise((done) => {
      const server = createServer();
      server.once("error", () => done(false));
      server.listen(port, "127.0.0.1", () => server.close(() => done(true)));
    });
    if (free) return port;
  }
  throw new Error("no free port in 8811-8819");
}

/** The newest modification time under `paths` (files, recursively). */
function newest(paths) {
  let t = 0;
  for (const p of paths) {
    if (!existsSync(p)) continue;
    const s = statSync(p);
    t = Math.max(t, s.isDirectory() ? newest(readdirSync(p).map((n) => join(p, n))) : s.mtimeMs);
  }
  return t;
}

function ensureBuilt() {
  const run = (cmd, args) => execFileSync(cmd, args, { cwd: root, stdio: "inherit" });
  if (!existsSync(join(root, "target/npm/orgspace/web/orgspace_bg.wasm"))) run("bash", ["scripts/build-npm.sh"]);
  if (!existsSync(join(root, "worker/build/index.js"))) run("bash", ["scripts/build-worker.sh"]);
  // The console is rebuilt when its sources or the npm package changed since its last build.
  const app = join(root, "www/dist/app.js");
  const sources = ["www/src", "www/index.html", "www/style.css", "www/_headers", "www/build.mjs", "www/tsconfig.json", "target/npm/orgspace/web"];
  if (!existsSync(app) || newest(sources.map((p) => join(root, p))) > statSync(app).mtimeMs) run(process.execPath, ["www/build.mjs"]);
}

/** The console's sample-row generator, bundled for Node from www/src/samples.ts. */
async function sampleRowsFn() {
  const out = await build({ entryPoints: [join(root, "www/src/samples.ts")], bundle: true, format: "esm", platform: "node", write: false, logLevel: "warning" });
  const mod = await import(`data:text/javascript;base64,${Buffer.from(out.outputFiles[0].text).toString("base64")}`);
  return mod.sampleRows;
}

const sorted = (list) => [...list].sort();
const results = [];

async function test(name, fn) {
  const t0 = Date.now();
  try {
    await fn();
    results.push({ name, ok: true });
    log(`ok   ${name} (${Date.now() - t0} ms)`);
  } catch (err) {
    results.push({ name, ok: false, err });
    log(`FAIL ${name}: ${err.stack ?? err}`);
  }
}

let worker = null;
let browser = null;
const persistTo = join(root, `target/tmp/www-test-${process.pid}`);

async function cleanup() {
  await browser?.close().catch(() => {});
  browser = null;
  await worker?.stop();
  worker = null;
  rmSync(persistTo, { recursive: true, force: true });
}

for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, async () => {
    await cleanup();
    process.exit(130);
  });
}

async function main() {
  log("building the console");
  ensureBuilt();
  const sampleRows = await sampleRowsFn();
  mkdirSync(shots, { recursive: true });
  rmSync(persistTo, { recursive: true, force: true });
  mkdirSync(persistTo, { recursive: true });
  const port = await freePort();
  log(`starting wrangler dev on 127.0.0.1:${port}`);
  // Offline: no `Request.cf` download from workers.cloudflare.com (the worker does not use it).
  process.env.CLOUDFLARE_CF_FETCH_ENABLED ??= "false";
  worker = await startWorker({ port, persistTo });
  const base = worker.base;
  log("loading the demo organization through the API");
  const loaded = await loadDemo(base, { org });
  log(`loaded ${loaded.commands} commands, ${loaded.assets} assets in ${loaded.ms} ms`);

  const api = new Client(base);
  let version = loaded.version;
  const get = (user, path) => api.request(user, "GET", `/v1/orgs/${enc(org)}${path}${path.includes("?") ? "&" : "?"}min_version=${version}`);
  const listOf = async (user, ws) => ({
    assets: (await get(user, `/workspaces/${enc(ws)}/assets`)).ids,
    folders: (await get(user, `/workspaces/${enc(ws)}/folders`)).ids,
  });

  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
  });
  const context = await browser.newContext({ viewport: { width: 1400, height: 950 } });
  // The demo users' tokens, as the run command's www/dist/dev-users.json offers them; served to
  // this page only, so that a run command serving the same www/dist keeps its own file.
  let devUsers = devUsersDoc({ org, ttl: 3600 });
  await context.route("**/dev-users.json", (route) =>
    devUsers
      ? route.fulfill({ status: 200, contentType: "application/json", body: JSON.stringify(devUsers) })
      : route.fulfill({ status: 404, contentType: "application/json", body: '{"error":{"code":"not_found","message":"no such route"}}' }));
  const page = await context.newPage();
  const outside = [];
  const pageErrors = [];
  const apiRequests = [];
  page.on("request", (r) => {
    if (!r.url().startsWith(base) && !r.url().startsWith("data:")) outside.push(r.url());
    else if (new URL(r.url()).pathname.startsWith("/v1/orgs/")) apiRequests.push(`${r.method()} ${new URL(r.url()).pathname}`);
  });
  page.on("pageerror", (e) => pageErrors.push(e.message));
  page.setDefaultTimeout(20_000);

  const shot = async (name, full = false) => {
    await page.mouse.move(0, 0);
    await page.screenshot({ path: join(shots, name), fullPage: full });
  };
  const ready = (user) => page.waitForFunction((u) => document.body.dataset.ready?.startsWith(`${u}@`), user);
  const signInAs = async (user) => {
    // Already signed in as `user`: choosing them again would sign in anew and leave for the
    // org page while the test goes on.
    if (await page.evaluate((u) => document.body.dataset.ready?.startsWith(`${u}@`), user)) return;
    if (await page.$("[data-testid=switch-user]")) {
      await page.selectOption("[data-testid=switch-user]", user);
    } else {
      await page.click(`[data-testid=signin-${user}]`);
    }
    await ready(user);
  };
  const openWorkspace = async (ws) => {
    await page.evaluate((w) => (location.hash = `#/ws/${encodeURIComponent(w)}`), ws);
    await page.waitForSelector(`[data-testid=ws-page][data-workspace="${ws}"]`);
  };
  const openAsset = async (ws, asset) => {
    await page.evaluate(([w, a]) => (location.hash = `#/ws/${encodeURIComponent(w)}/${encodeURIComponent(a)}`), [ws, asset]);
    await page.waitForSelector(`[data-testid=asset-panel][data-asset="${asset}"]`);
  };
  /** Every row of the (virtualized) tree: scrolls it from top to bottom, collecting the rows
   * each position draws, then back to the top. */
  const treeRows = () => page.evaluate(() => {
    const box = document.querySelector("[data-testid=tree]");
    const assets = new Map();
    const folders = [];
    if (!box?.dataset.rows) return { assets: [], folders: [], rows: 0, drawnMax: 0 };
    const total = Number(box.dataset.rows);
    let drawnMax = 0;
    for (let top = 0; ; top += Math.max(1, box.clientHeight)) {
      box.scrollTop = top;
      box.dispatchEvent(new Event("scroll"));
      const drawn = box.querySelectorAll("li");
      drawnMax = Math.max(drawnMax, drawn.length);
      for (const li of drawn) {
        if (li.dataset.asset !== undefined && !assets.has(li.dataset.asset)) {
          assets.set(li.dataset.asset, { parent: li.dataset.parent, granted: !!li.querySelector(".tag.granted") });
        }
        if (li.dataset.folder !== undefined && !folders.includes(li.dataset.folder)) folders.push(li.dataset.folder);
      }
      if (Number(box.dataset.last) >= total || box.scrollTop < top) break;
    }
    box.scrollTop = 0;
    box.dispatchEvent(new Event("scroll"));
    return { assets: [...assets].map(([id, row]) => ({ id, ...row })), folders, rows: total, drawnMax };
  });
  const pageList = async () => {
    const rows = await treeRows();
    return { assets: rows.assets.map((a) => a.id), folders: rows.folders };
  };
  /** Runs `action` (a click) and waits for the result it shows, which must be of `kind`. */
  const result = async (kind, action) => {
    const before = Number(await page.evaluate(() => document.body.dataset.notices ?? 0));
    await action();
    await page.waitForFunction((n) => Number(document.body.dataset.notices ?? 0) > n, before);
    await page.waitForSelector(`[data-testid=notice][data-kind="${kind}"]:not([hidden])`, { timeout: 1000 }).catch(async (err) => {
      const shown = await page.evaluate(() => { const n = document.querySelector("[data-testid=notice]"); return `${n?.dataset.kind}: ${n?.textContent}`; });
      throw new Error(`expected a notice of kind ${kind}, the page shows ${shown}`, { cause: err });
    });
    // The version of the view the page reloaded after the change: reads below ask for at least it.
    const ready = await page.evaluate(() => document.body.dataset.ready ?? "");
    version = Math.max(version, Number(ready.split("@")[1]) || 0);
    return page.textContent("[data-testid=notice]");
  };

  /** Clicks `selector` (a change), then Apply in the access diff it opens (www/src/diff.ts). */
  const throughDiff = (selector) => async () => {
    await page.click(selector);
    await page.click("[data-testid=diff] [data-testid=diff-apply]");
  };

  await page.goto(`${base}/`);
  await page.waitForSelector("[data-testid=signin-ada]");
  await shot("01-signin.png");

  // The whole organization, as the org admin's view holds it.
  const whole = await get("ada", "/snapshot");
  const financePart = whole.workspaces.find((w) => w.id === "finance");

  await test("issue 13: a first view listing a page renders, then the pages of its lists join behind it", async () => {
    // The API's first view lists at most `list` workspaces beyond those it must hold: one here,
    // so that the demo organization pages as a large one does (the default is 200).
    const paging = (route) => route.continue({ url: `${route.request().url()}&list=1` });
    await page.route("**/views/first?*", paging);
    const asked = apiRequests.length;
    try {
      await signInAs("ada");
      await page.waitForFunction(() => document.body.dataset.listed === "all");
    } finally {
      await page.unroute("**/views/first?*", paging);
    }
    const made = apiRequests.slice(asked);
    for (const path of ["/views/first", "/views/workspaces", "/views/members"]) {
      assert.ok(made.includes(`GET /v1/orgs/${org}${path}`), `the console asked ${path}: ${made.join(", ")}`);
    }
    // What the next test checks in full: the joined lists are the whole organization's.
    await page.waitForSelector("[data-testid=org-page]");
    const members = await page.$$eval("[data-testid=members] tr[data-member]", (els) => els.map((e) => e.dataset.member));
    assert.deepEqual(sorted(members), sorted(whole.org.members.map((m) => m.user)));
  });

  await test("the org page lists members, roles, groups and workspaces with mode and default", async () => {
    await signInAs("ada");
    await page.waitForSelector("[data-testid=org-page]");
    const rows = await page.$$eval("[data-testid=workspaces] tr[data-workspace]", (els) =>
      els.map((e) => ({ id: e.dataset.workspace, text: e.textContent })));
    assert.deepEqual(sorted(rows.map((r) => r.id)), sorted(whole.org.workspaces.map((w) => w.id)));
    for (const w of whole.org.workspaces) {
      const row = rows.find((r) => r.id === w.id);
      assert.ok(row.text.includes(w.mode), `${w.id} shows its mode`);
      assert.equal(row.text.includes("default"), w.id === whole.org.default_workspace, `${w.id} default flag`);
    }
    const members = await page.$$eval("[data-testid=members] tr[data-member]", (els) => els.map((e) => e.dataset.member));
    assert.deepEqual(sorted(members), sorted(whole.org.members.map((m) => m.user)));
    const roles = await page.textContent("[data-testid=org-roles]");
    assert.ok(roles.includes("People Ops") && roles.includes("permission admin"), "custom and preset org roles");
    const groups = await page.$$eval("[data-group]", (els) => els.map((e) => e.dataset.group));
    assert.deepEqual(sorted(groups), sorted(whole.org.groups.map((g) => g.id)));
    await shot("02-org-ada.png", true);
  });

  let danList;
  let annList;
  await test("two members of a private workspace see different lists and trees, exactly as the engine says", async () => {
    for (const user of ["dan", "ann"]) {
      await signInAs(user);
      await openWorkspace("finance");
      const shown = await pageList();
      const expected = await listOf(user, "finance");
      assert.deepEqual(sorted(shown.assets), sorted(expected.assets), `${user}'s assets`);
      assert.deepEqual(sorted(shown.folders), sorted(expected.folders), `${user}'s folders`);
      assert.ok(shown.assets.length < financePart.assets.length, `${user} sees less than everything`);
      if (user === "dan") danList = shown;
      else annList = shown;
      await shot(`03-workspace-${user}.png`);
    }
    assert.notDeepEqual(sorted(danList.assets), sorted(annList.assets), "the asset lists differ");
    assert.notDeepEqual(sorted(danList.folders), sorted(annList.folders), "the folder trees differ");
  });

  await test("an admin sees every asset and folder", async () => {
    for (const user of ["wes", "ada"]) {
      await signInAs(user);
      await openWorkspace("finance");
      const shown = await pageList();
      assert.deepEqual(sorted(shown.assets), sorted(financePart.assets.map((a) => a.id)), `${user} sees all assets`);
      assert.deepEqual(sorted(shown.folders), sorted(financePart.folders.map((f) => f.id)), `${user} sees all folders`);
    }
  });

  await test("an asset shows why the user may or may not view, modify, delete, share it", async () => {
    await signInAs("ann");
    const asset = annList.assets.find((id) => financePart.assets.find((a) => a.id === id).owner !== "ann");
    await openAsset("finance", asset);
    for (const op of ["view", "modify", "delete", "share"]) {
      const expected = await api.request("ann", "POST", `/v1/orgs/${enc(org)}/check?min_version=${version}`, { operation: op, asset });
      const row = await page.$(`[data-testid=decision-${op}]`);
      assert.equal(await row.getAttribute("data-allowed"), String(expected.allowed), `${op} allowed`);
      assert.equal(await row.getAttribute("data-rule"), expected.rule, `${op} rule`);
      assert.ok((await row.textContent()).includes(expected.reason), `${op} reason`);
    }
    await shot("04-asset-why.png");
  });

  await test("actions the engine denies are disabled with its rule and reason: an analyst's, not an admin's (R3, A3, A5, R1)", async () => {
    // An asset of someone else that ann (analyst in finance) sees, with a grant in her view.
    const part = (await get("ann", "/snapshot")).workspaces.find((w) => w.id === "finance");
    const listed = new Set((await listOf("ann", "finance")).assets);
    const asset = part.assets.find((a) => listed.has(a.id) && a.owner !== "ann" && (a.grants ?? []).length > 0);
    assert.ok(asset, "ann sees someone else's asset with a grant");
    // Each control and the operation its command's handler requires (www/src/gate.ts).
    const controls = {
      delete: ["[data-testid=delete]", "delete"],
      public: ["[data-testid=public-toggle]", "share"],
      revoke: ["[data-testid=revoke]", "authorize"],
      rename: ["[data-testid=rename]", "modify"],
      share: ["[data-testid=share-form] button[type=submit]", "share"],
      transfer: ["[data-testid=transfer-form] button[type=submit]", "transfer"],
    };
    for (const [user, offered] of [["ann", false], ["wes", true]]) {
      await signInAs(user);
      await openAsset("finance", asset.id);
      for (const [name, [selector, operation]] of Object.entries(controls)) {
        const d = await api.request(user, "POST", `/v1/orgs/${enc(org)}/check?min_version=${version}`, { operation, asset: asset.id });
        if (["delete", "public", "revoke"].includes(name)) assert.equal(d.allowed, offered, `the engine ${offered ? "allows" : "denies"} ${user} ${operation}`);
        const els = await page.$$(selector);
        assert.ok(els.length > 0, `${user} sees the ${name} control (${asset.id}): ${await page.evaluate(() => location.hash + " " + document.querySelector("main")?.innerText.slice(0, 800))}`);
        for (const el of els) {
          assert.equal(await el.isDisabled(), !d.allowed, `${user}: ${name} ${d.allowed ? "enabled" : "disabled"} as the engine says`);
          assert.equal(await el.getAttribute("title"), d.allowed ? null : `${d.rule}: ${d.reason}`, `${user}: ${name} tells why on hover`);
        }
        const why = await page.$(`[data-testid=why-${name}]`);
        if (d.allowed) {
          assert.equal(why, null, `${user}: no reason beside an allowed ${name}`);
        } else {
          assert.equal(await why.getAttribute("data-rule"), d.rule, `${user}: ${name} names rule ${d.rule}`);
          assert.ok((await why.textContent()).includes(d.reason), `${user}: ${name} shows the engine's reason`);
        }
      }
      await shot(`04-${user}-actions.png`, true);
    }
  });

  await test("forms about no asset ask the engine (mayRun): an analyst's and a visitor's are disabled with the rule, an org admin's enabled (O2, O3, W1, D1, R1, R5, W9)", async () => {
    // Each gated control (data-gate) and the rule the engine names when the member holds no
    // standing for it: the requirement rule of its command (the core's Command::requirement_rule).
    const orgForms = {
      "add-member": "O3", "org-roles": "O3", "remove-member": "O3", attributes: "O3",
      "define-org-role": "O2", "create-group": "O2", "add-to-group": "O2", "remove-from-group": "O2",
      "create-workspace": "W1", "workspace-rename": "W1", "workspace-delete": "W1", "workspace-default": "W1",
      "create-data-source": "D1", "delete-data-source": "D1",
    };
    const wsForms = { "ws-add-member": "R1", "ws-roles": "R1", "define-ws-role": "R5", "mode-switch": "W9" };
    const gates = () => page.$$eval("[data-gate]", (els) => els.map((e) => ({
      name: e.dataset.gate, disabled: e.disabled, rule: e.dataset.denied ?? null, title: e.getAttribute("title"),
    })));
    const whyOf = async (name) => {
      const why = await page.$(`[data-testid="why-${name}"]`);
      return why ? { rule: await why.getAttribute("data-rule"), text: await why.textContent() } : null;
    };
    const expectGates = async (user, expected, denied) => {
      const shown = await gates();
      for (const [name, rule] of Object.entries(expected)) {
        const g = shown.find((x) => x.name === name);
        assert.ok(g, `${user} sees the ${name} control`);
        const why = await whyOf(name);
        if (denied) {
          assert.deepEqual([g.disabled, g.rule], [true, rule], `${user}: ${name} disabled by ${rule}`);
          assert.ok(g.title.startsWith(`${rule}: `) && g.title.length > rule.length + 2, `${user}: ${name} tells why on hover`);
          assert.equal(why?.rule, rule, `${user}: ${name} names its rule beside it`);
          assert.ok(why.text.includes(g.title.slice(rule.length + 2)), `${user}: ${name} shows the reason beside it`);
        } else {
          assert.deepEqual([g.disabled, g.title, why], [false, null, null], `${user}: ${name} enabled, no reason shown`);
        }
      }
      return shown;
    };
    for (const [user, denied] of [["ann", true], ["vic", true], ["ada", false]]) {
      await signInAs(user);
      await page.evaluate(() => (location.hash = "#/org"));
      await page.waitForSelector("[data-testid=org-page]");
      const orgShown = await expectGates(user, orgForms, denied);
      // Deleting a custom org role (O2), on each row of the roles the view holds.
      const orgRoleDeletes = orgShown.filter((g) => g.name.startsWith("delete-org-role-"));
      if (!denied) assert.deepEqual(sorted(orgRoleDeletes.map((g) => g.name)), sorted(whole.org.org_roles.map((r) => `delete-org-role-${r.id}`)), "one per custom org role");
      if (!denied) assert.ok(orgRoleDeletes.length > 0, "the demo has a custom org role");
      for (const g of orgRoleDeletes) assert.deepEqual([g.disabled, g.rule], denied ? [true, "O2"] : [false, null], `${user}: ${g.name}`);
      await shot(`04-${user}-org-forms.png`, true);
      await openWorkspace("finance");
      const shown = await expectGates(user, wsForms, denied);
      const removes = shown.filter((g) => g.name.startsWith("remove-") && g.name !== "remove-member");
      assert.ok(removes.length > 0, `${user} sees the members' remove buttons`);
      for (const g of removes) assert.deepEqual([g.disabled, g.rule], denied ? [true, "R1"] : [false, null], `${user}: ${g.name}`);
      // Deleting a custom workspace role (R5), on each row of the roles the view holds.
      const wsRoleDeletes = shown.filter((g) => g.name.startsWith("delete-ws-role-"));
      if (!denied) assert.deepEqual(sorted(wsRoleDeletes.map((g) => g.name)), sorted(financePart.roles.map((r) => `delete-ws-role-${r.id}`)), "one per custom workspace role");
      if (!denied) assert.ok(wsRoleDeletes.length > 0, "the demo has a custom workspace role");
      for (const g of wsRoleDeletes) assert.deepEqual([g.disabled, g.rule], denied ? [true, "R5"] : [false, null], `${user}: ${g.name}`);
      // Creating a folder needs creating something here (A7): the API's own answer for a dashboard.
      const create = await api.request(user, "POST", `/v1/orgs/${enc(org)}/check?min_version=${version}`, { operation: "create", workspace: "finance", kind: "dashboard" });
      const folder = shown.find((g) => g.name === "create-folder");
      assert.deepEqual([folder.disabled, folder.rule], create.allowed ? [false, null] : [true, create.rule], `${user}: create folder as the API decides creating`);
      await shot(`04-${user}-ws-forms.png`, true);
    }
    // The forms added for this (workspaces, data sources, attributes) send their commands.
    await signInAs("ada");
    await page.evaluate(() => (location.hash = "#/org"));
    await page.waitForSelector("[data-testid=create-workspace-form]");
    await page.fill("[data-testid=create-workspace-form] input[name=workspace]", "lab");
    await page.fill("[data-testid=create-workspace-form] input[name=name]", "Lab");
    await result("ok", throughDiff("[data-gate=create-workspace]"));
    await page.selectOption("[data-testid=workspace-form] select[name=workspace]", "lab");
    await page.fill("[data-testid=workspace-form] input[name=name]", "Lab two");
    await result("ok", throughDiff("[data-gate=workspace-rename]"));
    assert.equal((await get("ada", "/snapshot")).org.workspaces.find((w) => w.id === "lab")?.name, "Lab two");
    await page.selectOption("[data-testid=workspace-form] select[name=workspace]", "lab");
    await result("ok", throughDiff("[data-gate=workspace-delete]"));
    await page.fill("[data-testid=create-data-source-form] input[name=source]", "scratch");
    await page.fill("[data-testid=create-data-source-form] input[name=name]", "Scratch");
    await page.fill("[data-testid=create-data-source-form] input[name=table]", "t");
    await page.fill("[data-testid=create-data-source-form] input[name=columns]", "region:string, amount:number");
    await result("ok", throughDiff("[data-gate=create-data-source]"));
    const scratch = (await get("ada", "/snapshot")).org.data_sources.find((d) => d.id === "scratch");
    assert.deepEqual(scratch?.tables, [{ name: "t", columns: [{ name: "region", type: "string" }, { name: "amount", type: "number" }] }]);
    await page.selectOption("[data-testid=delete-data-source-form] select[name=source]", "scratch");
    await result("ok", throughDiff("[data-gate=delete-data-source]"));
    await page.selectOption("[data-testid=attributes-form] select[name=user]", "pat");
    await page.fill("[data-testid=attributes-form] textarea[name=attributes]", "team: lab, ops");
    await result("ok", throughDiff("[data-gate=attributes]"));
    const after = await get("ada", "/snapshot");
    assert.equal(after.org.workspaces.find((w) => w.id === "lab"), undefined, "lab deleted");
    assert.equal(after.org.data_sources.find((d) => d.id === "scratch"), undefined, "scratch deleted");
    assert.deepEqual(after.org.members.find((m) => m.user === "pat").attributes, { team: ["lab", "ops"] });

    // A refused form sent anyway (a page older than the view) meets the API's refusal by the
    // same rule, and the page's reason is the engine's: asked as vic, the API answers alike.
    await signInAs("vic");
    await page.evaluate(() => (location.hash = "#/org"));
    await page.waitForSelector("[data-testid=create-group-form]");
    await page.fill("[data-testid=create-group-form] input[name=group]", "vics");
    await page.fill("[data-testid=create-group-form] input[name=name]", "Vic's");
    const title = await page.getAttribute("[data-gate=create-group]", "title");
    const before = (await get("ada", "/snapshot")).org.version;
    const text = await result("denied", () => page.$eval("[data-testid=create-group-form]", (f) => f.requestSubmit()));
    assert.ok(text.includes("O2") && text.includes(title.slice("O2: ".length)), `the API refuses as the page said (${title}): ${text}`);
    assert.equal((await get("ada", "/snapshot")).org.version, before, "nothing changed");
  });

  await test("sharing an asset with the other user makes it appear in their list after reload", async () => {
    const mine = danList.assets.filter((id) => financePart.assets.find((a) => a.id === id).owner === "dan" && !annList.assets.includes(id));
    assert.ok(mine.length > 0, "dan owns an asset ann does not see");
    const asset = mine[0];
    await signInAs("dan");
    await openAsset("finance", asset);
    await page.selectOption("[data-testid=share-users]", ["ann"]);
    await page.selectOption("[data-testid=share-form] select[name=level]", "view");
    // The access diff comes first (issue 15): what the API's dry run of the same command answers.
    const command = { type: "share", asset, with: [{ user: "ann" }], level: "view" };
    const expected = await api.request("dan", "POST", `/v1/orgs/${enc(org)}/access-diff?min_version=${version}`, command);
    assert.ok(expected.gains.some((g) => g.user === "ann" && g.asset === asset && g.operation === "view"), "the API says ann would gain view");
    await page.click("[data-testid=share-form] button[type=submit]");
    await page.waitForSelector("[data-testid=diff]");
    const rows = (kind) => page.$$eval(`[data-testid=diff-${kind}] tbody tr`, (trs) => trs.map((tr) => ({ user: tr.dataset.user, asset: tr.dataset.asset, operation: tr.dataset.operation })));
    assert.deepEqual(await rows("gains"), expected.gains, "the gains the API lists");
    assert.deepEqual(await rows("loses"), expected.loses, "the losses the API lists");
    const listed = await page.$$eval("[data-testid=diff-lists] tbody tr", (trs) => trs.map((tr) => [tr.dataset.user, tr.dataset.workspace]));
    assert.deepEqual(listed, expected.lists.map((l) => [l.user, l.workspace]), "the lists that would change");
    await shot("05-share-diff.png", true);
    // Cancel sends nothing (X2 needs no undo): the API still denies ann and the version stands.
    const before = (await get("ada", "/snapshot")).org.version;
    await page.click("[data-testid=diff-cancel]");
    assert.equal(await page.$("[data-testid=diff]"), null, "the diff is closed");
    const still = await api.request("ann", "POST", `/v1/orgs/${enc(org)}/check?min_version=${version}`, { operation: "view", asset });
    assert.equal(still.allowed, false, "cancel shared nothing");
    assert.equal((await get("ada", "/snapshot")).org.version, before, "cancel changed nothing");
    // Apply sends it.
    const text = await result("ok", throughDiff("[data-testid=share-form] button[type=submit]"));
    assert.match(text, /Share .* done/);
    await signInAs("ann");
    await openWorkspace("finance");
    await page.reload();
    await ready("ann");
    await page.waitForSelector(`[data-testid=ws-page][data-workspace="finance"]`);
    const shown = await pageList();
    assert.ok(shown.assets.includes(asset), "the shared asset is in ann's list");
    assert.deepEqual(sorted(shown.assets), sorted((await listOf("ann", "finance")).assets));
    // The "shared with you" tag is the engine's answer (assetInfo().granted, A1), not the page's.
    const tagged = (await treeRows()).assets.filter((a) => a.granted).map((a) => a.id);
    assert.ok(tagged.includes(asset), "the asset shared with ann is tagged as shared with her");
    const granted = await get("ann", `/assets/${encodeURIComponent(asset)}`);
    assert.equal(granted.granted, true, "the edge says ann holds a grant on it");
    await openAsset("finance", asset);
    await shot("05-shared-with-ann.png");
  });

  await test("a visitor's attempt to modify shows the denial and its reason, and changes nothing", async () => {
    await signInAs("vic");
    await openWorkspace("finance");
    const { assets } = await pageList();
    const asset = assets[0];
    const before = financePart.assets.find((a) => a.id === asset).name;
    await openAsset("finance", asset);
    assert.equal(await page.getAttribute("[data-testid=decision-modify]", "data-allowed"), "false");
    // The page does not offer it (R4: the engine denies modify) ...
    assert.equal(await page.isDisabled("[data-testid=rename]"), true, "rename is disabled for a visitor");
    // ... and a form sent anyway (a page older than the view) meets the API's refusal.
    await page.fill("[data-testid=rename-form] input[name=name]", "Renamed by a visitor");
    const text = await result("denied", () => page.$eval("[data-testid=rename-form]", (f) => f.requestSubmit()));
    let expected;
    try {
      await api.execute(org, "vic", { type: "modify_asset", asset, name: "Renamed by a visitor" });
      assert.fail("the API accepted a visitor's rename");
    } catch (err) {
      expected = err;
    }
    assert.equal(expected.code, "denied");
    assert.ok(text.includes(expected.rule), `the notice names rule ${expected.rule}`);
    assert.ok(text.includes(expected.message), "the notice shows the API's reason");
    assert.equal(await page.getAttribute("[data-testid=notice] [data-rule]", "data-rule"), expected.rule);
    // Nothing half-applied: the page and the API still hold the old name.
    assert.equal(await page.textContent("[data-testid=asset-panel] h2"), before);
    const now = await get("ada", `/assets/${enc(asset)}`);
    assert.equal(now.name, before);
    await shot("06-visitor-denied.png");
  });

  await test("a dataset's rows are previewed as the user sees them", async () => {
    await signInAs("ann");
    await openAsset("finance", "finance-orders");
    await page.waitForSelector("[data-testid=preview-rows]");
    const source = whole.org.data_sources.find((s) => s.id === "warehouse");
    const rows = sampleRows(source.tables.find((t) => t.name === "orders"));
    const expected = (await api.request("ann", "POST", `/v1/orgs/${enc(org)}/assets/finance-orders/preview?min_version=${version}`, { rows })).rows;
    const shown = await page.$$eval("[data-testid=preview-rows] tbody tr", (trs) => trs.map((tr) => Array.from(tr.children).map((td) => td.textContent)));
    const head = await page.$$eval("[data-testid=preview-rows] thead th", (ths) => ths.map((th) => th.textContent.replace(" (masked)", "")));
    assert.ok(expected.length > 0 && expected.length < rows.length, "row rules cut the rows");
    const scope = await get("ann", "/assets/finance-orders/data-scope");
    assert.deepEqual(head, scope.columns.map((c) => c.name), "the columns ann gets, in table order");
    assert.deepEqual(shown, expected.map((r) => head.map((c) => String(r[c]))));
    assert.ok(expected.every((r) => r.email === "***"), "ann's group sees e-mails masked");
    await shot("07-dataset-preview.png", true);
  });

  await test("who has access (A3, X1): the admin sees every member with the API's reasons, a page at a time; an analyst gets the refusal", async () => {
    const salesPart = whole.workspaces.find((w) => w.id === "sales");
    const asset = salesPart.assets.find((a) => a.owner !== "ann").id;
    const panel = (state, operation) => page.waitForSelector(`[data-testid=who-has-access][data-state=${state}][data-operation=${operation}]`);
    const shown = () => page.$$eval("[data-testid=access-members] tbody tr", (trs) => trs.map((tr) => ({ user: tr.dataset.user, basis: tr.dataset.basis, rule: tr.dataset.rule, text: tr.textContent })));
    const all = async (user, operation) => (await get(user, `/assets/${enc(asset)}/access?operation=${operation}&limit=1000`)).members;
    await signInAs("ada");
    await openAsset("sales", asset);
    await panel("loaded", "view");
    let pages = 1;
    while (await page.$("[data-testid=access-more]")) {
      const before = (await shown()).length;
      await page.click("[data-testid=access-more]");
      await page.waitForFunction((n) => document.querySelectorAll("[data-testid=access-members] tbody tr").length > n
        && document.querySelector("[data-testid=who-has-access]")?.dataset.state === "loaded", before);
      pages++;
    }
    const expected = await all("ada", "view");
    assert.ok(pages > 1, `the ${expected.length} members who may view took more than one page`);
    const rows = await shown();
    assert.deepEqual(rows.map(({ user, basis, rule }) => ({ user, basis, rule })), expected.map(({ user, basis, rule }) => ({ user, basis, rule })));
    for (const [i, m] of expected.entries()) assert.ok(rows[i].text.includes(m.reason), `${m.user}: the API's reason`);
    await shot("04-who-has-access.png", true);
    await page.selectOption("[data-testid=access-operation]", "modify");
    await panel("loaded", "modify");
    assert.deepEqual((await shown()).map((r) => r.user), (await all("ada", "modify")).map((m) => m.user), "who may modify");

    await signInAs("ann");
    await openAsset("sales", asset);
    await panel("refused", "view");
    let refusal;
    try {
      await get("ann", `/assets/${enc(asset)}/access?operation=view`);
      assert.fail("the API answered an analyst who has access");
    } catch (err) {
      refusal = err;
    }
    assert.equal(await page.getAttribute("[data-testid=access-refused]", "data-rule"), refusal.rule);
    assert.ok((await page.textContent("[data-testid=access-refused]")).includes(refusal.message), "the API's reason");
    assert.equal(await page.$("[data-testid=access-members]"), null, "no list for the analyst");
  });

  await test("a folder's page (W7, A3, X1): reached from the tree, its path and contents, who sees it and why a page at a time; an analyst gets the refusal", async () => {
    const seenBoth = new Set((await listOf("ann", "sales")).folders);
    await signInAs("ada");
    await openWorkspace("sales");
    // The first folder row drawn that the analyst sees too (the tree draws the rows in view).
    const folder = await page.$$eval("[data-testid=tree] li.folder[data-folder]", (lis, both) =>
      lis.map((li) => li.dataset.folder).find((id) => both.includes(id)), [...seenBoth]);
    assert.ok(folder, "a folder both see is drawn at the top of the tree");
    await page.click(`[data-testid="open-folder-${folder}"]`);
    await page.waitForSelector(`[data-testid=folder-page][data-folder="${folder}"]`);
    const salesPart = whole.workspaces.find((w) => w.id === "sales");
    const doc = salesPart.folders.find((f) => f.id === folder);
    assert.ok((await page.textContent("[data-testid=folder-path]")).includes(doc.name), "the path names the folder");
    const contents = await page.$$eval("[data-testid=folder-contents] [data-asset]", (lis) => lis.map((li) => li.dataset.asset));
    const mine = new Set((await listOf("ada", "sales")).assets);
    const inIt = salesPart.assets.filter((a) => a.folder === folder && mine.has(a.id)).map((a) => a.id);
    assert.deepEqual(sorted(contents), sorted(inIt), "the assets ada sees in it, as the list route answers");
    const panel = (state) => page.waitForSelector(`[data-testid=who-sees-folder][data-state=${state}]`);
    await panel("loaded");
    while (await page.$("[data-testid=folder-access-more]")) {
      const before = await page.$$eval("[data-testid=folder-access-members] tbody tr", (trs) => trs.length);
      await page.click("[data-testid=folder-access-more]");
      await page.waitForFunction((n) => document.querySelectorAll("[data-testid=folder-access-members] tbody tr").length > n
        && document.querySelector("[data-testid=who-sees-folder]")?.dataset.state === "loaded", before);
    }
    const expected = (await get("ada", `/folders/${enc(folder)}/access?limit=1000`)).members;
    const rows = await page.$$eval("[data-testid=folder-access-members] tbody tr", (trs) => trs.map((tr) => ({ user: tr.dataset.user, rule: tr.dataset.rule, text: tr.textContent })));
    assert.deepEqual(rows.map(({ user, rule }) => ({ user, rule })), expected.map(({ user, rule }) => ({ user, rule })));
    for (const [i, m] of expected.entries()) assert.ok(rows[i].text.includes(m.reason), `${m.user}: the API's reason`);
    assert.ok(expected.some((m) => m.user === "ann"), "the analyst who sees it is listed");
    await shot("04b-folder-page.png", true);

    await signInAs("ann");
    await page.evaluate((f) => (location.hash = `#/folder/sales/${encodeURIComponent(f)}`), folder);
    await page.waitForSelector(`[data-testid=folder-page][data-folder="${folder}"]`);
    await panel("refused");
    let refusal;
    try {
      await get("ann", `/folders/${enc(folder)}/access`);
      assert.fail("the API answered an analyst who sees the folder");
    } catch (err) {
      refusal = err;
    }
    assert.equal(await page.getAttribute("[data-testid=folder-access-refused]", "data-rule"), refusal.rule);
    assert.ok((await page.textContent("[data-testid=folder-access-refused]")).includes(refusal.message), "the API's reason");
  });

  await test("view as (R1, W7): a workspace admin sees the workspace as a member does, read only, and the audit log holds it", async () => {
    const before = (await get("ada", "/snapshot")).org.version;
    await signInAs("wes");
    await openWorkspace("finance");
    await page.click("[data-testid=view-as-ann]");
    await page.waitForSelector("[data-testid=view-as][data-user=ann]");
    const rows = await page.$$eval("[data-testid=view-as-assets] tbody tr", (trs) => trs.map((tr) => [tr.dataset.asset, tr.dataset.operations.split(" ")]));
    const list = await listOf("ann", "finance");
    assert.deepEqual(sorted(rows.map(([id]) => id)), sorted(list.assets), "ann's list, as the list route answers it for her");
    for (const [id, operations] of rows.slice(0, 3)) {
      for (const operation of ["view", "modify", "delete"]) {
        const d = await api.request("ann", "POST", `/v1/orgs/${enc(org)}/check?min_version=${version}`, { operation, asset: id });
        assert.equal(operations.includes(operation), d.allowed, `${operation} ${id} as the engine decides for ann`);
      }
    }
    assert.equal(await page.$$eval("[data-testid=view-as] form, [data-testid=view-as] input, [data-testid=view-as] select", (els) => els.length), 0, "read only");
    await shot("10-view-as.png", true);
    const audit = await api.request("ada", "GET", `/v1/orgs/${enc(org)}/audit?after=${before}`);
    assert.ok(audit.entries.some((e) => e.actor === "wes" && e.command.type === "view_as" && e.command.user === "ann"), `the audit log holds wes viewing as ann: ${JSON.stringify(audit.entries.map((e) => e.command))}`);
    await page.click("[data-testid=view-as-close]");
    assert.equal(await page.$("[data-testid=view-as]"), null);

    // An analyst asking meets the API's refusal, and nothing is recorded.
    await signInAs("ann");
    await openWorkspace("finance");
    const text = await result("denied", () => page.click("[data-testid=view-as-vic]"));
    assert.ok(text.includes("R1"), text);
    assert.equal(await page.$("[data-testid=view-as]"), null);
  });

  await test("a mode switch shows the dry run before it applies", async () => {
    await signInAs("wes");
    await openWorkspace("finance");
    assert.equal(await page.textContent("[data-testid=mode]"), "private");
    await page.click("[data-testid=mode-dry-run]");
    await page.waitForSelector("[data-testid=dry-run]");
    const expected = await get("wes", "/workspaces/finance/mode-dry-run?mode=collaboration");
    const users = await page.$$eval("[data-testid=dry-run] tr[data-user]", (els) => els.map((e) => e.dataset.user));
    assert.deepEqual(sorted(users), sorted(expected.changes.map((c) => c.user)));
    assert.ok(expected.changes.some((c) => c.gains.length > 0), "someone gains sight");
    // Shown, not applied.
    const during = await get("ada", "/snapshot");
    assert.equal(during.org.workspaces.find((w) => w.id === "finance").mode, "private");
    await shot("08-mode-dry-run.png", true);
    await result("ok", () => page.click("[data-testid=mode-apply]"));
    await page.waitForFunction(() => document.querySelector("[data-testid=mode]")?.textContent === "collaboration");
    const after = await get("ada", "/snapshot");
    version = after.org.version;
    assert.equal(after.org.workspaces.find((w) => w.id === "finance").mode, "collaboration");
    // Now ann sees the whole workspace.
    await signInAs("ann");
    await openWorkspace("finance");
    const shown = await pageList();
    assert.deepEqual(sorted(shown.assets), sorted(financePart.assets.map((a) => a.id)));
  });

  await test("creating a folder and an asset through the page", async () => {
    await signInAs("dan");
    await openWorkspace("ops");
    await page.fill("[data-testid=create-folder-form] input[name=name]", "Browser tests");
    await result("ok", throughDiff("[data-testid=create-folder-form] button[type=submit]"));
    const folder = (await get("dan", "/workspaces/ops/folders")).folders.find((f) => f.name === "Browser tests");
    assert.ok(folder, "the folder exists");
    await page.selectOption("[data-testid=create-asset-form] select[name=kind]", "dashboard");
    await page.fill("[data-testid=create-asset-form] input[name=name]", "Made in the browser");
    await page.selectOption("[data-testid=create-asset-form] select[name=folder]", folder.id);
    await result("ok", throughDiff("[data-testid=create-asset-form] button[type=submit]"));
    const asset = (await get("dan", "/workspaces/ops/assets")).assets.find((a) => a.name === "Made in the browser");
    assert.ok(asset && asset.folder === folder.id && asset.owner === "dan");
    await page.waitForSelector(`[data-testid=tree] li.folder[data-folder="${folder.id}"]`);
    const row = (await treeRows()).assets.find((a) => a.id === asset.id);
    assert.equal(row?.parent, folder.id, "the new asset is drawn inside its folder");
    await shot("09-created.png");
  });

  await test("the other forms: add a member, custom roles, group, public, transfer", async () => {
    await signInAs("ada");
    await page.evaluate(() => (location.hash = "#/org"));
    await page.waitForSelector("[data-testid=org-page]");
    const form = (id) => `[data-testid=${id}]`;
    await page.fill(`${form("add-member-form")} input[name=user]`, "zoe");
    await page.selectOption(`${form("add-member-form")} select[name=workspace]`, "research");
    await page.check(`${form("add-member-form")} input[name=workspace_roles][value=analyst]`);
    await page.uncheck(`${form("add-member-form")} input[name=workspace_roles][value=visitor]`);
    await result("ok", throughDiff(`${form("add-member-form")} button[type=submit]`));
    await page.fill(`${form("define-org-role-form")} input[name=role]`, "auditors");
    await page.fill(`${form("define-org-role-form")} input[name=name]`, "Auditors");
    await page.check(`${form("define-org-role-form")} input[name=points][value=view_audit_log]`);
    await result("ok", throughDiff(`${form("define-org-role-form")} button[type=submit]`));
    await page.selectOption(`${form("org-roles-form")} select[name=user]`, "zoe");
    await page.check(`${form("org-roles-form")} input[name=roles][value=auditors]`);
    await result("ok", throughDiff(`${form("org-roles-form")} button[type=submit]`));
    await page.selectOption(`${form("group-member-form")} select[name=group]`, "analysts");
    await page.selectOption(`${form("group-member-form")} select[name=user]`, "zoe");
    await result("ok", throughDiff(`${form("group-member-form")} button[type=submit]`));
    const snap = await get("ada", "/snapshot");
    assert.deepEqual(snap.org.members.find((m) => m.user === "zoe")?.roles, ["auditors"]);
    assert.ok(snap.org.groups.find((g) => g.id === "analysts").members.includes("zoe"));
    assert.deepEqual(snap.workspaces.find((w) => w.id === "research").members.find((m) => m.user === "zoe")?.roles, ["analyst"]);

    await openWorkspace("research");
    await page.fill(`${form("define-ws-role-form")} input[name=role]`, "reviewer");
    await page.fill(`${form("define-ws-role-form")} input[name=name]`, "Reviewer");
    await page.check(`${form("define-ws-role-form")} input[value="dashboard:view"]`);
    await page.check(`${form("define-ws-role-form")} input[value="workbook:view"]`);
    await result("ok", throughDiff(`${form("define-ws-role-form")} button[type=submit]`));
    await page.selectOption(`${form("ws-roles-form")} select[name=user]`, "zoe");
    await page.check(`${form("ws-roles-form")} input[name=roles][value=reviewer]`);
    await result("ok", throughDiff(`${form("ws-roles-form")} button[type=submit]`));
    const research = (await get("ada", "/snapshot")).workspaces.find((w) => w.id === "research");
    assert.deepEqual(research.members.find((m) => m.user === "zoe").roles.sort(), ["analyst", "reviewer"]);

    // Make public, then transfer, an asset of the private workspace.
    const asset = research.assets.find((a) => !a.public && a.kind === "dashboard");
    await openAsset("research", asset.id);
    await result("ok", throughDiff("[data-testid=public-toggle]"));
    assert.equal(await page.textContent("[data-testid=public]"), "yes: every member of the workspace sees it (A4)");
    const to = research.members.find((m) => m.roles.includes("developer") && m.user !== asset.owner).user;
    await page.selectOption("[data-testid=transfer-form] select[name=to]", to);
    await result("ok", throughDiff("[data-testid=transfer-form] button[type=submit]"));
    assert.equal(await page.textContent("[data-testid=owner]"), to);
    const after = (await get("ada", `/assets/${enc(asset.id)}`));
    assert.equal(after.owner, to);
    assert.equal(after.public, true);
  });

  await test("group and member removals show the API's access diff first; a refused diff sends nothing (P2, O8, O3, X2)", async () => {
    await signInAs("ada");
    await page.evaluate(() => (location.hash = "#/org"));
    await page.waitForSelector("[data-testid=org-page]");
    const diffRows = (kind) => page.$$eval(`[data-testid=diff-${kind}] tbody tr`, (trs) => trs.map((tr) => ({ user: tr.dataset.user, asset: tr.dataset.asset, operation: tr.dataset.operation })));
    const expectDiff = async (user, command) => {
      const expected = await api.request(user, "POST", `/v1/orgs/${enc(org)}/access-diff?min_version=${version}`, command);
      await page.waitForSelector("[data-testid=diff]");
      assert.deepEqual(await diffRows("gains"), expected.gains, `${command.type}: gains as the API lists them`);
      assert.deepEqual(await diffRows("loses"), expected.loses, `${command.type}: losses as the API lists them`);
      return expected;
    };
    // Out of a group: zoe (added to analysts above) loses what the group's grants gave her.
    await page.selectOption("[data-testid=group-member-form] select[name=group]", "analysts");
    await page.selectOption("[data-testid=group-member-form] select[name=user]", "zoe");
    await page.click("[data-testid=remove-from-group]");
    await expectDiff("ada", { type: "remove_group_member", group: "analysts", user: "zoe" });
    await result("ok", () => page.click("[data-testid=diff-apply]"));
    assert.ok(!(await get("ada", "/snapshot")).org.groups.find((g) => g.id === "analysts").members.includes("zoe"));
    // Out of the organization: everything zoe may do goes.
    await page.selectOption("[data-testid=remove-member-form] select[name=user]", "zoe");
    await page.selectOption("[data-testid=remove-member-form] select[name=new_owner]", "ada");
    await page.click("[data-testid=remove-member-form] button[type=submit]");
    const removal = await expectDiff("ada", { type: "remove_member", user: "zoe", new_owner: "ada" });
    assert.ok(removal.loses.length > 0 && removal.loses.every((l) => l.user === "zoe"), "only zoe loses, and she loses something");
    await shot("12-remove-member-diff.png", true);
    await result("ok", () => page.click("[data-testid=diff-apply]"));
    assert.equal((await get("ada", "/snapshot")).org.members.find((m) => m.user === "zoe"), undefined, "zoe is gone");

    // An analyst's removal from a workspace: the engine refuses it on the page (disabled, with
    // its rule and reason), as the API refuses its diff; sent anyway, nothing is sent.
    await signInAs("ann");
    await openWorkspace("sales");
    const before = (await get("ada", "/snapshot")).org.version;
    assert.equal(await page.isDisabled("[data-testid=remove-vic]"), true, "ann may not remove vic");
    const title = await page.getAttribute("[data-testid=remove-vic]", "title");
    const text = await result("denied", () => page.$eval("[data-testid=remove-vic]", (b) => { b.disabled = false; b.click(); }));
    let refusal;
    try {
      await api.request("ann", "POST", `/v1/orgs/${enc(org)}/access-diff?min_version=${version}`, { type: "remove_workspace_member", workspace: "sales", user: "vic" });
      assert.fail("the API answered an analyst's diff");
    } catch (err) {
      refusal = err;
    }
    assert.ok(text.includes(refusal.rule) && text.includes(refusal.message), `the notice shows the API's ${refusal.rule}: ${text}`);
    assert.equal(title, `${refusal.rule}: ${refusal.message}`, "the page's reason is the API's");
    assert.equal(await page.$("[data-testid=diff]"), null, "no diff to apply");
    assert.equal((await get("ada", "/snapshot")).org.version, before, "nothing sent");
  });

  await test("without dev users the page asks for a token: a bad one is refused, a good one signs in", async () => {
    devUsers = null;
    await page.click("[data-testid=signout]");
    await page.reload();
    await page.waitForSelector("[data-testid=token-form]");
    assert.equal(await page.$("[data-testid=dev-users]"), null, "no demo users offered");
    await page.fill("[data-testid=token-form] input[name=org]", org);
    await page.fill("[data-testid=token-form] textarea[name=token]", "not-a-token");
    const text = await result("error", () => page.click("[data-testid=token-form] button[type=submit]"));
    assert.match(text, /unauthenticated/);
    await page.fill("[data-testid=token-form] textarea[name=token]", mint("pat"));
    await shot("10-token-signin.png");
    await page.click("[data-testid=token-form] button[type=submit]");
    await ready("pat");
    await page.waitForSelector("[data-testid=org-page]");
  });

  await test("a private workspace of 100,000 assets: a virtualized list, first render and filter by name (prints the times)", async () => {
    const snapshot = largeSnapshot();
    const view = adminView(snapshot);
    const part = snapshot.workspaces.find((w) => w.id === LARGE_WS);
    const large = snapshot.org.id;
    // The org admin's view, as GET /snapshot answers it (tests/www/large.mjs says why not from
    // the worker); everything else of this organization is not served.
    // Views that page (issue 13): an org admin's first view is the org part with the current
    // (personal) workspace's part; the large workspace comes as its own view when opened.
    const personal = `personal:${LARGE_ADMIN}`;
    const mine = snapshot.workspaces.filter((p) => p.id === personal);
    const firstView = JSON.stringify({ ...(mine.length ? { current: personal } : {}), view: { ...snapshot, view_of: LARGE_ADMIN, workspaces: mine } });
    const piece = JSON.stringify({ ...snapshot, view_of: LARGE_ADMIN, workspaces: [part] });
    const served = {
      [`/v1/orgs/${large}/snapshot`]: view,
      [`/v1/orgs/${large}/views/first`]: firstView,
      [`/v1/orgs/${encodeURIComponent(large)}/views/workspaces/${encodeURIComponent(LARGE_WS)}`]: piece,
      [`/v1/orgs/${large}/views/workspaces/${LARGE_WS}`]: piece,
    };
    await context.route(`**/v1/orgs/${large}/**`, (route) => {
      const body = served[new URL(route.request().url()).pathname];
      return body
        ? route.fulfill({ status: 200, contentType: "application/json", body })
        : route.fulfill({ status: 404, contentType: "application/json", body: '{"error":{"code":"not_found","message":"not served by this test"}}' });
    });
    devUsers = { org: large, users: [{ user: LARGE_ADMIN, role: "org admin", note: "100,000 assets", token: mint(LARGE_ADMIN, { ttl: 3600 }) }] };
    await page.click("[data-testid=signout]");
    await page.reload();
    await page.waitForSelector(`[data-testid=signin-${LARGE_ADMIN}]`);
    // Sign-in: GET /views/first (${(firstView.length / 1e6).toFixed(1)} MB) and Engine.fromSnapshot, then the org page.
    const t0 = Date.now();
    await page.click(`[data-testid=signin-${LARGE_ADMIN}]`);
    await page.waitForFunction((u) => document.body.dataset.ready?.startsWith(`${u}@`), LARGE_ADMIN, { timeout: 180_000 });
    const signIn = Date.now() - t0;
    // First render of the workspace page, timed in the page until the frame after it.
    const first = await page.evaluate((ws) => new Promise((done) => {
      const start = performance.now();
      window.addEventListener("hashchange", () => requestAnimationFrame(() => setTimeout(() => done(performance.now() - start), 0)), { once: true });
      location.hash = `#/ws/${encodeURIComponent(ws)}`;
    }), LARGE_WS);
    await page.waitForSelector("[data-testid=tree][data-rows]");
    assert.equal(Number(await page.getAttribute("[data-testid=tree]", "data-assets")), part.assets.length, "every asset, for the admin");
    const drawn = await page.$$eval("[data-testid=tree] li", (els) => els.length);
    assert.ok(drawn > 0 && drawn < 200, `only the rows in view are in the DOM (${drawn})`);
    // The top level holds the 100 folders, then the assets outside folders.
    const firstRows = await page.$$eval("[data-testid=tree] li", (els) => els.slice(0, 3).map((e) => e.dataset.folder ?? e.dataset.asset));
    assert.deepEqual(firstRows, ["f000", "f000-1", "f000-2"].slice(0, firstRows.length));
    // Filter by name, timed the same way.
    const query = "dashboard 4242";
    const filter = await page.evaluate((q) => new Promise((done) => {
      const input = document.querySelector("[data-testid=search]");
      const start = performance.now();
      input.value = q;
      input.dispatchEvent(new Event("input", { bubbles: true }));
      requestAnimationFrame(() => setTimeout(() => done(performance.now() - start), 0));
    }), query);
    const matching = part.assets.filter((a) => a.name.toLowerCase().includes(query) || a.id.includes(query)).map((a) => a.id);
    assert.ok(matching.length > 0);
    const rows = await treeRows();
    assert.deepEqual(sorted(rows.assets.map((a) => a.id)), sorted(matching), `the assets whose name holds "${query}"`);
    // Each match sits in its folder, which the filtered tree shows above it, counting the
    // matches beneath it.
    for (const a of rows.assets) assert.equal(a.parent, part.assets.find((x) => x.id === a.id).folder ?? "");
    const counts = await page.$$eval("[data-testid=tree] li.folder", (els) => els.map((e) => [e.dataset.folder, Number(e.querySelector(".count").textContent)]));
    for (const [folder, count] of counts) {
      assert.equal(count, rows.assets.filter((a) => a.parent === folder || a.parent.startsWith(`${folder}-`)).length, `${folder} counts its matches`);
    }
    await shot("11-large.png");
    // Folding a folder hides its subfolders and assets; unfolding brings them back.
    await page.fill("[data-testid=search]", "");
    const total = Number(await page.getAttribute("[data-testid=tree]", "data-rows"));
    assert.equal(total, part.folders.length + part.assets.length, "a row per folder and asset");
    const inside = part.folders.filter((f) => f.parent === "f000").length + part.assets.filter((a) => a.folder?.startsWith("f000-")).length;
    await page.click("[data-testid=tree] li.folder[data-folder=f000] button.fold");
    assert.equal(Number(await page.getAttribute("[data-testid=tree]", "data-rows")), total - inside, "f000 folded");
    assert.equal(await page.getAttribute("[data-testid=tree] li.folder[data-folder=f000] button.fold", "aria-expanded"), "false");
    await page.click("[data-testid=tree] li.folder[data-folder=f000] button.fold");
    assert.equal(Number(await page.getAttribute("[data-testid=tree]", "data-rows")), total, "f000 unfolded");
    // Scrolling to the end draws the last rows, still only a window of them.
    const scrolled = await page.evaluate(() => {
      const box = document.querySelector("[data-testid=tree]");
      const start = performance.now();
      box.scrollTop = box.scrollHeight;
      box.dispatchEvent(new Event("scroll"));
      return { ms: performance.now() - start, last: Number(box.dataset.last), rows: Number(box.dataset.rows), drawn: box.querySelectorAll("li").length };
    });
    assert.equal(scrolled.last, scrolled.rows, "the last row is drawn");
    assert.ok(scrolled.drawn < 200);
    log(`100,000 assets (view ${(view.length / 1e6).toFixed(1)} MB), ${LARGE_ADMIN} sees all: sign-in ${signIn} ms (fetch + Engine.fromSnapshot + org page), first render of the workspace ${first.toFixed(0)} ms, filter "${query}" ${filter.toFixed(1)} ms (${matching.length} match), scroll to the end ${scrolled.ms.toFixed(1)} ms, ${drawn} rows in the DOM`);
  });

  await test("no request left the local server, and the page raised no error", async () => {
    assert.deepEqual(outside, []);
    assert.deepEqual(pageErrors, []);
  });

  await test("every change the page sent was shown as its access diff first (issue 15), the mode switch as its dry run (W9)", async () => {
    // Questions the page asks by POST are not changes.
    const question = /\/(access-diff|filter|check|preview|view-as\/[^/]+)$/;
    const changes = apiRequests.map((r, i) => [r, i]).filter(([r]) => !r.startsWith("GET ") && !question.test(r));
    assert.ok(changes.length >= 15, `only ${changes.length} changes were sent`);
    for (const [r, i] of changes) {
      const previous = apiRequests.slice(0, i).filter((p) => !p.startsWith("GET ") || p.endsWith("/mode-dry-run")).at(-1) ?? "";
      assert.match(previous, /^POST .*\/access-diff$|\/mode-dry-run$/, `${r} was sent without its access diff first (last: ${previous})`);
    }
  });
}

let code = 0;
try {
  await main();
} catch (err) {
  console.error(err.stack ?? err);
  if (worker) console.error(worker.output().slice(-3000));
  code = 1;
} finally {
  await cleanup();
}
const failed = results.filter((r) => !r.ok);
if (process.argv.includes("--update-docs") && existsSync(join(shots, "04-asset-why.png"))) {
  copyFileSync(join(shots, "04-asset-why.png"), join(root, "docs/console.png"));
  log("copied target/www-screenshots/04-asset-why.png to docs/console.png");
}
log(`${results.length - failed.length} passed, ${failed.length} failed; screenshots in target/www-screenshots/`);
process.exit(code || (failed.length ? 1 : 0));
