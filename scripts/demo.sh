#!/usr/bin/env bash
# The end-to-end demo (README: "Run the demo"), on embedded defaults:
#   1. every preset: sign a sample event, verify it back, refuse a tampered copy (the core);
#   2. start the reference server (temporary data dir) and a local receiver (`hookwise listen`),
#      register a webhook, enqueue a job, show its progress, and print the verified event that arrives;
#   3. `hookwise generate` the five seed vendors' SDKs in every language, install Auggie's Python
#      SDK and run Auggie's documented snippet against a local server that answers as its docs show.
# Everything it starts is stopped on exit, also on failure or Ctrl-C. With HOOKWISE_DEMO_DASHBOARD=1
# it then keeps the server and the receiver running, and prints the address of the server's
# delivery dashboard (log in with demo_key), until Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --quiet --release -p hookwise-cli
hookwise="$PWD/target/release/hookwise"
work=$(mktemp -d)
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

secret="whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
body='{"id":"evt_1","type":"job.succeeded","created_at":"2026-11-22T10:00:00Z","data":{"job":{"id":"job_1","note":"café ☕"}}}'

echo "== 1. every preset: sign, verify, refuse a tampered body"
for preset in argus auggie asg gabinete360 argyle standard stripe github shopify slack; do
  args=()
  while IFS= read -r line; do args+=(--header "$line"); done \
    < <(printf '%s' "$body" | "$hookwise" sign --scheme "$preset" --secret "$secret" --id msg_demo)
  printf '%s' "$body" | "$hookwise" verify --scheme "$preset" --secret "$secret" "${args[@]}" >/dev/null
  if printf '%s' "${body/café/cafe}" | "$hookwise" verify --scheme "$preset" --secret "$secret" "${args[@]}" \
      2>"$work/err" >/dev/null; then
    echo "$preset accepted a tampered body" >&2
    exit 1
  fi
  printf '  %-12s verified; tampered copy refused with %s\n' "$preset" "$(cut -d: -f1 "$work/err" | head -n1)"
done

# Starts a background command (in this shell, so the exit trap stops it), waits for its stdout
# line containing "on http://…", and sets $url to that URL.
start() {
  local log="$1"; shift
  "$@" >"$log" 2>&1 &
  pids+=("$!")
  for _ in $(seq 1 200); do
    if url=$(grep -o 'on http://[0-9.:]*' "$log" | head -n1); then url="${url#on }"; return; fi
    sleep 0.05
  done
  echo "did not start: $*" >&2; cat "$log" >&2; exit 1
}

echo
echo "== 2. the reference server, a receiver, a webhook, a job"
start "$work/serve.log" "$hookwise" serve --port 0 --data-dir "$work/data" --api-key demo_key --allow-private-targets
api=$url
start "$work/listen.log" "$hookwise" listen --port 0 --scheme standard --secret "$secret"
receiver=$url
echo "  server   $api"
echo "  receiver $receiver"
export HOOKWISE_API_KEY=demo_key HOOKWISE_BASE_URL="$api"
"$hookwise" webhooks register --url "$receiver/webhooks" --secret "$secret" --name demo | sed 's/^/  webhook  /'
echo "  job (progress on stderr):"
"$hookwise" jobs create demo-render --payload '{"duration_ms": 1500, "frames": 240}' --wait | sed 's/^/  done     /'
for _ in $(seq 1 200); do
  grep -q "verified" "$work/listen.log" && break
  sleep 0.05
done
echo
echo "== the receiver verified this delivery:"
cat "$work/listen.log"
grep -q "verified job.succeeded" "$work/listen.log"

echo
echo "== 3. hookwise generate: the seed vendors' SDKs, then Auggie's documented Python"
started=$(date +%s%N)
for profile in argus gabinete360 argyle auggie asg; do
  "$hookwise" generate "profiles/$profile.yaml" --lang all --out "$work/sdks/$profile" >/dev/null
done
echo "  generated in $(( ($(date +%s%N) - started) / 1000000 )) ms (five profiles, every language):"
for profile in argus gabinete360 argyle auggie asg; do
  printf '  %-12s' "$profile"
  for lang in python node rust swift kotlin; do
    printf ' %s: %2d files ' "$lang" "$(find "$work/sdks/$profile/$lang" -type f | wc -l)"
  done
  echo
done
# The Python package needs hookwise itself: the test command's venv when it exists, else one built here.
python="$PWD/target/py-venv/bin/python"
if ! "$python" -c "import hookwise" 2>/dev/null; then
  python="$PWD/target/demo-venv/bin/python"
  if ! "$python" -c "import hookwise" 2>/dev/null; then
    echo "  building the hookwise wheel for Python (once)"
    python3 -m venv target/demo-venv
    "$python" -m pip install --quiet --disable-pip-version-check "maturin>=1.16,<2" "setuptools>=77"
    "$python" -m maturin build --quiet --release --manifest-path bindings-python/Cargo.toml --out "$work/wheels"
    "$python" -m pip install --quiet --disable-pip-version-check "$work"/wheels/hookwise-*.whl
  fi
fi
"$python" -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation "$work/sdks/auggie/python"
start "$work/stub.log" "$python" scripts/seed_stub.py auggie
echo "  auggie stub $url; running examples/generated/auggie/seed_snippet.py:"
AUGGIE_BASE_URL=$url AUGGIE_API_KEY=aug_your_key "$python" examples/generated/auggie/seed_snippet.py | sed 's/^/  /'

if [ -n "${HOOKWISE_DEMO_DASHBOARD:-}" ]; then
  echo
  echo "== the delivery dashboard of the demo's server (Ctrl-C stops the server and the receiver):"
  echo "  open $api/dashboard and log in with the API key demo_key"
  wait "${pids[@]}"
fi
