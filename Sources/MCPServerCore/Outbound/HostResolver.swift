import MCPWire
import NIOConcurrencyHelpers
import NIOPosix

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Turns a host name into the addresses an ``OutboundFetcher`` checks and then connects to.
protocol HostResolver: Sendable {
    /// Every address `host` resolves to, in the resolver's order; empty when there is none.
    func addresses(of host: String) async throws -> [IPAddress]
}

/// The system resolver (`getaddrinfo`), run on a small thread pool of its own so it never blocks a task.
///
/// `getaddrinfo` cannot be interrupted, so a cancelled lookup is abandoned rather than awaited: the caller's
/// timeout ends the fetch at once, and the thread finishes the lookup on its own. A name whose nameserver never
/// answers holds that thread for the system resolver's whole timeout, and anyone can send such names (a
/// `client_id` URL on a domain they control), so:
/// - lookups get their own ``threadCount`` threads, never `NIOThreadPool.singleton`, where they would starve
///   bcrypt and everything else that blocks;
/// - at most ``maxLookupsInFlight`` run or wait for a thread at once, and past that a lookup fails at once
///   (``OutboundFetchError/Kind/busy``) rather than queueing. An abandoned lookup keeps its place until its thread
///   returns, so the cap bounds the threads stuck lookups hold, and the line for them.
struct SystemHostResolver: HostResolver {
    /// The threads of the process-wide lookup pool.
    static let threadCount = 4
    /// The most lookups running or waiting for a thread at once, process-wide.
    static let maxLookupsInFlight = 16

    /// Started on first use and never shut down, like `NIOThreadPool.singleton`: fetchers come and go, the
    /// threads (and the stuck lookups on them) are the process's.
    private static let sharedPool: NIOThreadPool = {
        let pool = NIOThreadPool(numberOfThreads: Self.threadCount)
        pool.start()
        return pool
    }()
    private static let sharedLimiter = ConcurrencyLimiter(maxRunning: Self.maxLookupsInFlight, maxWaiting: 0)

    private let pool: NIOThreadPool
    private let limiter: ConcurrencyLimiter
    private let lookUp: @Sendable (String) -> [IPAddress]

    /// The process-wide lookup pool and cap, and `getaddrinfo`: what every fetch of an address a caller chose
    /// (metadata documents, `jwks_uri`) shares.
    init() {
        self.init(pool: Self.sharedPool, limiter: Self.sharedLimiter, lookUp: Self.lookUp)
    }

    /// One thread and a cap of its own, for the upstream provider the operator configured: callers can make the
    /// shared pool's lookups hang (a name whose nameserver never answers), and that must not stop people signing in
    /// upstream.
    static func dedicated(threads: Int = 1, maxLookupsInFlight: Int = 4) -> SystemHostResolver {
        let pool = NIOThreadPool(numberOfThreads: threads)
        pool.start()
        return SystemHostResolver(
            pool: pool,
            limiter: ConcurrencyLimiter(maxRunning: maxLookupsInFlight, maxWaiting: 0),
            lookUp: Self.lookUp
        )
    }

    /// Tests: their own threads and cap, and a lookup that blocks until they release it.
    init(pool: NIOThreadPool, limiter: ConcurrencyLimiter, lookUp: @escaping @Sendable (String) -> [IPAddress]) {
        self.pool = pool
        self.limiter = limiter
        self.lookUp = lookUp
    }

    /// - Throws: ``OutboundFetchError/Kind/busy`` when ``maxLookupsInFlight`` lookups are in flight;
    ///   `CancellationError` when the task is cancelled (the lookup itself goes on, and keeps its place).
    func addresses(of host: String) async throws -> [IPAddress] {
        // maxWaiting is 0, so a ticket is always a running place: nothing to wait for.
        guard let ticket = self.limiter.enter() else {
            throw OutboundFetchError(.busy, "too many address lookups are in progress; try again")
        }
        let waiting = NIOLockedValueBox<CheckedContinuation<[IPAddress], any Error>?>(nil)
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                waiting.withLockedValue { $0 = continuation }
                self.pool.submit { [limiter, lookUp] state in
                    // One abandoned while it waited for a thread is not started: nobody wants its answer.
                    let isAwaited = waiting.withLockedValue { $0 != nil }
                    let addresses = state == .active && isAwaited ? lookUp(host) : []
                    // Left here, not when the caller gives up: the place stands for this thread.
                    limiter.leave(ticket)
                    waiting.withLockedValue { $0.take() }?.resume(returning: addresses)
                }
                if Task.isCancelled { waiting.withLockedValue { $0.take() }?.resume(throwing: CancellationError()) }
            }
        } onCancel: {
            waiting.withLockedValue { $0.take() }?.resume(throwing: CancellationError())
        }
    }

    private static func lookUp(_ host: String) -> [IPAddress] {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        #if canImport(Darwin)
        hints.ai_socktype = SOCK_STREAM
        #else
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #endif
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, nil, &hints, &list) == 0, let first = list else { return [] }
        defer { freeaddrinfo(first) }
        var addresses: [IPAddress] = []
        var entry: UnsafeMutablePointer<addrinfo>? = first
        while let current = entry {
            if let address = Self.address(current.pointee), !addresses.contains(address) { addresses.append(address) }
            entry = current.pointee.ai_next
        }
        return addresses
    }

    /// The entry's address through its text form, so IPv4-mapped IPv6 becomes IPv4 as everywhere else.
    private static func address(_ info: addrinfo) -> IPAddress? {
        guard let socketAddress = info.ai_addr else { return nil }
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
        switch info.ai_family {
        case AF_INET:
            var raw = socketAddress.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee.sin_addr }
            guard inet_ntop(AF_INET, &raw, &text, socklen_t(text.count)) != nil else { return nil }
        case AF_INET6:
            var raw = socketAddress.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { $0.pointee.sin6_addr }
            guard inet_ntop(AF_INET6, &raw, &text, socklen_t(text.count)) != nil else { return nil }
        default:
            return nil
        }
        let length = text.firstIndex(of: 0) ?? text.count
        return IPAddress(String(decoding: text[..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self))
    }
}
