public import MCPWire

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The protocol versions one deployment serves (`--protocol-versions`): all of them by default, or a subset, so an
/// operator can retire the legacy era and tests can run a modern-only or a legacy-only server.
public struct ServedProtocolVersions: Sendable, Hashable, CustomStringConvertible {
    /// Oldest first, each once, all known to this package.
    public let versions: [MCPProtocolVersion]

    /// Every version this package speaks.
    public static let all = ServedProtocolVersions(checked: MCPProtocolVersion.all)

    /// `nil` when `versions` is empty or names a version this package does not speak.
    public init?(_ versions: some Sequence<MCPProtocolVersion>) {
        let unique = Set(versions)
        guard !unique.isEmpty, unique.allSatisfy(\.isSupported) else { return nil }
        self.init(checked: unique.sorted())
    }

    /// Reads a comma-separated list of versions (`2025-11-25,2026-07-28`), where `legacy`, `modern` and `all`
    /// stand for every version of an era or every version; `nil` for an empty list or an unknown name.
    public init?(parsing text: String) {
        var versions: [MCPProtocolVersion] = []
        for item in text.split(separator: ",") {
            let name = item.trimmingOWS()
            switch name.lowercased() {
            case "all": versions += MCPProtocolVersion.all
            case "legacy": versions += MCPProtocolVersion.legacy
            case "modern": versions += MCPProtocolVersion.modern
            default: versions.append(MCPProtocolVersion(rawValue: name))
            }
        }
        self.init(versions)
    }

    private init(checked versions: [MCPProtocolVersion]) {
        self.versions = versions
        // Kept, not computed: the dispatcher reads them on every request.
        self.legacy = versions.filter { $0.era == .legacy }
        self.modern = versions.filter { $0.era == .modern }
    }

    /// The served versions of the `initialize`-based revisions, oldest first.
    public let legacy: [MCPProtocolVersion]
    /// The served stateless revisions, oldest first.
    public let modern: [MCPProtocolVersion]

    /// `true` when `version` is served.
    public func serves(_ version: MCPProtocolVersion) -> Bool { self.versions.contains(version) }
    /// `true` when some version of `era` is served.
    public func serves(_ era: MCPEra) -> Bool {
        switch era {
        case .legacy: !self.legacy.isEmpty
        case .modern: !self.modern.isEmpty
        }
    }

    /// What `supported` lists in an unsupported-version error and `server/discover` in `supportedVersions`:
    /// newest first.
    public var newestFirst: [JSONValue] { self.versions.reversed().map { .string($0.rawValue) } }

    /// The list as `--protocol-versions` takes it.
    public var description: String { self.versions.map(\.rawValue).joined(separator: ",") }
}
