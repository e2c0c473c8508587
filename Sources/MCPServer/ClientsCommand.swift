import ArgumentParser
import Logging
import MCPCommandLine
import MCPServerCore
import MCPWire

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// `mcp-server clients …`: the operator's view of registered OAuth clients, on the same store the server
/// uses (safe while it runs). Output is JSON on stdout; the secret of a new client is printed once.
struct ClientsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "clients",
        abstract: "List, show, add or delete OAuth clients.",
        subcommands: [List.self, Show.self, Add.self, Delete.self]
    )

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Every client, one JSON object per line.")
        @OptionGroup var store: StoreOptions

        func run() async throws {
            try await self.store.withStore(logger: OperatorLog.logger) { store in
                let registry = ClientRegistry(store: store)
                for client in try await store.listClients() {
                    OperatorLog.print(try registry.information(client, registrationToken: nil, urls: OperatorLog.urls))
                }
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "One client's registered metadata.")
        @OptionGroup var store: StoreOptions
        @Argument(help: "The client_id.") var clientID: String

        func run() async throws {
            let found = try await self.store.withStore(logger: OperatorLog.logger) { store in
                guard let client = try await store.client(id: self.clientID) else { return false }
                OperatorLog.print(
                    try ClientRegistry(store: store).information(client, registrationToken: nil, urls: OperatorLog.urls)
                )
                return true
            }
            guard found else { throw OperatorLog.fail("no client \(self.clientID)") }
        }
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Register a client (works whatever --registration says); prints its secret once.",
            discussion: """
                A machine client (client_credentials) by default. With --redirect-uri, a client that signs people in \
                (authorization_code and refresh_token): a pre-registered MCP host such as a Claude connector, which \
                takes a client id and secret; add --public for one that keeps no secret (PKCE only).
                """
        )
        @OptionGroup var store: StoreOptions
        @Option(help: "client_name.") var name: String
        @Option(help: "Space-separated scopes (default: all).") var scope: String?
        @Option(name: .customLong("redirect-uri"), help: "Where the client receives codes; repeatable.")
        var redirectURIs: [String] = []
        @Option(
            name: .customLong("grant-type"),
            help: """
                A grant the client may use; repeatable. (default: authorization_code and refresh_token with \
                --redirect-uri, else client_credentials)
                """
        )
        var grantTypes: [GrantType] = []
        @Option(help: "How the client authenticates at /token. (default: client_secret_basic, or none with --public)")
        var authMethod: ClientAuthMethod?
        @Flag(help: "A public client: no secret, PKCE only (the same as --auth-method none).")
        var `public` = false
        @Option(help: "native (private-use redirect schemes such as cursor://, loopback) or web. (default: web)")
        var applicationType: ApplicationType?
        @Option(help: "File with the client's public keys as a JWK Set, for --auth-method private_key_jwt.")
        var jwksFile: String?
        @Option(help: "https URL where the client publishes its public keys, for --auth-method private_key_jwt.")
        var jwksURI: String?
        @Option(help: "The server's public base URL, for registration_client_uri. (env: MCP_SERVER_PUBLIC_URL)")
        var publicURL: String?

        /// The grants an operator can give a client.
        enum GrantType: String, CaseInsensitiveArgument {
            case authorizationCode = "authorization_code"
            case refreshToken = "refresh_token"
            case clientCredentials = "client_credentials"
        }

        /// RFC 7591 / OIDC `application_type`.
        enum ApplicationType: String, CaseInsensitiveArgument {
            case web
            case native
        }

        /// The registration request the options describe, as `/dcr` would receive it.
        func request() throws -> JSONValue {
            if self.public, let method = self.authMethod, method != .none {
                throw ValidationError("--public means --auth-method none, not \(method.rawValue)")
            }
            let method = self.public ? ClientAuthMethod.none : self.authMethod ?? .default
            var grants = self.grantTypes.map(\.rawValue)
            if grants.isEmpty {
                grants = self.redirectURIs.isEmpty ? ["client_credentials"] : ["authorization_code", "refresh_token"]
            }
            var request: [String: JSONValue] = [
                "client_name": .string(self.name), "grant_types": .array(grants.map(JSONValue.string)),
                "token_endpoint_auth_method": .string(method.rawValue),
            ]
            if !self.redirectURIs.isEmpty { request["redirect_uris"] = .array(self.redirectURIs.map(JSONValue.string)) }
            if let type = self.applicationType { request["application_type"] = .string(type.rawValue) }
            if let scope = self.scope { request["scope"] = .string(scope) }
            if let file = self.jwksFile {
                guard let data = FileManager.default.contents(atPath: file) else {
                    throw ValidationError("cannot read the JWK Set file \(file)")
                }
                do {
                    request["jwks"] = try JSONValue(parsing: Array(data))
                } catch {
                    throw ValidationError("\(file) is not JSON: \(error)")
                }
            }
            if let uri = self.jwksURI { request["jwks_uri"] = .string(uri) }
            return .object(request)
        }

        func run() async throws {
            let request = try self.request()
            let text =
                try EnvironmentVariables().resolve(self.publicURL, env: "MCP_SERVER_PUBLIC_URL")
                ?? OperatorLog.localBase
            guard let base = URL(string: text) else { throw ValidationError("--public-url is not a URL") }
            do {
                try await self.store.withStore(logger: OperatorLog.logger) { store in
                    let information = try await ClientRegistry(store: store).register(
                        request,
                        urls: ServerURLs(base: base)
                    )
                    OperatorLog.audit("client.registered", clientID: information.clientID)
                    OperatorLog.print(information)
                }
            } catch let error as OAuthHTTPError {
                throw OperatorLog.fail("\(error.code): \(error.detail ?? "")")
            }
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a client; its tokens stop working.")
        @OptionGroup var store: StoreOptions
        @Argument(help: "The client_id.") var clientID: String

        func run() async throws {
            let deleted = try await self.store.withStore(logger: OperatorLog.logger) { store in
                try await store.deleteClient(id: self.clientID)
            }
            guard deleted else { throw OperatorLog.fail("no client \(self.clientID)") }
            OperatorLog.audit("client.deleted", clientID: self.clientID)
        }
    }
}

/// `mcp-server keys …`: the JWT signing keys.
struct KeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "List or rotate the JWT signing keys kept in the database.",
        subcommands: [List.self, Rotate.self]
    )

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Every key (never the private part), newest first.")
        @OptionGroup var store: StoreOptions

        func run() async throws {
            try await self.store.withStore(logger: OperatorLog.logger) { store in
                for key in try await store.signingKeys() {
                    var line: [String: JSONValue] = [
                        "kid": .string(key.id), "alg": .string(key.algorithm),
                        "created_at": .number(JSONNumber(Int(key.createdAt.timeIntervalSince1970))),
                    ]
                    if let retired = key.retiredAt {
                        line["retired_at"] = .number(JSONNumber(Int(retired.timeIntervalSince1970)))
                    }
                    Swift.print(JSONValue.object(line).serializedString())
                }
            }
        }
    }

    struct Rotate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make a new key the signing key; older keys keep verifying until their tokens expire."
        )
        @OptionGroup var store: StoreOptions
        @Option(help: "The server's token lifetime in seconds (how long retired keys must keep verifying).")
        var tokenTTL: Int = AuthConfiguration().tokenLifetimeSeconds

        func run() async throws {
            let key = try await self.store.withStore(logger: OperatorLog.logger) { store in
                try await KeyRing.rotate(store: store, tokenLifetime: .seconds(self.tokenTTL))
            }
            OperatorLog.audit("key.rotated", clientID: nil, detail: key.id)
            Swift.print(JSONValue.object(["kid": .string(key.id)]).serializedString())
        }
    }
}

/// Output and audit lines of the operator commands.
enum OperatorLog {
    static var logger: Logger {
        var logger = Logger(label: "mcp.server.cli", factory: { JSONLogHandler(label: $0) })
        logger.logLevel = .notice
        return logger
    }

    /// Where `serve` listens without options.
    static var localBase: String {
        let defaults = ServerConfiguration()
        return defaults.baseURL(boundPort: defaults.port).absoluteString
    }

    /// For `registration_client_uri` in listings: the server's `MCP_SERVER_PUBLIC_URL`, as `serve` reads it.
    static var urls: ServerURLs {
        let text = EnvironmentVariables()["MCP_SERVER_PUBLIC_URL"] ?? Self.localBase
        return ServerURLs(base: URL(string: text) ?? URL(string: Self.localBase)!)
    }

    static func print(_ information: ClientInformation) {
        Swift.print((try? JSONValue(encoding: information).serializedString()) ?? "{}")
    }

    static func audit(_ event: String, clientID: String?, detail: String? = nil) {
        var metadata: Logger.Metadata = [
            "audit": "true", "event": .string(event), "outcome": "success", "source_ip": "cli",
        ]
        if let clientID { metadata["client_id"] = .string(clientID) }
        if let detail { metadata["detail"] = .string(detail) }
        Self.logger.notice("Audit", metadata: metadata)
    }

    static func fail(_ message: String) -> any Error {
        StandardStream.error.write("mcp-server: \(message)\n")
        return ExitCode.failure
    }
}
