public import Logging
import MCPWire
public import NIOCore

/// Relays the host's messages (stdin) to the server and the server's messages back (stdout).
///
/// Each host message is handled in its own child task, so answers go back as soon as they arrive, in whatever
/// order (no head-of-line blocking). Every request gets exactly one answer: the server's, or a JSON-RPC error
/// saying what went wrong. At end of input the relay waits (bounded) for requests in flight, then closes the
/// server session.
public struct Relay: Sendable {
    let connection: any ServerConnection
    /// Where messages for the host go: the server's, and the errors the relay answers with itself.
    let output: any ServerMessageSink
    let logger: Logger
    /// How long to wait for requests in flight once stdin has closed.
    let shutdownGrace: TimeAmount

    /// A relay between the host and `connection`.
    ///
    /// - Parameters:
    ///   - output: The host's side (``HostOutput`` on stdout).
    ///   - shutdownGrace: How long to wait for requests in flight once the host's input has ended.
    public init(
        connection: any ServerConnection,
        output: any ServerMessageSink,
        shutdownGrace: TimeAmount,
        logger: Logger
    ) {
        self.connection = connection
        self.output = output
        self.shutdownGrace = shutdownGrace
        self.logger = logger
    }

    private enum Child: Sendable {
        case work
        case timer
    }

    /// Runs until `input` ends and the requests in flight are answered (or the grace period is over).
    public func run(input: AsyncStream<HostInputEvent>) async {
        let inFlight = InFlightRequests()
        await withTaskGroup(of: Child.self) { group in
            var running = 0
            for await event in input {
                // Collect finished children as we go, so a long session does not accumulate them.
                while inFlight.takeFinishedChild() {
                    _ = await group.next()
                    running -= 1
                }
                guard let message = self.accept(event, inFlight: inFlight) else { continue }
                running += 1
                group.addTask {
                    await self.handle(message, inFlight: inFlight)
                    inFlight.childFinished()
                    return .work
                }
            }
            self.logger.debug("stdin closed", metadata: ["in_flight": "\(running)"])
            await self.connection.hostInputEnded()
            guard running > 0 else { return }
            let grace = self.shutdownGrace
            group.addTask {
                try? await Task.sleep(nanoseconds: UInt64(grace.nanoseconds))
                return .timer
            }
            while running > 0, let child = await group.next() {
                switch child {
                case .work:
                    running -= 1
                case .timer:
                    self.logger.warning("Stopped waiting for requests in flight", metadata: ["in_flight": "\(running)"])
                    group.cancelAll()
                }
            }
            group.cancelAll()
        }
        await self.connection.close()
    }

    /// Parses one input event; answers or logs what cannot be relayed.
    private func accept(_ event: HostInputEvent, inFlight: InFlightRequests) -> HostMessage? {
        switch event {
        case .oversized(let count):
            self.logger.error(
                "Dropped a message from the client: it is larger than the limit",
                metadata: ["bytes": "\(count)"]
            )
            return nil
        case .line(let bytes):
            let message: JSONRPCMessage
            do {
                message = try JSONRPCMessage(parsing: bytes)
            } catch {
                self.logger.warning(
                    "The client sent a line that is not a JSON-RPC message",
                    metadata: ["error": "\(error.error.message)"]
                )
                if let id = error.id {
                    self.output.deliver(Array(JSONRPCErrorResponse(id: id, error: error.error).json.serialized()))
                }
                return nil
            }
            let hostMessage = HostMessage(bytes: bytes, message: message)
            if case .notification(let notification) = message, notification.method == MCPMethod.cancelledNotification,
                let rawID = notification.params?["requestId"], let id = JSONRPCID(json: rawID)
            {
                // The host gave up on a request: stop waiting for it (closing its stream is how 2026-07-28
                // cancels on HTTP); earlier eras also hear about it from the notification itself.
                if inFlight.cancel(id) == true { return nil }
            }
            return hostMessage
        }
    }

    private enum Outcome: Sendable {
        case answered
        case cancelledByHost
        case failed(BridgeError)
    }

    private func handle(_ message: HostMessage, inFlight: InFlightRequests) async {
        guard let id = message.requestID else {
            do {
                try await self.connection.send(message, to: self.output)
            } catch {
                self.logger.warning(
                    "Could not deliver a message to the server",
                    metadata: [
                        "method": "\(message.method ?? "response")", "error": "\(BridgeHTTP.classify(error, url: ""))",
                    ]
                )
            }
            return
        }
        let signal = inFlight.register(id, modern: message.modernProtocolVersion != nil)
        defer { inFlight.remove(id, signal) }
        let outcome = await withTaskGroup(of: Outcome.self) { inner in
            inner.addTask {
                do {
                    try await self.connection.send(message, to: self.output)
                    return .answered
                } catch {
                    return .failed(BridgeHTTP.classify(error, url: ""))
                }
            }
            inner.addTask {
                do {
                    try await signal.value
                    return .cancelledByHost
                } catch {
                    // Cancelled: the relay stopped waiting at the end of the grace period.
                    return .failed(.shuttingDown)
                }
            }
            let first = await inner.next()!
            inner.cancelAll()
            return first
        }
        switch outcome {
        case .answered:
            break
        case .cancelledByHost:
            self.logger.debug("Request cancelled by the client", metadata: ["id": "\(id)"])
        case .failed(let error):
            self.logger.warning(
                "Request failed",
                metadata: ["id": "\(id)", "method": "\(message.method ?? "")", "error": "\(error)"]
            )
            self.output.deliver(Array(JSONRPCErrorResponse(id: id, error: error.jsonRPCError).json.serialized()))
        }
    }
}
