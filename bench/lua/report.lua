-- Loaded by every benchmark script. Requests carry the header nginx adds in production (TLS ends there and
-- the instances run with DJANGO_BEHIND_HTTPS_PROXY=1); responses other than $BENCH_EXPECT (200) are
-- counted as failed, and wrk prints one line at the end for bench/run.sh:
-- RESULT requests/s p50(ms) p99(ms) requests unexpected-status socket-errors
wrk.headers["X-Forwarded-Proto"] = "https"

local threads = {}
function setup(thread)
  thread:set("id", #threads)  -- 0, 1, ...: scripts use it to share out their paths or tokens
  threads[#threads + 1] = thread
end

local expected = tonumber(os.getenv("BENCH_EXPECT") or "200")
unexpected = 0
function response(status, headers, body)
  if status ~= expected then unexpected = unexpected + 1 end
end

function done(summary, latency, requests)
  local wrong = 0
  for _, thread in ipairs(threads) do wrong = wrong + thread:get("unexpected") end
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format("RESULT %.1f %.2f %.2f %d %d %d\n",
    summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.requests, wrong, errors))
end
