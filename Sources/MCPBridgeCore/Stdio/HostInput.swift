import NIOCore
import NIOPosix

// Public for `STDIN_FILENO`, the default argument of ``HostInput/lines(fileDescriptor:maxLineBytes:)``.
#if canImport(Glibc)
public import Glibc
#elseif canImport(Musl)
public import Musl
#elseif canImport(Darwin)
public import Darwin
#elseif canImport(ucrt)
public import ucrt
#endif

/// One event read from the host's stdin.
public enum HostInputEvent: Sendable {
    /// One line without its line ending (`\n` or `\r\n`).
    case line([UInt8])
    /// A line longer than the limit: its bytes were dropped up to the next newline.
    case oversized(byteCount: Int)
}

/// Reads newline-delimited messages from a file descriptor (the host's stdin).
///
/// A pipe or socket, which is how hosts launch the bridge, is read by the NIO event loop that also runs the relay;
/// anything else (a file, a terminal) by a blocking `read(2)` loop on a thread of its own, so the cooperative
/// pool stays free however slowly the host writes. Each line is scanned once, so an 8 MiB message costs one
/// pass, not one per chunk.
public enum HostInput {
    /// The lines of `fileDescriptor` until end of file. Lines longer than `maxLineBytes` are reported, not kept.
    ///
    /// On the event loop that also runs the HTTP connections, a message goes from stdin to the server without
    /// waking another thread.
    public static func lines(
        fileDescriptor: Int32 = STDIN_FILENO,
        maxLineBytes: Int
    ) -> AsyncStream<HostInputEvent> {
        let (stream, continuation) = AsyncStream.makeStream(of: HostInputEvent.self, bufferingPolicy: .unbounded)
        var info = stat()
        let mode = fstat(fileDescriptor, &info) == 0 ? info.st_mode & S_IFMT : 0
        guard mode == S_IFIFO || mode == S_IFSOCK else {
            self.readOnThread(fileDescriptor, maxLineBytes: maxLineBytes, continuation)
            return stream
        }
        let duplicate = dup(fileDescriptor)
        NIOPipeBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        LineHandler(splitter: LineSplitter(maxLineBytes: maxLineBytes), continuation: continuation)
                    )
                }
            }
            .takingOwnershipOfDescriptor(input: duplicate)
            .whenFailure { _ in
                close(duplicate)
                self.readOnThread(fileDescriptor, maxLineBytes: maxLineBytes, continuation)
            }
        return stream
    }

    private static func readOnThread(
        _ fileDescriptor: Int32,
        maxLineBytes: Int,
        _ continuation: AsyncStream<HostInputEvent>.Continuation
    ) {
        let started = DetachedThread.run {
            var splitter = LineSplitter(maxLineBytes: maxLineBytes)
            let chunkSize = 64 * 1024
            let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: chunkSize, alignment: 1)
            defer { chunk.deallocate() }
            while true {
                let count = read(fileDescriptor, chunk.baseAddress, chunkSize)
                if count < 0 && errno == EINTR { continue }
                if count <= 0 { break }
                splitter.append(UnsafeRawBufferPointer(rebasing: chunk[0..<count])) { continuation.yield($0) }
            }
            splitter.finish { continuation.yield($0) }
            continuation.finish()
        }
        // No thread to read with: the input ends, as it would on a read error, and the relay shuts down.
        if !started { continuation.finish() }
    }
}

/// Splits what the stdin channel reads into lines.
private final class LineHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    private var splitter: LineSplitter
    private let continuation: AsyncStream<HostInputEvent>.Continuation

    init(splitter: LineSplitter, continuation: AsyncStream<HostInputEvent>.Continuation) {
        self.splitter = splitter
        self.continuation = continuation
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = Self.unwrapInboundIn(data)
        buffer.withUnsafeReadableBytes { bytes in
            self.splitter.append(bytes) { self.continuation.yield($0) }
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.splitter.finish { self.continuation.yield($0) }
        self.continuation.finish()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}

/// Splits a byte stream into lines, enforcing a maximum line length. Separate from the reading loop so the
/// framing is testable without file descriptors.
public struct LineSplitter: Sendable {
    private var pending: [UInt8] = []
    private var discarding = 0
    private var isDiscarding = false
    private let maxLineBytes: Int

    public init(maxLineBytes: Int) {
        self.maxLineBytes = maxLineBytes
    }

    /// Adds bytes and calls `emit` for each complete line (or oversized report) they finish.
    public mutating func append(_ bytes: UnsafeRawBufferPointer, emit: (HostInputEvent) -> Void) {
        var start = 0
        while start < bytes.count {
            guard let newline = bytes[start...].firstIndex(of: UInt8(ascii: "\n")) else {
                self.take(UnsafeRawBufferPointer(rebasing: bytes[start...]))
                return
            }
            self.take(UnsafeRawBufferPointer(rebasing: bytes[start..<newline]))
            self.endLine(emit: emit)
            start = newline + 1
        }
    }

    /// Flushes a last line that had no newline before end of file.
    public mutating func finish(emit: (HostInputEvent) -> Void) {
        if !self.pending.isEmpty || self.isDiscarding { self.endLine(emit: emit) }
    }

    private mutating func take(_ bytes: UnsafeRawBufferPointer) {
        if self.isDiscarding {
            self.discarding += bytes.count
        } else if self.pending.count + bytes.count > self.maxLineBytes {
            self.isDiscarding = true
            self.discarding = self.pending.count + bytes.count
            self.pending = []
        } else {
            self.pending.append(contentsOf: bytes)
        }
    }

    private mutating func endLine(emit: (HostInputEvent) -> Void) {
        if self.isDiscarding {
            emit(.oversized(byteCount: self.discarding))
            self.isDiscarding = false
            self.discarding = 0
            return
        }
        var line = self.pending
        self.pending = []
        if line.last == UInt8(ascii: "\r") { line.removeLast() }
        // Blank lines carry no message; hosts sometimes send them as keep-alives.
        guard line.contains(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0D }) else { return }
        emit(.line(line))
    }
}
