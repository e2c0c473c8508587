import MCPWire

extension LambdaHTTPResponse {
    /// A JSON error answer made by the host itself (bad event, deadline, size, crash): JSON-RPC shaped on the MCP
    /// endpoint, OAuth shaped elsewhere.
    static func hostError(status: Int, path: String, message: String) -> LambdaHTTPResponse {
        let body: JSONValue
        if path.hasSuffix("/mcp") {
            body = JSONRPCErrorResponse(id: nil, error: JSONRPCError(code: .internalError, message: message)).json
        } else {
            body = ["error": status == 400 ? "invalid_request" : "server_error", "error_description": .string(message)]
        }
        return LambdaHTTPResponse(
            status: status,
            headers: [("content-type", "application/json")],
            body: body.serialized()
        )
    }
}
