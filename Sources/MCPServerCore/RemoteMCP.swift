/// Facts about this build of remote-mcp.
public enum RemoteMCP {
    /// The version `mcp-server --version` prints and `serverInfo` reports.
    public static let version = "0.1.0"
}
