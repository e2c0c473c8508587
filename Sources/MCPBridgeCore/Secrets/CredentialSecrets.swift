#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The valuable part of a credential set, kept as one secret-store item when there is a store: the client
/// secret, the refresh token and the registration access token, as a small JSON object of the non-nil ones.
struct CredentialSecrets: Codable, Equatable, Sendable {
    var clientSecret: String?
    var refreshToken: String?
    var registrationAccessToken: String?

    enum CodingKeys: String, CodingKey {
        case clientSecret = "client_secret"
        case refreshToken = "refresh_token"
        case registrationAccessToken = "registration_access_token"
    }

    /// The secrets of `credentials`.
    init(of credentials: StoredCredentials) {
        self.clientSecret = credentials.clientSecret
        self.refreshToken = credentials.refreshToken
        self.registrationAccessToken = credentials.registrationAccessToken
    }

    /// Whether there is nothing to keep.
    var isEmpty: Bool {
        self.clientSecret == nil && self.refreshToken == nil && self.registrationAccessToken == nil
    }

    /// Puts the secrets into `credentials`.
    func fill(_ credentials: inout StoredCredentials) {
        credentials.clientSecret = self.clientSecret
        credentials.refreshToken = self.refreshToken
        credentials.registrationAccessToken = self.registrationAccessToken
    }

    /// Takes the secrets out of `credentials`.
    static func strip(_ credentials: inout StoredCredentials) {
        credentials.clientSecret = nil
        credentials.refreshToken = nil
        credentials.registrationAccessToken = nil
    }

    /// The item's bytes.
    func encoded() throws(BridgeError) -> [UInt8] {
        do {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            return Array(try encoder.encode(self))
        } catch {
            throw .configuration("could not encode the credential secrets: \(error)")
        }
    }

    /// The secrets in an item's bytes.
    init(decoding bytes: [UInt8]) throws(BridgeError) {
        do {
            self = try JSONDecoder().decode(Self.self, from: Data(bytes))
        } catch {
            // The decoder's message could quote the item; it is never repeated.
            throw .configuration("the secret store's item is not the bridge's secrets JSON")
        }
    }
}
