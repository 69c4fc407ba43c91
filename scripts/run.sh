#!/usr/bin/env bash
# Runs orgspace on this machine: builds the engine and its CLI, creates a demo organization and
# shows the engine's decisions about it. (The edge worker and web console join this command
# when they land.)
set -euo pipefail
cd "$(dirname "$0")/.."
out=target/demo
mkdir -p "$out"
cargo build -q --release -p orgspace-cli --locked
cargo run -q --release -p orgspace-core --example demo --locked > "$out/demo.json"
bin=target/release/orgspace
echo "Demo organization written to $out/demo.json"
"$bin" validate "$out/demo.json"
ask() { printf '%-8s %-7s %-10s -> ' "$1" "$2" "$3"; "$bin" check --snapshot "$out/demo.json" --at 1767225600000 --as "$1" "$2" "$3" || true; }
ask carol view q3-board
ask carol modify q3-board
ask dave view q3-board
ask dave view q4-board
ask dave modify q3-board
ask carol delete q3-board
ask bob delete q3-board
ask carol create sales:data_source
echo
echo "Try your own: $bin check --snapshot $out/demo.json --as <user> <operation> <asset>"
