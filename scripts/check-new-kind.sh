#!/usr/bin/env bash
# Proves that a new asset kind does not compile until every role table decides it: copies the
# core into a scratch workspace, appends a kind after `DataEntryForm` (where a kind once slipped
# into the analyst's table with developer rights), runs `cargo check`, and expects it to fail
# with non-exhaustive matches in roles.rs, one per preset role (R1-R4). Exits 0 when it fails
# as it should, 1 otherwise. Offline; about 20 s with a warm target/.
#
#   bash scripts/check-new-kind.sh
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT

mkdir -p "$scratch/crates"
cp -r "$root/crates/orgspace-core" "$scratch/crates/"
rm -rf "$scratch/crates/orgspace-core/target"
cp "$root/Cargo.lock" "$scratch/"
# A workspace of the core alone, with the root's shared settings.
python3 - "$root/Cargo.toml" "$scratch/Cargo.toml" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
text = re.sub(r'members\s*=\s*\[[^\]]*\]', 'members = ["crates/orgspace-core"]', text, count=1)
text = re.sub(r'\nexclude\s*=\s*\[[^\]]*\]', '', text)
open(sys.argv[2], "w").write(text)
PY

vocab="$scratch/crates/orgspace-core/src/vocab.rs"
python3 - "$vocab" <<'PY'
import sys
p = sys.argv[1]
s = open(p).read()
old = '        DataEntryForm = "data_entry_form",\n'
assert old in s, "vocab.rs: DataEntryForm not found"
s = s.replace(old, old + '        /// A kind added after the last one.\n        NewKind = "new_kind",\n', 1)
open(p, "w").write(s)
PY

log="$scratch/check.log"
if CARGO_TARGET_DIR="$root/target/check-new-kind" cargo check --offline -q -p orgspace-core \
  --manifest-path "$scratch/Cargo.toml" >"$log" 2>&1; then
  echo "check-new-kind: a new kind compiled without any role deciding it" >&2
  exit 1
fi
fails=$(grep -c 'error\[E0004\]: non-exhaustive patterns: `Kind::NewKind` not covered' "$log" || true)
in_roles=$(grep -A3 'error\[E0004\]: non-exhaustive patterns: `Kind::NewKind` not covered' "$log" | grep -c 'src/roles.rs' || true)
other=$(grep -E '^error' "$log" | grep -vc 'E0004\|could not compile\|aborting' || true)
echo "check-new-kind: $fails non-exhaustive match(es) on the new kind, $in_roles in roles.rs; $other other error(s)"
grep -A3 'E0004' "$log" | grep -- '-->' | sed 's|.*crates/orgspace-core/|  |' || true
if [ "$in_roles" -lt 4 ] || [ "$other" -ne 0 ]; then
  echo "check-new-kind: expected the four preset roles' matches to refuse it, and nothing else to fail" >&2
  cat "$log" >&2
  exit 1
fi
echo "check-new-kind: ok: a new kind does not compile until the role tables decide it"
