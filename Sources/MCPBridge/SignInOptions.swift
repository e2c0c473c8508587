import ArgumentParser
import MCPBridgeCore
import MCPCommandLine
import MCPWire

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// How a person signs in, as whom, and where the secrets live: the options every command that talks to a server
/// shares (part of ``ConnectionOptions``).
struct SignInOptions: ParsableArguments {
    @Option(
        help: """
            How to get tokens: auto uses client_credentials where the server offers it, else a person signs in in \
            the browser (or with a device code over SSH without a display); browser, device and client-credentials \
            force one. (env: MCP_BRIDGE_AUTH)
            """
    )
    var auth: OptionValue<AuthChoice> = .default(.auto)

    @Option(
        name: .customLong("client-id"),
        help: "A client registered with the authorization server beforehand. (env: MCP_BRIDGE_CLIENT_ID)"
    )
    var clientID: String?

    @Option(
        help: """
            A file holding --client-id's secret (MCP_BRIDGE_CLIENT_SECRET gives the value itself, \
            MCP_BRIDGE_CLIENT_SECRET_FILE the file).
            """
    )
    var clientSecretFile: String?

    @Option(
        help: """
            A PEM private key (P-256 or RSA) that --client-id signs its token requests with (private_key_jwt). \
            (env: MCP_BRIDGE_PRIVATE_KEY_FILE)
            """
    )
    var privateKeyFile: String?

    @Option(help: "The kid put in private_key_jwt assertions, when the server needs one. (env: MCP_BRIDGE_KEY_ID)")
    var keyID: String?

    @Option(
        name: .customLong("client-metadata-url"),
        help: """
            The https URL of this bridge's Client ID Metadata Document, used as its client id where the server \
            supports them. (env: MCP_BRIDGE_CLIENT_METADATA_URL)
            """
    )
    var clientMetadataURL: String?

    @Option(
        help: """
            The loopback port the browser returns to (default: one derived from the server URL, the same every \
            time). (env: MCP_BRIDGE_CALLBACK_PORT)
            """
    )
    var callbackPort: Int?

    @Flag(help: "Do not open a browser: print the sign-in URL (stderr and the client's log) only.")
    var noBrowser = false

    @Option(
        help: """
            Seconds a request waits for a person to finish signing in before it fails with "sign in at URL" (the \
            sign-in goes on). (env: MCP_BRIDGE_SIGN_IN_WAIT)
            """
    )
    var signInWait: OptionValue<Int> = .default(SignInSettings.defaultSignInWaitSeconds)

    @Option(
        help: """
            Where refresh tokens and client secrets live: auto uses the system's (macOS Keychain, Secret Service, \
            Windows Credential Manager) when it answers, else the 0600 file; file or keychain force one. \
            (env: MCP_BRIDGE_CREDENTIAL_STORE)
            """
    )
    var credentialStore: OptionValue<CredentialStoreChoice> = .default(.auto)

    /// The validated settings.
    func settings(environment: [String: String]) throws -> SignInSettings {
        let variables = EnvironmentVariables(environment)
        let auth = try variables.resolve(self.auth, env: "MCP_BRIDGE_AUTH")
        let wait = try variables.resolve(self.signInWait, env: "MCP_BRIDGE_SIGN_IN_WAIT")
        guard (1...3600).contains(wait) else { throw ValidationError("--sign-in-wait must be 1-3600 seconds") }
        let port = try variables.resolve(self.callbackPort, env: "MCP_BRIDGE_CALLBACK_PORT")
        if let port, !(1...65535).contains(port) { throw ValidationError("--callback-port must be 1-65535") }
        var metadataURL: URL?
        if let text = try variables.resolve(self.clientMetadataURL, env: "MCP_BRIDGE_CLIENT_METADATA_URL") {
            // The draft: an https URL with a path; the server fetches it, so anything else cannot work.
            guard let url = URL(string: text), url.scheme?.lowercased() == "https", url.host != nil,
                url.path.count > 1, url.fragment == nil
            else {
                throw ValidationError("--client-metadata-url must be an https URL with a path, without a fragment")
            }
            metadataURL = url
        }
        return SignInSettings(
            auth: auth,
            preRegisteredClient: try self.preRegisteredClient(variables),
            clientMetadataURL: metadataURL,
            callbackPort: port,
            openBrowser: !self.noBrowser,
            browserCommand: variables["BROWSER"],
            signInWait: .seconds(wait),
            credentialStore: try variables.resolve(self.credentialStore, env: "MCP_BRIDGE_CREDENTIAL_STORE"),
            display: DisplayAvailability.detect(environment: environment)
        )
    }

    /// `--client-id` and how it authenticates: a secret (file, or the environment) or a private key, not both.
    private func preRegisteredClient(_ variables: EnvironmentVariables) throws -> PreRegisteredClient? {
        let secretFile = try variables.resolve(self.clientSecretFile, env: "MCP_BRIDGE_CLIENT_SECRET_FILE")
        let secretValue = variables["MCP_BRIDGE_CLIENT_SECRET"]
        let keyFile = try variables.resolve(self.privateKeyFile, env: "MCP_BRIDGE_PRIVATE_KEY_FILE")
        guard let clientID = try variables.resolve(self.clientID, env: "MCP_BRIDGE_CLIENT_ID") else {
            if secretFile != nil || secretValue != nil || keyFile != nil {
                throw ValidationError("a client secret or private key needs --client-id")
            }
            return nil
        }
        guard !clientID.isEmpty, clientID.utf8.count <= 1024 else { throw ValidationError("--client-id is empty") }
        if secretFile != nil, secretValue != nil {
            throw ValidationError("give the client secret once: --client-secret-file or MCP_BRIDGE_CLIENT_SECRET")
        }
        if keyFile != nil, secretFile != nil || secretValue != nil {
            throw ValidationError("give a client secret or --private-key-file, not both")
        }
        if let keyFile {
            let pem = try Self.read(keyFile, name: "--private-key-file")
            let keyID = try variables.resolve(self.keyID, env: "MCP_BRIDGE_KEY_ID")
            do {
                return PreRegisteredClient(
                    clientID: clientID,
                    authentication: .privateKey(try ClientSigningKey(pem: pem, keyID: keyID))
                )
            } catch {
                throw ValidationError("--private-key-file \(keyFile): \(error)")
            }
        }
        let secret = try secretFile.map { try Self.read($0, name: "--client-secret-file") } ?? secretValue
        let trimmed = secret?.trimmingWhitespace()
        if let trimmed, trimmed.isEmpty { throw ValidationError("the client secret is empty") }
        return PreRegisteredClient(clientID: clientID, authentication: trimmed.map { .secret($0) } ?? .none)
    }

    private static func read(_ path: String, name: String) throws -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ValidationError("\(name) \(path) cannot be read")
        }
        return String(decoding: data, as: UTF8.self)
    }
}
