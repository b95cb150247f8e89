#!/usr/bin/env bash
# The end-to-end demo (README: "Run the demo"), on embedded defaults:
#   1. every preset: sign a sample event, verify it back, refuse a tampered copy (the core);
#   2. start the reference server (temporary data dir) and a local receiver (`hookwise listen`),
#      register a webhook, enqueue a job, show its progress, and print the verified event that arrives.
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
start "$work/serve.log" "$hookwise" serve --port 0 --data-dir "$work/data" --api-key demo_key
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
