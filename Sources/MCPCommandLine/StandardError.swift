#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#elseif canImport(ucrt)
import ucrt
#endif

/// Messages for the person at the terminal, on standard error (standard output may be a protocol, or be piped).
///
/// Written straight to file descriptor 2: `FileHandle` is not in FoundationEssentials, and there is no stdio
/// buffer to flush before exiting.
public enum StandardError {
    /// Writes `text` as it is (end it with a newline yourself). Failures are ignored: standard error is where they
    /// would be reported.
    public static func write(_ text: String) {
        let bytes = Array(text.utf8)
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = writeToStandardError(buffer.baseAddress! + offset, buffer.count - offset)
                if written <= 0 {
                    #if !os(Windows)
                    if written < 0 && errno == EINTR { continue }
                    #endif
                    return
                }
                offset += written
            }
        }
    }
}

/// `write(2)` to file descriptor 2, outside ``StandardError``, whose own `write` would hide it there.
private func writeToStandardError(_ pointer: UnsafeRawPointer, _ count: Int) -> Int {
    #if os(Windows)
    return Int(_write(2, pointer, UInt32(clamping: count)))
    #else
    return write(2, pointer, count)
    #endif
}
