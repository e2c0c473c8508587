import MCPWire

/// How a tool call can ask the client for input, decided per call by the era and the host.
enum InputChannel: Sendable {
    /// 2026-07-28 multi round-trip: answers arrive with the retry; a question not yet answered ends the call with
    /// `input_required` (``InputRequired``).
    case roundTrip(answers: [String: JSONValue], formElicitation: Bool)
    /// Legacy on a host that streams: a server-to-client request on the call's SSE stream, answered by a POST.
    case serverRequest(ServerRequestChannel)
    /// No way to ask; the text says why, for the tool error.
    case unavailable(String)
}

/// What a legacy-era question needs: the call's stream and the registry the client's answer is matched in.
struct ServerRequestChannel: Sendable {
    /// Puts a message on the call's SSE stream (and turns the answer into a stream).
    let emit: @Sendable (JSONValue) -> Void
    let pending: PendingClientRequests
    /// Who asked the call, so only the same client can answer, and its questions count against its own bound.
    let client: ClientKey
    /// The scope the call needed; the answer needs it too.
    let scope: String?
    let version: MCPProtocolVersion
    /// The question timeout, or less when the caller's access token expires sooner.
    let timeout: Duration
}

/// Thrown by ``ToolContext/elicit(key:message:requestedSchema:)`` in 2026-07-28 when the answer is not there yet:
/// the dispatcher turns it into an `input_required` result.
struct InputRequired: Error {
    let key: String
    let request: JSONValue
}

/// Thrown when the question needs a client capability the request did not declare (2026-07-28 -32021).
struct MissingClientCapability: Error {
    let requiredCapabilities: JSONValue
}

/// Thrown when an `inputResponses` entry is not a valid answer (2026-07-28 -32602).
struct InvalidInputResponse: Error {
    let message: String
}
