#!/usr/bin/env bash
# Benchmarks signing people in and what a person's token costs on /mcp, in one run against one server:
# - whole sign-ins per second: a fresh browser's GET /authorize, the password POST (bcrypt at the default cost 12,
#   which is the point: it is what a sign-in costs), the code's redirect and POST /token with the PKCE verifier;
# - a returning browser (session and consent remembered): GET /authorize straight to the code, and POST /token;
# - refresh-token rotations per second;
# - tools/call with a person's token (verifier checks person and grant family) versus a client_credentials token.
# The sign-in rows are driven by bench/signin_driver.py (standard-library Python, one thread per concurrent flow);
# the tools/call rows by wrk, as in bench/auth.sh.
#
#   bench/signin.sh [seconds-per-row]      (default 10)
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${1:-10}
source bench/lib.sh
bench_setup
# Throttles lifted: the benchmark signs one person in hundreds of times a minute from one address.
unlimited=(--registration-rate-limit 100000000 --token-rate-limit 100000000 --client-token-rate-limit 100000000
    --sign-in-rate-limit 100000000 --sign-in-ip-rate-limit 100000000)

printf 'a benchmark password\n' > "$work/password"
"$binary" users add alice --database "$work/signin.sqlite" --password-file "$work/password" >/dev/null
start_serving "$work/signin.log" "$binary" serve --port 0 --database "$work/signin.sqlite" "${unlimited[@]}"
pid=$ready_pid
base=${ready_url%/mcp}
redirect=http://127.0.0.1:9/callback
registration=$(curl -s -H 'Content-Type: application/json' -d '{"client_name":"bench host","application_type":"native",
    "redirect_uris":["'$redirect'"],"grant_types":["authorization_code","refresh_token"],
    "token_endpoint_auth_method":"none"}' "$base/dcr")
client=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["client_id"])' "$registration")

echo "| what | concurrency | per s | p50 ms | p99 ms | errors |"
echo "|---|---|---|---|---|---|"
python3 bench/signin_driver.py "$base" "$client" "$redirect" alice "a benchmark password" "$duration" 4 \
    > "$work/flows.txt"
grep '^|' "$work/flows.txt"
person_token=$(sed -n 's/^TOKEN //p' "$work/flows.txt")

registration=$(curl -s -H 'Content-Type: application/json' -d '{"client_name":"bench machine"}' "$base/dcr")
id=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["client_id"])' "$registration")
secret=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["client_secret"])' "$registration")
client_token=$(curl -s -u "$id:$secret" -d grant_type=client_credentials "$base/token" \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')

export BENCH_BODY=$BENCH_ECHO BENCH_STATUS=200 BENCH_CONTENT_TYPE=application/json
BENCH_AUTH="Bearer $person_token" warm_up "$base/mcp"
person=$(BENCH_AUTH="Bearer $person_token" wrk_row "tools/call, a person's token (authorization code)" "$base/mcp" 32)
BENCH_AUTH="Bearer $client_token" warm_up "$base/mcp"
machine=$(BENCH_AUTH="Bearer $client_token" wrk_row "tools/call, a client's token (client_credentials)" "$base/mcp" 32)
kill -TERM "$pid"; wait "$pid" || true

echo "$person"
echo "$machine"
awk -v a="$person" -v b="$machine" 'BEGIN { split(a, x, "|"); split(b, y, "|");
    printf "\na person'"'"'s token costs %.1f%% of tools/call throughput against a client'"'"'s\n", (1 - x[4] / y[4]) * 100 }'
echo "sign-in rows: 4 concurrent flows, ${duration}s each; wrk ${duration}s per row, one wrk thread;" \
    "on $(nproc) cores, $(uname -m); command: bench/signin.sh $duration"
