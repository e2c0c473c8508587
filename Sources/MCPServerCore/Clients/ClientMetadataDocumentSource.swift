public import MCPWire

#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// Fetches and validates Client ID Metadata Documents; implemented by ``ClientMetadataDocumentFetcher``.
public protocol ClientMetadataDocumentSource: Sendable {
    /// The validated metadata the document at `clientID` publishes (from the cache when fresh).
    /// - Throws: ``ClientMetadataDocumentError`` when the URL is not acceptable, the fetch fails or the document
    ///   is not valid (its `client_id` differs from the URL, it is too large, too slow, on a refused address...).
    func metadata(forClientID clientID: String, now: Date) async throws -> ClientMetadata
}

/// Why a Client ID Metadata Document could not be used; ``description`` is safe to show a person and to log.
public struct ClientMetadataDocumentError: Error, Sendable, Hashable, CustomStringConvertible {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}
