import MCPWire

/// Which redirect URIs a client may register, and whether a presented `redirect_uri` is one of them.
///
/// Registration accepts three kinds (RFC 8252 §7 for native apps, RFC 6749 §3.1.2 for the rest):
/// - `https` with a host;
/// - `http` on a loopback host: an IPv4 literal in 127.0.0.0/8, `[::1]`, or the name `localhost`;
/// - a private-use scheme such as `cursor://anysphere.cursor-mcp/oauth/callback` or `com.example.app:/cb`,
///   only when the caller allows it (native clients).
///
/// Matching is exact string comparison (RFC 9700 §2.1, §4.1.3; RFC 6749 §3.1.2.3), with one exception: for
/// `http` on a loopback host the port is ignored, because native apps listen on whatever port the operating
/// system gives them (RFC 8252 §7.3, "MUST allow any port"). Scheme, host, path and query must still be equal
/// byte for byte. There is no prefix matching and no normalisation: a different case, percent-encoding,
/// trailing slash, userinfo or fragment is a different URI, and a different URI is refused.
///
/// `localhost` is accepted although RFC 8252 §8.3 calls it NOT RECOMMENDED (a resolver or firewall may not
/// send it to the loopback interface): it is not forbidden, the MCP authorization specification
/// (2026-07-28, Security Considerations, "Communication Security") requires redirect URIs to be "either
/// `localhost` or use HTTPS", and Claude Code's published client metadata registers `http://localhost/callback`
/// without a port. Only the exact name `localhost` counts; `127.evil.example` or `localhost.evil.example` are
/// ordinary names and therefore need https. IP literals are parsed with ``IPAddress`` and must be written
/// canonically (`127.0.0.1`, not `127.000.0.1`), so one address has one spelling to match.
///
/// Private-use schemes without a dot (`cursor:`) are accepted although RFC 8252 §8.4 says they SHOULD be
/// rejected: MCP hosts such as Cursor register exactly those, and the consent page names the scheme.
public enum RedirectURIPolicy {
    /// The longest redirect URI accepted, the same cap as the rest of the client metadata.
    public static let maxLength = 2000

    /// Schemes that are never a place to send an authorization code: script and content schemes a browser
    /// would run or render itself, local files, and non-HTTP network schemes.
    public static let forbiddenSchemes: Set<String> = [
        "javascript", "data", "vbscript", "file", "blob", "about", "filesystem", "view-source", "ws", "wss", "ftp",
        "mailto", "tel", "sms",
        // Browser launchers: they open a web page, so the code would go to a web host the consent page calls "an
        // app on this device".
        "microsoft-edge", "x-safari-https", "x-safari-http", "googlechrome", "googlechromes", "firefox",
        "opera-http", "opera-https", "brave", "intent",
    ]

    /// Parameters this server adds to the redirect (RFC 6749 §4.1.2, RFC 9207). A registered query that
    /// already has one would send the client two values, and the client would not know which is ours.
    public static let responseParameterNames: Set<String> = [
        "code", "state", "iss", "error", "error_description", "error_uri",
    ]

    /// What kind of redirect URI was registered.
    public enum Kind: Sendable, Hashable {
        /// `https` with a host.
        case https
        /// `http` on a loopback host; matched on any port.
        case loopback
        /// A private-use scheme (RFC 8252 §7.1).
        case privateUse
    }

    /// Why a redirect URI was refused; ``description`` is suitable for `error_description`.
    public enum Refusal: Error, Sendable, Hashable {
        case tooLong
        /// Not an absolute URI of RFC 3986 characters (spaces, backslashes, non-ASCII, bad `%` escapes).
        case malformed
        case fragment
        case userinfo
        case wildcard
        /// Scheme or host not written in lowercase.
        case notLowercase
        case forbiddenScheme(String)
        /// `https` without a host, or a host or port that is not well formed.
        case invalidAuthority
        /// The path does not start with `/` after a host.
        case invalidPath
        /// `http` on anything but a loopback host.
        case httpNotLoopback
        /// A private-use scheme for a client that may not use one.
        case privateUseNotAllowed
        /// The query already has a parameter this server adds.
        case reservedQueryParameter(String)

        /// The `error_description` to send back.
        public var description: String {
            switch self {
            case .tooLong: "redirect URIs must be at most \(RedirectURIPolicy.maxLength) characters"
            case .malformed: "a redirect URI must be an absolute URI of RFC 3986 characters"
            case .fragment: "redirect URIs must not have a fragment"
            case .userinfo: "redirect URIs must not have userinfo"
            case .wildcard: "redirect URIs must not contain '*'"
            case .notLowercase: "the scheme and host of a redirect URI must be lowercase"
            case .forbiddenScheme(let scheme): "the scheme '\(scheme)' is not allowed in redirect URIs"
            case .invalidAuthority: "a redirect URI needs a well-formed host and, if any, a port from 1 to 65535"
            case .invalidPath: "the path of a redirect URI must start with '/'"
            case .httpNotLoopback: "http redirect URIs must use a loopback host (127.0.0.1, [::1] or localhost)"
            case .privateUseNotAllowed: "private-use URI schemes are for native clients (application_type native)"
            case .reservedQueryParameter(let name): "the redirect URI's query must not contain '\(name)'"
            }
        }
    }

    /// Checks one redirect URI a client wants to register.
    /// - Parameter allowingPrivateUseSchemes: whether the client may use a private-use scheme (a native client).
    /// - Returns: the kind of URI.
    /// - Throws: ``Refusal``.
    @discardableResult
    public static func check(_ uri: String, allowingPrivateUseSchemes: Bool) throws(Refusal) -> Kind {
        guard uri.utf8.count <= Self.maxLength else { throw .tooLong }
        guard let parts = RedirectURI(uri) else { throw .malformed }
        guard parts.fragment == nil else { throw .fragment }
        guard !parts.hasUserinfo else { throw .userinfo }
        // Some servers read '*' as a wildcard; it never belongs in a URI a client means literally.
        guard !uri.contains("*") else { throw .wildcard }
        guard Self.isLowercase(parts.scheme), Self.isLowercase(parts.host) else { throw .notLowercase }
        let scheme = String(parts.scheme)
        guard !Self.forbiddenSchemes.contains(scheme) else { throw .forbiddenScheme(scheme) }
        if let query = parts.query, let name = Self.reservedName(in: query) { throw .reservedQueryParameter(name) }

        switch scheme {
        case "https":
            try Self.checkHostAndPort(parts)
            return .https
        case "http":
            try Self.checkHostAndPort(parts)
            guard Self.isLoopbackHost(parts.host) else { throw .httpNotLoopback }
            return .loopback
        default:
            guard allowingPrivateUseSchemes else { throw .privateUseNotAllowed }
            // `com.example.app:/cb` (RFC 8252 §7.1) has no authority; `cursor://host/cb` has one, and then it
            // is held to the same host and port syntax as https.
            if parts.hasAuthority {
                try Self.checkHostAndPort(parts, hostRequired: false)
            } else if parts.path.isEmpty && parts.query == nil {
                throw .malformed
            }
            return .privateUse
        }
    }

    /// `true` when `presented` (an authorization request's `redirect_uri`) is one of `registered`.
    ///
    /// `presented` must itself pass ``check(_:allowingPrivateUseSchemes:)``, so a redirect never goes anywhere
    /// registration would have refused, whatever an older registration holds.
    public static func matches(_ presented: String, registered: [String]) -> Bool {
        guard let kind = try? Self.check(presented, allowingPrivateUseSchemes: true) else { return false }
        // Bytes, not String equality: Swift's == treats canonically equivalent Unicode as equal.
        if registered.contains(where: { $0.utf8.elementsEqual(presented.utf8) }) { return true }
        guard kind == .loopback, let given = RedirectURI(presented) else { return false }
        return registered.contains { candidate in
            guard (try? Self.check(candidate, allowingPrivateUseSchemes: false)) == .loopback,
                let expected = RedirectURI(candidate)
            else { return false }
            return expected.host.utf8.elementsEqual(given.host.utf8)
                && expected.path.utf8.elementsEqual(given.path.utf8)
                && Self.equal(expected.query, given.query)
        }
    }

    /// `true` for the hosts RFC 8252 §7.3 and §8.3 name: a canonical IPv4 literal in 127.0.0.0/8, `[::1]`, and
    /// `localhost`. Names that merely look local (`127.0.0.1.nip.io`, `localhost.example`) are not loopback.
    static func isLoopbackHost(_ host: Substring) -> Bool {
        if host == "localhost" || host == "[::1]" { return true }
        guard !host.hasPrefix("["), let address = IPAddress(host), case .v4 = address else { return false }
        // Canonical only: `IPAddress` accepts `127.000.0.1`, which a browser may read differently.
        return address.isLoopback && address.description == host
    }

    private static func checkHostAndPort(_ parts: RedirectURI, hostRequired: Bool = true) throws(Refusal) {
        guard parts.hasAuthority, !hostRequired || !parts.host.isEmpty, Self.isWellFormedHost(parts.host) else {
            throw .invalidAuthority
        }
        if parts.port != nil, parts.canonicalPort == nil { throw .invalidAuthority }
        guard parts.path.isEmpty || parts.path.hasPrefix("/") else { throw .invalidPath }
    }

    /// A bracketed IPv6 literal, or a registered name of letters, digits, `-` and `.`, without empty labels.
    private static func isWellFormedHost(_ host: Substring) -> Bool {
        if host.isEmpty { return true }
        if host.hasPrefix("[") {
            guard let address = IPAddress(host), case .v6 = address else { return false }
            return true
        }
        let labels = host.split(separator: ".", omittingEmptySubsequences: false)
        return labels.allSatisfy { label in
            !label.isEmpty && label.utf8.count <= 63
                && label.utf8.allSatisfy {
                    (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) || (48...57).contains($0)
                        || $0 == UInt8(ascii: "-")
                }
        }
    }

    private static func isLowercase(_ text: Substring) -> Bool {
        !text.utf8.contains { (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0) }
    }

    /// The first parameter of `query` whose decoded name this server adds to the redirect.
    private static func reservedName(in query: Substring) -> String? {
        for pair in query.split(separator: "&") {
            let rawName = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)[0]
            if let name = FormURLEncoded.decode(rawName.utf8), Self.responseParameterNames.contains(name) {
                return name
            }
        }
        return nil
    }

    private static func equal(_ lhs: Substring?, _ rhs: Substring?) -> Bool {
        switch (lhs, rhs) {
        case (nil, nil): true
        case (let lhs?, let rhs?): lhs.utf8.elementsEqual(rhs.utf8)
        default: false
        }
    }
}
