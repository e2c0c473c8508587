import ArgumentParser
import Foundation
import Logging
import MCPServerCore
import NIOPosix

/// `mcp-server users …`: the people who sign in with a username and password, on the same store the server uses
/// (safe while it runs).
///
/// Every refusal is one line on stderr and exit status 1. No password or hash is ever printed; a new password is
/// read from `--password-file`, a pipe, or the terminal (``PasswordInput``), never from the command line.
struct UsersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "users",
        abstract: "Add, list, delete people who sign in with a password, or change their password.",
        subcommands: [Add.self, List.self, Delete.self, Passwd.self]
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
            abstract: "Every person, oldest first, as a table (never password hashes)."
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
            abstract: "Delete a person and the consents they gave."
        )
        @OptionGroup var store: StoreOptions
        @Argument(help: "Their username.") var username: String

        func run() async throws {
            try await UsersCommand.refusing {
                let username = try Username(normalizing: self.username)
                try await self.store.withStore(logger: OperatorLog.logger) { store in
                    guard let person = try await store.person(username: username.value),
                        try await store.deletePerson(id: person.id)
                    else { throw OperatorLog.fail("no person named \(username)") }
                    OperatorLog.audit("person.deleted", person: person)
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
                    // Sessions carry the version they were made with; a different one ends them.
                    person.credentialVersion += 1
                    person.updatedAt = Date()
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
    /// An audit line about a person: their id and username, never anything about the password.
    static func audit(_ event: String, person: StoredPerson) {
        var metadata: Logger.Metadata = [
            "audit": "true", "event": .string(event), "outcome": "success", "source_ip": "cli",
            "person_id": .string(person.id),
        ]
        if let username = person.username { metadata["username"] = .string(username) }
        Self.logger.notice("Audit", metadata: metadata)
    }
}
