#!/usr/bin/env bash
# The SQL property test (docs/sql.md): generates random cases with the core
# (crates/orgspace-core/examples/sql_cases.rs), runs each generated statement on PostgreSQL,
# DuckDB and SQLite, and compares the rows with DataScope::apply. Installs what it needs
# (idempotent): PostgreSQL 15 from Debian, the Node drivers from npm (tests/sql/package-lock.json).
# PostgreSQL runs from a throwaway data folder on a loopback port (55400 + ORGSPACE_PORT_OFFSET),
# stopped whatever happens.
#
#   ORGSPACE_SQL_CASES  number of cases (1000 by default; raise it for long runs)
#   ORGSPACE_SQL_SEED   the generator's seed (random by default; printed, to replay a failure)
set -euo pipefail
cd "$(dirname "$0")/../.."

PGBIN=/usr/lib/postgresql/15/bin
if [ ! -x "$PGBIN/pg_ctl" ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-15
fi
if [ ! -d tests/sql/node_modules/@duckdb/node-api ] || [ ! -d tests/sql/node_modules/better-sqlite3 ] \
  || [ ! -d tests/sql/node_modules/pg ]; then
  npm ci --prefix tests/sql --no-audit --no-fund
fi

CASES=${ORGSPACE_SQL_CASES:-1000}
SEED=${ORGSPACE_SQL_SEED:-$(( (RANDOM << 15) | RANDOM ))}
PORT=$(( 55400 + ${ORGSPACE_PORT_OFFSET:-0} ))
WORK=$(mktemp -d)
chmod 755 "$WORK"
# initdb refuses root: as root, the cluster belongs to the postgres user.
AS=()
if [ "$(id -u)" = 0 ]; then AS=(runuser -u postgres --); fi
stop() {
  "${AS[@]}" "$PGBIN/pg_ctl" -D "$WORK/pg" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap stop EXIT

mkdir -p "$WORK/pg" "$WORK/sock"
if [ "$(id -u)" = 0 ]; then chown postgres "$WORK/pg" "$WORK/sock"; fi
"${AS[@]}" "$PGBIN/initdb" -D "$WORK/pg" -U orgspace --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
"${AS[@]}" "$PGBIN/pg_ctl" -D "$WORK/pg" -l "$WORK/pg/log" -w \
  -o "-c listen_addresses=127.0.0.1 -p $PORT -k $WORK/sock -c fsync=off" start >/dev/null

echo "sql property test: $CASES cases, seed $SEED (ORGSPACE_SQL_SEED=$SEED to replay)"
cargo run -q --locked -p orgspace-core --example sql_cases -- "$CASES" "$SEED" > "$WORK/cases.jsonl"
PGPORT=$PORT node tests/sql/run.mjs "$WORK/cases.jsonl"
