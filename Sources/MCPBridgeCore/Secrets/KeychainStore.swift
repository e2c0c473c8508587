#if os(macOS)
import Foundation
import NIOPosix
import Security

/// The macOS Keychain: one generic password per account, service `mcp-bridge`, in the user's default (login)
/// keychain. Written against Security's documented `SecItem` API; not compiled on the Linux machines that test
/// the rest.
///
/// `SecItem` calls can block on a keychain prompt ("mcp-bridge wants to use your confidential information"), so
/// they run on NIO's blocking-I/O pool, not on the cooperative pool.
public struct KeychainStore: SecretStore {
    public let name = "macOS Keychain"
    /// The `kSecAttrService` of every item the bridge keeps.
    public static let service = "mcp-bridge"

    public init() {}

    public func read(account: String) async throws(BridgeError) -> [UInt8]? {
        try await Self.run("read a secret") { () throws(KeychainFailure) -> [UInt8]? in
            var query = Self.query(account: account)
            query[kSecReturnData as String] = true
            query[kSecMatchLimit as String] = kSecMatchLimitOne
            var result: CFTypeRef?
            let status = SecItemCopyMatching(query as CFDictionary, &result)
            if status == errSecItemNotFound { return nil }
            guard status == errSecSuccess else { throw KeychainFailure(status: status) }
            guard let data = result as? Data else { throw KeychainFailure(status: errSecInternalError) }
            return [UInt8](data)
        }
    }

    public func write(_ secret: [UInt8], account: String, label: String) async throws(BridgeError) {
        try await Self.run("save a secret") { () throws(KeychainFailure) in
            let query = Self.query(account: account)
            let attributes: [String: Any] = [kSecValueData as String: Data(secret), kSecAttrLabel as String: label]
            var status = SecItemUpdate(query as CFDictionary, attributes as CFDictionary)
            if status == errSecItemNotFound {
                status = SecItemAdd(query.merging(attributes) { _, new in new } as CFDictionary, nil)
            }
            guard status == errSecSuccess else { throw KeychainFailure(status: status) }
        }
    }

    public func delete(account: String) async throws(BridgeError) {
        try await Self.run("delete a secret") { () throws(KeychainFailure) in
            let status = SecItemDelete(Self.query(account: account) as CFDictionary)
            guard status == errSecSuccess || status == errSecItemNotFound else {
                throw KeychainFailure(status: status)
            }
        }
    }

    /// What finds the item for `account`.
    private static func query(account: String) -> [String: Any] {
        [
            kSecClass as String: kSecClassGenericPassword,
            kSecAttrService as String: Self.service,
            kSecAttrAccount as String: account,
        ]
    }

    private struct KeychainFailure: Error {
        let status: OSStatus

        var description: String {
            let text = SecCopyErrorMessageString(self.status, nil) as String? ?? "unknown error"
            return "\(text) (OSStatus \(self.status))"
        }
    }

    private static func run<T: Sendable>(
        _ what: String,
        _ body: @escaping @Sendable () throws(KeychainFailure) -> T
    ) async throws(BridgeError) -> T {
        let outcome: Result<T, KeychainFailure>
        do {
            outcome = try await NIOThreadPool.singleton.runIfActive {
                Result { () throws(KeychainFailure) in try body() }
            }
        } catch {
            throw .configuration("the macOS Keychain could not \(what): \(error)")
        }
        switch outcome {
        case .success(let value): return value
        case .failure(let failure): throw .configuration("the macOS Keychain could not \(what): \(failure.description)")
        }
    }
}
#endif
