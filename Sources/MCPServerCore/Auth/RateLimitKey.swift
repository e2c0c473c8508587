import MCPWire

/// The counters rate limits are kept under. Callers are keyed by ``IPAddress/rateLimitKey`` (IPv6 by /64);
/// an address that does not parse is counted as itself, and an unknown one under `unknown`.
enum RateLimitKey {
    /// Every registration attempt from an address, counted before the policy check.
    static func registration(ip: String?) -> String { "dcr:ip:" + Self.caller(ip) }
    /// Failed token requests from an address: what guessing costs, without letting one caller's failures
    /// lock out the clients that authenticate correctly from the same address (a shared proxy, a NAT).
    static func tokenFailure(ip: String?) -> String { "token:fail:" + Self.caller(ip) }
    /// Successful token requests of one client (client credentials).
    static func token(client: String) -> String { "token:client:" + client }
    /// Successful token requests of one person through one client: a public client (Claude Code) is shared by
    /// everyone who uses it, so counting it as one would let one person's traffic lock out the others.
    static func token(client: String, person: String) -> String { "token:client:" + client + "\nperson:" + person }
    /// Password sign-in attempts for one (normalized) username from one address: the limit a guesser meets,
    /// without letting them lock the person out of signing in from anywhere else.
    static func signIn(username: Username, ip: String?) -> String {
        "signin:person-ip:" + Self.caller(ip) + "\nperson:" + username.value
    }
    /// Password sign-in attempts for one (normalized) username from every address together: the ceiling that keeps
    /// guessing from many addresses bounded.
    static func signIn(username: Username) -> String { "signin:person:" + username.value }
    /// Password sign-in attempts from an address, for any username.
    static func signIn(ip: String?) -> String { "signin:ip:" + Self.caller(ip) }
    /// Sign-ins sent to the upstream provider from an address: each one stores login state, so an anonymous
    /// caller must not be able to write rows without bound.
    static func upstreamSignIn(ip: String?) -> String { "signin:upstream:ip:" + Self.caller(ip) }

    static func caller(_ ip: String?) -> String {
        guard let ip else { return "unknown" }
        return IPAddress(ip)?.rateLimitKey ?? ip
    }
}
