// Writes dev-users.json: a dev token per demo user, for the console's sign-in page. Local runs
// only: the tokens are signed with the dev secret of .dev.vars (tests/worker/tokens.mjs), and the
// file is written into the demo's own copy of the console (target/run/www, served by the local
// `wrangler dev` only), never into www/dist, which `wrangler deploy` uploads: a run killed
// before it cleans up leaves nothing deployable behind. www/dist/.assetsignore lists the name
// too, so a file put there by hand is never uploaded either. The secret never leaves Node.
//
//   node scripts/demo/dev-users.mjs [--org acme] [--ttl seconds]

import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { mint } from "../../tests/worker/tokens.mjs";
import { DEMO_ORG, DEMO_USERS } from "./load.mjs";

const root = fileURLToPath(new URL("../../", import.meta.url));
/** The demo's copy of the console, served by scripts/demo/serve.mjs instead of www/dist. */
export const DEMO_ASSETS = `${root}target/run/www`;
export const DEV_USERS_FILE = `${DEMO_ASSETS}/dev-users.json`;

/** The file's contents: the organization and each demo user with a fresh token. */
export function devUsersDoc({ org = DEMO_ORG, ttl = 12 * 3600, users = DEMO_USERS } = {}) {
  return { org, users: users.map((u) => ({ ...u, token: mint(u.user, { ttl }) })) };
}

/** Mints the tokens and writes the file; answers its contents. */
export function writeDevUsers({ file = DEV_USERS_FILE, ...options } = {}) {
  const doc = devUsersDoc(options);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(doc, null, 2)}\n`);
  return doc;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const arg = (name, fallback) => {
    const i = process.argv.indexOf(name);
    return i >= 0 ? process.argv[i + 1] : fallback;
  };
  writeDevUsers({ org: arg("--org", DEMO_ORG), ttl: Number(arg("--ttl", 12 * 3600)) });
  console.log(`wrote ${DEV_USERS_FILE}`);
}
