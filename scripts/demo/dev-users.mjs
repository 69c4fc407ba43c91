// Writes www/dist/dev-users.json: a dev token per demo user, for the console's sign-in page.
// Local runs only: the tokens are signed with the dev secret of .dev.vars (tests/worker/tokens.mjs),
// the file lives only in the build output (www/.gitignore), and `node www/build.mjs` removes it,
// so a deployment built from a clean build never holds it. The secret itself never leaves Node.
//
//   node scripts/demo/dev-users.mjs [--org acme] [--ttl seconds]

import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { mint } from "../../tests/worker/tokens.mjs";
import { DEMO_ORG, DEMO_USERS } from "./load.mjs";

const root = fileURLToPath(new URL("../../", import.meta.url));
export const DEV_USERS_FILE = `${root}www/dist/dev-users.json`;

/** The file's contents: the organization and each demo user with a fresh token. */
export function devUsersDoc({ org = DEMO_ORG, ttl = 12 * 3600, users = DEMO_USERS } = {}) {
  return { org, users: users.map((u) => ({ ...u, token: mint(u.user, { ttl }) })) };
}

/** Mints the tokens and writes the file; answers its contents. */
export function writeDevUsers({ file = DEV_USERS_FILE, ...options } = {}) {
  const doc = devUsersDoc(options);
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
