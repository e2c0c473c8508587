import ArgumentParser
import Logging
import MCPCommandLine
import MCPServerAWS
import MCPServerCore
import MCPWire

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The authorization flags of `serve`.
struct AuthOptions: ParsableArguments {
    /// The defaults the options name: the authorization server's own.
    private static let defaults = AuthConfiguration()

    @Option(
        help:
            "jwt: /mcp needs a token from this server; none: no authentication (local development only). (env: MCP_SERVER_AUTH)"
    )
    var auth: OptionValue<AuthMode> = .default(.jwt)

    @Option(
        help: """
            Who may register clients at /dcr that get tokens without a person (client_credentials). \
            (env: MCP_SERVER_REGISTRATION)
            """
    )
    var registration: OptionValue<AuthConfiguration.RegistrationPolicy> = .default(Self.defaults.registration)

    @Option(
        help: """
            Who may register clients at /dcr that only sign people in (authorization_code, refresh_token): \
            MCP hosts such as Cursor and VS Code. (env: MCP_SERVER_SIGN_IN_REGISTRATION)
            """
    )
    var signInRegistration: OptionValue<AuthConfiguration.RegistrationPolicy> = .default(
        Self.defaults.signInRegistration
    )

    @Option(
        help: """
            File holding the initial access token that --registration token requires. \
            (env: MCP_SERVER_REGISTRATION_TOKEN_FILE, or the token itself in MCP_SERVER_REGISTRATION_TOKEN)
            """
    )
    var registrationTokenFile: String?

    @Option(
        help: """
            AWS Secrets Manager secret (name or ARN) holding the initial access token, instead of a file; read once \
            at start. (env: MCP_SERVER_REGISTRATION_TOKEN_SECRET)
            """
    )
    var registrationTokenSecret: String?

    @Option(help: "Access token lifetime in seconds, 10-86400. (env: MCP_SERVER_TOKEN_TTL)")
    var tokenTTL: OptionValue<Int> = .default(Self.defaults.tokenLifetimeSeconds)

    @Option(
        help: """
            PEM file with the ES256 private key that signs tokens, instead of the key kept in the database. \
            (env: MCP_SERVER_SIGNING_KEY_FILE, or the PEM itself in MCP_SERVER_SIGNING_KEY)
            """
    )
    var signingKeyFile: String?

    @Option(
        help: """
            AWS Secrets Manager secret (name or ARN) holding the signing key: a PEM, or a random string of 32+ \
            characters the key is derived from. Read once at start. (env: MCP_SERVER_SIGNING_KEY_SECRET)
            """
    )
    var signingKeySecret: String?

    @Option(
        help: """
            File with a shared secret (32+ bytes) to sign tokens with HS256 instead of ES256. Weaker: whoever can \
            verify can forge, and /jwks.json stays empty. (env: MCP_SERVER_HS256_SECRET_FILE, or MCP_SERVER_HS256_SECRET)
            """
    )
    var hs256SecretFile: String?

    @Option(help: "Registrations per IP address per minute. (env: MCP_SERVER_REGISTRATION_RATE_LIMIT)")
    var registrationRateLimit: OptionValue<Int> = .default(Self.defaults.registrationsPerMinutePerIP)

    @Option(help: "Failed token requests per IP address per minute. (env: MCP_SERVER_TOKEN_RATE_LIMIT)")
    var tokenRateLimit: OptionValue<Int> = .default(Self.defaults.tokenFailuresPerMinutePerIP)

    @Option(help: "Token requests per client per minute. (env: MCP_SERVER_CLIENT_TOKEN_RATE_LIMIT)")
    var clientTokenRateLimit: OptionValue<Int> = .default(Self.defaults.tokenRequestsPerMinutePerClient)

    func resolve(environment: [String: String]) throws -> AuthSettings {
        let variables = EnvironmentVariables(environment)
        let mode = try variables.resolve(self.auth, env: "MCP_SERVER_AUTH")
        let policy = try variables.resolve(self.registration, env: "MCP_SERVER_REGISTRATION")
        let signInPolicy = try variables.resolve(self.signInRegistration, env: "MCP_SERVER_SIGN_IN_REGISTRATION")
        let needsToken = policy == .token || signInPolicy == .token
        let registrationToken = try Self.secret(
            file: try variables.resolve(self.registrationTokenFile, env: "MCP_SERVER_REGISTRATION_TOKEN_FILE"),
            inline: variables["MCP_SERVER_REGISTRATION_TOKEN"],
            name: "registration token"
        )
        let registrationTokenSecret = try variables.resolve(
            self.registrationTokenSecret,
            env: "MCP_SERVER_REGISTRATION_TOKEN_SECRET"
        )
        if registrationToken != nil, registrationTokenSecret != nil {
            throw ValidationError("give the initial access token or its Secrets Manager secret, not both")
        }
        if needsToken, registrationTokenSecret == nil {
            guard let registrationToken, registrationToken.utf8.count >= 16 else {
                throw ValidationError(
                    "the token registration policy needs an initial access token of 16+ characters "
                        + "(MCP_SERVER_REGISTRATION_TOKEN)"
                )
            }
        }
        let ttl = try variables.resolve(self.tokenTTL, env: "MCP_SERVER_TOKEN_TTL")
        guard (10...86400).contains(ttl) else {
            throw ValidationError("--token-ttl must be between 10 and 86400 seconds")
        }
        let signingKey = try Self.secret(
            file: try variables.resolve(self.signingKeyFile, env: "MCP_SERVER_SIGNING_KEY_FILE"),
            inline: variables["MCP_SERVER_SIGNING_KEY"],
            name: "signing key"
        )
        let sharedSecret = try Self.secret(
            file: try variables.resolve(self.hs256SecretFile, env: "MCP_SERVER_HS256_SECRET_FILE"),
            inline: variables["MCP_SERVER_HS256_SECRET"],
            name: "HS256 secret"
        )
        let keySecret = try variables.resolve(self.signingKeySecret, env: "MCP_SERVER_SIGNING_KEY_SECRET")
        if [signingKey != nil, sharedSecret != nil, keySecret != nil].filter({ $0 }).count > 1 {
            throw ValidationError("give one of a signing key, a signing-key secret or an HS256 secret, not several")
        }
        if let sharedSecret, sharedSecret.utf8.count < 32 {
            throw ValidationError("the HS256 secret must be at least 32 bytes")
        }
        let limits = try [
            ("--registration-rate-limit", self.registrationRateLimit, "MCP_SERVER_REGISTRATION_RATE_LIMIT"),
            ("--token-rate-limit", self.tokenRateLimit, "MCP_SERVER_TOKEN_RATE_LIMIT"),
            ("--client-token-rate-limit", self.clientTokenRateLimit, "MCP_SERVER_CLIENT_TOKEN_RATE_LIMIT"),
        ].map { name, option, env in
            let value = try variables.resolve(option, env: env)
            guard value >= 1 else { throw ValidationError("\(name) must be at least 1") }
            return value
        }
        var source = KeyRing.Source.store
        if let signingKey {
            do {
                source = try SigningKeySecret.keySource(from: signingKey)
            } catch {
                throw ValidationError("\(error)")
            }
        }
        if let sharedSecret { source = .sharedSecret(sharedSecret) }
        return AuthSettings(
            configuration: AuthConfiguration(
                enabled: mode == .jwt,
                registration: policy,
                signInRegistration: signInPolicy,
                initialAccessTokenHash: registrationToken.map(SecretToken.hash),
                tokenLifetime: .seconds(ttl),
                registrationsPerMinutePerIP: limits[0],
                tokenFailuresPerMinutePerIP: limits[1],
                tokenRequestsPerMinutePerClient: limits[2]
            ),
            keySource: source,
            keySecretID: keySecret,
            registrationTokenSecretID: needsToken ? registrationTokenSecret : nil
        )
    }

    /// Reads a secret from a file (trimmed) or takes the inline environment value.
    private static func secret(file: String?, inline: String?, name: String) throws -> String? {
        if let file {
            guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
                throw ValidationError("cannot read the \(name) file \(file)")
            }
            return text.trimmingWhitespace()
        }
        return inline
    }

    /// The authorization server for `serve`, or `nil` (with a warning) for `--auth none`.
    func makeAuthorizationServer(
        settings: AuthSettings,
        store: any ServerStore,
        logger: Logger
    )
        async throws -> AuthorizationServer?
    {
        guard settings.configuration.enabled else {
            logger.warning(
                "Authentication is OFF (--auth none): anyone who can reach this server can use it. For local development only."
            )
            return nil
        }
        if case .sharedSecret = settings.keySource {
            logger.warning("Signing tokens with HS256: anyone holding the secret can forge tokens; prefer ES256")
        }
        var source = settings.keySource
        if let secretID = settings.keySecretID {
            source = try await Self.keySource(secretID: secretID, logger: logger)
        }
        var configuration = settings.configuration
        if let secretID = settings.registrationTokenSecretID {
            let token = try await Self.secretString(
                secretID: secretID,
                purpose: "reading the registration-token secret",
                logger: logger
            ).trimmingWhitespace()
            guard token.utf8.count >= 16 else {
                throw ValidationError("the initial access token in \(secretID) is shorter than 16 characters")
            }
            configuration.initialAccessTokenHash = SecretToken.hash(token)
        }
        if let secretID = settings.upstreamSecretID {
            let secret = try await Self.secretString(
                secretID: secretID,
                purpose: "reading the OIDC client secret",
                logger: logger
            ).trimmingWhitespace()
            guard !secret.isEmpty else { throw ValidationError("the OIDC client secret in \(secretID) is empty") }
            configuration.signIn.upstream?.clientSecret = secret
        }
        let keyRing = try await KeyRing.load(
            source: source,
            store: store,
            tokenLifetime: configuration.tokenLifetime,
            logger: logger
        )
        return AuthorizationServer(
            configuration: configuration,
            store: store,
            keyRing: keyRing,
            documents: try configuration.signIn.metadataDocuments.map { try ClientMetadataDocumentFetcher(policy: $0) },
            upstream: try configuration.signIn.upstream.map { upstream in
                logger.info(
                    "People sign in at an upstream OpenID provider",
                    metadata: ["issuer": "\(upstream.issuer)", "client_id": "\(upstream.clientID)"]
                )
                return try UpstreamOIDCProvider(
                    configuration: upstream,
                    store: store,
                    loginLifetime: configuration.signIn.loginLifetime,
                    logger: logger
                )
            }
        )
    }

    /// Reads the signing key from Secrets Manager, with AWS's conventions for region, credentials and endpoint.
    static func keySource(
        secretID: String,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        logger: Logger
    ) async throws -> KeyRing.Source {
        let text = try await Self.secretString(
            secretID: secretID,
            purpose: "reading the signing-key secret",
            environment: environment,
            logger: logger
        )
        return try SigningKeySecret.keySource(from: text)
    }

    /// Reads a secret with AWS's conventions for region, credentials and endpoint.
    static func secretString(
        secretID: String,
        purpose: String,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        logger: Logger
    ) async throws -> String {
        let aws: AWSServiceConfiguration
        do {
            aws = try AWSServiceConfiguration.fromEnvironment(
                .secretsManager,
                environment: environment,
                purpose: purpose
            )
        } catch {
            throw ValidationError(error.description)
        }
        let text = try await SecretsManagerClient(client: aws.client(logger: logger)).secretString(id: secretID)
        logger.info("Read a secret from Secrets Manager", metadata: ["secret": "\(secretID)", "purpose": "\(purpose)"])
        return text
    }
}

/// Authorization settings after flags and environment are resolved.
struct AuthSettings: Sendable {
    var configuration: AuthConfiguration
    var keySource: KeyRing.Source
    /// Secrets Manager secret to read the signing key from at start (it replaces ``keySource``).
    var keySecretID: String?
    /// Secrets Manager secret holding the initial access token of `--registration token`, read at start.
    var registrationTokenSecretID: String?
    /// Secrets Manager secret holding the upstream OpenID provider's client secret, read at start.
    var upstreamSecretID: String? = nil
}
