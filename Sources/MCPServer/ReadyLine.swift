import MCPServerCore
import MCPWire

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The one stderr line that says the server is ready and where; scripts wait for it.
///
/// Written whatever the log level, in the chosen log format, and the only line that contains the MCP URL.
enum ReadyLine {
    static func announce(mcpURL: URL, format: LogFormat) {
        let line: String
        switch format {
        case .json:
            let members: [String: JSONValue] = [
                "timestamp": .string(LogTimestamp.now()),
                "level": "notice",
                "message": "mcp-server ready",
                "mcp_url": .string(mcpURL.absoluteString),
                "logger": "mcp.server",
            ]
            line = JSONValue.object(members).serializedString()
        case .text:
            line = "mcp-server ready: \(mcpURL.absoluteString)"
        }
        StandardStream.error.write(line + "\n")
    }
}
