import Logging
import MCPWire

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension TokenProvider {
    /// Signs out of this server everywhere the bridge can: revokes the refresh and access tokens (RFC 7009) where
    /// the authorization server has a revocation endpoint, deletes a registration the bridge made (RFC 7592), and
    /// removes the local credentials and any sign-in in progress. Returns one line per step, for the person.
    public func signOut() async throws -> [String] {
        let resource = self.resource.absoluteString
        var report: [String] = []
        let found = self.store.credentials(forResource: resource)
        guard !found.isEmpty else { return ["No credentials stored for \(resource)."] }
        for stored in found {
            report += try await self.signOut(issuer: stored.issuer, resource: resource)
        }
        self.credentialsCleared()
        report.append("Removed the stored credentials for \(resource).")
        return report
    }

    /// One credential set, under the store's lock (a copy of the bridge may be refreshing it right now).
    private nonisolated func signOut(issuer: String, resource: String) async throws -> [String] {
        try await self.store.withLock(issuer: issuer, resource: resource) {
            // Strict: with the keyring unreachable, the refresh token it holds could be neither revoked nor
            // deleted, and reporting a sign-out then would be false. The file stays, so a later logout can finish.
            guard
                let credentials = try await self.store.loadWithSecrets(issuer: issuer, resource: resource, strict: true)
            else {
                return []
            }
            var report = await self.revoke(credentials)
            report += await self.deleteRegistration(credentials)
            try await self.store.remove(issuer: issuer, resource: resource, strict: credentials.secretsInSystemStore)
            self.store.removePendingSignIn(issuer: issuer, resource: resource)
            return report
        }
    }

    private nonisolated func revoke(_ credentials: StoredCredentials) async -> [String] {
        let tokens = [("refresh_token", credentials.refreshToken), ("access_token", credentials.accessToken)]
            .compactMap { hint, token in token.map { (hint, $0) } }
        guard !tokens.isEmpty else { return [] }
        guard let endpoint = credentials.revocationEndpoint else {
            return ["The authorization server offers no revocation; the tokens expire on their own."]
        }
        var report: [String] = []
        for (hint, token) in tokens {
            let name = hint == "refresh_token" ? "refresh token" : "access token"
            do {
                let status = try await self.oauth.revoke(
                    token: token,
                    hint: hint,
                    endpoint: endpoint,
                    client: try self.clientAuthentication(for: credentials)
                )
                report.append(
                    status == 200
                        ? "Revoked the \(name) at \(endpoint)."
                        : "The server refused to revoke the \(name) (HTTP \(status))."
                )
            } catch {
                report.append("Could not revoke the \(name) (\(error)).")
            }
        }
        return report
    }

    private nonisolated func deleteRegistration(_ credentials: StoredCredentials) async -> [String] {
        guard credentials.clientSource == .registered else { return [] }
        guard let uri = credentials.registrationClientURI, let token = credentials.registrationAccessToken else {
            return ["The server gave no way to delete client \(credentials.clientID); removing it locally."]
        }
        do {
            let status = try await self.oauth.deleteRegistration(uri: uri, accessToken: token)
            switch status {
            case 204, 200: return ["Deleted client \(credentials.clientID) on the server."]
            case 401, 404: return ["The server no longer knows client \(credentials.clientID) (HTTP \(status))."]
            default:
                return [
                    "The server refused to delete client \(credentials.clientID) (HTTP \(status)); removing it locally."
                ]
            }
        } catch {
            return [
                "Could not reach the server to delete client \(credentials.clientID) (\(error)); removing it locally."
            ]
        }
    }
}
