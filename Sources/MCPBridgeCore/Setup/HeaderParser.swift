import MCPWire

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Reads `--header "Name: value"` options and `--header-file` files.
public enum HeaderParser {
    /// Parses one `Name: value` header, expanding `${VAR}` from `environment` so secrets can stay out of
    /// config files (and out of `ps`).
    public static func parse(_ text: String, environment: [String: String]) throws(BridgeError) -> HeaderField {
        guard let colon = text.firstIndex(of: ":") else {
            // The text is not echoed: it may be a credential missing its colon.
            throw .configuration("a --header (or header-file line) has no colon; the form is \"Name: value\"")
        }
        let name = text[..<colon].trimmingOWS()
        let rawValue = text[text.index(after: colon)...].trimmingOWS()
        guard !name.isEmpty, name.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: ":") }) else {
            throw .configuration("\"\(name)\" is not a valid header name")
        }
        let value = try self.expand(rawValue, environment: environment)
        guard value.utf8.allSatisfy({ $0 == 0x09 || ($0 >= 0x20 && $0 != 0x7F) }) else {
            throw .configuration("the value of header \(name) contains control characters")
        }
        return HeaderField(name: name, value: value)
    }

    /// Parses a header file: one `Name: value` per line; blank lines and lines starting with `#` are skipped.
    public static func parseFile(_ path: String, environment: [String: String]) throws(BridgeError) -> [HeaderField] {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8)
        else {
            throw .configuration("--header-file \(path) cannot be read")
        }
        var headers: [HeaderField] = []
        for line in text.split(whereSeparator: \.isNewline) {
            let trimmed = line.trimmingWhitespace()
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            headers.append(try self.parse(trimmed, environment: environment))
        }
        return headers
    }

    /// Replaces `${NAME}` with the variable's value; an unset variable is an error, not an empty string, so a
    /// typo does not silently send an empty credential.
    static func expand(_ text: String, environment: [String: String]) throws(BridgeError) -> String {
        var result = ""
        var rest = Substring(text)
        while let start = rest.firstRange(of: "${") {
            result += rest[..<start.lowerBound]
            guard let end = rest[start.upperBound...].firstIndex(of: "}") else {
                throw .configuration("unterminated ${ in a header value")
            }
            let name = String(rest[start.upperBound..<end])
            guard let value = environment[name] else {
                throw .configuration("the environment variable \(name) (used in a header) is not set")
            }
            result += value
            rest = rest[rest.index(after: end)...]
        }
        return result + rest
    }
}
