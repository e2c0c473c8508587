import MCPWire

/// A piece of HTML whose markup can only come from string literals in our code: every `String` interpolated into it
/// is escaped, so no value a client, a person or an upstream provider supplied can become markup.
///
/// The pages are built from these instead of a template engine: `"<p>\(name)</p>" as HTML` escapes `name`, and a
/// fragment built the same way can be nested (`"<main>\(paragraph)</main>"`) without being escaped twice. There is
/// no initializer from a run-time `String`, which is what makes "every value is escaped" a property of the type
/// rather than of each template. (swift-mustache, used before, imports full Foundation and calls its NSString
/// bridges, such as `replacingOccurrences`; in a binary with the Swift runtime linked statically any one such call
/// links CoreFoundation and ICU's data, 42 MiB stripped, measured with a one-line program.)
public struct HTML: Sendable, Hashable, ExpressibleByStringInterpolation, CustomStringConvertible {
    /// The markup, ready to send.
    public private(set) var description: String

    /// Nothing: the fragment a missing optional part renders as.
    public static let empty: HTML = ""

    public init(stringLiteral literal: StaticString) {
        self.description = literal.description
    }

    public init(stringInterpolation: StringInterpolation) {
        self.description = stringInterpolation.markup
    }

    /// The fragments one after the other, as for a list's items.
    public init(joining fragments: some Sequence<HTML>) {
        self.description = fragments.map(\.description).joined()
    }

    /// `fragment` when `condition` holds, else nothing.
    public static func when(_ condition: Bool, _ fragment: @autoclosure () -> HTML) -> HTML {
        condition ? fragment() : .empty
    }

    /// The text with `& < > " '` replaced by references (``MCPWire/HTMLEscaping``); the same five Mustache's `{{x}}`
    /// escapes.
    public static func escape(_ text: some StringProtocol) -> String {
        HTMLEscaping.escape(text)
    }

    public struct StringInterpolation: StringInterpolationProtocol {
        fileprivate var markup = ""

        public init(literalCapacity: Int, interpolationCount: Int) {
            self.markup.reserveCapacity(literalCapacity + interpolationCount * 16)
        }

        /// Markup written in our source.
        public mutating func appendLiteral(_ literal: StaticString) {
            self.markup += literal.description
        }

        /// A value: always escaped.
        public mutating func appendInterpolation(_ value: some StringProtocol) {
            self.markup += HTML.escape(value)
        }

        /// A fragment built the same way: already safe, so kept as it is.
        public mutating func appendInterpolation(_ fragment: HTML) {
            self.markup += fragment.description
        }
    }
}
