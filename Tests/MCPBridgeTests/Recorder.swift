import NIOConcurrencyHelpers

@testable import MCPBridgeCore

/// A list that grows as things happen, which a test can await instead of sleeping: ``waitFor(_:)`` and
/// ``waitForCount(_:)`` return once the list holds what they wait for (at once when it already does).
final class Recorder<Element: Sendable>: Sendable {
    private enum Condition {
        case count(Int)
        case item(@Sendable (Element) -> Bool)

        func holds(for items: [Element]) -> Bool {
            switch self {
            case .count(let count): items.count >= count
            case .item(let matches): items.contains(where: matches)
            }
        }
    }

    private struct State {
        var items: [Element] = []
        var watchers: [(condition: Condition, signal: OneShot<Void>)] = []
    }

    private let state = NIOLockedValueBox(State())

    func append(_ item: Element) {
        let ready = self.state.withLockedValue { state -> [OneShot<Void>] in
            state.items.append(item)
            let items = state.items
            let ready = state.watchers.filter { $0.condition.holds(for: items) }.map(\.signal)
            state.watchers.removeAll { $0.condition.holds(for: items) }
            return ready
        }
        for signal in ready { signal.succeed(()) }
    }

    /// Everything appended so far, in order.
    var items: [Element] { self.state.withLockedValue { $0.items } }

    /// Returns once an item matching `matches` has been appended.
    func waitFor(_ matches: @escaping @Sendable (Element) -> Bool) async throws {
        try await self.wait(until: .item(matches))
    }

    /// Returns once `count` items have been appended.
    func waitForCount(_ count: Int) async throws {
        try await self.wait(until: .count(count))
    }

    private func wait(until condition: Condition) async throws {
        let signal = OneShot<Void>()
        let holds = self.state.withLockedValue { state -> Bool in
            if condition.holds(for: state.items) { return true }
            state.watchers.append((condition, signal))
            return false
        }
        if !holds { try await signal.value }
    }
}
