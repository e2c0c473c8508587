import MCPWire

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The optional profile fields of `users add`, checked and trimmed: they are shown on the consent page and in
/// `users list`, so they hold no control characters and stay short.
enum PersonProfile {
    static let maximumDisplayNameLength = 128
    /// RFC 5321's limit on a forward path, the longest address that can receive mail.
    static let maximumEmailLength = 254

    /// `text` trimmed; `nil` when no display name was given.
    /// - Throws: ``PersonProfileError`` when it is empty, too long or holds control characters.
    static func displayName(_ text: String?) throws(PersonProfileError) -> String? {
        guard let text else { return nil }
        let name = text.trimmingWhitespace()
        guard !name.isEmpty else { throw PersonProfileError("the display name is empty") }
        guard name.count <= Self.maximumDisplayNameLength else {
            throw PersonProfileError(
                "the display name is too long: at most \(Self.maximumDisplayNameLength) characters"
            )
        }
        guard !name.unicodeScalars.contains(where: Self.isControl) else {
            throw PersonProfileError("the display name contains a control character")
        }
        return name
    }

    /// `text` trimmed; `nil` when no email address was given. Only the shape is checked (one `@` between two
    /// non-empty parts, no spaces): nothing is sent to it.
    /// - Throws: ``PersonProfileError`` when it does not have that shape or is too long.
    static func email(_ text: String?) throws(PersonProfileError) -> String? {
        guard let text else { return nil }
        let email = text.trimmingWhitespace()
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty,
            !email.unicodeScalars.contains(where: { Self.isControl($0) || $0.properties.isWhitespace })
        else { throw PersonProfileError("the email address must look like name@example.com") }
        guard email.count <= Self.maximumEmailLength else {
            throw PersonProfileError("the email address is too long: at most \(Self.maximumEmailLength) characters")
        }
        return email
    }

    /// C0 and C1 controls and DEL (general category Cc).
    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.generalCategory == .control
    }
}

/// Which profile rule `users add` refused, worded for the operator.
struct PersonProfileError: Error, Sendable, Hashable, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}
