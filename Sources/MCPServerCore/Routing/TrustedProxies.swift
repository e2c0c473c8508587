public import HTTPTypes
public import MCPWire

/// The proxies whose `X-Forwarded-For` / `Forwarded` headers are believed (`--trusted-proxy`).
///
/// A forwarded address is honoured only when the TCP peer is one of these proxies; then the client is the
/// right-most address in the chain that is not itself a trusted proxy (the left part of the chain is whatever
/// the client chose to send). `X-Forwarded-For` is read when present, because that is what most proxies
/// append to; `Forwarded` (RFC 7239) only when it is absent. A proxy that writes `Forwarded` must therefore
/// drop a client's `X-Forwarded-For`.
public struct TrustedProxies: Sendable, Hashable {
    public let networks: [IPNetwork]

    public init(_ networks: [IPNetwork] = []) {
        self.networks = networks
    }

    /// No proxy is trusted: the peer is the client.
    public static let none = TrustedProxies()

    /// `true` when `address` is one of the trusted proxies.
    public func trusts(_ address: IPAddress) -> Bool {
        self.networks.contains { $0.contains(address) }
    }

    /// The caller's address: the peer's, or, from a trusted peer, the right-most untrusted forwarded address.
    /// - Returns: the address as text (canonical when it parses), or `nil` when the peer is unknown.
    public func clientAddress(peer: String?, headers: HTTPFields) -> String? {
        guard let peer else { return nil }
        guard !self.networks.isEmpty, let peerAddress = IPAddress(peer), self.trusts(peerAddress) else { return peer }
        let chain: [Substring]
        let forwardedFor = headers[values: .xForwardedFor]
        if !forwardedFor.isEmpty {
            chain = forwardedFor.flatMap { $0.split(separator: ",") }
        } else {
            chain = headers[values: .forwarded].flatMap { Self.forwardedFor($0) }
        }
        var client = peerAddress
        for entry in chain.reversed() {
            // An entry that is not an address (`unknown`, an obfuscated name, garbage) ends the trusted part:
            // nothing to its left can be believed, so the last trusted hop's view stands.
            guard let address = Self.address(entry) else { break }
            client = address
            if !self.trusts(address) { break }
        }
        return client.description
    }

    /// An address from one chain entry: `1.2.3.4`, `1.2.3.4:567`, `[::1]:80`, `"[::1]"`, `::1`.
    static func address(_ entry: Substring) -> IPAddress? {
        var text = entry.trimmingSpaces()
        if text.hasPrefix("\""), text.hasSuffix("\""), text.count >= 2 { text = text.dropFirst().dropLast() }
        if text.hasPrefix("["), let close = text.firstIndex(of: "]") {
            return IPAddress(text[text.index(after: text.startIndex)..<close])
        }
        if let address = IPAddress(text) { return address }
        // IPv4 with a port.
        if let colon = text.firstIndex(of: ":"), text[text.index(after: colon)...].allSatisfy(\.isNumber) {
            return IPAddress(text[..<colon])
        }
        return nil
    }

    /// The `for=` values of a `Forwarded` header, in order.
    static func forwardedFor(_ header: String) -> [Substring] {
        header.split(separator: ",").compactMap { element in
            for pair in element.split(separator: ";") {
                let parts = pair.split(separator: "=", maxSplits: 1)
                if parts.count == 2, parts[0].trimmingSpaces().lowercased() == "for" {
                    return parts[1].trimmingSpaces()
                }
            }
            return nil
        }
    }
}

extension HTTPField.Name {
    static let xForwardedFor = Self("X-Forwarded-For")!
    static let forwarded = Self("Forwarded")!
}

extension Substring {
    fileprivate func trimmingSpaces() -> Substring {
        var text = self
        while text.first == " " || text.first == "\t" { text.removeFirst() }
        while text.last == " " || text.last == "\t" { text.removeLast() }
        return text
    }
}
