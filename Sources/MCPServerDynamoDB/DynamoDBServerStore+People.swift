public import MCPServerCore
import MCPWire

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// People: `pk = "people", sk = <id>`, and for each username an index item
/// `pk = "people-by-username", sk = <username>` holding `person_id`. A person and their index item are written
/// together by one `TransactWriteItems` whose conditions keep usernames unique.
extension DynamoDBServerStore {
    static let peoplePartition = "people"
    static let usernamePartition = "people-by-username"
    /// How often a write that lost a race with another write to the same person reads again and retries.
    static let personAttempts = 8

    public func insertPerson(_ person: StoredPerson) async throws {
        guard let username = person.username else {
            guard try await self.put(Self.item(person), condition: "attribute_not_exists(#pk)") else {
                throw ServerStoreError.duplicate
            }
            return
        }
        let inserted = try await self.transact([
            Self.action("Put", ["Item": Self.item(person), "ConditionExpression": "attribute_not_exists(#pk)"]),
            Self.action(
                "Put",
                [
                    "Item": Self.usernameItem(username, id: person.id),
                    "ConditionExpression": "attribute_not_exists(#pk)",
                ]
            ),
        ])
        guard inserted else { throw ServerStoreError.duplicate }
    }

    public func person(id: String) async throws -> StoredPerson? {
        try await self.get(pk: Self.peoplePartition, sk: id).map(Self.person(from:))
    }

    public func person(username: String) async throws -> StoredPerson? {
        guard let index = try await self.get(pk: Self.usernamePartition, sk: username),
            let id = Self.text(index, "person_id"), let person = try await self.person(id: id),
            person.username == username
        else { return nil }
        return person
    }

    public func updatePerson(_ person: StoredPerson) async throws {
        for _ in 0..<Self.personAttempts {
            guard let old = try await self.person(id: person.id) else { throw ServerStoreError.notFound }
            // The write applies only to the person as read, so the index items it moves are the right ones.
            let unchanged = Self.usernameIs(old.username)
            var values: [String: JSONValue] = [":id": Self.s(person.id)]
            if let name = old.username { values[":old_username"] = Self.s(name) }
            if old.username == person.username {
                if try await self.put(Self.item(person), condition: unchanged, values: values) { return }
                continue
            }
            var actions = [
                Self.action(
                    "Put",
                    ["Item": Self.item(person), "ConditionExpression": .string(unchanged)],
                    values: values
                )
            ]
            if let name = person.username {
                actions.append(
                    Self.action(
                        "Put",
                        [
                            "Item": Self.usernameItem(name, id: person.id),
                            "ConditionExpression": "attribute_not_exists(#pk) OR #person_id = :id",
                        ],
                        values: values
                    )
                )
            }
            if let name = old.username {
                actions.append(Self.releaseUsername(name, id: person.id))
            }
            if try await self.transact(actions) { return }
            // Cancelled: the person changed or went away meanwhile (read again), or the new username is taken.
            guard let now = try await self.person(id: person.id) else { throw ServerStoreError.notFound }
            if now.username == old.username { throw ServerStoreError.duplicate }
        }
        throw ServerStoreError.unavailable("person \(person.id) kept changing during the update")
    }

    public func upsertUpstreamPerson(_ person: StoredPerson) async throws -> StoredPerson {
        // Without a username, one UpdateItem inserts or refreshes. With one, a new person needs its index item, so
        // the refresh is conditional on the person existing and a new one goes through insertPerson. Either way a new
        // person starts at the version of their creation time.
        var person = person
        person.credentialVersion = StoredPerson.initialCredentialVersion(createdAt: person.createdAt)
        for _ in 0..<Self.personAttempts {
            if let stored = try await self.refreshUpstreamPerson(person, existingOnly: person.username != nil) {
                return stored
            }
            do {
                try await self.insertPerson(person)
                return person
            } catch let error as ServerStoreError where error == .duplicate {
                // Inserted by a concurrent sign-in (refresh it), or the username is another person's.
                guard try await self.person(id: person.id) != nil else { throw ServerStoreError.duplicate }
            }
        }
        throw ServerStoreError.unavailable("person \(person.id) kept changing during the upsert")
    }

    public func deletePerson(id: String) async throws -> Bool {
        for _ in 0..<Self.personAttempts {
            guard let old = try await self.person(id: id) else { return false }
            let consents = try await self.query(pk: Self.consentPartition(id)).compactMap { Self.text($0, "sk") }
            var values: [String: JSONValue] = [":id": Self.s(id)]
            if let name = old.username { values[":old_username"] = Self.s(name) }
            var actions = [
                Self.action(
                    "Delete",
                    [
                        "Key": Self.key(Self.peoplePartition, id),
                        "ConditionExpression": .string(Self.usernameIs(old.username)),
                    ],
                    values: values
                )
            ]
            if let name = old.username { actions.append(Self.releaseUsername(name, id: id)) }
            let inTransaction = Self.transactionLimit - actions.count
            for client in consents.prefix(inTransaction) {
                actions.append(Self.action("Delete", ["Key": Self.key(Self.consentPartition(id), client)]))
            }
            guard try await self.transact(actions) else { continue }
            for client in consents.dropFirst(inTransaction) {
                _ = try await self.delete(pk: Self.consentPartition(id), sk: client)
            }
            return true
        }
        throw ServerStoreError.unavailable("person \(id) kept changing during the delete")
    }

    public func listPeople() async throws -> [StoredPerson] {
        try await self.query(pk: Self.peoplePartition).map(Self.person(from:))
            .sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
    }

    // MARK: - Items

    /// The condition that the person item exists with the username it was read with (`:old_username`).
    static func usernameIs(_ username: String?) -> String {
        "attribute_exists(#pk) AND "
            + (username == nil ? "attribute_not_exists(#username)" : "#username = :old_username")
    }

    /// Deletes the index item of `username` if it is `id`'s (or already gone).
    static func releaseUsername(_ username: String, id: String) -> (kind: String, body: [String: JSONValue]) {
        Self.action(
            "Delete",
            [
                "Key": Self.key(Self.usernamePartition, username),
                "ConditionExpression": "attribute_not_exists(#pk) OR #person_id = :id",
            ],
            values: [":id": Self.s(id)]
        )
    }

    static func usernameItem(_ username: String, id: String) -> JSONValue {
        ["pk": Self.s(Self.usernamePartition), "sk": Self.s(username), "person_id": Self.s(id)]
    }

    static func item(_ person: StoredPerson) -> JSONValue {
        var item: [String: JSONValue] = [
            "pk": Self.s(Self.peoplePartition), "sk": Self.s(person.id),
            "credential_version": Self.n(person.credentialVersion), "is_admin": ["BOOL": .bool(person.isAdmin)],
            "created_at": Self.n(person.createdAt), "updated_at": Self.n(person.updatedAt),
        ]
        Self.set(&item, "username", person.username.map(Self.s))
        Self.set(&item, "password_hash", person.passwordHash.map(Self.s))
        for (name, value) in Self.profile(person) { Self.set(&item, name, value) }
        return .object(item)
    }

    /// What an upstream sign-in refreshes (besides `updated_at`); `nil` values are removed.
    static func profile(_ person: StoredPerson) -> [(String, JSONValue?)] {
        [
            ("display_name", person.displayName.map(Self.s)), ("email", person.email.map(Self.s)),
            ("upstream_issuer", person.upstreamIssuer.map(Self.s)),
            ("upstream_subject", person.upstreamSubject.map(Self.s)),
            ("last_sign_in_at", person.lastSignInAt.map(Self.n)),
        ]
    }

    static func person(from item: JSONValue) throws -> StoredPerson {
        guard let id = Self.text(item, "sk"), let version = Self.integer(item, "credential_version"),
            let isAdmin = item["is_admin"]?["BOOL"]?.boolValue, let created = Self.date(item["created_at"]),
            let updated = Self.date(item["updated_at"])
        else { throw ServerStoreError.corruptRecord("a person item lacks a field") }
        return StoredPerson(
            id: id,
            username: Self.text(item, "username"),
            displayName: Self.text(item, "display_name"),
            email: Self.text(item, "email"),
            passwordHash: Self.text(item, "password_hash"),
            credentialVersion: version,
            isAdmin: isAdmin,
            upstreamIssuer: Self.text(item, "upstream_issuer"),
            upstreamSubject: Self.text(item, "upstream_subject"),
            createdAt: created,
            updatedAt: updated,
            lastSignInAt: Self.date(item["last_sign_in_at"])
        )
    }

    /// Refreshes the profile and admin flag of the person with `person.id` in one UpdateItem, keeping their
    /// username, password hash, credential version and creation time. Unless `existingOnly`, a missing person is
    /// created (from `person`, which then has no username). `nil` when `existingOnly` and there is no such person.
    private func refreshUpstreamPerson(_ person: StoredPerson, existingOnly: Bool) async throws -> StoredPerson? {
        var set = ["#updated_at = :updated_at", "#is_admin = :is_admin"]
        var remove: [String] = []
        var values: [String: JSONValue] = [
            ":updated_at": Self.n(person.updatedAt), ":credential_version": Self.n(person.credentialVersion),
            ":is_admin": ["BOOL": .bool(person.isAdmin)], ":created_at": Self.n(person.createdAt),
        ]
        for (name, value) in Self.profile(person) {
            if let value {
                set.append("#\(name) = :\(name)")
                values[":\(name)"] = value
            } else {
                remove.append("#\(name)")
            }
        }
        for name in ["credential_version", "created_at"] {
            set.append("#\(name) = if_not_exists(#\(name), :\(name))")
        }
        if let hash = person.passwordHash, !existingOnly {
            set.append("#password_hash = if_not_exists(#password_hash, :password_hash)")
            values[":password_hash"] = Self.s(hash)
        }
        let expression =
            "SET " + set.joined(separator: ", ") + (remove.isEmpty ? "" : " REMOVE " + remove.joined(separator: ", "))
        let item = try await self.update(
            pk: Self.peoplePartition,
            sk: person.id,
            expression,
            condition: existingOnly ? "attribute_exists(#pk)" : nil,
            values: values
        )
        return try item.map(Self.person(from:))
    }
}
