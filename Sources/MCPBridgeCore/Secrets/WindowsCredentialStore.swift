#if os(Windows)
import NIOPosix
import WinSDK

/// Windows Credential Manager: one generic credential per account, named `mcp-bridge:<account>`, persisted for
/// this user on this machine (`CRED_PERSIST_LOCAL_MACHINE`, so it does not roam to other computers). Written
/// against the documented `wincred.h` API; not compiled on the Linux machines that test the rest.
public struct WindowsCredentialStore: SecretStore {
    public let name = "Windows Credential Manager"

    /// `CRED_MAX_CREDENTIAL_BLOB_SIZE` (5 × 512 bytes): a bigger secret is refused with an error, so with
    /// `--credential-store auto` that credential set stays in the file.
    static let maxBlobBytes = 5 * 512

    public init() {}

    /// The credential's target name.
    static func target(account: String) -> String {
        "mcp-bridge:\(account)"
    }

    public func read(account: String) async throws(BridgeError) -> [UInt8]? {
        try await Self.run("read a secret") { () throws(WindowsFailure) -> [UInt8]? in
            let (secret, code) = Self.target(account: account).withCString(encodedAs: UTF16.self) { target in
                var credential: PCREDENTIALW?
                guard CredReadW(target, DWORD(CRED_TYPE_GENERIC), 0, &credential), let credential else {
                    return ([UInt8]?.none, GetLastError())
                }
                defer { CredFree(credential) }
                let size = Int(credential.pointee.CredentialBlobSize)
                guard size > 0, let blob = credential.pointee.CredentialBlob else { return ([], DWORD(0)) }
                return (Array(UnsafeBufferPointer(start: blob, count: size)), DWORD(0))
            }
            if let secret { return secret }
            if code == DWORD(ERROR_NOT_FOUND) { return nil }
            throw WindowsFailure(code: code)
        }
    }

    public func write(_ secret: [UInt8], account: String, label: String) async throws(BridgeError) {
        guard secret.count <= Self.maxBlobBytes else {
            throw .configuration(
                "Windows Credential Manager could not save a secret: \(secret.count) bytes is over its "
                    + "\(Self.maxBlobBytes)-byte limit"
            )
        }
        try await Self.run("save a secret") { () throws(WindowsFailure) in
            var blob = secret
            let code = Self.target(account: account).withCString(encodedAs: UTF16.self) { target in
                account.withCString(encodedAs: UTF16.self) { user in
                    // CRED_MAX_STRING_LENGTH is 256 characters, with the terminating NUL.
                    String(label.prefix(255)).withCString(encodedAs: UTF16.self) { comment in
                        blob.withUnsafeMutableBufferPointer { bytes in
                            var credential = CREDENTIALW()
                            credential.Type = DWORD(CRED_TYPE_GENERIC)
                            credential.TargetName = UnsafeMutablePointer(mutating: target)
                            credential.Comment = UnsafeMutablePointer(mutating: comment)
                            credential.UserName = UnsafeMutablePointer(mutating: user)
                            credential.CredentialBlobSize = DWORD(bytes.count)
                            credential.CredentialBlob = bytes.baseAddress
                            credential.Persist = DWORD(CRED_PERSIST_LOCAL_MACHINE)
                            return CredWriteW(&credential, 0) ? DWORD(0) : GetLastError()
                        }
                    }
                }
            }
            guard code == 0 else { throw WindowsFailure(code: code) }
        }
    }

    public func delete(account: String) async throws(BridgeError) {
        try await Self.run("delete a secret") { () throws(WindowsFailure) in
            let code = Self.target(account: account).withCString(encodedAs: UTF16.self) { target in
                CredDeleteW(target, DWORD(CRED_TYPE_GENERIC), 0) ? DWORD(0) : GetLastError()
            }
            guard code == 0 || code == DWORD(ERROR_NOT_FOUND) else { throw WindowsFailure(code: code) }
        }
    }

    private struct WindowsFailure: Error {
        let code: DWORD
    }

    private static func run<T: Sendable>(
        _ what: String,
        _ body: @escaping @Sendable () throws(WindowsFailure) -> T
    ) async throws(BridgeError) -> T {
        let outcome: Result<T, WindowsFailure>
        do {
            outcome = try await NIOThreadPool.singleton.runIfActive {
                Result { () throws(WindowsFailure) in try body() }
            }
        } catch {
            throw .configuration("Windows Credential Manager could not \(what): \(error)")
        }
        switch outcome {
        case .success(let value): return value
        case .failure(let failure):
            throw .configuration("Windows Credential Manager could not \(what): Windows error \(failure.code)")
        }
    }
}
#endif
