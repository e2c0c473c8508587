import ArgumentParser
import Hummingbird
import HummingbirdTLS
import Logging
import MCPCommandLine
import MCPServerCore
import MCPServerSQLite
import MCPWire
import ServiceLifecycle

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// `mcp-server serve`: runs the HTTP server until SIGINT or SIGTERM.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the server (the default subcommand).",
        discussion: """
            Every option can also be set through the environment variable named in its help; the flag wins. \
            When the server is ready it prints one line to stderr containing the MCP endpoint URL.
            """
    )

    /// The defaults the options name: the server configuration's own.
    private static let defaults = ServerConfiguration()

    @Option(help: "Address to listen on. (env: MCP_SERVER_HOST)")
    var host: OptionValue<String> = .default(Self.defaults.host)

    @Option(help: "Port to listen on; 0 picks a free one. (env: MCP_SERVER_PORT)")
    var port: OptionValue<Int> = .default(Self.defaults.port)

    @OptionGroup var store: StoreOptions

    @Option(help: "Base URL clients use to reach this server. (env: MCP_SERVER_PUBLIC_URL; default: http://HOST:PORT)")
    var publicURL: String?

    @Option(
        name: .customLong("allowed-origin"),
        help:
            "Browser origin allowed to call the server; repeatable. (env: MCP_SERVER_ALLOWED_ORIGINS, comma-separated)"
    )
    var allowedOrigins: [String] = []

    @Option(
        name: .customLong("trusted-proxy"),
        help: """
            Address block (CIDR) of a proxy whose X-Forwarded-For / Forwarded headers are believed; repeatable. \
            (env: MCP_SERVER_TRUSTED_PROXIES, comma-separated)
            """
    )
    var trustedProxies: [String] = []

    @Option(
        name: .customLong("allow-ip"),
        help: """
            Address block (CIDR) allowed to use the server; repeatable. Others get 403 before anything else. \
            (env: MCP_SERVER_ALLOW_IPS, comma-separated; default: everybody)
            """
    )
    var allowIPs: [String] = []

    @Option(help: "Largest request body accepted, in bytes. (env: MCP_SERVER_MAX_BODY_BYTES)")
    var maxBodyBytes: OptionValue<Int> = .default(ServerConfiguration.defaultMaxBodyBytes)

    @Option(
        help: """
            Protocol versions served, comma-separated; legacy, modern and all name every version of an era or every \
            version. Without the legacy era, initialize is refused naming the versions served; without the modern \
            era, the server answers as a legacy server. (env: MCP_SERVER_PROTOCOL_VERSIONS)
            """
    )
    var protocolVersions: OptionValue<ServedProtocolVersions> = .default(.all)

    @Option(
        help: """
            The least severe level logged; on Lambda, AWS_LAMBDA_LOG_LEVEL is the default. \
            (env: MCP_SERVER_LOG_LEVEL)
            """
    )
    var logLevel: OptionValue<LogLevel> = .default(.info)

    @Option(help: "json (one object per line) or text. (env: MCP_SERVER_LOG_FORMAT)")
    var logFormat: OptionValue<LogFormat> = .default(.json)

    @Option(
        help: """
            Which requests get a log line: errors (status 400 and above, and requests taking 1 s or more), all, \
            or sample:N (errors plus one success in N). (env: MCP_SERVER_ACCESS_LOG)
            """
    )
    var accessLog: OptionValue<AccessLogPolicy> = .default(AccessLogPolicy.default)

    @OptionGroup(title: "Authorization") var auth: AuthOptions

    @OptionGroup(title: "Signing people in") var signIn: SignInOptions

    @OptionGroup(title: "Listen streams and questions") var interaction: InteractionOptions

    @OptionGroup(title: "TLS and client certificates") var tls: TLSOptions

    func run() async throws {
        let settings = try self.resolve()
        let format = settings.logFormat
        let logger = Self.bootstrapLogging(settings)
        let assembly: ServerAssembly
        do {
            assembly = try await ServerAssembly.assemble(
                settings: settings,
                auth: self.auth,
                host: .socket(settings.server),
                logger: logger
            )
        } catch let failure as ServerAssembly.Failure {
            var metadata = failure.metadata
            metadata["error"] = "\(failure.detail)"
            logger.critical("\(failure.step)", metadata: metadata)
            throw ExitCode.failure
        }
        Self.warnAboutOpenRegistration(settings, logger: logger)
        let app = MCPServerApplication.make(
            dependencies: assembly.dependencies,
            configuration: settings.server,
            server: try settings.tls.channelConfiguration.map { try .tls(.http1(), configuration: $0) } ?? .http1(),
            logger: logger,
            onReady: { url in ReadyLine.announce(mcpURL: url, format: format) }
        )
        let group = ServiceGroup(configuration: Self.serviceGroupConfiguration(app, logger: logger))
        try await group.run()
        logger.info("Stopped")
    }

    /// Open registration of client_credentials clients is right for a laptop and wrong for anything others can
    /// reach, directly or through the proxy a `--public-url` names.
    static func warnAboutOpenRegistration(_ settings: ServeSettings, logger: Logger) {
        // Reachable by others when bound to a non-loopback address, or when a public URL says a proxy forwards to it.
        let host = settings.server.publicURL?.host ?? settings.server.host
        guard settings.auth.configuration.enabled, settings.auth.configuration.registration == .open,
            !(IPAddress(host)?.isLoopback ?? (host == "localhost"))
        else { return }
        logger.warning(
            """
            Registration is open on a non-loopback address: anyone who can reach this server can register a \
            client_credentials client and call every tool without signing in. Use --registration token or closed \
            unless that is what you want (MCP hosts that sign people in register under --sign-in-registration).
            """,
            metadata: ["host": "\(host)"]
        )
    }

    /// Sets up the process-wide log backend (once) and returns the server's logger.
    static func bootstrapLogging(_ settings: ServeSettings) -> Logger {
        let format = settings.logFormat
        let level = settings.logLevel
        LoggingSystem.bootstrap { label in
            var handler: any LogHandler =
                format == .json ? JSONLogHandler(label: label) : StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        var logger = Logger(label: "mcp.server")
        logger.logLevel = level
        return logger
    }

    /// Flags, environment and defaults, validated.
    /// - Parameter lambda: Lambda mode: DynamoDB is the default store, and Lambda's `AWS_LAMBDA_LOG_LEVEL`
    ///   stands in when `MCP_SERVER_LOG_LEVEL` is not set.
    func resolve(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        lambda: Bool = false
    ) throws -> ServeSettings {
        let variables = EnvironmentVariables(environment)
        let port = try variables.resolve(self.port, env: "MCP_SERVER_PORT")
        guard (0...65535).contains(port) else { throw ValidationError("--port must be between 0 and 65535") }
        let maxBody = try variables.resolve(self.maxBodyBytes, env: "MCP_SERVER_MAX_BODY_BYTES")
        guard maxBody >= 1024 else { throw ValidationError("--max-body-bytes must be at least 1024") }
        var publicURL: URL?
        if let text = try variables.resolve(self.publicURL, env: "MCP_SERVER_PUBLIC_URL") {
            guard let url = URL(string: text), let scheme = url.scheme?.lowercased(),
                ["http", "https"].contains(scheme),
                url.host != nil, url.query == nil, url.fragment == nil
            else { throw ValidationError("--public-url must be an http(s) URL without query or fragment: \(text)") }
            publicURL = text.hasSuffix("/") ? URL(string: String(text.dropLast()))! : url
        }
        var logLevel = self.logLevel
        if lambda, let level = variables["AWS_LAMBDA_LOG_LEVEL"].flatMap(LogLevel.init(awsLambdaLogLevel:)) {
            logLevel = logLevel.replacingDefault(with: level)
        }
        let level = try variables.resolve(logLevel, env: "MCP_SERVER_LOG_LEVEL").level
        let format = try variables.resolve(self.logFormat, env: "MCP_SERVER_LOG_FORMAT")
        let tls = try self.tls.resolve(environment: environment, lambda: lambda)
        var auth = try self.auth.resolve(environment: environment)
        auth.configuration.clientCertificateAuthority = tls.clientCertificateAuthority
        let signIn = try self.signIn.resolve(environment: environment, lambda: lambda)
        auth.configuration.signIn = signIn.configuration
        auth.upstreamSecretID = signIn.upstreamSecretID
        return ServeSettings(
            server: ServerConfiguration(
                host: try variables.resolve(self.host, env: "MCP_SERVER_HOST"),
                port: port,
                publicURL: publicURL,
                allowedOrigins: variables.list(self.allowedOrigins, env: "MCP_SERVER_ALLOWED_ORIGINS"),
                maxBodyBytes: maxBody,
                trustedProxies: try Self.networks(
                    variables.list(self.trustedProxies, env: "MCP_SERVER_TRUSTED_PROXIES"),
                    flag: "--trusted-proxy"
                ),
                allowedNetworks: try Self.networks(
                    variables.list(self.allowIPs, env: "MCP_SERVER_ALLOW_IPS"),
                    flag: "--allow-ip"
                ),
                accessLog: try variables.resolve(self.accessLog, env: "MCP_SERVER_ACCESS_LOG"),
                scheme: tls.server == nil ? "http" : "https"
            ),
            store: try self.store.choice(environment: environment, lambda: lambda),
            logLevel: level,
            logFormat: format,
            auth: auth,
            tls: tls,
            protocolVersions: try variables.resolve(self.protocolVersions, env: "MCP_SERVER_PROTOCOL_VERSIONS"),
            limits: try self.interaction.resolve(variables)
        )
    }
}

extension ServeCommand {
    /// Parses CIDR blocks, naming the flag of the first one that is not.
    static func networks(_ texts: [String], flag: String) throws -> [IPNetwork] {
        try texts.map { text in
            guard let network = IPNetwork(text) else {
                throw ValidationError("\(flag) takes an address or CIDR block such as 10.0.0.0/8: \(text)")
            }
            return network
        }
    }
}

/// Everything `serve` needs, after flags and environment are resolved.
struct ServeSettings: Sendable {
    var server: ServerConfiguration
    var store: StoreOptions.Choice
    var logLevel: Logger.Level
    var logFormat: LogFormat
    var auth: AuthSettings
    var tls: TLSSettings
    var protocolVersions: ServedProtocolVersions
    var limits: InteractionLimits
}
