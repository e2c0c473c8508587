#if os(Linux)
import Foundation
import Glibc
import Testing

@testable import MCPBridgeCore

/// A bus that accepts the connection and then says nothing (a hung daemon) costs the call's deadline, not a hung
/// bridge: the error comes back in about that time and says what it was waiting for.
@Suite("D-Bus deadlines")
struct DBusDeadlineTests {
    /// A listening socket in Linux's abstract namespace that never accepts: connecting works (the backlog takes
    /// it), and nothing is ever answered.
    final class SilentBus {
        let name = "remote-mcp-test-\(UUID().uuidString)"
        let fd: Int32

        init() throws {
            self.fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
            try #require(self.fd >= 0)
            var address = sockaddr_un()
            address.sun_family = sa_family_t(AF_UNIX)
            let path = [UInt8(0)] + Array(self.name.utf8)
            withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: path) }
            let length = socklen_t(MemoryLayout.offset(of: \sockaddr_un.sun_path)! + path.count)
            let bound = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(self.fd, $0, length) }
            }
            try #require(bound == 0)
            try #require(listen(self.fd, 4) == 0)
        }

        deinit { close(self.fd) }
    }

    /// The time limit only catches a hang; how soon the error comes is not asserted (no timings in unit tests:
    /// a loaded CI machine once took 5.8 s to run a 300 ms deadline's test).
    @Test("a bus that never answers: a timeout error, not a hang", .timeLimit(.minutes(1)))
    func silentBus() async throws {
        let bus = try SilentBus()
        let store = try SecretServiceStore(busAddress: "unix:abstract=\(bus.name)", callTimeout: .milliseconds(300))
        let error = await #expect(throws: BridgeError.self) { try await store.read(account: "a") }
        guard case .timeout(let detail) = error else {
            Issue.record("expected a timeout, got \(String(describing: error))")
            return
        }
        #expect(detail.contains("authenticating with the session bus"))
    }
}
#endif
