import AsyncHTTPClient
import MCPWire
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// HTTP requests to URLs this server did not choose (a Client ID Metadata Document, a client's `jwks_uri`) or
/// that come from a document it fetched (the upstream provider's endpoints), made so that such a URL cannot turn
/// the server against its own network.
///
/// For every request:
/// - the URL must be `https` (``OutboundPolicy/allowHTTPOnLoopback`` admits `http` on loopback, for a provider on
///   the same machine) without credentials or fragment, its host spelled one way (``OutboundURL``);
/// - the host is resolved once, and **every** address it resolves to must be allowed (public unicast unless
///   ``OutboundPolicy/allowPrivateAddresses``, see ``OutboundAddressPolicy``), so a name with one public and one
///   internal address is refused;
/// - the connection is pinned to a checked address (AsyncHTTPClient's `dnsOverride`), so a second DNS answer
///   (rebinding) cannot swap it, while TLS still verifies the certificate for the host name in the URL;
/// - redirects are not followed: a 3xx answer is an error;
/// - the body is read up to ``OutboundPolicy/maxBytes`` and reading stops past it; compressed bodies are not
///   inflated (AsyncHTTPClient's default), so the limit is on what arrives;
/// - the whole exchange, resolution included, ends at ``OutboundPolicy/timeout``.
///
/// Each request gets its own short-lived `HTTPClient` on the shared event loop group, shut down before the call
/// returns: `dnsOverride` is a client setting, so one client per pinned address is what pinning costs. Nothing
/// outlives a call, so there is nothing for the server to shut down. What is fetched is cached by the callers.
public struct OutboundFetcher: Sendable {
    public let policy: OutboundPolicy
    let resolver: any HostResolver
    private let tls: TLSConfiguration

    /// The `User-Agent` sent, so operators of the fetched servers can tell who is asking.
    static let userAgent = "remote-mcp"
    /// Resolved addresses tried in turn when connecting to one fails.
    static let maxAddressesTried = 3
    /// How long closing a TLS connection waits for the server's close_notify.
    static let tlsShutdownTimeout = TimeAmount.milliseconds(100)

    /// - Throws: ``OutboundFetchError`` when ``OutboundPolicy/extraTrustRootsPEM`` holds no readable certificate.
    public init(policy: OutboundPolicy) throws {
        try self.init(policy: policy, resolver: SystemHostResolver())
    }

    init(policy: OutboundPolicy, resolver: any HostResolver) throws {
        self.policy = policy
        self.resolver = resolver
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.minimumTLSVersion = .tlsv12
        // Closing waits this long for the server's close_notify (5 s by default): a fetch that ends early (too
        // large, timed out) would otherwise outlive its timeout. The HTTP framing already tells a whole body.
        tls.shutdownTimeout = Self.tlsShutdownTimeout
        if let pem = policy.extraTrustRootsPEM {
            let certificates: [NIOSSLCertificate]
            do {
                certificates = try NIOSSLCertificate.fromPEMBytes(Array(pem.utf8))
            } catch {
                throw OutboundFetchError(.invalidConfiguration, "the extra trust roots are not PEM certificates")
            }
            guard !certificates.isEmpty else {
                throw OutboundFetchError(.invalidConfiguration, "the extra trust roots hold no certificate")
            }
            tls.additionalTrustRoots = [.certificates(certificates)]
        }
        self.tls = tls
    }

    /// `GET url`.
    /// - Throws: ``OutboundFetchError``.
    public func get(_ url: String, accept: String = "application/json") async throws -> OutboundResponse {
        try await self.send(.GET, url, headers: [("Accept", accept)], body: nil)
    }

    /// `POST url` with an `application/x-www-form-urlencoded` body.
    /// - Parameter headers: extra header fields (`Authorization` for client authentication).
    /// - Throws: ``OutboundFetchError``.
    public func postForm(
        _ url: String,
        form: [(name: String, value: String)],
        headers: [(name: String, value: String)] = []
    ) async throws -> OutboundResponse {
        let body = FormURLEncoded.encode(form)
        return try await self.send(
            .POST,
            url,
            headers: [("Accept", "application/json"), ("Content-Type", "application/x-www-form-urlencoded")]
                + headers,
            body: Array(body.utf8)
        )
    }

    private func send(
        _ method: HTTPMethod,
        _ text: String,
        headers: [(name: String, value: String)],
        body: [UInt8]?
    ) async throws -> OutboundResponse {
        let url = try OutboundURL(text)
        if !url.isHTTPS {
            guard self.policy.allowHTTPOnLoopback, url.isLoopbackHost else {
                throw OutboundFetchError(.invalidURL, "only https URLs are fetched")
            }
        }
        return try await Self.withTimeout(self.policy.timeout) {
            let addresses = try await self.checkedAddresses(url)
            var lastFailure: (any Error)?
            for address in addresses.prefix(Self.maxAddressesTried) {
                do {
                    return try await self.exchange(method, url, pinnedTo: address, headers: headers, body: body)
                } catch let failure where Self.isConnectFailure(failure) {
                    lastFailure = failure
                }
            }
            throw Self.outboundError(lastFailure ?? ChannelError.connectPending)
        }
    }

    /// The addresses `url`'s host is, each allowed by the policy.
    private func checkedAddresses(_ url: OutboundURL) async throws -> [IPAddress] {
        let addresses: [IPAddress]
        if let literal = url.literal {
            addresses = [literal]
        } else {
            addresses = try await self.resolver.addresses(of: url.host)
            guard !addresses.isEmpty else {
                throw OutboundFetchError(.unresolvable, "the host \(url.host) does not resolve")
            }
        }
        for address in addresses {
            if !url.isHTTPS, !address.isLoopback {
                throw OutboundFetchError(.refusedAddress, "http is fetched only from loopback addresses")
            }
            if !self.policy.allowPrivateAddresses, let reason = OutboundAddressPolicy.refusal(for: address) {
                let verb = url.literal == nil ? "resolves to" : "is"
                throw OutboundFetchError(
                    .refusedAddress,
                    "the host \(url.host) \(verb) \(reason), which is not fetched"
                )
            }
        }
        return addresses
    }

    /// One request on a connection to `address`.
    private func exchange(
        _ method: HTTPMethod,
        _ url: OutboundURL,
        pinnedTo address: IPAddress,
        headers: [(name: String, value: String)],
        body: [UInt8]?
    ) async throws -> OutboundResponse {
        let timeout = TimeAmount(self.policy.timeout)
        var configuration = HTTPClient.Configuration(
            tlsConfiguration: self.tls,
            redirectConfiguration: .disallow,
            timeout: .init(connect: timeout, read: timeout),
            proxy: nil,
            decompression: .disabled
        )
        configuration.dnsOverride = [url.host: address.description]
        // A failed connection (refused, TLS) fails the request at once instead of being retried until the
        // deadline: the next resolved address is tried here, and a bad certificate will not get better.
        configuration.connectionPool.retryConnectionEstablishment = false
        let maxBytes = self.policy.maxBytes
        return try await HTTPClient.withHTTPClient(configuration: configuration) { client in
            var request = HTTPClientRequest(url: url.text)
            request.method = method
            request.headers.add(name: "User-Agent", value: Self.userAgent)
            for (name, value) in headers { request.headers.add(name: name, value: value) }
            if let body { request.body = .bytes(ByteBuffer(bytes: body)) }
            let response = try await client.execute(request, deadline: .now() + timeout)
            let status = Int(response.status.code)
            guard !(300..<400).contains(status) else {
                throw OutboundFetchError(
                    .redirected,
                    "the server answered with a redirect (\(status)), which is not followed"
                )
            }
            if let length = response.headers.first(name: "content-length").flatMap(Int.init), length > maxBytes {
                throw Self.tooLarge(maxBytes)
            }
            var collected: [UInt8] = []
            for try await chunk in response.body {
                guard collected.count + chunk.readableBytes <= maxBytes else { throw Self.tooLarge(maxBytes) }
                collected += chunk.readableBytesView
            }
            return OutboundResponse(
                status: status,
                headers: response.headers.map { OutboundResponse.HeaderField(name: $0.name, value: $0.value) },
                body: collected
            )
        }
    }

    private static func tooLarge(_ maxBytes: Int) -> OutboundFetchError {
        OutboundFetchError(.tooLarge, "the response is larger than \(maxBytes) bytes")
    }

    /// `true` for failures to open a connection, after which the next address may work; a TLS failure or an
    /// answer is final.
    private static func isConnectFailure(_ error: any Error) -> Bool {
        if error is NIOConnectionError { return true }
        if let error = error as? HTTPClientError { return error == .connectTimeout }
        if let error = error as? ChannelError, case .connectTimeout = error { return true }
        return false
    }

    /// What any failure of the exchange becomes, worded for a person.
    static func outboundError(_ error: any Error) -> any Error {
        switch error {
        case let error as OutboundFetchError: return error
        case is CancellationError: return error
        case is NIOSSLError, is NIOSSLExtraError, is BoringSSLError:
            return OutboundFetchError(
                .connectionFailed,
                "TLS failed: the server's certificate is not trusted or not for this host"
            )
        case let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout:
            return OutboundFetchError(.timedOut, "the server did not answer in time")
        default:
            return OutboundFetchError(.connectionFailed, "could not connect to the server")
        }
    }

    /// Runs `operation`, failing with ``OutboundFetchError/Kind/timedOut`` once `timeout` has passed; the
    /// operation is cancelled then (AsyncHTTPClient stops the request, the resolver is abandoned).
    static func withTimeout<Value: Sendable>(
        _ timeout: Duration,
        _ operation: @escaping @Sendable () async throws -> Value
    ) async throws -> Value {
        try await withThrowingTaskGroup(of: Value.self) { group in
            group.addTask {
                do {
                    return try await operation()
                } catch {
                    throw Self.outboundError(error)
                }
            }
            group.addTask {
                try await Task.sleep(for: timeout)
                throw OutboundFetchError(.timedOut, "the server did not answer within \(timeout)")
            }
            defer { group.cancelAll() }
            return try await group.next()!
        }
    }
}

extension TimeAmount {
    /// `duration`, to the nanosecond.
    init(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        self = .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}
