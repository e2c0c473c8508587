/// Which requests get a per-request access line (`Request`: method, path, status, duration).
///
/// One line per request is about 210 bytes: at full load that is gigabytes an hour, and on Lambda every byte is
/// billed CloudWatch ingestion. The default, ``errors``, keeps the lines worth reading — failures and slow
/// requests — and leaves successes to the metrics, which count every request. Audit lines (registrations,
/// deletions, refused credentials) are written by the code that audits, not by this policy, and are never dropped.
///
/// Written on the command line and in `MCP_SERVER_ACCESS_LOG` as `all`, `errors` or `sample:N`.
public enum AccessLogPolicy: Sendable, Hashable, CustomStringConvertible {
    /// A line for every request.
    case all
    /// Lines for requests that failed (status 400 and above) or were slow (``slowRequestThreshold``) only.
    case errors
    /// As ``errors``, plus one line in every `every` of the other requests, counted in the order they finish.
    case sample(every: Int)

    /// What `mcp-server` uses when nothing is configured.
    public static let `default` = AccessLogPolicy.errors

    /// A request that took this long gets a line under every policy: slowness is what an operator looks for, and
    /// a slow success is rare enough to cost nothing. One second is far above the server's own latency and below
    /// the clients' usual timeouts.
    public static let slowRequestThreshold = Duration.seconds(1)

    /// Parses `all`, `errors` or `sample:N` (N ≥ 1); `nil` for anything else. The shape ArgumentParser's
    /// `ExpressibleByArgument` asks for, so the executable can take the policy as an option.
    public init?(argument: String) {
        switch argument.lowercased() {
        case "all": self = .all
        case "errors": self = .errors
        case let text where text.hasPrefix("sample:"):
            // Digits only: Int("+3") and Int(" 3") would also parse.
            let number = text.dropFirst("sample:".count)
            guard !number.isEmpty, number.allSatisfy({ ("0"..."9").contains($0) }), let every = Int(number), every >= 1
            else { return nil }
            self = .sample(every: every)
        default: return nil
        }
    }

    /// The policy as it is written on the command line.
    public var description: String {
        switch self {
        case .all: "all"
        case .errors: "errors"
        case .sample(let every): "sample:\(every)"
        }
    }

    /// Whether a request is logged under every policy: it failed (400 and above: refused credentials, rate limits,
    /// bad requests and server errors alike, which in normal operation are rare and are what gets debugged), or it
    /// was slow.
    public static func isNoteworthy(status: Int, duration: Duration) -> Bool {
        status >= 400 || duration >= Self.slowRequestThreshold
    }

    /// Whether this request uses up a place in the sample: only ``sample(every:)`` counts, and only requests that
    /// are not logged anyway, so that one line in N is about successes whatever the error rate.
    public func countsTowardsSample(status: Int, duration: Duration) -> Bool {
        guard case .sample = self else { return false }
        return !Self.isNoteworthy(status: status, duration: duration)
    }

    /// Whether a request that finished with `status` after `duration` gets an access line.
    ///
    /// - Parameter sampleIndex: for ``sample(every:)``, this request's place (from 0) among the requests that
    ///   ``countsTowardsSample(status:duration:)``; the first and then every N-th of them is logged. Ignored by the
    ///   other policies.
    public func shouldLog(status: Int, duration: Duration, sampleIndex: UInt64) -> Bool {
        if Self.isNoteworthy(status: status, duration: duration) { return true }
        switch self {
        case .all: return true
        case .errors: return false
        case .sample(let every): return sampleIndex % UInt64(max(every, 1)) == 0
        }
    }
}
