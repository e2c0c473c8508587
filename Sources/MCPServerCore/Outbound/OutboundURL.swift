import MCPWire

/// A URL an ``OutboundFetcher`` is asked to fetch, split exactly as written (``RedirectURI``'s parser: RFC 3986
/// characters only, nothing decoded).
///
/// The host must be a lowercase name of letters, digits, `-` and `.`, or an IP literal written canonically. That
/// keeps one spelling per host: the fetcher pins the connection by handing AsyncHTTPClient the checked address
/// under the host's exact text, and a host AsyncHTTPClient spelled differently would escape the pin and be
/// resolved again.
struct OutboundURL: Sendable, Hashable {
    /// The URL as given.
    let text: String
    let isHTTPS: Bool
    /// The host as written (brackets included for IPv6).
    let host: String
    /// The address the host is, when it is an IP literal.
    let literal: IPAddress?
    let port: Int

    /// The longest URL fetched.
    static let maxLength = 2000

    init(_ text: String) throws(OutboundFetchError) {
        guard text.utf8.count <= Self.maxLength, let parts = RedirectURI(text) else {
            throw OutboundFetchError(.invalidURL, "the URL is not a well-formed absolute URL")
        }
        switch parts.scheme {
        case "https": self.isHTTPS = true
        case "http": self.isHTTPS = false
        default: throw OutboundFetchError(.invalidURL, "only https URLs are fetched")
        }
        guard parts.hasAuthority, !parts.host.isEmpty else {
            throw OutboundFetchError(.invalidURL, "the URL has no host")
        }
        guard !parts.hasUserinfo else { throw OutboundFetchError(.invalidURL, "the URL must not contain credentials") }
        guard parts.fragment == nil else { throw OutboundFetchError(.invalidURL, "the URL must not have a fragment") }
        guard parts.path.isEmpty || parts.path.hasPrefix("/") else {
            throw OutboundFetchError(.invalidURL, "the URL's path must start with '/'")
        }
        let host = String(parts.host)
        if host.hasPrefix("[") {
            guard let address = IPAddress(host), case .v6 = address else {
                throw OutboundFetchError(.invalidURL, "the URL's IPv6 address is malformed")
            }
            self.literal = address
        } else if let address = IPAddress(host) {
            // `010.0.0.1` is 10.0.0.1 here and 8.0.0.1 to inet_aton: one spelling per address only.
            guard address.description == host else {
                throw OutboundFetchError(.invalidURL, "the URL's IPv4 address must be written canonically")
            }
            self.literal = address
        } else {
            guard Self.isLowercaseHostName(host) else {
                throw OutboundFetchError(.invalidURL, "the URL's host must be a lowercase DNS name")
            }
            self.literal = nil
        }
        if parts.port != nil {
            guard let port = parts.canonicalPort else {
                throw OutboundFetchError(.invalidURL, "the URL's port is invalid")
            }
            self.port = port
        } else {
            self.port = self.isHTTPS ? 443 : 80
        }
        self.text = text
        self.host = host
    }

    /// `true` when the host is loopback by its text alone: `localhost`, or a loopback IP literal.
    var isLoopbackHost: Bool {
        if let literal { return literal.isLoopback }
        return self.host == "localhost"
    }

    /// `true` for an `http` URL on a loopback host (`http://127.0.0.1:8080`, `http://localhost/x`).
    static func isHTTPLoopback(_ text: String) -> Bool {
        guard let url = try? OutboundURL(text) else { return false }
        return !url.isHTTPS && url.isLoopbackHost
    }

    /// Letters, digits and `-` in dot-separated labels of 1-63 characters, at most 253 in all, lowercase.
    private static func isLowercaseHostName(_ host: String) -> Bool {
        guard host.utf8.count <= 253 else { return false }
        return host.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { label in
            (1...63).contains(label.utf8.count) && label.first != "-" && label.last != "-"
                && label.utf8.allSatisfy {
                    (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) || (48...57).contains($0)
                        || $0 == UInt8(ascii: "-")
                }
        }
    }
}
