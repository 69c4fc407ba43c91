#!/usr/bin/env bash
# The long differential run (issue 7): the core against its independent reference model
# (crates/orgspace-core/tests/differential.rs) on many random command sequences, in release
# mode. Prints the count of sequences and any divergence (the first one, shrunk by proptest).
#
#   bash scripts/long-differential.sh [sequences]     # default 1,000,000
set -euo pipefail
cd "$(dirname "$0")/.."
cases="${1:-1000000}"
start=$(date +%s)
ORGSPACE_DIFF_CASES="$cases" \
  cargo test --release --locked -p orgspace-core --test differential -- --nocapture
echo "differential: $cases sequences, no divergence, $(( $(date +%s) - start )) s"
