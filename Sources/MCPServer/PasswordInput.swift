import MCPServerCore

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

#if canImport(Darwin)
import Darwin
#elseif canImport(Glibc)
import Glibc
#endif

/// Where `users add` and `users passwd` read a new password from.
///
/// There is no `--password` flag: a password on the command line shows in `ps` and in shell history. A file or a
/// pipe holds one line (a final line break is dropped, as `echo` and editors add one); a terminal is asked twice,
/// with echo off. Nothing here ever prints the password.
enum PasswordInput: Sendable, Equatable {
    /// `--password-file PATH`.
    case file(String)
    /// stdin, when it is not a terminal: a pipe, a here-string, a redirected file.
    case standardInput
    /// stdin is a terminal: prompt on stderr, read without echo, twice.
    case terminal

    /// The most bytes read from a file or a pipe: far more than bcrypt's 72, and a bound on what a wrong path (a log
    /// file, `/dev/zero`) makes the command read.
    static let readLimit = 1024

    /// `--password-file` when given, else stdin: the terminal when it is one, else what is piped in.
    static func choose(file: String?, standardInputIsTerminal: Bool = isatty(STDIN_FILENO) == 1) -> Self {
        if let file { return .file(file) }
        return standardInputIsTerminal ? .terminal : .standardInput
    }

    /// Reads the password (blocking: call it off the cooperative pool).
    /// - Parameter username: named in the terminal prompt.
    func read(for username: Username) throws(PasswordInputError) -> String {
        switch self {
        case .file(let path):
            let descriptor = open(path, O_RDONLY | O_CLOEXEC)
            guard descriptor >= 0 else { throw .cannotRead("--password-file \(path)", errno: errno) }
            defer { close(descriptor) }
            let bytes = try Self.readAll(descriptor, source: "--password-file \(path)")
            return try Self.password(from: bytes, empty: "the password file \(path) is empty")
        case .standardInput:
            let bytes = try Self.readAll(STDIN_FILENO, source: "stdin")
            return try Self.password(
                from: bytes,
                empty: "no password on stdin: pipe one in, give --password-file, or run on a terminal"
            )
        case .terminal:
            guard let first = try TerminalPrompt.readHidden("New password for \(username): ") else {
                throw PasswordInputError("no password given")
            }
            guard let second = try TerminalPrompt.readHidden("Retype the password: ") else {
                throw PasswordInputError("no password given")
            }
            guard first == second else { throw PasswordInputError("the two passwords do not match") }
            guard !first.isEmpty else { throw PasswordInputError(PasswordHashingError.emptyPassword.description) }
            return first
        }
    }

    /// One line of UTF-8: a final `\n` or `\r\n` is dropped; another line break, or none of it being text, is
    /// refused rather than guessed at.
    static func password(from bytes: [UInt8], empty: String) throws(PasswordInputError) -> String {
        var line = bytes[...]
        if line.last == UInt8(ascii: "\n") {
            line.removeLast()
            if line.last == UInt8(ascii: "\r") { line.removeLast() }
        }
        guard !line.isEmpty else { throw PasswordInputError(empty) }
        guard !line.contains(UInt8(ascii: "\n")), !line.contains(UInt8(ascii: "\r")) else {
            throw PasswordInputError("the password must be one line")
        }
        guard let text = String(validating: line, as: UTF8.self) else {
            throw PasswordInputError("the password is not UTF-8 text")
        }
        return text
    }

    /// Everything `descriptor` has, up to ``readLimit`` bytes.
    static func readAll(_ descriptor: Int32, source: String) throws(PasswordInputError) -> [UInt8] {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 256)
        while true {
            let count = chunk.withUnsafeMutableBytes { readDescriptor(descriptor, $0) }
            if count < 0 {
                if errno == EINTR { continue }
                throw .cannotRead(source, errno: errno)
            }
            if count == 0 { return bytes }
            bytes += chunk[..<count]
            guard bytes.count <= Self.readLimit else {
                throw PasswordInputError(
                    PasswordHashingError.passwordTooLong(maximumBytes: PasswordHasher.maximumBytes).description
                )
            }
        }
    }
}

/// Why no password could be read, worded for the operator (never containing the password).
struct PasswordInputError: Error, Sendable, Hashable, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }

    static func cannotRead(_ source: String, errno code: Int32) -> Self {
        Self("cannot read \(source): \(String(cString: strerror(code)))")
    }
}

/// `read(2)` into `buffer`, outside any type whose own `read` would shadow it.
func readDescriptor(_ descriptor: Int32, _ buffer: UnsafeMutableRawBufferPointer) -> Int {
    read(descriptor, buffer.baseAddress, buffer.count)
}
