/// One JSON-RPC 2.0 message: a request, a notification, or a response (result or error).
public enum JSONRPCMessage: Sendable, Hashable {
    case request(JSONRPCRequest)
    case notification(JSONRPCNotification)
    case response(JSONRPCResponse)
    case errorResponse(JSONRPCErrorResponse)

    /// Classifies one message parsed from `bytes`.
    ///
    /// - Throws: ``JSONRPCMessageError``: ``JSONRPCMessageError/kind`` tells a parse error (-32700) from a
    ///   wrong shape (-32600) and from a batch array; ``JSONRPCMessageError/id`` is the request id when it
    ///   could be read, so the answer can still reach the right caller.
    public init(parsing bytes: some Sequence<UInt8>) throws(JSONRPCMessageError) {
        try self.init(parsing: Array(bytes))
    }

    /// Classifies one message parsed from `bytes` (the non-generic path the server takes per request).
    public init(parsing bytes: [UInt8]) throws(JSONRPCMessageError) {
        let json: JSONValue
        do {
            json = try JSONValue(parsing: bytes)
        } catch {
            throw JSONRPCMessageError(kind: .parse, error: .parseError(error.description), id: nil)
        }
        try self.init(json: json)
    }

    /// Classifies one already-parsed JSON value.
    public init(json: JSONValue) throws(JSONRPCMessageError) {
        guard case .object(let members) = json else {
            if case .array = json {
                throw JSONRPCMessageError(
                    kind: .batch,
                    error: .invalidRequest("batches (JSON arrays) are not supported; send one message per request"),
                    id: nil
                )
            }
            throw JSONRPCMessageError(kind: .shape, error: .invalidRequest("a message must be a JSON object"), id: nil)
        }
        let rawID = members["id"]
        let id = rawID.flatMap(JSONRPCID.init(json:))
        func invalid(_ detail: String) -> JSONRPCMessageError {
            JSONRPCMessageError(kind: .shape, error: .invalidRequest(detail), id: id)
        }
        guard members["jsonrpc"] == .string("2.0") else { throw invalid("\"jsonrpc\" must be \"2.0\"") }
        // JSON-RPC 2.0 §5: an error response whose request id could not be read carries `"id": null`; every other
        // message with an id needs a string or an integer.
        let isErrorWithNullID =
            rawID == .null && members["error"] != nil && members["method"] == nil
            && members["result"] == nil
        if let rawID, id == nil, !isErrorWithNullID {
            throw invalid("\"id\" must be a string or an integer, not \(rawID.typeName)")
        }
        if let method = members["method"] {
            guard case .string(let name) = method, !name.isEmpty else {
                throw invalid("\"method\" must be a non-empty string")
            }
            var params: [String: JSONValue]?
            switch members["params"] {
            case nil: params = nil
            case .object(let object): params = object
            default: throw invalid("\"params\" must be an object")
            }
            if let id {
                self = .request(JSONRPCRequest(id: id, method: name, params: params))
            } else {
                self = .notification(JSONRPCNotification(method: name, params: params))
            }
            return
        }
        if let result = members["result"] {
            guard let id else { throw invalid("a response needs an \"id\"") }
            guard members["error"] == nil else { throw invalid("a response has \"result\" or \"error\", not both") }
            self = .response(JSONRPCResponse(id: id, result: result))
            return
        }
        if let error = members["error"] {
            guard let parsed = JSONRPCError(json: error) else {
                throw invalid("\"error\" needs \"code\" and \"message\"")
            }
            self = .errorResponse(JSONRPCErrorResponse(id: id, error: parsed))
            return
        }
        throw invalid("a message needs \"method\", \"result\" or \"error\"")
    }

    /// The message as JSON.
    public var json: JSONValue {
        switch self {
        case .request(let request): request.json
        case .notification(let notification): notification.json
        case .response(let response): response.json
        case .errorResponse(let response): response.json
        }
    }
}

/// Why bytes are not one valid JSON-RPC message.
public struct JSONRPCMessageError: Error, Sendable, Hashable {
    /// What kind of problem it is.
    public enum Kind: Sendable, Hashable {
        /// Not JSON at all (-32700).
        case parse
        /// JSON, but not a JSON-RPC message (-32600).
        case shape
        /// A JSON array: a batch, which MCP no longer allows (-32600).
        case batch
    }

    public let kind: Kind
    /// The JSON-RPC error to answer with.
    public let error: JSONRPCError
    /// The request id, when it could be read.
    public let id: JSONRPCID?
}

/// A request: it has an id and expects exactly one response.
public struct JSONRPCRequest: Sendable, Hashable {
    public var id: JSONRPCID
    public var method: String
    public var params: [String: JSONValue]?

    public init(id: JSONRPCID, method: String, params: [String: JSONValue]? = nil) {
        self.id = id
        self.method = method
        self.params = params
    }

    /// `params._meta`, when present and an object.
    public var meta: [String: JSONValue]? {
        self.params?["_meta"]?.objectValue
    }

    public var json: JSONValue {
        var members: [String: JSONValue] = ["jsonrpc": "2.0", "id": self.id.json, "method": .string(self.method)]
        if let params = self.params { members["params"] = .object(params) }
        return .object(members)
    }
}

/// A notification: no id, no response.
public struct JSONRPCNotification: Sendable, Hashable {
    public var method: String
    public var params: [String: JSONValue]?

    public init(method: String, params: [String: JSONValue]? = nil) {
        self.method = method
        self.params = params
    }

    public var json: JSONValue {
        var members: [String: JSONValue] = ["jsonrpc": "2.0", "method": .string(self.method)]
        if let params = self.params { members["params"] = .object(params) }
        return .object(members)
    }
}

/// A successful response.
public struct JSONRPCResponse: Sendable, Hashable {
    public var id: JSONRPCID
    public var result: JSONValue

    public init(id: JSONRPCID, result: JSONValue) {
        self.id = id
        self.result = result
    }

    public var json: JSONValue {
        ["jsonrpc": "2.0", "id": self.id.json, "result": self.result]
    }
}

/// An error response; `id` is absent when the request's id could not be read.
public struct JSONRPCErrorResponse: Sendable, Hashable {
    public var id: JSONRPCID?
    public var error: JSONRPCError

    public init(id: JSONRPCID?, error: JSONRPCError) {
        self.id = id
        self.error = error
    }

    public var json: JSONValue {
        ["jsonrpc": "2.0", "id": self.id?.json ?? .null, "error": self.error.json]
    }
}
