import Logging
import MCPWire

extension MCPDispatcher {
    /// 2026-07-28 `subscriptions/listen`: a stream of the changes the client opts into, on a host that can hold one
    /// open; elsewhere the completion result at once.
    func listen(_ call: Call) -> MCPReply {
        let filter: SubscriptionFilter
        do {
            filter = try SubscriptionFilter(params: call.params, maxResourceURIs: self.limits.maxResourceSubscriptions)
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
        guard let subscriber = self.changes.subscribe(filter) else {
            call.logger.warning(
                "Refused a subscriptions/listen: too many open",
                metadata: ["limit": "\(self.limits.maxListeners)"]
            )
            return self.reply(
                call,
                .failure(
                    .internalError(
                        "this server keeps at most \(self.limits.maxListeners) subscriptions/listen streams open; try again later"
                    )
                )
            )
        }
        call.logger.debug("Subscription opened", metadata: ["mcp.subscription": "\(id)"])
        return .subscription(
            ListenStream(
                subscriptionID: id,
                completion: completion,
                subscriber: subscriber,
                feed: self.changes,
                limits: self.limits
            )
        )
    }
}
