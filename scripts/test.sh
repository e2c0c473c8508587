#!/usr/bin/env bash
# The whole test suite: what CI runs, and the one command for it. A fresh Debian machine needs only the Swift
# toolchain and python3; this installs the rest. It runs in stages, each named with its time in seconds:
#
#   1 format   swift format lint (scripts/format.sh --check)
#   2 tests    swift build --build-tests, then every test that needs nothing from outside the package (no Python,
#              no moto_server, no packaged artifact: those skip themselves here)
#   3 interop  exactly the tests stage 2 skipped, with what they need: the pinned Python MCP SDK, Selenium and
#              oidc-provider-mock (.venv), headless Chromium and chromedriver (Debian's), moto_server and cfn-lint
#              (.venv-moto), and the packaged Lambda artifact (server/package.sh)
#   4 fuzz     each libFuzzer target for FUZZ_SECONDS (default 20; 0 skips the stage) from its corpus
#              (fuzz/run.sh), half of the targets on each of two cores
#
# The venvs and Debian packages are installed in the background from the start, so the downloads overlap the build.
# The last line is always "N passed, N failed" (the tests of stages 2 and 3; a stage that fails without failing
# tests, such as format, a build or a fuzz crash, counts as one failure), and the exit status is non-zero if anything
# failed.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
fuzz_seconds=${FUZZ_SECONDS:-20}
results=.build/test-results
mkdir -p "$results"
rm -f "$results"/*.xml
passed=0 failed=0 stage_name="" stage_start=0

summary() {
    local status=$?
    if [ -n "$stage_name" ]; then
        echo "== $stage_name: FAILED after $((SECONDS - stage_start)) s"
        # A stage that failed with every test passing (or before any ran) still fails the run.
        [ "$failed" -gt 0 ] || failed=1
    fi
    # moto_server, and the venv set-up if it is still going; reaped here so no job notice follows the last line.
    jobs -p | xargs -r kill 2>/dev/null || true
    wait 2>/dev/null || true
    echo "$passed passed, $failed failed"
    exit "$status"
}
trap summary EXIT

stage() {  # NAME: starts a stage
    stage_name=$1 stage_start=$SECONDS
    echo "== $stage_name"
}

stage_done() {
    echo "== $stage_name: $((SECONDS - stage_start)) s"
    stage_name=""
}

# swift_test NAME [ARGUMENTS...]: runs the built tests, writing $results/NAME.xml, and adds its passed and failed
# tests (skipped ones are neither) to the totals; returns swift test's status.
swift_test() {
    local name=$1 status=0 counts
    shift
    swift test --skip-build --disable-xctest --xunit-output "$results/$name.xml" "$@" || status=$?
    counts=$(python3 - "$results/$name.xml" <<'PY'
import sys, xml.etree.ElementTree as tree
try:
    cases = list(tree.parse(sys.argv[1]).getroot().iter("testcase"))
except (OSError, tree.ParseError):
    cases = []  # the test process died before finishing it: its stage fails and counts one failure
passed = failed = 0
for case in cases:
    if case.find("failure") is not None or case.find("error") is not None:
        failed += 1
    elif case.find("skipped") is None:
        passed += 1
print(passed, failed)
PY
)
    passed=$((passed + ${counts% *})) failed=$((failed + ${counts#* }))
    return "$status"
}

# openssl makes the certificates of the mutual-TLS tests (stage 2). Installed before the set-up below starts: apt-get
# does not run twice at once.
command -v openssl >/dev/null || { apt-get update -qq && apt-get install -y -qq openssl >/dev/null; }

# What stage 3 needs from outside, installed while stages 1 and 2 run: objdump for package.sh, headless Chromium and
# its chromedriver for the sign-in tests (Tests/Interop/browser.py; without the recommended desktop packages, which
# headless Chromium does not load, but with the Liberation fonts its screenshots use), and the venvs. One apt-get
# for all of it, and only for what is missing.
(
    packages=()
    command -v objdump >/dev/null || packages+=(binutils)
    [ -x /usr/lib/chromium/chromium ] || packages+=(chromium)
    [ -x /usr/bin/chromedriver ] || packages+=(chromium-driver)
    [ -d /usr/share/fonts/truetype/liberation ] || packages+=(fonts-liberation)
    { command -v dbus-daemon && command -v gnome-keyring-daemon && command -v secret-tool; } >/dev/null \
        || packages+=(dbus gnome-keyring libsecret-tools)
    if [ ${#packages[@]} -gt 0 ]; then
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
    fi
    scripts/setup-python.sh sdk moto
) > .build/setup-python.log 2>&1 &
setup_pid=$!

stage "1/4 format"
scripts/format.sh --check
stage_done

stage "2/4 build and tests (no Python, no moto)"
swift build --build-tests
# Nothing from the caller's environment may switch the interop tests on here.
unset REMOTE_MCP_PYTHON REMOTE_MCP_DYNAMODB_ENDPOINT REMOTE_MCP_LAMBDA_PACKAGE REMOTE_MCP_CFN_LINT
swift_test tests
stage_done

stage "3/4 interop (Python MCP SDK, moto_server, cfn-lint, packaged Lambda artifact)"
wait "$setup_pid" || { cat .build/setup-python.log; exit 1; }
start_serving .build/moto_server.log .venv-moto/bin/python Tests/Interop/moto_server.py 0
export REMOTE_MCP_DYNAMODB_ENDPOINT=$ready_url
export REMOTE_MCP_PYTHON=$PWD/.venv/bin/python
export REMOTE_MCP_CFN_LINT=$PWD/.venv-moto/bin/cfn-lint
# The Lambda artifact, packaged from the debug build stage 2 made (its Swift runtime bundled as shared libraries, see
# server/package.sh), checked by package.sh itself and run by the tests from the unzipped zip. Packaging the release
# build would add a second cold build, as long as all of stage 2.
server/package.sh --configuration debug --runtime shared
export REMOTE_MCP_LAMBDA_PACKAGE=$PWD/server/dist/mcp-server.zip
# The tests stage 2 skipped, one filter each ("Module.Suite/test(_:)").
mapfile -t filters < <(python3 - "$results/tests.xml" <<'PY'
import re, sys, xml.etree.ElementTree as tree
for case in tree.parse(sys.argv[1]).getroot().iter("testcase"):
    if case.find("skipped") is not None:
        print("^" + re.escape(case.get("classname") + "/" + case.get("name")))
PY
)
# The DynamoDB tests first, in a run of their own: moto_server answers one request at a time, and beside the browser,
# keyring and Python suites its queue grew past the client's timeouts (whose retries then applied writes twice).
dynamodb=() others=()
for filter in "${filters[@]}"; do
    if [[ $filter == *DynamoDB* ]]; then dynamodb+=("$filter"); else others+=("$filter"); fi
done
interop_status=0
if [ ${#filters[@]} -eq 0 ]; then
    echo "stage 2 skipped no test: nothing to run here"
fi
if [ ${#dynamodb[@]} -gt 0 ]; then
    swift_test interop-dynamodb "${dynamodb[@]/#/--filter=}" || interop_status=$?
fi
if [ ${#others[@]} -gt 0 ]; then
    swift_test interop "${others[@]/#/--filter=}" || interop_status=$?
fi
[ "$interop_status" -eq 0 ] || exit "$interop_status"
stage_done

if [ "$fuzz_seconds" -gt 0 ]; then
    stage "4/4 fuzz (${fuzz_seconds} s per target)"
    mapfile -t targets < <(ls fuzz/Targets | sed 's/\.swift$//')
    half=$(((${#targets[@]} + 1) / 2))
    # The instrumented MCPWire first: the two runs below would both build it otherwise.
    fuzz/build.sh "${targets[0]}"
    fuzz/run.sh "$fuzz_seconds" "${targets[@]:0:half}" &
    first_half=$!
    fuzz_status=0
    fuzz/run.sh "$fuzz_seconds" "${targets[@]:half}" || fuzz_status=$?
    wait "$first_half" || fuzz_status=$?
    [ "$fuzz_status" -eq 0 ] || exit "$fuzz_status"
    stage_done
fi
