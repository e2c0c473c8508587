public import Foundation

/// Reads a pipe line by line as an `AsyncStream`, so tests await output instead of sleeping.
///
/// A blocking read loop on a thread of its own (not a dispatch queue, whose few threads blocked readers
/// would starve) rather than `readabilityHandler`, which on Linux can miss data that arrives with end of file.
public enum LineStream {
    /// The lines written to `handle` (without their newlines); finishes at end of file.
    public static func lines(of handle: FileHandle) -> AsyncStream<String> {
        let (stream, continuation) = AsyncStream.makeStream(of: String.self, bufferingPolicy: .unbounded)
        let thread = Thread {
            var pending: [UInt8] = []
            var chunk = [UInt8](repeating: 0, count: 64 << 10)
            while true {
                // read(2) returns as soon as anything is there, 0 at end of file. Not `availableData`: it stops
                // the process when a signal interrupts the read (EINTR), which is simply retried here.
                let count = chunk.withUnsafeMutableBytes { read(handle.fileDescriptor, $0.baseAddress, $0.count) }
                if count < 0 && errno == EINTR { continue }
                if count <= 0 { break }
                // Only the new bytes are searched, so a line of megabytes costs one pass.
                var searchFrom = pending.count
                pending.append(contentsOf: chunk[..<count])
                var lineStart = 0
                while let newline = pending[searchFrom...].firstIndex(of: UInt8(ascii: "\n")) {
                    continuation.yield(String(decoding: pending[lineStart..<newline], as: UTF8.self))
                    lineStart = newline + 1
                    searchFrom = lineStart
                }
                if lineStart > 0 { pending.removeFirst(lineStart) }
            }
            if !pending.isEmpty { continuation.yield(String(decoding: pending, as: UTF8.self)) }
            continuation.finish()
        }
        thread.start()
        return stream
    }
}
