#!/usr/bin/env bash
# Keeps worker/openapi.yaml true: checks that every route of the worker's code is in the document
# (and nothing else), then runs schemathesis against a local `wrangler dev` of the worker, seeded
# with one organization and a dev token. Every answer must be documented (status, content type,
# body schema), input the document calls invalid must be refused, requests without a token must
# get 401, and the worker must never answer 5xx.
#
#   bash tests/worker/schemathesis.sh                 # bounded run (CI)
#   bash tests/worker/schemathesis.sh --max-time 600  # extra schemathesis run arguments
#
# Installs schemathesis (pinned) from PyPI into target/schemathesis-venv once. Needs worker/build
# (bash scripts/build-worker.sh). ORGSPACE_OPENAPI_PORT picks the port (default 8801).
set -euo pipefail
cd "$(dirname "$0")/../.."

VERSION=4.32.5
VENV=target/schemathesis-venv
if [ "$("$VENV/bin/schemathesis" --version 2>/dev/null | awk '{print $NF}')" != "$VERSION" ]; then
  echo "installing schemathesis $VERSION into $VENV (once)"
  rm -rf "$VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$VERSION"
fi
if [ ! -f worker/build/index.js ]; then
  bash scripts/build-worker.sh
fi
if [ ! -x node_modules/.bin/wrangler ]; then
  npm ci --no-audit --no-fund
fi

# The same check, and that every command route's body is documented field by field, runs
# natively without a worker: cargo test -p orgspace-worker --lib openapi (worker/src/openapi_tests.rs).
echo "== the document names every route of the code, and only those"
"$VENV/bin/python" - <<'PY'
import re, sys, yaml

spec = yaml.safe_load(open("worker/openapi.yaml"))
documented = {}
for path, item in spec["paths"].items():
    for method, op in item.items():
        if method != "parameters":
            documented[(method.upper(), path)] = op.get("x-command")

def openapi_path(router_path):
    return re.sub(r":(\w+)", r"{\1}", router_path)

code = {}
routes = open("worker/src/routes.rs").read()
for method, path, command in re.findall(r'\b(Get|Post|Put|Patch|Delete),\s*"(/v1/[^"]*)",\s*"(\w+)"', routes):
    code[(method.upper(), openapi_path(path))] = command
edge = open("worker/src/edge/mod.rs").read()
for method, path in re.findall(r'\.(get|post|put|patch|delete)_async\(\s*"(/v1/[^"]*)"', edge):
    code[(method.upper(), openapi_path(path))] = None

problems = []
for key in sorted(code.keys() - documented.keys()):
    problems.append(f"{key[0]} {key[1]} is a route of the worker but not in worker/openapi.yaml")
for key in sorted(documented.keys() - code.keys()):
    problems.append(f"{key[0]} {key[1]} is in worker/openapi.yaml but not a route of the worker")
for key in sorted(code.keys() & documented.keys()):
    if code[key] != documented[key]:
        problems.append(f"{key[0]} {key[1]} runs `{code[key]}` but the document says x-command `{documented[key]}`")
for p in problems:
    print(p, file=sys.stderr)
if problems or len(code) < 50:
    sys.exit(f"the document and the routes disagree ({len(code)} routes found in the code)")
print(f"{len(code)} routes, all documented")
PY

echo "== schemathesis $VERSION against wrangler dev"
# Valid and invalid requests built from the document, bounded: the examples, coverage and
# fuzzing phases, a few examples per operation per round, and a time cap (fuzzing repeats until
# it is spent, so the run takes about --max-time). Checks: no 5xx; every status, content type
# and body documented; invalid input refused; nothing but 401 without a token.
export WRANGLER_SEND_METRICS=false
node tests/worker/schemathesis.mjs "$VENV/bin/schemathesis" \
  --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,negative_data_rejection,ignored_auth \
  --phases examples,coverage,fuzzing,stateful \
  --max-examples 15 \
  --max-time 180 \
  --workers 1 \
  --seed 20251123 \
  --request-timeout 20 \
  --no-color \
  "$@"
