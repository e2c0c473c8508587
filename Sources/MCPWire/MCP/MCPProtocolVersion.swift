/// An MCP protocol revision, named by its date (`2025-11-25`).
public struct MCPProtocolVersion: RawRepresentable, Sendable, Hashable, Comparable, CustomStringConvertible {
    public let rawValue: String

    public init(rawValue: String) {
        self.rawValue = rawValue
    }

    public static let v2024_11_05 = Self(rawValue: "2024-11-05")
    public static let v2025_03_26 = Self(rawValue: "2025-03-26")
    public static let v2025_06_18 = Self(rawValue: "2025-06-18")
    public static let v2025_11_25 = Self(rawValue: "2025-11-25")
    public static let v2026_07_28 = Self(rawValue: "2026-07-28")

    /// What a server assumes when a legacy request carries no `MCP-Protocol-Version` header.
    public static let assumedWhenHeaderAbsent = v2025_03_26

    /// The revisions that open with `initialize`, oldest first.
    public static let legacy: [Self] = [.v2024_11_05, .v2025_03_26, .v2025_06_18, .v2025_11_25]
    /// The stateless revisions that carry `_meta` on every request, oldest first.
    public static let modern: [Self] = [.v2026_07_28]
    /// Every revision this package speaks, oldest first.
    public static let all: [Self] = legacy + modern
    /// The newest legacy revision: what `initialize` answers when it cannot echo the client's.
    public static let latestLegacy = v2025_11_25
    /// The newest revision.
    public static let latest = v2026_07_28

    /// The era a revision belongs to. Dates compare as text, so a revision this package does not know
    /// still lands in the right era.
    public var era: MCPEra {
        self.rawValue >= Self.v2026_07_28.rawValue ? .modern : .legacy
    }

    /// `true` for a revision this package speaks.
    public var isSupported: Bool { Self.all.contains(self) }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

    public var description: String { self.rawValue }
}

/// The two shapes of MCP.
public enum MCPEra: String, Sendable, Hashable {
    /// 2024-11-05 … 2025-11-25: an `initialize` handshake, then requests.
    case legacy
    /// 2026-07-28 on: stateless; every request carries its version and capabilities in `_meta`.
    case modern
}
