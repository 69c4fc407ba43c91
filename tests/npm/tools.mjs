// The npm package in every build tool and runtime its README has a section for (issue 17), as
// a new user meets it: for each tool a fresh project (in work/ of the tools' folder) that
// depends on the packed tarball (`npm pack` of the built package, installed into that folder),
// built with the tool's default configuration plus only what the README's section says; the
// page then runs in headless Chromium (or the program in Node, Deno or Bun) and must print
// the answer of tools/scenario.js ("q3 W7 R4") with no error, failed request or warning.
//
// The tools are pinned in tests/npm/tools/package-lock.json and installed with `npm ci` into a
// folder named by the lock file's hash, outside the checkout (~/.cache/orgspace/npm-tools/,
// or $ORGSPACE_TOOLS_CACHE), so a fresh clone with the same lock file reuses them; other
// hashes' folders are removed. Only the tools are kept: the package, the projects and their
// build output and caches are made anew on every run. Builds run one after another; each
// case's time is printed.
//
//   node tests/npm/tools.mjs [case ...]     (needs `bash scripts/build-npm.sh` first)

import { execFileSync, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { createServer as netServer } from "node:net";
import { homedir } from "node:os";
import { extname, join, resolve } from "node:path";
import { chromium } from "playwright-core";

const root = resolve(import.meta.dirname, "../..");
const src = join(root, "tests/npm/tools");
const lock = createHash("sha256").update(readFileSync(join(src, "package-lock.json"))).digest("hex");
const cache = resolve(process.env.ORGSPACE_TOOLS_CACHE ?? join(homedir(), ".cache/orgspace/npm-tools"));
const tools = join(cache, lock.slice(0, 16));
const nm = join(tools, "node_modules");
const work = join(tools, "work");
const pkg = resolve(process.env.ORGSPACE_NPM ?? join(root, "target/npm/orgspace"));
const expected = "q3 W7 R4";
const scenario = readFileSync(join(src, "scenario.js"), "utf8");
const node = process.execPath;

// ---- One run at a time on a machine: checkouts share the tools' folder. A lock folder holds
// the owner's pid; a dead owner's lock is taken over.
async function lockTools() {
  const lockDir = `${cache}.lock`;
  mkdirSync(cache, { recursive: true });
  for (;;) {
    try {
      mkdirSync(lockDir);
      writeFileSync(join(lockDir, "pid"), String(process.pid));
      process.on("exit", () => rmSync(lockDir, { recursive: true, force: true }));
      return;
    } catch (e) {
      if (e.code !== "EEXIST") throw e;
    }
    let owner = 0;
    try {
      owner = Number(readFileSync(join(lockDir, "pid"), "utf8"));
      process.kill(owner, 0);
    } catch (e) {
      // No pid yet (being written) or a dead owner.
      if (owner && e.code === "ESRCH") rmSync(lockDir, { recursive: true, force: true });
    }
    await new Promise((r) => setTimeout(r, 2000));
  }
}

// ---- The tools, installed once per lock file.
function installTools() {
  const stamp = join(nm, ".orgspace-lock-sha256");
  if (existsSync(stamp) && readFileSync(stamp, "utf8") === lock) return `reused ${tools}`;
  const started = Date.now();
  for (const old of readdirSync(cache)) rmSync(join(cache, old), { recursive: true, force: true });
  mkdirSync(tools, { recursive: true });
  for (const f of ["package.json", "package-lock.json"]) cpSync(join(src, f), join(tools, f));
  // No install scripts (native addons would build from source): every tool here ships its
  // binaries as packages. Bun's only links its platform package's binary into place.
  execFileSync("npm", ["ci", "--ignore-scripts", "--no-audit", "--no-fund"], { cwd: tools, stdio: "inherit" });
  execFileSync(node, ["install.js"], { cwd: join(nm, "bun"), stdio: "inherit" });
  writeFileSync(stamp, lock);
  return `npm ci into ${tools} in ${((Date.now() - started) / 1000).toFixed(0)} s`;
}

// ---- The package, packed and installed as a dependency of the tools' folder.
function installPackage() {
  // No build output or build cache of an earlier run (Parcel keeps its cache at the root).
  for (const dir of [work, join(tools, ".parcel-cache")]) rmSync(dir, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  // The projects share the tools' node_modules one folder up, as in a monorepo; this marks the
  // tools' folder as the workspace root Vite's dev server may serve files from (server.fs.allow).
  writeFileSync(join(tools, "pnpm-workspace.yaml"), "# written by tests/npm/tools.mjs: Vite's workspace root marker\npackages: [work/*]\n");
  rmSync(join(nm, "orgspace"), { recursive: true, force: true });
  const tarball = execFileSync("npm", ["pack", "--silent", "--pack-destination", work, pkg], { encoding: "utf8" }).trim().split("\n").pop();
  execFileSync("npm", ["install", "--no-save", "--offline", "--ignore-scripts", "--no-audit", "--no-fund", join(work, tarball)], { cwd: tools, stdio: "inherit" });
  return tarball;
}

// ---- Processes: output kept for the failure message, a whole process group ended on stop.
function sh(cmd, args, cwd, env = {}) {
  return new Promise((ok, fail) => {
    const child = spawn(cmd, args, { cwd, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    child.on("error", fail);
    child.on("close", (code) => (code === 0 ? ok(out) : fail(new Error(`${cmd} ${args.join(" ")} exited ${code}:\n${out.slice(-4000)}`))));
  });
}

// Servers still running when this process exits, however it exits, are stopped.
const running = new Set();
process.on("exit", () => running.forEach((p) => p.stop()));
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => process.exit(130));

function daemon(cmd, args, cwd, env = {}) {
  const child = spawn(cmd, args, { cwd, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"], detached: true });
  const proc = { out: "", stop: () => {} };
  child.stdout.on("data", (d) => (proc.out += d));
  child.stderr.on("data", (d) => (proc.out += d));
  proc.stop = () => {
    running.delete(proc);
    try {
      process.kill(-child.pid, "SIGTERM");
    } catch {
      // already gone
    }
  };
  running.add(proc);
  return proc;
}

function freePort() {
  return new Promise((ok) => {
    const s = netServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => ok(port));
    });
  });
}

async function waitFor(url, proc, ms = 120_000) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    try {
      const r = await fetch(url);
      if (r.status < 500) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${url} did not answer in ${ms / 1000} s:\n${proc.out.slice(-3000)}`);
}

const types = { ".html": "text/html", ".js": "text/javascript", ".mjs": "text/javascript", ".wasm": "application/wasm", ".css": "text/css", ".json": "application/json" };

// A static server for a built page, on a free loopback port.
async function serveStatic(dir) {
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url, "http://x").pathname);
    const file = join(dir, path.endsWith("/") ? `${path}index.html` : path);
    if (!file.startsWith(dir) || !existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { "content-type": types[extname(file)] ?? "application/octet-stream" }).end(readFileSync(file));
  });
  await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
  return { url: `http://127.0.0.1:${server.address().port}/`, stop: () => server.close() };
}

// ---- The page in Chromium: it must log "orgspace: <answer>" with nothing going wrong.
let browser;
async function page(url, { text } = {}) {
  browser ??= await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"],
  });
  const context = await browser.newContext();
  const p = await context.newPage();
  const problems = [];
  let answer;
  const got = new Promise((ok) => {
    p.on("console", (m) => {
      const t = m.text();
      if (t.startsWith("orgspace: ")) {
        answer = t.slice("orgspace: ".length);
        ok();
      } else if (m.type() === "error" || m.type() === "warning") {
        problems.push(`console ${m.type()}: ${t}`);
      }
    });
  });
  p.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  p.on("requestfailed", (r) => problems.push(`request failed: ${r.url()}`));
  p.on("response", (r) => {
    if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`);
  });
  try {
    await p.goto(url);
    await Promise.race([got, new Promise((r) => setTimeout(r, 60_000))]);
    if (text !== undefined) {
      const body = await p.textContent("body");
      if (!body.includes(text)) problems.push(`the page does not show "${text}": ${body.slice(0, 300)}`);
    }
  } finally {
    await context.close();
  }
  if (answer === undefined) problems.push("the page never logged its answer");
  else if (answer !== expected) problems.push(`answer "${answer}", expected "${expected}"`);
  if (problems.length) throw new Error(problems.join("\n"));
}

// The answer a program printed.
function printed(out) {
  const line = out.split("\n").find((l) => l.startsWith("orgspace: "));
  if (line !== `orgspace: ${expected}`) throw new Error(`expected "orgspace: ${expected}", got:\n${out.slice(-3000)}`);
  if (/warn|error/i.test(out.replace(line, ""))) throw new Error(`unexpected output:\n${out.slice(-3000)}`);
}

// ---- Fresh projects.
function project(name, files) {
  const dir = join(work, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "scenario.js"), scenario);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, ".."), { recursive: true });
    writeFileSync(join(dir, path), text.replace(/^\n/, ""));
  }
  return dir;
}

const esm = { "package.json": `{ "name": "app", "private": true, "type": "module" }\n` };
const html = (src, type = "module") => `<!doctype html>\n<html><head><meta charset="utf-8"><title>app</title><link rel="icon" href="data:,"></head><body><script type="${type}" src="${src}"></script></body></html>\n`;
// The README's zero-setup code.
const zeroSetup = `
import * as orgspace from "orgspace";
import { scenario } from "./scenario.js";
console.log("orgspace: " + scenario(orgspace));
`;
// The README's explicit start (orgspace/web), with the module's URL from the bundler.
const explicit = `
import * as orgspace from "orgspace/web";
import { scenario } from "./scenario.js";
orgspace.init().then(() => console.log("orgspace: " + scenario(orgspace)));
`;

const bin = {
  vite8: join(nm, "vite/bin/vite.js"),
  vite7: join(nm, "vite7/bin/vite.js"),
  vite6: join(nm, "vite6/bin/vite.js"),
  esbuild: join(nm, "esbuild/bin/esbuild"),
  parcel: join(nm, "parcel/lib/bin.js"),
  next: join(nm, "next/dist/bin/next"),
  jest: join(nm, "jest/bin/jest.js"),
  vitest: join(nm, "vitest/vitest.mjs"),
  tsc: join(nm, "typescript/bin/tsc"),
  deno: join(nm, "deno/bin.cjs"),
  bun: join(nm, "bun/bin/bun.exe"),
  node20_0: join(nm, "node-20.0/bin/node"),
};

async function staticPage(dir, out, opts) {
  const server = await serveStatic(join(dir, out));
  try {
    await page(server.url, opts);
  } finally {
    server.stop();
  }
}

async function devPage(cmd, args, dir, path = "", opts = {}) {
  const port = await freePort();
  const proc = daemon(cmd, [...args(port)], dir, opts.env);
  try {
    const url = `http://127.0.0.1:${port}/${path}`;
    await waitFor(url, proc);
    await page(url, opts);
  } catch (e) {
    e.message += `\n-- server output:\n${proc.out.slice(-3000)}`;
    throw e;
  } finally {
    proc.stop();
  }
}

const viteDev = (vite) => (port) => [vite, "--host", "127.0.0.1", "--port", String(port), "--strictPort"];
// Vite 6 and 7 before Vite 8's bundler: the README's settings (Vite 6's default target predates
// top-level await).
const vite7 = `export default { optimizeDeps: { exclude: ["orgspace"] } };\n`;
const vite6 = `export default { optimizeDeps: { exclude: ["orgspace"] }, build: { target: "es2022" } };\n`;
const viteWorker = {
  ...esm,
  "index.html": html("/main.js"),
  "main.js": `
const worker = new Worker(new URL("./worker.js", import.meta.url), { type: "module" });
worker.onmessage = (e) => console.log("orgspace: " + e.data);
worker.postMessage("go");
`,
  // The README's worker: orgspace/web, started before the first message is answered.
  "worker.js": `
import * as orgspace from "orgspace/web";
import { scenario } from "./scenario.js";
const ready = orgspace.init();
self.onmessage = async () => {
  await ready;
  self.postMessage(scenario(orgspace));
};
`,
};

const webpackBuild = (webpack, config) => `
// webpack's defaults (entry ./src/index.js, output dist/main.js) in production mode${config ? ", plus the README's setting" : ""}.
const webpack = require(${JSON.stringify(webpack)});
webpack({ mode: "production", context: __dirname${config ? `, ${config}` : ""} }, (err, stats) => {
  // Every warning fails but webpack's size hints, given for any asset over 244 KiB.
  const hints = ["AssetsOverSizeLimitWarning", "EntrypointsOverSizeLimitWarning", "NoAsyncChunksWarning"];
  const warnings = stats?.compilation.warnings.filter((w) => !hints.includes(w.name)) ?? [];
  if (err || stats.hasErrors() || warnings.length) {
    console.error(err ?? stats.toString("errors-warnings"));
    process.exit(1);
  }
});
`;

const nextApp = {
  "package.json": `{ "name": "app", "private": true }\n`,
  "app/layout.js": `
export default function Layout({ children }) {
  return <html><head><link rel="icon" href="data:," /></head><body>{children}</body></html>;
}
`,
  // A server component: runs in Node at build and request time.
  "app/page.js": `
import * as orgspace from "orgspace";
import { scenario } from "../scenario.js";
import Client from "./client.js";
export const dynamic = "force-dynamic";
export default function Page() {
  return <main><p>server: {scenario(orgspace)}</p><Client /></main>;
}
`,
  // A client component: rendered on the server, then runs in the browser.
  "app/client.js": `
"use client";
import { useEffect, useState } from "react";
import * as orgspace from "orgspace";
import { scenario } from "../scenario.js";
export default function Client() {
  const [answer, setAnswer] = useState("");
  useEffect(() => {
    const a = scenario(orgspace);
    setAnswer(a);
    console.log("orgspace: " + a);
  }, []);
  return <p>client: {answer}</p>;
}
`,
};

async function nextCase(dir, flags) {
  await sh(node, [bin.next, "build", ...flags], dir, { NEXT_TELEMETRY_DISABLED: "1" });
  await devPage(node, (port) => [bin.next, "start", "-H", "127.0.0.1", "-p", String(port)], dir, "", { text: `server: ${expected}`, env: { NEXT_TELEMETRY_DISABLED: "1" } });
}

const cjsScenario = scenario.replace("export function scenario", "function scenario") + "module.exports = { scenario };\n";
const nodeProgram = {
  ...esm,
  "main.js": `
import * as orgspace from "orgspace";
import { scenario } from "./scenario.js";
console.log("orgspace: " + scenario(orgspace));
`,
  "main.cjs": `
const orgspace = require("orgspace");
const { scenario } = require("./scenario.cjs");
console.log("orgspace: " + scenario(orgspace));
`,
  "scenario.cjs": cjsScenario,
};

// ---- The cases: one per row of the README's table.
const cases = {
  async "esbuild (iife, the default)"(name) {
    const dir = project(name, {
      ...esm,
      "index.html": html("app.js", "text/javascript"),
      "main.js": `
import * as orgspace from "orgspace/web";
import wasm from "orgspace/orgspace_bg.wasm";
import { scenario } from "./scenario.js";
orgspace.init(wasm).then(() => console.log("orgspace: " + scenario(orgspace)));
`,
    });
    await sh(node, [bin.esbuild, "main.js", "--bundle", "--outfile=dist/app.js", "--loader:.wasm=file"], dir);
    cpSync(join(dir, "index.html"), join(dir, "dist/index.html"));
    await staticPage(dir, "dist");
  },
  async "esbuild (esm)"(name) {
    const dir = project(name, {
      ...esm,
      "index.html": html("app.js"),
      "main.js": `
import * as orgspace from "orgspace/web";
import wasm from "orgspace/orgspace_bg.wasm";
import { scenario } from "./scenario.js";
await orgspace.init(wasm);
console.log("orgspace: " + scenario(orgspace));
`,
    });
    await sh(node, [bin.esbuild, "main.js", "--bundle", "--format=esm", "--outfile=dist/app.js", "--loader:.wasm=file"], dir);
    cpSync(join(dir, "index.html"), join(dir, "dist/index.html"));
    await staticPage(dir, "dist");
  },
  async "Vite 8 build"(name) {
    const dir = project(name, { ...esm, "index.html": html("/main.js"), "main.js": zeroSetup });
    await sh(node, [bin.vite8, "build"], dir);
    await staticPage(dir, "dist");
  },
  async "Vite 8 dev"(name) {
    const dir = project(name, { ...esm, "index.html": html("/main.js"), "main.js": zeroSetup });
    await devPage(node, viteDev(bin.vite8), dir);
  },
  async "Vite 8 web worker (build)"(name) {
    const dir = project(name, viteWorker);
    await sh(node, [bin.vite8, "build"], dir);
    await staticPage(dir, "dist");
  },
  async "Vite 8 web worker (dev)"(name) {
    const dir = project(name, viteWorker);
    await devPage(node, viteDev(bin.vite8), dir);
  },
  async "Vite 8 SSR build"(name) {
    const dir = project(name, { ...esm, "server.js": `export { scenario } from "./scenario.js";\nexport * as orgspace from "orgspace";\n`, "main.js": `import { scenario, orgspace } from "./dist/server.js";\nconsole.log("orgspace: " + scenario(orgspace));\n` });
    await sh(node, [bin.vite8, "build", "--ssr", "server.js"], dir);
    printed(await sh(node, ["main.js"], dir));
  },
  async "Vite 7 build"(name) {
    const dir = project(name, { ...esm, "index.html": html("/main.js"), "main.js": zeroSetup, "vite.config.js": vite7 });
    await sh(node, [bin.vite7, "build"], dir);
    await staticPage(dir, "dist");
  },
  async "Vite 7 dev"(name) {
    const dir = project(name, { ...esm, "index.html": html("/main.js"), "main.js": zeroSetup, "vite.config.js": vite7 });
    await devPage(node, viteDev(bin.vite7), dir);
  },
  async "Vite 6 build"(name) {
    const dir = project(name, { ...esm, "index.html": html("/main.js"), "main.js": zeroSetup, "vite.config.js": vite6 });
    await sh(node, [bin.vite6, "build"], dir);
    await staticPage(dir, "dist");
  },
  async "Vite 6 dev"(name) {
    const dir = project(name, { ...esm, "index.html": html("/main.js"), "main.js": zeroSetup, "vite.config.js": vite6 });
    await devPage(node, viteDev(bin.vite6), dir);
  },
  async "webpack 5.113"(name) {
    const dir = project(name, {
      "package.json": `{ "name": "app", "private": true }\n`,
      "build.cjs": webpackBuild("webpack"),
      "src/index.js": zeroSetup.replace("./scenario.js", "../scenario.js"),
    });
    await sh(node, ["build.cjs"], dir);
    writeFileSync(join(dir, "dist/index.html"), html("main.js", "text/javascript"));
    await staticPage(dir, "dist");
  },
  async "webpack 5.82"(name) {
    const dir = project(name, {
      "package.json": `{ "name": "app", "private": true }\n`,
      "build.cjs": webpackBuild("webpack-5.82", "experiments: { topLevelAwait: true }"),
      "src/index.js": zeroSetup.replace("./scenario.js", "../scenario.js"),
    });
    await sh(node, ["build.cjs"], dir);
    writeFileSync(join(dir, "dist/index.html"), html("main.js", "text/javascript"));
    await staticPage(dir, "dist");
  },
  async "Parcel 2"(name) {
    const dir = project(name, { ...esm, "index.html": html("main.js"), "main.js": zeroSetup });
    await sh(node, [bin.parcel, "build", "index.html", "--no-cache", "--no-autoinstall"], dir);
    await staticPage(dir, "dist");
  },
  async "Next.js 16 (Turbopack)"(name) {
    await nextCase(project(name, nextApp), []);
  },
  async "Next.js 16 (webpack)"(name) {
    await nextCase(project(name, nextApp), ["--webpack"]);
  },
  async "Node ESM"(name) {
    printed(await sh(node, ["main.js"], project(name, nodeProgram)));
  },
  async "Node CommonJS (require)"(name) {
    printed(await sh(node, ["main.cjs"], project(name, nodeProgram)));
  },
  async "Node 20.0 ESM and require"(name) {
    const dir = project(name, nodeProgram);
    printed(await sh(bin.node20_0, ["main.js"], dir));
    printed(await sh(bin.node20_0, ["main.cjs"], dir));
  },
  async "Deno 2 (no permissions)"(name) {
    const dir = project(name, nodeProgram);
    printed(await sh(node, [bin.deno, "run", "--no-prompt", "--no-lock", "main.js"], dir, { DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1" }));
  },
  async "Bun"(name) {
    const dir = project(name, nodeProgram);
    printed(await sh(bin.bun, ["main.js"], dir));
    printed(await sh(bin.bun, ["main.cjs"], dir));
  },
  async "Jest 30 (CommonJS)"(name) {
    const dir = project(name, {
      "package.json": `{ "name": "app", "private": true }\n`,
      "scenario.cjs": cjsScenario,
      "orgspace.test.js": `
const orgspace = require("orgspace");
const { scenario } = require("./scenario.cjs");
test("decisions", () => {
  expect(scenario(orgspace)).toBe(${JSON.stringify(expected)});
});
`,
    });
    await sh(node, [bin.jest, "--ci", "--rootDir", dir], dir);
  },
  async "Vitest"(name) {
    const dir = project(name, {
      ...esm,
      "orgspace.test.js": `
import { expect, test } from "vitest";
import * as orgspace from "orgspace";
import { scenario } from "./scenario.js";
test("decisions", () => {
  expect(scenario(orgspace)).toBe(${JSON.stringify(expected)});
});
`,
    });
    await sh(node, [bin.vitest, "run"], dir);
  },
  async "TypeScript strict, no skipLibCheck"(name) {
    const dir = join(work, name);
    cpSync(join(src, "types"), dir, { recursive: true });
    for (const config of ["tsconfig.node.json", "tsconfig.cjs.json", "tsconfig.bundler.json", "tsconfig.disposable.json"]) {
      await sh(node, [bin.tsc, "-p", config], dir);
    }
  },
};

// ---- Run them in order and print a table.
const only = process.argv.slice(2);
const chosen = Object.keys(cases).filter((n) => only.length === 0 || only.some((o) => n.toLowerCase().includes(o.toLowerCase())));
if (!existsSync(join(pkg, "package.json"))) {
  console.error(`${pkg} is missing: bash scripts/build-npm.sh first`);
  process.exit(1);
}
const started = Date.now();
await lockTools();
console.log(`tools: ${installTools()}`);
console.log(`package: ${installPackage()} installed into ${tools}`);
const results = [];
for (const name of chosen) {
  const t = Date.now();
  const dirName = name.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "");
  try {
    await cases[name](dirName);
    results.push([name, "ok", Date.now() - t]);
    console.log(`ok    ${name} (${((Date.now() - t) / 1000).toFixed(1)} s)`);
  } catch (e) {
    results.push([name, "FAILED", Date.now() - t]);
    console.log(`FAIL  ${name} (${((Date.now() - t) / 1000).toFixed(1)} s)\n${e.message}\n`);
  }
}
await browser?.close();
console.log("\n| tool | result | seconds |\n|---|---|---|");
for (const [name, result, ms] of results) console.log(`| ${name} | ${result} | ${(ms / 1000).toFixed(1)} |`);
const failed = results.filter((r) => r[1] !== "ok").length;
console.log(`\ntools: all cases in ${((Date.now() - started) / 1000).toFixed(0)} s`);
console.log(`${results.length - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
