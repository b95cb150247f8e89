#!/usr/bin/env bash
# Issue 12's proof tool: schemathesis runs `hookwise serve` against its own OpenAPI document
# (/openapi.json): every operation, with generated good and bad inputs, checking that no answer is
# a server error and that every status code, content type and body is the documented one.
#   bash scripts/schemathesis.sh PYTHON [HOOKWISE_BIN]   (PYTHON: an interpreter with schemathesis)
set -euo pipefail
cd "$(dirname "$0")/.."
python=$1
hookwise=${2:-$PWD/target/release/hookwise}
work=$(mktemp -d)
pid=
cleanup() { if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; fi; rm -rf "$work"; }
trap cleanup EXIT
"$hookwise" serve --port 0 --data-dir "$work/data" --api-key hw_st_key >"$work/serve.log" 2>&1 &
pid=$!
for _ in $(seq 1 200); do
  if url=$(grep -o 'on http://[0-9.:]*' "$work/serve.log" | head -n1); then url="${url#on }"; break; fi
  sleep 0.05
done
[ -n "${url:-}" ] || { echo "hookwise serve did not start" >&2; cat "$work/serve.log" >&2; exit 1; }
"$python" -m schemathesis.cli run "$url/openapi.json" --url "$url" -H "Authorization: Bearer hw_st_key" \
  --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
  --max-examples 30 --seed 1 --phases examples,coverage,fuzzing
