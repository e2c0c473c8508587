import Crypto
import Foundation
import HTTPTypes
import HummingbirdTesting
import MCPWire

@testable import MCPServerCore

/// The server side of the token-grant tests: clients and people inserted in the store, and authorization codes
/// stored as `/authorize` stores them, so `/token`, `/revoke` and `/mcp` are tested without the sign-in pages.
struct TokenRig {
    let harness: AuthHarness
    let clock: SignInTestClock

    /// A public client (`none`) with the authorization code and refresh token grants.
    static let publicClient = "tok-public"
    /// A second public client.
    static let otherClient = "tok-other"
    /// A confidential client (`client_secret_basic`) with every grant.
    static let confidentialClient = "tok-confidential"
    static let confidentialSecret = "confidential-secret-0123456789"
    /// A public client without the refresh token grant.
    static let noRefreshClient = "tok-norefresh"
    static let alice = "usr_alice"
    static let bob = "usr_bob"
    static let redirectURI = "http://127.0.0.1:53682/callback"
    static let verifier = String(repeating: "k", count: 40) + "-verifier._~"
    static var challenge: String { PKCE.challenge(for: Self.verifier) }
    static let resource = AuthHarness.base + "/mcp"

    static func make(
        signIn: SignInConfiguration = SignInConfiguration(),
        tokenRequestsPerMinutePerClient: Int = 60,
        clientRecheckInterval: Duration = .seconds(5)
    ) async throws -> TokenRig {
        let clock = SignInTestClock()
        let harness = try await AuthHarness.make(
            configuration: AuthConfiguration(
                tokenRequestsPerMinutePerClient: tokenRequestsPerMinutePerClient,
                clientRecheckInterval: clientRecheckInterval,
                signIn: signIn
            ),
            now: clock.function
        )
        let rig = TokenRig(harness: harness, clock: clock)
        try await rig.addClient(Self.publicClient, method: "none")
        try await rig.addClient(Self.otherClient, method: "none")
        try await rig.addClient(
            Self.confidentialClient,
            method: "client_secret_basic",
            grants: ["authorization_code", "refresh_token", "client_credentials"],
            secret: Self.confidentialSecret
        )
        try await rig.addClient(Self.noRefreshClient, method: "none", grants: ["authorization_code"])
        for (id, name, admin) in [(Self.alice, "Alice", true), (Self.bob, "Bob", false)] {
            try await harness.store.insertPerson(
                StoredPerson(
                    id: id,
                    username: name.lowercased(),
                    displayName: name,
                    email: "\(name.lowercased())@example.com",
                    isAdmin: admin,
                    createdAt: clock.now,
                    updatedAt: clock.now
                )
            )
        }
        return rig
    }

    func addClient(
        _ id: String,
        method: String,
        grants: [String] = ["authorization_code", "refresh_token"],
        secret: String? = nil
    ) async throws {
        let metadata: JSONValue = [
            "client_name": .string(id), "redirect_uris": [.string(Self.redirectURI)],
            "grant_types": .array(grants.map(JSONValue.string)), "response_types": ["code"],
            "token_endpoint_auth_method": .string(method), "scope": "mcp:read mcp:tools",
        ]
        try await self.harness.store.insertClient(
            StoredClient(
                id: id,
                secretHash: secret.map(SecretToken.hash) ?? "",
                registrationTokenHash: SecretToken.hash(SecretToken.generate()),
                metadata: metadata,
                createdAt: self.clock.now,
                updatedAt: self.clock.now
            )
        )
    }

    /// Stores a code as `/authorize` does after sign-in and consent; returns the code.
    @discardableResult
    func issueCode(
        client: String = TokenRig.publicClient,
        person: String = TokenRig.alice,
        scope: String = "mcp:read mcp:tools",
        resource: String = TokenRig.resource,
        challenge: String = TokenRig.challenge,
        familyID: String = SecretToken.generate(byteCount: 16)
    ) async throws -> (code: String, familyID: String) {
        let code = SecretToken.generate()
        try await self.harness.store.insertAuthorizationCode(
            StoredAuthorizationCode(
                codeHash: SecretToken.hash(code),
                clientID: client,
                personID: person,
                redirectURI: Self.redirectURI,
                scope: scope,
                resource: resource,
                codeChallenge: challenge,
                familyID: familyID,
                authTime: self.clock.now.addingTimeInterval(-30),
                createdAt: self.clock.now,
                expiresAt: self.clock.now.addingTimeInterval(60)
            )
        )
        return (code, familyID)
    }

    /// Signs `person` in through `client` (a stored code, exchanged): the token response.
    func signIn(
        _ client: any TestClientProtocol,
        as person: String = TokenRig.alice,
        through clientID: String = TokenRig.publicClient,
        scope: String = "mcp:read mcp:tools"
    ) async throws -> SignedIn {
        let issued = try await self.issueCode(client: clientID, person: person, scope: scope)
        let basic = clientID == Self.confidentialClient ? (clientID, Self.confidentialSecret) : nil
        let answer = try await client.exchange(issued.code, clientID: clientID, basic: basic)
        guard answer.status == .ok, let access = answer.json["access_token"]?.stringValue else {
            throw HarnessError.unexpected("exchange failed: \(answer.status) \(answer.body)")
        }
        return SignedIn(
            accessToken: access,
            refreshToken: answer.json["refresh_token"]?.stringValue,
            familyID: issued.familyID
        )
    }

    /// What a sign-in left the client with.
    struct SignedIn {
        let accessToken: String
        let refreshToken: String?
        let familyID: String
    }

    /// The claims of a JWT, decoded without checking anything.
    static func claims(of token: String) -> JSONValue {
        let parts = token.split(separator: ".")
        guard parts.count == 3, let bytes = Base64.decode(parts[1], .url) else { return .null }
        return (try? JSONValue(parsing: bytes)) ?? .null
    }
}

extension TestClientProtocol {
    /// `POST` of a form to `path`, with Basic credentials when `basic` is given.
    func form(
        _ path: String,
        _ fields: [(String, String?)],
        basic: (id: String, secret: String)? = nil
    ) async throws -> HTTPAnswer {
        var headers = ["Content-Type": "application/x-www-form-urlencoded"]
        if let basic {
            headers["Authorization"] = "Basic " + Data("\(basic.id):\(basic.secret)".utf8).base64EncodedString()
        }
        let body = fields.compactMap { name, value in
            value.map { "\(name)=\(AuthorizationResponseURL.encode($0))" }
        }.joined(separator: "&")
        return try await self.request(.post, path, headers: headers, body: body)
    }

    /// `grant_type=authorization_code`, as a public client (only `client_id`) unless `basic` is given.
    func exchange(
        _ code: String,
        clientID: String = TokenRig.publicClient,
        verifier: String? = TokenRig.verifier,
        redirectURI: String? = TokenRig.redirectURI,
        extra: [(String, String?)] = [],
        basic: (id: String, secret: String)? = nil
    ) async throws -> HTTPAnswer {
        try await self.form(
            "/token",
            [
                ("grant_type", "authorization_code"), ("code", code), ("redirect_uri", redirectURI),
                ("code_verifier", verifier), ("client_id", basic == nil ? clientID : nil),
            ] + extra,
            basic: basic
        )
    }

    /// `grant_type=refresh_token`, as a public client.
    func refresh(
        _ token: String,
        clientID: String = TokenRig.publicClient,
        scope: String? = nil,
        extra: [(String, String?)] = []
    ) async throws -> HTTPAnswer {
        try await self.form(
            "/token",
            [("grant_type", "refresh_token"), ("refresh_token", token), ("client_id", clientID), ("scope", scope)]
                + extra
        )
    }

    /// `POST /revoke`, as a public client unless `basic` is given.
    func revoke(
        _ token: String?,
        clientID: String = TokenRig.publicClient,
        hint: String? = nil,
        basic: (id: String, secret: String)? = nil
    ) async throws -> HTTPAnswer {
        try await self.form(
            "/revoke",
            [("token", token), ("token_type_hint", hint), ("client_id", basic == nil ? clientID : nil)],
            basic: basic
        )
    }
}
