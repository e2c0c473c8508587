#!/usr/bin/env bash
# The whole test suite. A fresh Debian machine needs only the Swift toolchain and python3:
# this installs the rest (a venv with the pinned Python MCP SDK) and runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/format.sh --check
scripts/setup-python.sh
export REMOTE_MCP_PYTHON="$PWD/.venv/bin/python"
swift build --build-tests
swift test --disable-xctest
