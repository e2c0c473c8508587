/// The `Bearer` challenge of a `WWW-Authenticate` header (RFC 6750 §3, RFC 9728 §5.1).
public struct BearerChallenge: Sendable, Hashable {
    /// The auth-params, names lower-cased.
    public var parameters: [String: String]

    public var error: String? { self.parameters["error"] }
    public var scope: String? { self.parameters["scope"] }
    public var resourceMetadata: String? { self.parameters["resource_metadata"] }

    public init(parameters: [String: String]) {
        self.parameters = parameters
    }

    /// The first `Bearer` challenge among the header values, or `nil` when there is none. Handles several
    /// challenges in one value, quoted strings with escapes, and token68 forms.
    public init?(headerValues: [String]) {
        for value in headerValues {
            if let challenge = Self.parse(Array(value.utf8)) {
                self = challenge
                return
            }
        }
        return nil
    }

    private static func parse(_ bytes: [UInt8]) -> BearerChallenge? {
        var index = 0
        func skipSpaces() { while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x09 { index += 1 } }
        func token() -> String {
            let start = index
            while index < bytes.count, Self.isTokenByte(bytes[index]) { index += 1 }
            return String(decoding: bytes[start..<index], as: UTF8.self)
        }
        var current: [String: String]?
        var inBearer = false
        while index < bytes.count {
            skipSpaces()
            if index < bytes.count, bytes[index] == UInt8(ascii: ",") {
                index += 1
                continue
            }
            let name = token()
            guard !name.isEmpty else {
                index += 1
                continue
            }
            skipSpaces()
            if index < bytes.count, bytes[index] == UInt8(ascii: "=") {
                // name=value: an auth-param of the current challenge (or token68 padding, ignored).
                index += 1
                skipSpaces()
                var value = ""
                if index < bytes.count, bytes[index] == UInt8(ascii: "\"") {
                    index += 1
                    var raw: [UInt8] = []
                    while index < bytes.count, bytes[index] != UInt8(ascii: "\"") {
                        if bytes[index] == UInt8(ascii: "\\"), index + 1 < bytes.count { index += 1 }
                        raw.append(bytes[index])
                        index += 1
                    }
                    index += 1
                    value = String(decoding: raw, as: UTF8.self)
                } else {
                    // Unquoted: RFC 7235 allows only token characters, but servers send `scope=mcp:read` too.
                    let start = index
                    while index < bytes.count, bytes[index] != UInt8(ascii: ","), bytes[index] != 0x20,
                        bytes[index] != 0x09
                    {
                        index += 1
                    }
                    value = String(decoding: bytes[start..<index], as: UTF8.self)
                }
                if inBearer { current?[name.lowercased()] = value }
            } else {
                // A new challenge scheme.
                if inBearer, let current { return BearerChallenge(parameters: current) }
                inBearer = name.lowercased() == "bearer"
                current = inBearer ? [:] : nil
            }
        }
        if inBearer, let current { return BearerChallenge(parameters: current) }
        return nil
    }

    private static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        default:
            Array("!#$%&'*+-.^_`|~/".utf8).contains(byte)
        }
    }
}
