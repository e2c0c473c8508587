#!/usr/bin/env bash
# The whole test suite. A fresh Debian machine needs only the Swift toolchain and python3:
# this installs the rest (venvs with the pinned Python MCP SDK and moto_server, which brings cfn-lint; binutils),
# builds the Lambda artifact and runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/format.sh --check
scripts/setup-python.sh
export REMOTE_MCP_PYTHON="$PWD/.venv/bin/python"
# moto_server on a free loopback port for the DynamoDB store tests; stopped when this script ends.
moto_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
mkdir -p .build
.venv-moto/bin/python Tests/Interop/moto_server.py "$moto_port" > .build/moto_server.log 2>&1 &
moto_pid=$!
trap 'kill $moto_pid 2>/dev/null || true' EXIT
python3 - "$moto_port" <<'PY'
import socket, sys, time
for _ in range(300):
    try:
        socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=1).close()
        sys.exit(0)
    except OSError:
        time.sleep(0.1)
sys.exit("moto_server did not start; see .build/moto_server.log")
PY
export REMOTE_MCP_DYNAMODB_ENDPOINT="http://127.0.0.1:$moto_port"
# The Lambda artifact: a release build with the loader and C libraries it needs, checked by package.sh itself
# and run by the tests from the unzipped artifact.
command -v objdump >/dev/null || { apt-get update -qq && apt-get install -y -qq binutils >/dev/null; }
server/package.sh
export REMOTE_MCP_LAMBDA_PACKAGE="$PWD/server/dist/mcp-server.zip"
swift build --build-tests
swift test --disable-xctest
