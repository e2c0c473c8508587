import MCPWire

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Matches URIs against an RFC 6570 level-1 template such as `greeting://{name}`.
///
/// A variable matches one or more characters up to the next literal, never across `/`, so
/// `notes://{folder}/{id}` reads naturally. Values are percent-decoded.
struct URITemplate: Sendable, Hashable {
    private enum Part: Sendable, Hashable {
        case literal(String)
        case variable(String)
    }

    private let parts: [Part]

    /// `nil` when braces are unbalanced or two variables touch (no literal between them to split on).
    init?(_ template: String) {
        var parts: [Part] = []
        var rest = Substring(template)
        while !rest.isEmpty {
            if rest.first == "{" {
                guard let close = rest.firstIndex(of: "}") else { return nil }
                let name = String(rest[rest.index(after: rest.startIndex)..<close])
                guard !name.isEmpty, !name.contains("{") else { return nil }
                if case .variable = parts.last { return nil }
                parts.append(.variable(name))
                rest = rest[rest.index(after: close)...]
            } else {
                let end = rest.firstIndex(of: "{") ?? rest.endIndex
                let literal = String(rest[rest.startIndex..<end])
                guard !literal.contains("}") else { return nil }
                parts.append(.literal(literal))
                rest = rest[end...]
            }
        }
        self.parts = parts
    }

    /// The variables of `uri`, or `nil` when it does not match.
    func match(_ uri: String) -> [String: String]? {
        var variables: [String: String] = [:]
        var rest = Substring(uri)
        for (index, part) in self.parts.enumerated() {
            switch part {
            case .literal(let literal):
                guard rest.hasPrefix(literal) else { return nil }
                rest = rest.dropFirst(literal.count)
            case .variable(let name):
                let end: Substring.Index
                if index + 1 < self.parts.count, case .literal(let next) = self.parts[index + 1] {
                    guard let range = rest.firstRange(of: next) else { return nil }
                    end = range.lowerBound
                } else {
                    end = rest.endIndex
                }
                let value = rest[rest.startIndex..<end]
                guard !value.isEmpty, !value.contains("/"),
                    let decoded = PercentEncoding.decode(value.utf8, form: false)
                else { return nil }
                variables[name] = decoded
                rest = rest[end...]
            }
        }
        return rest.isEmpty ? variables : nil
    }
}
