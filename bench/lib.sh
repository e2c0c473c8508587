# Shared by the bench scripts: build, servers, wrk runs. Source it; it defines functions only.
# Servers are started with scripts/lib.sh's start_serving: on port 0, ready when they say so.
source scripts/lib.sh

bench_setup() {  # installs what the benchmarks need and builds the release binary; sets $binary and $work
    command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
    scripts/setup-python.sh sdk
    swift build -c release --product mcp-server >&2
    binary="$(swift build -c release --show-bin-path)/mcp-server"
    work=$(mktemp -d)
    trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
}

peak_rss_mib() { awk '/VmHWM/ { printf "%.1f", $2 / 1024 }' "/proc/$1/status"; }

# wrk_row LABEL URL CONNECTIONS [EXTRA] — one Markdown table row from bench/post.lua's RESULT line.
# BENCH_BODY, BENCH_CONTENT_TYPE, BENCH_AUTH and BENCH_STATUS configure the request (see post.lua).
# One wrk thread: on 2 cores a second load thread only steals CPU from the server under test.
wrk_row() {
    local line
    line=$(wrk -t1 -c"$3" -d"${duration}s" --latency -s bench/post.lua "$2" | grep '^RESULT')
    awk -v name="$1" -v c="$3" -v extra="${4:-}" -v line="$line" 'BEGIN {
        split(line, fields, " "); for (i in fields) { split(fields[i], kv, "="); v[kv[1]] = kv[2] }
        printf "| %s | %d | %.0f | %.2f | %.2f | %d |%s\n", name, c, v["requests"] * 1e6 / v["duration_us"],
            v["p50_us"] / 1e3, v["p99_us"] / 1e3, v["errors"], extra }'
}

warm_up() { wrk -t1 -c4 -d2s -s bench/post.lua "$1" >/dev/null; }

export BENCH_ECHO='{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"echo","arguments":{"text":"hello, benchmark"}}}'
