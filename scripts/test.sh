#!/usr/bin/env bash
# Runs every check of the repository: formatting, lints, all tests, the no_std build and the
# conformance suite. Installs what it needs first (idempotent). CI runs exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n== %s ==\n' "$*"; }

step "toolchain"
rustup component add rustfmt clippy >/dev/null 2>&1 || true
for target in wasm32v1-none wasm32-unknown-unknown; do
  if ! rustup target list --installed | grep -qx "$target"; then
    rustup target add "$target"
  fi
done
cargo --version

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy -D warnings"
cargo clippy --workspace --all-targets --locked -- -D warnings
cargo clippy -p orgspace-wasm --target wasm32-unknown-unknown --all-targets --features node --locked -- -D warnings
cargo clippy -p orgspace-worker --target wasm32-unknown-unknown --locked -- -D warnings

step "no_std build (wasm32v1-none)"
cargo build -p orgspace-core --target wasm32v1-none --locked

step "a new asset kind does not compile until every role decides it"
bash scripts/check-new-kind.sh

step "cargo test"
cargo test --workspace --locked

step "npm package: build offline (pinned wasm-bindgen, wasm-opt from npm)"
bash scripts/build-npm.sh

step "SQL on real databases: PostgreSQL, DuckDB, SQLite vs DataScope::apply, 1,000 cases (tests/sql/run.sh)"
bash tests/sql/run.sh

step "wasm-bindgen tests in Node"
export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner
cargo test -p orgspace-wasm --target wasm32-unknown-unknown --features node --locked

step "wasm-bindgen tests in headless Chromium"
if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver
fi
(cd crates/orgspace-wasm && CHROMEDRIVER=$(command -v chromedriver) \
  cargo test -p orgspace-wasm --target wasm32-unknown-unknown --features browser-tests,node --test engine --test lists --locked)

step "conformance suite through the npm package (Node)"
node tests/npm/conformance.mjs

step "npm package: its JavaScript layer (engine.as, OrgspaceError, one instance for import and require; filter in any order = can; views that page)"
node --test tests/npm/api.test.mjs tests/npm/filter.test.mjs tests/npm/views.test.mjs

step "npm package as a new user gets it (npm pack, install, import, tsc)"
bash tests/npm/consumer.sh

step "npm package in every build tool and runtime its README names (tests/npm/tools.mjs; pinned tools)"
node tests/npm/tools.mjs

step "edge worker: build (worker-build, offline: pinned wasm-bindgen, esbuild and wasm-opt from npm)"
bash scripts/build-worker.sh

step "edge API tests against wrangler dev (flows, auth, bad input, concurrency, durability, leakage)"
WRANGLER_SEND_METRICS=false node tests/worker/run.mjs

step "edge at a hundredth of the benchmark org: import in chunks, lists, checks, first views, a member removal (bench/scale.mjs)"
node bench/scale.mjs --scale hundredth

step "OpenAPI document kept true: schemathesis against wrangler dev"
bash tests/worker/schemathesis.sh

step "conformance suite through the edge API (wrangler dev on 127.0.0.1, local KV and Durable Objects)"
# The writer keeps no part between calls (ORGSPACE_WRITER_CACHE_BYTES=1): every scenario step
# loads the parts it needs again (issue 13).
ORGSPACE_WRITER_CACHE_BYTES=1 WRANGLER_SEND_METRICS=false node tests/worker/conformance.mjs --start

step "web console in headless Chromium (playwright-core against wrangler dev)"
node tests/www/console.test.mjs

step "browser benchmark, small smoke run: all five contestants agree (bench/README.md)"
BENCH_ASSETS=5000 BENCH_RUNS=5 BENCH_WARMUP_MS=200 BENCH_CEDAR_SLICE=500 BENCH_TIMEOUT=120 bash bench/run.sh

step "fuzzing: every target for 60 s (cargo-fuzz, nightly; docs/fuzzing.md)"
bash scripts/fuzz.sh 60

step "conformance suite through the CLI"
cargo run -q -p orgspace-cli --locked -- conformance tests/conformance
