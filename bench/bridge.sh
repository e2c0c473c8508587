#!/usr/bin/env bash
# mcp-bridge against mcp-proxy and fastmcp-remote (both from PyPI, pinned in bench/requirements-peers.txt), each
# driven over stdio as a desktop app drives it, against the same release mcp-server with OAuth on.
# A second server serves only 2026-07-28: the "translated" row is mcp-bridge between a legacy host (the driver) and
# it, translating every message; its added p50 is against direct 2026-07-28 calls to that server.
# BASELINE_BRIDGE=PATH adds a row for another mcp-bridge binary (an earlier commit's release build), for an A/B in
# the same run.
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

# alice signs in through the browser flow once (Tests/Interop/signin_browser.py as $BROWSER), so the "person" row
# measures a bridge that starts from a person's cached sign-in and calls with a person's token.
printf 'correct horse battery staple' > "$work/alice.password"
"$binary" users add alice --database "$work/bench.sqlite" --password-file "$work/alice.password" >/dev/null 2>&1
start_serving "$work/server.log" "$binary" serve --host 127.0.0.1 --port 0 --database "$work/bench.sqlite" \
    --log-level warning
url=$ready_url
export MCP_BRIDGE_HOME="$work/bridge-home"
token=$("$bridge" token "$url" --log-level error)   # registers once; the credentials stay cached for the runs
start_serving "$work/modern.log" "$binary" serve --host 127.0.0.1 --port 0 --database "$work/modern.sqlite" \
    --log-level warning --protocol-versions 2026-07-28
modern_url=$ready_url
modern_token=$("$bridge" token "$modern_url" --log-level error)
scripts/setup-python.sh sdk
printf '#!/bin/sh\nexec "%s" "%s" "$@"\n' "$PWD/.venv/bin/python" "$PWD/Tests/Interop/signin_browser.py" > "$work/browser"
chmod +x "$work/browser"
person_home="$work/bridge-home-person"
BROWSER="$work/browser" SIGNIN_BROWSER_LOG="$work/browser.log" MCP_BRIDGE_HOME="$person_home" \
    "$bridge" login "$url" --auth browser --credential-store file --log-level error >/dev/null
person_token=$(MCP_BRIDGE_HOME="$person_home" "$bridge" token "$url" --auth browser --credential-store file --log-level error)

echo "bench/bridge.sh $calls: $(nproc) cores, mcp-server $(git rev-parse --short HEAD) release, OAuth on"
echo
echo "| bridge | start to first answer, ms (median of 10) | call p50, ms | call p99, ms | added p50, ms | calls/s, 16 in flight | peak RSS, MiB | anonymous, MiB |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
python3 bench/bridge_driver.py "mcp-bridge $(git rev-parse --short HEAD)" "$url" "$token" "$calls" -- \
    "$bridge" "$url" --log-level error
MCP_BRIDGE_HOME="$person_home" python3 bench/bridge_driver.py \
    "mcp-bridge $(git rev-parse --short HEAD), a person signed in (browser, cached)" "$url" "$person_token" "$calls" -- \
    "$bridge" "$url" --auth browser --credential-store file --log-level error
if [ -n "${BASELINE_BRIDGE:-}" ]; then
    python3 bench/bridge_driver.py "mcp-bridge baseline (${BASELINE_LABEL:-$BASELINE_BRIDGE})" "$url" "$token" "$calls" -- \
        "$BASELINE_BRIDGE" "$url" --log-level error
fi
python3 bench/bridge_driver.py "mcp-bridge $(git rev-parse --short HEAD), translated (legacy host, 2026-07-28 server)" \
    "$modern_url" "$modern_token" "$calls" --modern-server -- "$bridge" "$modern_url" --log-level error
python3 bench/bridge_driver.py "mcp-proxy $("$peers/bin/pip" show mcp-proxy | awk '/^Version/ {print $2}')" "$url" "$token" "$calls" -- \
    "$peers/bin/mcp-proxy" --transport streamablehttp -H Authorization "Bearer $token" "$url"
python3 bench/bridge_driver.py "fastmcp-remote $("$peers/bin/pip" show fastmcp-remote | awk '/^Version/ {print $2}')" "$url" "$token" "$calls" -- \
    "$peers/bin/fastmcp-remote" --silent --header "Authorization: Bearer $token" "$url"
