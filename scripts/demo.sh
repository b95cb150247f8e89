#!/usr/bin/env bash
# The end-to-end demo (README: "Run the demo"). Until the reference server lands, it is a round
# trip: sign a sample event with every preset, verify it back through the CLI, and show that a
# tampered body is refused with a stable error code.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --quiet --release -p hookwise-cli
hookwise=target/release/hookwise
secret="whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
body='{"id":"evt_1","type":"job.succeeded","created_at":"2026-11-22T10:00:00Z","data":{"job":{"id":"job_1","status":"succeeded","note":"café ☕"}}}'
now=$(date +%s)

for preset in $("$hookwise" presets --json | python3 -c 'import json,sys; print(" ".join(s["name"] for s in json.load(sys.stdin)))'); do
  args=()
  while IFS= read -r line; do args+=(--header "$line"); done \
    < <(printf '%s' "$body" | "$hookwise" sign --scheme "$preset" --secret "$secret" --id msg_demo)
  event=$(printf '%s' "$body" | "$hookwise" verify --scheme "$preset" --secret "$secret" "${args[@]}")
  if printf '%s' "${body/café/cafe}" | "$hookwise" verify --scheme "$preset" --secret "$secret" "${args[@]}" 2>/tmp/hookwise-demo-err >/dev/null; then
    echo "$preset: a tampered body was accepted" >&2
    exit 1
  fi
  printf '%-12s verified  %s\n' "$preset" "$(printf '%s' "$event" | python3 -c 'import json,sys; e=json.load(sys.stdin); print("type=%s id=%s created_at=%s" % (e["type"], e["id"], e["created_at"]))')"
  printf '%-12s tampered  %s\n' "" "$(head -n1 /tmp/hookwise-demo-err)"
done
