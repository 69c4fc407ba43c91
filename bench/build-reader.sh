#!/usr/bin/env bash
# Builds the npm package's Node entry (index.cjs) the way worker-build builds the edge worker,
# into target/bench-reader (override with $1), for bench/wasm-load.mjs --parts
# (`ORGSPACE_NPM=target/bench-reader`; bench/scale.mjs uses it when it is there).
#
# Why: the npm package is built for size (cargo profile `wasm-release`, opt-level "z", then
# wasm-opt -Os), the worker for speed (`worker-build --release`: cargo's `release` profile,
# opt-level 3, then wasm-opt -O). The cold reader's load is the same core code in both
# (PartsLoader), but at the full benchmark org the size build takes about 2.4 times the CPU the
# worker's build takes (bench/README.md), so a figure for the worker's reader must come from
# a module built as the worker is. What still differs: the allocator (the npm module's talc,
# the worker's dlmalloc) and the glue (wasm-bindgen's, not the worker's `fetch` entry).
# Needs what scripts/build-npm.sh installs (wasm-bindgen-cli, node_modules).
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-target/bench-reader}"
cargo build -q -p orgspace-wasm --target wasm32-unknown-unknown --release --locked --features node
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
wasm-bindgen --remove-producers-section --out-name orgspace --target web --out-dir "$stage/web" \
  target/wasm32-unknown-unknown/release/orgspace_wasm.wasm
mv "$stage"/web/snippets/orgspace-wasm-* "$stage/web/snippets/orgspace"
sed -i '/^import /s#snippets/orgspace-wasm-[0-9a-f]*/#snippets/orgspace/#' "$stage/web/orgspace.js"
# worker-build's wasm-opt step for a release build: `-O` (its default arguments).
node_modules/.bin/wasm-opt --enable-bulk-memory --enable-nontrapping-float-to-int \
  --enable-sign-ext --enable-mutable-globals -O --strip-debug --strip-producers \
  "$stage/web/orgspace_bg.wasm" -o "$stage/web/opt.wasm"
mv "$stage/web/opt.wasm" "$stage/web/orgspace_bg.wasm"
npm=crates/orgspace-wasm/npm
cp "$npm/cjs-entry.js" "$npm/api.js" "$stage/"
printf 'export const base64 = "%s";\n' "$(base64 -w0 "$stage/web/orgspace_bg.wasm")" > "$stage/wasm-base64.js"
mkdir -p "$out"
node_modules/.bin/esbuild "$stage/cjs-entry.js" --bundle --format=cjs --platform=node --target=node20 \
  --log-override:empty-import-meta=silent --log-override:duplicate-object-key=silent \
  --legal-comments=none --log-level=warning --outfile="$out/index.cjs"
echo "built $out/index.cjs: the Node entry as the worker is built ($(gzip -9 -c "$stage/web/orgspace_bg.wasm" | wc -c) bytes gzipped)"
