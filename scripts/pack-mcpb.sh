#!/usr/bin/env bash
# Packs mcp-bridge into a Claude Desktop extension (an MCP Bundle: a zip with manifest.json at its root).
#
#   scripts/pack-mcpb.sh VERSION BINARY OUT.mcpb
#
#   VERSION   the bundle's version, semver (1.2.3, 1.2.3-rc.1): replaces the "0.0.0" in bridge/mcpb/manifest.json
#   BINARY    the mcp-bridge executable built for the target platform (the bundle holds it as server/mcp-bridge)
#   OUT.mcpb  where to write the bundle; written under a temporary name, then renamed
#
# Needs only bash and python3 (no zip package). Prints the bundle's sha256. Validate it with
#   .venv/bin/python Tests/Interop/check_mcpb.py bridge/mcpb/schema/mcpb-manifest-v0.3.schema.json OUT.mcpb
set -euo pipefail
if [ $# -ne 3 ]; then
    echo "usage: $0 VERSION BINARY OUT.mcpb" >&2
    exit 2
fi
version=$1 binary=$2 out=$3
root="$(cd "$(dirname "$0")/.." && pwd)"
manifest="$root/bridge/mcpb/manifest.json"
if ! [[ $version =~ ^[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$ ]]; then
    echo "pack-mcpb: VERSION must be semver such as 1.2.3, not '$version'" >&2
    exit 2
fi
if [ ! -f "$binary" ] || [ ! -x "$binary" ]; then
    echo "pack-mcpb: $binary is not an executable file" >&2
    exit 2
fi
if [ -d "$out" ]; then
    echo "pack-mcpb: $out is a directory; give the bundle's file name" >&2
    exit 2
fi
out_dir=$(dirname "$out")
if [ ! -d "$out_dir" ]; then
    echo "pack-mcpb: directory $out_dir does not exist" >&2
    exit 2
fi

staging=$(mktemp -d)
partial=""
cleanup() {
    rm -rf "$staging"
    if [ -n "$partial" ]; then rm -f "$partial"; fi
}
trap cleanup EXIT

mkdir -p "$staging/server"
python3 -c '
import json, sys
source, version, target = sys.argv[1:]
with open(source, encoding="utf-8") as f:
    manifest = json.load(f)
found = manifest.get("version")
if found != "0.0.0":
    sys.exit(f"pack-mcpb: {source} has version {found!r}, expected the placeholder 0.0.0")
manifest["version"] = version
with open(target, "w", encoding="utf-8") as f:
    json.dump(manifest, f, indent=2, ensure_ascii=False)
    f.write("\n")
' "$manifest" "$version" "$staging/manifest.json"
cp "$binary" "$staging/server/mcp-bridge"
chmod 0755 "$staging/server/mcp-bridge"

# In the output's directory, so the rename below is atomic; removed by the trap if anything fails first.
partial=$(mktemp "$out_dir/.$(basename "$out").XXXXXX")
python3 -c '
import shutil, sys, time, zipfile
staging, target = sys.argv[1:]
# Fixed order; the build time as every entry time, so two packs of the same inputs differ only in it.
stamp = time.localtime()[:6]
entries = [("manifest.json", 0o100644), ("server/mcp-bridge", 0o100755)]
with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
    for name, mode in entries:
        info = zipfile.ZipInfo(name, date_time=stamp)
        info.create_system = 3  # Unix, so hosts that unpack it apply the mode below
        info.external_attr = mode << 16
        info.compress_type = zipfile.ZIP_DEFLATED
        with open(f"{staging}/{name}", "rb") as source, bundle.open(info, "w") as entry:
            shutil.copyfileobj(source, entry, 1 << 20)
with zipfile.ZipFile(target) as bundle:
    bad = bundle.testzip()
    if bad is not None:
        sys.exit(f"pack-mcpb: {bad} is corrupt in the written bundle")
' "$staging" "$partial"
chmod 0644 "$partial"
mv -f "$partial" "$out"
partial=""
# sha256sum's format; python3, because macOS has shasum instead.
python3 -c '
import hashlib, sys
digest = hashlib.sha256()
with open(sys.argv[1], "rb") as f:
    for block in iter(lambda: f.read(1 << 20), b""):
        digest.update(block)
print(f"{digest.hexdigest()}  {sys.argv[1]}")
' "$out"
