public import Foundation

/// Reads a pipe line by line as an `AsyncStream`, so tests await output instead of sleeping.
public enum LineStream {
    /// The lines written to `handle` (without their newlines); finishes at end of file.
    public static func lines(of handle: FileHandle) -> AsyncStream<String> {
        AsyncStream { continuation in
            let buffer = LineBuffer()
            handle.readabilityHandler = { handle in
                let data = handle.availableData
                if data.isEmpty {
                    handle.readabilityHandler = nil
                    if let rest = buffer.drain() { continuation.yield(rest) }
                    continuation.finish()
                    return
                }
                for line in buffer.append(data) { continuation.yield(line) }
            }
        }
    }
}

/// Bytes not yet ended by a newline. `readabilityHandler` runs on a dispatch queue, hence the lock.
private final class LineBuffer: @unchecked Sendable {
    private let lock = NSLock()
    private var pending = Data()

    func append(_ data: Data) -> [String] {
        self.lock.lock()
        defer { self.lock.unlock() }
        self.pending.append(data)
        var lines: [String] = []
        while let newline = self.pending.firstIndex(of: UInt8(ascii: "\n")) {
            lines.append(String(decoding: self.pending[self.pending.startIndex..<newline], as: UTF8.self))
            self.pending.removeSubrange(self.pending.startIndex...newline)
        }
        return lines
    }

    func drain() -> String? {
        self.lock.lock()
        defer { self.lock.unlock() }
        guard !self.pending.isEmpty else { return nil }
        defer { self.pending.removeAll() }
        return String(decoding: self.pending, as: UTF8.self)
    }
}
