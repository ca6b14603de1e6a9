-- wrk script for fnn serve: POSTs PNG files to /v1/predict (or JSON Lines batches to
-- /v1/predict/batch), cycling through the files listed in $FNN_BODIES (one path a line),
-- optionally paced to $FNN_RATE requests/s in all (split over the connections), and
-- prints a JSON summary line at the end.
local bodies = {}
local path = os.getenv("FNN_PATH") or "/v1/predict"
local contentType = os.getenv("FNN_CONTENT_TYPE") or "image/png"
local rate = tonumber(os.getenv("FNN_RATE") or "0")
local connections = tonumber(os.getenv("FNN_CONNECTIONS") or "1")
local counter = 0
local requests = {}

for name in io.lines(os.getenv("FNN_BODIES")) do
  local file = assert(io.open(name, "rb"))
  bodies[#bodies + 1] = file:read("*a")
  file:close()
end

function init(args)
  for index, body in ipairs(bodies) do
    requests[index] = wrk.format("POST", path, { ["Content-Type"] = contentType, ["Content-Length"] = #body }, body)
  end
  counter = math.random(#requests)
end

function request()
  counter = counter % #requests + 1
  return requests[counter]
end

-- Pacing: each of wrk's threads sends on a fixed schedule of rate/threads requests a
-- second (its connections take turns), so the total rate is `rate` whatever the latency.
local ffi = require("ffi")
ffi.cdef[[
  typedef struct { long tv_sec; long tv_nsec; } fnn_timespec;
  int clock_gettime(int clock, fnn_timespec *now);
]]
local function now_ms()
  local t = ffi.new("fnn_timespec")
  ffi.C.clock_gettime(1, t)
  return tonumber(t.tv_sec) * 1000 + tonumber(t.tv_nsec) / 1e6
end
local threads = tonumber(os.getenv("FNN_THREADS") or "1")
local due = nil
if rate > 0 then
  function delay()
    local interval = threads * 1000 / rate
    local current = now_ms()
    if due == nil or due < current - 1000 then due = current end
    due = due + interval
    return math.max(0, math.floor(due - current))
  end
end

function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    '{"requests":%d,"duration_us":%d,"bytes":%d,"connect_errors":%d,"read_errors":%d,"write_errors":%d,"status_errors":%d,"timeouts":%d,"p50_us":%d,"p90_us":%d,"p99_us":%d,"max_us":%d}\n',
    summary.requests, summary.duration, summary.bytes, errors.connect, errors.read, errors.write, errors.status,
    errors.timeout, latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
