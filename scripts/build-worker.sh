#!/usr/bin/env bash
# Builds the edge worker into worker/build with worker-build, offline: wasm-bindgen-cli pinned to
# Cargo.lock's version, worker-build matching the `worker` crate (both cached in ~/.cargo/bin),
# esbuild and wasm-opt from the npm packages in package-lock.json.
set -euo pipefail
cd "$(dirname "$0")/.."
# One build at a time: tests, the run command and the benchmark may all ask for it.
exec 9>"${TMPDIR:-/tmp}/orgspace-build-worker.lock"
flock 9
source scripts/lib/cargo-install.sh

lock_version() { awk -v n="$1" '$0 == "name = \"" n "\"" { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock; }
wb_version=$(lock_version wasm-bindgen)
worker_version=$(lock_version worker)

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  rustup target add wasm32-unknown-unknown
fi
if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$wb_version" ]; then
  cargo_install wasm-bindgen-cli "$wb_version"
fi
if [ "$(worker-build --version 2>/dev/null | awk '{print $2}')" != "$worker_version" ]; then
  cargo_install worker-build "$worker_version"
fi
if [ ! -x node_modules/.bin/esbuild ] || [ ! -x node_modules/.bin/wasm-opt ] || [ ! -x node_modules/.bin/wrangler ]; then
  npm ci --no-audit --no-fund
fi

export WASM_BINDGEN_BIN="$(command -v wasm-bindgen)"
export ESBUILD_BIN="$PWD/node_modules/.bin/esbuild"
export WASM_OPT_BIN="$PWD/node_modules/.bin/wasm-opt"
cd worker
worker-build --release
