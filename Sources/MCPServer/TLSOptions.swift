import ArgumentParser
import HummingbirdTLS
import MCPCommandLine
import MCPServerCore
import NIOCore
import NIOSSL

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// HTTPS and client certificates for `serve` (RFC 8705 mutual TLS).
struct TLSOptions: ParsableArguments {
    @Option(help: "PEM certificate chain: serve HTTPS directly. (env: MCP_SERVER_TLS_CERT)")
    var tlsCert: String?

    @Option(help: "PEM private key of --tls-cert. (env: MCP_SERVER_TLS_KEY)")
    var tlsKey: String?

    @Option(
        help: """
            PEM file of the CA that issues client certificates: the server asks every client for a certificate and \
            offers tls_client_auth, self_signed_tls_client_auth and certificate-bound tokens (RFC 8705). \
            (env: MCP_SERVER_CLIENT_CA, or the PEM itself in MCP_SERVER_CLIENT_CA_PEM, as on Lambda)
            """
    )
    var clientCA: String?

    /// What the flags and environment say, checked: files readable, key and certificate usable.
    func resolve(environment: [String: String], lambda: Bool) throws -> TLSSettings {
        let variables = EnvironmentVariables(environment)
        let certificate = try variables.resolve(self.tlsCert, env: "MCP_SERVER_TLS_CERT")
        let key = try variables.resolve(self.tlsKey, env: "MCP_SERVER_TLS_KEY")
        guard (certificate == nil) == (key == nil) else {
            throw ValidationError("--tls-cert and --tls-key go together")
        }
        if lambda, certificate != nil {
            throw ValidationError("on Lambda, API Gateway terminates TLS: leave out --tls-cert and --tls-key")
        }
        var authority: ClientCertificateAuthority?
        var caPEM = variables["MCP_SERVER_CLIENT_CA_PEM"]
        if let file = try variables.resolve(self.clientCA, env: "MCP_SERVER_CLIENT_CA") {
            guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
                throw ValidationError("cannot read the client CA file \(file)")
            }
            caPEM = text
        }
        if let caPEM {
            do {
                authority = try ClientCertificateAuthority(pem: caPEM)
            } catch {
                throw ValidationError("the client CA is not usable: \(error)")
            }
        }
        if authority != nil, certificate == nil, !lambda {
            throw ValidationError("--client-ca needs --tls-cert and --tls-key: client certificates come with HTTPS")
        }
        var server: TLSConfiguration?
        if let certificate, let key {
            do {
                var configuration = TLSConfiguration.makeServerConfiguration(
                    certificateChain: try NIOSSLCertificate.fromPEMFile(certificate).map { .certificate($0) },
                    privateKey: .privateKey(try NIOSSLPrivateKey(file: key, format: .pem))
                )
                if authority != nil { configuration.certificateVerification = .optionalVerification }
                server = configuration
            } catch {
                throw ValidationError("cannot use --tls-cert \(certificate) with --tls-key \(key): \(error)")
            }
        }
        return TLSSettings(server: server, clientCertificateAuthority: authority)
    }
}

/// HTTPS and client-certificate settings after flags and environment are resolved.
struct TLSSettings: Sendable {
    /// The server's TLS configuration; `nil` serves plain HTTP.
    var server: TLSConfiguration?
    var clientCertificateAuthority: ClientCertificateAuthority?

    /// The channel configuration for Hummingbird. With client certificates, the handshake accepts any certificate
    /// the client presents (self-signed ones included): what it proves is decided per client at `/token`, and a
    /// token bound to it is only accepted over a connection that presents the same certificate.
    var channelConfiguration: TLSChannelConfiguration? {
        guard let server else { return nil }
        guard self.clientCertificateAuthority != nil else { return TLSChannelConfiguration(tlsConfiguration: server) }
        return TLSChannelConfiguration(tlsConfiguration: server) { _, promise in promise.succeed(.certificateVerified) }
    }
}
