#!/usr/bin/env bash
# Formats every Swift file in place, then fails on anything the formatter cannot fix.
# With --check it changes nothing and fails when a file is not formatted (what the tests run).
set -euo pipefail
cd "$(dirname "$0")/.."
files() { git ls-files -z --cached --others --exclude-standard '*.swift'; }
if [ "${1:-}" = "--check" ]; then
    files | xargs -0 swift format lint --strict --parallel
else
    files | xargs -0 swift format format --parallel --in-place
    files | xargs -0 swift format lint --strict --parallel
fi
