#!/usr/bin/env bash
# What the per-request access line costs: log bytes per 1,000 requests and throughput of authenticated
# `tools/call echo` at concurrency 32 (the load of the report that found 1.15 GB of logs in 4.3 minutes), for
# `--access-log all`, `sample:100` and the default (`errors`), each on a fresh server.
#
#   bench/access-log.sh [seconds-per-row]      (default 20)
#
# Installs wrk (Debian) when missing, builds release, and prints a Markdown table for README.md. Bytes are what the
# server wrote to stderr (JSON lines) while wrk ran, so start-up lines are not counted.
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${1:-20}
source bench/lib.sh
bench_setup
unlimited=(--registration-rate-limit 100000000 --token-rate-limit 100000000 --client-token-rate-limit 100000000)
connections=32

# start_server LOG ARGS...: starts mcp-server on a port the kernel picks, sets $pid and $base from its ready line.
start_server() {
    local log=$1
    shift
    start_serving "$log" "$binary" serve --port 0 --database "$work/$(basename "$log" .log).sqlite" \
        "${unlimited[@]}" "$@"
    pid=$ready_pid
    base=${ready_url%/mcp}
}

# bearer: registers a client and prints "Bearer <access token>".
bearer() {
    local registration id secret
    registration=$(curl -sf -H 'Content-Type: application/json' -d '{"client_name":"bench"}' "$base/dcr")
    id=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["client_id"])' "$registration")
    secret=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["client_secret"])' "$registration")
    curl -sf -u "$id:$secret" -d grant_type=client_credentials "$base/token" \
        | python3 -c 'import json,sys; print("Bearer " + json.load(sys.stdin)["access_token"])'
}

echo "| --access-log | tools/call per s | p50 ms | p99 ms | errors | log bytes per 1,000 requests |"
echo "|---|---|---|---|---|---|"
for policy in all sample:100 errors; do
    log="$work/server-${policy/:/-}.log"
    if [ "$policy" = errors ]; then
        start_server "$log"   # the default: no flag
    else
        start_server "$log" --access-log "$policy"
    fi
    export BENCH_BODY=$BENCH_ECHO BENCH_STATUS=200 BENCH_CONTENT_TYPE=application/json BENCH_AUTH
    BENCH_AUTH=$(bearer)
    warm_up "$base/mcp"
    before=$(stat -c %s "$log")
    result=$(wrk -t1 -c"$connections" -d"${duration}s" --latency -s bench/post.lua "$base/mcp" | grep '^RESULT')
    after=$(stat -c %s "$log")
    kill -TERM "$pid"; wait "$pid" || true
    label=$policy
    [ "$policy" = errors ] && label="errors (default)"
    awk -v name="$label" -v line="$result" -v bytes=$((after - before)) 'BEGIN {
        split(line, fields, " "); for (i in fields) { split(fields[i], kv, "="); v[kv[1]] = kv[2] }
        printf "| %s | %.0f | %.2f | %.2f | %d | %.0f |\n", name, v["requests"] * 1e6 / v["duration_us"],
            v["p50_us"] / 1e3, v["p99_us"] / 1e3, v["errors"], bytes * 1000 / v["requests"] }'
done

echo
echo "wrk ${duration}s per row, ${connections} connections, one wrk thread, bearer token (ES256), on $(nproc) cores," \
    "$(uname -m); command: bench/access-log.sh $duration"
