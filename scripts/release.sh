#!/usr/bin/env bash
# Builds the Linux release of this machine's architecture: mcp-bridge and mcp-server in release mode with the Swift
# runtime linked in statically, stripped, each in its own tarball, with SHA256SUMS and a manifest, in dist/.
#
#   scripts/release.sh VERSION            (environment: SWIFT=swift, DIST=dist)
#
# VERSION must be what the binaries print for --version (RemoteMCP.version in Sources/MCPWire/MCP/RemoteMCP.swift),
# so a tarball never carries a binary that calls itself something else.
#
# Each binary is checked to run where no Swift is installed: it is started with `--version` inside a root
# directory that holds only the binary, the dynamic loader, the C libraries `ldd` names and /proc (chroot, with an
# empty environment), which is all a bare Debian, Ubuntu or Amazon Linux image has of them. Where chroot is not
# allowed (not root), the same files are used through the loader's --library-path instead. The manifest records the newest
# glibc symbol version each binary needs, which decides the oldest distribution it runs on.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
[ $# -eq 1 ] || { echo "usage: scripts/release.sh VERSION" >&2; exit 2; }
version=$1
[[ $version =~ ^[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?$ ]] || {
    echo "release.sh: VERSION must be a semantic version such as 1.2.3 (got $version)" >&2
    exit 2
}
swift=${SWIFT:-swift}
dist=${DIST:-dist}
fail() { echo "release.sh: FAILED: $*" >&2; exit 1; }
for tool in objdump readelf strip sha256sum tar python3; do
    command -v "$tool" >/dev/null || fail "$tool is missing (apt-get install binutils python3)"
done
declared=$(sed -n 's/.*public static let version = "\(.*\)".*/\1/p' Sources/MCPWire/MCP/RemoteMCP.swift)
[ "$declared" = "$version" ] \
    || fail "the sources say version $declared; set RemoteMCP.version in Sources/MCPWire/MCP/RemoteMCP.swift to $version first"

case "$(uname -m)" in
    x86_64) arch=x86_64 ;;
    aarch64 | arm64) arch=arm64 ;;
    *) fail "unsupported architecture $(uname -m)" ;;
esac
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$dist"

# The newest GLIBC_x.y symbol version an ELF file needs.
glibc_needed() {
    objdump -T "$1" 2>/dev/null | grep -o 'GLIBC_[0-9][0-9.]*' | sort -uV | tail -1 | sed 's/GLIBC_//'
}

# Runs `binary --version` with nothing but the libraries ldd names, each at the path the loader finds it on a real
# system, and /proc (the Swift runtime reads the arguments from /proc/self/cmdline: without it --version is lost).
run_bare() {
    local binary=$1 root="$work/root-$(basename "$1")" interpreter library chroot_binary status=0
    interpreter=$(readelf -l "$binary" | sed -n 's/.*Requesting program interpreter: \(.*\)]/\1/p')
    [ -n "$interpreter" ] || fail "$(basename "$binary") names no program interpreter"
    mkdir -p "$root/bin" "$root/proc" "$root$(dirname "$interpreter")"
    cp "$binary" "$root/bin/"
    cp -L "$interpreter" "$root$interpreter"
    while read -r library; do
        case "$(basename "$library")" in
            libswift* | libFoundation* | libdispatch* | libBlocksRuntime* | lib_FoundationICU*)
                fail "$(basename "$binary") loads $(basename "$library") from the Swift toolchain" ;;
        esac
        mkdir -p "$root$(dirname "$library")"
        cp -L "$library" "$root$library"
    done < <(ldd "$binary" | awk '/=> \// { print $3 }')
    chroot_binary=$(command -v chroot || true)
    if [ "$(id -u)" = 0 ] && [ -n "$chroot_binary" ] && mount --bind /proc "$root/proc" 2>/dev/null; then
        # An empty environment (env -i clears PATH, so chroot is named by its full path); the binary is started the
        # way a shell would start it, through its own program interpreter.
        env -i "$chroot_binary" "$root" "/bin/$(basename "$binary")" --version || status=$?
        umount "$root/proc"
        return "$status"
    fi
    # Not root, or no mount: the same files through the loader's --library-path, outside a chroot.
    local directories
    directories=$(ldd "$binary" | awk '/=> \// { print $3 }' | xargs -r -n1 dirname | sort -u | sed "s|^|$root|" | paste -sd: -)
    env -i "$root$interpreter" --library-path "$directories" "$root/bin/$(basename "$binary")" --version
}

manifest_entries=()
for product in mcp-bridge mcp-server; do
    echo "release.sh: building $product $version (release, static Swift runtime)" >&2
    SWIFT=$swift swift_release_build --product "$product" >&2
    built="$(SWIFT=$swift swift_release_build --show-bin-path)/$product"
    [ -x "$built" ] || fail "no binary at $built"

    name="$product-$version-linux-$arch"
    stage="$work/$name"
    mkdir -p "$stage"
    cp "$built" "$stage/$product"
    strip --strip-unneeded "$stage/$product"
    chmod 0755 "$stage/$product"

    reported=$(run_bare "$stage/$product") || fail "$product does not run with only its C libraries"
    [ "$reported" = "$version" ] || fail "$product --version printed '$reported', not $version"
    glibc=$(glibc_needed "$stage/$product")
    libraries=$(objdump -p "$stage/$product" | awk '/NEEDED/ { print $2 }' | sort | paste -sd, -)

    # Reproducible-ish: fixed owner and order, the binary's own mtime.
    tar --owner=0 --group=0 --numeric-owner --sort=name -C "$work" -czf "$work/$name.tar.gz" "$name"
    mv "$work/$name.tar.gz" "$dist/$name.tar.gz"
    size=$(stat -c %s "$stage/$product")
    echo "release.sh: $dist/$name.tar.gz: $product $reported, $((size / 1024 / 1024)) MiB stripped, needs glibc $glibc ($libraries)" >&2
    manifest_entries+=("$product|$name.tar.gz|$product|$size|$glibc|$libraries")
done

(
    cd "$dist"
    for entry in "${manifest_entries[@]}"; do
        sha256sum -- "$(echo "$entry" | cut -d'|' -f2)"
    done
) > "$work/SHA256SUMS"
mv "$work/SHA256SUMS" "$dist/SHA256SUMS"

python3 - "$dist" "$version" "$arch" "$("$swift" --version 2>/dev/null | head -1)" "${manifest_entries[@]}" <<'PY'
import hashlib, json, os, sys
dist, version, arch, toolchain, *entries = sys.argv[1:]
artifacts = []
for entry in entries:
    product, tarball, binary, size, glibc, libraries = entry.split("|")
    with open(os.path.join(dist, tarball), "rb") as f:
        digest = hashlib.sha256(f.read()).hexdigest()
    artifacts.append({
        "product": product,
        "file": tarball,
        "sha256": digest,
        "os": "linux",
        "arch": arch,
        "binary": f"{product}-{version}-linux-{arch}/{binary}",
        "binary_bytes": int(size),
        "swift_runtime": "static",
        "glibc_min": glibc,
        "needs": libraries.split(",") if libraries else [],
    })
manifest = {"version": version, "toolchain": toolchain, "artifacts": artifacts}
path = os.path.join(dist, "manifest.json")
with open(path + ".tmp", "w") as f:
    json.dump(manifest, f, indent=2)
    f.write("\n")
os.replace(path + ".tmp", path)
PY
(cd "$dist" && sha256sum -c SHA256SUMS >&2)
echo "release.sh: $dist/ holds the $arch release of $version" >&2
