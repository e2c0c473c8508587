import MCPWire
import Testing

struct JSONRPCMessageTests {
    @Test(arguments: [
        (#"{"jsonrpc":"2.0","id":"abc-1","method":"ping"}"#, #""abc-1""#),
        (#"{"jsonrpc":"2.0","id":9007199254740993,"method":"ping"}"#, "9007199254740993"),
        (#"{"jsonrpc":"2.0","id":-7,"method":"ping"}"#, "-7"),
        (#"{"jsonrpc":"2.0","id":"","method":"ping"}"#, #""""#),
    ])
    func requestIDsRoundTripExactly(_ text: String, _ idText: String) throws {
        guard case .request(let request) = try JSONRPCMessage(parsing: Array(text.utf8)) else {
            Issue.record("not a request")
            return
        }
        let response = JSONRPCResponse(id: request.id, result: [:])
        #expect(response.json["id"]?.serializedString() == idText)
    }

    @Test func classifiesEveryKind() throws {
        let notification = try JSONRPCMessage(parsing: Array(#"{"jsonrpc":"2.0","method":"notifications/x"}"#.utf8))
        #expect(notification == .notification(JSONRPCNotification(method: "notifications/x")))
        let response = try JSONRPCMessage(parsing: Array(#"{"jsonrpc":"2.0","id":1,"result":{}}"#.utf8))
        #expect(response == .response(JSONRPCResponse(id: JSONRPCID(1), result: [:])))
        let error = try JSONRPCMessage(
            parsing: Array(#"{"jsonrpc":"2.0","id":1,"error":{"code":-32601,"message":"no"}}"#.utf8)
        )
        #expect(
            error
                == .errorResponse(
                    JSONRPCErrorResponse(id: JSONRPCID(1), error: .init(code: .methodNotFound, message: "no"))
                )
        )
    }

    @Test(arguments: [
        (#"{"jsonrpc":"1.0","id":1,"method":"x"}"#, JSONRPCMessageError.Kind.shape, true),
        (#"{"id":1,"method":"x"}"#, .shape, true),
        (#"{"jsonrpc":"2.0","id":1.5,"method":"x"}"#, .shape, false),
        (#"{"jsonrpc":"2.0","id":null,"method":"x"}"#, .shape, false),
        (#"{"jsonrpc":"2.0","id":{},"method":"x"}"#, .shape, false),
        (#"{"jsonrpc":"2.0","id":1,"method":7}"#, .shape, true),
        (#"{"jsonrpc":"2.0","id":1,"method":"x","params":[1]}"#, .shape, true),
        (#"{"jsonrpc":"2.0","id":1}"#, .shape, true),
        (#"[{"jsonrpc":"2.0","id":1,"method":"x"}]"#, .batch, false),
        (#""just a string""#, .shape, false),
        (#"{"jsonrpc":"2.0","id":1,"method":"x""#, .parse, false),
    ])
    func rejectsWithTheRightKind(_ text: String, _ kind: JSONRPCMessageError.Kind, _ keepsID: Bool) {
        do {
            _ = try JSONRPCMessage(parsing: Array(text.utf8))
            Issue.record("accepted \(text)")
        } catch {
            #expect(error.kind == kind)
            #expect(error.error.code == (kind == .parse ? .parseError : .invalidRequest))
            #expect((error.id != nil) == keepsID)
        }
    }

    @Test func unknownMembersAndMetaSurvive() throws {
        let text = #"{"jsonrpc":"2.0","id":1,"method":"x","params":{"_meta":{"k":[1,{"z":null}]},"extra":true}}"#
        let message = try JSONRPCMessage(parsing: Array(text.utf8))
        #expect(message.json == (try JSONValue(parsing: text)))
    }
}

/// Inputs the fuzzer (`fuzz/run.sh`) found; each is also in `fuzz/corpus/jsonrpc`.
@Suite("JSON-RPC fuzz regressions")
struct JSONRPCFuzzRegressionTests {
    @Test("an error response with a null id (a parse error's answer) is a message, and its JSON classifies the same")
    func errorWithNullID() throws {
        for text in [
            #"{"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"Parse error"}}"#,
            #"{"jsonrpc":"2.0","idXXXXXX":null,"error":{"code":-32700,"message":"Parse error"}}"#,
        ] {
            let message = try JSONRPCMessage(parsing: Array(text.utf8))
            guard case .errorResponse(let response) = message else { Issue.record("not an error: \(text)"); continue }
            #expect(response.id == nil)
            #expect(try JSONRPCMessage(json: message.json) == message)
        }
        #expect(throws: JSONRPCMessageError.self) {
            try JSONRPCMessage(parsing: Array(#"{"jsonrpc":"2.0","id":null,"method":"ping"}"#.utf8))
        }
        #expect(throws: JSONRPCMessageError.self) {
            try JSONRPCMessage(parsing: Array(#"{"jsonrpc":"2.0","id":null,"result":{}}"#.utf8))
        }
    }
}
