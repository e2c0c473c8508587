#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#elseif canImport(ucrt)
import ucrt
#endif

/// Standard output or standard error, written straight to its file descriptor.
///
/// For messages to the person at the terminal (standard error: standard output may be a protocol, or be piped) and
/// for lines a platform collects from standard output (Lambda's metrics). `FileHandle` is not in
/// FoundationEssentials, which is all our executables link, and there is no stdio buffer to flush before exiting.
public enum StandardStream: Sendable {
    case output
    case error

    var fileDescriptor: Int32 {
        switch self {
        case .output: 1
        case .error: 2
        }
    }

    /// Writes `text` as it is (end it with a newline yourself), in as few `write(2)` calls as the kernel allows, so
    /// one line from each of several writers does not interleave with another's. Failures are ignored: standard
    /// error is where they would be reported.
    public func write(_ text: String) {
        self.write(bytes: Array(text.utf8))
    }

    /// Writes `bytes` as they are; see ``write(_:)``.
    public func write(bytes: [UInt8]) {
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = writeToDescriptor(
                    self.fileDescriptor,
                    buffer.baseAddress! + offset,
                    buffer.count - offset
                )
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

/// `write(2)`, outside ``StandardStream``, whose own `write` would hide it there.
private func writeToDescriptor(_ descriptor: Int32, _ pointer: UnsafeRawPointer, _ count: Int) -> Int {
    #if os(Windows)
    return Int(_write(descriptor, pointer, UInt32(clamping: count)))
    #else
    return write(descriptor, pointer, count)
    #endif
}
