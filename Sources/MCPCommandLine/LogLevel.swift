public import Logging

/// `--log-level` of both executables: swift-log's levels, by name.
public enum LogLevel: String, CaseInsensitiveArgument, Sendable {
    case trace
    case debug
    case info
    case notice
    case warning
    case error
    case critical

    /// The swift-log level of the same name.
    public var level: Logger.Level {
        switch self {
        case .trace: .trace
        case .debug: .debug
        case .info: .info
        case .notice: .notice
        case .warning: .warning
        case .error: .error
        case .critical: .critical
        }
    }
}
