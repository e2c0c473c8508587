/// Why ``PasswordHasher`` refused a password or a cost, or could not check one just now.
///
/// The password cases are meant to be shown to the person (or the operator at the CLI), so each has a plain
/// ``description``. None of them repeats the password.
public enum PasswordHashingError: Error, Sendable, Hashable, CustomStringConvertible {
    /// An empty password: never hashed, never checked.
    case emptyPassword
    /// A new password shorter than ``PasswordHasher/minimumCharacters`` Unicode characters.
    case passwordTooShort(minimumCharacters: Int)
    /// More than ``PasswordHasher/maximumBytes`` UTF-8 bytes after NFC normalization. bcrypt would silently
    /// ignore everything past byte 72, so such a password is refused rather than truncated.
    case passwordTooLong(maximumBytes: Int)
    /// A NUL character: bcrypt reads the password as a C string and would stop there.
    case passwordContainsNUL
    /// A bcrypt cost outside ``PasswordHasher/costs`` (bcrypt's log2 rounds, 4...31).
    case costOutOfRange(Int)
    /// Too many passwords are being hashed or checked already (``PasswordHasher/maxChecksRunning`` running and
    /// ``PasswordHasher/maxChecksWaiting`` waiting). Nothing is known about the password: answer "try again"
    /// (HTTP 503 or 429), not "wrong password".
    case busy

    public var description: String {
        switch self {
        case .emptyPassword:
            "the password is empty"
        case .passwordTooShort(let minimum):
            "the password is too short: use at least \(minimum) characters"
        case .passwordTooLong(let maximum):
            "the password is too long: at most \(maximum) bytes in UTF-8 (bcrypt ignores anything longer)"
        case .passwordContainsNUL:
            "the password contains a NUL character"
        case .costOutOfRange(let cost):
            "bcrypt cost \(cost) is out of range: use \(PasswordHasher.costs.lowerBound)...\(PasswordHasher.costs.upperBound)"
        case .busy:
            "too many passwords are being checked right now; try again in a moment"
        }
    }
}
