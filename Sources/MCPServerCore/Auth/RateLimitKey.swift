import MCPWire

/// The counters rate limits are kept under. Callers are keyed by ``IPAddress/rateLimitKey`` (IPv6 by /64);
/// an address that does not parse is counted as itself, and an unknown one under `unknown`.
enum RateLimitKey {
    /// Every registration attempt from an address, counted before the policy check.
    static func registration(ip: String?) -> String { "dcr:ip:" + Self.caller(ip) }
    /// Failed token requests from an address: what guessing costs, without letting one caller's failures
    /// lock out the clients that authenticate correctly from the same address (a shared proxy, a NAT).
    static func tokenFailure(ip: String?) -> String { "token:fail:" + Self.caller(ip) }
    /// Successful token requests of one client.
    static func token(client: String) -> String { "token:client:" + client }

    static func caller(_ ip: String?) -> String {
        guard let ip else { return "unknown" }
        return IPAddress(ip)?.rateLimitKey ?? ip
    }
}
