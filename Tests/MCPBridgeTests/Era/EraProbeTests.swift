import MCPWire
import Testing

@testable import MCPBridgeCore

/// How the answer to the bridge's `server/discover` probe is read (2026-07-28 versioning rules): never on one
/// specific legacy error code.
@Suite("era probe")
struct EraProbeTests {
    static func error(_ code: Int, supported: [String]? = nil) -> JSONRPCMessage {
        .errorResponse(
            JSONRPCErrorResponse(
                id: EraProbe.requestID,
                error: JSONRPCError(
                    code: JSONRPCErrorCode(rawValue: code),
                    message: "no",
                    data: supported.map { ["supported": .array($0.map(JSONValue.string))] }
                )
            )
        )
    }

    @Test("a discovery result naming 2026-07-28 is modern; one that does not, or any other answer, is legacy")
    func classify() {
        let discover: JSONValue = ["supportedVersions": ["2026-07-28"], "capabilities": [:]]
        let result = JSONRPCMessage.response(JSONRPCResponse(id: EraProbe.requestID, result: discover))
        #expect(EraProbe.classify(status: 200, answer: result) == .modern(discover: discover))
        let future = JSONRPCMessage.response(
            JSONRPCResponse(id: EraProbe.requestID, result: ["supportedVersions": ["2027-01-01"]])
        )
        #expect(EraProbe.classify(status: 200, answer: future) == .legacy)
        // Method not found (200), invalid request (a legacy server's 400), no JSON-RPC body at all.
        #expect(EraProbe.classify(status: 200, answer: Self.error(-32601)) == .legacy)
        #expect(EraProbe.classify(status: 400, answer: Self.error(-32600)) == .legacy)
        #expect(EraProbe.classify(status: 405, answer: nil) == .legacy)
        // Unsupported version: modern only if the bridge's revision is among those served.
        #expect(EraProbe.classify(status: 400, answer: Self.error(-32022, supported: ["2025-11-25"])) == .legacy)
        #expect(
            EraProbe.classify(status: 400, answer: Self.error(-32022, supported: ["2026-07-28"]))
                == .modern(discover: nil)
        )
        // A header complaint: the server read the probe as a 2026-07-28 request.
        #expect(EraProbe.classify(status: 400, answer: Self.error(-32020)) == .modern(discover: nil))
        // An answer to some other id says nothing.
        let stray = JSONRPCMessage.response(
            JSONRPCResponse(id: JSONRPCID("other"), result: ["supportedVersions": ["2026-07-28"]])
        )
        #expect(EraProbe.classify(status: 200, answer: stray) == .legacy)
    }

    @Test("the bridge's own ids carry a random part per process, so a host cannot pick one")
    func bridgeIDs() {
        let id = BridgeIDs.make("input", 1)
        #expect(id.description.hasPrefix("mcp-bridge-"))
        #expect(id.description.count > "mcp-bridge--input-1".count + 8)
        #expect(BridgeIDs.make("input", 1) == id)
        #expect(BridgeIDs.make("input", 2) != id)
    }
}
