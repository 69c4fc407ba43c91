// Generating the SQL of one user's scope on one dataset in the npm package (`engine.sql`, D4),
// with 10 and 1,000 row rules matching the user: the same organization as the native
// benchmark (crates/orgspace-core/benches/sql.rs). Prints the median time per statement.
//
//   bash scripts/build-npm.sh && node bench/sql.mjs [runs]

import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

const root = resolve(import.meta.dirname, "..");
const { Engine } = await import(pathToFileURL(join(root, "target/npm/orgspace/node.js")).href);
const AT = 1_700_000_000_000;
const RUNS = Number(process.argv[2] ?? 2000);

function org(rules) {
  const e = new Engine();
  const run = (c) => e.execute("alice", JSON.stringify(c), AT);
  run({ type: "create_org", org: "acme", name: "Acme", default_workspace: "main", mode: "collaboration" });
  run({ type: "add_member", user: "carol", workspace: "main", workspace_roles: ["analyst"], attributes: { region: ["east"] } });
  run({
    type: "create_data_source", source: "dw", name: "Warehouse",
    tables: [{ name: "orders", columns: [
      { name: "region", type: "string" }, { name: "amount", type: "number" },
      { name: "paid", type: "boolean" }, { name: "email", type: "string" }] }],
  });
  run({ type: "grant_table", workspace: "main", source: "dw", table: "orders", rows: { in: { column: "paid", values: [true] } } });
  run({ type: "create_asset", asset: "ds", workspace: "main", kind: "dataset", name: "Orders" });
  run({ type: "set_dataset_table", asset: "ds", source: "dw", table: "orders" });
  const everyone = { all: true };
  const rowRules = [];
  for (let i = 0; i < rules; i++) {
    if (i % 3 === 0) rowRules.push({ targets: everyone, column: "region", allow: { values: [`r${i}`, `r${i + 1}`, "O'Brien"] } });
    else if (i % 3 === 1) rowRules.push({ targets: everyone, column: "amount", allow: { values: [i, "BIG", 0.5] } });
    else rowRules.push({ targets: everyone, column: "region", allow: { attribute: "region" } });
  }
  // As JSON text so that nothing passes through a JavaScript number on the way in.
  const text = JSON.stringify({ type: "set_row_rules", asset: "ds", enabled: true, rules: rowRules });
  e.execute("alice", text.replaceAll('"BIG"', "9007199254740993"), AT);
  run({ type: "set_column_rules", asset: "ds", rules: [{ targets: everyone, column: "email", action: "mask" }] });
  return e;
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

for (const rules of [10, 1000]) {
  const e = org(rules);
  for (const dialect of ["postgres", "sqlite"]) {
    const q = e.sql("carol", "ds", dialect, AT);
    const runs = rules >= 1000 ? Math.max(50, Math.floor(RUNS / 20)) : RUNS;
    for (let i = 0; i < Math.min(runs, 100); i++) e.sql("carol", "ds", dialect, AT); // warm up
    const times = [];
    for (let i = 0; i < runs; i++) {
      const t = process.hrtime.bigint();
      e.sql("carol", "ds", dialect, AT);
      times.push(Number(process.hrtime.bigint() - t) / 1000);
    }
    console.log(
      `npm engine.sql, ${rules} row rules, ${dialect}: median ${median(times).toFixed(1)} us ` +
        `(${runs} runs; ${q.sql.length} bytes of SQL, ${q.params.length} parameters)`,
    );
  }
  e.free();
}
