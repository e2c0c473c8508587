-- wrk script: POSTs BENCH_BODY to the URL with BENCH_CONTENT_TYPE (and BENCH_AUTH as Authorization, if set),
-- counts answers whose status is not BENCH_STATUS, and prints one RESULT line.
wrk.method = "POST"
wrk.headers["Content-Type"] = os.getenv("BENCH_CONTENT_TYPE") or "application/json"
wrk.headers["Accept"] = "application/json, text/event-stream"
wrk.headers["MCP-Protocol-Version"] = "2025-11-25"
local auth = os.getenv("BENCH_AUTH")
if auth and auth ~= "" then wrk.headers["Authorization"] = auth end
wrk.body = os.getenv("BENCH_BODY")
local expected = tonumber(os.getenv("BENCH_STATUS") or "200")

local bad = 0
function response(status, headers, body)
    if status ~= expected then bad = bad + 1 end
end

function done(summary, latency, requests)
    io.write(string.format("RESULT requests=%d duration_us=%d p50_us=%d p99_us=%d errors=%d\n",
        summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
        summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
