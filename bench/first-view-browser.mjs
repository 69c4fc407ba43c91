// First views loaded in Chromium (issue 13): the first views of an analyst of ws000, a
// workspace admin of ws000 and the org admin, made by the npm package's Node entry from an
// organization in parts (or one snapshot), are loaded by the browser module in Debian's
// chromium (playwright-core): `Engine.fromSnapshot(text)`, median of 7, each engine freed.
// A local server on 127.0.0.1 only; it and the browser are stopped on every path.
//
//   node bench/first-view-browser.mjs <parts folder | snapshot.json>
import http from "node:http";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const root = fileURLToPath(new URL("../", import.meta.url));
const dir = process.argv[2];
if (!dir) {
  console.error("usage: node bench/first-view-browser.mjs <parts folder | snapshot.json>");
  process.exit(2);
}
const { Engine } = createRequire(import.meta.url)(`${root}target/npm/orgspace/index.cjs`);
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

const web = `${root}target/npm/orgspace/web`;
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
  const page = await browser.newPage();
  await page.goto(`${base}/`);
  for (const [who, user] of users) {
    const r = await page.evaluate(async ({ base, user }) => {
      const m = await import(`${base}/orgspace.js`);
      await m.default({ module_or_path: `${base}/orgspace_bg.wasm` });
      const text = await (await fetch(`${base}/view/${user}`)).text();
      const times = [];
      for (let i = 0; i < 7; i++) {
        const t0 = performance.now();
        const e = m.Engine.fromSnapshot(text);
        times.push(performance.now() - t0);
        e.free();
      }
      times.sort((a, b) => a - b);
      return { ms: times[3], bytes: text.length };
    }, { base, user });
    console.log(`first view, ${who} (${user}): ${(r.bytes / 1024).toFixed(1)} KB of JSON, Engine.fromSnapshot in Chromium ${r.ms.toFixed(1)} ms (median of 7)`);
  }
} finally {
  await browser?.close();
  server.close();
}
