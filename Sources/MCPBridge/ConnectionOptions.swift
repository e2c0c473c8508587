import ArgumentParser
import Logging
import MCPBridgeCore
import MCPCommandLine
import NIOCore

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The options every command that talks to a server shares.
struct ConnectionOptions: ParsableArguments {
    @Argument(help: "The MCP endpoint URL, for example https://mcp.example.com/mcp.")
    var url: String

    @Option(
        name: .customLong("header"),
        help: ArgumentHelp(
            "An HTTP header for every request, as \"Name: value\"; ${VAR} is replaced from the environment. Repeatable.",
            valueName: "header"
        )
    )
    var headers: [String] = []

    @Option(help: "A file of \"Name: value\" header lines (keeps secrets out of the process list).")
    var headerFile: String?

    @Option(
        help: "auto tries Streamable HTTP, then legacy SSE; http and sse use only that one. (env: MCP_BRIDGE_TRANSPORT)"
    )
    var transport: OptionValue<TransportChoice> = .default(.auto)

    @Option(
        name: .customLong("protocol"),
        help: """
            The server's MCP era: auto finds out (cached per server) and translates when the client speaks the other \
            one; legacy (2025-11-25 and earlier) and modern (2026-07-28) force it. (env: MCP_BRIDGE_PROTOCOL)
            """
    )
    var protocolChoice: OptionValue<ProtocolChoice> = .default(.auto)

    @Option(help: "Seconds the server may stay silent before a request fails. (env: MCP_BRIDGE_TIMEOUT)")
    var timeout: OptionValue<Int> = .default(Int(NetworkSettings.defaultTimeoutSeconds))

    @Option(help: "A PEM file of extra CA certificates, for TLS-inspecting proxies. (env: MCP_BRIDGE_CA_FILE)")
    var caFile: String?

    @Option(
        help: """
            PEM certificate to present to the server (mutual TLS; tokens are bound to it where the server offers \
            that). (env: MCP_BRIDGE_CLIENT_CERT)
            """
    )
    var clientCert: String?

    @Option(help: "PEM private key of --client-cert. (env: MCP_BRIDGE_CLIENT_KEY)")
    var clientKey: String?

    @Flag(help: "Allow plain http:// to hosts other than this machine (tokens would travel unencrypted).")
    var allowHTTP = false

    @Option(help: "The client_name to register with. (default: \"mcp-bridge on HOSTNAME\")")
    var clientName: String?

    @Option(help: "The OAuth scope to ask for (default: what the server's challenge or metadata names).")
    var scope: String?

    @Option(help: "Renew tokens this many seconds before they expire.")
    var refreshMargin: Int = BridgeSettings.defaultRefreshMarginSeconds

    @Option(
        help: ArgumentHelp(
            "The initial access token the server asks for at registration. Visible to other users in the process list: prefer --registration-token-file or the environment. (env: MCP_BRIDGE_REGISTRATION_TOKEN)",
            valueName: "token"
        )
    )
    var registrationToken: String?

    @Option(
        help: "A file holding the initial access token for registration. (env: MCP_BRIDGE_REGISTRATION_TOKEN_FILE)"
    )
    var registrationTokenFile: String?

    @Option(
        help: """
            The largest message accepted from the client or the server, in bytes: a stdin line, a JSON answer, an \
            SSE line or event. (env: MCP_BRIDGE_MAX_MESSAGE_BYTES)
            """
    )
    var maxMessageBytes: OptionValue<Int> = .default(BridgeSettings.defaultMaxMessageBytes)

    @Option(help: "The least severe level logged; logs go to stderr. (env: MCP_BRIDGE_LOG)")
    var logLevel: OptionValue<LogLevel> = .default(.info)

    @OptionGroup(title: "Signing in")
    var signIn: SignInOptions

    /// The validated settings.
    func settings(environment: [String: String]) throws -> BridgeSettings {
        guard let serverURL = URL(string: self.url), serverURL.scheme != nil, serverURL.host != nil else {
            throw ValidationError(
                "\(self.url) is not an absolute URL (expected something like https://mcp.example.com/mcp)"
            )
        }
        let variables = EnvironmentVariables(environment)
        var headers = try self.headers.map { try HeaderParser.parse($0, environment: environment) }
        if let headerFile { headers += try HeaderParser.parseFile(headerFile, environment: environment) }
        let transport = try variables.resolve(self.transport, env: "MCP_BRIDGE_TRANSPORT")
        let protocolChoice = try variables.resolve(self.protocolChoice, env: "MCP_BRIDGE_PROTOCOL")
        let timeoutSeconds = try variables.resolve(self.timeout, env: "MCP_BRIDGE_TIMEOUT")
        guard timeoutSeconds >= 1 else { throw ValidationError("--timeout must be at least 1 second") }
        let margin = self.refreshMargin
        guard margin >= 0 else { throw ValidationError("--refresh-margin cannot be negative") }
        let maxMessageBytes = try variables.resolve(self.maxMessageBytes, env: "MCP_BRIDGE_MAX_MESSAGE_BYTES")
        guard maxMessageBytes >= 1 << 16 else { throw ValidationError("--max-message-bytes must be at least 65536") }
        let registrationToken = try self.resolveRegistrationToken(environment: environment)
        let network = NetworkSettings(
            caFile: try variables.resolve(self.caFile, env: "MCP_BRIDGE_CA_FILE"),
            proxy: try ProxySettings.resolve(for: serverURL, environment: environment),
            timeout: .seconds(Int64(timeoutSeconds)),
            connectRetryWindow: .seconds(Int64(min(timeoutSeconds, 10))),
            allowPlainHTTP: self.allowHTTP,
            clientCertificate: try self.resolveClientCertificate(environment: variables)
        )
        return BridgeSettings(
            serverURL: serverURL,
            headers: headers,
            transport: transport,
            protocolChoice: protocolChoice,
            network: network,
            clientName: self.clientName ?? BridgeSettings.defaultClientName(),
            scope: self.scope,
            refreshMargin: TimeInterval(margin),
            credentialDirectory: CredentialStore.defaultDirectory(environment: environment),
            maxMessageBytes: maxMessageBytes,
            registrationToken: registrationToken,
            signIn: try self.signIn.settings(environment: environment)
        )
    }

    /// The initial access token for registration: the flag, else the flag's file, else the environment's value,
    /// else the environment's file. Flags win over the environment, so a config file can override a shell.
    func resolveRegistrationToken(environment: [String: String]) throws -> InitialAccessToken? {
        if self.registrationToken != nil, self.registrationTokenFile != nil {
            throw ValidationError("give --registration-token or --registration-token-file, not both")
        }
        let variables = EnvironmentVariables(environment)
        let text: String
        if let value = self.registrationToken {
            text = value
        } else if let path = self.registrationTokenFile {
            text = try Self.readTokenFile(path, name: "--registration-token-file")
        } else if let value = variables["MCP_BRIDGE_REGISTRATION_TOKEN"] {
            text = value
        } else if let path = variables["MCP_BRIDGE_REGISTRATION_TOKEN_FILE"] {
            text = try Self.readTokenFile(path, name: "MCP_BRIDGE_REGISTRATION_TOKEN_FILE")
        } else {
            return nil
        }
        guard let token = InitialAccessToken(text) else {
            throw ValidationError("the registration token is empty")
        }
        return token
    }

    private static func readTokenFile(_ path: String, name: String) throws -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ValidationError("\(name) \(path) cannot be read")
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// Validates the options, sets up stderr logging (stdout belongs to the protocol; `defaultLogLevel`, when
    /// given, replaces the option's default) and builds the bridge's context.
    func makeContext(defaultLogLevel: LogLevel? = nil) throws -> BridgeContext {
        let environment = ProcessInfo.processInfo.environment
        let settings = try self.settings(environment: environment)
        let option = defaultLogLevel.map { self.logLevel.replacingDefault(with: $0) } ?? self.logLevel
        let level = try EnvironmentVariables(environment).resolve(option, env: "MCP_BRIDGE_LOG")
        return try BridgeContext(settings: settings, logger: BridgeLogging.bootstrap(level: level))
    }

    /// Runs `body` with a context built from the options, and closes its HTTP client afterwards, whatever happens.
    func withContext<T>(
        defaultLogLevel: LogLevel? = nil,
        _ body: (BridgeContext) async throws -> T
    ) async throws -> T {
        let context = try self.makeContext(defaultLogLevel: defaultLogLevel)
        do {
            let result = try await body(context)
            await context.shutdown()
            return result
        } catch {
            await context.shutdown()
            throw error
        }
    }
}

enum BridgeLogging {
    static func bootstrap(level: LogLevel) -> Logger {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level.level
            return handler
        }
        return Logger(label: "mcp-bridge")
    }
}

extension ConnectionOptions {
    /// `--client-cert` with `--client-key` (or their variables), both or neither.
    func resolveClientCertificate(environment: EnvironmentVariables) throws -> ClientCertificateFiles? {
        let certificate = try environment.resolve(self.clientCert, env: "MCP_BRIDGE_CLIENT_CERT")
        let key = try environment.resolve(self.clientKey, env: "MCP_BRIDGE_CLIENT_KEY")
        switch (certificate, key) {
        case (nil, nil): return nil
        case (let certificate?, let key?): return ClientCertificateFiles(certificate: certificate, key: key)
        default: throw ValidationError("--client-cert and --client-key go together")
        }
    }
}
