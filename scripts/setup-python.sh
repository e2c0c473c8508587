#!/usr/bin/env bash
# Creates .venv with the pinned Python packages the tests use (the official MCP SDK, PyJWT).
# Idempotent: reinstalls only when the requirements file changed.
set -euo pipefail
cd "$(dirname "$0")/.."
requirements=Tests/Interop/requirements.txt
stamp=.venv/.requirements.sha256
wanted=$(sha256sum "$requirements" | cut -d' ' -f1)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$wanted" ] && [ -x .venv/bin/python ]; then
    exit 0
fi
if ! python3 -m venv --help >/dev/null 2>&1 || ! python3 -c 'import ensurepip' >/dev/null 2>&1; then
    echo "setup-python: installing python3-venv" >&2
    apt-get update -qq && apt-get install -y -qq python3-venv >/dev/null
fi
rm -rf .venv
python3 -m venv .venv
.venv/bin/pip install --quiet --disable-pip-version-check -r "$requirements"
echo "$wanted" > "$stamp"
