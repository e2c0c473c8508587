import MCPWire
import NIOConcurrencyHelpers

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The calls waiting for a modern host to retry with the input a legacy server asked for, by the `requestState`
/// the host was given. Bounded in number and age: a host that never retries does not keep calls open upstream.
final class PendingInput: Sendable {
    struct Entry: Sendable {
        let call: UpstreamCall
        /// The method the host must retry (a state is not good for another request).
        var method: String { self.call.method }
        /// The server's requests in this round, by the key they have in `inputRequests`.
        let serverRequestIDs: [String: JSONRPCID]
        /// Their methods, by the same keys.
        let serverMethods: [String: String]
        let created: ContinuousClock.Instant
    }

    private let entries = NIOLockedValueBox<[String: (entry: Entry, expiry: Task<Void, Never>)]>([:])
    static let limit = 64
    static let lifetime = Duration.seconds(600)

    /// Parks `entry` and returns the state the host must echo.
    func park(_ entry: Entry) -> String {
        var bytes = [UInt8](repeating: 0, count: 16)
        for index in bytes.indices { bytes[index] = UInt8.random(in: 0...255) }
        let state = "mcp-bridge:" + Hex.encode(bytes)
        // A host that never retries does not keep the call open upstream past the lifetime.
        let expiry = Task { [weak self] in
            do {
                try await Task.sleep(for: Self.lifetime)
            } catch {
                return
            }
            self?.expire(state)
        }
        let evicted = self.entries.withLockedValue { entries -> (Entry, Task<Void, Never>)? in
            var evicted: (Entry, Task<Void, Never>)?
            if entries.count >= Self.limit,
                let oldest = entries.min(by: { $0.value.entry.created < $1.value.entry.created })
            {
                evicted = oldest.value
                entries[oldest.key] = nil
            }
            entries[state] = (entry, expiry)
            return evicted
        }
        if let (entry, timer) = evicted {
            timer.cancel()
            entry.call.cancel()
        }
        return state
    }

    /// Takes the entry for `state`, once, when it is for `method`; an entry for another method stays.
    func take(_ state: String, method: String) -> Entry? {
        let taken = self.entries.withLockedValue { entries -> (entry: Entry, expiry: Task<Void, Never>)? in
            guard let found = entries[state], found.entry.method == method else { return nil }
            entries[state] = nil
            return found
        }
        taken?.expiry.cancel()
        return taken?.entry
    }

    private func expire(_ state: String) {
        let expired = self.entries.withLockedValue { $0.removeValue(forKey: state) }
        expired?.entry.call.cancel()
    }

    /// Cancels every parked call.
    func cancelAll() {
        let all = self.entries.withLockedValue { entries in
            defer { entries = [:] }
            return Array(entries.values)
        }
        for (entry, expiry) in all {
            expiry.cancel()
            entry.call.cancel()
        }
    }
}
