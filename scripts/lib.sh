# Shared by scripts/test.sh, scripts/release.sh, server/package.sh and bench/*.sh. Source it; it defines functions only.

# swift_release_build [ARGUMENTS...]: `swift build` as the shipped binaries are built: release, the Swift runtime
# linked statically, and every function and data object in a section of its own, so the linker's --gc-sections (which
# SwiftPM passes) drops what nothing uses: 3 MB of mcp-server and 6 MB of mcp-bridge, mostly in our dependencies,
# which is why these are command-line flags and not Package.swift settings (those reach our own targets only).
# scripts/release.sh, server/package.sh and bench/footprint.sh build with it, so they do not recompile each other's
# objects (bench/lib.sh's shared-runtime build still does). $SWIFT overrides the swift command.
# On Linux, lld places the functions scripts/hot-code.order lists (what a session runs) first and together, so fewer
# pages of code become resident (see scripts/hot-code.sh); HOT_CODE_ORDER=none links without it.
swift_release_build() {
    local order=() file
    file="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/hot-code.order"
    if [ "$(uname -s)" = Linux ] && [ "${HOT_CODE_ORDER:-}" != none ] && [ -f "$file" ]; then
        order=(-Xlinker "--symbol-ordering-file=$file" -Xlinker --no-warn-symbol-ordering)
    fi
    "${SWIFT:-swift}" build -c release --static-swift-stdlib \
        -Xswiftc -Xfrontend -Xswiftc -function-sections -Xcc -ffunction-sections -Xcc -fdata-sections \
        ${order[@]+"${order[@]}"} "$@"
}

# start_serving LOG COMMAND [ARGUMENTS...]
# Starts COMMAND in the background with its stderr in LOG, and returns once the command says it is ready: a line
# that is exactly `ready port=N` (the test helpers, moto) or mcp-server's own ready line (`mcp-server ready: URL` as
# text, or the JSON log object with "message":"mcp-server ready" and its "mcp_url"). The command binds its port
# itself (pass it port 0), so no port is guessed and none is polled: the lines are read as they are written
# (`tail -F`, woken by inotify). Sets $ready_pid, $ready_port and $ready_url (http://127.0.0.1:N for helpers).
# Fails, showing LOG's last lines, if the command exits first or says nothing for 60 s.
start_serving() {
    local log=$1 line fd tail_pid deadline
    shift
    ready_pid="" ready_port="" ready_url=""
    : > "$log"
    # Straight into the file, so LOG holds exactly what the command wrote, when it wrote it.
    "$@" 2>>"$log" &
    ready_pid=$!
    exec {fd}< <(exec tail -n +1 -F --pid="$ready_pid" "$log" 2>/dev/null)
    tail_pid=$!
    deadline=$((SECONDS + 60))
    while [ $SECONDS -lt $deadline ] && IFS= read -r -t $((deadline - SECONDS)) -u "$fd" line; do
        if [[ $line =~ ^ready\ port=([0-9]+)$ ]]; then
            ready_port=${BASH_REMATCH[1]} ready_url="http://127.0.0.1:$ready_port"
        elif [[ $line =~ ^mcp-server\ ready:\ (http://[^[:space:]]+)$ ]]; then
            ready_url=${BASH_REMATCH[1]}
        elif [[ $line == "{"* && $line == *'"message":"mcp-server ready"'* && $line =~ \"mcp_url\":\"([^\"]+)\" ]]; then
            ready_url=${BASH_REMATCH[1]//\\\//\/}
        fi
        if [ -z "$ready_port" ] && [[ $ready_url =~ ^http://[^/]+:([0-9]+)(/|$) ]]; then
            ready_port=${BASH_REMATCH[1]}
        fi
        [ -n "$ready_port" ] && break
    done
    kill "$tail_pid" 2>/dev/null || true
    exec {fd}<&-
    if [ -z "$ready_port" ]; then
        echo "not ready: $* (pid $ready_pid); last lines of $log:" >&2
        tail -n 20 "$log" >&2
        kill "$ready_pid" 2>/dev/null || true
        return 1
    fi
}
