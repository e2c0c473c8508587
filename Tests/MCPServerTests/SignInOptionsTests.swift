import ArgumentParser
import Foundation
import MCPServerCore
import RemoteMCPTestSupport
import Testing

@testable import MCPServer

/// `serve`'s sign-in flags and their `MCP_SERVER_*` variables (what Lambda reads), folded into
/// `AuthConfiguration.signIn`.
@Suite("serve: signing people in")
struct SignInOptionsTests {
    /// A file in a fresh directory, removed by the caller.
    static func file(_ text: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("signin-\(UUID().uuidString)")
        try Data(text.utf8).write(to: url)
        return url
    }

    @Test func defaultsAreSignInConfigurationsOwn() throws {
        let settings = try ServeCommand.parse([]).resolve(environment: [:])
        let signIn = settings.auth.configuration.signIn
        let defaults = SignInConfiguration()
        #expect(signIn.codeLifetime == defaults.codeLifetime)
        #expect(signIn.refreshIdleLifetime == defaults.refreshIdleLifetime)
        #expect(signIn.refreshAbsoluteLifetime == defaults.refreshAbsoluteLifetime)
        #expect(signIn.sessionLifetime == defaults.sessionLifetime)
        #expect(signIn.metadataDocuments == defaults.metadataDocuments)
        #expect(signIn.upstream == nil)
        #expect(settings.auth.upstreamSecretID == nil)
    }

    @Test func flagsSetLifetimesMetadataDocumentsAndTheProvider() throws {
        let secret = try Self.file("s3cret\n")
        defer { try? FileManager.default.removeItem(at: secret) }
        let command = try ServeCommand.parse([
            "--code-lifetime", "30", "--refresh-idle-lifetime", "3600", "--refresh-absolute-lifetime", "86400",
            "--session-lifetime", "900", "--cimd-allow-private",
            "--oidc-issuer", "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC", "--oidc-client-id", "abc",
            "--oidc-client-secret-file", secret.path, "--oidc-scope", "openid email",
            "--oidc-allowed-domain", "@Example.com", "--oidc-allowed-domain", "example.org",
            "--oidc-allowed-email", "Ada@Example.com", "--oidc-group-claim", "cognito:groups",
            "--oidc-allowed-group", "mcp-users", "--oidc-admin-email", "ops@example.com", "--oidc-name", "Example SSO",
        ])
        let signIn = try command.resolve(environment: [:]).auth.configuration.signIn
        #expect(signIn.codeLifetime == .seconds(30))
        #expect(signIn.refreshIdleLifetime == .seconds(3600))
        #expect(signIn.refreshAbsoluteLifetime == .seconds(86400))
        #expect(signIn.sessionLifetime == .seconds(900))
        #expect(signIn.metadataDocuments?.allowPrivateAddresses == true)
        let upstream = try #require(signIn.upstream)
        #expect(upstream.issuer == "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC")
        #expect(upstream.clientID == "abc")
        #expect(upstream.clientSecret == "s3cret")
        #expect(upstream.scopes == ["openid", "email"])
        #expect(upstream.allowedDomains == ["example.com", "example.org"])
        #expect(upstream.allowedEmails == ["ada@example.com"])
        #expect(upstream.groupClaim == "cognito:groups")
        #expect(upstream.allowedGroups == ["mcp-users"])
        #expect(upstream.adminEmails == ["ops@example.com"])
        #expect(upstream.displayName == "Example SSO")
    }

    @Test func theEnvironmentSetsTheSameAsOnLambda() throws {
        let environment = [
            "MCP_SERVER_REFRESH_IDLE_LIFETIME": "7200", "MCP_SERVER_METADATA_DOCUMENTS": "off",
            "MCP_SERVER_OIDC_ISSUER": "https://login.example.com", "MCP_SERVER_OIDC_CLIENT_ID": "mcp",
            "MCP_SERVER_OIDC_CLIENT_SECRET_ARN": "arn:aws:secretsmanager:eu-west-1:123456789012:secret:oidc-AbC",
            "MCP_SERVER_OIDC_ALLOWED_EMAILS": "a@example.com, b@example.com",
            "MCP_SERVER_OIDC_ADMIN_EMAILS": "a@example.com", "MCP_SERVER_DYNAMODB_TABLE": "t",
            "AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "secret", "AWS_REGION": "eu-west-1",
        ]
        let settings = try ServeCommand.parse([]).resolve(environment: environment, lambda: true)
        let signIn = settings.auth.configuration.signIn
        #expect(signIn.refreshIdleLifetime == .seconds(7200))
        #expect(signIn.metadataDocuments == nil)
        #expect(signIn.upstream?.clientSecret == nil, "read from Secrets Manager at start")
        #expect(settings.auth.upstreamSecretID == "arn:aws:secretsmanager:eu-west-1:123456789012:secret:oidc-AbC")
        #expect(signIn.upstream?.allowedEmails == ["a@example.com", "b@example.com"])
        #expect(signIn.upstream?.scopes == UpstreamProviderConfiguration(issuer: "", clientID: "").scopes)
        // The inline variable works too, for a local run.
        let inline = try ServeCommand.parse([]).resolve(environment: [
            "MCP_SERVER_OIDC_ISSUER": "http://127.0.0.1:9400", "MCP_SERVER_OIDC_CLIENT_ID": "mcp",
            "MCP_SERVER_OIDC_CLIENT_SECRET": "inline",
        ])
        #expect(inline.auth.configuration.signIn.upstream?.clientSecret == "inline")
    }

    @Test(arguments: [
        (["--code-lifetime", "5"], [String: String](), "--code-lifetime must be between 10 and 600 seconds"),
        (["--refresh-idle-lifetime", "90000", "--refresh-absolute-lifetime", "3600"], [:], "must not exceed"),
        (["--session-lifetime", "10"], [:], "--session-lifetime"),
        ([], ["MCP_SERVER_METADATA_DOCUMENTS": "maybe"], "MCP_SERVER_METADATA_DOCUMENTS=maybe"),
        (["--no-metadata-documents", "--cimd-allow-private"], [:], "need metadata documents on"),
        (["--oidc-client-id", "x"], [:], "--oidc-client-id needs --oidc-issuer"),
        ([], ["MCP_SERVER_OIDC_ALLOWED_DOMAINS": "example.com"], "--oidc-allowed-domain needs --oidc-issuer"),
        (["--oidc-issuer", "https://id.example.com"], [:], "--oidc-issuer needs --oidc-client-id"),
        (["--oidc-issuer", "http://id.example.com", "--oidc-client-id", "x"], [:], "must use https"),
        (["--oidc-issuer", "https://id.example.com?x=1", "--oidc-client-id", "x"], [:], "without query"),
        (
            ["--oidc-issuer", "https://id.example.com", "--oidc-client-id", "x", "--oidc-client-secret-arn", "a"],
            ["MCP_SERVER_OIDC_CLIENT_SECRET": "b"], "give the OIDC client secret once"
        ),
        (
            ["--oidc-issuer", "https://id.example.com", "--oidc-client-id", "x", "--oidc-client-secret-file", "/nope"],
            [:], "cannot read the OIDC client secret file"
        ),
        (["--oidc-issuer", "https://id.example.com", "--oidc-client-id", "x", "--oidc-scope", "email"], [:], "openid"),
        (
            ["--oidc-issuer", "https://id.example.com", "--oidc-client-id", "x", "--oidc-allowed-group", "g"], [:],
            "--oidc-allowed-group needs --oidc-group-claim"
        ),
        (
            ["--oidc-issuer", "https://id.example.com", "--oidc-client-id", "x", "--oidc-admin-email", "nobody"], [:],
            "--oidc-admin-email takes an email address"
        ),
        (
            ["--oidc-issuer", "https://id.example.com", "--oidc-client-id", "x", "--oidc-allowed-domain", "a b"], [:],
            "--oidc-allowed-domain takes a domain"
        ),
        (["--oidc-ca-file", "/nope"], [:], "--oidc-ca-file needs --oidc-issuer"),
        (
            ["--oidc-issuer", "https://id.example.com", "--oidc-client-id", "x", "--oidc-ca-file", "/nope"], [:],
            "cannot read the --oidc-ca-file file /nope"
        ),
    ])
    func badSettingsAreRefusedInOneClearLine(
        _ arguments: [String],
        _ environment: [String: String],
        _ message: String
    )
        throws
    {
        let command = try ServeCommand.parse(arguments)
        let error = #expect(throws: ValidationError.self) { try command.resolve(environment: environment) }
        #expect(error?.message.contains(message) == true, "\(error?.message ?? "")")
        #expect(error?.message.contains("\n") == false)
    }

    @Test func privateDocumentAddressesAreRefusedOnLambda() throws {
        let command = try ServeCommand.parse(["--cimd-allow-private"])
        let error = #expect(throws: ValidationError.self) {
            try command.resolve(
                environment: ["AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "secret"],
                lambda: true
            )
        }
        #expect(error?.message.contains("refused on Lambda") == true)
    }

    @Test(.childProcesses) func caFilesMustHoldCertificates() async throws {
        let notPEM = try Self.file("not a certificate")
        defer { try? FileManager.default.removeItem(at: notPEM) }
        let command = try ServeCommand.parse(["--cimd-ca-file", notPEM.path])
        let error = #expect(throws: ValidationError.self) { try command.resolve(environment: [:]) }
        #expect(error?.message.contains("holds no PEM certificate") == true)

        let certificates = try await TestCertificates.make()
        defer { certificates.remove() }
        let trusted = try ServeCommand.parse([
            "--cimd-ca-file", certificates.path("ca.pem"), "--oidc-issuer", "https://localhost:9443",
            "--oidc-client-id", "mcp", "--oidc-ca-file", certificates.path("ca.pem"),
        ]).resolve(environment: [:]).auth.configuration.signIn
        let pem = try String(contentsOfFile: certificates.path("ca.pem"), encoding: .utf8)
        #expect(trusted.metadataDocuments?.extraTrustRootsPEM == pem)
        #expect(trusted.upstream?.extraTrustRootsPEM == pem)
    }

    @Test func helpNamesEveryFlagAndItsVariable() {
        let help = ServeCommand.helpMessage(columns: 400)
        for flag in [
            "--code-lifetime", "--refresh-idle-lifetime", "--refresh-absolute-lifetime", "--session-lifetime",
            "--no-metadata-documents", "--cimd-allow-private", "--cimd-ca-file", "--oidc-issuer", "--oidc-client-id",
            "--oidc-client-secret-file", "--oidc-client-secret-arn", "--oidc-scope", "--oidc-allowed-domain",
            "--oidc-allowed-email", "--oidc-group-claim", "--oidc-allowed-group", "--oidc-admin-email", "--oidc-name",
            "--oidc-ca-file", "MCP_SERVER_OIDC_CLIENT_SECRET_ARN", "MCP_SERVER_REFRESH_ABSOLUTE_LIFETIME",
        ] {
            #expect(help.contains(flag), "\(flag)")
        }
        // Defaults printed come from SignInConfiguration.
        #expect(help.contains("(default: \(Int(SignInConfiguration().refreshIdleLifetime.components.seconds)))"))
    }
}
