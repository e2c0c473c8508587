import MCPServerCore
import MCPWire

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

/// Reads a line from the terminal on stdin with echo off, as `passwd(1)` does.
///
/// The terminal's settings are restored on every way out: a normal return or a thrown error by `defer`, and
/// Ctrl-C, Ctrl-\, a hang-up or a SIGTERM by a signal handler that puts them back and then dies of the same signal
/// (so the shell still sees "killed by SIGINT"). Without that, a person who gives up at the prompt is left typing
/// blind into their shell.
enum TerminalPrompt {
    /// The signals that end the process while it waits at the prompt.
    static let signals: [Int32] = [SIGINT, SIGQUIT, SIGHUP, SIGTERM]

    /// The settings to restore, for the signal handler, which can capture nothing. Written before the handler is
    /// installed; only a handler reads it afterwards.
    nonisolated(unsafe) private static var saved = termios()

    /// Restores ``saved`` with async-signal-safe calls only, then re-raises the signal with its default action.
    private static let restoreAndDie: @convention(c) (Int32) -> Void = { number in
        _ = tcsetattr(STDIN_FILENO, TCSANOW, &TerminalPrompt.saved)
        _ = signal(number, SIG_DFL)
        _ = raise(number)
    }

    /// Writes `prompt` to stderr and reads one line from stdin without echoing it.
    /// - Returns: the line without its line break; `nil` at end of input (Ctrl-D) before any character.
    static func readHidden(_ prompt: String) throws(PasswordInputError) -> String? {
        var original = termios()
        guard tcgetattr(STDIN_FILENO, &original) == 0 else { throw .cannotRead("the terminal", errno: errno) }
        Self.saved = original
        var quiet = original
        // No echo, but the line break is still echoed, so the next prompt starts on a new line.
        quiet.c_lflag &= ~tcflag_t(ECHO)
        quiet.c_lflag |= tcflag_t(ECHONL)
        let previous = Self.signals.map { ($0, signal($0, Self.restoreAndDie)) }
        defer {
            _ = tcsetattr(STDIN_FILENO, TCSAFLUSH, &original)
            for (number, handler) in previous { _ = signal(number, handler) }
        }
        // TCSAFLUSH drops anything typed ahead, which was shown as it was typed. The prompt comes after it, so what
        // is typed once the prompt shows is neither echoed nor dropped.
        guard tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet) == 0 else {
            throw .cannotRead("the terminal", errno: errno)
        }
        StandardStream.error.write(prompt)
        guard let line = try Self.readLine() else {
            // Ctrl-D echoes nothing: end the prompt's line so what follows does not run on from it.
            StandardStream.error.write("\n")
            return nil
        }
        guard let text = String(validating: line, as: UTF8.self) else {
            throw PasswordInputError("the password is not UTF-8 text")
        }
        return text
    }

    /// Bytes up to a line break; `nil` at end of input before any byte.
    private static func readLine() throws(PasswordInputError) -> [UInt8]? {
        var line: [UInt8] = []
        var byte: UInt8 = 0
        var tooLong = false
        while true {
            let count = withUnsafeMutableBytes(of: &byte) { readDescriptor(STDIN_FILENO, $0) }
            if count < 0 {
                if errno == EINTR { continue }
                throw .cannotRead("the terminal", errno: errno)
            }
            if count == 0 {
                if line.isEmpty && !tooLong { return nil }
                break
            }
            if byte == UInt8(ascii: "\n") { break }
            // Keep reading to the end of the line so the rest is not left for the shell, but keep no more of it.
            if line.count < PasswordInput.readLimit { line.append(byte) } else { tooLong = true }
        }
        if line.last == UInt8(ascii: "\r") { line.removeLast() }
        if tooLong {
            throw PasswordInputError(
                PasswordHashingError.passwordTooLong(maximumBytes: PasswordHasher.maximumBytes).description
            )
        }
        return line
    }
}
