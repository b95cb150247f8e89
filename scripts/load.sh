#!/usr/bin/env bash
# Load test of `hookwise serve` on loopback (issue 12, "Load"; results in docs/load.md). Not run
# in CI. It measures, first on an empty database and then with LOAD_FILL (1,000,000) finished jobs
# in it (each with its event and a delivered delivery, copied from real ones):
#   creates             POST /v1/jobs, a realistic body with a new Idempotency-Key each (as the
#                       SDKs send), LOAD_CONNECTIONS (64) at once for LOAD_SECONDS (10);
#   gets                GET /v1/jobs/{id}, ids drawn at random from the whole jobs table;
#   list                GET /v1/jobs?limit=20 (the first page, with its total_count);
#   deliveries, burst   LOAD_JOBS (1000) jobs created at once that finish at once (duration_ms 0),
#                       each delivered signed to LOAD_ENDPOINTS (16) endpoints of a Go receiver
#                       (scripts/load/): deliveries/s at the receiver from the first to the last;
#                       latency from the event's creation (the time in its evt_ ULID) to receipt;
#   deliveries, steady  the same at about 40 jobs/s (600 deliveries/s): the latency under load.
# wrk drives the HTTP load (installed from Debian if missing, with sqlite3). By default the server,
# wrk and the receiver share one core (LOAD_SERVER_CPUS and LOAD_CLIENT_CPUS, both 1: the machine
# is shared); LOAD_SERVER_CPUS=0 gives the server a core of its own when the machine is quiet.
# LOAD_HOOKWISE=path tests that binary instead of this checkout's release build. Everything
# started is stopped on exit; the temporary data dir (1.7 GB with 1 M jobs) is removed.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${LOAD_SECONDS:-10}          # each wrk run
connections=${LOAD_CONNECTIONS:-64}  # for creates, gets and list
fill=${LOAD_FILL:-1000000}
endpoints=${LOAD_ENDPOINTS:-16}
burst=${LOAD_JOBS:-1000}
server_cpus=${LOAD_SERVER_CPUS:-1}
client_cpus=${LOAD_CLIENT_CPUS:-1}
key=hw_load_key

work=$(mktemp -d)
server="" receiver_pid=""
cleanup() {
  for pid in $server $receiver_pid; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

started=$(date +%s.%N)
# Prints how long the step named $1 took since the previous call.
lap() {
  local now
  now=$(date +%s.%N)
  awk -v a="$started" -v b="$now" -v what="$1" 'BEGIN { printf "   [%6.1f s] %s\n", b - a, what }'
  started=$now
}

echo "== set-up"
if ! command -v wrk >/dev/null || ! command -v sqlite3 >/dev/null; then
  apt-get install -y wrk sqlite3 >/dev/null 2>&1 ||
    { apt-get update >/dev/null && apt-get install -y wrk sqlite3 >/dev/null; }
fi
hookwise=${LOAD_HOOKWISE:-}  # a hookwise binary to test, else the release build of this checkout
if [ -z "$hookwise" ]; then
  cargo build --quiet --release -p hookwise-cli
  hookwise="$PWD/target/release/hookwise"
fi
(cd scripts/load && go build -o "$work/receiver" .)
lap "wrk, the release build and the receiver"

db="$work/data/hookwise.db"
sql() { sqlite3 -batch -noheader "$db" "$@"; }

# Starts the server on $work/data and sets $api and $server.
start_server() {
  taskset -c "$server_cpus" "$hookwise" serve --port 0 --data-dir "$work/data" --api-key "$key" \
    --allow-private-targets >"$work/serve.log" 2>&1 &
  server=$!
  for _ in $(seq 1 1200); do
    if api=$(grep -o 'on http://[0-9.:]*' "$work/serve.log"); then api="${api#on }"; return; fi
    sleep 0.05
  done
  echo "the server did not start" >&2; cat "$work/serve.log" >&2; exit 1
}

stop_server() { kill "$server"; wait "$server" || true; server=""; }

post() { curl -sf -H "Authorization: Bearer $key" -H 'Content-Type: application/json' -d "$2" "$api$1" >/dev/null; }

# Runs wrk: the NAME=value arguments first are its environment (see scripts/load/wrk.lua), the
# others its options. Sets $result to wrk.lua's line "wrk-result requests=… seconds=… …".
bench() {
  local vars=(LOAD_API_KEY="$key" LOAD_RUN="$$-$((++runs))") out
  while [[ $1 == *=* ]]; do vars+=("$1"); shift; done
  out=$(env "${vars[@]}" taskset -c "$client_cpus" \
    wrk -t1 --timeout 30s "$@" -s scripts/load/wrk.lua "$api/v1/jobs" 2>&1) \
    || { echo "$out" >&2; exit 1; }
  result=$(grep '^wrk-result ' <<<"$out") || { echo "$out" >&2; exit 1; }
}

runs=0 rows=()
# Adds a row to the table: database, measure, count, seconds, p50, p99, detail.
row() {
  local rate
  rate=$(awk -v n="$3" -v s="$4" 'BEGIN { printf "%.0f", n / s }')
  rows+=("$(printf '| %-10s | %-18s | %7s | %7s | %7s | %s |' "$1" "$2" "$rate" "$5" "$6" "$7")")
}

# Adds the row of the wrk run in $result.
wrk_row() {
  local requests seconds p50 p99 errors
  IFS=' =' read -r _ _ requests _ seconds _ p50 _ p99 _ errors <<<"$result"
  row "$1" "$2" "$requests" "$seconds" "$p50" "$p99" "$requests requests in $seconds s, $errors errors"
}

job='{"kind":"transcode","secrecy_level":"internal",
     "payload":{"input":"s3://media/in/movie.mp4","preset":"1080p","duration_ms":600000}}'
# Measures everything on the database as it is, with the server running (stopped at the end); $1
# names the database in the table.
measure() {
  local label=$1
  echo "== $label"
  bench LOAD_BODY="$job" -c"$connections" -d"${seconds}s"
  wrk_row "$label" creates
  lap "creates (their jobs run 10 minutes: this is the API's create path)"

  # The jobs just made would hold every job slot: end them while the server is down. (The
  # database is read and written only while the server is down, whatever locking it uses.)
  stop_server
  sql "UPDATE jobs SET status = 'canceled', body = json_set(body, '\$.status', 'canceled')
       WHERE status IN ('queued', 'running')"
  sql "SELECT '/v1/jobs/' || id FROM jobs ORDER BY random() LIMIT 10000" >"$work/gets"
  start_server
  lap "restart, the created jobs marked canceled"

  bench LOAD_PATHS="$work/gets" -c"$connections" -d"${seconds}s"
  wrk_row "$label" gets
  lap "gets"

  echo '/v1/jobs?limit=20' >"$work/list"
  bench LOAD_PATHS="$work/list" -c"$connections" -d"${seconds}s"
  wrk_row "$label" list
  lap "list"

  # wrk stops sending after $burst answers but runs its whole -d (idle): the jobs go on meanwhile.
  deliveries "$label" "deliveries, burst" LOAD_LIMIT="$burst" -c16 -d10s
  lap "deliveries of a burst of $burst jobs"
  start_server
  # 4 connections, each waiting 100 ms after an answer: about 40 jobs/s, 600 deliveries/s.
  deliveries "$label" "deliveries, steady" LOAD_DELAY_MS=100 -c4 -d"${seconds}s"
  lap "deliveries at a steady rate"
}

# Creates jobs that finish at once (duration_ms 0) with wrk (the arguments after $1 and $2, as for
# bench), waits until no delivery has arrived at the receiver for 3 s (5 minutes at most), stops
# the server and adds the row: database $1, measure $2.
deliveries() {
  local label=$1 measure=$2 kind="load-delivery-$((++runs))" stats count=0 last=-1 jobs left
  local span p50 p99 unsigned
  shift 2
  curl -sf -X POST "$receiver/reset"
  bench LOAD_BODY="{\"kind\":\"$kind\",\"payload\":{\"input\":\"s3://media/in/clip.mp4\",\"duration_ms\":0}}" "$@"
  for _ in $(seq 1 100); do
    [ "$count" -ne "$last" ] || break
    last=$count
    sleep 3
    stats=$(curl -sf "$receiver/stats")
    IFS=' =' read -r _ count _ <<<"$stats"
  done
  stop_server
  jobs=$(sql "SELECT COUNT(*) FROM jobs WHERE kind = '$kind' AND status = 'succeeded'")
  left=$(sql "SELECT COUNT(*) FROM deliveries WHERE status IN ('pending', 'failed')")
  IFS=' =' read -r _ count _ unsigned _ span _ p50 _ p99 _ <<<"$stats"
  row "$label" "$measure" "$count" "$span" "$p50" "$p99" "$count received in $span s (of $((jobs * endpoints)) due: \
$jobs jobs x $endpoints endpoints; $unsigned unsigned; $left pending or failed)"
}

echo "== server and receiver"
start_server
taskset -c "$client_cpus" "$work/receiver" >"$work/receiver.log" 2>&1 &
receiver_pid=$!
for _ in $(seq 1 100); do
  if receiver=$(grep -o 'http://[0-9.:]*' "$work/receiver.log"); then break; fi
  sleep 0.05
done
for i in $(seq 1 "$endpoints"); do
  post /v1/webhooks "{\"url\":\"$receiver/hook/$i\",\"events\":[\"job.succeeded\"],\"name\":\"load-$i\"}"
done
echo "   server $api (cpus $server_cpus), receiver $receiver and wrk (cpus $client_cpus), $endpoints endpoints"
lap "started"

measure empty

echo "== fill: $fill finished jobs, each with its event and a delivered delivery"
# Copies of a real finished job, its event and its delivery, with new ids (time-ordered, as ULIDs are).
# The events' created_at is set here: Debian's sqlite3 (3.40) evaluates the column's default,
# unixepoch('subsec'), to NULL, and the server would then date a million rows at its next start.
sql >/dev/null <<SQL
PRAGMA journal_mode = DELETE;
PRAGMA synchronous = OFF;
BEGIN;
CREATE TEMP TABLE t AS
  SELECT e.id AS eid, e.body AS event, j.id AS jid, j.body AS job, d.attempts AS attempts
  FROM events e JOIN jobs j ON j.id = json_extract(e.body, '\$.data.job.id')
  JOIN deliveries d ON d.event_id = e.id
  WHERE e.type = 'job.succeeded' LIMIT 1;
CREATE TEMP TABLE n AS
  WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $fill)
  SELECT i, printf('job_01KF%022d', i) AS jid, printf('evt_01KF%022d', i) AS eid FROM n;
INSERT INTO jobs (id, kind, status, body)
  SELECT n.jid, 'transcode', 'succeeded', json_set(replace(t.job, t.jid, n.jid), '\$.kind', 'transcode') FROM n, t;
INSERT INTO events (id, type, body, created_at)
  SELECT n.eid, 'job.succeeded', replace(replace(t.event, t.jid, n.jid), t.eid, n.eid), unixepoch() FROM n, t;
INSERT INTO deliveries (id, event_id, event_type, endpoint_id, url, status, attempts)
  SELECT printf('dlv_01KF%022d', n.i), n.eid, 'job.succeeded', 'we_load_filler', 'http://127.0.0.1:9/hook/0',
         'delivered', t.attempts FROM n, t;
COMMIT;
SQL
filled=$(sql "SELECT COUNT(*) FROM jobs WHERE kind = 'transcode' AND status = 'succeeded'")
[ "$filled" -ge "$fill" ] || { echo "the fill made $filled jobs, not $fill" >&2; exit 1; }
lap "filled: $(sql 'SELECT COUNT(*) FROM jobs') jobs in all, $(du -sh "$work/data" | cut -f1)"
start_server
lap "restart on the filled database"

measure "$((fill / 1000))k jobs"

echo
echo "| database   | measure            |   per s |  p50 ms |  p99 ms | detail |"
echo "|------------|--------------------|---------|---------|---------|--------|"
printf '%s\n' "${rows[@]}"
