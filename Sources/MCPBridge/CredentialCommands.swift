import ArgumentParser
import MCPBridgeCore

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// `mcp-bridge register <url>`: registers by DCR now, from a terminal.
struct RegisterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "register",
        abstract: "Register this machine with the server's authorization server (Dynamic Client Registration)."
    )

    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        try await CommandSupport.withOAuth(self.connection) { context, provider in
            if let existing = await provider.current {
                print(
                    "Already registered as \(PrintableText.clean(existing.clientID)) with \(PrintableText.clean(existing.issuer))."
                )
                print(
                    "Credentials: \(context.store.directory.path). Run `mcp-bridge logout \(self.connection.url)` to start over."
                )
                return
            }
            let credentials = try await CommandSupport.obtain(context, provider)
            print(
                "Registered as \(PrintableText.clean(credentials.clientID)) with \(PrintableText.clean(credentials.issuer))."
            )
            print("Credentials saved in \(context.store.directory.path) (mode 0600).")
        }
    }
}

/// `mcp-bridge token <url>`: prints a valid access token.
struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token",
        abstract:
            "Print a valid access token for the server (for curl: -H \"Authorization: Bearer $(mcp-bridge token URL)\")."
    )

    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        try await CommandSupport.withOAuth(self.connection) { context, provider in
            if let token = try await provider.token() {
                print(token)
                return
            }
            let credentials = try await CommandSupport.obtain(context, provider)
            print(credentials.accessToken ?? "")
        }
    }
}

/// `mcp-bridge login <url>`: signs in now, from a terminal, so the client never waits for it.
struct LoginCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "login",
        abstract: "Sign in to the server now (browser, device code or client credentials, as for the relay)."
    )

    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        try await CommandSupport.withOAuth(self.connection) { context, provider in
            let probe = try await ServerProbe.probe(context)
            guard probe.status == 401 else {
                throw CleanExit.message(
                    "The server did not ask for authorization (HTTP \(probe.status)); nothing to do."
                )
            }
            let credentials = try await provider.signInNow(challenge: probe.challenge)
            let who = credentials.account.map { "Signed in as \($0)" } ?? "Signed in"
            print("\(who) to \(credentials.resource) (\(StatusCommand.describeGrant(credentials))).")
            print(
                "Scope: \(StatusCommand.describeScope(credentials)). Token: \(StatusCommand.describeToken(credentials))."
            )
            print("Credentials: \(context.store.directory.path)\(StatusCommand.describeSecrets(credentials)).")
        }
    }
}

/// `mcp-bridge status`: who is signed in where, secrets never shown.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "List known servers: who is signed in, the client, scopes and token expiry (never a secret)."
    )

    func run() async throws {
        let store = CredentialStore(
            directory: CredentialStore.defaultDirectory(environment: ProcessInfo.processInfo.environment)
        )
        let all = store.all()
        print("Credentials: \(store.directory.path)")
        guard !all.isEmpty else {
            print("No servers yet. They appear here after the first connection or `mcp-bridge login <url>`.")
            return
        }
        for credentials in all {
            print("")
            print("server:        \(credentials.resource)")
            print("issuer:        \(PrintableText.clean(credentials.issuer))")
            print("signed in:     \(Self.describeGrant(credentials))")
            print("client id:     \(PrintableText.clean(credentials.clientID)) (\(Self.describeClient(credentials)))")
            print("scope:         \(Self.describeScope(credentials))")
            print("access token:  \(Self.describeToken(credentials))")
            print("refresh token: \(Self.describeRefresh(credentials))")
            print("secrets:       \(Self.describeSecretLocation(credentials))")
        }
    }

    static func describeGrant(_ credentials: StoredCredentials) -> String {
        switch credentials.grant {
        case .clientCredentials: "as this machine's client (client_credentials)"
        case .authorizationCode: "as \(credentials.account ?? "a person") (browser)"
        case .deviceCode: "as \(credentials.account ?? "a person") (device code)"
        }
    }

    static func describeClient(_ credentials: StoredCredentials) -> String {
        let name = credentials.clientName.map { ", \(PrintableText.clean($0))" } ?? ""
        return switch credentials.clientSource {
        case .preRegistered: "pre-registered\(name)"
        case .metadataDocument: "Client ID Metadata Document"
        case .registered: "registered by the bridge\(name)"
        }
    }

    /// The scope as the server granted it, made safe for a terminal (it is the server's text).
    static func describeScope(_ credentials: StoredCredentials) -> String {
        credentials.scope.map { PrintableText.clean($0) } ?? "(none)"
    }

    static func describeToken(_ credentials: StoredCredentials) -> String {
        guard credentials.accessToken != nil else { return "none" }
        guard let expiry = credentials.tokenExpiresAt else { return "stored (no expiry given)" }
        let seconds = Int(expiry.timeIntervalSinceNow)
        if seconds <= 0 { return "expired \(-seconds / 60) min ago (renewed on next use)" }
        return "valid for \(seconds / 60) min \(seconds % 60) s"
    }

    static func describeRefresh(_ credentials: StoredCredentials) -> String {
        if credentials.grant == .clientCredentials { return "not used (a new token is requested)" }
        if credentials.refreshToken != nil || credentials.secretsInSystemStore { return "stored (hidden)" }
        return "none (sign in again when the access token expires)"
    }

    static func describeSecretLocation(_ credentials: StoredCredentials) -> String {
        credentials.secretsInSystemStore ? "in the system's secret store" : "in the credential file (mode 0600)"
    }

    static func describeSecrets(_ credentials: StoredCredentials) -> String {
        credentials.secretsInSystemStore ? "; secrets in the system's secret store" : ""
    }
}

/// `mcp-bridge logout <url>`: revokes the tokens, deletes the registration on the server, removes local files.
struct LogoutCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "logout",
        abstract:
            "Revoke the tokens and delete the registration (where the server allows it), then the local credentials."
    )

    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        try await CommandSupport.withOAuth(self.connection) { _, provider in
            for line in try await provider.signOut() { print(PrintableText.clean(line, limit: 1000)) }
        }
    }
}

enum CommandSupport {
    /// Runs `body` with the context and its token provider; refuses when static headers turned OAuth off.
    static func withOAuth(
        _ options: ConnectionOptions,
        _ body: (BridgeContext, TokenProvider) async throws -> Void
    ) async throws {
        try await options.withContext { context in
            guard case .oauth(let provider) = context.authorizer else {
                throw ValidationError(
                    "an Authorization header is configured, so the bridge does no OAuth for this server"
                )
            }
            try await body(context, provider)
        }
    }

    /// Asks the server for a challenge and goes through discovery, registration and token.
    static func obtain(_ context: BridgeContext, _ provider: TokenProvider) async throws -> StoredCredentials {
        let probe = try await ServerProbe.probe(context)
        guard probe.status == 401 else {
            throw CleanExit.message("The server did not ask for authorization (HTTP \(probe.status)); nothing to do.")
        }
        _ = try await provider.unauthorized(challenge: probe.challenge, sentToken: nil)
        guard let credentials = await provider.current else { throw ValidationError("no credentials were obtained") }
        return credentials
    }
}
