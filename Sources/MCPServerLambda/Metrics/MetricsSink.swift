import MCPWire

/// Where EMF lines go: standard output on Lambda (CloudWatch Logs turns them into metrics), a recorder in tests.
public protocol MetricsSink: Sendable {
    /// Writes one line (without its newline).
    func emit(_ line: [UInt8])
}

/// EMF lines on standard output, one per call, written whole so lines from overlapping writers never interleave.
public struct StandardOutputMetricsSink: MetricsSink {
    public init() {}

    public func emit(_ line: [UInt8]) {
        var line = line
        line.append(UInt8(ascii: "\n"))
        StandardStream.output.write(bytes: line)
    }
}
