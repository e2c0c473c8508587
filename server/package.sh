#!/usr/bin/env bash
# Builds server/dist/mcp-server.zip, the Lambda artifact for provided.al2023.
#
# A Swift release build made on Debian 12 needs newer glibc symbols (GLIBC_2.35 and up) than Amazon Linux 2023
# has (2.34), so the binary cannot use the system's C library there. The zip therefore carries, beside the
# binary (Swift runtime linked statically), the dynamic loader and the exact C libraries it was linked against,
# and `bootstrap` starts the binary through that loader. The only thing taken from the host is the kernel.
#
# The script checks its own output and fails loudly: every library the binary and the bundled libraries need is
# in the zip, no file needs a glibc symbol version the bundled libc lacks, and the staged bootstrap runs in an
# empty environment.
#
# Usage: server/package.sh [--configuration release|debug] [--runtime static|shared]   (environment: SWIFT=swift)
#
# --runtime shared links the Swift runtime and Foundation as shared libraries and bundles them in lib/ like the C
# libraries. The test suite packages its debug build that way: the build it already has for the tests cannot be
# relinked statically (a --static-swift-stdlib build compiles against another resource directory, which has no
# Testing module), and a second cold build would double the suite's time. What is deployed is the default: release,
# static runtime.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
configuration=release
runtime=static
while [ $# -gt 0 ]; do
    case "$1" in
        --configuration) configuration=$2; shift 2 ;;
        --runtime) runtime=$2; shift 2 ;;
        -h|--help) sed -n '2,21p' "$0"; exit 0 ;;
        *) echo "package.sh: unknown argument $1" >&2; exit 2 ;;
    esac
done
swift=${SWIFT:-swift}
fail() { echo "package.sh: FAILED: $*" >&2; exit 1; }
for tool in objdump readelf python3; do
    command -v "$tool" >/dev/null || fail "$tool is missing (apt-get install binutils python3)"
done

case "$configuration" in release|debug) ;; *) echo "package.sh: --configuration is release or debug" >&2; exit 2 ;; esac
case "$runtime" in static|shared) ;; *) echo "package.sh: --runtime is static or shared" >&2; exit 2 ;; esac
echo "package.sh: building mcp-server ($configuration, $runtime Swift runtime)" >&2
if [ "$configuration/$runtime" = release/static ]; then
    # As scripts/release.sh builds it, plus packed relative relocations (DT_RELR): 2.6 MB less to store and to
    # apply at every cold start. They need glibc 2.36, which the zip carries (the release tarballs stay at 2.35).
    relr=(-Xlinker -z -Xlinker pack-relative-relocs)
    # The zip carries the build machine's glibc: an older one (Ubuntu 22.04's 2.35) cannot load them.
    glibc=$(getconf GNU_LIBC_VERSION | awk '{ print $2 }')
    if [ "$(printf '%s\n%s\n' "$glibc" 2.36 | sort -V | head -1)" != 2.36 ]; then
        echo "package.sh: glibc $glibc here (< 2.36): no packed relative relocations" >&2
        relr=()
    fi
    SWIFT=$swift swift_release_build --product mcp-server ${relr[@]+"${relr[@]}"} >&2
    binary="$(SWIFT=$swift swift_release_build --show-bin-path)/mcp-server"
else
    runtime_flags=()
    [ "$runtime" = static ] && runtime_flags=(--static-swift-stdlib)
    "$swift" build -c "$configuration" --product mcp-server ${runtime_flags[@]+"${runtime_flags[@]}"} >&2
    binary="$("$swift" build -c "$configuration" --show-bin-path)/mcp-server"
fi
[ -x "$binary" ] || fail "no binary at $binary"

stage=server/.build/lambda
rm -rf "$stage"
mkdir -p "$stage/lib" server/dist
cp "$binary" "$stage/mcp-server"
strip --strip-unneeded "$stage/mcp-server" 2>/dev/null || true

interpreter=$(readelf -l "$binary" | sed -n 's/.*Requesting program interpreter: \(.*\)]/\1/p')
[ -n "$interpreter" ] || fail "the binary names no program interpreter"
loader=$(basename "$interpreter")

# The libraries the binary loads, resolved the way the loader would, and the loader itself.
ldd "$binary" | awk '/=> \// { print $3 }' | while read -r library; do
    cp -L "$library" "$stage/lib/$(basename "$library")"
done
cp -L "$interpreter" "$stage/lib/$loader"

cat > "$stage/bootstrap" <<BOOTSTRAP
#!/bin/sh
# Starts mcp-server through the loader and C libraries it was built against (see server/package.sh).
here=\$(dirname "\$0")
exec "\$here/lib/$loader" --library-path "\$here/lib" "\$here/mcp-server" "\$@"
BOOTSTRAP
chmod 0755 "$stage/bootstrap" "$stage/mcp-server" "$stage/lib/$loader"

# --- Checks ---
# 1. Every DT_NEEDED of every ELF file is in lib/.
for file in "$stage/mcp-server" "$stage"/lib/*; do
    for needed in $(objdump -p "$file" | awk '/NEEDED/ { print $2 }'); do
        [ -e "$stage/lib/$needed" ] || fail "$(basename "$file") needs $needed, which is not in the zip"
    done
done
# 2. No file needs a GLIBC_x.y the bundled libc does not define.
defined=$(objdump -p "$stage/lib/libc.so.6" | awk '/Version definitions/,/Version References/' \
    | grep -o 'GLIBC_[0-9.]*' | sort -uV)
highest_defined=$(echo "$defined" | tail -1)
highest_needed=GLIBC_2.0
for file in "$stage/mcp-server" "$stage"/lib/*; do
    for version in $(objdump -T "$file" 2>/dev/null | grep -o 'GLIBC_[0-9][0-9.]*' | sort -uV); do
        grep -qx "$version" <<< "$defined" || fail "$(basename "$file") needs $version; bundled libc has up to $highest_defined"
        highest_needed=$(printf '%s\n%s\n' "$highest_needed" "$version" | sort -V | tail -1)
    done
done
# 3. Show why the bundle is needed, against Amazon Linux 2023's glibc 2.34.
if [ "$(printf '%s\n%s\n' "$highest_needed" GLIBC_2.34 | sort -V | tail -1)" != GLIBC_2.34 ]; then
    echo "package.sh: the zip's files need up to $highest_needed (> GLIBC_2.34 of provided.al2023): bundled libc provides it" >&2
fi
# 4. The staged bootstrap runs with nothing from the environment.
version=$(env -i "$stage/bootstrap" --version) || fail "the staged bootstrap does not run"
[ -n "$version" ] || fail "the staged bootstrap printed no version"

# Zip with Unix modes kept (bootstrap must stay executable), files in a stable order.
zip_path=server/dist/mcp-server.zip
python3 - "$stage" "$zip_path" <<'PY'
import os, sys, zipfile
stage, target = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
    for root, dirs, files in os.walk(stage):
        dirs.sort()
        for name in sorted(files):
            path = os.path.join(root, name)
            info = zipfile.ZipInfo.from_file(path, os.path.relpath(path, stage))
            info.compress_type = zipfile.ZIP_DEFLATED
            with open(path, "rb") as source:
                archive.writestr(info, source.read(), compresslevel=9)
PY
unzipped=$(du -sb "$stage" | cut -f1)
zipped=$(stat -c %s "$zip_path")
[ "$unzipped" -lt 262144000 ] || fail "unzipped size $unzipped exceeds Lambda's 250 MB"
arch=$(uname -m); [ "$arch" = aarch64 ] && arch=arm64
echo "$arch" > server/dist/architecture
echo "package.sh: $zip_path ($arch, mcp-server $version): $((zipped / 1024 / 1024)) MiB zipped, $((unzipped / 1024 / 1024)) MiB unzipped; checks passed" >&2
