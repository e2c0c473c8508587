import Foundation
import MCPWire
import Testing

@testable import MCPBridgeCore

@Suite("SSE parser")
struct SSEParserTests {
    @Test("events split across chunks at every byte, CRLF, comments and multi-line data")
    func everySplit() throws {
        let stream = Array("id: 7\nevent: message\ndata: {\"a\":\ndata: 1}\n\n: keep-alive\n\ndata: two\r\n\r\n".utf8)
        for split in 0...stream.count {
            var parser = SSEParser(maxMessageBytes: BridgeSettings.defaultMaxMessageBytes)
            var events = try parser.feed(stream[..<split])
            events += try parser.feed(stream[split...])
            #expect(events.count == 2, "split at \(split)")
            #expect(events.first?.data == Array("{\"a\":\n1}".utf8))
            #expect(events.first?.id == "7")
            #expect(events.last?.data == Array("two".utf8))
        }
    }

    @Test("CR alone ends lines; BOM, retry, id-only priming events, fields without a colon")
    func edgeCases() throws {
        var parser = SSEParser(maxMessageBytes: BridgeSettings.defaultMaxMessageBytes)
        let events = try parser.feed(
            Array("\u{FEFF}id: 1\nretry: 2500\n\ndata\rdata:x\r\revent: endpoint\ndata: /messages?s=1\n\n".utf8)
        )
        #expect(events.count == 2)
        #expect(events[0].data == Array("\nx".utf8))
        #expect(events[0].id == "1")
        #expect(parser.retry == 2500)
        #expect(events[1].event == "endpoint")
        #expect(parser.lastEventID == "1")
    }

    @Test("an 8 MiB event fed in 1 KiB chunks")
    func largeEvent() throws {
        let payload = [UInt8](repeating: UInt8(ascii: "z"), count: 8 << 20)
        let stream = Array("data: ".utf8) + payload + Array("\n\n".utf8)
        var parser = SSEParser(maxMessageBytes: BridgeSettings.defaultMaxMessageBytes)
        var events: [SSEEvent] = []
        var index = 0
        while index < stream.count {
            events += try parser.feed(stream[index..<min(index + 1024, stream.count)])
            index += 1024
        }
        #expect(events.count == 1)
        #expect(events.first?.data.count == payload.count)
    }
}

@Suite("stdin framing")
struct LineSplitterTests {
    func split(_ chunks: [String], max: Int = 1 << 20) -> [HostInputEvent] {
        var splitter = LineSplitter(maxLineBytes: max)
        var events: [HostInputEvent] = []
        for chunk in chunks { Array(chunk.utf8).withUnsafeBytes { splitter.append($0) { events.append($0) } } }
        splitter.finish { events.append($0) }
        return events
    }

    func lines(_ events: [HostInputEvent]) -> [String] {
        events.compactMap { if case .line(let bytes) = $0 { String(decoding: bytes, as: UTF8.self) } else { nil } }
    }

    @Test("lines across chunks, CRLF, blank lines skipped, last line without newline")
    func framing() {
        #expect(
            self.lines(self.split(["{\"a\"", ":1}\r\n\n  \n{\"b\":2}\n{\"c\"", ":3}"])) == [
                #"{"a":1}"#, #"{"b":2}"#, #"{"c":3}"#,
            ]
        )
    }

    @Test("an oversized line is reported and dropped; the next line is intact")
    func oversized() {
        let events = self.split(
            [String(repeating: "x", count: 40), String(repeating: "y", count: 40) + "\n{\"ok\":1}\n"],
            max: 50
        )
        guard case .oversized(let count) = events.first else {
            Issue.record("expected an oversized report, got \(events)")
            return
        }
        #expect(count == 80)
        #expect(self.lines(events) == [#"{"ok":1}"#])
    }
}

@Suite("WWW-Authenticate")
struct BearerChallengeTests {
    @Test("the Bearer challenge among several, with quoted values and escapes")
    func parse() throws {
        let challenge = try #require(
            BearerChallenge(headerValues: [
                #"Basic realm="x", Bearer realm="mcp", error="invalid_token", error_description="say \"hi\", ok", scope="mcp:read mcp:tools", resource_metadata="https://h/.well-known/oauth-protected-resource/mcp""#
            ])
        )
        #expect(challenge.error == "invalid_token")
        #expect(challenge.scope == "mcp:read mcp:tools")
        #expect(challenge.parameters["error_description"] == #"say "hi", ok"#)
        #expect(challenge.resourceMetadata == "https://h/.well-known/oauth-protected-resource/mcp")
        #expect(BearerChallenge(headerValues: [#"Basic realm="x""#]) == nil)
        #expect(BearerChallenge(headerValues: ["Bearer"])?.parameters.isEmpty == true)
        #expect(
            BearerChallenge(headerValues: ["bearer error=insufficient_scope, scope=mcp:tools"])?.scope == "mcp:tools"
        )
    }
}

@Suite("configuration")
struct BridgeConfigurationTests {
    @Test("headers: ${VAR} expansion, unset variables refused, header files with comments")
    func headers() throws {
        let environment = ["TOKEN": "abc123"]
        #expect(
            try HeaderParser.parse("Authorization: Bearer ${TOKEN}", environment: environment)
                == HeaderField(name: "Authorization", value: "Bearer abc123")
        )
        #expect(try HeaderParser.parse("X-Key:${TOKEN}", environment: environment).value == "abc123")
        #expect(throws: BridgeError.self) {
            try HeaderParser.parse("Authorization: ${MISSING}", environment: environment)
        }
        #expect(throws: BridgeError.self) { try HeaderParser.parse("no colon here", environment: environment) }
        #expect(throws: BridgeError.self) { try HeaderParser.parse("Bad Name: x", environment: environment) }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("headers-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: file) }
        try "# secrets\n\nAuthorization: Bearer ${TOKEN}\nX-Tenant: acme\n".write(
            to: file,
            atomically: true,
            encoding: .utf8
        )
        #expect(
            try HeaderParser.parseFile(file.path, environment: environment).map(\.name) == [
                "Authorization", "X-Tenant",
            ]
        )
    }

    @Test("proxies: HTTPS_PROXY for https, credentials, NO_PROXY suffixes and ports")
    func proxies() throws {
        let server = URL(string: "https://mcp.example.com/mcp")!
        let proxy = try ProxySettings.resolve(
            for: server,
            environment: ["HTTPS_PROXY": "http://user:p%40ss@proxy.corp:3128"]
        )
        #expect(proxy?.host == "proxy.corp")
        #expect(proxy?.port == 3128)
        #expect(proxy?.authorization == Data("user:p@ss".utf8).base64EncodedString())
        #expect(
            try ProxySettings.resolve(
                for: server,
                environment: ["https_proxy": "proxy:8080", "NO_PROXY": "localhost, .example.com"]
            ) == nil
        )
        #expect(
            try ProxySettings.resolve(
                for: server,
                environment: ["https_proxy": "proxy:8080", "no_proxy": "example.com:443"]
            ) == nil
        )
        #expect(
            try ProxySettings.resolve(for: server, environment: ["https_proxy": "proxy:8080", "no_proxy": "*"]) == nil
        )
        #expect(
            try ProxySettings.resolve(
                for: server,
                environment: ["https_proxy": "proxy:8080", "no_proxy": "other.com"]
            )?.port == 8080
        )
        // Upper-case HTTP_PROXY is ignored for http, as curl does (CGI sets it from a request header).
        #expect(
            try ProxySettings.resolve(for: URL(string: "http://h/mcp")!, environment: ["HTTP_PROXY": "proxy:1"]) == nil
        )
        #expect(throws: BridgeError.self) {
            try ProxySettings.resolve(for: server, environment: ["HTTPS_PROXY": "socks5://proxy:1080"])
        }
    }

    @Test("plain http only to loopback unless allowed")
    func plainHTTP() throws {
        let settings = NetworkSettings()
        try settings.check(URL(string: "http://127.0.0.1:8080/mcp")!)
        try settings.check(URL(string: "http://localhost/mcp")!)
        try settings.check(URL(string: "http://[::1]:9/mcp")!)
        #expect(throws: BridgeError.self) { try settings.check(URL(string: "http://mcp.example.com/mcp")!) }
        #expect(throws: BridgeError.self) { try settings.check(URL(string: "ftp://mcp.example.com/mcp")!) }
        try NetworkSettings(allowPlainHTTP: true).check(URL(string: "http://mcp.example.com/mcp")!)
    }

    @Test("resource identifiers compare by origin and path, not by spelling")
    func sameResource() {
        let url = URL(string: "https://MCP.example.com:443/mcp/")!
        #expect(OAuthClient.sameResource("https://mcp.example.com/mcp", url))
        #expect(!OAuthClient.sameResource("https://evil.example.com/mcp", url))
        #expect(!OAuthClient.sameResource("https://mcp.example.com/other", url))
        #expect(!OAuthClient.sameResource("http://mcp.example.com/mcp", url))
    }

    @Test("2026-07-28 parameter headers from x-mcp-header annotations")
    func paramHeaders() throws {
        let schema = try JSONValue(
            parsing:
                #"{"type":"object","properties":{"region":{"type":"string","x-mcp-header":"Region"},"opts":{"type":"object","properties":{"n":{"type":"integer","x-mcp-header":"N"}}}}}"#
        )
        let annotations = MCPParamHeaders.annotations(in: schema)
        let headers = MCPParamHeaders.headers(
            for: annotations,
            arguments: try JSONValue(parsing: #"{"region":"köln","opts":{"n":12}}"#)
        )
        #expect(headers.map(\.0) == ["Mcp-Param-N", "Mcp-Param-Region"])
        #expect(headers.first { $0.0 == "Mcp-Param-N" }?.1 == "12")
        #expect(headers.first { $0.0 == "Mcp-Param-Region" }?.1 == MCPHeader.encodeValue("köln"))
    }
}

@Suite("credential store")
struct CredentialStoreTests {
    func credentials(_ resource: String = "https://h/mcp") -> StoredCredentials {
        StoredCredentials(
            issuer: "https://h",
            resource: resource,
            tokenEndpoint: "https://h/token",
            registrationEndpoint: "https://h/dcr",
            tokenEndpointAuthMethod: "client_secret_basic",
            clientID: "c1",
            clientSecret: "s",
            registrationAccessToken: nil,
            registrationClientURI: nil,
            clientName: "test",
            scope: nil,
            // Whole seconds: dates are stored as seconds since 1970, which is exact for these.
            registeredAt: Date(timeIntervalSince1970: 1_800_000_000)
        )
    }

    @Test("files are 0600 in a 0700 directory, replaced atomically, keyed by issuer and resource")
    func files() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "store-\(UUID().uuidString)/nested"
        )
        defer { try? FileManager.default.removeItem(at: directory.deletingLastPathComponent()) }
        let store = CredentialStore(directory: directory)
        var saved = self.credentials()
        try await store.save(saved)
        saved.accessToken = "t"
        saved.tokenExpiresAt = Date(timeIntervalSince1970: 2_000_000_000)
        try await store.save(saved)
        try await store.save(self.credentials("https://other/mcp"))
        #expect(try store.load(issuer: "https://h", resource: "https://h/mcp") == saved)
        #expect(store.all().count == 2)
        #expect(store.credentials(forResource: "https://other/mcp").count == 1)
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        #expect(names.filter { $0.contains(".tmp-") }.isEmpty)
        for name in names {
            let mode =
                try FileManager.default.attributesOfItem(atPath: directory.appendingPathComponent(name).path)[
                    .posixPermissions
                ] as? Int
            #expect(mode == 0o600)
        }
        #expect(try FileManager.default.attributesOfItem(atPath: directory.path)[.posixPermissions] as? Int == 0o700)
        try await store.remove(issuer: "https://h", resource: "https://h/mcp")
        #expect(try store.load(issuer: "https://h", resource: "https://h/mcp") == nil)
    }

    @Test("the lock admits one holder at a time")
    func lock() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lock-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = CredentialStore(directory: directory)
        let tracker = OverlapTracker()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    try await store.withLock(issuer: "i", resource: "r") {
                        await tracker.enter()
                        await Task.yield()
                        await tracker.leave()
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(await tracker.maximum == 1)
        #expect(await tracker.entries == 8)
    }

    @Test("short-lived tokens renew halfway, long-lived ones at the margin")
    func renewal() {
        var credentials = self.credentials()
        let now = Date()
        credentials.accessToken = "t"
        credentials.tokenIssuedAt = now
        credentials.tokenExpiresAt = now.addingTimeInterval(10)
        #expect(credentials.hasUsableToken(at: now.addingTimeInterval(4), margin: 60))
        #expect(!credentials.hasUsableToken(at: now.addingTimeInterval(6), margin: 60))
        credentials.tokenExpiresAt = now.addingTimeInterval(3600)
        #expect(credentials.hasUsableToken(at: now.addingTimeInterval(3500), margin: 60))
        #expect(!credentials.hasUsableToken(at: now.addingTimeInterval(3550), margin: 60))
    }
}

actor OverlapTracker {
    var current = 0
    var maximum = 0
    var entries = 0

    func enter() {
        self.current += 1
        self.entries += 1
        self.maximum = max(self.maximum, self.current)
    }

    func leave() {
        self.current -= 1
    }
}
