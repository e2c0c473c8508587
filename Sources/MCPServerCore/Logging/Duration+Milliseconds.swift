extension Duration {
    /// The duration in (fractional) milliseconds, for log lines and metrics.
    package var inMilliseconds: Double {
        Double(self.components.seconds) * 1000 + Double(self.components.attoseconds) / 1e15
    }
}
