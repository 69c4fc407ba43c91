#!/usr/bin/env bash
# Runs every check of the repository: formatting, lints, all tests, the no_std build and the
# conformance suite. Installs what it needs first (idempotent). CI runs exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n== %s ==\n' "$*"; }

step "toolchain"
rustup component add rustfmt clippy >/dev/null 2>&1 || true
if ! rustup target list --installed | grep -qx wasm32v1-none; then
  rustup target add wasm32v1-none
fi
cargo --version

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy -D warnings"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "no_std build (wasm32v1-none)"
cargo build -p orgspace-core --target wasm32v1-none --locked

step "cargo test"
cargo test --workspace --locked

step "conformance suite through the CLI"
cargo run -q -p orgspace-cli --locked -- conformance tests/conformance
