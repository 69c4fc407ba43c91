// Edge trust (issue 14, finding 7): a worker configured with an HS256 secret shorter than 32
// bytes refuses to answer at all (500 `internal`, "misconfigured"), rather than accept tokens
// anyone could brute-force. Its own `wrangler dev`, with the secret given as a var.

import { test } from "node:test";
import assert from "node:assert/strict";
import { send, useWorker } from "./harness.mjs";
import { mint } from "./tokens.mjs";

const SHORT = "only-31-bytes-of-hs256-secret!!";
const w = useWorker("trust-config", { port: 8797, vars: { JWT_HS256_SECRET: SHORT } });

test("finding 7: an HS256 secret shorter than 32 bytes is refused", async () => {
  assert.equal(Buffer.byteLength(SHORT), 31);
  const token = mint("ada", { secret: SHORT, provision: true });
  const r = await send(w.base(), "PUT", "/v1/orgs/short", { token, body: { name: "Short", default_workspace: "main" } });
  assert.equal(r.status, 500, r.text);
  assert.equal(r.json.error.code, "internal");
  assert.match(r.json.error.message, /misconfigured: JWT_HS256_SECRET is 31 bytes; HS256 needs at least 32/);
  assert.equal(r.headers.get("cache-control"), "no-store");
});
