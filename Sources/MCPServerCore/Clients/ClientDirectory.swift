import MCPWire

#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// Finds the client a `client_id` names: a registered one in the store, or, when the id is an https URL with a
/// path and documents are enabled, the one its Client ID Metadata Document describes.
public struct ClientDirectory: Sendable {
    let store: any ServerStore
    let documents: (any ClientMetadataDocumentSource)?

    public init(store: any ServerStore, documents: (any ClientMetadataDocumentSource)?) {
        self.store = store
        self.documents = documents
    }

    /// `true` when `id` is meant as a Client ID Metadata Document URL: `https://`, so it can never be a registered
    /// client's id (those are URL-safe characters without `:`).
    public static func isMetadataDocumentURL(_ id: String) -> Bool {
        id.hasPrefix("https://")
    }

    /// The client `id` names, or `nil` when there is none.
    /// - Throws: ``ClientMetadataDocumentError`` when `id` is a document URL whose document cannot be used (so the
    ///   page can say why), and store errors.
    public func client(id: String, now: Date = Date()) async throws -> KnownClient? {
        if Self.isMetadataDocumentURL(id) {
            guard let documents else { return nil }
            let metadata = try await documents.metadata(forClientID: id, now: now)
            return KnownClient(id: id, metadata: metadata, source: .metadataDocument(fetchedAt: now))
        }
        guard ClientRegistry.isWellFormed(id: id), let stored = try await self.store.client(id: id) else { return nil }
        return KnownClient(id: id, metadata: try ClientRegistry.metadata(of: stored), source: .registered(stored))
    }
}
