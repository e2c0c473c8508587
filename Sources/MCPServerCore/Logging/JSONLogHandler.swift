public import Logging
import MCPWire

#if canImport(Darwin)
import Darwin
#elseif canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Writes one JSON object per line to stderr: `timestamp`, `level`, `message`, then the metadata.
///
/// Each line goes out in a single `write(2)`, so lines from concurrent requests never interleave.
/// Hummingbird's `hb.request.id` is written as `request_id`. Integer and floating-point metadata values
/// (for example `duration_ms`) are written as JSON numbers.
public struct JSONLogHandler: LogHandler {
    public var logLevel: Logger.Level = .info
    public var metadata: Logger.Metadata = [:]
    private let label: String
    private let fileDescriptor: Int32

    /// A handler for `label` that writes to standard error.
    public init(label: String) {
        self.init(label: label, fileDescriptor: 2)
    }

    init(label: String, fileDescriptor: Int32) {
        self.label = label
        self.fileDescriptor = fileDescriptor
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { self.metadata[key] }
        set { self.metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        // Built byte by byte rather than through a JSONValue dictionary: this runs once per request.
        var line: [UInt8] = []
        line.reserveCapacity(256)
        line.append(contentsOf: #"{"timestamp":""#.utf8)
        LogTimestamp.write(to: &line)
        line.append(contentsOf: #"","level":""#.utf8)
        line.append(contentsOf: event.level.rawValue.utf8)
        line.append(contentsOf: #"","message":"#.utf8)
        JSONValue.writeString(event.message.description, to: &line)
        line.append(contentsOf: #","logger":"#.utf8)
        JSONValue.writeString(self.label, to: &line)
        func append(_ key: String, _ value: Logger.Metadata.Value) {
            guard !Self.reservedKeys.contains(key) else { return }
            line.append(UInt8(ascii: ","))
            JSONValue.writeString(Self.outputKey(key), to: &line)
            line.append(UInt8(ascii: ":"))
            Self.json(value).write(to: &line)
        }
        for (key, value) in self.metadata where event.metadata?[key] == nil { append(key, value) }
        for (key, value) in event.metadata ?? [:] { append(key, value) }
        line.append(contentsOf: "}\n".utf8)
        Self.writeAll(line, to: self.fileDescriptor)
    }

    private static let reservedKeys: Set<String> = ["timestamp", "level", "message", "logger"]

    private static func outputKey(_ key: String) -> String {
        key == "hb.request.id" ? "request_id" : key
    }

    static func json(_ value: Logger.Metadata.Value) -> JSONValue {
        switch value {
        case .string(let string): return .string(string)
        case .stringConvertible(let convertible):
            switch convertible {
            case let integer as Int: return .number(JSONNumber(integer))
            case let double as Double: return .number(JSONNumber(double))
            case let bool as Bool: return .bool(bool)
            default: return .string(convertible.description)
            }
        case .array(let values): return .array(values.map(Self.json))
        case .dictionary(let values): return .object(values.mapValues(Self.json))
        }
    }

    static func writeAll(_ bytes: [UInt8], to fileDescriptor: Int32) {
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = write(fileDescriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if written > 0 {
                    offset += written
                } else if written < 0 && errno == EINTR {
                    continue
                } else {
                    return  // stderr is gone; a log line is not worth crashing for
                }
            }
        }
    }
}

/// UTC timestamps with milliseconds, without Foundation's formatter cost on every line.
public enum LogTimestamp {
    /// Appends `2026-11-25T21:15:02.707Z` for the current time.
    static func write(to output: inout [UInt8]) {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        var seconds = spec.tv_sec
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func digits(_ value: Int32, _ width: Int) {
            var divisor: Int32 = 1
            for _ in 1..<width { divisor *= 10 }
            var rest = value
            while divisor > 0 {
                output.append(UInt8(ascii: "0") + UInt8(truncatingIfNeeded: rest / divisor % 10))
                rest %= divisor
                divisor /= 10
            }
        }
        digits(parts.tm_year + 1900, 4)
        output.append(UInt8(ascii: "-"))
        digits(parts.tm_mon + 1, 2)
        output.append(UInt8(ascii: "-"))
        digits(parts.tm_mday, 2)
        output.append(UInt8(ascii: "T"))
        digits(parts.tm_hour, 2)
        output.append(UInt8(ascii: ":"))
        digits(parts.tm_min, 2)
        output.append(UInt8(ascii: ":"))
        digits(parts.tm_sec, 2)
        output.append(UInt8(ascii: "."))
        digits(Int32(spec.tv_nsec / 1_000_000), 3)
        output.append(UInt8(ascii: "Z"))
    }

    /// The current time as text.
    public static func now() -> String {
        var output: [UInt8] = []
        Self.write(to: &output)
        return String(decoding: output, as: UTF8.self)
    }
}
