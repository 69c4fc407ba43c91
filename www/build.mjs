// Builds the web console into www/dist, the `[assets]` directory of wrangler.toml: type-checks
// www/src with tsc, bundles it with esbuild (the npm package's web build included), and copies
// the page, its styles, its headers and the engine's WebAssembly. Offline; needs the npm package
// built first (`bash scripts/build-npm.sh`).
//
//   node www/build.mjs [--no-check]
//
// The output never holds dev-users.json: the local run (scripts/run.sh) writes it afterwards,
// so a build made for a deployment has no demo tokens.

import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { build } from "esbuild";

const www = import.meta.dirname;
const root = resolve(www, "..");
const dist = join(www, "dist");
const pkg = join(root, "target/npm/orgspace/web");
const started = Date.now();

if (!existsSync(join(pkg, "orgspace.js")) || !existsSync(join(pkg, "orgspace_bg.wasm"))) {
  console.error(`www: ${pkg} is missing; build the npm package first: bash scripts/build-npm.sh`);
  process.exit(1);
}

if (!process.argv.includes("--no-check")) {
  execFileSync(process.execPath, [join(root, "node_modules/typescript/bin/tsc"), "-p", join(www, "tsconfig.json")], { stdio: "inherit" });
}

mkdirSync(dist, { recursive: true });
for (const name of readdirSync(dist)) {
  if (name !== ".assetsignore") rmSync(join(dist, name), { recursive: true, force: true });
}

await build({
  entryPoints: [join(www, "src/main.ts")],
  outfile: join(dist, "app.js"),
  bundle: true,
  format: "esm",
  target: "es2022",
  platform: "browser",
  minify: true,
  legalComments: "none",
  // `orgspace-views`: the package's JavaScript layer (api.js), for `addWorkspaceView` (issue 13).
  alias: { orgspace: join(pkg, "orgspace.js"), "orgspace-views": join(pkg, "../api.js") },
  logLevel: "warning",
});

for (const name of ["index.html", "style.css", "_headers"]) copyFileSync(join(www, name), join(dist, name));
copyFileSync(join(pkg, "orgspace_bg.wasm"), join(dist, "orgspace_bg.wasm"));

const size = (name) => statSync(join(dist, name)).size;
console.log(`www: built www/dist in ${Date.now() - started} ms (app.js ${size("app.js")} bytes, orgspace_bg.wasm ${size("orgspace_bg.wasm")} bytes)`);
