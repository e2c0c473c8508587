import Crypto

#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// The loopback port a browser sign-in listens on for one MCP server.
///
/// It is derived from the server's URL, not chosen at random, because it is part of the redirect URI: a client
/// registered beforehand (`--client-id`) or through a Client ID Metadata Document lists its redirect URIs, and
/// they keep working only if the port stays the same from one sign-in to the next (mcp-remote does the same).
/// Different servers land on different ports, so sign-ins to two servers at once do not collide.
///
/// The range avoids the ports the system hands out for outgoing connections (Linux 32768–60999, Windows and
/// macOS 49152–65535), where the port would now and then be busy for reasons nobody could see, and the
/// well-known and commonly configured ports below 20000. Whatever remains in use by something else,
/// `--callback-port` overrides (the caller decides which applies).
public enum CallbackPort {
    /// The ports ``stable(for:)`` chooses from.
    public static let range: ClosedRange<Int> = 20000...32767

    /// The port for `serverURL` (the URL as the user gave it): SHA-256 of its bytes, reduced into ``range``.
    public static func stable(for serverURL: String) -> Int {
        let digest = Array(SHA256.hash(data: Array(serverURL.utf8)))
        let number = digest.prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        return Self.range.lowerBound + Int(number % UInt64(Self.range.count))
    }

    /// The port for the MCP server at `serverURL` (its `absoluteString`).
    public static func stable(for serverURL: URL) -> Int {
        Self.stable(for: serverURL.absoluteString)
    }
}
