// Serves orgspace locally: wrangler dev (the API and the console) on 127.0.0.1, a fresh demo
// organization loaded through the API, dev tokens for its users in dev-users.json next to a copy
// of the console in target/run/www (never in www/dist, which a deployment uploads).
// Prints the URL and the users, then runs until Ctrl-C (or SIGTERM), which stops wrangler's
// whole process group and removes the dev tokens. scripts/run.sh builds everything first.
//
//   node scripts/demo/serve.mjs [--port 8787]
//
// State lives in target/run/state and starts empty on every run.

import { cpSync, existsSync, mkdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { startWorker } from "../../tests/worker/dev.mjs";
import { DEMO_ASSETS, DEV_USERS_FILE, writeDevUsers } from "./dev-users.mjs";
import { DEMO_ORG, DEMO_USERS, loadDemo } from "./load.mjs";

const root = fileURLToPath(new URL("../../", import.meta.url));
const portAt = process.argv.indexOf("--port");
const port = Number(portAt >= 0 ? process.argv[portAt + 1] : process.env.ORGSPACE_PORT ?? 8787);
const persistTo = `${root}target/run/state`;

if (!existsSync(`${root}www/dist/app.js`)) {
  console.error("The console is not built: node www/build.mjs (scripts/run.sh does it)");
  process.exit(1);
}
try {
  await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(1000) });
  console.error(`Something already answers on 127.0.0.1:${port}; stop it or pass --port.`);
  process.exit(1);
} catch {
  // Free.
}

let worker = null;
let stopping = false;
let interrupted = false;

async function stop(code) {
  if (stopping) return;
  stopping = true;
  rmSync(DEV_USERS_FILE, { force: true });
  if (worker) {
    console.log("\nStopping wrangler dev…");
    await worker.stop();
  }
  process.exit(code);
}

for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) {
  process.on(signal, () => {
    // While wrangler is still starting there is nothing to stop yet: stop once it is up.
    if (worker) void stop(0);
    else interrupted = true;
  });
}
process.on("exit", () => {
  // Last resort on an unexpected exit: wrangler runs in its own process group.
  if (worker && worker.child.exitCode === null) {
    try {
      process.kill(-worker.child.pid, "SIGKILL");
    } catch {}
  }
});

// Offline: no `Request.cf` download from workers.cloudflare.com (the worker does not use it).
process.env.CLOUDFLARE_CF_FETCH_ENABLED ??= "false";
rmSync(persistTo, { recursive: true, force: true });
mkdirSync(persistTo, { recursive: true });

/** Copies the built console into the demo's folder (its own .assetsignore lets dev-users.json through). */
let copiedAt = 0;
function copyConsole() {
  copiedAt = statSync(`${root}www/dist/app.js`).mtimeMs;
  rmSync(DEMO_ASSETS, { recursive: true, force: true });
  cpSync(`${root}www/dist`, DEMO_ASSETS, { recursive: true, filter: (p) => !p.endsWith(".assetsignore") && !p.endsWith("dev-users.json") });
  writeFileSync(`${DEMO_ASSETS}/.assetsignore`, "*.map\n");
}
copyConsole();
console.log(`Starting wrangler dev on 127.0.0.1:${port} (state in target/run/state, fresh every run)…`);
try {
  worker = await startWorker({ port, persistTo, assets: DEMO_ASSETS });
} catch (err) {
  console.error(err.message);
  process.exit(1);
}
if (interrupted) await stop(0);
worker.child.once("exit", (code) => {
  if (stopping) return;
  console.error(`wrangler dev stopped unexpectedly (exit ${code}):\n${worker.output().slice(-4000)}`);
  void stop(1);
});

try {
  console.log("Loading the demo organization through the API…");
  const result = await loadDemo(worker.base, { log: (m) => console.log(m) });
  console.log(`Loaded "${result.org}": ${result.commands} commands, ${result.assets} assets, version ${result.version}, in ${(result.ms / 1000).toFixed(1)} s.`);
  if (interrupted) await stop(0);
  writeDevUsers({ org: DEMO_ORG });
  // A rebuild of the console (node www/build.mjs) is copied over, with the tokens written again.
  setInterval(() => {
    if (stopping || !existsSync(`${root}www/dist/app.js`)) return;
    if (statSync(`${root}www/dist/app.js`).mtimeMs !== copiedAt) copyConsole();
    if (!existsSync(DEV_USERS_FILE)) writeDevUsers({ org: DEMO_ORG });
  }, 2000).unref();
} catch (err) {
  console.error(`Loading the demo failed: ${err.message}`);
  await stop(1);
}

console.log(`
orgspace is running: http://127.0.0.1:${port}/

Sign in as one of the demo users of organization "${DEMO_ORG}" (dev tokens, valid 12 hours):`);
for (const u of DEMO_USERS) console.log(`  ${u.user.padEnd(5)} ${u.role.padEnd(22)} ${u.note}`);
console.log(`
The API: http://127.0.0.1:${port}/v1/... (a token: node tests/worker/tokens.mjs <user>)
Press Ctrl-C to stop.`);
