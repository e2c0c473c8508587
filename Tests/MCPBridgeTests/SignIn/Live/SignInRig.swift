import Foundation
import MCPWire
import RemoteMCPTestSupport
import Testing

/// Everything a live sign-in test of mcp-bridge needs: a ``BridgeHarness`` (its temporary directory, credential
/// home and `mcp-server` database, which holds the person `alice`), a test browser the bridges open as `$BROWSER`
/// (``BrowserEvents`` says what it did; ``BrowserHold``, when asked for, keeps it from signing in until released),
/// and bridges started with the file credential store and the sign-in options.
///
/// `$BROWSER` is a one-word wrapper script in the temporary directory (`exec PYTHON SCRIPT "$@"`), so how the
/// bridge splits a `$BROWSER` of several words never matters here.
struct SignInRig {
    static let username = "alice"
    static let password = "correct horse battery staple"
    static let displayName = "Alice Example"

    /// The browser the bridges open.
    enum Browser: String {
        /// `signin_browser.py`: plain HTTP, as a person would click through the pages.
        case http = "signin_browser.py"
        /// `signin_chromium.py`: headless Chromium.
        case chromium = "signin_chromium.py"
    }

    let harness: BridgeHarness
    let browser: BrowserEvents
    let hold: BrowserHold?
    /// `$BROWSER`.
    let browserCommand: URL
    /// Where `signin_chromium.py` photographs the callback page.
    var screenshot: URL { self.harness.directory.appendingPathComponent("callback.png") }

    /// A rig whose database has `alice`; with `holding`, browsers wait for ``BrowserHold/release(_:)``.
    init(browser: Browser = .http, holding: Bool = false) async throws {
        let python = try #require(Interop.python, "the live sign-in tests need REMOTE_MCP_PYTHON")
        self.harness = try BridgeHarness()
        let directory = self.harness.directory
        self.browser = try BrowserEvents(at: directory.appendingPathComponent("browser-events"))
        self.hold = holding ? try BrowserHold(at: directory.appendingPathComponent("browser-hold")) : nil
        self.browserCommand = directory.appendingPathComponent("browser.sh")
        let script = "#!/bin/sh\nexec '\(python.path)' '\(Interop.script(browser.rawValue).path)' \"$@\"\n"
        try Data(script.utf8).write(to: self.browserCommand)
        try FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: self.browserCommand.path)
        try await Self.addPerson(database: self.harness.database, in: directory)
    }

    /// Ends the browser log and hold (browsers still waiting give up) and removes the directory.
    func cleanUp() {
        self.hold?.close()
        self.browser.close()
        self.harness.cleanUp()
    }

    /// `mcp-server serve` on the rig's database: people sign in with passwords, sign-in clients may register.
    func server(_ arguments: [String] = []) async throws -> ChildProcess {
        try await self.harness.server(arguments)
    }

    /// What every bridge and command of the rig gets: the browser, and what the test browser needs.
    func environment(_ extra: [String: String] = [:]) -> [String: String] {
        var environment = [
            "BROWSER": self.browserCommand.path,
            "SIGNIN_BROWSER_LOG": self.browser.path.path,
            "SIGNIN_USERNAME": Self.username,
            "SIGNIN_PASSWORD": Self.password,
            "SIGNIN_SCREENSHOT": self.screenshot.path,
        ]
        if let hold = self.hold { environment["SIGNIN_BROWSER_HOLD"] = hold.path.path }
        environment.merge(extra) { _, new in new }
        return environment
    }

    /// `mcp-bridge URL --auth AUTH --credential-store file --sign-in-wait 60 ARGUMENTS` as a host starts it; an
    /// option in `arguments` replaces the default.
    func bridge(
        _ url: URL,
        _ arguments: [String] = [],
        auth: String = "browser",
        environment: [String: String] = [:]
    ) throws -> ChildProcess {
        var all = [url.absoluteString]
        for (option, value) in [("--auth", auth), ("--credential-store", "file"), ("--sign-in-wait", "60")]
        where !arguments.contains(option) {
            all += [option, value]
        }
        return try self.harness.bridge(all + arguments, environment: self.environment(environment))
    }

    /// An `mcp-bridge` command (`login`, `status`, `logout`) run to completion, with the rig's home and browser.
    func command(_ arguments: [String], environment: [String: String] = [:]) async throws -> ProcessRun {
        try await self.harness.command(arguments, environment: self.environment(environment))
    }

    /// `mcp-server users add alice`, with a cheap bcrypt cost (a test's password needs no strength).
    static func addPerson(database: String, in directory: URL) async throws {
        let passwordFile = directory.appendingPathComponent("alice.password")
        try Data((Self.password + "\n").utf8).write(to: passwordFile)
        let run = try await ChildProcess.run(
            try BuiltProduct.url(named: "mcp-server"),
            [
                "users", "add", Self.username, "--display-name", Self.displayName, "--email", "alice@example.com",
                "--password-file", passwordFile.path, "--hash-cost", "4", "--database", database,
            ]
        )
        try #require(run.status == 0, "users add: \(run.errors.joined(separator: "\n"))")
    }
}

extension SignInRig {
    /// The one credential file the bridges wrote, parsed.
    func storedCredentials() throws -> [String: JSONValue] {
        try #require(try self.harness.storedCredentials().objectValue)
    }

    /// Makes the stored access token look as good as expired (issued an hour ago, expired a minute ago), so the
    /// next bridge refreshes it before its first request: an expiring token without waiting for one to expire.
    func expireStoredToken() throws {
        try self.editStoredCredentials { credentials in
            try #require(credentials["access_token"]?.stringValue != nil, "no access token stored: \(credentials)")
            let now = Int(Date().timeIntervalSince1970)
            credentials["token_expires_at"] = .number(JSONNumber(now - 60))
            credentials["token_issued_at"] = .number(JSONNumber(now - 3660))
        }
    }

    /// Changes the one credential file the bridges wrote.
    func editStoredCredentials(_ edit: (inout [String: JSONValue]) throws -> Void) throws {
        let file = try #require(self.harness.credentialFiles().first)
        var credentials = try self.storedCredentials()
        try edit(&credentials)
        // Written as the store writes: a new 0600 file renamed over the old one.
        let temporary = file.appendingPathExtension("edit")
        try Data(JSONValue.object(credentials).serialized()).write(to: temporary)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: temporary.path)
        try #require(rename(temporary.path, file.path) == 0, "rename: errno \(errno)")
    }
}

extension ChildProcess {
    /// How many `token.issued` audit lines for `grant` a server logged so far.
    func tokensIssued(_ grant: String) -> Int {
        self.stderr.lines.filter {
            $0.contains(#""event":"token.issued""#) && $0.contains(#""outcome":"success""#)
                && $0.contains("grant_type=\(grant)")
        }.count
    }

    /// Awaits the `count`th `token.issued` audit line for `grant`.
    func awaitTokenIssued(_ grant: String, count: Int = 1) async throws {
        var seen = 0
        try await self.stderr.line { line in
            guard line.contains(#""event":"token.issued""#), line.contains("grant_type=\(grant)") else { return false }
            seen += 1
            return seen >= count
        }
    }

    /// The first stderr line that says where to sign in (`sign in at URL`), and that URL.
    func signInURL(after count: Int = 0, timeout: Duration = .seconds(60)) async throws -> URLComponents {
        var seen = 0
        let line = try await self.stderr.line(timeout: timeout) { line in
            guard line.contains("sign in at ") else { return false }
            seen += 1
            return seen > count
        }
        return try #require(Self.signInURL(in: line), "no URL in \(line)")
    }

    /// The URL after `sign in at ` in `line`.
    static func signInURL(in line: String) -> URLComponents? {
        guard let range = line.range(of: "sign in at ") else { return nil }
        let rest = line[range.upperBound...]
        let url = rest.prefix { !$0.isWhitespace && $0 != "\"" && $0 != "," && $0 != ")" }
        return URLComponents(string: String(url))
    }
}

/// Requests a test makes itself, beside the bridge: with a stored token, at the token endpoint.
enum SignInHTTP {
    /// `application/x-www-form-urlencoded`, which is also how a client id and secret go into Basic (RFC 6749
    /// §2.3.1).
    static func form(_ parameters: [(String, String)]) -> String {
        parameters.map { name, value in Self.encode(name) + "=" + Self.encode(value) }.joined(separator: "&")
    }

    static func encode(_ text: String) -> String {
        var unreserved = CharacterSet.alphanumerics.intersection(
            CharacterSet(charactersIn: Unicode.Scalar(0)..<"\u{80}")
        )
        unreserved.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? text
    }

    /// A token request as the stored client makes it (its secret in Basic, or in the form, or none).
    static func token(
        _ parameters: [(String, String)],
        as credentials: [String: JSONValue]
    ) async throws
        -> TestHTTP.Response
    {
        let endpoint = try #require(credentials["token_endpoint"]?.stringValue.flatMap(URL.init(string:)))
        let clientID = try #require(credentials["client_id"]?.stringValue)
        var form = parameters
        var headers = ["Content-Type": "application/x-www-form-urlencoded"]
        switch (credentials["token_endpoint_auth_method"]?.stringValue, credentials["client_secret"]?.stringValue) {
        case ("client_secret_post", let secret?):
            form += [("client_id", clientID), ("client_secret", secret)]
        case (_, let secret?):
            let pair = Self.encode(clientID) + ":" + Self.encode(secret)
            headers["Authorization"] = "Basic " + Data(pair.utf8).base64EncodedString()
        case (_, nil):
            form.append(("client_id", clientID))
        }
        return try await TestHTTP.request(endpoint, method: .post, headers: headers, body: Self.form(form))
    }

    /// `tools/call whoami` straight to mcp-server with `accessToken` (2026-07-28, stateless, as
    /// `Tests/MCPServerTests/LiveSignIn.swift` calls it): the server's answer.
    static func whoami(_ mcpURL: URL, accessToken: String) async throws -> TestHTTP.Response {
        let meta =
            #""_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{}}"#
        return try await TestHTTP.post(
            mcpURL,
            #"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"whoami","arguments":{},\#(meta)}}"#,
            headers: [
                "Authorization": "Bearer \(accessToken)", "MCP-Protocol-Version": "2026-07-28",
                "Mcp-Method": "tools/call", "Mcp-Name": "whoami",
            ]
        )
    }
}
