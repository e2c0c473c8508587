import MCPCommandLine

/// `--log-format`: how log lines are written.
enum LogFormat: String, CaseInsensitiveArgument, Sendable, Hashable {
    /// One JSON object per line, for CloudWatch and log pipelines.
    case json
    /// swift-log's plain lines, for people.
    case text
}
