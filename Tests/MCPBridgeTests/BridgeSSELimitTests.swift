import Foundation
import MCPWire
import RemoteMCPTestSupport
import Testing

/// Issue 10, defect 3: a server that streams an event without end (Tests/Interop/endless_sse_server.py) gets the
/// stream closed at the bridge's message limit; the host gets one JSON-RPC error and the bridge stays small.
@Suite(
    "mcp-bridge against an endless event stream",
    .enabled(if: FileManager.default.fileExists(atPath: "/proc/self/status"), "reads peak memory from /proc"),
    .needsPython,
    .childProcesses,
    // One stream at a time: three debug-build bridges parsing 8 MiB each at once, beside the rest of the interop
    // tests, took over a minute on two cores.
    .serialized,
    .timeLimit(.minutes(2))
)
struct BridgeSSELimitTests {
    /// Small next to the 100 MiB the server streams, so a bridge that kept reading could not stay under the bound.
    static let limit = 8 << 20

    @Test(
        "100 MiB without an event end: one JSON-RPC error naming the limit, peak memory bounded",
        arguments: ["line", "lines", "legacy-line"]
    )
    func endlessEvent(mode: String) async throws {
        let harness = try BridgeHarness()
        defer { harness.cleanUp() }
        let server = try await ChildProcess.interopHelper("endless_sse_server.py", [mode, "0", String(100 << 20)])
        let arguments =
            mode == "legacy-line"
            ? ["http://127.0.0.1:\(server.port)/sse", "--transport", "sse"] : ["http://127.0.0.1:\(server.port)/mcp"]
        let bridge = try harness.bridge(arguments, environment: ["MCP_BRIDGE_MAX_MESSAGE_BYTES": String(Self.limit)])
        _ = try await bridge.initialize(version: mode == "legacy-line" ? "2024-11-05" : "2025-06-18")

        let answer = try await bridge.call(Lines.call("big", "anything", "{}"), id: "big")
        let peak = try Self.peakResidentMiB(of: bridge.processIdentifier)
        #expect(answer["error"]?["data"]?["kind"] == "bad-server-response")
        let message = answer["error"]?["message"]?.stringValue ?? ""
        #expect(message.contains("message limit of \(Self.limit) bytes"), "\(message)")
        // The bridge holds at most the limit of the stream (plus its own ~30 MiB); reading on would take 100 MiB.
        #expect(peak < 100, "peak resident memory \(peak) MiB")
        // The bridge closed the stream instead of draining it.
        let ended = try await server.stderr.line { $0.hasPrefix("stopped after") || $0.hasPrefix("streamed") }
        #expect(ended.hasPrefix("stopped after"), "\(ended)")

        // The session goes on, and "big" was answered exactly once.
        let ping = try await bridge.call(#"{"jsonrpc":"2.0","id":"after","method":"ping"}"#, id: "after")
        #expect(ping["result"] != nil, "\(ping.serializedString())")
        #expect(bridge.stdout.lines.filter { $0.contains(#""id":"big""#) }.count == 1)
        bridge.closeInput()
        #expect(await bridge.waitForExit() == 0)
    }

    /// `VmHWM` (peak resident set) of process `pid`, in MiB.
    static func peakResidentMiB(of pid: Int32) throws -> Int {
        let status = try String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)
        let line = try #require(status.split(separator: "\n").first { $0.hasPrefix("VmHWM:") })
        // "VmHWM:\t   31240 kB"
        let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
        let kilobytes = try #require(fields.dropFirst().first.flatMap { Int($0) })
        return kilobytes / 1024
    }
}
