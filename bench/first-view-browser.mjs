// First views loaded in Chromium (issue 13): the first views of an analyst of ws000, a
// workspace admin of ws000 and the org admin, made by the npm package's Node entry from an
// organization in parts (or one snapshot), are loaded in Debian's chromium (playwright-core)
// through the package's browser entry (`index.js`, what a page and the console import):
// `Engine.fromSnapshot` of the view's JSON text, and of the object `fetch(..).json()` gives (what
// the console passes). Printed: the first load in a fresh page (cold: the WebAssembly has not
// been tiered up yet, as for a user signing in) and the median of 7 loads after it, each engine
// freed. A local server on 127.0.0.1 only; it and the browser are stopped on every path.
//
//   node bench/first-view-browser.mjs <parts folder | snapshot.json>
//   ORGSPACE_NPM=<package dir> ...    another build of the package (main's, to compare)
import http from "node:http";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const root = fileURLToPath(new URL("../", import.meta.url));
const dir = process.argv[2];
if (!dir) {
  console.error("usage: node bench/first-view-browser.mjs <parts folder | snapshot.json>");
  process.exit(2);
}
const pkg = resolve(process.env.ORGSPACE_NPM ?? `${root}target/npm/orgspace`);
const { Engine } = createRequire(import.meta.url)(`${pkg}/index.cjs`);
const whole = statSync(dir).isFile() ? JSON.parse(readFileSync(dir, "utf8")) : null;
const engine = whole
  ? Engine.fromSnapshot(whole)
  : Engine.fromParts(readFileSync(`${dir}/org.json`), readdirSync(`${dir}/ws`).map((f) => readFileSync(`${dir}/ws/${f}`)));
const big = whole ? whole.workspaces.find((p) => p.id === "ws000") : JSON.parse(readFileSync(`${dir}/ws/ws000.json`, "utf8"));
const users = [
  ["analyst", "u00007"],
  ["workspace admin", big.members.find((m) => m.roles.includes("admin") && m.user !== "u00000")?.user],
  ["org admin", "u00000"],
];
const now = Date.now();
const views = Object.fromEntries(users.map(([, u]) => [u, JSON.stringify(engine.firstView(u, undefined, now).view)]));
engine.free();

const web = pkg;
const types = { js: "text/javascript", wasm: "application/wasm", html: "text/html" };
const server = http.createServer((req, res) => {
  const path = new URL(req.url, "http://x").pathname;
  if (path.startsWith("/view/")) {
    res.writeHead(200, { "content-type": "application/json" });
    return res.end(views[path.slice(6)]);
  }
  if (path === "/") {
    res.writeHead(200, { "content-type": "text/html" });
    return res.end("<!doctype html><title>first views</title>");
  }
  try {
    const body = readFileSync(`${web}${path}`);
    res.writeHead(200, { "content-type": types[path.split(".").pop()] ?? "application/octet-stream" });
    res.end(body);
  } catch {
    res.writeHead(404);
    res.end();
  }
});
await new Promise((r) => server.listen(0, "127.0.0.1", r));
const base = `http://127.0.0.1:${server.address().port}`;
let browser;
try {
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
  });
  for (const [who, user] of users) {
    // A fresh page per user: its first load is cold.
    const page = await browser.newPage();
    await page.goto(`${base}/`);
    const r = await page.evaluate(async ({ base, user }) => {
      const { Engine } = await import(`${base}/index.js`);
      const text = await (await fetch(`${base}/view/${user}`)).text();
      const time = (load) => {
        const t0 = performance.now();
        const e = load();
        const ms = performance.now() - t0;
        e.free();
        return ms;
      };
      const cold = time(() => Engine.fromSnapshot(text));
      const median = (load) => {
        const times = Array.from({ length: 7 }, () => time(load)).sort((a, b) => a - b);
        return times[3];
      };
      const warm = median(() => Engine.fromSnapshot(text));
      const object = median(() => Engine.fromSnapshot(JSON.parse(text)));
      const parse = median(() => ({ free() {}, v: JSON.parse(text) }));
      return { cold, warm, object, parse, bytes: text.length };
    }, { base, user });
    await page.close();
    const f = (ms) => ms.toFixed(1);
    console.log(`first view, ${who} (${user}): ${(r.bytes / 1024).toFixed(1)} KB of JSON, Engine.fromSnapshot in Chromium: first load ${f(r.cold)} ms, then ${f(r.warm)} ms (median of 7); from the object fetch().json() gives ${f(r.object)} ms with ${f(r.parse)} ms of JSON.parse (median of 7)`);
  }
} finally {
  await browser?.close();
  server.close();
}
