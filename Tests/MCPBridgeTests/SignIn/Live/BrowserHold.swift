import Foundation

/// Keeps test browsers from signing in until the test says so: the FIFO given as `SIGNIN_BROWSER_HOLD`. A browser
/// opened with it logs `held` and waits to read one byte; ``release(_:)`` writes one byte per browser to let go.
/// A signal, not a sleep: the test decides when the person "finishes" signing in (after it killed a bridge, after
/// it saw a request fail for want of a sign-in).
///
/// The test holds the FIFO open (read and write, so neither open blocks and no byte is lost before a browser
/// reads it); ``close()`` lets every browser still waiting see end of file, and give up.
final class BrowserHold: Sendable {
    /// The FIFO, for `SIGNIN_BROWSER_HOLD`.
    let path: URL
    private let descriptor: Int32

    init(at path: URL) throws {
        guard mkfifo(path.path, 0o600) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        // O_RDWR on a FIFO does not wait for the other end (Linux and macOS); O_CLOEXEC keeps it out of children.
        let descriptor = open(path.path, O_RDWR | O_CLOEXEC)
        guard descriptor >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        self.path = path
        self.descriptor = descriptor
    }

    /// Lets `count` waiting (or future) browsers go on.
    func release(_ count: Int = 1) {
        let bytes = [UInt8](repeating: UInt8(ascii: "x"), count: count)
        _ = bytes.withUnsafeBytes { write(self.descriptor, $0.baseAddress, $0.count) }
    }

    /// Every browser still waiting gives up (end of file).
    func close() {
        Foundation.close(self.descriptor)
    }
}
