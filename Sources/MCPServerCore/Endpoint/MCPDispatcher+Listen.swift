import Logging
import MCPWire

extension MCPDispatcher {
    /// 2026-07-28 `subscriptions/listen`: a stream of the changes the client opts into, on a host that can hold one
    /// open; elsewhere, and for a filter that honours nothing, the completion result at once.
    func listen(_ call: Call) -> MCPReply {
        let filter: SubscriptionFilter
        do {
            filter = try SubscriptionFilter(
                params: call.params,
                bounds: SubscriptionFilter.Bounds(
                    maxURIs: self.limits.maxResourceSubscriptions,
                    maxURIBytes: self.limits.maxResourceURIBytes,
                    maxTotalBytes: self.limits.maxSubscriptionBytes
                ),
                offers: self.catalog.offersResource
            )
        } catch {
            return self.reply(call, .failure(error))
        }
        let id = call.request.id
        let completion = self.response(call, ["_meta": [MCPMetaKey.subscriptionId: id.json]], cacheable: .no)
        guard self.streamsProgress else {
            // Lambda cannot hold a stream open. The completion result is the spec's graceful end, so a client
            // re-opens with backoff instead of treating a dropped stream as an error and retrying at once; discovery
            // does not advertise listChanged or subscribe here, so a client has no reason to listen at all.
            return .message(status: 200, completion)
        }
        guard !filter.isEmpty else {
            // Nothing asked for, or nothing of it honoured (no such resource): the stream could never carry a
            // notification, so it takes no place among the open ones.
            return .message(status: 200, completion)
        }
        let subscriber: ChangeSubscriber
        switch self.changes.subscribe(filter, client: call.client) {
        case .admitted(let admitted):
            subscriber = admitted
        case .full:
            call.logger.warning(
                "Refused a subscriptions/listen: too many open",
                metadata: ["limit": "\(self.limits.maxListeners)"]
            )
            return self.retryLater(
                call,
                status: 503,
                "this server has \(self.limits.maxListeners) subscriptions/listen streams open, its most; try again later"
            )
        case .clientFull:
            call.logger.notice(
                "Refused a subscriptions/listen: too many open for the client",
                metadata: ["limit": "\(self.limits.maxListenersPerClient)", "client": "\(call.client)"]
            )
            return self.retryLater(
                call,
                status: 429,
                "this client has \(self.limits.maxListenersPerClient) subscriptions/listen streams open, its most; "
                    + "close one or try again later"
            )
        }
        call.logger.debug("Subscription opened", metadata: ["mcp.subscription": "\(id)"])
        return .subscription(
            ListenStream(
                subscriptionID: id,
                completion: completion,
                subscriber: subscriber,
                feed: self.changes,
                lifetime: call.bounded(self.limits.listenLifetime),
                keepAliveInterval: self.limits.keepAliveInterval
            )
        )
    }

    /// A bound is reached: a JSON-RPC error with `status` and `Retry-After`.
    private func retryLater(_ call: Call, status: Int, _ message: String) -> MCPReply {
        let retryAfter = InteractionLimits.retryAfterSeconds
        let error = JSONRPCError(
            code: .internalError,
            message: "Too many streams: \(message)",
            data: ["retryAfterSeconds": .number(JSONNumber(retryAfter))]
        )
        return .retryLater(
            status: status,
            JSONRPCErrorResponse(id: call.request.id, error: error).json,
            retryAfterSeconds: retryAfter
        )
    }
}
