public import Foundation

/// The stderr line in which a child that serves says it listens, and where.
///
/// Children bind their port themselves (port 0 lets the kernel choose) and then report it. Choosing a free port
/// here and handing it over would leave a window in which a parallel test can take it. The line is matched whole,
/// because a marker found inside another line ("address already in use") once let a test talk to another test's
/// server.
///
/// Two forms are accepted: the helpers' (Python servers, moto) `ready port=N`, and mcp-server's own ready line,
/// which names its MCP URL, as text (`mcp-server ready: URL`) or as a JSON log object
/// (`"message":"mcp-server ready"`, `"mcp_url":URL`).
public struct ReadyLine: Sendable, Equatable {
    /// The loopback port the child listens on.
    public let port: Int
    /// The URL the child named, if it named one (mcp-server does).
    public let url: URL?

    /// The ready line `line` is, or `nil` if it is not one.
    public init?(_ line: String) {
        if line.hasPrefix("ready port="), let port = Int(line.dropFirst("ready port=".count)), port > 0 {
            self.port = port
            self.url = nil
            return
        }
        let named: String?
        if line.hasPrefix("mcp-server ready: ") {
            named = String(line.dropFirst("mcp-server ready: ".count))
        } else if line.hasPrefix("{"),
            let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
            object["message"] as? String == "mcp-server ready"
        {
            named = object["mcp_url"] as? String
        } else {
            named = nil
        }
        guard let named, let url = URL(string: named), let port = url.port, port > 0 else { return nil }
        self.port = port
        self.url = url
    }
}
