/// An address block in CIDR notation (`10.0.0.0/8`, `2001:db8::/32`); a bare address is a block of one.
public struct IPNetwork: Sendable, Hashable, CustomStringConvertible {
    public let address: IPAddress
    public let prefixLength: Int

    /// Parses `ADDRESS[/LENGTH]`; `nil` when the address or the length is invalid for its family.
    public init?(_ text: some StringProtocol) {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let address = IPAddress(parts[0]) else { return nil }
        // A block written in IPv6 form counts its length in 128 bits even when it is IPv4-mapped.
        let writtenAsV6 = parts[0].contains(":")
        let maxLength = writtenAsV6 ? 128 : 32
        var length = maxLength
        if parts.count == 2 {
            guard (1...3).contains(parts[1].utf8.count), let value = Int(parts[1]), (0...maxLength).contains(value)
            else { return nil }
            length = value
        }
        // An IPv4-mapped IPv6 block is an IPv4 block.
        if case .v4 = address, writtenAsV6 { length = max(0, length - 96) }
        self.address = address
        self.prefixLength = length
    }

    /// `true` when `other` lies in this block (always `false` across families).
    public func contains(_ other: IPAddress) -> Bool {
        let mine = self.address.bytes
        let theirs = other.bytes
        guard mine.count == theirs.count else { return false }
        return Self.prefix(mine, self.prefixLength) == Self.prefix(theirs, self.prefixLength)
    }

    /// The first `bits` bits of `bytes`, the rest zeroed.
    static func prefix(_ bytes: [UInt8], _ bits: Int) -> [UInt8] {
        bytes.enumerated().map { index, byte in
            let keep = min(max(bits - index * 8, 0), 8)
            return keep == 8 ? byte : keep == 0 ? 0 : byte & ~(0xff >> keep)
        }
    }

    public var description: String { "\(self.address)/\(self.prefixLength)" }
}

extension IPAddress {
    /// The key one caller is counted under: the address itself for IPv4, its /64 for IPv6 (one host usually
    /// holds a whole /64, so per-/128 keys would let it rotate without end).
    public var rateLimitKey: String {
        switch self {
        case .v4: return self.description
        case .v6(let bytes): return IPAddress.v6(IPNetwork.prefix(bytes, 64)).description + "/64"
        }
    }
}
