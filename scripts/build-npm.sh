#!/usr/bin/env bash
# Builds the npm package `orgspace` into target/npm/orgspace (override with $1), offline:
# the wasm-bindgen CLI pinned to the exact version in Cargo.lock (installed once into
# ~/.cargo/bin), wasm-opt from the npm package `binaryen` (package-lock.json).
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-target/npm/orgspace}"

wb_version=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  rustup target add wasm32-unknown-unknown
fi
if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$wb_version" ]; then
  echo "installing wasm-bindgen-cli $wb_version (once)"
  cargo install wasm-bindgen-cli --version "$wb_version"
fi
if [ ! -x node_modules/.bin/wasm-opt ]; then
  npm ci --no-audit --no-fund
fi

cargo build -q -p orgspace-wasm --target wasm32-unknown-unknown --profile wasm-release --locked
wasm=target/wasm32-unknown-unknown/wasm-release/orgspace_wasm.wasm

rm -rf "$out"
mkdir -p "$out"
bindgen() { wasm-bindgen --remove-name-section --remove-producers-section --out-name orgspace "$@" "$wasm"; }
bindgen --target web --out-dir "$out/web"
bindgen --target experimental-nodejs-module --out-dir "$out/node"

# wasm-opt -Oz after rustc's opt-level "z" + LTO; its output is kept only when it is smaller
# gzipped (what a browser downloads), since on this module it sometimes is not.
gz() { gzip -9 -c "$1" | wc -c; }
opt="$out/web/orgspace_bg.opt.wasm"
node_modules/.bin/wasm-opt -Oz --strip-debug --strip-producers --enable-bulk-memory \
  --enable-nontrapping-float-to-int --enable-sign-ext --enable-mutable-globals \
  "$out/web/orgspace_bg.wasm" -o "$opt"
if [ "$(gz "$opt")" -lt "$(gz "$out/web/orgspace_bg.wasm")" ]; then
  echo "wasm-opt: kept ($(gz "$opt") bytes gzipped)"
  mv "$opt" "$out/web/orgspace_bg.wasm"
else
  echo "wasm-opt: not kept ($(gz "$opt") bytes gzipped, rustc's output is smaller)"
  rm "$opt"
fi
# Both targets load the same module.
cp "$out/web/orgspace_bg.wasm" "$out/node/orgspace_bg.wasm"
cp crates/orgspace-wasm/npm/package.json crates/orgspace-wasm/npm/README.md \
  crates/orgspace-wasm/npm/node.js crates/orgspace-wasm/npm/browser.js "$out/"

raw=$(wc -c < "$out/web/orgspace_bg.wasm")
gz=$(gzip -9 -c "$out/web/orgspace_bg.wasm" | wc -c)
echo "built $out: orgspace_bg.wasm $raw bytes, $gz bytes gzipped"
