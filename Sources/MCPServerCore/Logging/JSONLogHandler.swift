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
        var members: [String: JSONValue] = [:]
        for (key, value) in self.metadata { members[Self.outputKey(key)] = Self.json(value) }
        for (key, value) in event.metadata ?? [:] { members[Self.outputKey(key)] = Self.json(value) }
        members["timestamp"] = .string(Timestamp.now())
        members["level"] = .string(event.level.rawValue)
        members["message"] = .string(event.message.description)
        members["logger"] = .string(self.label)
        var line = JSONValue.object(members).serialized()
        line.append(UInt8(ascii: "\n"))
        Self.writeAll(line, to: self.fileDescriptor)
    }

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
enum Timestamp {
    static func now() -> String {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        var seconds = spec.tv_sec
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func pad(_ value: Int32, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        let milliseconds = Int32(spec.tv_nsec / 1_000_000)
        return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2))T"
            + "\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2)).\(pad(milliseconds, 3))Z"
    }
}
