#!/usr/bin/env bash
# Builds the npm package `orgspace` into target/npm/orgspace (override with $1), offline:
# the wasm-bindgen CLI pinned to the exact version in Cargo.lock (installed once into
# ~/.cargo/bin), wasm-opt from the npm package `binaryen` (package-lock.json).
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-target/npm/orgspace}"
source scripts/lib/cargo-install.sh

wb_version=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  rustup target add wasm32-unknown-unknown
fi
if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$wb_version" ]; then
  cargo_install wasm-bindgen-cli "$wb_version"
fi
if [ ! -x node_modules/.bin/wasm-opt ]; then
  npm ci --no-audit --no-fund
fi

cargo build -q -p orgspace-wasm --target wasm32-unknown-unknown --profile wasm-release --locked
wasm=target/wasm32-unknown-unknown/wasm-release/orgspace_wasm.wasm

rm -rf "$out"
mkdir -p "$out"
# The name section stays until wasm-opt, which orders functions by it and then strips it.
bindgen() { wasm-bindgen --remove-producers-section --out-name orgspace "$@" "$wasm"; }
bindgen --target web --out-dir "$out/web"
bindgen --target experimental-nodejs-module --out-dir "$out/node"

# What counts is the size gzipped (what a browser downloads). wasm-opt -Os runs after rustc's
# opt-level "z" + LTO without its inliner: inlining makes the module smaller but repeats code
# gzip would otherwise find once (about 15% larger gzipped). Functions are ordered by name,
# which puts the instances of each generic function together where gzip finds their
# likeness. The output is kept only when it is smaller gzipped than the module with only
# names and producers stripped.
gz() { gzip -9 -c "$1" | wc -c; }
wasm_opt() {
  node_modules/.bin/wasm-opt --enable-bulk-memory --enable-nontrapping-float-to-int \
    --enable-sign-ext --enable-mutable-globals "$@" --strip-debug --strip-producers
}
opt="$out/web/orgspace_bg.opt.wasm"
plain="$out/web/orgspace_bg.plain.wasm"
wasm_opt "$out/web/orgspace_bg.wasm" -o "$plain"
wasm_opt -Os --skip-pass=inlining --skip-pass=inlining-optimizing --reorder-functions-by-name \
  "$out/web/orgspace_bg.wasm" -o "$opt"
if [ "$(gz "$opt")" -lt "$(gz "$plain")" ]; then
  echo "wasm-opt: kept ($(gz "$opt") bytes gzipped, $(gz "$plain") without)"
  mv "$opt" "$out/web/orgspace_bg.wasm"
  rm "$plain"
else
  echo "wasm-opt: not kept ($(gz "$opt") bytes gzipped, $(gz "$plain") without)"
  mv "$plain" "$out/web/orgspace_bg.wasm"
  rm "$opt"
fi
# Both targets load the same module.
cp "$out/web/orgspace_bg.wasm" "$out/node/orgspace_bg.wasm"
cp crates/orgspace-wasm/npm/package.json crates/orgspace-wasm/npm/README.md \
  crates/orgspace-wasm/npm/node.js crates/orgspace-wasm/npm/browser.js "$out/"

raw=$(wc -c < "$out/web/orgspace_bg.wasm")
gz=$(gzip -9 -c "$out/web/orgspace_bg.wasm" | wc -c)
echo "built $out: orgspace_bg.wasm $raw bytes, $gz bytes gzipped"
