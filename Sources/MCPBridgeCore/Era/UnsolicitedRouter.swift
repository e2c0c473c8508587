import NIOConcurrencyHelpers

/// Where the connection sends what the server says outside any request (its GET stream, the legacy stream):
/// straight to the host, until era translation takes it over.
final class UnsolicitedRouter: ServerMessageSink {
    private let host: any ServerMessageSink
    private let handler = NIOLockedValueBox<(@Sendable ([UInt8]) -> Void)?>(nil)

    init(host: any ServerMessageSink) {
        self.host = host
    }

    /// Sends everything to `handler` from now on.
    func route(to handler: @escaping @Sendable ([UInt8]) -> Void) {
        self.handler.withLockedValue { $0 = handler }
    }

    func deliver(_ bytes: [UInt8]) {
        if let handler = self.handler.withLockedValue({ $0 }) {
            handler(bytes)
        } else {
            self.host.deliver(bytes)
        }
    }
}
