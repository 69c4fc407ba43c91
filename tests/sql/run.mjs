// Runs the cases of `sql_cases` (one JSON object per line) on PostgreSQL, DuckDB and SQLite:
// loads each case's rows into a table, runs every generated statement with its parameters, and
// compares the rows and columns with what DataScope::apply returned (D4; A8 through a
// dashboard). Usage: PGPORT=... node tests/sql/run.mjs cases.jsonl (tests/sql/run.sh does all).
import fs from "node:fs";
import readline from "node:readline";
import pg from "pg";
import Database from "better-sqlite3";
import { DuckDBInstance, DuckDBDecimalValue } from "@duckdb/node-api";

/** The column types the generated SQL expects (docs/sql.md). */
const TYPES = {
  postgres: { string: "TEXT", number: "NUMERIC", boolean: "BOOLEAN" },
  duckdb: { string: "VARCHAR", number: "DECIMAL(38, 18)", boolean: "BOOLEAN" },
  sqlite: { string: "TEXT", number: "NUMERIC", boolean: "INTEGER" },
};

const quote = (name) => `"${name.replaceAll('"', '""')}"`;

/** Plain decimal text with no exponent, no trailing fractional zeros, no `-0`. */
export function plain(text) {
  let s = String(text);
  let negative = false;
  if (s.startsWith("-")) {
    negative = true;
    s = s.slice(1);
  }
  let [mantissa, exp] = s.split(/[eE]/);
  exp = Number(exp ?? 0);
  const [int, frac = ""] = mantissa.split(".");
  const digits = int + frac;
  const point = int.length + exp;
  let out;
  if (point <= 0) out = "0." + "0".repeat(-point) + digits;
  else if (point >= digits.length) out = digits + "0".repeat(point - digits.length);
  else out = digits.slice(0, point) + "." + digits.slice(point);
  if (out.includes(".")) out = out.replace(/0+$/, "").replace(/\.$/, "");
  out = out.replace(/^0+(?=\d)/, "");
  if (out === "") out = "0";
  return negative && out !== "0" ? "-" + out : out;
}

/** A double as the core writes a number: integral ones as their exact integer. */
function doubleText(x) {
  if (Number.isInteger(x) && Math.abs(x) <= 2 ** 64) return BigInt(x).toString();
  return plain(String(x));
}

function numberText(v, dialect) {
  if (typeof v === "bigint") return v.toString();
  if (typeof v === "number") return doubleText(v);
  if (v instanceof DuckDBDecimalValue) {
    const negative = v.value < 0n;
    const digits = (negative ? -v.value : v.value).toString().padStart(v.scale + 1, "0");
    const text = digits.slice(0, digits.length - v.scale) + "." + digits.slice(digits.length - v.scale);
    return plain((negative ? "-" : "") + text);
  }
  if (typeof v === "string") return plain(v);
  throw new Error(`${dialect}: unexpected number cell ${v} (${typeof v})`);
}

/** A result cell as the generator encodes it: null, "s:", "n:", "b:". */
function encode(v, column, dialect) {
  if (v === null || v === undefined) return null;
  if (column.masked) return `s:${v}`;
  switch (column.type) {
    case "string":
      return `s:${v}`;
    case "number":
      return `n:${numberText(v, dialect)}`;
    case "boolean":
      return `b:${typeof v === "bigint" || typeof v === "number" ? v !== 0n && v !== 0 : v}`;
  }
  throw new Error(`unknown column type ${column.type}`);
}

/** A cell to load: numbers come as exact decimal text. */
function sqliteCell(v, type) {
  if (v === null) return null;
  if (type === "boolean") return v ? 1n : 0n;
  if (type === "number") {
    if (/^-?\d+$/.test(v)) {
      const b = BigInt(v);
      if (b >= -(2n ** 63n) && b < 2n ** 63n) return b;
    }
    return Number(v);
  }
  return v;
}

const ph = (dialect, n) => (dialect === "sqlite" ? "?" : `$${n}`);

function createSql(dialect, c) {
  const cols = c.columns.map((col) => `${quote(col.name)} ${TYPES[dialect][col.type]}`);
  return `CREATE TABLE ${quote(c.table)} (${cols.join(", ")})`;
}

function insertSql(dialect, c) {
  const values = c.columns.map((col, i) => {
    const p = ph(dialect, i + 1);
    return col.type === "number" && dialect !== "sqlite" ? `CAST(${p} AS ${TYPES[dialect].number})` : p;
  });
  return `INSERT INTO ${quote(c.table)} VALUES (${values.join(", ")})`;
}

class Postgres {
  name = "postgres";
  async open() {
    this.client = new pg.Client({ host: "127.0.0.1", port: Number(process.env.PGPORT), user: "orgspace", database: "postgres" });
    await this.client.connect();
  }
  async load(c) {
    await this.client.query(createSql(this.name, c));
    for (const row of c.rows) await this.client.query(insertSql(this.name, c), row);
  }
  async query(q) {
    const r = await this.client.query({ text: q.sql, values: q.params, rowMode: "array" });
    return r.rows;
  }
  async drop(c) {
    await this.client.query(`DROP TABLE ${quote(c.table)}`);
  }
  async close() {
    await this.client.end();
  }
}

class Duckdb {
  name = "duckdb";
  async open() {
    this.instance = await DuckDBInstance.create(":memory:");
    this.conn = await this.instance.connect();
  }
  async load(c) {
    await this.conn.run(createSql(this.name, c));
    for (const row of c.rows) await this.conn.run(insertSql(this.name, c), row);
  }
  async query(q) {
    const reader = await this.conn.runAndReadAll(q.sql, q.params);
    return reader.getRows();
  }
  async drop(c) {
    await this.conn.run(`DROP TABLE ${quote(c.table)}`);
  }
  async close() {
    this.conn.closeSync?.();
  }
}

class Sqlite {
  name = "sqlite";
  async open() {
    this.db = new Database(":memory:");
  }
  async load(c) {
    this.db.exec(createSql(this.name, c));
    const insert = this.db.prepare(insertSql(this.name, c));
    for (const row of c.rows) insert.run(...row.map((v, i) => sqliteCell(v, c.columns[i].type)));
  }
  async query(q) {
    return this.db.prepare(q.sql).safeIntegers(true).raw(true).all(...q.params);
  }
  async drop(c) {
    this.db.exec(`DROP TABLE ${quote(c.table)}`);
  }
  async close() {
    this.db.close();
  }
}

async function readmeBackend(db) {
  const pkg = new URL("../../target/npm/orgspace/node.js", import.meta.url);
  if (!fs.existsSync(pkg)) throw new Error("target/npm/orgspace is missing: run `bash scripts/build-npm.sh`");
  const { Engine } = await import(pkg.href);
  const engine = new Engine();
  const at = 1_700_000_000_000;
  for (const c of [
    { type: "create_org", org: "acme", name: "Acme", default_workspace: "main", mode: "collaboration" },
    { type: "add_member", user: "vic", workspace: "main", workspace_roles: ["visitor"], attributes: { region: ["east"] } },
    { type: "create_data_source", source: "dw", name: "Warehouse", tables: [{ name: "orders", columns: [
      { name: "region", type: "string" }, { name: "amount", type: "number" }, { name: "email", type: "string" }] }] },
    { type: "grant_table", workspace: "main", source: "dw", table: "orders" },
    { type: "create_asset", asset: "sales", workspace: "main", kind: "dataset", name: "Sales" },
    { type: "set_dataset_table", asset: "sales", source: "dw", table: "orders" },
    { type: "set_row_rules", asset: "sales", enabled: true, rules: [{ targets: { all: true }, column: "region", allow: { attribute: "region" } }] },
    { type: "set_column_rules", asset: "sales", rules: [{ targets: { all: true }, column: "email", action: "mask" }] },
    { type: "create_asset", asset: "board", workspace: "main", kind: "dashboard", name: "Board", references: ["sales"] },
  ]) engine.execute("alice", c, at);
  await db.query(`CREATE TABLE orders (region TEXT, amount NUMERIC, email TEXT)`);
  await db.query(`INSERT INTO orders VALUES ('east', 10, 'a@x'), ('west', 20, 'b@x'), ('east', 9007199254740993, 'c@x')`);

  // As in the README.
  async function datasetThroughDashboard(user, dashboard, dataset) {
    const { sql, params, columns } = engine.sqlThrough(user, dataset, dashboard, "postgres", Date.now());
    const { rows } = await db.query({ text: sql, values: params, rowMode: "array" });
    return { columns: columns.map((c) => c.name), rows };
  }

  const got = await datasetThroughDashboard("vic", "board", "sales");
  const want = { columns: ["region", "amount", "email"], rows: [["east", "10", "***"], ["east", "9007199254740993", "***"]] };
  got.rows.sort((a, b) => a[1].length - b[1].length);
  if (JSON.stringify(got) !== JSON.stringify(want)) {
    failures++;
    console.error(`README backend: want ${JSON.stringify(want)}, got ${JSON.stringify(got)}`);
  }
  let refused;
  try {
    engine.sql("vic", "sales", "postgres", Date.now());
  } catch (e) {
    refused = `${e.code} ${e.rule}`;
  }
  if (refused !== "denied R4") {
    failures++;
    console.error(`README backend: a visitor's direct SQL must be denied by R4, got ${refused}`);
  }
  await db.query("DROP TABLE orders");
  engine.free();
  console.log("README backend: a visitor's rows through a dashboard, from the npm package on PostgreSQL");
}

const file = process.argv[2];
if (!file) {
  console.error("usage: node tests/sql/run.mjs cases.jsonl");
  process.exit(2);
}
const dbs = [new Postgres(), new Duckdb(), new Sqlite()];
// Injection canary: the values and names of the cases include `'; DROP TABLE t; --` and
// quotes that would break out of a badly quoted literal or identifier; table `t` and its one
// row must survive every statement in every dialect.
for (const db of dbs) {
  await db.open();
  await db.load({ table: "t", columns: [{ name: "canary", type: "string" }], rows: [["alive"]] });
}

const started = performance.now();
let cases = 0;
const statements = { postgres: 0, duckdb: 0, sqlite: 0 };
let refused = 0;
let failures = 0;
let rowsCompared = 0;
const lines = readline.createInterface({ input: fs.createReadStream(file), crlfDelay: Infinity });
for await (const line of lines) {
  if (!line.trim()) continue;
  const c = JSON.parse(line);
  cases++;
  for (const db of dbs) {
    try {
      await db.load(c);
    } catch (e) {
      failures++;
      console.error(`case ${c.case}: loading into ${db.name} failed: ${e.message}`);
      continue;
    }
    for (const a of c.answers) {
      if (a.refused) {
        if (db.name === "postgres") refused++;
        continue;
      }
      const q = a.sql[db.name];
      const want = a.expected.map((r) => JSON.stringify(r)).sort();
      let got;
      try {
        const rows = await db.query(q);
        got = rows.map((r) => JSON.stringify(q.columns.map((col, i) => encode(r[i], col, db.name)))).sort();
      } catch (e) {
        got = [`error: ${e.message}`];
      }
      statements[db.name]++;
      rowsCompared += want.length;
      if (JSON.stringify(got) !== JSON.stringify(want)) {
        failures++;
        if (failures <= 5) {
          console.error(
            `MISMATCH case ${c.case} ${db.name} user ${a.user}${a.through ? ` through ${a.through}` : ""}\n` +
              `  sql: ${q.sql}\n  params: ${JSON.stringify(q.params)}\n` +
              `  columns: ${JSON.stringify(c.columns)}\n  rows: ${JSON.stringify(c.rows)}\n` +
              `  want (DataScope::apply): ${JSON.stringify(want)}\n  got: ${JSON.stringify(got)}`,
          );
        }
      }
    }
    await db.drop(c);
  }
}
// The README's Node backend, end to end: the npm package's statement for a visitor seen
// through a dashboard (A8 with D4), run on PostgreSQL with node-postgres.
await readmeBackend(dbs[0].client);

for (const db of dbs) {
  const rows = await db.query({ sql: 'SELECT "canary" FROM "t"', params: [], columns: [] });
  if (rows.length !== 1 || rows[0][0] !== "alive") {
    failures++;
    console.error(`${db.name}: injection canary table t changed: ${JSON.stringify(rows)}`);
  } else {
    console.log(`${db.name}: injection canary intact after every statement`);
  }
  await db.close();
}
const seconds = ((performance.now() - started) / 1000).toFixed(1);
console.log(
  `${cases} cases, statements run: postgres ${statements.postgres}, duckdb ${statements.duckdb}, ` +
    `sqlite ${statements.sqlite} (${rowsCompared} expected rows), ${refused} refused scopes, ${seconds} s`,
);
if (cases < 1) {
  console.error("no cases");
  process.exit(1);
}
if (failures > 0) {
  console.error(`${failures} mismatches`);
  process.exit(1);
}
console.log("every statement returned exactly what DataScope::apply returns");
