public import MCPWire

#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// Fetches Client ID Metadata Documents (draft-ietf-oauth-client-id-metadata-document) with an
/// ``OutboundFetcher`` and validates them with the draft's rules (``ClientMetadataDocumentValidator``).
///
/// Documents are cached per URL for as long as their caching headers allow (``HTTPCacheLifetime``), never longer
/// than ``MetadataDocumentPolicy/maxCacheLifetime``, and for ``MetadataDocumentPolicy/defaultCacheLifetime``
/// without headers. A document that cannot be fetched or used is remembered for only
/// ``failureLifetime``, so a client that fixes its document is not locked out for long. Concurrent requests for
/// one URL share one fetch, and the cache holds at most ``cacheCapacity`` documents.
///
/// Anyone can name a new document URL in an authorization request, so at most ``maxFetchesInFlight`` distinct
/// URLs are fetched at once; past that a request fails at once ("try again") rather than starting another fetch.
/// That refusal, and a lookup refused as busy, are not remembered: they say nothing about the document.
public struct ClientMetadataDocumentFetcher: ClientMetadataDocumentSource {
    /// How long a failed fetch or an invalid document is remembered.
    public static let failureLifetime: Duration = .seconds(5)
    /// The most documents cached at once.
    public static let cacheCapacity = 1_000
    /// The most distinct document URLs this fetcher fetches at once.
    public static let maxFetchesInFlight = 32
    /// What a request gets while ``maxFetchesInFlight`` fetches are running.
    static let busy = ClientMetadataDocumentError("too many client documents are being fetched; try again")

    let policy: MetadataDocumentPolicy
    let fetcher: OutboundFetcher
    private let cache = FetchCache<ClientMetadata>(capacity: Self.cacheCapacity)
    private let fetches: ConcurrencyLimiter

    /// - Throws: ``OutboundFetchError`` when ``MetadataDocumentPolicy/extraTrustRootsPEM`` is not PEM.
    public init(policy: MetadataDocumentPolicy) throws {
        self.init(policy: policy, fetcher: try OutboundFetcher(policy: OutboundPolicy(policy)))
    }

    init(
        policy: MetadataDocumentPolicy,
        fetcher: OutboundFetcher,
        maxFetchesInFlight: Int = ClientMetadataDocumentFetcher.maxFetchesInFlight
    ) {
        self.policy = policy
        self.fetcher = fetcher
        self.fetches = ConcurrencyLimiter(maxRunning: maxFetchesInFlight, maxWaiting: 0)
    }

    public func metadata(forClientID clientID: String, now: Date) async throws -> ClientMetadata {
        try ClientMetadataDocumentValidator.checkClientID(clientID)
        do {
            return try await self.cache.value(for: clientID, now: now) { await self.load(clientID, now: now) }
        } catch let error as ClientMetadataDocumentError {
            throw error
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            throw ClientMetadataDocumentError("the client metadata document could not be fetched")
        }
    }

    /// Runs once per URL however many requests wait for it (``FetchCache``), so the cap counts distinct URLs.
    private func load(_ clientID: String, now: Date) async -> FetchCache<ClientMetadata>.Loaded {
        guard let ticket = self.fetches.enter() else { return .init(result: .failure(Self.busy), lifetime: .zero) }
        defer { self.fetches.leave(ticket) }
        do {
            let response = try await self.fetcher.get(clientID)
            guard response.status == 200 else {
                return Self.failure("the client metadata document could not be fetched (HTTP \(response.status))")
            }
            let metadata = try ClientMetadataDocumentValidator.validate(document: response.body, clientID: clientID)
            let lifetime = HTTPCacheLifetime.of(
                response,
                now: now,
                default: self.policy.defaultCacheLifetime,
                ceiling: self.policy.maxCacheLifetime
            )
            return .init(result: .success(metadata), lifetime: lifetime)
        } catch let error as ClientMetadataDocumentError {
            return .init(result: .failure(error), lifetime: Self.failureLifetime)
        } catch let error as OutboundFetchError {
            let failure = ClientMetadataDocumentError(
                "the client metadata document could not be fetched: \(error.description)"
            )
            // Busy says nothing about the document, so the next request tries again.
            return .init(result: .failure(failure), lifetime: error.kind == .busy ? .zero : Self.failureLifetime)
        } catch {
            return Self.failure("the client metadata document could not be fetched")
        }
    }

    private static func failure(_ description: String) -> FetchCache<ClientMetadata>.Loaded {
        .init(result: .failure(ClientMetadataDocumentError(description)), lifetime: Self.failureLifetime)
    }
}
