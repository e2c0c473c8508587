public import MCPWire

/// Everything that can go wrong between the host and the server, each with a message a person can act on.
public enum BridgeError: Error, Sendable, CustomStringConvertible {
    /// Bad flags, URLs or files: nothing was sent.
    case configuration(String)
    /// The server could not be reached at all (DNS, refused, TLS), after retrying.
    case unreachable(String)
    /// The server stayed silent longer than `--timeout`.
    case timeout(String)
    /// The connection broke after the request was sent: it may or may not have been handled.
    case connectionLost(String)
    /// Authorization failed (discovery, registration, token, or the token was refused).
    case authorization(String)
    /// The server answered, but not with something the MCP transport allows.
    case protocolViolation(String)
    /// An HTTP error status without a JSON-RPC answer.
    case httpStatus(Int, String)
    /// The bridge is shutting down (stdin closed) and stopped waiting.
    case shuttingDown
    /// A person has not finished signing in yet; the text says where (a URL, or a URL and a code).
    case signInRequired(String)

    public var description: String {
        switch self {
        case .configuration(let detail): detail
        case .unreachable(let detail): "server unreachable: \(detail)"
        case .timeout(let detail): "timed out: \(detail)"
        case .connectionLost(let detail): "connection to the server lost: \(detail)"
        case .authorization(let detail):
            "authorization failed: \(detail). Run `mcp-bridge doctor <url>` to see which step fails"
        case .protocolViolation(let detail): "the server broke the MCP transport rules: \(detail)"
        case .httpStatus(let status, let detail):
            "the server answered HTTP \(status)\(detail.isEmpty ? "" : ": \(detail)")"
        case .shuttingDown: "the bridge is shutting down (the client closed stdin)"
        case .signInRequired(let whereTo): "not signed in yet: \(whereTo), then try again"
        }
    }

    /// The JSON-RPC error the host receives for a request this error ended. Codes stay in the range JSON-RPC
    /// reserves for implementation errors below MCP's own (-32020 and up); `data.kind` says which failure it was.
    public var jsonRPCError: JSONRPCError {
        let (code, kind): (JSONRPCErrorCode, String) =
            switch self {
            case .configuration: (JSONRPCErrorCode(rawValue: -32603), "configuration")
            case .unreachable: (JSONRPCErrorCode(rawValue: -32000), "unreachable")
            case .timeout: (JSONRPCErrorCode(rawValue: -32001), "timeout")
            case .connectionLost: (JSONRPCErrorCode(rawValue: -32000), "connection-lost")
            case .authorization: (JSONRPCErrorCode(rawValue: -32003), "authorization")
            case .protocolViolation: (JSONRPCErrorCode(rawValue: -32603), "bad-server-response")
            case .httpStatus: (JSONRPCErrorCode(rawValue: -32000), "http-error")
            case .shuttingDown: (JSONRPCErrorCode(rawValue: -32000), "shutting-down")
            case .signInRequired: (JSONRPCErrorCode(rawValue: -32003), "sign-in-required")
            }
        return JSONRPCError(code: code, message: "mcp-bridge: \(self.description)", data: ["kind": .string(kind)])
    }
}
