import Logging
import MCPWire

extension MCPDispatcher {
    /// Ends what this process holds for a removed client: its listen streams (with their completion result) and its
    /// legacy calls, with the questions they wait on, for everyone who signed in through it.
    public func clientRemoved(_ clientID: String) {
        let client = ClientKey.everyone(of: clientID)
        self.changes.endSubscriptions(of: client)
        self.inFlightCalls.cancelAll(of: client)
        self.pendingRequests.abandonAll(of: client)
    }

    /// A client's notification: accepted; a legacy `notifications/cancelled` also cancels the client's call.
    func notified(
        _ notification: JSONRPCNotification,
        headerVersion: MCPProtocolVersion?,
        client: ClientKey,
        logger: Logger
    ) -> MCPReply {
        // A legacy client cancels a call it no longer waits for; only its own calls (ids are the client's, so
        // another client's "1" is a different call).
        if notification.method == MCPMethod.cancelledNotification, headerVersion?.era != .modern,
            let id = notification.params?["requestId"].flatMap(JSONRPCID.init(json:)),
            self.inFlightCalls.cancel(client: client, id: id)
        {
            logger.debug("Cancelled a call at the client's request")
        }
        return .accepted
    }

    /// A legacy client's response to a question the server asked on a call's stream.
    func accept(
        _ id: JSONRPCID?,
        _ answer: PendingClientRequests.Answer,
        headerVersion: MCPProtocolVersion?,
        client: ClientKey,
        logger: Logger,
        authorization: MCPAuthorization?
    ) -> MCPReply {
        guard headerVersion?.era != .modern else {
            let error = JSONRPCError.invalidRequest("clients must not send responses in protocol \(headerVersion!)")
            return .message(status: 400, JSONRPCErrorResponse(id: nil, error: error).json)
        }
        // Accepted even when nothing waits for it (answered late, or asked by another process): the client may have
        // done nothing wrong, and the asker has already told its caller what happened. Logged, since it may also be a
        // client probing for questions: who sent it, never what (the body is the client's).
        func unmatched() -> MCPReply {
            var metadata: Logger.Metadata = ["client": "\(client)"]
            if let clientID = authorization?.clientID { metadata["client_id"] = "\(clientID)" }
            logger.notice("A client response matched no open question", metadata: metadata)
            return .accepted
        }
        guard let id else { return unmatched() }
        let resolution = self.pendingRequests.resolve(
            id: id,
            client: client,
            permits: { authorization?.permits($0) ?? true },
            answer: answer
        )
        switch resolution {
        case .resolved: return .accepted
        case .needsScope(let scope): return .insufficientScope(id: id, scope: scope)
        case .unknown: return unmatched()
        }
    }
}
