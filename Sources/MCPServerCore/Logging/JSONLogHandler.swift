public import Logging
import MCPWire

#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

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
    static func write(to output: inout [UInt8], now: Double = Date().timeIntervalSince1970) {
        let totalMilliseconds = Int64((now * 1000).rounded(.down))
        let milliseconds = Int(totalMilliseconds % 1000)
        let seconds = totalMilliseconds / 1000
        let days = seconds / 86_400
        let secondOfDay = Int(seconds % 86_400)
        // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm), no libc calls.
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = Int(dayOfYear - (153 * monthIndex + 2) / 5 + 1)
        let month = Int(monthIndex < 10 ? monthIndex + 3 : monthIndex - 9)
        let year = Int(yearOfEra + era * 400 + (month <= 2 ? 1 : 0))
        func digits(_ value: Int, _ width: Int) {
            var divisor = 1
            for _ in 1..<width { divisor *= 10 }
            while divisor > 0 {
                output.append(UInt8(ascii: "0") + UInt8(truncatingIfNeeded: value / divisor % 10))
                divisor /= 10
            }
        }
        digits(year, 4)
        output.append(UInt8(ascii: "-"))
        digits(month, 2)
        output.append(UInt8(ascii: "-"))
        digits(day, 2)
        output.append(UInt8(ascii: "T"))
        digits(secondOfDay / 3600, 2)
        output.append(UInt8(ascii: ":"))
        digits(secondOfDay / 60 % 60, 2)
        output.append(UInt8(ascii: ":"))
        digits(secondOfDay % 60, 2)
        output.append(UInt8(ascii: "."))
        digits(milliseconds, 3)
        output.append(UInt8(ascii: "Z"))
    }

    /// The current time (or `now`, seconds since 1970) as text.
    public static func now(_ now: Double = Date().timeIntervalSince1970) -> String {
        var output: [UInt8] = []
        Self.write(to: &output, now: now)
        return String(decoding: output, as: UTF8.self)
    }
}
