#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// The outcome of counting one hit against a rate limit.
public struct RateLimitDecision: Sendable, Hashable {
    /// `true` when the hit is within the limit.
    public var allowed: Bool
    /// Hits counted in the current window, this one included.
    public var count: Int
    /// When the current window ends (the `Retry-After` moment when refused).
    public var resetAt: Date

    public init(allowed: Bool, count: Int, resetAt: Date) {
        self.allowed = allowed
        self.count = count
        self.resetAt = resetAt
    }

    /// The start and end of the fixed window of length `window` that contains `now`.
    public static func window(containing now: Date, length window: Duration) -> (start: Date, end: Date) {
        let seconds = max(1, Double(window.components.seconds) + Double(window.components.attoseconds) / 1e18)
        let start = (now.timeIntervalSince1970 / seconds).rounded(.down) * seconds
        return (Date(timeIntervalSince1970: start), Date(timeIntervalSince1970: start + seconds))
    }
}
