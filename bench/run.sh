#!/usr/bin/env bash
# The benchmark of GitHub issue 4: orgspace's `visibleAssets` and `filter` against a hand-written
# JS loop, @casl/ability and @cedar-policy/cedar-wasm, side by side in one headless Chromium
# page. Prints a markdown table and the .wasm sizes; exits non-zero when the contestants
# disagree. See bench/README.md for the environment variables (BENCH_ASSETS, ...).
set -euo pipefail
bench="$(cd "$(dirname "$0")" && pwd)"
repo="$(dirname "$bench")"
cd "$repo"

pkg="${ORGSPACE_NPM:-$repo/target/npm/orgspace}"
if [ "${BENCH_BUILD:-0}" != 0 ] || [ ! -f "$pkg/web/orgspace_bg.wasm" ] || [ ! -f "$pkg/index.js" ]; then
  bash scripts/build-npm.sh "$pkg"
fi

# The browser: Debian's chromium (playwright's own downloads are not reachable here).
chromium="${CHROMIUM:-/usr/bin/chromium}"
if [ ! -x "$chromium" ]; then
  if [ "$chromium" = /usr/bin/chromium ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "bench: no browser at $chromium (apt-get install chromium, or set CHROMIUM)" >&2
    exit 2
  fi
fi

# npm ci only when node_modules is missing or older than the lock file.
if [ ! -f "$bench/node_modules/.package-lock.json" ] ||
  [ "$bench/package-lock.json" -nt "$bench/node_modules/.package-lock.json" ]; then
  (cd "$bench" && npm ci --no-audit --no-fund --loglevel=error)
fi

# run.mjs stops itself after BENCH_TIMEOUT seconds; this is the backstop.
limit="${BENCH_TIMEOUT:-300}"
CHROMIUM="$chromium" ORGSPACE_NPM="$pkg" exec timeout --kill-after=10 "$((limit + 30))" node "$bench/run.mjs"
