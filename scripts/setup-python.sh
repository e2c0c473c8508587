#!/usr/bin/env bash
# Creates the venvs the tests use, from pinned requirements: .venv (the official MCP SDK, PyJWT) and .venv-moto
# (moto_server, the DynamoDB-compatible server). Idempotent: reinstalls only when a requirements file changed.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! python3 -m venv --help >/dev/null 2>&1 || ! python3 -c 'import ensurepip' >/dev/null 2>&1; then
    echo "setup-python: installing python3-venv" >&2
    apt-get update -qq && apt-get install -y -qq python3-venv >/dev/null
fi
make_venv() {  # directory requirements-file
    local venv=$1 requirements=$2 wanted
    wanted=$(sha256sum "$requirements" | cut -d' ' -f1)
    if [ -f "$venv/.requirements.sha256" ] && [ "$(cat "$venv/.requirements.sha256")" = "$wanted" ] \
        && [ -x "$venv/bin/python" ]; then
        return 0
    fi
    rm -rf "$venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$requirements"
    echo "$wanted" > "$venv/.requirements.sha256"
}
make_venv .venv Tests/Interop/requirements.txt
make_venv .venv-moto Tests/Interop/requirements-moto.txt
