// Mints HS256 tokens for local development and tests with the dev secret from .dev.vars.
// The worker never mints tokens; production has no dev secret.
import { createHmac } from "node:crypto";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../", import.meta.url));

/** The dev secret from .dev.vars. */
export function devSecret() {
  const text = readFileSync(`${root}.dev.vars`, "utf8");
  const match = text.match(/^JWT_HS256_SECRET="?([^"\n]+)"?/m);
  if (!match) throw new Error(".dev.vars has no JWT_HS256_SECRET");
  return match[1];
}

const b64 = (value) => Buffer.from(typeof value === "string" ? value : JSON.stringify(value)).toString("base64url");

/** Signs `claims` (merged over defaults) with HS256, or with `alg` in the header as given. */
export function mint(sub, { secret = devSecret(), ttl = 3600, claims = {}, header = {} } = {}) {
  const now = Math.floor(Date.now() / 1000);
  const head = { alg: "HS256", typ: "JWT", ...header };
  const body = { sub, iss: "orgspace", aud: "orgspace-api", iat: now, exp: now + ttl, ...claims };
  const signing = `${b64(head)}.${b64(body)}`;
  const signature = createHmac("sha256", secret).update(signing).digest("base64url");
  return `${signing}.${signature}`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const user = process.argv[2];
  if (!user) {
    console.error("usage: node tests/worker/tokens.mjs <user-id>");
    process.exit(1);
  }
  console.log(mint(user));
}
