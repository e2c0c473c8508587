import MCPWire

/// Ids of the JSON-RPC requests the bridge makes itself (to the server while translating, to the host for input):
/// `mcp-bridge-<random>-<purpose>-<n>`, with a random part per process, so neither a host nor a server can pick an
/// id that collides with one, or answer a question the bridge has not asked yet.
enum BridgeIDs {
    static let prefix: String = {
        var bytes = [UInt8](repeating: 0, count: 8)
        for index in bytes.indices { bytes[index] = UInt8.random(in: 0...255) }
        return "mcp-bridge-" + Hex.encode(bytes)
    }()

    static func make(_ purpose: String, _ number: Int) -> JSONRPCID {
        JSONRPCID("\(Self.prefix)-\(purpose)-\(number)")
    }
}
