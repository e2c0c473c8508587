import Testing

@testable import MCPServerCore

/// What a client may register as a redirect URI, and exact matching with RFC 8252 §7.3's loopback port
/// exception.
@Suite("Sign-in: redirect URI policy")
struct SignInRedirectURIPolicyTests {
    typealias Refusal = RedirectURIPolicy.Refusal

    @Test(arguments: [
        ("https://app.example/cb", RedirectURIPolicy.Kind.https),
        ("https://app.example:8443/oauth/callback?tenant=a&x=%2F", .https),
        ("https://app.example", .https),
        ("https://10.1.2.3/cb", .https),
        ("https://[2001:db8::1]/cb", .https),
        ("https://localhost/cb", .https),
        ("http://127.0.0.1/callback", .loopback),
        ("http://127.0.0.1:51004/oauth2redirect/example-provider", .loopback),
        ("http://127.255.0.9:5000/cb", .loopback),
        ("http://[::1]/cb", .loopback),
        ("http://[::1]:61023/cb", .loopback),
        ("http://localhost/callback", .loopback),
        ("http://localhost:3000/cb?x=1", .loopback),
        ("cursor://anysphere.cursor-mcp/oauth/callback", .privateUse),
        ("com.example.app:/oauth2redirect/example-provider", .privateUse),
        ("com.example.app:///cb", .privateUse),
        ("vscode://vscode.github-authentication/did-authenticate", .privateUse),
    ])
    func accepts(uri: String, kind: RedirectURIPolicy.Kind) throws {
        #expect(try RedirectURIPolicy.check(uri, allowingPrivateUseSchemes: true) == kind)
        if kind != .privateUse {
            #expect(try RedirectURIPolicy.check(uri, allowingPrivateUseSchemes: false) == kind)
        }
    }

    @Test(
        arguments: [
            // Fragments (RFC 6749 §3.1.2), userinfo, wildcards.
            ("https://app.example/cb#x", Refusal.fragment),
            ("https://app.example/cb#", .fragment),
            ("https://user@app.example/cb", .userinfo),
            ("http://user:pw@127.0.0.1/cb", .userinfo),
            ("https://app.example@evil.example/cb", .userinfo),
            ("https://*.example.com/cb", .wildcard),
            ("https://app.example/*", .wildcard),
            // Case-insensitive parts must be canonical, so exact matching is also semantic matching.
            ("HTTPS://app.example/cb", .notLowercase),
            ("https://App.Example/cb", .notLowercase),
            ("JavaScript:alert(1)", .notLowercase),
            // Script, content, file and non-HTTP schemes are never acceptable, native client or not.
            ("javascript:alert(1)", .forbiddenScheme("javascript")),
            ("data:text/html,hi", .forbiddenScheme("data")),
            ("file:///etc/passwd", .forbiddenScheme("file")),
            ("vbscript:msgbox", .forbiddenScheme("vbscript")),
            ("blob:https://app.example/x", .forbiddenScheme("blob")),
            ("microsoft-edge:https://evil.example/cb", .forbiddenScheme("microsoft-edge")),
            ("x-safari-https://evil.example/cb", .forbiddenScheme("x-safari-https")),
            ("about:blank", .forbiddenScheme("about")),
            ("wss://app.example/cb", .forbiddenScheme("wss")),
            ("ftp://app.example/cb", .forbiddenScheme("ftp")),
            // Authority syntax.
            ("https:///cb", .invalidAuthority),
            ("https:/cb", .invalidAuthority),
            ("https:cb", .invalidAuthority),
            ("https://app.example:0/cb", .invalidAuthority),
            ("https://app.example:65536/cb", .invalidAuthority),
            ("https://app.example:080/cb", .invalidAuthority),
            ("https://app.example:/cb", .invalidAuthority),
            ("https://app.example:8x/cb", .invalidAuthority),
            ("https://app..example/cb", .invalidAuthority),
            ("https://app_example/cb", .invalidAuthority),
            ("https://app.example./cb", .invalidAuthority),
            ("https://[::ffff:127.0.0.1]/cb", .invalidAuthority),
            ("https://[not-an-address]/cb", .invalidAuthority),
            // http only on loopback literals and the exact name localhost; never on names that look local.
            ("http://app.example/cb", .httpNotLoopback),
            ("http://127.evil.example/cb", .httpNotLoopback),
            ("http://127.0.0.1.nip.io/cb", .httpNotLoopback),
            ("http://localhost.evil.example/cb", .httpNotLoopback),
            ("http://evil-localhost/cb", .httpNotLoopback),
            ("http://127.000.0.1/cb", .httpNotLoopback),
            ("http://2130706433/cb", .httpNotLoopback),
            ("http://0.0.0.0/cb", .httpNotLoopback),
            ("http://10.0.0.1/cb", .httpNotLoopback),
            ("http://128.0.0.1/cb", .httpNotLoopback),
            ("http://[0:0:0:0:0:0:0:1]/cb", .httpNotLoopback),
            ("http://[::2]/cb", .httpNotLoopback),
            ("http://[::ffff:127.0.0.1]/cb", .invalidAuthority),
            ("http://localhost./cb", .invalidAuthority),
            // Parameters the response adds must not already be in the query, in any spelling.
            ("https://app.example/cb?code=1", .reservedQueryParameter("code")),
            ("https://app.example/cb?a=1&state=x", .reservedQueryParameter("state")),
            ("https://app.example/cb?iss", .reservedQueryParameter("iss")),
            ("https://app.example/cb?%63ode=1", .reservedQueryParameter("code")),
            ("https://app.example/cb?error_description=x", .reservedQueryParameter("error_description")),
            // Not an absolute URI of RFC 3986 characters.
            ("", .malformed),
            ("/relative/cb", .malformed),
            ("app.example/cb", .malformed),
            ("1app:/cb", .malformed),
            ("https://app.example/c b", .malformed),
            ("https://app.example/cb\\evil", .malformed),
            ("https://app.example/%zz", .malformed),
            ("https://app.example/%4", .malformed),
            ("https://app.example/café", .malformed),
            ("https://app.example/cb\n", .malformed),
            ("https://app.example/<cb>", .malformed),
            ("com.example.app:", .malformed),
            ("https://[::1/cb", .malformed),
        ] as [(String, Refusal)]
    )
    func refuses(uri: String, refusal: Refusal) {
        #expect(throws: refusal) { try RedirectURIPolicy.check(uri, allowingPrivateUseSchemes: true) }
        #expect(!refusal.description.isEmpty)
    }

    @Test func refusesOverlongURIs() {
        let uri = "https://app.example/" + String(repeating: "a", count: RedirectURIPolicy.maxLength)
        #expect(throws: Refusal.tooLong) { try RedirectURIPolicy.check(uri, allowingPrivateUseSchemes: true) }
    }

    @Test(arguments: ["cursor://anysphere.cursor-mcp/oauth/callback", "com.example.app:/cb"])
    func privateUseSchemesNeedANativeClient(uri: String) {
        #expect(throws: Refusal.privateUseNotAllowed) {
            try RedirectURIPolicy.check(uri, allowingPrivateUseSchemes: false)
        }
    }

    // MARK: - Matching

    static let https = "https://app.example/oauth/callback?tenant=a"

    @Test func exactMatchOnly() {
        #expect(RedirectURIPolicy.matches(Self.https, registered: ["https://other.example/cb", Self.https]))
        let near = [
            "https://app.example/oauth/callback?tenant=a/",
            "https://app.example/oauth/callback/?tenant=a",
            "https://app.example/oauth/callback",
            "https://app.example/oauth/callback?tenant=b",
            "https://app.example/oauth/callback?tenant=a&x=1",
            "https://app.example/oauth/callbackx?tenant=a",
            "https://app.example/oauth/callback/evil?tenant=a",
            "https://app.example/oauth/Callback?tenant=a",
            "https://app.example/oauth%2Fcallback?tenant=a",
            "https://app.example/oauth/%63allback?tenant=a",
            "https://app.example/oauth/./callback?tenant=a",
            "https://app.example:443/oauth/callback?tenant=a",
            "https://APP.example/oauth/callback?tenant=a",
            "HTTPS://app.example/oauth/callback?tenant=a",
            "https://user@app.example/oauth/callback?tenant=a",
            "https://app.example/oauth/callback?tenant=a#x",
            "https://app.example.evil.example/oauth/callback?tenant=a",
            "http://app.example/oauth/callback?tenant=a",
            " https://app.example/oauth/callback?tenant=a",
            "https://app.example/oauth/callback?tenant=a ",
        ]
        for presented in near {
            #expect(!RedirectURIPolicy.matches(presented, registered: [Self.https]), "\(presented)")
        }
        #expect(!RedirectURIPolicy.matches(Self.https, registered: []))
    }

    @Test(arguments: [
        ("http://127.0.0.1/callback", "http://127.0.0.1:51004/callback", true),
        ("http://127.0.0.1/callback", "http://127.0.0.1/callback", true),
        ("http://127.0.0.1:8080/callback", "http://127.0.0.1:9999/callback", true),
        ("http://127.0.0.1:8080/callback", "http://127.0.0.1/callback", true),
        ("http://[::1]/callback", "http://[::1]:61023/callback", true),
        ("http://localhost/callback", "http://localhost:49152/callback", true),
        ("http://localhost/callback?x=1", "http://localhost:49152/callback?x=1", true),
        ("http://127.0.0.1", "http://127.0.0.1:5000", true),
        // Everything but the port must still be identical.
        ("http://127.0.0.1/callback", "http://127.0.0.2:5000/callback", false),
        ("http://127.0.0.1/callback", "http://localhost:5000/callback", false),
        ("http://localhost/callback", "http://127.0.0.1:5000/callback", false),
        ("http://127.0.0.1/callback", "http://[::1]:5000/callback", false),
        ("http://127.0.0.1/callback", "http://127.0.0.1:5000/callback/", false),
        ("http://127.0.0.1/callback", "http://127.0.0.1:5000/Callback", false),
        ("http://127.0.0.1/callback", "http://127.0.0.1:5000/callbackx", false),
        ("http://127.0.0.1/callback", "http://127.0.0.1:5000/callback?x=1", false),
        ("http://127.0.0.1/callback?x=1", "http://127.0.0.1:5000/callback", false),
        ("http://127.0.0.1/callback", "http://127.0.0.1:5000/%63allback", false),
        ("http://127.0.0.1/callback", "https://127.0.0.1:5000/callback", false),
        ("http://127.0.0.1/callback", "http://127.0.0.1:5000/callback#x", false),
        ("http://127.0.0.1/callback", "http://u@127.0.0.1:5000/callback", false),
        ("http://127.0.0.1/callback", "http://127.0.0.1:0/callback", false),
        ("http://127.0.0.1/callback", "http://127.0.0.1:080/callback", false),
        ("http://127.0.0.1/callback", "http://127.0.0.1:/callback", false),
        ("http://127.0.0.1/callback", "http://127.0.0.1:65536/callback", false),
        ("http://127.0.0.1/callback", "http://127.0.0.1:5000:6000/callback", false),
        ("http://127.0.0.1/callback", "http://127.000.0.1:5000/callback", false),
        ("http://127.0.0.1/callback", "http://127.0.0.1.evil.example:5000/callback", false),
        // The exception is for http loopback only: https and private-use URIs match exactly.
        ("https://localhost/callback", "https://localhost:8443/callback", false),
        ("https://127.0.0.1/callback", "https://127.0.0.1:8443/callback", false),
        ("cursor://anysphere.cursor-mcp/cb", "cursor://anysphere.cursor-mcp:5000/cb", false),
        ("cursor://anysphere.cursor-mcp/cb", "cursor://anysphere.cursor-mcp/cb", true),
        // A registration the current rule refuses never matches, even exactly (older registrations).
        ("javascript:alert(1)", "javascript:alert(1)", false),
        ("http://app.example/cb", "http://app.example/cb", false),
        ("http://app.example/cb", "http://app.example:8080/cb", false),
    ])
    func loopbackPortIsIgnored(registered: String, presented: String, matches: Bool) {
        #expect(RedirectURIPolicy.matches(presented, registered: [registered]) == matches)
    }

    /// Claude Code's metadata document registers both loopback spellings without a port (plan §0).
    @Test func claudeCodeStyleRegistration() {
        let registered = ["http://localhost/callback", "http://127.0.0.1/callback"]
        #expect(RedirectURIPolicy.matches("http://localhost:54545/callback", registered: registered))
        #expect(RedirectURIPolicy.matches("http://127.0.0.1:54545/callback", registered: registered))
        #expect(!RedirectURIPolicy.matches("http://[::1]:54545/callback", registered: registered))
        #expect(!RedirectURIPolicy.matches("http://localhost:54545/callback/", registered: registered))
    }

    @Test func loopbackHostsAreLiteralsOrLocalhost() {
        for host in ["127.0.0.1", "127.1.2.3", "127.255.255.255", "[::1]", "localhost"] {
            #expect(RedirectURIPolicy.isLoopbackHost(Substring(host)), "\(host)")
        }
        for host in ["127.0.0.01", "127.1", "0x7f.0.0.1", "::1", "[::01]", "LOCALHOST", "localhost.", "126.0.0.1", ""] {
            #expect(!RedirectURIPolicy.isLoopbackHost(Substring(host)), "\(host)")
        }
    }

    // MARK: - Properties

    /// A loopback URI registered without a port matches itself on every port, and nothing with another
    /// host, path or query.
    @Test func loopbackMatchesAnyPortAndNothingElse() {
        var random = SignInRandom(seed: 8252)
        let hosts = ["127.0.0.1", "127.0.0.53", "127.10.20.30", "[::1]", "localhost"]
        for _ in 0..<500 {
            let host = hosts.randomElement(using: &random)!
            let path = (0..<Int.random(in: 0...3, using: &random)).map { _ in
                "/" + random.string(from: SignInRandom.unreserved, count: Int.random(in: 1...8, using: &random))
            }
            .joined()
            let query =
                Bool.random(using: &random) ? "?q=" + random.string(from: SignInRandom.unreserved, count: 4) : ""
            let registered = "http://\(host)\(path)\(query)"
            #expect(throws: Never.self) { try RedirectURIPolicy.check(registered, allowingPrivateUseSchemes: false) }
            let port = Int.random(in: 1...65535, using: &random)
            #expect(RedirectURIPolicy.matches("http://\(host):\(port)\(path)\(query)", registered: [registered]))
            #expect(RedirectURIPolicy.matches(registered, registered: [registered]))
            #expect(!RedirectURIPolicy.matches("http://\(host):\(port)\(path)/\(query)", registered: [registered]))
            #expect(!RedirectURIPolicy.matches("http://\(host):\(port)\(path)x\(query)", registered: [registered]))
            #expect(!RedirectURIPolicy.matches("http://\(host):\(port)\(path)\(query)&z", registered: [registered]))
            #expect(!RedirectURIPolicy.matches("https://\(host):\(port)\(path)\(query)", registered: [registered]))
            let otherHost = hosts.filter { $0 != host }.randomElement(using: &random)!
            #expect(!RedirectURIPolicy.matches("http://\(otherHost):\(port)\(path)\(query)", registered: [registered]))
        }
    }

    /// For https and private-use URIs, any one-character edit (insert, delete, replace) that changes the
    /// string makes it fail to match: there is no leniency anywhere in the comparison.
    @Test func anyEditOfAnExactURIFailsToMatch() {
        var random = SignInRandom(seed: 9700)
        let edits = Array("aA0/.?&=%#:@-_~[]!$'()*+,;Zé ")
        for _ in 0..<400 {
            let host = (1...Int.random(in: 1...3, using: &random)).map { _ in
                random.string(from: SignInRandom.lowerAlphanumerics, count: Int.random(in: 1...6, using: &random))
            }
            .joined(separator: ".")
            let path = "/" + random.string(from: SignInRandom.unreserved, count: Int.random(in: 0...10, using: &random))
            let registered =
                Bool.random(using: &random) ? "https://\(host)\(path)" : "com.example.app://\(host)\(path)"
            #expect(RedirectURIPolicy.matches(registered, registered: [registered]), "\(registered)")
            var characters = Array(registered)
            switch Int.random(in: 0..<3, using: &random) {
            case 0:
                characters.insert(
                    edits.randomElement(using: &random)!,
                    at: Int.random(in: 0...characters.count, using: &random)
                )
            case 1: characters.remove(at: Int.random(in: 0..<characters.count, using: &random))
            default:
                characters[Int.random(in: 0..<characters.count, using: &random)] = edits.randomElement(using: &random)!
            }
            let edited = String(characters)
            if edited != registered {
                #expect(!RedirectURIPolicy.matches(edited, registered: [registered]), "\(registered) → \(edited)")
            }
        }
    }
}
