#!/usr/bin/env bash
# Smoke test of a deployed (or local) mcp-server: register a client, get a token, initialize, list and call a
# tool, read and delete the client, and check that its token is refused afterwards. Every status is checked.
#
# Usage: server/smoke-test.sh BASE_URL      e.g. https://abc123.execute-api.eu-west-1.amazonaws.com
#        (the MCP endpoint is BASE_URL/mcp; needs curl and python3)
#   With RegistrationPolicy=token (the template's default), put the initial access token in
#   MCP_REGISTRATION_TOKEN (the stack's output RegistrationTokenCommand prints it):
#        MCP_REGISTRATION_TOKEN=$(aws secretsmanager get-secret-value --secret-id ARN --query SecretString \
#            --output text) server/smoke-test.sh BASE_URL
set -euo pipefail
base=${1:?usage: smoke-test.sh BASE_URL}
base=${base%/}
base=${base%/mcp}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# The token goes to curl in a header file, not on its command line, where other users' `ps` would see it.
registration_auth=()
if [ -n "${MCP_REGISTRATION_TOKEN:-}" ]; then
    printf 'Authorization: Bearer %s\n' "$MCP_REGISTRATION_TOKEN" > "$work/registration-header"
    registration_auth=(-H "@$work/registration-header")
fi

# request METHOD PATH [curl args...]: sets $status and writes the body to $work/body.
request() {
    local method=$1 path=$2
    shift 2
    status=$(curl -sS -o "$work/body" -w '%{http_code}' -X "$method" --max-time 30 "$@" "$base$path") || status=000
}
expect() {  # expected-status label
    if [ "$status" = "$1" ]; then
        echo "ok   $2 ($status)"
    else
        echo "FAIL $2: HTTP $status, expected $1: $(head -c 400 "$work/body")" >&2
        exit 1
    fi
}
field() {  # python expression on the JSON body as `j`
    python3 -c "import json,sys; j=json.load(open(sys.argv[1])); print($1)" "$work/body"
}
mcp() {  # json-rpc-body [token]
    request POST /mcp -H 'Content-Type: application/json' -H 'Accept: application/json, text/event-stream' \
        -H 'MCP-Protocol-Version: 2025-06-18' -H "Authorization: Bearer $2" --data "$1"
}

request POST /dcr -H 'Content-Type: application/json' ${registration_auth[@]+"${registration_auth[@]}"} \
    --data '{"client_name":"smoke-test","grant_types":["client_credentials"],"token_endpoint_auth_method":"client_secret_basic"}'
expect 201 "register a client (POST /dcr)"
client_id=$(field 'j["client_id"]')
client_secret=$(field 'j["client_secret"]')
management_token=$(field 'j["registration_access_token"]')

resource=$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$base/mcp")
request POST /token -u "$client_id:$client_secret" -H 'Content-Type: application/x-www-form-urlencoded' \
    --data "grant_type=client_credentials&resource=$resource"
expect 200 "client_credentials token (POST /token)"
access_token=$(field 'j["access_token"]')
[ "$(field 'j["token_type"]')" = Bearer ] || { echo "FAIL token_type is not Bearer" >&2; exit 1; }

mcp '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"smoke-test","version":"1"}}}' "$access_token"
expect 200 "initialize"
[ "$(field 'j["result"]["protocolVersion"]')" = 2025-06-18 ] || { echo "FAIL initialize result" >&2; exit 1; }

mcp '{"jsonrpc":"2.0","method":"notifications/initialized"}' "$access_token"
expect 202 "notifications/initialized"

mcp '{"jsonrpc":"2.0","id":2,"method":"tools/list"}' "$access_token"
expect 200 "tools/list"
tools=$(field 'len(j["result"]["tools"])')
[ "$tools" -gt 0 ] || { echo "FAIL tools/list returned no tools" >&2; exit 1; }

mcp '{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"echo","arguments":{"text":"smoke"}}}' "$access_token"
expect 200 "tools/call echo"
[ "$(field 'j["result"]["content"][0]["text"]')" = smoke ] || { echo "FAIL echo answered $(cat "$work/body")" >&2; exit 1; }

request GET "/clients/$client_id" -H "Authorization: Bearer $management_token"
expect 200 "read the client (GET /clients/{id})"
[ "$(field 'j["client_id"]')" = "$client_id" ] || { echo "FAIL wrong client" >&2; exit 1; }

request DELETE "/clients/$client_id" -H "Authorization: Bearer $management_token"
expect 204 "delete the client (DELETE /clients/{id})"

# Other warm instances may trust a verified token for a few seconds before re-checking its client.
for attempt in $(seq 1 15); do
    mcp '{"jsonrpc":"2.0","id":4,"method":"tools/list"}' "$access_token"
    [ "$status" = 401 ] && break
    sleep 1
done
expect 401 "the deleted client's token is refused"
echo "smoke test passed against $base"
