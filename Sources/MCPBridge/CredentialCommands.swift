import ArgumentParser
import Foundation
import MCPBridgeCore

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
                print("Already registered as \(existing.clientID) with \(existing.issuer).")
                print(
                    "Credentials: \(context.store.directory.path). Run `mcp-bridge logout \(self.connection.url)` to start over."
                )
                return
            }
            let credentials = try await CommandSupport.obtain(context, provider)
            print("Registered as \(credentials.clientID) with \(credentials.issuer).")
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

/// `mcp-bridge status`: what is stored, secrets redacted.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "List known servers, their client ids and token expiry (secrets are never shown)."
    )

    func run() async throws {
        let store = CredentialStore(
            directory: CredentialStore.defaultDirectory(environment: ProcessInfo.processInfo.environment)
        )
        let all = store.all()
        print("Credentials: \(store.directory.path)")
        guard !all.isEmpty else {
            print("No servers yet. They appear here after the first connection or `mcp-bridge register <url>`.")
            return
        }
        for credentials in all {
            print("")
            print("server:        \(credentials.resource)")
            print("issuer:        \(credentials.issuer)")
            print("client id:     \(credentials.clientID)\(credentials.clientName.map { " (\($0))" } ?? "")")
            print("client secret: \(credentials.clientSecret == nil ? "none" : "stored (hidden)")")
            print("scope:         \(credentials.scope ?? "(none)")")
            print("token:         \(Self.describeToken(credentials))")
        }
    }

    static func describeToken(_ credentials: StoredCredentials) -> String {
        guard credentials.accessToken != nil else { return "none" }
        guard let expiry = credentials.tokenExpiresAt else { return "stored (no expiry given)" }
        let seconds = Int(expiry.timeIntervalSinceNow)
        if seconds <= 0 { return "expired \(-seconds / 60) min ago (renewed on next use)" }
        return "valid for \(seconds / 60) min \(seconds % 60) s"
    }
}

/// `mcp-bridge logout <url>`: deletes the registration on the server (RFC 7592) and the local credentials.
struct LogoutCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "logout",
        abstract: "Delete the registration on the server (when it allows it) and the stored credentials."
    )

    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        try await self.connection.withContext { context in try await Self.logout(context) }
    }

    static func logout(_ context: BridgeContext) async throws {
        let settings = context.settings
        let found = context.store.credentials(forResource: settings.serverURL.absoluteString)
        guard !found.isEmpty else {
            print("No credentials stored for \(settings.serverURL.absoluteString).")
            return
        }
        for credentials in found {
            if let uri = credentials.registrationClientURI, let token = credentials.registrationAccessToken {
                do {
                    let status = try await context.oauth.deleteRegistration(uri: uri, accessToken: token)
                    switch status {
                    case 204, 200: print("Deleted client \(credentials.clientID) on the server.")
                    case 401, 404: print("The server no longer knows client \(credentials.clientID) (HTTP \(status)).")
                    default:
                        print(
                            "The server refused to delete client \(credentials.clientID) (HTTP \(status)); removing it locally."
                        )
                    }
                } catch {
                    print(
                        "Could not reach the server to delete client \(credentials.clientID) (\(error)); removing it locally."
                    )
                }
            } else {
                print("The server gave no way to delete client \(credentials.clientID); removing it locally.")
            }
            try context.store.remove(issuer: credentials.issuer, resource: credentials.resource)
        }
        print("Removed the stored credentials for \(settings.serverURL.absoluteString).")
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
