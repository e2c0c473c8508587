import Foundation
import MCPWire
import PropertyBased
import Testing

@testable import MCPBridgeCore

@Suite("the authorization callback's rules")
struct AuthorizationCallbackTests {
    static let issuer = "https://as.example.com"

    static func request(issSupported: Bool = false) throws -> AuthorizationRequest {
        try AuthorizationRequest(
            authorizationEndpoint: Self.issuer + "/authorize",
            issuer: Self.issuer,
            clientID: "client-1",
            redirectURI: "http://127.0.0.1:23456/callback",
            scope: nil,
            resource: "https://mcp.example.com/mcp",
            issParameterSupported: issSupported
        )
    }

    static func query(_ pairs: [(String, String)]) -> String {
        pairs.map { "\(PercentEncoding.encode($0))=\(PercentEncoding.encode($1))" }.joined(separator: "&")
    }

    static func code(_ outcome: AuthorizationCallback.Outcome) -> String? {
        if case .code(let code) = outcome { return code }
        return nil
    }

    static func failure(_ outcome: AuthorizationCallback.Outcome) -> String? {
        if case .failed(let error) = outcome { return error.description }
        return nil
    }

    static func isNotThisFlow(_ outcome: AuthorizationCallback.Outcome) -> Bool {
        if case .notThisFlow = outcome { return true }
        return false
    }

    @Test("the right state and a code give the code")
    func code() throws {
        let request = try Self.request()
        let outcome = AuthorizationCallback.validate(
            query: Self.query([("code", "abc+/=é"), ("state", request.state)]),
            for: request
        )
        #expect(Self.code(outcome) == "abc+/=é")
        // `+` is a space in a form-encoded query.
        let plus = AuthorizationCallback.validate(query: "code=a+b&state=\(request.state)", for: request)
        #expect(Self.code(plus) == "a b")
    }

    @Test("another, a missing or a repeated state is not this flow, whatever else the query says")
    func otherStates() throws {
        let request = try Self.request()
        let other = try Self.request()
        for query in [
            Self.query([("code", "x"), ("state", other.state)]),
            Self.query([("code", "x")]),
            Self.query([("error", "access_denied")]),
            Self.query([("code", "x"), ("state", request.state), ("state", request.state)]),
            Self.query([("code", "x"), ("state", request.state + "x")]),
            Self.query([("code", "x"), ("state", String(request.state.dropLast()))]),
            Self.query([("code", "x"), ("STATE", request.state)]),
            "",
        ] {
            #expect(Self.isNotThisFlow(AuthorizationCallback.validate(query: query, for: request)), "\(query)")
        }
    }

    @Test("malformed or oversized queries are not this flow")
    func malformed() throws {
        let request = try Self.request()
        for query in [
            "code=%zz&state=\(request.state)", "code=%E9&state=\(request.state)", "=x&state=\(request.state)",
            "code=" + String(repeating: "a", count: AuthorizationCallback.maximumQueryBytes)
                + "&state=\(request.state)",
        ] {
            #expect(Self.isNotThisFlow(AuthorizationCallback.validate(query: query, for: request)))
        }
    }

    @Test("with the right state, a repeated parameter ends the sign-in")
    func repeated() throws {
        let request = try Self.request()
        let outcome = AuthorizationCallback.validate(
            query: Self.query([("code", "a"), ("state", request.state), ("code", "b")]),
            for: request
        )
        #expect(Self.failure(outcome)?.contains("repeats `code`") == true)
    }

    @Test("the server's error ends the sign-in, named with its description")
    func serverError() throws {
        let request = try Self.request()
        let outcome = AuthorizationCallback.validate(
            query: Self.query([
                ("error", "access_denied"), ("error_description", "The user said no\n\u{202E}"),
                ("state", request.state),
            ]),
            for: request
        )
        let message = try #require(Self.failure(outcome))
        #expect(message.contains("access_denied: The user said no"))
        #expect(!message.contains("\n") && !message.contains("\u{202E}"))
    }

    @Test("neither code nor error ends the sign-in; an empty code too")
    func nothing() throws {
        let request = try Self.request()
        #expect(Self.failure(AuthorizationCallback.validate(query: "state=\(request.state)", for: request)) != nil)
        #expect(
            Self.failure(AuthorizationCallback.validate(query: "code=&state=\(request.state)", for: request)) != nil
        )
    }

    // The MCP conformance suite's RFC 9207 scenarios (SEP-2468), one test each.

    @Test("iss-supported: advertised and correct is accepted")
    func issSupported() throws {
        let request = try Self.request(issSupported: true)
        let outcome = AuthorizationCallback.validate(
            query: Self.query([("code", "c"), ("state", request.state), ("iss", Self.issuer)]),
            for: request
        )
        #expect(Self.code(outcome) == "c")
    }

    @Test("iss-not-advertised: neither advertised nor sent is accepted")
    func issNotAdvertised() throws {
        let request = try Self.request(issSupported: false)
        let outcome = AuthorizationCallback.validate(
            query: Self.query([("code", "c"), ("state", request.state)]),
            for: request
        )
        #expect(Self.code(outcome) == "c")
    }

    @Test("iss-supported-missing: advertised but absent is refused")
    func issSupportedMissing() throws {
        let request = try Self.request(issSupported: true)
        let outcome = AuthorizationCallback.validate(
            query: Self.query([("code", "c"), ("state", request.state)]),
            for: request
        )
        #expect(Self.failure(outcome)?.contains("lacks `iss`") == true)
    }

    @Test("iss-wrong-issuer: advertised and another issuer is refused, for error responses too")
    func issWrongIssuer() throws {
        let request = try Self.request(issSupported: true)
        let outcome = AuthorizationCallback.validate(
            query: Self.query([("code", "c"), ("state", request.state), ("iss", "https://evil.example.com")]),
            for: request
        )
        #expect(Self.failure(outcome)?.contains("https://evil.example.com") == true)
        let error = AuthorizationCallback.validate(
            query: Self.query([
                ("error", "access_denied"), ("state", request.state), ("iss", "https://evil.example.com"),
            ]),
            for: request
        )
        #expect(Self.failure(error)?.contains("RFC 9207") == true)
    }

    @Test("iss-unexpected: not advertised but sent is still compared, and a mismatch refused")
    func issUnexpected() throws {
        let request = try Self.request(issSupported: false)
        let wrong = AuthorizationCallback.validate(
            query: Self.query([("code", "c"), ("state", request.state), ("iss", "https://evil.example.com")]),
            for: request
        )
        #expect(Self.failure(wrong) != nil)
        let right = AuthorizationCallback.validate(
            query: Self.query([("code", "c"), ("state", request.state), ("iss", Self.issuer)]),
            for: request
        )
        #expect(Self.code(right) == "c")
    }

    @Test(
        "iss-normalized: an issuer equal only after URL normalisation is refused",
        arguments: [
            "https://as.example.com/", "HTTPS://as.example.com", "https://AS.example.com", "https://as.example.com:443",
            "https://as.example.com/.", "https://as%2Eexample.com",
        ]
    )
    func issNormalized(iss: String) throws {
        let request = try Self.request(issSupported: true)
        let outcome = AuthorizationCallback.validate(
            query: Self.query([("code", "c"), ("state", request.state), ("iss", iss)]),
            for: request
        )
        #expect(Self.failure(outcome) != nil)
    }

    @Test("random queries never crash, and never give a code without the request's state (property-based)")
    func randomQueries() async throws {
        let request = try Self.request(issSupported: false)
        let other = try Self.request()
        let pieces = [
            "code", "state", "iss", "error", "=", "&", "%", "%2", "%zz", "+", "%26", "%3D", "x", "é", "\u{0}",
            request.state, other.state, String(request.state.prefix(10)), Self.issuer, "error_description", "",
        ]
        await propertyCheck(count: 500, input: Gen<UInt8>.value(in: 0...255).array(of: 0...40)) { bytes in
            let query = bytes.map { pieces[Int($0) % pieces.count] }.joined()
            let outcome = AuthorizationCallback.validate(query: query, for: request)
            guard case .code = outcome else { return }
            let states = (PercentEncoding.pairs(query) ?? []).filter { $0.name == "state" }.map(\.value)
            #expect(states == [request.state], "\(query)")
        }
        // Queries built only from another flow's state can never end this one.
        await propertyCheck(count: 300, input: Gen<UInt8>.value(in: 0...255).array(of: 0...40)) { bytes in
            let foreign = pieces.filter { $0 != request.state && !$0.isEmpty }
            let query = bytes.map { foreign[Int($0) % foreign.count] }.joined()
            #expect(Self.isNotThisFlow(AuthorizationCallback.validate(query: query, for: request)), "\(query)")
        }
    }
}
