#!/usr/bin/env bash
# Size and memory, this tree against a baseline tree (an earlier commit), in one run, every binary a release build:
#   - the Lambda artifact (server/package.sh: static Swift runtime, stripped, bundled loader and C libraries):
#     zipped and unzipped size, init p50 and warm invocation p50 (bench/lambda_runtime.py);
#   - mcp-bridge, built with the static Swift runtime (what scripts/release.sh ships) and with the shared one: file
#     size, start to first answer, added p50 per call, peak RSS and anonymous memory (bench/bridge_driver.py, against
#     this tree's mcp-server with OAuth on);
#   - mcp-server (the static binary of each tree): tools/call per second over 32 connections (wrk, auth off).
#
# Usage: bench/footprint.sh BASELINE_DIR [CALLS] [SECONDS]
#   BASELINE_DIR  a checkout of the commit to compare with (git worktree add /tmp/baseline 2c3621f); built here
#   CALLS         sequential calls per bridge for the latency figures (default 2000)
#   SECONDS       wrk seconds per server row (default 10)
# Each tree builds twice: .build (static runtime; server/package.sh's build) and .build-dynamic (the bridge only).
set -euo pipefail
cd "$(dirname "$0")/.."
baseline=$(cd "${1:?usage: bench/footprint.sh BASELINE_DIR [CALLS] [SECONDS]}" && pwd)
calls=${2:-2000}
duration=${3:-10}
source bench/lib.sh
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
scripts/setup-python.sh sdk
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT

mib() { awk -v bytes="$1" 'BEGIN { printf "%.1f", bytes / 1048576 }'; }

# static_build TREE ARGUMENTS...: TREE's static release build as its own scripts/release.sh makes it (with its
# swift_release_build where it has one).
static_build() {
    local tree=$1
    shift
    (
        cd "$tree"
        unset -f swift_release_build
        source scripts/lib.sh
        if declare -F swift_release_build >/dev/null; then
            swift_release_build "$@"
        else
            swift build -c release --static-swift-stdlib "$@"
        fi
    )
}

# build TREE NAME: the tree's Lambda zip and its static and dynamic bridges, copied under $work/NAME.
build() {
    local tree=$1 name=$2
    mkdir -p "$work/$name"
    (cd "$tree" && server/package.sh >&2)
    cp "$tree/server/dist/mcp-server.zip" "$work/$name/mcp-server.zip"
    static_build "$tree" --product mcp-bridge >&2
    static_build "$tree" --product mcp-server >&2
    cp "$(static_build "$tree" --show-bin-path)/mcp-bridge" "$work/$name/mcp-bridge-static"
    cp "$(static_build "$tree" --show-bin-path)/mcp-server" "$work/$name/mcp-server-static"
    (cd "$tree" && swift build -c release --product mcp-bridge --scratch-path .build-dynamic >&2)
    cp "$(cd "$tree" && swift build -c release --scratch-path .build-dynamic --show-bin-path)/mcp-bridge" "$work/$name/mcp-bridge-dynamic"
    strip --strip-unneeded "$work/$name/mcp-bridge-static" "$work/$name/mcp-bridge-dynamic"
    # Written back before they run: pages of a file still dirty in the page cache count as the process's own.
    sync
    python3 -c 'import os, sys, zipfile
archive = zipfile.ZipFile(sys.argv[1])
for info in archive.infolist():
    os.chmod(archive.extract(info, sys.argv[2]), info.external_attr >> 16)' "$work/$name/mcp-server.zip" "$work/$name/lambda"
}
build "$baseline" baseline
build . current
baseline_label="baseline $(git -C "$baseline" rev-parse --short HEAD)"
current_label="$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- Sources Package.swift || echo '+changes')"

echo "bench/footprint.sh $calls $duration: $(nproc) cores, $(uname -m); $current_label against $baseline_label"
echo
echo "### Lambda artifact (server/package.sh)"
echo
echo "| build | zipped, MiB | unzipped, MiB | mcp-server in it, MiB | init p50, ms | init min, ms | invocation p50, ms |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"
export MCP_SERVER_AUTH=none MCP_SERVER_STORE=sqlite MCP_SERVER_DATABASE=:memory: MCP_SERVER_LOG_LEVEL=warning
for name in baseline current; do
    label=$([ "$name" = baseline ] && echo "$baseline_label" || echo "$current_label")
    figures=$(.venv/bin/python bench/lambda_runtime.py "$name" 20 1000 -- "$work/$name/lambda/bootstrap")
    python3 - "$figures" "$label" "$(stat -c %s "$work/$name/mcp-server.zip")" \
        "$(du -sb "$work/$name/lambda" | cut -f1)" "$(stat -c %s "$work/$name/lambda/mcp-server")" <<'ROW'
import json, sys
f = json.loads(sys.argv[1])
zipped, unzipped, binary = (int(value) / 1048576 for value in sys.argv[3:6])
print(f"| {sys.argv[2]} | {zipped:.1f} | {unzipped:.1f} | {binary:.1f} | {f['init_ms_p50']:.1f} "
      f"| {f['init_ms_min']:.1f} | {f['invocation_ms_p50']:.3f} |")
ROW
done
unset MCP_SERVER_AUTH MCP_SERVER_STORE MCP_SERVER_DATABASE MCP_SERVER_LOG_LEVEL

echo
echo "### mcp-bridge (stripped), against this tree's mcp-server with OAuth on"
echo
server="$work/current/mcp-server-static"
start_serving "$work/server.log" "$server" serve --host 127.0.0.1 --port 0 --database "$work/bench.sqlite" \
    --log-level warning
url=$ready_url
export MCP_BRIDGE_HOME="$work/bridge-home"
token=$("$work/current/mcp-bridge-static" token "$url" --log-level error)
echo "| bridge | start to first answer, ms (median of 10) | call p50, ms | call p99, ms | added p50, ms | calls/s, 16 in flight | peak RSS, MiB | anonymous, MiB |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
for name in baseline current; do
    label=$([ "$name" = baseline ] && echo "$baseline_label" || echo "$current_label")
    for runtime in dynamic static; do
        binary="$work/$name/mcp-bridge-$runtime"
        python3 bench/bridge_driver.py "$label, $runtime Swift runtime, $(mib "$(stat -c %s "$binary")") MiB" \
            "$url" "$token" "$calls" -- "$binary" "$url" --log-level error
    done
done
kill -TERM "$ready_pid"; wait "$ready_pid" || true

echo
echo "### mcp-server tools/call (static binary, auth off, wrk ${duration}s, 32 connections)"
echo
echo "| server | concurrency | tools/call per s | p50 ms | p99 ms | errors | peak RSS MiB |"
echo "|---|---|---|---|---|---|---|"
export BENCH_BODY=$BENCH_ECHO BENCH_STATUS=200 BENCH_AUTH=""
for name in baseline current; do
    label=$([ "$name" = baseline ] && echo "$baseline_label" || echo "$current_label")
    start_serving "$work/$name-serve.log" "$work/$name/mcp-server-static" serve --port 0 \
        --database "$work/$name-serve.sqlite" --auth none
    warm_up "$ready_url"
    wrk_row "mcp-server $label" "$ready_url" 32 " $(peak_rss_mib "$ready_pid") |"
    kill -TERM "$ready_pid"; wait "$ready_pid" || true
done
echo
echo "command: bench/footprint.sh $baseline $calls $duration"
