#!/usr/bin/env bash
# Benchmarks mcp-server's `tools/call echo` over loopback against the official Python MCP SDK server,
# in one run: throughput and p50/p99 latency at concurrency 1 and 32 (wrk), and each server's peak RSS.
#
#   bench/server.sh [seconds-per-run]      (default 10)
#
# Builds a release mcp-server, installs wrk (Debian) and the pinned Python SDK (.venv) when missing,
# and prints a Markdown table to paste into README.md.
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${1:-10}

command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
scripts/setup-python.sh
swift build -c release --product mcp-server >&2
binary="$(swift build -c release --show-bin-path)/mcp-server"

work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

wait_ready() {  # url
    for _ in $(seq 1 200); do
        if curl -s -o /dev/null -X POST -H 'Content-Type: application/json' \
            -H 'Accept: application/json, text/event-stream' -d '{"jsonrpc":"2.0","id":0,"method":"tools/list"}' "$1"; then
            return 0
        fi
        sleep 0.05
    done
    echo "server at $1 did not come up" >&2
    exit 1
}

peak_rss_mib() { awk '/VmHWM/ { printf "%.1f", $2 / 1024 }' "/proc/$1/status"; }

run_wrk() {  # url connections threads
    wrk -t"$3" -c"$2" -d"${duration}s" --latency -s bench/tools_call.lua "$1" | grep '^RESULT'
}

measure() {  # name url pid
    local name=$1 url=$2 pid=$3
    wrk -t1 -c4 -d2s -s bench/tools_call.lua "$url" >/dev/null  # warm-up
    for connections in 1 32; do
        # One wrk thread: on 2 cores a second load thread only steals CPU from the server under test.
        local line
        line=$(run_wrk "$url" "$connections" 1)
        local requests duration_us p50 p99 errors
        requests=$(sed -E 's/.*requests=([0-9]+).*/\1/' <<<"$line")
        duration_us=$(sed -E 's/.*duration_us=([0-9]+).*/\1/' <<<"$line")
        p50=$(sed -E 's/.*p50_us=([0-9]+).*/\1/' <<<"$line")
        p99=$(sed -E 's/.*p99_us=([0-9]+).*/\1/' <<<"$line")
        errors=$(sed -E 's/.*errors=([0-9]+).*/\1/' <<<"$line")
        awk -v name="$name" -v c="$connections" -v r="$requests" -v d="$duration_us" -v p50="$p50" -v p99="$p99" \
            -v e="$errors" -v rss="$(peak_rss_mib "$pid")" \
            'BEGIN { printf "| %s | %d | %.0f | %.2f | %.2f | %d | %s |\n", name, c, r * 1e6 / d, p50 / 1e3, p99 / 1e3, e, rss }'
    done
}

echo "| server | concurrency | tools/call per s | p50 ms | p99 ms | errors | peak RSS MiB |"
echo "|---|---|---|---|---|---|---|"

port=$(free_port)
"$binary" serve --port "$port" --database "$work/bench.sqlite" 2>"$work/mcp-server.log" &
swift_pid=$!
wait_ready "http://127.0.0.1:$port/mcp"
measure "mcp-server (Swift, release)" "http://127.0.0.1:$port/mcp" "$swift_pid"
kill -TERM "$swift_pid"; wait "$swift_pid" || true

port=$(free_port)
.venv/bin/python bench/python_sdk_server.py "$port" >"$work/python.log" 2>&1 &
python_pid=$!
wait_ready "http://127.0.0.1:$port/mcp"
measure "Python MCP SDK $(.venv/bin/python -c 'import importlib.metadata as m; print(m.version("mcp"))')" \
    "http://127.0.0.1:$port/mcp" "$python_pid"
kill -TERM "$python_pid"; wait "$python_pid" || true

echo
echo "wrk ${duration}s per row on $(nproc) cores, $(uname -m); command: bench/server.sh $duration"
