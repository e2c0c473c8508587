#!/usr/bin/env bash
# Benchmarks the authorization server and what authentication costs on /mcp, in one run:
# registrations per second (POST /dcr, each one a durable SQLite write), tokens per second (POST /token:
# Basic auth, two rate-limit counters, an ES256 signature), and tools/call per second with a bearer token
# versus the same server with --auth none.
#
#   bench/auth.sh [seconds-per-row]      (default 10)
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${1:-10}
source bench/lib.sh
bench_setup
unlimited=(--registration-rate-limit 100000000 --token-rate-limit 100000000 --client-token-rate-limit 100000000)

echo "| what | concurrency | per s | p50 ms | p99 ms | errors |"
echo "|---|---|---|---|---|---|"

start_serving "$work/auth.log" "$binary" serve --port 0 --database "$work/auth.sqlite" "${unlimited[@]}"
pid=$ready_pid
base=${ready_url%/mcp}

BENCH_BODY='{"client_name":"bench","grant_types":["client_credentials"]}' BENCH_STATUS=201 BENCH_AUTH="" \
    wrk_row "registrations (POST /dcr)" "$base/dcr" 8

registration=$(curl -s -H 'Content-Type: application/json' -d '{"client_name":"bench"}' "$base/dcr")
id=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["client_id"])' "$registration")
secret=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["client_secret"])' "$registration")
basic="Basic $(printf '%s:%s' "$id" "$secret" | base64 -w0)"
BENCH_BODY="grant_type=client_credentials&resource=$base/mcp" BENCH_CONTENT_TYPE=application/x-www-form-urlencoded \
    BENCH_STATUS=200 BENCH_AUTH="$basic" wrk_row "tokens (POST /token)" "$base/token" 8

token=$(curl -s -H "Authorization: $basic" -d grant_type=client_credentials "$base/token" \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')
export BENCH_BODY=$BENCH_ECHO BENCH_STATUS=200 BENCH_CONTENT_TYPE=application/json
BENCH_AUTH="Bearer $token" warm_up "$base/mcp"
with_auth=$(BENCH_AUTH="Bearer $token" wrk_row "tools/call, auth on (ES256 JWT)" "$base/mcp" 32)
kill -TERM "$pid"; wait "$pid" || true

start_serving "$work/none.log" "$binary" serve --port 0 --database "$work/none.sqlite" --auth none
BENCH_AUTH="" warm_up "$ready_url"
without_auth=$(BENCH_AUTH="" wrk_row "tools/call, --auth none" "$ready_url" 32)
kill -TERM "$ready_pid"; wait "$ready_pid" || true

echo "$with_auth"
echo "$without_auth"
awk -v a="$with_auth" -v b="$without_auth" 'BEGIN { split(a, x, "|"); split(b, y, "|");
    printf "\nauth costs %.1f%% of tools/call throughput\n", (1 - x[4] / y[4]) * 100 }'
echo "wrk ${duration}s per row, one wrk thread, on $(nproc) cores, $(uname -m); command: bench/auth.sh $duration"
