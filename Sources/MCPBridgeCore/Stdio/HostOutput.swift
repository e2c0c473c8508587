import NIOConcurrencyHelpers

// Public for `STDOUT_FILENO`, the default argument of ``HostOutput/init(fileDescriptor:)``.
#if canImport(Glibc)
public import Glibc
#elseif canImport(Musl)
public import Musl
#elseif canImport(Darwin)
public import Darwin
#elseif canImport(ucrt)
public import ucrt
#endif

/// Writes JSON-RPC messages to the host (stdout), one per line, never interleaved.
///
/// stdout carries nothing but messages (MCP stdio transport), so every write goes through here. A lock rather
/// than an actor: a write is a few `write(2)` calls, and the lock keeps two answers from interleaving even when
/// the host reads slowly.
public final class HostOutput: ServerMessageSink {
    private let fileDescriptor: Int32
    /// Held for the whole write; `true` once the host has closed its end.
    private let broken = NIOLockedValueBox(false)

    public init(fileDescriptor: Int32 = STDOUT_FILENO) {
        self.fileDescriptor = fileDescriptor
    }

    /// Writes one message and a newline. Raw line breaks are removed first: in valid JSON they can only be
    /// whitespace between tokens (inside strings they are escaped), so this keeps the message intact.
    public func write(_ message: [UInt8]) {
        var line: [UInt8]
        if message.contains(where: { $0 == 0x0A || $0 == 0x0D }) {
            line = message.filter { $0 != 0x0A && $0 != 0x0D }
        } else {
            line = message
        }
        line.append(0x0A)
        self.broken.withLockedValue { broken in
            guard !broken else { return }
            line.withUnsafeBytes { buffer in
                var offset = 0
                while offset < buffer.count {
                    let written = systemWrite(self.fileDescriptor, buffer.baseAddress! + offset, buffer.count - offset)
                    if written < 0 {
                        if errno == EINTR || errno == EAGAIN { continue }
                        // The host closed its end (EPIPE): nothing more can reach it.
                        broken = true
                        return
                    }
                    offset += written
                }
            }
        }
    }

    /// Writes a server message to the host.
    public func deliver(_ bytes: [UInt8]) { self.write(bytes) }
}

/// `write(2)`, under a name of its own: inside ``HostOutput`` its `write(_:)` method hides the free function.
private func systemWrite(_ fileDescriptor: Int32, _ pointer: UnsafeRawPointer, _ count: Int) -> Int {
    write(fileDescriptor, pointer, count)
}
