public import Foundation

/// Certificates made with openssl for the mutual-TLS tests, in a private temporary directory: a CA, a server
/// certificate for 127.0.0.1 and localhost, a client certificate from the CA, a self-signed client certificate,
/// and a "stranger": the client's subject DN, issued by another CA.
public struct TestCertificates: Sendable {
    public let directory: URL
    public static let clientSubject = "CN=mcp-client,O=remote-mcp tests"

    public func path(_ name: String) -> String { self.directory.appendingPathComponent(name).path }

    public static func make() async throws -> TestCertificates {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mtls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let certificates = TestCertificates(directory: directory)
        try await certificates.authority("ca", subject: "/CN=remote-mcp test CA")
        try await certificates.authority("other-ca", subject: "/CN=someone else's CA")
        try await certificates.issue(
            "server",
            subject: "/CN=127.0.0.1",
            by: "ca",
            extensions: "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth"
        )
        try await certificates.issue(
            "client",
            subject: "/O=remote-mcp tests/CN=mcp-client",
            by: "ca",
            extensions: "extendedKeyUsage=clientAuth"
        )
        try await certificates.issue(
            "stranger",
            subject: "/O=remote-mcp tests/CN=mcp-client",
            by: "other-ca",
            extensions: "extendedKeyUsage=clientAuth"
        )
        try await certificates.openssl(
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=self-signed client",
            "-keyout",
            certificates.path("self.key"),
            "-out",
            certificates.path("self.pem")
        )
        return certificates
    }

    public func remove() {
        try? FileManager.default.removeItem(at: self.directory)
    }

    private func authority(_ name: String, subject: String) async throws {
        try await self.openssl(
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-days",
            "2",
            "-subj",
            subject,
            "-addext",
            "basicConstraints=critical,CA:TRUE",
            "-addext",
            "keyUsage=critical,keyCertSign",
            "-keyout",
            self.path("\(name).key"),
            "-out",
            self.path("\(name).pem")
        )
    }

    private func issue(_ name: String, subject: String, by issuer: String, extensions: String) async throws {
        try await self.openssl(
            "req",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-subj",
            subject,
            "-keyout",
            self.path("\(name).key"),
            "-out",
            self.path("\(name).csr")
        )
        try Data(extensions.utf8).write(to: URL(fileURLWithPath: self.path("\(name).ext")))
        try await self.openssl(
            "x509",
            "-req",
            "-in",
            self.path("\(name).csr"),
            "-CA",
            self.path("\(issuer).pem"),
            "-CAkey",
            self.path("\(issuer).key"),
            "-CAcreateserial",
            "-days",
            "2",
            "-extfile",
            self.path("\(name).ext"),
            "-out",
            self.path("\(name).pem")
        )
    }

    /// Runs openssl to completion through the one child-process helper (no blocking wait on the async pool).
    private func openssl(_ arguments: String...) async throws {
        let run = try await ChildProcess.run(URL(fileURLWithPath: "/usr/bin/env"), ["openssl"] + arguments)
        guard run.status == 0 else {
            throw CertificateError(
                message:
                    "openssl \(arguments.joined(separator: " ")): \((run.output + run.errors).joined(separator: "\n"))"
            )
        }
    }

    struct CertificateError: Error, CustomStringConvertible {
        let message: String
        var description: String { self.message }
    }

    /// The DER of a PEM certificate file, for thumbprints.
    public func der(_ name: String) throws -> [UInt8] {
        let text = try String(contentsOfFile: self.path("\(name).pem"), encoding: .utf8)
        let body = text.split(separator: "\n").filter { !$0.hasPrefix("-----") }.joined()
        guard let data = Data(base64Encoded: body) else { throw CertificateError(message: "bad PEM \(name)") }
        return Array(data)
    }
}
