import MCPWire

#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// How long a fetched response may be reused, from its caching headers (RFC 9111 §4.2.1), within a ceiling.
///
/// `Cache-Control: no-store` or `no-cache` means not at all (this cache never revalidates, so "use only after
/// revalidating" is "do not reuse"); otherwise `max-age` (less `Age`), else `Expires` minus `Date` (or minus now),
/// else the default. An `Expires` that cannot be read means already expired (RFC 9111 §5.3); only the preferred
/// IMF-fixdate form is read, so the obsolete forms count as unreadable, which errs on fetching again.
public enum HTTPCacheLifetime {
    /// The lifetime of `response`, between zero and `ceiling`.
    public static func of(
        _ response: OutboundResponse,
        now: Date,
        default defaultLifetime: Duration,
        ceiling: Duration
    ) -> Duration {
        let seconds = Self.seconds(response, now: now) ?? Double(defaultLifetime.components.seconds)
        let ceilingSeconds = Double(ceiling.components.seconds)
        return .seconds(Int64(max(0, min(seconds, ceilingSeconds))))
    }

    /// The lifetime the headers give, in seconds; `nil` when they say nothing.
    static func seconds(_ response: OutboundResponse, now: Date) -> Double? {
        let directives = response.headerValues("cache-control")
            .flatMap { $0.split(separator: ",") }
            .map { $0.trimmingOWS().lowercased() }
        if directives.contains(where: { $0 == "no-store" || $0 == "no-cache" || $0.hasPrefix("no-cache=") }) {
            return 0
        }
        if let maxAge = directives.lazy.compactMap(Self.maxAge).first {
            let age = response.headerValues("age").first.flatMap { Double($0.trimmingOWS()) }
            return maxAge - max(0, age ?? 0)
        }
        guard let expiresText = response.headerValues("expires").first else { return nil }
        guard let expires = Self.imfFixdate(expiresText) else { return 0 }
        let date = response.headerValues("date").first.flatMap(Self.imfFixdate) ?? now
        return expires.timeIntervalSince(date)
    }

    /// The seconds of a `max-age=N` directive (digits only; a quoted value is tolerated, RFC 9111 §1.2.2).
    private static func maxAge(_ directive: String) -> Double? {
        guard directive.hasPrefix("max-age=") else { return nil }
        var value = directive.dropFirst("max-age=".count)
        if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = value.dropFirst().dropLast() }
        guard !value.isEmpty, value.utf8.allSatisfy({ (48...57).contains($0) }) else { return nil }
        // RFC 9111 §1.2.2: a delta larger than fits is "infinity"; the ceiling applies anyway.
        return Double(value) ?? Double(Int32.max)
    }

    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// `Sun, 06 Nov 1994 08:49:37 GMT` (RFC 9110 §5.6.7), or `nil`.
    static func imfFixdate(_ text: String) -> Date? {
        let parts = text.trimmingOWS().split(separator: " ")
        guard parts.count == 6, parts[0].count == 4, parts[0].hasSuffix(","), parts[5] == "GMT",
            parts[1].count == 2, let day = Int(parts[1]),
            let month = Self.months.firstIndex(of: String(parts[2])),
            parts[3].count == 4, let year = Int(parts[3])
        else { return nil }
        let clock = parts[4].split(separator: ":", omittingEmptySubsequences: false)
        guard clock.count == 3, clock.allSatisfy({ $0.count == 2 }), let hour = Int(clock[0]),
            let minute = Int(clock[1]), let second = Int(clock[2])
        else { return nil }
        var components = DateComponents()
        components.calendar = Calendar(identifier: .gregorian)
        components.timeZone = TimeZone(identifier: "GMT")
        (components.year, components.month, components.day) = (year, month + 1, day)
        (components.hour, components.minute, components.second) = (hour, minute, second)
        guard (1...31).contains(day), (0...23).contains(hour), (0...59).contains(minute), (0...60).contains(second)
        else { return nil }
        return components.date
    }
}
