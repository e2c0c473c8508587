#!/usr/bin/env bash
# Builds mcp-bridge in release mode and copies it into a bin directory (default ~/.local/bin).
# Usage: bridge/install.sh [BIN_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
bin_dir=${1:-"$HOME/.local/bin"}
swift build -c release --product mcp-bridge
built="$(swift build -c release --show-bin-path)/mcp-bridge"
mkdir -p "$bin_dir"
# Copy to a temporary name and rename, so a bridge the desktop app is running keeps its old file intact.
install -m 0755 "$built" "$bin_dir/.mcp-bridge.new"
mv -f "$bin_dir/.mcp-bridge.new" "$bin_dir/mcp-bridge"
"$bin_dir/mcp-bridge" --version >/dev/null
echo "Installed $bin_dir/mcp-bridge ($("$bin_dir/mcp-bridge" --version))."
case ":$PATH:" in
    *":$bin_dir:"*) ;;
    *) echo "Note: $bin_dir is not on your PATH; desktop apps need the absolute path anyway." ;;
esac
echo "Next: mcp-bridge doctor https://your-server/mcp, then mcp-bridge install claude https://your-server/mcp"
