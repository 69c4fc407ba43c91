// One command for CI: every tests/worker/*.test.mjs against `wrangler dev` (each file starts its
// own on 127.0.0.1 with a fresh persist folder under /tmp/orgspace-tests-run-*), one file at a time.
// Prints the spec report and a summary line; exits 1 if a test failed, 2 if it could not run.
//
//   node tests/worker/run.mjs [--build] [--timeout <seconds>]
//
// --build runs scripts/build-worker.sh first; without it a worker/build older than worker/src
// is refused (the tests would test old code). wrangler is stopped on every path: the test files
// stop theirs, and every process group they started (listed in a pid file) is killed here when
// the run ends, is interrupted (SIGINT, SIGTERM, SIGHUP) or times out (15 minutes by default).

import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const here = fileURLToPath(new URL(".", import.meta.url));
const root = fileURLToPath(new URL("../../", import.meta.url));
const args = process.argv.slice(2);
const timeoutSeconds = Number(args[args.indexOf("--timeout") + 1]) || 900;

function newest(dir) {
  let t = 0;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const s = statSync(p);
    // Native unit tests (`*_tests.rs`) are not in the build.
    const counts = name.endsWith(".rs") && !name.endsWith("_tests.rs");
    t = Math.max(t, s.isDirectory() ? newest(p) : counts ? s.mtimeMs : 0);
  }
  return t;
}

if (args.includes("--build")) {
  const built = spawnSync("bash", ["scripts/build-worker.sh"], { cwd: root, stdio: "inherit" });
  if (built.status !== 0) process.exit(2);
}
const wasm = join(root, "worker/build/index_bg.wasm");
if (!existsSync(wasm)) {
  console.error("worker/build is missing: run `bash scripts/build-worker.sh` (or pass --build)");
  process.exit(2);
}
const sources = Math.max(newest(join(root, "worker/src")), statSync(join(root, "worker/Cargo.toml")).mtimeMs);
if (statSync(wasm).mtimeMs < sources) {
  console.error("worker/build is older than worker/src: run `bash scripts/build-worker.sh` (or pass --build)");
  process.exit(2);
}

const files = readdirSync(here)
  .filter((f) => f.endsWith(".test.mjs"))
  .sort()
  .map((f) => join(here, f));
const scratch = mkdtempSync("/tmp/orgspace-tests-run-");
const pidfile = join(scratch, "wrangler.pids");
const tap = join(scratch, "report.tap");
const started = Date.now();

const child = spawn(
  process.execPath,
  ["--test", "--test-concurrency=1", "--test-reporter=spec", "--test-reporter-destination=stdout",
    "--test-reporter=tap", `--test-reporter-destination=${tap}`, ...files],
  { cwd: root, stdio: ["ignore", "inherit", "inherit"], detached: true,
    env: { ...process.env, ORGSPACE_TEST_PIDFILE: pidfile, ORGSPACE_TEST_SCRATCH: scratch, WRANGLER_SEND_METRICS: "false" } },
);

let interrupted = null;
function stopTests(signal) {
  try {
    process.kill(-child.pid, signal);
  } catch {}
}
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) {
  process.on(signal, () => {
    interrupted = signal;
    stopTests("SIGTERM");
    setTimeout(() => stopTests("SIGKILL"), 10_000).unref();
  });
}
const timer = setTimeout(() => {
  interrupted = `timeout after ${timeoutSeconds} s`;
  stopTests("SIGTERM");
  setTimeout(() => stopTests("SIGKILL"), 10_000).unref();
}, timeoutSeconds * 1000);

const alive = (pgid) => {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Kills every wrangler process group a test file started that is still running 3 s later. */
async function killLeftovers() {
  const pids = existsSync(pidfile) ? readFileSync(pidfile, "utf8").split(/\s+/).filter(Boolean).map(Number) : [];
  for (let i = 0; i < 30 && pids.some(alive); i += 1) await new Promise((r) => setTimeout(r, 100));
  const left = pids.filter(alive);
  for (const pgid of left) {
    try {
      process.kill(-pgid, "SIGKILL");
    } catch {}
  }
  return left.length;
}

child.on("exit", async (code, signal) => {
  clearTimeout(timer);
  const left = await killLeftovers();
  const report = existsSync(tap) ? readFileSync(tap, "utf8") : "";
  const count = (name) => Number(report.match(new RegExp(`^# ${name} (\\d+)$`, "m"))?.[1] ?? NaN);
  const [tests, pass, fail] = [count("tests"), count("pass"), count("fail")];
  rmSync(scratch, { recursive: true, force: true });
  const seconds = ((Date.now() - started) / 1000).toFixed(0);
  const how = interrupted ? ` (stopped: ${interrupted})` : signal ? ` (killed by ${signal})` : "";
  const counts = Number.isNaN(tests) ? "no report" : `${pass} passed, ${fail} failed of ${tests}`;
  console.log(`\nworker tests: ${counts} in ${seconds} s${how}` + (left ? `; killed ${left} wrangler left running` : ""));
  const ok = code === 0 && !interrupted && fail === 0 && tests > 0;
  process.exit(ok ? 0 : Number.isNaN(tests) || interrupted ? 2 : 1);
});
