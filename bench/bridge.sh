#!/usr/bin/env bash
# mcp-bridge against mcp-proxy and fastmcp-remote (both from PyPI, pinned in bench/requirements-peers.txt), each
# driven over stdio as a desktop app drives it, against the same release mcp-server with OAuth on.
# Usage: bench/bridge.sh [CALLS]   (sequential calls per bridge for the latency figures; default 2000)
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
calls=${1:-2000}
bench_setup
swift build -c release --product mcp-bridge >&2
bridge="$(swift build -c release --show-bin-path)/mcp-bridge"
scripts/setup-python.sh bench-peers
peers=.venv-bench-peers

start_serving "$work/server.log" "$binary" serve --host 127.0.0.1 --port 0 --database "$work/bench.sqlite" \
    --log-level warning
url=$ready_url
export MCP_BRIDGE_HOME="$work/bridge-home"
token=$("$bridge" token "$url" --log-level error)   # registers once; the credentials stay cached for the runs

echo "bench/bridge.sh $calls: $(nproc) cores, mcp-server $(git rev-parse --short HEAD) release, OAuth on"
echo
echo "| bridge | start to first answer, ms (median of 10) | call p50, ms | call p99, ms | added p50, ms | calls/s, 16 in flight | peak RSS, MiB | private, MiB |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
python3 bench/bridge_driver.py "mcp-bridge $(git rev-parse --short HEAD)" "$url" "$token" "$calls" -- \
    "$bridge" "$url" --log-level error
python3 bench/bridge_driver.py "mcp-proxy $("$peers/bin/pip" show mcp-proxy | awk '/^Version/ {print $2}')" "$url" "$token" "$calls" -- \
    "$peers/bin/mcp-proxy" --transport streamablehttp -H Authorization "Bearer $token" "$url"
python3 bench/bridge_driver.py "fastmcp-remote $("$peers/bin/pip" show fastmcp-remote | awk '/^Version/ {print $2}')" "$url" "$token" "$calls" -- \
    "$peers/bin/fastmcp-remote" --silent --header "Authorization: Bearer $token" "$url"
