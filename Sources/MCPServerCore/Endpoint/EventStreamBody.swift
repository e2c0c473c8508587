import Hummingbird
import Logging
import MCPWire
import NIOCore
import ServiceLifecycle

/// Writes the SSE answers of `/mcp`, a tool call's stream and a listen stream: keep-alive comments while they are
/// quiet, and a deadline on every write.
///
/// Hummingbird does not cancel a handler when its client goes away, and a write to a client that stopped reading
/// waits as long as the connection lives. So a quiet stream writes a comment every
/// ``InteractionLimits/keepAliveInterval``, which fails once the connection is gone and so ends the stream and the
/// work behind it (a tool waiting for an answer); and a write still waiting after ``InteractionLimits/writeTimeout``
/// closes the connection, which fails the write.
struct EventStreamBody: Sendable {
    let keepAliveInterval: Duration
    let writeTimeout: Duration
    /// Closes the connection (``MCPRequestContext/closeConnection()``).
    let closeConnection: @Sendable () -> Void
    let logger: Logger

    /// A tool call's stream: `events` with keep-alive comments between them. Ending early (a failed write, the
    /// handler cancelled) ends the iteration of `events`, which cancels the tool.
    func body(_ events: AsyncStream<JSONValue>) -> ResponseBody {
        ResponseBody { writer in
            let (frames, input) = AsyncStream.makeStream(of: ListenStream.Frame.self)
            try await withThrowingDiscardingTaskGroup { group in
                group.addTask {
                    for await event in events { input.yield(.message(event)) }
                    input.finish()
                }
                group.addTask {
                    while (try? await Task.sleep(for: self.keepAliveInterval)) != nil { input.yield(.keepAlive) }
                }
                for await frame in frames { try await self.write(frame, to: &writer) }
                group.cancelAll()
            }
            try await writer.finish(nil)
        }
    }

    /// A listen stream, run until it ends.
    func body(_ stream: ListenStream) -> ResponseBody {
        ResponseBody { writer in
            // The server's graceful shutdown waits for open requests, and a listen stream would keep it waiting
            // until its lifetime ends: so shutdown ends the stream with its completion result instead.
            try await withGracefulShutdownHandler {
                try await stream.run { frame in try await self.write(frame, to: &writer) }
            } onGracefulShutdown: {
                stream.end()
            }
            try await writer.finish(nil)
        }
    }

    /// Writes one frame, closing the connection if the write is still waiting after ``writeTimeout``.
    private func write(_ frame: ListenStream.Frame, to writer: inout any ResponseBodyWriter) async throws {
        let buffer: ByteBuffer
        switch frame {
        case .message(let message): buffer = Self.event(message)
        case .keepAlive: buffer = ByteBuffer(string: ":\n\n")
        }
        // The write stays in this task (the writer is not ours to share); a child task only keeps the time.
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                guard (try? await Task.sleep(for: self.writeTimeout)) != nil else { return }
                self.logger.notice(
                    "Closed a connection whose client stopped reading an event stream",
                    metadata: ["timeout_ms": "\(self.writeTimeout.inMilliseconds)"]
                )
                self.closeConnection()
            }
            try await writer.write(buffer)
            group.cancelAll()
        }
    }

    /// One JSON-RPC message as an SSE event.
    static func event(_ message: JSONValue) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.writeString("event: message\ndata: ")
        buffer.writeBytes(message.serialized())
        buffer.writeString("\n\n")
        return buffer
    }
}
