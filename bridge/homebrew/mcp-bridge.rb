# Homebrew formula for mcp-bridge, installed from a GitHub release's prebuilt binaries. This is a template: the
# @...@ placeholders are filled in from a release (see README.md beside it), and the filled-in copy goes in a tap.
class McpBridge < Formula
  desc "Connect local MCP clients (Claude Desktop, Cursor, Claude Code) to remote MCP servers"
  homepage "https://github.com/@OWNER@/remote-mcp"
  version "@VERSION@"

  livecheck do
    url :stable
    strategy :github_latest
  end

  on_macos do
    # Built for macOS 14 and later (Package.swift: platforms: [.macOS(.v14)]).
    depends_on macos: :sonoma

    url "https://github.com/@OWNER@/remote-mcp/releases/download/v@VERSION@/mcp-bridge-@VERSION@-macos-universal.tar.gz"
    sha256 "@SHA256_MACOS@"
  end

  on_linux do
    on_intel do
      url "https://github.com/@OWNER@/remote-mcp/releases/download/v@VERSION@/mcp-bridge-@VERSION@-linux-x86_64.tar.gz"
      sha256 "@SHA256_LINUX_X86_64@"
    end
    on_arm do
      url "https://github.com/@OWNER@/remote-mcp/releases/download/v@VERSION@/mcp-bridge-@VERSION@-linux-arm64.tar.gz"
      sha256 "@SHA256_LINUX_ARM64@"
    end
  end

  def install
    bin.install "mcp-bridge"
  end

  test do
    assert_match version.to_s, shell_output("#{bin}/mcp-bridge --version")
  end
end
