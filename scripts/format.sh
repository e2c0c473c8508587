#!/usr/bin/env bash
# Formats every tracked and new Swift file in place, then fails on anything the formatter cannot fix.
set -euo pipefail
cd "$(dirname "$0")/.."
files() { git ls-files -z --cached --others --exclude-standard '*.swift'; }
files | xargs -0 swift format format --parallel --in-place
files | xargs -0 swift format lint --strict --parallel
