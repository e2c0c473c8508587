import Foundation
import MCPWire
import NIOConcurrencyHelpers
import Testing

@testable import MCPServerCore

/// The cap on Client ID Metadata Documents fetched at once, and that "busy" is never remembered as the answer for
/// a document. No network: the resolver stands in for DNS and holds lookups until the test opens its gate.
@Suite("Client ID Metadata Documents: fetch cap", .timeLimit(.minutes(1)))
struct MetadataDocumentFetchLimitTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    /// Resolves nothing (so a fetch fails as "does not resolve"), after the gate opens for the names it holds.
    final class GatedResolver: HostResolver {
        let held: Set<String>
        let started: AsyncStream<String>.Continuation
        /// Answers `busy` this many times first, as a full process-wide lookup cap would.
        let busyAnswers: NIOLockedValueBox<Int>
        let calls = NIOLockedValueBox<[String]>([])
        private let gate = NIOLockedValueBox<(isOpen: Bool, waiting: [CheckedContinuation<Void, Never>])>((false, []))

        init(holding held: Set<String> = [], busyAnswers: Int = 0, started: AsyncStream<String>.Continuation) {
            self.held = held
            self.busyAnswers = NIOLockedValueBox(busyAnswers)
            self.started = started
        }

        func addresses(of host: String) async throws -> [IPAddress] {
            self.calls.withLockedValue { $0.append(host) }
            self.started.yield(host)
            let isBusy = self.busyAnswers.withLockedValue { remaining in
                guard remaining > 0 else { return false }
                remaining -= 1
                return true
            }
            if isBusy { throw OutboundFetchError(.busy, "too many address lookups are in progress; try again") }
            if self.held.contains(host) {
                await withCheckedContinuation { continuation in
                    let isOpen = self.gate.withLockedValue {
                        if !$0.isOpen { $0.waiting.append(continuation) }
                        return $0.isOpen
                    }
                    if isOpen { continuation.resume() }
                }
            }
            return []
        }

        func open() {
            let waiting = self.gate.withLockedValue { gate in
                gate.isOpen = true
                defer { gate.waiting = [] }
                return gate.waiting
            }
            for continuation in waiting { continuation.resume() }
        }
    }

    static func fetcher(_ resolver: GatedResolver, maxFetchesInFlight: Int) throws -> ClientMetadataDocumentFetcher {
        // A timeout that never fires here: every held lookup is released by the test.
        let policy = MetadataDocumentPolicy(timeout: .seconds(60))
        return ClientMetadataDocumentFetcher(
            policy: policy,
            fetcher: try OutboundFetcher(policy: OutboundPolicy(policy), resolver: resolver),
            maxFetchesInFlight: maxFetchesInFlight
        )
    }

    static func unresolvable(_ host: String) -> ClientMetadataDocumentError {
        ClientMetadataDocumentError(
            "the client metadata document could not be fetched: the host \(host) does not resolve"
        )
    }

    @Test("the process-wide default")
    func defaults() {
        #expect(ClientMetadataDocumentFetcher.maxFetchesInFlight == 32)
    }

    @Test("past the cap a new URL is refused at once and not remembered; a URL already being fetched is shared")
    func cap() async throws {
        let (started, startedContinuation) = AsyncStream.makeStream(of: String.self)
        let resolver = GatedResolver(holding: ["a.example", "b.example"], started: startedContinuation)
        let documents = try Self.fetcher(resolver, maxFetchesInFlight: 2)

        let a = Task { try await documents.metadata(forClientID: "https://a.example/client", now: Self.now) }
        let b = Task { try await documents.metadata(forClientID: "https://b.example/client", now: Self.now) }
        var iterator = started.makeAsyncIterator()
        let first = await iterator.next()
        let second = await iterator.next()
        #expect(Set([first, second]) == ["a.example", "b.example"])

        await #expect(throws: ClientMetadataDocumentFetcher.busy) {
            try await documents.metadata(forClientID: "https://c.example/client", now: Self.now)
        }
        // Another request for a document being fetched joins that fetch (or, if it finished, its cached
        // answer): it is never refused as one fetch too many.
        let a2 = Task { try await documents.metadata(forClientID: "https://a.example/client", now: Self.now) }

        resolver.open()
        await #expect(throws: Self.unresolvable("a.example")) { try await a.value }
        await #expect(throws: Self.unresolvable("a.example")) { try await a2.value }
        await #expect(throws: Self.unresolvable("b.example")) { try await b.value }
        // The refusal was not cached: c is fetched now.
        await #expect(throws: Self.unresolvable("c.example")) {
            try await documents.metadata(forClientID: "https://c.example/client", now: Self.now)
        }
        #expect(resolver.calls.withLockedValue { $0 }.sorted() == ["a.example", "b.example", "c.example"])
    }

    @Test("a lookup refused as busy fails the request but is not remembered")
    func busyLookupIsNotCached() async throws {
        let (_, startedContinuation) = AsyncStream.makeStream(of: String.self)
        let resolver = GatedResolver(busyAnswers: 1, started: startedContinuation)
        let documents = try Self.fetcher(resolver, maxFetchesInFlight: 2)
        let id = "https://d.example/client"
        await #expect(
            throws: ClientMetadataDocumentError(
                "the client metadata document could not be fetched: too many address lookups are in progress; try again"
            )
        ) { try await documents.metadata(forClientID: id, now: Self.now) }
        await #expect(throws: Self.unresolvable("d.example")) {
            try await documents.metadata(forClientID: id, now: Self.now)
        }
        #expect(resolver.calls.withLockedValue { $0 } == ["d.example", "d.example"])
    }
}
