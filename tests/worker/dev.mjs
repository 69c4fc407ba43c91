// Starts `wrangler dev` (workerd, local KV and Durable Objects) on 127.0.0.1 with a persist
// folder, waits until it answers, and stops it. Used by the worker tests, the benchmark and
// scripts/run.sh.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { ensureDevVars } from "../../scripts/lib/dev-vars.mjs";

const root = fileURLToPath(new URL("../../", import.meta.url));

// ORGSPACE_PORT_OFFSET moves every port (and the inspector's) so that several checkouts on one
// machine can run their tests at once.
// `assets` serves another folder than wrangler.toml's www/dist (the demo's copy with its dev
// tokens); `vars` adds `--var NAME:VALUE` pairs.
export async function startWorker({ port = 8787, persistTo, log = false, assets, vars = {} } = {}) {
  ensureDevVars();
  port += Number(process.env.ORGSPACE_PORT_OFFSET ?? 0);
  const inspector = 19229 + Number(process.env.ORGSPACE_PORT_OFFSET ?? 0) + (port % 100);
  const args = ["wrangler", "dev", "--ip", "127.0.0.1", "--port", String(port), "--persist-to", persistTo,
    "--inspector-port", String(inspector),
    "--show-interactive-dev-session=false", "--log-level", log ? "info" : "warn",
    ...(assets ? ["--assets", assets] : []),
    ...Object.entries(vars).flatMap(([k, v]) => ["--var", `${k}:${v}`])];
  const child = spawn("npx", args, {
    cwd: root,
    env: { ...process.env, WRANGLER_SEND_METRICS: "false", CI: "1", NO_COLOR: "1" },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let output = "";
  const collect = (chunk) => {
    output += chunk;
    if (log) process.stderr.write(chunk);
  };
  child.stdout.on("data", collect);
  child.stderr.on("data", collect);
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited:\n${output}`);
    try {
      const r = await fetch(`${base}/v1/health`);
      if (r.ok) break;
      // A misconfigured worker is up too: it answers 500 `misconfigured`, which its tests check.
      if (r.status === 500 && /misconfigured/.test(await r.text())) break;
    } catch {}
    await new Promise((r) => setTimeout(r, 250));
  }
  if (Date.now() >= deadline) {
    stop(child);
    throw new Error(`wrangler dev did not answer within 120 s:\n${output}`);
  }
  return { base, child, output: () => output, stop: () => stop(child) };
}

function stop(child) {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once("exit", () => resolve());
    try {
      process.kill(-child.pid, "SIGTERM");
    } catch {
      resolve();
    }
    setTimeout(() => {
      try {
        process.kill(-child.pid, "SIGKILL");
      } catch {}
    }, 5000).unref();
  });
}
