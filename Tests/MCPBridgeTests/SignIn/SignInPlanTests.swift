import Foundation
import MCPBridgeCore
import MCPWire
import Testing

/// The choice of grant and client, in the order the MCP authorization specification gives.
@Suite struct SignInPlanTests {
    static let issuer = "https://as.example.com"

    static func metadata(
        grants: [String]? = ["authorization_code", "refresh_token", "client_credentials"],
        registration: Bool = true,
        device: Bool = false,
        pkce: [String]? = ["S256"],
        cimd: Bool? = nil,
        scopes: [String]? = nil
    ) -> AuthorizationServerMetadata {
        AuthorizationServerMetadata(
            issuer: Self.issuer,
            authorizationEndpoint: "https://as.example.com/authorize",
            tokenEndpoint: "https://as.example.com/token",
            registrationEndpoint: registration ? "https://as.example.com/register" : nil,
            jwksURI: nil,
            scopesSupported: scopes,
            responseTypesSupported: ["code"],
            grantTypesSupported: grants,
            tokenEndpointAuthMethodsSupported: ["none", "client_secret_basic"],
            codeChallengeMethodsSupported: pkce,
            clientIDMetadataDocumentSupported: cimd,
            deviceAuthorizationEndpoint: device ? "https://as.example.com/device" : nil
        )
    }

    static func plan(
        _ settings: SignInSettings = SignInSettings(),
        _ metadata: AuthorizationServerMetadata = Self.metadata(),
        scope: String? = nil
    ) throws -> SignInPlan {
        try SignInPlan.choose(settings: settings, issuer: Self.issuer, metadata: metadata, requestedScope: scope)
    }

    @Test func autoKeepsClientCredentialsWhereTheServerOffersIt() throws {
        let plan = try Self.plan()
        #expect(plan.grant == .clientCredentials)
        #expect(plan.client == .registered)
    }

    @Test func autoSignsAPersonInWhereThereIsNoClientCredentials() throws {
        let plan = try Self.plan(SignInSettings(), Self.metadata(grants: ["authorization_code", "refresh_token"]))
        #expect(plan.grant == .authorizationCode)
    }

    @Test func autoUsesADeviceCodeWithoutADisplay() throws {
        let metadata = Self.metadata(
            grants: ["authorization_code", "refresh_token", SignInPlan.deviceCodeGrantType],
            device: true
        )
        #expect(try Self.plan(SignInSettings(display: .none), metadata).grant == .deviceCode)
        #expect(try Self.plan(SignInSettings(display: .available), metadata).grant == .authorizationCode)
        // Without a device endpoint, the browser URL is printed even over SSH.
        let noDevice = Self.metadata(grants: ["authorization_code"])
        #expect(try Self.plan(SignInSettings(display: .none), noDevice).grant == .authorizationCode)
    }

    @Test("a remote shell with no display means no browser; a display, or no SSH, means one")
    func displayIsDetectedFromTheEnvironment() {
        let ssh = ["SSH_CONNECTION": "192.0.2.1 50000 192.0.2.2 22"]
        #expect(DisplayAvailability.detect(environment: ssh) == .none)
        #expect(DisplayAvailability.detect(environment: ["SSH_TTY": "/dev/pts/0"]) == .none)
        #expect(DisplayAvailability.detect(environment: [:]) == .available)
        #if os(Linux)
        // X11 forwarding or a Wayland session over SSH can still show a browser; an empty DISPLAY cannot.
        #expect(
            DisplayAvailability.detect(environment: ssh.merging(["DISPLAY": "localhost:10.0"]) { $1 }) == .available
        )
        #expect(
            DisplayAvailability.detect(environment: ssh.merging(["WAYLAND_DISPLAY": "wayland-0"]) { $1 }) == .available
        )
        #expect(DisplayAvailability.detect(environment: ssh.merging(["DISPLAY": ""]) { $1 }) == .none)
        #endif
    }

    @Test func forcedChoicesAreCheckedAgainstTheMetadata() throws {
        #expect(throws: BridgeError.self) {
            try Self.plan(SignInSettings(auth: .device), Self.metadata())
        }
        #expect(throws: BridgeError.self) {
            try Self.plan(SignInSettings(auth: .clientCredentials), Self.metadata(grants: ["authorization_code"]))
        }
        #expect(try Self.plan(SignInSettings(auth: .browser)).grant == .authorizationCode)
    }

    @Test func noPKCEMeansNoBrowserSignIn() throws {
        let error = #expect(throws: BridgeError.self) {
            try Self.plan(SignInSettings(auth: .browser), Self.metadata(pkce: nil))
        }
        #expect("\(error!)".contains("PKCE"))
        #expect(throws: BridgeError.self) {
            try Self.plan(SignInSettings(auth: .browser), Self.metadata(pkce: ["plain"]))
        }
    }

    @Test func clientsComeInTheSpecificationsOrder() throws {
        let person = SignInSettings(
            auth: .browser,
            clientMetadataURL: URL(string: "https://bridge.example.com/client.json")
        )
        // 1. pre-registered, whatever else the server supports.
        var withClient = person
        withClient.preRegisteredClient = PreRegisteredClient(clientID: "given", authentication: .none)
        #expect(
            try Self.plan(withClient, Self.metadata(cimd: true)).client
                == .preRegistered(withClient.preRegisteredClient!)
        )
        // 2. the metadata document, only where the server says it fetches them.
        #expect(
            try Self.plan(person, Self.metadata(cimd: true)).client
                == .metadataDocument("https://bridge.example.com/client.json")
        )
        // 3. registration.
        #expect(try Self.plan(person, Self.metadata(cimd: false)).client == .registered)
        // None of them: a message that says what to pass.
        let error = #expect(throws: BridgeError.self) {
            try Self.plan(SignInSettings(auth: .browser), Self.metadata(registration: false))
        }
        #expect("\(error!)".contains("--client-id"))
    }

    @Test func aPublicPreRegisteredClientCannotUseClientCredentials() throws {
        let settings = SignInSettings(
            auth: .clientCredentials,
            preRegisteredClient: PreRegisteredClient(clientID: "public", authentication: .none)
        )
        #expect(throws: BridgeError.self) { try Self.plan(settings) }
        // auto then signs a person in instead.
        var auto = settings
        auto.auth = .auto
        #expect(try Self.plan(auto).grant == .authorizationCode)
    }

    @Test func offlineAccessIsAskedForWhereTheServerNamesIt() throws {
        let listed = Self.metadata(grants: ["authorization_code"], scopes: ["mcp:read", "offline_access"])
        #expect(try Self.plan(SignInSettings(), listed, scope: "mcp:read").scope == "mcp:read offline_access")
        let unlisted = Self.metadata(grants: ["authorization_code"], scopes: ["mcp:read"])
        #expect(try Self.plan(SignInSettings(), unlisted, scope: "mcp:read").scope == "mcp:read")
        // Not for a machine client.
        #expect(try Self.plan(SignInSettings(), Self.metadata(scopes: ["offline_access"]), scope: "a").scope == "a")
    }
}
