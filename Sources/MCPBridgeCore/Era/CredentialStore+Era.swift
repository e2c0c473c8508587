import Crypto
import MCPWire

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#elseif canImport(ucrt)
import ucrt
#endif

/// What each server was found to speak, kept beside the credentials so every copy of the bridge (and every
/// restart) skips the probe: one small file per server URL, written the way credentials are.
extension CredentialStore {
    /// What is known of a server's eras; `nil` where nothing is known yet.
    struct ServerEras: Codable, Equatable {
        var server: String
        /// Whether it answers `initialize`.
        var speaksLegacy: Bool?
        /// Whether it answers `server/discover`.
        var speaksModern: Bool?
        var checkedAt: Date
    }

    /// What is cached for `server`.
    func cachedEras(forServer server: URL) -> ServerEras? {
        guard let data = FileManager.default.contents(atPath: self.eraFileURL(server).path),
            let record = try? Self.decoder.decode(ServerEras.self, from: data), record.server == server.absoluteString
        else { return nil }
        return record
    }

    /// Records what was learned of `server`, keeping what else is known unless `replacing`.
    func learnEras(
        forServer server: URL,
        speaksLegacy: Bool? = nil,
        speaksModern: Bool? = nil,
        replacing: Bool = false
    ) {
        let known = replacing ? nil : self.cachedEras(forServer: server)
        let record = ServerEras(
            server: server.absoluteString,
            speaksLegacy: speaksLegacy ?? known?.speaksLegacy,
            speaksModern: speaksModern ?? known?.speaksModern,
            checkedAt: Date()
        )
        guard record.speaksLegacy != known?.speaksLegacy || record.speaksModern != known?.speaksModern else { return }
        do {
            try self.prepareDirectory()
            try self.writeAtomically(try Self.encoder.encode(record), to: self.eraFileURL(server))
        } catch {
            // A failure only costs a probe next time: not worth failing a session over.
        }
    }

    /// Forgets what is cached for `server` (it answered in a way the cache does not explain).
    func forgetEras(forServer server: URL) {
        unlink(self.eraFileURL(server).path)
    }

    private func eraFileURL(_ server: URL) -> URL {
        let digest = SHA256.hash(data: Data("era\n\(server.absoluteString)".utf8))
        return self.directory.appendingPathComponent(Hex.encode(digest.prefix(16)) + ".era")
    }
}
