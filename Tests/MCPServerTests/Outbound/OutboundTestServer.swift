import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTLS
import Logging
import NIOCore
import NIOSSL
import RemoteMCPTestSupport
import ServiceLifecycle
import Testing

/// An HTTPS server on 127.0.0.1 (port 0) for the outbound tests, with a certificate for `127.0.0.1` and
/// `localhost` from a test CA (``TestCertificates``), serving what the test puts in it and counting requests.
///
/// Routes: `/files/*` serves the documents of ``Files``; `/big` (with Content-Length) and `/big-chunked`
/// (without) send 64 KiB; `/slow` sends headers and a first chunk, then nothing until the test ends; `/redirect`
/// answers 302 to `/files/target`; `POST /echo` answers the form body it got, as JSON.
struct OutboundTestServer: Sendable {
    let port: Int
    let certificates: TestCertificates
    let files: Files

    /// The test CA, to trust.
    var caPEM: String { (try? String(contentsOfFile: self.certificates.path("ca.pem"), encoding: .utf8)) ?? "" }

    func url(_ path: String, host: String = "127.0.0.1") -> String { "https://\(host):\(self.port)\(path)" }

    /// What the server serves and how often it was asked.
    actor Files {
        struct File {
            var body: [UInt8]
            var headers: [(String, String)]
        }

        private var files: [String: File] = [:]
        private var hits: [String: Int] = [:]

        func put(_ path: String, _ body: String, headers: [(String, String)] = []) {
            self.files[path] = File(body: Array(body.utf8), headers: headers)
        }

        func hit(_ path: String) -> File? {
            self.hits[path, default: 0] += 1
            return self.files[path]
        }

        func count(_ path: String) -> Int { self.hits[path, default: 0] }
    }

    /// Holds `/slow` responses open until the test ends.
    actor Gate {
        private var isOpen = false
        private var waiting: [CheckedContinuation<Void, Never>] = []

        func wait() async {
            if self.isOpen { return }
            await withCheckedContinuation { self.waiting.append($0) }
        }

        func open() {
            self.isOpen = true
            for continuation in self.waiting { continuation.resume() }
            self.waiting = []
        }
    }

    /// The certificate the server presents, both from the test CA.
    enum Certificate: String, Sendable {
        /// ``TestCertificates``' server certificate: `IP:127.0.0.1` and `DNS:localhost`.
        case addressAndName = "server"
        /// `DNS:localhost` only: NIOSSL accepts a certificate for the connected IP address whatever name was
        /// asked for, so a name mismatch shows only with a certificate that has no IP address.
        case nameOnly = "named"
    }

    /// Runs the server for the duration of `body`.
    static func with(
        certificate: Certificate = .addressAndName,
        _ body: (OutboundTestServer) async throws -> Void
    ) async throws {
        let certificates = try await TestCertificates.make()
        defer { certificates.remove() }
        if certificate == .nameOnly { try await Self.issueNameOnly(in: certificates) }
        let files = Files()
        let gate = Gate()
        let router = Router()
        router.get("/files/**") { request, _ -> Response in
            guard let file = await files.hit(request.uri.path) else { return Response(status: .notFound) }
            var headers = HTTPFields()
            headers[.contentType] = "application/json"
            for (name, value) in file.headers { headers.append(HTTPField(name: HTTPField.Name(name)!, value: value)) }
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: file.body)))
        }
        let big = ByteBuffer(repeating: UInt8(ascii: "x"), count: 64 * 1024)
        router.get("/big") { _, _ in Response(status: .ok, body: .init(byteBuffer: big)) }
        router.get("/big-chunked") { _, _ in
            Response(
                status: .ok,
                body: ResponseBody { writer in
                    for _ in 0..<64 { try await writer.write(ByteBuffer(repeating: UInt8(ascii: "x"), count: 1024)) }
                    try await writer.finish(nil)
                }
            )
        }
        router.get("/slow") { _, _ in
            Response(
                status: .ok,
                body: ResponseBody { writer in
                    try await writer.write(ByteBuffer(string: "{\"client_id\":"))
                    await gate.wait()
                    try await writer.finish(nil)
                }
            )
        }
        router.get("/redirect") { _, _ in
            Response(status: .found, headers: [.location: "/files/target"])
        }
        router.post("/echo") { request, _ -> Response in
            let form = String(buffer: try await request.body.collect(upTo: 1 << 16))
            let authorization = request.headers[.authorization] ?? ""
            let json = #"{"form":"\#(form)","authorization":"\#(authorization)"}"#
            return Response(
                status: .ok,
                headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(string: json))
            )
        }

        var tls = TLSConfiguration.makeServerConfiguration(
            certificateChain: try NIOSSLCertificate.fromPEMFile(certificates.path("\(certificate.rawValue).pem"))
                .map { .certificate($0) },
            privateKey: .privateKey(
                try NIOSSLPrivateKey(file: certificates.path("\(certificate.rawValue).key"), format: .pem)
            )
        )
        tls.minimumTLSVersion = .tlsv12
        let (ports, portInput) = AsyncStream.makeStream(of: Int.self)
        var logger = Logger(label: "outbound-test-server")
        logger.logLevel = .critical
        let app = Application(
            router: router,
            server: try .tls(.http1(), tlsConfiguration: tls),
            configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in
                portInput.yield(channel.localAddress?.port ?? 0)
                portInput.finish()
            },
            logger: logger
        )
        let services = ServiceGroup(configuration: .init(services: [app], logger: logger))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await services.run() }
            var iterator = ports.makeAsyncIterator()
            let port = try #require(await iterator.next())
            var failure: (any Error)?
            do {
                try await body(OutboundTestServer(port: port, certificates: certificates, files: files))
            } catch {
                failure = error
            }
            await gate.open()
            await services.triggerGracefulShutdown()
            try await group.waitForAll()
            if let failure { throw failure }
        }
    }

    /// `named.pem` and `named.key`: a server certificate for `DNS:localhost` only, from the test CA.
    private static func issueNameOnly(in certificates: TestCertificates) async throws {
        try Data("subjectAltName=DNS:localhost\nextendedKeyUsage=serverAuth".utf8)
            .write(to: URL(fileURLWithPath: certificates.path("named.ext")))
        let steps = [
            [
                "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-subj", "/CN=localhost",
                "-keyout", certificates.path("named.key"), "-out", certificates.path("named.csr"),
            ],
            [
                "x509", "-req", "-in", certificates.path("named.csr"), "-CA", certificates.path("ca.pem"), "-CAkey",
                certificates.path("ca.key"), "-CAcreateserial", "-days", "2", "-extfile",
                certificates.path("named.ext"),
                "-out", certificates.path("named.pem"),
            ],
        ]
        for arguments in steps {
            let run = try await ChildProcess.run(URL(fileURLWithPath: "/usr/bin/env"), ["openssl"] + arguments)
            try #require(run.status == 0, "openssl \(arguments[0]): \(run.errors.joined(separator: "\n"))")
        }
    }
}
