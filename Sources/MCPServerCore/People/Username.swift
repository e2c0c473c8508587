import MCPWire

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A local person's sign-in name, normalized: trimmed, lower-cased, 1 to 64 characters of `a-z 0-9 . _ @ + -`,
/// starting with a letter or a digit.
///
/// The set is deliberately small: no look-alike Unicode letters, nothing a shell, a URL or a log line would need
/// to quote, and no leading `-` or `.` that reads as an option or a hidden file. Email addresses of the usual
/// shape fit. `mcp-server users` and the sign-in form normalize what people type the same way, so `Alice ` and
/// `alice` are one person.
public struct Username: Sendable, Hashable, CustomStringConvertible {
    /// The longest username, in characters.
    public static let maximumLength = 64
    static let allowedPunctuation: Set<Character> = [".", "_", "@", "+", "-"]

    /// The normalized name, as stored in ``StoredPerson/username``.
    public let value: String

    /// - Throws: the ``UsernameError`` naming the first rule `text` breaks.
    public init(normalizing text: String) throws(UsernameError) {
        let trimmed = text.trimmingWhitespace()
        guard !trimmed.isEmpty else { throw .empty }
        guard trimmed.count <= Self.maximumLength else { throw .tooLong(maximum: Self.maximumLength) }
        // The set is checked before lower-casing, and only ASCII is lower-cased: Unicode case mapping would fold
        // look-alikes into the set (the Kelvin sign U+212A lower-cases to "k").
        if let bad = trimmed.first(where: { !Self.isAllowed($0) && !Self.isUppercaseASCII($0) }) {
            throw .notAllowed(bad)
        }
        let normalized = trimmed.lowercased()
        guard let first = normalized.first, Self.isLetterOrDigit(first) else { throw .mustStartWithLetterOrDigit }
        self.value = normalized
    }

    public var description: String { self.value }

    private static func isLetterOrDigit(_ character: Character) -> Bool {
        guard character.isASCII else { return false }
        return ("a"..."z").contains(character) || ("0"..."9").contains(character)
    }

    private static func isUppercaseASCII(_ character: Character) -> Bool {
        character.isASCII && ("A"..."Z").contains(character)
    }

    private static func isAllowed(_ character: Character) -> Bool {
        Self.isLetterOrDigit(character) || Self.allowedPunctuation.contains(character)
    }
}

/// Which rule a username broke, worded for the operator.
public enum UsernameError: Error, Sendable, Hashable, CustomStringConvertible {
    case empty
    case tooLong(maximum: Int)
    case notAllowed(Character)
    case mustStartWithLetterOrDigit

    public var description: String {
        switch self {
        case .empty:
            "the username is empty"
        case .tooLong(let maximum):
            "the username is too long: at most \(maximum) characters"
        case .notAllowed(let character):
            "the username may contain only a-z, 0-9 and . _ @ + - (not \(Self.shown(character)))"
        case .mustStartWithLetterOrDigit:
            "the username must start with a letter or a digit"
        }
    }

    /// The character quoted when it prints as itself, else its code points (a space, a control or an invisible
    /// character would otherwise be lost in the message).
    private static func shown(_ character: Character) -> String {
        if character.isASCII, let ascii = character.asciiValue, (0x21...0x7E).contains(ascii) {
            return "'\(character)'"
        }
        return character.unicodeScalars.map { scalar in
            let hex = String(scalar.value, radix: 16, uppercase: true)
            return "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
        }
        .joined(separator: " ")
    }
}
