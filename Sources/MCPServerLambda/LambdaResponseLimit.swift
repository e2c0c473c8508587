import MCPWire

/// Lambda refuses synchronous responses above 6 MB (6,291,456 bytes), the JSON around the body included; a
/// bigger answer becomes a 502 that says so instead of a failed post the caller never hears about.
enum LambdaResponseLimit {
    static var maxBytes: Int { 6_291_456 }

    /// The serialized document for `response`, or for the 502 that replaces it when it is too large.
    static func document(
        for response: LambdaHTTPResponse,
        event: LambdaHTTPRequest
    ) -> (response: LambdaHTTPResponse, bytes: [UInt8]) {
        let document = response.document(for: event.format).serialized()
        guard document.count > Self.maxBytes else { return (response, document) }
        let replacement = LambdaHTTPResponse.hostError(
            status: 502,
            path: event.path,
            message: "the response exceeds Lambda's 6 MB limit for synchronous invocations"
        )
        return (replacement, replacement.document(for: event.format).serialized())
    }
}
