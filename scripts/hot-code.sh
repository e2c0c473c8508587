#!/usr/bin/env bash
# Writes scripts/hot-code.order: the functions mcp-bridge and mcp-server run in ordinary use, which the shipped builds
# (swift_release_build in scripts/lib.sh) ask lld to place first and together (--symbol-ordering-file).
#
# Why: the kernel maps a program's code in 64 KiB windows around each page it touches (fault-around), and the
# linker otherwise lays functions out in link order, so the few thousand functions a bridge runs are spread over
# all 19 MiB of its code and most of that ends up resident. Placed together, they fill a few windows.
#
# How: both programs, built as they ship but not stripped, run under valgrind's callgrind, which records every
# function that runs: mcp-server serving (OAuth on) while mcp-bridge runs two host sessions against it, the first
# with an empty credential store (discovery, registration, a token) and the second with what the first stored. The
# file lists the symbols of those functions, each once, the bridge's first. A file older than the code is harmless:
# names that no longer exist are skipped, new functions land after the listed ones, and nothing but the layout
# changes. Run it again when the code a session runs has changed a lot (bench/footprint.sh shows the effect).
#
#   scripts/hot-code.sh [CALLS]    CALLS tool calls per session (default 20)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
calls=${1:-20}
command -v valgrind >/dev/null || { apt-get update -qq && apt-get install -y -qq valgrind >/dev/null; }
# Without the ordering file, so the profile names functions, not whatever an earlier order put first.
HOT_CODE_ORDER=none swift_release_build --product mcp-server >&2
HOT_CODE_ORDER=none swift_release_build --product mcp-bridge >&2
built=$(HOT_CODE_ORDER=none swift_release_build --show-bin-path)
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
# Without their DWARF (Debian 12's valgrind cannot read DWARF 5), keeping the symbol table it names functions by.
bin="$work/bin"
mkdir -p "$bin"
for product in mcp-server mcp-bridge; do strip --strip-debug -o "$bin/$product" "$built/$product"; done

# callgrind: function names only, not compressed, not demangled (lld matches the symbols' own names).
profile=(valgrind --tool=callgrind --quiet --compress-strings=no --compress-pos=no --dump-line=no --demangle=no)

start_serving "$work/server.log" "${profile[@]}" --callgrind-out-file="$work/server.out" \
    "$bin/mcp-server" serve --host 127.0.0.1 --port 0 --database "$work/server.sqlite" --log-level warning
server_pid=$ready_pid
for run in first cached; do
    MCP_BRIDGE_HOME="$work/bridge-home" python3 scripts/hot_code_session.py "$calls" -- \
        "${profile[@]}" --callgrind-out-file="$work/bridge-$run.out" \
        "$bin/mcp-bridge" "$ready_url" --credential-store file --log-level error
done
# SIGTERM: a graceful shutdown, after which callgrind writes its file.
kill -TERM "$server_pid"
wait "$server_pid" || true

python3 - "$bin" "$work"/bridge-first.out "$work"/bridge-cached.out "$work"/server.out > "$work/hot-code.order" <<'PY'
import os, sys
binaries = {os.path.realpath(os.path.join(sys.argv[1], name)) for name in ("mcp-bridge", "mcp-server")}
seen, order = set(), []
for path in sys.argv[2:]:
    current = None
    with open(path) as profile:
        for line in profile:
            # `ob=` names the object file the following `fn=` lines belong to; `cob=`/`cfn=` name callees,
            # which appear under their own `fn=` as well.
            if line.startswith("ob="):
                current = os.path.realpath(line[3:].strip())
            elif line.startswith("fn=") and current in binaries:
                name = line[3:].strip()
                # Valgrind's names for code without a symbol are addresses: nothing to order.
                if name and not name.startswith("0x") and name not in seen:
                    seen.add(name)
                    order.append(name)
if len(order) < 1000:
    sys.exit(f"hot-code.sh: only {len(order)} functions recorded; the profile is incomplete")
print("\n".join(order))
PY
mv "$work/hot-code.order" scripts/hot-code.order
echo "hot-code.sh: scripts/hot-code.order: $(wc -l < scripts/hot-code.order) functions, $(du -k scripts/hot-code.order | cut -f1) KiB" >&2
