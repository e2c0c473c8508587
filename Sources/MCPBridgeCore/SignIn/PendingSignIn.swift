import Crypto
import MCPWire

#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
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

/// A person's sign-in that has started and not finished, written beside the credentials (0600, atomic) by the
/// copy of the bridge that started it, while it holds the store's lock.
///
/// Hosts restart bridges: Claude Desktop kills a copy that takes too long to answer, and starts several at once.
/// The lock dies with its process, so the next copy gets it, finds this record, and takes the same sign-in over:
/// it listens on the same port for the same `state` (or polls the same device code) instead of opening a second
/// browser tab the person would have to find. Copies waiting for the lock read it to tell their host where to
/// sign in.
public struct PendingSignIn: Codable, Sendable, Hashable {
    public var issuer: String
    public var resource: String
    public var clientID: String
    public var scope: String?
    /// A browser sign-in: the request, with its PKCE verifier and `state`.
    public var request: AuthorizationRequest?
    /// A browser sign-in: the link the person opens, which leads to the request's URL.
    public var link: SignInLink?
    /// A device-code sign-in (the device code is a secret, as the PKCE verifier is: the file is 0600).
    public var device: DeviceAuthorization?
    public var startedAt: Date
    /// When it is abandoned (the flow lifetime, or the device code's expiry).
    public var expiresAt: Date
    /// The process that started it, for the log only.
    public var pid: Int32

    /// What a person must do, for the host's errors, its log and the `initialize` the bridge answers: "sign in at
    /// LINK" (the ``SignInLink``, never the authorization URL with its `state`), or "open URL and enter the code
    /// shown in the bridge's log". What reaches the host may reach its model, and whoever holds a device's user
    /// code can approve it with an account of their own: the code goes only to the bridge's log
    /// (``logInstructions``).
    public var instructions: String {
        if let device {
            return "open \(device.verificationURI) and enter the code shown in mcp-bridge's log (its standard error)"
        }
        return "sign in at \(self.link?.url ?? "the link in mcp-bridge's log")"
    }

    /// ``instructions`` with the device's user code, for the bridge's standard error only.
    public var logInstructions: String {
        guard let device else { return self.instructions }
        if let complete = device.verificationURIComplete {
            return "open \(device.verificationURI) and enter the code \(device.userCode) (or open \(complete))"
        }
        return "open \(device.verificationURI) and enter the code \(device.userCode)"
    }

    /// Whether it can still finish at `now`.
    public func isLive(at now: Date) -> Bool { now < self.expiresAt }

    enum CodingKeys: String, CodingKey {
        case issuer, resource, scope, request, link, device, pid
        case clientID = "client_id"
        case startedAt = "started_at"
        case expiresAt = "expires_at"
    }
}

extension CredentialStore {
    /// The sign-in in progress for `issuer` and `resource`, if a copy of the bridge started one.
    func pendingSignIn(issuer: String, resource: String) -> PendingSignIn? {
        guard
            let data = FileManager.default.contents(
                atPath: self.pendingFileURL(issuer: issuer, resource: resource).path
            ),
            let pending = try? Self.decoder.decode(PendingSignIn.self, from: data),
            pending.issuer == issuer, pending.resource == resource
        else { return nil }
        return pending
    }

    /// Records a sign-in as started (before the browser opens, so a copy started a moment later can take it over).
    func savePendingSignIn(_ pending: PendingSignIn) throws(BridgeError) {
        try self.prepareDirectory()
        let data: Data
        do {
            data = try Self.encoder.encode(pending)
        } catch {
            throw .configuration("could not encode the pending sign-in: \(error)")
        }
        try self.writeAtomically(data, to: self.pendingFileURL(issuer: pending.issuer, resource: pending.resource))
    }

    /// Forgets the sign-in in progress (it finished, failed, or expired).
    func removePendingSignIn(issuer: String, resource: String) {
        unlink(self.pendingFileURL(issuer: issuer, resource: resource).path)
    }

    private func pendingFileURL(issuer: String, resource: String) -> URL {
        self.fileURL(issuer: issuer, resource: resource).deletingPathExtension().appendingPathExtension("pending")
    }
}
