import MCPCommandLine

extension LogLevel {
    /// The level Lambda's logging configuration names in `AWS_LAMBDA_LOG_LEVEL` (`TRACE`, `DEBUG`, `INFO`, `WARN`,
    /// `ERROR` or `FATAL`); `nil` for anything else.
    init?(awsLambdaLogLevel text: String) {
        switch text.uppercased() {
        case "WARN": self = .warning
        case "FATAL": self = .critical
        default: self.init(argument: text)
        }
    }
}
