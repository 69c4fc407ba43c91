// A `wrangler dev` per test file, stopped on every path (after the tests, on an uncaught error,
// on SIGINT/SIGTERM/SIGHUP, and with SIGKILL to its process group at exit), with a persist folder
// under run.mjs's scratch folder when it runs us. Registers node:test's before/after hooks.

import { before, after } from "node:test";
import { appendFileSync, mkdtempSync, rmSync } from "node:fs";
import { request } from "node:http";
import { startWorker } from "./dev.mjs";

/** Starts a worker for this file; answers `{ base() }`. `options` go to startWorker. */
export function useWorker(name, options) {
  const persistTo = mkdtempSync(process.env.ORGSPACE_TEST_SCRATCH ? `${process.env.ORGSPACE_TEST_SCRATCH}/${name}-` : `/tmp/orgspace-tests-${name}-`);
  let worker = null;
  const stop = async () => {
    const w = worker;
    worker = null;
    if (w) await w.stop();
  };
  process.on("exit", () => {
    if (worker?.child?.pid && worker.child.exitCode === null) {
      try {
        process.kill(-worker.child.pid, "SIGKILL");
      } catch {}
    }
    try {
      rmSync(persistTo, { recursive: true, force: true });
    } catch {}
  });
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) {
    process.once(signal, () => {
      stop().finally(() => process.exit(128 + ({ SIGHUP: 1, SIGINT: 2, SIGTERM: 15 })[signal]));
    });
  }
  before(async () => {
    worker = await startWorker({ ...options, persistTo });
    if (process.env.ORGSPACE_TEST_PIDFILE) appendFileSync(process.env.ORGSPACE_TEST_PIDFILE, `${worker.child.pid}\n`);
  }, { timeout: 180_000 });
  after(stop);
  return { base: () => worker.base };
}

/** Sends a request; answers `{status, text, json, headers}`. */
export async function send(base, method, path, { token, body, headers = {} } = {}) {
  const h = { ...headers };
  if (token) h.authorization = `Bearer ${token}`;
  if (body !== undefined) h["content-type"] = "application/json";
  const response = await fetch(base + path, {
    method,
    headers: h,
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await response.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {}
  return { status: response.status, text, json, headers: response.headers };
}

/** A GET with a `Host` header of our choosing (fetch does not let one set it). */
export function getWithHost(base, path, host, token) {
  const url = new URL(base + path);
  return new Promise((resolve, reject) => {
    const req = request(
      { host: url.hostname, port: url.port, path: url.pathname + url.search, method: "GET", headers: { host, authorization: `Bearer ${token}` } },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (c) => (text += c));
        res.on("end", () => resolve({ status: res.statusCode, text }));
      },
    );
    req.on("error", reject);
    req.end();
  });
}
