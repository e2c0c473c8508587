#!/usr/bin/env bash
# Lambda mode, measured against a local Runtime API endpoint (bench/lambda_runtime.py): init time (process start
# to the first invocation/next), the first invocation, and warm per-invocation time (event handed out → response
# received, a tools/call of `echo`), for the packaged mcp-server (server/dist, run through its bootstrap with the
# bundled loader, as on Lambda) and the official Python SDK server in the Mangum style (bench/lambda_python_peer.py).
# Also prints the artifact's size.
#
# Usage: bench/lambda.sh [COLD_STARTS] [INVOCATIONS]      (defaults 20 and 2000; run server/package.sh first)
set -euo pipefail
cd "$(dirname "$0")/.."
cold=${1:-20}
invocations=${2:-2000}
scripts/setup-python.sh sdk
zip=server/dist/mcp-server.zip
[ -f "$zip" ] || { echo "bench/lambda.sh: run server/package.sh first" >&2; exit 1; }
task=$(mktemp -d)
trap 'rm -rf "$task"' EXIT
python3 -c 'import os, sys, zipfile
archive = zipfile.ZipFile(sys.argv[1])
for info in archive.infolist():
    os.chmod(archive.extract(info, sys.argv[2]), info.external_attr >> 16)' "$zip" "$task"
echo "artifact: $(stat -c %s "$zip" | awk '{ printf "%.1f MiB zipped", $1 / 1048576 }'), $(du -sb "$task" | awk '{ printf "%.1f MiB unzipped", $1 / 1048576 }')"
export MCP_SERVER_AUTH=none MCP_SERVER_STORE=sqlite MCP_SERVER_DATABASE=:memory: MCP_SERVER_LOG_LEVEL=warning
.venv/bin/python bench/lambda_runtime.py "mcp-server (bootstrap)" "$cold" "$invocations" -- "$task/bootstrap"
.venv/bin/python bench/lambda_runtime.py "python-sdk 2.3.0" "$cold" "$invocations" -- .venv/bin/python bench/lambda_python_peer.py
