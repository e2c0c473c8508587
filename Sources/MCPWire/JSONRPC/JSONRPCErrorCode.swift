/// A JSON-RPC error code, with the codes JSON-RPC 2.0 and MCP define.
public struct JSONRPCErrorCode: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    public let rawValue: Int

    public init(rawValue: Int) {
        self.rawValue = rawValue
    }

    /// Invalid JSON was received.
    public static let parseError = Self(rawValue: -32700)
    /// The JSON is not a valid JSON-RPC message.
    public static let invalidRequest = Self(rawValue: -32600)
    /// The method does not exist or is not available.
    public static let methodNotFound = Self(rawValue: -32601)
    /// Invalid method parameters (also "resource not found" from 2026-07-28 on).
    public static let invalidParams = Self(rawValue: -32602)
    /// Internal JSON-RPC error.
    public static let internalError = Self(rawValue: -32603)
    /// Legacy eras' "resource not found" (2025-11-25 and earlier).
    public static let resourceNotFound = Self(rawValue: -32002)
    /// 2026-07-28: the HTTP headers do not match the body, or a required header is missing.
    public static let headerMismatch = Self(rawValue: -32020)
    /// 2026-07-28: handling needs a client capability the request did not declare.
    public static let missingRequiredClientCapability = Self(rawValue: -32021)
    /// 2026-07-28: the requested protocol version is not supported; `data` lists the supported ones.
    public static let unsupportedProtocolVersion = Self(rawValue: -32022)

    public var description: String { String(self.rawValue) }
}
