import MCPServerCore
import MCPWire

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The person an operator names on the command line: a username, or a person id (`usr_…`, `oidc_…`, as `users
/// list` shows it). People of an upstream provider have no username, so their id is the only way to name them.
///
/// A text can be both (a username may start with `usr_`, and usernames are lower-cased), so both are looked up;
/// when they find two different people the command refuses rather than guess which one the operator meant.
struct PersonReference: Sendable, Hashable, CustomStringConvertible {
    /// The text as a person id, when it has that shape.
    let id: String?
    /// The text as a username, when it is a valid one.
    let username: Username?

    /// Person ids are a prefix and base64url characters (22 for ids this server makes).
    static let idPrefixes = ["usr_", "oidc_"]
    static let maximumIDLength = 64

    /// - Throws: the ``UsernameError`` of `text` when it is neither a person id nor a valid username, so a mistyped
    ///   name is refused before the store is opened.
    init(_ text: String) throws {
        let trimmed = text.trimmingWhitespace()
        self.id = Self.isPersonID(trimmed) ? trimmed : nil
        do {
            self.username = try Username(normalizing: text)
        } catch {
            guard self.id != nil else { throw error }
            self.username = nil
        }
    }

    var description: String { self.id ?? self.username?.value ?? "" }

    /// What the refusal says when nobody matches.
    var notFound: String {
        switch (self.id, self.username) {
        case (let id?, nil): "no person with id \(id)"
        case (let id?, _?): "no person named or with id \(id)"
        case (nil, let username?): "no person named \(username)"
        case (nil, nil): "no such person"
        }
    }

    /// The person this names.
    /// - Throws: an ``OperatorLog`` refusal when nobody matches, or when the id and the username are two people.
    func find(in store: any SignInStore) async throws -> StoredPerson {
        var byID: StoredPerson?
        if let id = self.id { byID = try await store.person(id: id) }
        var byName: StoredPerson?
        if let username = self.username { byName = try await store.person(username: username.value) }
        switch (byID, byName) {
        case (let person?, let other?) where person.id != other.id:
            throw OperatorLog.fail(
                "\(self) is the id of one person and the username of another; name the other one by its id"
            )
        case (let person?, _), (nil, let person?):
            return person
        case (nil, nil):
            throw OperatorLog.fail(self.notFound)
        }
    }

    static func isPersonID(_ text: String) -> Bool {
        guard let prefix = Self.idPrefixes.first(where: text.hasPrefix) else { return false }
        let rest = text.utf8.dropFirst(prefix.utf8.count)
        return !rest.isEmpty && text.utf8.count <= Self.maximumIDLength
            && rest.allSatisfy { byte in
                switch byte {
                case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                    UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"):
                    true
                default: false
                }
            }
    }
}
