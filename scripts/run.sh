#!/usr/bin/env bash
# Runs orgspace on this machine: the edge API and the web console on http://127.0.0.1:8787 with
# a demo organization (five workspaces in both modes, the four roles, custom roles, nested groups
# and folders, about 300 assets with grants) loaded through the API. Prints the URL and the demo
# users; Ctrl-C stops everything.
#
#   bash scripts/run.sh [--rebuild] [--port N]
#
# Installs what is missing (idempotent): the npm dev tools (npm ci), the wasm32 Rust target and
# the pinned wasm-bindgen/worker-build CLIs (the build scripts do). Builds the npm package
# (scripts/build-npm.sh), the worker (scripts/build-worker.sh) and the console (www/build.mjs),
# each only when its sources are newer than its output (--rebuild: always). The state lives in
# target/run/state and starts empty on every run; nothing is sent to the internet but the
# one-time installs.
set -euo pipefail
cd "$(dirname "$0")/.."

rebuild=0
serve_args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --rebuild) rebuild=1 ;;
    --port) serve_args+=(--port "$2"); shift ;;
    *) echo "usage: bash scripts/run.sh [--rebuild] [--port N]" >&2; exit 2 ;;
  esac
  shift
done

step() { printf '\n== %s ==\n' "$*"; }

# Whether $1 is missing or older than any file under the other arguments.
stale() {
  local out="$1"; shift
  [ "$rebuild" = 1 ] && return 0
  [ -e "$out" ] || return 0
  [ -n "$(find "$@" -type f -newer "$out" -print -quit 2>/dev/null)" ]
}

for tool in cargo rustup node npm; do
  command -v "$tool" >/dev/null || { echo "scripts/run.sh needs $tool (Rust: https://rustup.rs, Node.js 20+)" >&2; exit 1; }
done
if [ ! -x node_modules/.bin/wrangler ] || [ ! -x node_modules/.bin/esbuild ] || [ ! -d node_modules/typescript ]; then
  step "npm ci (dev tools: wrangler, esbuild, TypeScript, wasm-opt)"
  npm ci --no-audit --no-fund
fi

core=(crates/orgspace-core/src crates/orgspace-core/Cargo.toml Cargo.toml Cargo.lock)
if stale target/npm/orgspace/web/orgspace_bg.wasm "${core[@]}" crates/orgspace-wasm/src crates/orgspace-wasm/Cargo.toml crates/orgspace-wasm/npm scripts/build-npm.sh; then
  step "npm package orgspace (the core in WebAssembly): scripts/build-npm.sh"
  bash scripts/build-npm.sh
fi
if stale worker/build/index.js "${core[@]}" worker/src worker/Cargo.toml scripts/build-worker.sh; then
  step "edge worker: scripts/build-worker.sh"
  bash scripts/build-worker.sh
fi
if stale www/dist/app.js www/src www/index.html www/style.css www/_headers www/build.mjs www/tsconfig.json target/npm/orgspace/web; then
  step "web console: node www/build.mjs"
  node www/build.mjs
fi

step "wrangler dev with the demo organization"
exec env WRANGLER_SEND_METRICS=false node scripts/demo/serve.mjs "${serve_args[@]}"
