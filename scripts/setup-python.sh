#!/usr/bin/env bash
# Creates the Python venvs the tests and benchmarks use, each from its pinned requirements file, and only when that
# file changed since (idempotent). The one place a script makes a venv.
#
#   scripts/setup-python.sh [VENV...]      (default: sdk moto)
#
#   sdk          .venv              the official MCP SDK and PyJWT (Tests/Interop/requirements.txt), and Selenium and
#                                   oidc-provider-mock for the sign-in tests (Tests/Interop/requirements-browser.txt)
#   moto         .venv-moto         moto_server and cfn-lint (Tests/Interop/requirements-moto.txt)
#   bench-peers  .venv-bench-peers  mcp-proxy and fastmcp-remote for bench/bridge.sh (bench/requirements-peers.txt)
set -euo pipefail
cd "$(dirname "$0")/.."
if ! python3 -m venv --help >/dev/null 2>&1 || ! python3 -c 'import ensurepip' >/dev/null 2>&1; then
    echo "setup-python: installing python3-venv" >&2
    apt-get update -qq && apt-get install -y -qq python3-venv >/dev/null
fi
make_venv() {  # directory requirements-file...  (installed together: pip checks that their pins agree)
    local venv=$1 wanted file requirements=()
    shift
    for file in "$@"; do requirements+=(-r "$file"); done
    # One file hashes as sha256sum of it alone did, so the venvs made before keep their stamp.
    wanted=$(cat "$@" | sha256sum | cut -d' ' -f1)
    if [ -f "$venv/.requirements.sha256" ] && [ "$(cat "$venv/.requirements.sha256")" = "$wanted" ] \
        && [ -x "$venv/bin/python" ]; then
        return 0
    fi
    rm -rf "$venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check "${requirements[@]}"
    echo "$wanted" > "$venv/.requirements.sha256"
}
[ $# -gt 0 ] || set -- sdk moto
for name in "$@"; do
    case "$name" in
        sdk) make_venv .venv Tests/Interop/requirements.txt Tests/Interop/requirements-browser.txt ;;
        moto) make_venv .venv-moto Tests/Interop/requirements-moto.txt ;;
        bench-peers) make_venv .venv-bench-peers bench/requirements-peers.txt ;;
        *) echo "setup-python: unknown venv $name (sdk, moto, bench-peers)" >&2; exit 2 ;;
    esac
done
