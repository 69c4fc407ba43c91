// Mints HS256 tokens for local development and tests with the dev secret from .dev.vars
// (generated on first use by scripts/lib/dev-vars.mjs). The worker never mints tokens;
// production has no dev secret. `provision: true` adds the scope that makes the user a
// provisioner, who may create, upgrade and import organizations (docs/api.md, "Provisioning").
import { createHmac } from "node:crypto";
import { fileURLToPath } from "node:url";
import { devSecret } from "../../scripts/lib/dev-vars.mjs";

export { devSecret };
export const PROVISION_SCOPE = "orgspace:provision";

const b64 = (value) => Buffer.from(typeof value === "string" ? value : JSON.stringify(value)).toString("base64url");

/** Signs `claims` (merged over defaults) with HS256, or with `alg` in the header as given. */
export function mint(sub, { secret = devSecret(), ttl = 3600, claims = {}, header = {}, provision = false } = {}) {
  const now = Math.floor(Date.now() / 1000);
  const head = { alg: "HS256", typ: "JWT", ...header };
  const scope = provision ? { scope: PROVISION_SCOPE } : {};
  const body = { sub, iss: "orgspace", aud: "orgspace-api", iat: now, exp: now + ttl, ...scope, ...claims };
  const signing = `${b64(head)}.${b64(body)}`;
  const signature = createHmac("sha256", secret).update(signing).digest("base64url");
  return `${signing}.${signature}`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const user = process.argv[2];
  if (!user) {
    console.error("usage: node tests/worker/tokens.mjs <user-id> [--provision]");
    process.exit(1);
  }
  console.log(mint(user, { provision: process.argv.includes("--provision") }));
}
