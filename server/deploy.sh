#!/usr/bin/env bash
# Deploys server/template.yaml with the artifact server/package.sh built, then prints the stack's outputs.
#
# Usage: server/deploy.sh [--stack-name NAME] [--region REGION] [--s3-bucket BUCKET] [--dry-run]
#                         [Parameter=Value ...]
#   Parameters are the template's (DomainName=mcp.example.com CertificateArn=arn:... AlarmEmail=ops@example.com
#   WebAclArn=create AllowedIpCidrs=203.0.113.0/24 CreateTrail=true).
#   Uses the AWS SAM CLI when installed (it creates its own artifact bucket); otherwise the AWS CLI, which needs
#   --s3-bucket for the upload. --dry-run prints the commands instead of running them.
set -euo pipefail
cd "$(dirname "$0")"
stack=mcp-server
region=${AWS_REGION:-${AWS_DEFAULT_REGION:-}}
bucket=""
dry_run=false
overrides=()
while [ $# -gt 0 ]; do
    case "$1" in
        --stack-name) stack=$2; shift 2 ;;
        --region) region=$2; shift 2 ;;
        --s3-bucket) bucket=$2; shift 2 ;;
        --dry-run) dry_run=true; shift ;;
        -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
        *=*) overrides+=("$1"); shift ;;
        *) echo "deploy.sh: unknown argument $1" >&2; exit 2 ;;
    esac
done
[ -f dist/mcp-server.zip ] || { echo "deploy.sh: dist/mcp-server.zip is missing; run server/package.sh first" >&2; exit 1; }
architecture=$(cat dist/architecture 2>/dev/null || echo arm64)
# The function's architecture must be the one the binary was built for.
overrides=("Architecture=$architecture" "${overrides[@]}")
region_args=()
[ -n "$region" ] && region_args=(--region "$region")

run() {
    if $dry_run; then printf '%q ' "$@"; echo; else "$@"; fi
}

if command -v sam >/dev/null && [ -z "$bucket" ]; then
    run sam deploy --template-file template.yaml --stack-name "$stack" "${region_args[@]}" --resolve-s3 \
        --capabilities CAPABILITY_IAM CAPABILITY_AUTO_EXPAND --no-fail-on-empty-changeset \
        --parameter-overrides "${overrides[@]}"
else
    command -v aws >/dev/null || $dry_run || { echo "deploy.sh: install the AWS SAM CLI or the AWS CLI" >&2; exit 1; }
    [ -n "$bucket" ] || { echo "deploy.sh: without the SAM CLI, give --s3-bucket for the upload" >&2; exit 1; }
    run aws cloudformation package --template-file template.yaml --s3-bucket "$bucket" \
        --output-template-file dist/packaged.yaml "${region_args[@]}"
    run aws cloudformation deploy --template-file dist/packaged.yaml --stack-name "$stack" "${region_args[@]}" \
        --capabilities CAPABILITY_IAM CAPABILITY_AUTO_EXPAND --no-fail-on-empty-changeset \
        --parameter-overrides "${overrides[@]}"
fi
run aws cloudformation describe-stacks --stack-name "$stack" "${region_args[@]}" \
    --query 'Stacks[0].Outputs[].[OutputKey,OutputValue]' --output table
output() {  # OutputKey: its value, or nothing when the stack has no such output
    aws cloudformation describe-stacks --stack-name "$stack" "${region_args[@]}" \
        --query "Stacks[0].Outputs[?OutputKey=='$1'].OutputValue" --output text | sed 's/^None$//'
}
if ! $dry_run; then
    # McpUrl is the stack's only public front door: the WAF-protected REST API when there is a WAF.
    url=$(output McpUrl)
    base=$(output ApiBaseUrl)
    token_command=$(output RegistrationTokenCommand)
    echo
    echo "MCP endpoint: $url"
    if [ -n "$token_command" ]; then
        # Registration needs the initial access token the stack generated; print the command, never the token.
        echo "Read the registration token: $token_command"
        echo "Check it:     MCP_REGISTRATION_TOKEN=\$($token_command) server/smoke-test.sh $base"
        echo "Register:     (umask 077; $token_command > registration-token.txt)"
        echo "              mcp-bridge register $url --registration-token-file registration-token.txt"
        echo "Connect:      mcp-bridge install claude $url"
    else
        echo "Check it:     server/smoke-test.sh $base"
        echo "Connect:      mcp-bridge install claude $url"
    fi
fi
