import Logging

/// A log handler that keeps every message, so a test can await one instead of sleeping until it was probably
/// logged.
struct LogRecorder: LogHandler {
    let messages: Recorder<String>
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { self.metadata[key] }
        set { self.metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        self.messages.append(event.message.description)
    }

    /// A logger whose messages go to `messages`.
    static func logger(_ messages: Recorder<String>) -> Logger {
        Logger(label: "mcp-bridge-test") { _ in LogRecorder(messages: messages) }
    }
}
