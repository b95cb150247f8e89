-- The requests of scripts/load.sh, for wrk. Environment:
--   LOAD_API_KEY  the server's API key
--   LOAD_BODY     set: POST it to the URL's path as a job, each with a new Idempotency-Key (as the SDKs send)
--   LOAD_RUN      makes those keys unique across runs on one database
--   LOAD_LIMIT    with LOAD_BODY: each thread stops after this many answers (a burst of jobs)
--   LOAD_PATHS    else: a file of paths to GET, one a line, taken in turn
--   LOAD_DELAY_MS each connection waits this long after an answer (a steady rate)
-- done() prints one line: "wrk-result requests=… seconds=… p50_ms=… p99_ms=… errors=…".
local key = os.getenv("LOAD_API_KEY")
local body = os.getenv("LOAD_BODY")
local run = os.getenv("LOAD_RUN") or ""
local limit = tonumber(os.getenv("LOAD_LIMIT") or "0")
local pause = tonumber(os.getenv("LOAD_DELAY_MS") or "0")
local paths = {}
local sent, answered = 0, 0
local counter = 1

function setup(thread)
  thread:set("tag", counter)
  counter = counter + 1
end

function init(args)
  local file = os.getenv("LOAD_PATHS")
  if file then
    for line in io.lines(file) do
      paths[#paths + 1] = line
    end
  end
end

function request()
  sent = sent + 1
  local headers = { ["Authorization"] = "Bearer " .. key }
  if body then
    headers["Content-Type"] = "application/json"
    headers["Idempotency-Key"] = string.format("load-%s-%s-%d", run, tag, sent)
    return wrk.format("POST", nil, headers, body)
  end
  return wrk.format("GET", paths[(sent - 1) % #paths + 1], headers)
end

if pause > 0 then
  function delay()
    return pause
  end
end

if limit > 0 then
  function response(status, headers, text)
    answered = answered + 1
    if answered >= limit then
      wrk.thread:stop()
    end
  end
end

function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    "wrk-result requests=%d seconds=%.3f p50_ms=%.2f p99_ms=%.2f errors=%d\n",
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    errors.connect + errors.read + errors.write + errors.status + errors.timeout))
end
