import ArgumentParser
import Foundation
import Logging
import MCPBridgeCore
import NIOCore

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

    @Option(help: "auto (Streamable HTTP, else legacy SSE), http, or sse. (env: MCP_BRIDGE_TRANSPORT)")
    var transport: String?

    @Option(help: "Seconds the server may stay silent before a request fails. (env: MCP_BRIDGE_TIMEOUT; default: 120)")
    var timeout: Int?

    @Option(help: "A PEM file of extra CA certificates, for TLS-inspecting proxies. (env: MCP_BRIDGE_CA_FILE)")
    var caFile: String?

    @Flag(help: "Allow plain http:// to hosts other than this machine (tokens would travel unencrypted).")
    var allowHTTP = false

    @Option(help: "The client_name to register with. (default: \"mcp-bridge on HOSTNAME\")")
    var clientName: String?

    @Option(help: "The OAuth scope to ask for (default: what the server's challenge or metadata names).")
    var scope: String?

    @Option(help: "Renew tokens this many seconds before they expire. (default: 60)")
    var refreshMargin: Int?

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
            SSE line or event. (env: MCP_BRIDGE_MAX_MESSAGE_BYTES; default: 67108864, 64 MiB)
            """
    )
    var maxMessageBytes: Int?

    @Option(
        help: "trace, debug, info, notice, warning or error; logs go to stderr. (env: MCP_BRIDGE_LOG; default: info)"
    )
    var logLevel: String?

    /// The validated settings.
    func settings(environment: [String: String]) throws -> BridgeSettings {
        guard let serverURL = URL(string: self.url), serverURL.scheme != nil, serverURL.host != nil else {
            throw ValidationError(
                "\(self.url) is not an absolute URL (expected something like https://mcp.example.com/mcp)"
            )
        }
        var headers = try self.headers.map { try HeaderParser.parse($0, environment: environment) }
        if let headerFile { headers += try HeaderParser.parseFile(headerFile, environment: environment) }
        let transportText = self.transport ?? environment["MCP_BRIDGE_TRANSPORT"] ?? "auto"
        guard let transport = TransportChoice(rawValue: transportText.lowercased()) else {
            throw ValidationError("--transport must be auto, http or sse")
        }
        let timeoutSeconds =
            try self.timeout ?? environment["MCP_BRIDGE_TIMEOUT"].map {
                guard let value = Int($0) else {
                    throw ValidationError("MCP_BRIDGE_TIMEOUT must be a number of seconds")
                }
                return value
            } ?? 120
        guard timeoutSeconds >= 1 else { throw ValidationError("--timeout must be at least 1 second") }
        let margin = self.refreshMargin ?? 60
        guard margin >= 0 else { throw ValidationError("--refresh-margin cannot be negative") }
        let maxMessageBytes =
            try self.maxMessageBytes ?? environment["MCP_BRIDGE_MAX_MESSAGE_BYTES"].map {
                guard let value = Int($0) else {
                    throw ValidationError("MCP_BRIDGE_MAX_MESSAGE_BYTES must be a number of bytes")
                }
                return value
            } ?? BridgeSettings.defaultMaxMessageBytes
        guard maxMessageBytes >= 1 << 16 else { throw ValidationError("--max-message-bytes must be at least 65536") }
        let registrationToken = try self.resolveRegistrationToken(environment: environment)
        let network = NetworkSettings(
            caFile: self.caFile ?? environment["MCP_BRIDGE_CA_FILE"],
            proxy: try ProxySettings.resolve(for: serverURL, environment: environment),
            timeout: .seconds(Int64(timeoutSeconds)),
            connectRetryWindow: .seconds(Int64(min(timeoutSeconds, 10))),
            allowPlainHTTP: self.allowHTTP
        )
        return BridgeSettings(
            serverURL: serverURL,
            headers: headers,
            transport: transport,
            network: network,
            clientName: self.clientName ?? BridgeSettings.defaultClientName(),
            scope: self.scope,
            refreshMargin: TimeInterval(margin),
            credentialDirectory: CredentialStore.defaultDirectory(environment: environment),
            maxMessageBytes: maxMessageBytes,
            registrationToken: registrationToken
        )
    }

    /// The initial access token for registration: the flag, else the flag's file, else the environment's value,
    /// else the environment's file. Flags win over the environment, so a config file can override a shell.
    func resolveRegistrationToken(environment: [String: String]) throws -> InitialAccessToken? {
        if self.registrationToken != nil, self.registrationTokenFile != nil {
            throw ValidationError("give --registration-token or --registration-token-file, not both")
        }
        let text: String
        if let value = self.registrationToken {
            text = value
        } else if let path = self.registrationTokenFile {
            text = try Self.readTokenFile(path, name: "--registration-token-file")
        } else if let value = environment["MCP_BRIDGE_REGISTRATION_TOKEN"], !value.isEmpty {
            text = value
        } else if let path = environment["MCP_BRIDGE_REGISTRATION_TOKEN_FILE"], !path.isEmpty {
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

    /// Validates the options, sets up stderr logging (stdout belongs to the protocol; `defaultLogLevel` unless
    /// the user chose one) and builds the bridge's context.
    func makeContext(defaultLogLevel: String = "info") throws -> BridgeContext {
        let environment = ProcessInfo.processInfo.environment
        let settings = try self.settings(environment: environment)
        let logger = try BridgeLogging.bootstrap(
            level: self.logLevel ?? environment["MCP_BRIDGE_LOG"] ?? defaultLogLevel
        )
        return try BridgeContext(settings: settings, logger: logger)
    }

    /// Runs `body` with a context built from the options, and closes its HTTP client afterwards, whatever happens.
    func withContext<T>(defaultLogLevel: String = "info", _ body: (BridgeContext) async throws -> T) async throws -> T {
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
    static func bootstrap(level: String?) throws -> Logger {
        let text = (level ?? "info").lowercased()
        guard let level = Logger.Level(rawValue: text) else {
            throw ValidationError("--log-level must be trace, debug, info, notice, warning, error or critical")
        }
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        return Logger(label: "mcp-bridge")
    }
}
