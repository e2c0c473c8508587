#if os(Linux)
import NIOConcurrencyHelpers
import NIOPosix

/// The freedesktop.org Secret Service (GNOME Keyring, KeePassXC, KWallet's ksecretd) over the D-Bus session bus.
///
/// Each account is one item in the default collection (the login keyring), found by the attributes
/// `application=mcp-bridge`, `account=<account>` and `xdg:schema=dev.remote-mcp.mcp-bridge`, so libsecret's
/// `secret-tool lookup application mcp-bridge account <account>` finds it too. A locked keyring is unlocked
/// through the service's prompt, in which the desktop asks for the keyring's password.
///
/// Nothing happens at start-up: the first use connects, and later ones reuse the connection (a failed use drops
/// it, so the next one starts afresh). The D-Bus client blocks, so every use runs on NIO's blocking-I/O pool, one
/// at a time, each call with a deadline: a hung daemon costs ``callTimeout``, not a hung bridge.
public final class SecretServiceStore: SecretStore {
    public let name = "Secret Service (org.freedesktop.secrets)"
    /// How long one D-Bus call may wait for its answer.
    public let callTimeout: Duration
    /// How long an unlock prompt may wait for the person to answer it.
    public let promptTimeout: Duration
    private let address: DBusAddress
    private let session = NIOLockedValueBox<Session?>(nil)

    public static let defaultCallTimeout: Duration = .seconds(5)
    public static let defaultPromptTimeout: Duration = .seconds(120)

    /// The store on the bus at `busAddress` (`DBUS_SESSION_BUS_ADDRESS`); connects to nothing yet.
    ///
    /// - Throws: ``BridgeError/configuration(_:)`` when the address names no Unix socket.
    public init(
        busAddress: String,
        callTimeout: Duration = SecretServiceStore.defaultCallTimeout,
        promptTimeout: Duration = SecretServiceStore.defaultPromptTimeout
    ) throws(BridgeError) {
        do {
            self.address = try DBusAddress(parsing: busAddress)
        } catch {
            throw .configuration("the Secret Service cannot be used: \(error)")
        }
        self.callTimeout = callTimeout
        self.promptTimeout = promptTimeout
    }

    deinit {
        self.session.withLockedValue { $0?.connection.close() }
    }

    public func read(account: String) async throws(BridgeError) -> [UInt8]? {
        try await self.perform("read a secret") { connection, session throws(DBusFailure) in
            guard let item = try self.unlockedItems(account: account, &connection).first else { return nil }
            let reply = try connection.call(
                Self.service,
                Self.servicePath,
                Self.serviceInterface,
                "GetSecrets",
                [.objectPaths([item]), .objectPath(session)]
            )
            // a{o(oayays)}: the secret struct is (session, parameters, value, content type).
            guard let secret = reply.first?.entries?.first(where: { $0.key.objectPath == item })?.value.fields,
                secret.count == 4, let value = secret[2].byteArray
            else { throw .malformed("GetSecrets answered without the item's secret") }
            return value
        }
    }

    public func write(_ secret: [UInt8], account: String, label: String) async throws(BridgeError) {
        try await self.perform("save a secret") { connection, session throws(DBusFailure) in
            let properties = DBusValue.dictionary(
                .string,
                .variant,
                [
                    .init(key: .string("org.freedesktop.Secret.Item.Label"), value: .variant(.string(label))),
                    .init(
                        key: .string("org.freedesktop.Secret.Item.Attributes"),
                        value: .variant(.stringDictionary(Self.attributes(account: account)))
                    ),
                ]
            )
            let arguments: [DBusValue] = [
                properties,
                .structure([.objectPath(session), .bytes([]), .bytes(secret), .string("application/json")]),
                .boolean(true),  // replace the item with the same attributes
            ]
            let create = { (connection: inout DBusConnection) throws(DBusFailure) -> [DBusValue] in
                try connection.call(
                    Self.service,
                    Self.defaultCollection,
                    Self.collectionInterface,
                    "CreateItem",
                    arguments
                )
            }
            var reply: [DBusValue]
            do throws(DBusFailure) {
                reply = try create(&connection)
            } catch .remote(let name, _) where name == Self.isLocked {
                // The login keyring is locked: unlocking asks the person, then the item is created.
                let collection = try connection.call(
                    Self.service,
                    Self.servicePath,
                    Self.serviceInterface,
                    "ReadAlias",
                    [.string("default")]
                )
                guard let path = collection.first?.objectPath, path != "/" else {
                    throw .remote(name: Self.noSuchObject, message: "there is no default keyring")
                }
                _ = try self.unlock([path], &connection)
                reply = try create(&connection)
            }
            guard reply.count == 2, let prompt = reply[1].objectPath else {
                throw .malformed("CreateItem answered with the signature (\(reply.map(\.type.signature).joined()))")
            }
            _ = try self.complete(prompt: prompt, &connection)
        }
    }

    public func delete(account: String) async throws(BridgeError) {
        try await self.perform("delete a secret") { connection, _ throws(DBusFailure) in
            for item in try self.unlockedItems(account: account, &connection) {
                let reply = try connection.call(Self.service, item, "org.freedesktop.Secret.Item", "Delete")
                _ = try self.complete(prompt: reply.first?.objectPath ?? "/", &connection)
            }
        }
    }

    // MARK: Secret Service steps

    static let service = "org.freedesktop.secrets"
    static let servicePath = "/org/freedesktop/secrets"
    static let serviceInterface = "org.freedesktop.Secret.Service"
    static let collectionInterface = "org.freedesktop.Secret.Collection"
    static let defaultCollection = "/org/freedesktop/secrets/aliases/default"
    static let isLocked = "org.freedesktop.Secret.Error.IsLocked"
    static let noSuchObject = "org.freedesktop.Secret.Error.NoSuchObject"
    /// The libsecret schema name, so keyring programs group the bridge's items.
    public static let schema = "dev.remote-mcp.mcp-bridge"

    /// The attributes that find the item for `account`.
    public static func attributes(account: String) -> [String: String] {
        ["application": "mcp-bridge", "account": account, "xdg:schema": Self.schema]
    }

    /// The items for `account`, unlocked (which may prompt the person).
    private func unlockedItems(account: String, _ connection: inout DBusConnection) throws(DBusFailure) -> [String] {
        let found = try connection.call(
            Self.service,
            Self.servicePath,
            Self.serviceInterface,
            "SearchItems",
            [.stringDictionary(Self.attributes(account: account))]
        )
        guard found.count == 2, let unlocked = found[0].objectPathArray, let locked = found[1].objectPathArray else {
            throw .malformed("SearchItems answered with the signature (\(found.map(\.type.signature).joined()))")
        }
        return locked.isEmpty ? unlocked : unlocked + (try self.unlock(locked, &connection))
    }

    /// Unlocks `objects`; returns those now unlocked.
    private func unlock(_ objects: [String], _ connection: inout DBusConnection) throws(DBusFailure) -> [String] {
        let reply = try connection.call(
            Self.service,
            Self.servicePath,
            Self.serviceInterface,
            "Unlock",
            [.objectPaths(objects)]
        )
        guard reply.count == 2, let unlocked = reply[0].objectPathArray, let prompt = reply[1].objectPath else {
            throw .malformed("Unlock answered with the signature (\(reply.map(\.type.signature).joined()))")
        }
        guard prompt != "/" else { return unlocked }
        return unlocked + (try self.complete(prompt: prompt, &connection)?.objectPathArray ?? [])
    }

    /// Shows the prompt at `path` (unless it is `/`, no prompt) and waits for its `Completed` signal, at most
    /// ``promptTimeout``; returns its result.
    ///
    /// - Throws: ``isLocked`` when the person dismissed the prompt.
    private func complete(prompt path: String, _ connection: inout DBusConnection) throws(DBusFailure) -> DBusValue? {
        guard path != "/" else { return nil }
        // Only the keyring's own Completed counts: another program on the bus could otherwise answer the prompt.
        let owner = try connection.call(
            DBusConnection.bus,
            DBusConnection.busPath,
            DBusConnection.bus,
            "GetNameOwner",
            [
                .string(Self.service)
            ]
        ).first?.string
        guard let owner else { throw .malformed("GetNameOwner named no owner of \(Self.service)") }
        let completed = DBusSignalMatch(
            path: path,
            interface: "org.freedesktop.Secret.Prompt",
            member: "Completed",
            sender: owner
        )
        // Watched before the prompt starts, since it may complete before its own call's reply arrives.
        try connection.watch(completed)
        defer { connection.unwatch(completed) }
        try connection.call(Self.service, path, "org.freedesktop.Secret.Prompt", "Prompt", [.string("")])
        let signal = try connection.nextSignal(completed, timeout: self.promptTimeout)
        guard signal.count == 2, let dismissed = signal[0].boolean else {
            throw .malformed("a Completed signal with the signature (\(signal.map(\.type.signature).joined()))")
        }
        guard !dismissed else { throw .remote(name: Self.isLocked, message: "the unlock prompt was dismissed") }
        return signal[1].variantValue
    }

    // MARK: Connection

    private struct Session: Sendable {
        var connection: DBusConnection
        /// The `plain` session's object path: secrets travel unencrypted over the user's own bus socket, which
        /// only this user's processes can reach.
        var path: String
    }

    private static func openSession(_ address: DBusAddress, callTimeout: Duration) throws(DBusFailure) -> Session {
        var connection = try DBusConnection.open(address, callTimeout: callTimeout)
        do throws(DBusFailure) {
            let reply = try connection.call(
                Self.service,
                Self.servicePath,
                Self.serviceInterface,
                "OpenSession",
                [.string("plain"), .variant(.string(""))]
            )
            guard reply.count == 2, let path = reply[1].objectPath else {
                throw DBusFailure.malformed("OpenSession answered without a session")
            }
            return Session(connection: connection, path: path)
        } catch {
            connection.close()
            throw error
        }
    }

    /// Runs `body` on the blocking-I/O pool with the connection (opened first if need be) and the session's path.
    private func perform<T: Sendable>(
        _ what: String,
        _ body: @escaping @Sendable (inout DBusConnection, String) throws(DBusFailure) -> T
    ) async throws(BridgeError) -> T {
        let outcome: Result<T, DBusFailure>
        do {
            outcome = try await NIOThreadPool.singleton.runIfActive { [session, address, callTimeout] in
                session.withLockedValue { current -> Result<T, DBusFailure> in
                    if current == nil {
                        do throws(DBusFailure) {
                            current = try Self.openSession(address, callTimeout: callTimeout)
                        } catch {
                            return .failure(error)
                        }
                    }
                    var open = current!
                    // Taken out, and put back only if all went well: after a failure the next use reconnects.
                    current = nil
                    do throws(DBusFailure) {
                        let value = try body(&open.connection, open.path)
                        current = open
                        return .success(value)
                    } catch {
                        open.connection.close()
                        return .failure(error)
                    }
                }
            }
        } catch {
            throw .configuration("\(self.name) could not \(what): \(error)")
        }
        switch outcome {
        case .success(let value): return value
        case .failure(let failure): throw self.bridgeError(failure, what)
        }
    }

    private func bridgeError(_ failure: DBusFailure, _ what: String) -> BridgeError {
        let reason: String
        switch failure {
        case .remote(let name, _)
        where name == "org.freedesktop.DBus.Error.ServiceUnknown" || name == "org.freedesktop.DBus.Error.NameHasNoOwner":
            reason = "nothing on the session bus provides \(Self.service) (no keyring is running)"
        case .remote(let name, let message) where name == Self.isLocked:
            reason = "the keyring is locked (\(message.isEmpty ? name : message))"
        case .timeout(let detail):
            return .timeout("\(self.name) could not \(what): \(detail)")
        default:
            reason = failure.description
        }
        return .configuration("\(self.name) could not \(what): \(reason)")
    }
}
#endif
