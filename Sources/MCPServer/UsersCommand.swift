import ArgumentParser
import Logging
import MCPServerCore
import NIOPosix

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// `mcp-server users …`: the people who sign in, on the same store the server uses (safe while it runs). People who
/// sign in with a password are added here; people of an upstream provider appear at their first sign-in, and are
/// named by their person id (`users list` shows it), since they have no username.
///
/// Every refusal is one line on stderr and exit status 1. No password or hash is ever printed; a new password is
/// read from `--password-file`, a pipe, or the terminal (``PasswordInput``), never from the command line.
struct UsersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "users",
        abstract: "Add, list, delete or sign out people, change their password, or forget what they allowed a client.",
        subcommands: [Add.self, List.self, Delete.self, Passwd.self, SignOut.self, ForgetConsent.self]
    )

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a person who signs in with a username and a password.",
            discussion: PasswordOptions.discussion
        )
        @OptionGroup var store: StoreOptions
        @Argument(help: "Sign-in name: a-z, 0-9 and . _ @ + -, 1 to 64 characters, lower-cased.") var username: String
        @Option(help: "The name the consent page shows.") var displayName: String?
        @Option(help: "The person's email address.") var email: String?
        @Flag(help: "Mark the person as an admin.") var admin = false
        @OptionGroup var password: PasswordOptions

        func run() async throws {
            try await UsersCommand.refusing {
                let username = try Username(normalizing: self.username)
                let displayName = try PersonProfile.displayName(self.displayName)
                let email = try PersonProfile.email(self.email)
                let hasher = try self.password.hasher()
                try await self.store.withStore(logger: OperatorLog.logger) { store in
                    // Checked before asking for a password, so nobody types one for nothing; the insert checks again.
                    guard try await store.person(username: username.value) == nil else {
                        throw OperatorLog.fail("a person named \(username) exists")
                    }
                    let hash = try await self.password.newHash(for: username, hasher: hasher)
                    let now = Date()
                    let person = StoredPerson(
                        id: UsersCommand.newPersonID(),
                        username: username.value,
                        displayName: displayName,
                        email: email,
                        passwordHash: hash,
                        credentialVersion: StoredPerson.initialCredentialVersion(createdAt: now),
                        isAdmin: self.admin,
                        createdAt: now,
                        updatedAt: now
                    )
                    do {
                        try await store.insertPerson(person)
                    } catch let error as ServerStoreError where error == .duplicate {
                        throw OperatorLog.fail("a person named \(username) exists")
                    }
                    OperatorLog.audit("person.added", person: person)
                    self.password.warnIfWeak(hasher)
                }
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Every person, oldest first, as a table (never password hashes).",
            discussion: "People of an upstream provider have no username; the ID column names them to other commands."
        )
        @OptionGroup var store: StoreOptions

        func run() async throws {
            try await UsersCommand.refusing {
                let people = try await self.store.withStore(logger: OperatorLog.logger) { try await $0.listPeople() }
                for line in PeopleTable.lines(people) { Swift.print(line) }
            }
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Delete a person and the consents they gave; their tokens stop working.",
            discussion: """
                Refresh tokens are refused at once; access tokens within the server's client recheck interval. \
                A person of an upstream provider who signs in again comes back as a new person.
                """
        )
        @OptionGroup var store: StoreOptions
        @Argument(help: UsersCommand.personHelp) var person: String

        func run() async throws {
            try await UsersCommand.refusing {
                let reference = try PersonReference(self.person)
                try await self.store.withStore(logger: OperatorLog.logger) { store in
                    let person = try await reference.find(in: store)
                    guard try await store.deletePerson(id: person.id) else {
                        throw OperatorLog.fail(reference.notFound)
                    }
                    OperatorLog.audit("person.deleted", person: person)
                }
            }
        }
    }

    struct SignOut: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "sign-out",
            abstract: "End every sign-in of a person: browser sessions, refresh tokens and access tokens.",
            discussion: """
                Raises the person's credential version. Browser sessions and refresh tokens made before are refused \
                at once; access tokens within the server's client recheck interval. The person can sign in again; \
                to stop that, delete them (or, for an upstream provider's people, remove them there).
                """
        )
        @OptionGroup var store: StoreOptions
        @Argument(help: UsersCommand.personHelp) var person: String

        func run() async throws {
            try await UsersCommand.refusing {
                let reference = try PersonReference(self.person)
                try await self.store.withStore(logger: OperatorLog.logger) { store in
                    var person = try await reference.find(in: store)
                    let now = Date()
                    person.credentialVersion = person.raisedCredentialVersion(now: now)
                    person.updatedAt = now
                    do {
                        try await store.updatePerson(person)
                    } catch let error as ServerStoreError where error == .notFound {
                        throw OperatorLog.fail(reference.notFound)
                    }
                    OperatorLog.audit("person.signed_out", person: person)
                }
            }
        }
    }

    struct ForgetConsent: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "forget-consent",
            abstract: "Forget what a person allowed a client, so the client must ask again at their next sign-in.",
            discussion: "Tokens the client already holds keep working; `users sign-out` ends them."
        )
        @OptionGroup var store: StoreOptions
        @Argument(help: UsersCommand.personHelp) var person: String
        @Argument(help: "The client's client_id (as `clients list` shows it, or its metadata document URL).")
        var clientID: String

        func run() async throws {
            try await UsersCommand.refusing {
                let reference = try PersonReference(self.person)
                // It is printed in the refusal and the audit line: nothing that could steer a terminal or a log.
                guard !self.clientID.isEmpty, self.clientID.utf8.count <= 2048,
                    !self.clientID.unicodeScalars.contains(where: PersonProfile.isControl)
                else { throw OperatorLog.fail("the client_id is empty, too long or has control characters") }
                try await self.store.withStore(logger: OperatorLog.logger) { store in
                    let person = try await reference.find(in: store)
                    guard try await store.deleteConsent(personID: person.id, clientID: self.clientID) else {
                        throw OperatorLog.fail("\(reference) has given no consent to client \(self.clientID)")
                    }
                    OperatorLog.audit("person.consent_forgotten", person: person, clientID: self.clientID)
                }
            }
        }
    }

    struct Passwd: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Set a new password and raise the credential version sign-in sessions are checked against.",
            discussion: PasswordOptions.discussion
        )
        @OptionGroup var store: StoreOptions
        @Argument(help: "Their username.") var username: String
        @OptionGroup var password: PasswordOptions

        func run() async throws {
            try await UsersCommand.refusing {
                let username = try Username(normalizing: self.username)
                let hasher = try self.password.hasher()
                try await self.store.withStore(logger: OperatorLog.logger) { store in
                    guard var person = try await store.person(username: username.value) else {
                        throw OperatorLog.fail("no person named \(username)")
                    }
                    person.passwordHash = try await self.password.newHash(for: username, hasher: hasher)
                    // Sessions and grant families carry the version they were made with; a different one ends them.
                    let now = Date()
                    person.credentialVersion = person.raisedCredentialVersion(now: now)
                    person.updatedAt = now
                    do {
                        try await store.updatePerson(person)
                    } catch let error as ServerStoreError where error == .notFound {
                        throw OperatorLog.fail("no person named \(username)")
                    }
                    OperatorLog.audit("person.password_changed", person: person)
                    self.password.warnIfWeak(hasher)
                }
            }
        }
    }

    static let personHelp = ArgumentHelp(
        "Their username, or their person id (usr_..., oidc_...) as `users list` shows it.",
        valueName: "person"
    )

    /// A new local person's id: `usr_` and 128 bits from the system CSPRNG in base64url (22 characters), so ids
    /// say nothing about when or in which order people were added, and a re-added username gets a new one.
    static func newPersonID() -> String {
        "usr_" + SecretToken.generate(byteCount: 16)
    }

    /// Runs `body`; an error that has not already said why becomes one line on stderr and exit status 1.
    static func refusing(_ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch let exit as ExitCode {
            throw exit
        } catch {
            let reason = String(describing: error).split(whereSeparator: \.isNewline).joined(separator: " ")
            throw OperatorLog.fail(reason)
        }
    }
}

/// Where a new password comes from, and the bcrypt cost of its hash.
struct PasswordOptions: ParsableArguments {
    static let discussion = """
        The password is read from --password-file (one line), else from stdin when it is not a terminal, else \
        asked twice on the terminal without echo. It must be \(PasswordHasher.minimumCharacters) characters to \
        \(PasswordHasher.maximumBytes) bytes of UTF-8.
        """

    @Option(help: "Read the password from this file (one line; a final line break is dropped).")
    var passwordFile: String?

    // Hidden: every hash costs about a quarter of a second at the default cost 12, which makes a test suite that
    // adds people and changes passwords slow, so the tests pass 4. Lowering it weakens the stored hash, which is not
    // a choice to advertise; bcrypt keeps the cost in the hash, so the server checks any hash this makes. An
    // option, not an environment variable, so no shell profile or deployment file can lower it unseen.
    @Option(
        help: ArgumentHelp(
            "bcrypt cost of the new hash (\(PasswordHasher.costs.lowerBound)...\(PasswordHasher.costs.upperBound)).",
            visibility: .hidden
        )
    )
    var hashCost: Int = PasswordHasher.defaultCost

    /// The hasher at `--hash-cost`.
    func hasher() throws -> PasswordHasher {
        try PasswordHasher(cost: self.hashCost)
    }

    /// After a hash below cost 10 was stored, says so (not before: a refusal stays one line).
    func warnIfWeak(_ hasher: PasswordHasher) {
        guard hasher.cost < 10 else { return }
        OperatorLog.logger.warning(
            "A bcrypt cost below 10 makes password hashes fast to guess; use it only in tests",
            metadata: ["hash_cost": "\(hasher.cost)"]
        )
    }

    /// Reads the password (on the thread pool: it may block on a terminal or a pipe) and hashes it.
    func newHash(for username: Username, hasher: PasswordHasher) async throws -> String {
        let input = PasswordInput.choose(file: self.passwordFile)
        let password = try await NIOThreadPool.singleton.runIfActive { try input.read(for: username) }
        return try await hasher.hash(password)
    }
}

extension OperatorLog {
    /// An audit line about a person: their id and username (and the client it concerns), never anything about the
    /// password.
    static func audit(_ event: String, person: StoredPerson, clientID: String? = nil) {
        var metadata: Logger.Metadata = [
            "audit": "true", "event": .string(event), "outcome": "success", "source_ip": "cli",
            "person_id": .string(person.id),
        ]
        if let username = person.username { metadata["username"] = .string(username) }
        if let clientID { metadata["client_id"] = .string(clientID) }
        Self.logger.notice("Audit", metadata: metadata)
    }
}
