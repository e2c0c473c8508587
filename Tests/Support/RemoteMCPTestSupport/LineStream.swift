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
            while true {
                // `availableData` returns as soon as anything is there (`read(upToCount:)` waits for the
                // full count on Linux) and an empty value at end of file.
                let chunk = handle.availableData
                if chunk.isEmpty { break }
                // Only the new bytes are searched, so a line of megabytes costs one pass.
                var searchFrom = pending.count
                pending.append(contentsOf: chunk)
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
