#!/usr/bin/env bash
# Benchmarks mcp-server's `tools/call echo` over loopback against the official Python MCP SDK server,
# in one run: throughput and p50/p99 latency at concurrency 1 and 32 (wrk), and each server's peak RSS.
#
#   bench/server.sh [seconds-per-row]      (default 10)
#
# Installs wrk (Debian) and the pinned Python SDK (.venv) when missing, builds release, and prints a
# Markdown table for README.md. Both servers run without authentication (see bench/auth.sh for its cost).
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${1:-10}
source bench/lib.sh
bench_setup
export BENCH_BODY=$BENCH_ECHO BENCH_STATUS=200 BENCH_AUTH=""

echo "| server | concurrency | tools/call per s | p50 ms | p99 ms | errors | peak RSS MiB |"
echo "|---|---|---|---|---|---|---|"

start_serving "$work/mcp-server.log" "$binary" serve --port 0 --database "$work/bench.sqlite" --auth none
url=$ready_url
warm_up "$url"
for connections in 1 32; do
    wrk_row "mcp-server (Swift, release)" "$url" "$connections" " $(peak_rss_mib "$ready_pid") |"
done
kill -TERM "$ready_pid"; wait "$ready_pid" || true

start_serving "$work/python.log" .venv/bin/python bench/python_sdk_server.py 0
url=$ready_url/mcp
warm_up "$url"
version=$(.venv/bin/python -c 'import importlib.metadata as m; print(m.version("mcp"))')
for connections in 1 32; do
    wrk_row "Python MCP SDK $version" "$url" "$connections" " $(peak_rss_mib "$ready_pid") |"
done
kill -TERM "$ready_pid"; wait "$ready_pid" || true

echo
echo "wrk ${duration}s per row, one wrk thread, on $(nproc) cores, $(uname -m); command: bench/server.sh $duration"
