#!/usr/bin/env bash
# Runs every fuzz target of fuzz/ (cargo-fuzz, libFuzzer) for a bounded time each.
#
#   bash scripts/fuzz.sh [seconds] [target ...]    # default: 60 seconds, every target
#
# Installs cargo-fuzz (pinned, from crates.io) if it is missing; needs the nightly toolchain
# (installed through rustup only if absent). Seeds come from fuzz/corpus/<target> (read only);
# what libFuzzer finds goes to target/fuzz-corpus/<target>, crashes to fuzz/artifacts/<target>.
# Exits non-zero if any target crashed. See docs/fuzzing.md.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/cargo-install.sh

seconds="${1:-60}"
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(snapshot_decode command_stream row_rules)
fi
CARGO_FUZZ_VERSION=0.13.2
export PATH="$HOME/.cargo/bin:$PATH"

step() { printf '\n== %s ==\n' "$*"; }

step "toolchain"
if ! rustup toolchain list | grep -q '^nightly'; then
  rustup toolchain install nightly --profile minimal
fi
if ! command -v cargo-fuzz >/dev/null; then
  cargo_install cargo-fuzz "$CARGO_FUZZ_VERSION"
fi
cargo +nightly --version
cargo fuzz --version

step "build (fuzz/Cargo.lock, no sanitizer: the core forbids unsafe code)"
cargo +nightly fetch --locked --manifest-path fuzz/Cargo.toml
start=$(date +%s)
cargo +nightly fuzz build -s none
echo "built in $(($(date +%s) - start)) s"

failed=()
summary=()
for t in "${targets[@]}"; do
  step "fuzz $t for $seconds s"
  work="target/fuzz-corpus/$t"
  mkdir -p "$work" "fuzz/artifacts/$t"
  args=(-max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -len_control=0 -print_final_stats=1)
  if [ -f "fuzz/dict/$t.dict" ]; then
    args+=(-dict="fuzz/dict/$t.dict")
  fi
  log="target/fuzz-corpus/$t.log"
  set +e
  cargo +nightly fuzz run -s none "$t" "$work" "fuzz/corpus/$t" -- "${args[@]}" 2>&1 \
    | tee "$log" | grep -E '^(INFO: (seed corpus|A corpus)|#[0-9]+[[:space:]]+(INITED|DONE)|Done |==[0-9]+== ?ERROR|.*panicked at|stat::)'
  status=${PIPESTATUS[0]}
  set -e
  runs=$(sed -n 's/^Done \([0-9]*\) runs.*/\1/p' "$log" | tail -1)
  if [ "$status" -ne 0 ]; then
    failed+=("$t")
    summary+=("$t: CRASH (exit $status) after ${runs:-?} runs; see $log and fuzz/artifacts/$t/")
    tail -40 "$log"
  else
    summary+=("$t: ${runs:-?} runs in $seconds s, no crash")
  fi
done

step "summary"
printf '%s\n' "${summary[@]}"
if [ ${#failed[@]} -ne 0 ]; then
  echo "crashed: ${failed[*]} (reproduce: cargo +nightly fuzz run -s none <target> <artifact>;" \
    "show the input: cargo +nightly fuzz fmt -s none <target> <artifact>)"
  exit 1
fi
