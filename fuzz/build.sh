#!/usr/bin/env bash
# Builds the libFuzzer targets (-sanitize=fuzzer,address) into .build-fuzz/: MCPWire as an instrumented static
# library, then each target in fuzz/Targets with the few source files it exercises (the parsers it fuzzes have no
# dependency beyond MCPWire, so no package build is needed). Usage: fuzz/build.sh [TARGET...]
set -euo pipefail
cd "$(dirname "$0")/.."
out=.build-fuzz
mkdir -p "$out"
flags=(-sanitize=fuzzer,address -parse-as-library -O -g -swift-version 6)
quiet() { grep -v "Cannot export local symbol" >&2 || true; }

# Sources each target compiles in besides MCPWire.
sources() {
    case "$1" in
    sse) echo Sources/MCPBridgeCore/HTTP/SSEParser.swift ;;
    form) echo Sources/MCPServerCore/OAuth/FormURLEncoded.swift ;;
    headers) echo Sources/MCPBridgeCore/Auth/BearerChallenge.swift ;;
    lambda) echo Sources/MCPServerLambda/Events/LambdaHTTPRequest.swift Sources/MCPServerLambda/Events/LambdaHTTPResponse.swift \
        Sources/MCPServerLambda/Runtime/LambdaFunctionError.swift ;;
    jwt) echo Sources/MCPServerCore/Auth/AccessTokenEnvelope.swift ;;
    dbus) echo Sources/MCPBridgeCore/Secrets/DBus/DBus{Failure,Type,Value,Reader,Writer,Message}.swift ;;
    *) ;;
    esac
}

targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=($(ls fuzz/Targets | sed 's/\.swift$//'))

wire=(Sources/MCPWire/*/*.swift)
if [ ! -f "$out/libMCPWire.a" ] || [ -n "$(find "${wire[@]}" -newer "$out/libMCPWire.a" | head -n 1)" ]; then
    echo "building MCPWire (instrumented)"
    swiftc "${flags[@]}" -emit-library -static -emit-module -module-name MCPWire -enable-testing "${wire[@]}" \
        -emit-module-path "$out/MCPWire.swiftmodule" -o "$out/libMCPWire.a" 2>&1 | quiet
fi
for target in "${targets[@]}"; do
    echo "building fuzz-$target"
    # shellcheck disable=SC2046
    swiftc "${flags[@]}" -module-name "Fuzz_$target" -I "$out" "fuzz/Targets/$target.swift" $(sources "$target") \
        -L "$out" -lMCPWire -o "$out/fuzz-$target" 2>&1 | quiet
done
