import ArgumentParser
import MCPCommandLine
import MCPServerCore
import MCPWire
import NIOSSL

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The flags of `serve` for signing people in: lifetimes of codes, refresh tokens and browser sessions, Client ID
/// Metadata Documents, and the upstream OpenID Connect provider. Each default is ``SignInConfiguration``'s; on
/// Lambda the same `MCP_SERVER_*` variables set them.
struct SignInOptions: ParsableArguments {
    /// The defaults the options name.
    private static let defaults = SignInConfiguration()
    private static let upstreamDefaults = UpstreamProviderConfiguration(issuer: "", clientID: "")

    @Option(help: "Seconds an authorization code may wait to be redeemed, 10-600. (env: MCP_SERVER_CODE_LIFETIME)")
    var codeLifetime: OptionValue<Int> = .default(Self.seconds(Self.defaults.codeLifetime))

    @Option(
        help: """
            Seconds a refresh token may go unused before the sign-in ends, 300-31536000. \
            (env: MCP_SERVER_REFRESH_IDLE_LIFETIME)
            """
    )
    var refreshIdleLifetime: OptionValue<Int> = .default(Self.seconds(Self.defaults.refreshIdleLifetime))

    @Option(
        help: """
            Seconds after sign-in when refreshing stops however often it is used, 300-31536000; at least the idle \
            lifetime. (env: MCP_SERVER_REFRESH_ABSOLUTE_LIFETIME)
            """
    )
    var refreshAbsoluteLifetime: OptionValue<Int> = .default(Self.seconds(Self.defaults.refreshAbsoluteLifetime))

    @Option(
        help: """
            Seconds a browser stays signed in to this server's sign-in pages, 300-2592000. \
            (env: MCP_SERVER_SESSION_LIFETIME)
            """
    )
    var sessionLifetime: OptionValue<Int> = .default(Self.seconds(Self.defaults.sessionLifetime))

    @Option(
        help: "Password sign-in attempts per person per minute. (env: MCP_SERVER_SIGN_IN_RATE_LIMIT)"
    )
    var signInRateLimit: OptionValue<Int> = .default(Self.defaults.loginAttemptsPerMinutePerPerson)

    @Option(
        help: "Password sign-in attempts per IP address per minute. (env: MCP_SERVER_SIGN_IN_IP_RATE_LIMIT)"
    )
    var signInIPRateLimit: OptionValue<Int> = .default(Self.defaults.loginAttemptsPerMinutePerIP)

    @Option(
        help: """
            Sign-ins sent to the upstream provider per IP address per minute. \
            (env: MCP_SERVER_UPSTREAM_SIGN_IN_RATE_LIMIT)
            """
    )
    var upstreamSignInRateLimit: OptionValue<Int> = .default(Self.defaults.upstreamSignInsPerMinutePerIP)

    @Flag(
        help: """
            Treat a client_id that is an https URL as an unknown client instead of fetching its Client ID Metadata \
            Document. (env: MCP_SERVER_METADATA_DOCUMENTS=off)
            """
    )
    var noMetadataDocuments = false

    @Flag(
        help: """
            Fetch Client ID Metadata Documents from private, loopback and link-local addresses too. For tests only; \
            refused on Lambda. (env: MCP_SERVER_CIMD_ALLOW_PRIVATE=true)
            """
    )
    var cimdAllowPrivate = false

    @Option(
        help: """
            PEM file of CA certificates trusted, besides the system's, for Client ID Metadata Document hosts. \
            (env: MCP_SERVER_CIMD_CA_FILE)
            """
    )
    var cimdCAFile: String?

    @Option(
        help: """
            Issuer of an OpenID Connect provider people sign in with (Cognito, Okta, Entra ID, Google, Keycloak); \
            https, or http on a loopback address. Without it, people sign in with the passwords of \
            mcp-server users. (env: MCP_SERVER_OIDC_ISSUER)
            """
    )
    var oidcIssuer: String?

    @Option(help: "This server's client id at the provider. (env: MCP_SERVER_OIDC_CLIENT_ID)")
    var oidcClientID: String?

    @Option(
        help: """
            File holding the client secret at the provider; without any secret the server is a public client \
            there (PKCE only). (env: MCP_SERVER_OIDC_CLIENT_SECRET_FILE, or the secret itself in \
            MCP_SERVER_OIDC_CLIENT_SECRET)
            """
    )
    var oidcClientSecretFile: String?

    @Option(
        help: """
            AWS Secrets Manager secret (name or ARN) holding the client secret, instead of a file; read once at \
            start. (env: MCP_SERVER_OIDC_CLIENT_SECRET_ARN)
            """
    )
    var oidcClientSecretArn: String?

    @Option(help: "Space-separated scopes asked of the provider. (env: MCP_SERVER_OIDC_SCOPE)")
    var oidcScope: OptionValue<String> = .default(Self.upstreamDefaults.scopes.joined(separator: " "))

    @Option(
        name: .customLong("oidc-allowed-domain"),
        help: """
            Only people whose verified email is in this domain may sign in; repeatable. \
            (env: MCP_SERVER_OIDC_ALLOWED_DOMAINS, comma-separated; default: everybody the provider signs in)
            """
    )
    var oidcAllowedDomains: [String] = []

    @Option(
        name: .customLong("oidc-allowed-email"),
        help: """
            Only this verified email may sign in (with --oidc-allowed-domain: either admits); repeatable. \
            (env: MCP_SERVER_OIDC_ALLOWED_EMAILS, comma-separated)
            """
    )
    var oidcAllowedEmails: [String] = []

    @Option(
        help: """
            The ID token claim listing a person's groups (cognito:groups for Cognito, groups elsewhere). \
            (env: MCP_SERVER_OIDC_GROUP_CLAIM)
            """
    )
    var oidcGroupClaim: String?

    @Option(
        name: .customLong("oidc-allowed-group"),
        help: """
            Only people in this group (per --oidc-group-claim) may sign in; repeatable. \
            (env: MCP_SERVER_OIDC_ALLOWED_GROUPS, comma-separated)
            """
    )
    var oidcAllowedGroups: [String] = []

    @Option(
        name: .customLong("oidc-admin-email"),
        help: """
            People who sign in with this verified email are admins; repeatable. \
            (env: MCP_SERVER_OIDC_ADMIN_EMAILS, comma-separated)
            """
    )
    var oidcAdminEmails: [String] = []

    @Option(help: "The provider's name on the sign-in page (\"Sign in with …\"). (env: MCP_SERVER_OIDC_NAME)")
    var oidcName: OptionValue<String> = .default(Self.upstreamDefaults.displayName)

    @Option(
        help:
            "PEM file of CA certificates trusted, besides the system's, for the provider. (env: MCP_SERVER_OIDC_CA_FILE)"
    )
    var oidcCAFile: String?

    /// What the flags and environment say, checked.
    /// - Parameter lambda: Lambda mode, where private addresses stay refused for metadata documents (the function's
    ///   own Runtime API listens on a loopback address).
    func resolve(environment: [String: String], lambda: Bool = false) throws -> SignInSettings {
        let variables = EnvironmentVariables(environment)
        var configuration = SignInConfiguration()
        configuration.codeLifetime = .seconds(
            try Self.value(variables, self.codeLifetime, "MCP_SERVER_CODE_LIFETIME", "--code-lifetime", in: 10...600)
        )
        let idle = try Self.value(
            variables,
            self.refreshIdleLifetime,
            "MCP_SERVER_REFRESH_IDLE_LIFETIME",
            "--refresh-idle-lifetime",
            in: 300...31_536_000
        )
        let absolute = try Self.value(
            variables,
            self.refreshAbsoluteLifetime,
            "MCP_SERVER_REFRESH_ABSOLUTE_LIFETIME",
            "--refresh-absolute-lifetime",
            in: 300...31_536_000
        )
        guard idle <= absolute else {
            throw ValidationError(
                "--refresh-idle-lifetime (\(idle) s) must not exceed --refresh-absolute-lifetime (\(absolute) s)"
            )
        }
        configuration.refreshIdleLifetime = .seconds(idle)
        configuration.refreshAbsoluteLifetime = .seconds(absolute)
        configuration.sessionLifetime = .seconds(
            try Self.value(
                variables,
                self.sessionLifetime,
                "MCP_SERVER_SESSION_LIFETIME",
                "--session-lifetime",
                in: 300...2_592_000
            )
        )
        configuration.loginAttemptsPerMinutePerPerson = try Self.value(
            variables,
            self.signInRateLimit,
            "MCP_SERVER_SIGN_IN_RATE_LIMIT",
            "--sign-in-rate-limit",
            in: 1...Int(Int32.max),
            unit: ""
        )
        configuration.loginAttemptsPerMinutePerIP = try Self.value(
            variables,
            self.signInIPRateLimit,
            "MCP_SERVER_SIGN_IN_IP_RATE_LIMIT",
            "--sign-in-ip-rate-limit",
            in: 1...Int(Int32.max),
            unit: ""
        )
        configuration.upstreamSignInsPerMinutePerIP = try Self.value(
            variables,
            self.upstreamSignInRateLimit,
            "MCP_SERVER_UPSTREAM_SIGN_IN_RATE_LIMIT",
            "--upstream-sign-in-rate-limit",
            in: 1...Int(Int32.max),
            unit: ""
        )
        configuration.metadataDocuments = try self.metadataDocuments(variables, lambda: lambda)
        let upstream = try self.upstream(variables)
        configuration.upstream = upstream?.configuration
        return SignInSettings(configuration: configuration, upstreamSecretID: upstream?.secretID)
    }

    private func metadataDocuments(_ variables: EnvironmentVariables, lambda: Bool) throws -> MetadataDocumentPolicy? {
        let enabled = try !self.noMetadataDocuments && Self.bool(variables, "MCP_SERVER_METADATA_DOCUMENTS") != false
        let allowPrivate = try self.cimdAllowPrivate || Self.bool(variables, "MCP_SERVER_CIMD_ALLOW_PRIVATE") == true
        let caFile = try variables.resolve(self.cimdCAFile, env: "MCP_SERVER_CIMD_CA_FILE")
        guard enabled else {
            if allowPrivate || caFile != nil {
                throw ValidationError("--cimd-allow-private and --cimd-ca-file need metadata documents on")
            }
            return nil
        }
        if allowPrivate, lambda {
            throw ValidationError("--cimd-allow-private is for tests and is refused on Lambda")
        }
        var policy = MetadataDocumentPolicy()
        policy.allowPrivateAddresses = allowPrivate
        policy.extraTrustRootsPEM = try caFile.map { try Self.certificates(file: $0, flag: "--cimd-ca-file") }
        return policy
    }

    private func upstream(
        _ variables: EnvironmentVariables
    ) throws -> (configuration: UpstreamProviderConfiguration, secretID: String?)? {
        let issuer = try variables.resolve(self.oidcIssuer, env: "MCP_SERVER_OIDC_ISSUER")
        let clientID = try variables.resolve(self.oidcClientID, env: "MCP_SERVER_OIDC_CLIENT_ID")
        let secretFile = try variables.resolve(self.oidcClientSecretFile, env: "MCP_SERVER_OIDC_CLIENT_SECRET_FILE")
        let inlineSecret = variables["MCP_SERVER_OIDC_CLIENT_SECRET"]
        let secretID = try variables.resolve(self.oidcClientSecretArn, env: "MCP_SERVER_OIDC_CLIENT_SECRET_ARN")
        let groupClaim = try variables.resolve(self.oidcGroupClaim, env: "MCP_SERVER_OIDC_GROUP_CLAIM")
        let caFile = try variables.resolve(self.oidcCAFile, env: "MCP_SERVER_OIDC_CA_FILE")
        let domains = variables.list(self.oidcAllowedDomains, env: "MCP_SERVER_OIDC_ALLOWED_DOMAINS")
        let emails = variables.list(self.oidcAllowedEmails, env: "MCP_SERVER_OIDC_ALLOWED_EMAILS")
        let groups = variables.list(self.oidcAllowedGroups, env: "MCP_SERVER_OIDC_ALLOWED_GROUPS")
        let admins = variables.list(self.oidcAdminEmails, env: "MCP_SERVER_OIDC_ADMIN_EMAILS")
        guard let issuer else {
            let given = [
                ("--oidc-client-id", clientID != nil), ("--oidc-client-secret-file", secretFile != nil),
                ("MCP_SERVER_OIDC_CLIENT_SECRET", inlineSecret != nil), ("--oidc-client-secret-arn", secretID != nil),
                ("--oidc-group-claim", groupClaim != nil), ("--oidc-ca-file", caFile != nil),
                ("--oidc-allowed-domain", !domains.isEmpty), ("--oidc-allowed-email", !emails.isEmpty),
                ("--oidc-allowed-group", !groups.isEmpty), ("--oidc-admin-email", !admins.isEmpty),
            ]
            if let flag = given.first(where: \.1)?.0 { throw ValidationError("\(flag) needs --oidc-issuer") }
            return nil
        }
        try Self.checkIssuer(issuer)
        guard let clientID, !clientID.isEmpty else { throw ValidationError("--oidc-issuer needs --oidc-client-id") }
        if [secretFile != nil, inlineSecret != nil, secretID != nil].filter({ $0 }).count > 1 {
            throw ValidationError("give the OIDC client secret once: a file, MCP_SERVER_OIDC_CLIENT_SECRET or an ARN")
        }
        var secret = inlineSecret
        if let secretFile {
            guard let text = try? String(contentsOfFile: secretFile, encoding: .utf8) else {
                throw ValidationError("cannot read the OIDC client secret file \(secretFile)")
            }
            secret = text.trimmingWhitespace()
        }
        if let secret, secret.isEmpty { throw ValidationError("the OIDC client secret is empty") }
        let scopes = OAuthScope.parse(try variables.resolve(self.oidcScope, env: "MCP_SERVER_OIDC_SCOPE"))
        guard scopes.contains("openid") else { throw ValidationError("--oidc-scope must include openid") }
        if !groups.isEmpty, groupClaim == nil {
            throw ValidationError("--oidc-allowed-group needs --oidc-group-claim (cognito:groups, groups)")
        }
        let configuration = UpstreamProviderConfiguration(
            issuer: issuer,
            clientID: clientID,
            clientSecret: secret,
            scopes: scopes,
            allowedDomains: try domains.map(Self.domain),
            allowedEmails: try emails.map { try Self.email($0, flag: "--oidc-allowed-email") },
            groupClaim: groupClaim,
            allowedGroups: groups,
            adminEmails: try admins.map { try Self.email($0, flag: "--oidc-admin-email") },
            displayName: try variables.resolve(self.oidcName, env: "MCP_SERVER_OIDC_NAME"),
            extraTrustRootsPEM: try caFile.map { try Self.certificates(file: $0, flag: "--oidc-ca-file") }
        )
        return (configuration, secretID)
    }

    /// https, or http on a loopback address (a provider run by the tests); no query or fragment (OIDC Discovery
    /// §3: the issuer is a URL with those left out).
    private static func checkIssuer(_ text: String) throws {
        guard let components = URLComponents(string: text), let host = components.host, !host.isEmpty,
            components.query == nil, components.fragment == nil, components.user == nil
        else { throw ValidationError("--oidc-issuer must be an https URL without query or fragment: \(text)") }
        let bare = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        let loopback = host == "localhost" || IPAddress(bare)?.isLoopback == true
        guard components.scheme == "https" || (components.scheme == "http" && loopback) else {
            throw ValidationError("--oidc-issuer must use https (http only on a loopback address): \(text)")
        }
    }

    private static func domain(_ text: String) throws -> String {
        var domain = text.lowercased()
        if domain.hasPrefix("@") { domain.removeFirst() }
        guard !domain.isEmpty, !domain.contains("@"), !domain.contains(" "), domain.contains(".") else {
            throw ValidationError("--oidc-allowed-domain takes a domain such as example.com: \(text)")
        }
        return domain
    }

    private static func email(_ text: String, flag: String) throws -> String {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), !text.contains(" ") else {
            throw ValidationError("\(flag) takes an email address: \(text)")
        }
        // Domains are case-insensitive and so, at every provider we know, are local parts.
        return text.lowercased()
    }

    /// The PEM text of `file`, which must hold at least one certificate.
    private static func certificates(file: String, flag: String) throws -> String {
        guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
            throw ValidationError("cannot read the \(flag) file \(file)")
        }
        guard let certificates = try? NIOSSLCertificate.fromPEMBytes(Array(text.utf8)), !certificates.isEmpty else {
            throw ValidationError("\(flag) \(file) holds no PEM certificate")
        }
        return text
    }

    private static func value(
        _ variables: EnvironmentVariables,
        _ option: OptionValue<Int>,
        _ env: String,
        _ flag: String,
        in range: ClosedRange<Int>,
        unit: String = " seconds"
    ) throws -> Int {
        let value = try variables.resolve(option, env: env)
        guard range.contains(value) else {
            throw ValidationError("\(flag) must be between \(range.lowerBound) and \(range.upperBound)\(unit)")
        }
        return value
    }

    /// A yes/no variable; `nil` when unset.
    private static func bool(_ variables: EnvironmentVariables, _ name: String) throws -> Bool? {
        guard let text = variables[name]?.lowercased() else { return nil }
        if ["true", "on", "1", "yes"].contains(text) { return true }
        if ["false", "off", "0", "no"].contains(text) { return false }
        throw ValidationError("\(name)=\(text) is not one of on, off, true, false")
    }

    private static func seconds(_ duration: Duration) -> Int { Int(duration.components.seconds) }
}

/// Sign-in settings after flags and environment are resolved.
struct SignInSettings: Sendable {
    var configuration: SignInConfiguration
    /// Secrets Manager secret holding the upstream client secret, read at start into
    /// ``UpstreamProviderConfiguration/clientSecret``.
    var upstreamSecretID: String?
}
