/// Facts about this build of remote-mcp, the same for `mcp-server` and `mcp-bridge`.
public enum RemoteMCP {
    /// The version both executables print for `--version`, the server reports as `serverInfo` and the bridge
    /// sends as `software_version` and in its `User-Agent`.
    public static let version = "0.1.0"
}
