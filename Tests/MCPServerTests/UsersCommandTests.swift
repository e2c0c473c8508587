import Foundation
import Logging
import MCPServerCore
import RemoteMCPTestSupport
import Testing

@testable import MCPServer

#if canImport(Darwin)
import Darwin
#elseif canImport(Glibc)
import Glibc
#endif

/// `mcp-server users …` run as the operator runs it: the real binary on a SQLite file, checked through the store
/// and `PasswordHasher` afterwards. Hashes use bcrypt cost 4 (the hidden `--hash-cost`) to keep the suite fast.
@Suite("Users CLI", .childProcesses, .timeLimit(.minutes(3)))
struct UsersCommandTests {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("users-\(UUID().uuidString)")
    var database: String { self.directory.appendingPathComponent("server.sqlite").path }
    let hasher = try! PasswordHasher(cost: 4)

    init() throws {
        try FileManager.default.createDirectory(at: self.directory, withIntermediateDirectories: true)
    }

    /// Runs `mcp-server users <arguments> --database <this test's database>`, with `input` on stdin if given
    /// (else stdin is /dev/null).
    func users(_ arguments: [String], input: String? = nil) async throws -> Finished {
        let executable = try BuiltProduct.url(named: "mcp-server")
        let child = try ChildProcess(
            executable,
            ["users"] + arguments + ["--database", self.database],
            standardInput: input != nil
        )
        if let input {
            child.write(Data(input.utf8))
            child.closeInput()
        }
        let status = await child.waitForExit()
        return Finished(status: status, output: child.stdout.lines, errors: child.stderr.lines)
    }

    /// What a finished `users` command printed.
    struct Finished {
        let status: Int32
        let output: [String]
        let errors: [String]
    }

    /// A file holding `text`, for `--password-file`.
    func passwordFile(_ text: String) throws -> String {
        let url = self.directory.appendingPathComponent("password-\(UUID().uuidString)")
        try Data(text.utf8).write(to: url)
        return url.path
    }

    /// The stored person, read the way the server reads it.
    func stored(_ username: String) async throws -> StoredPerson? {
        try await self.withStore { try await $0.person(username: username) }
    }

    /// Runs `body` on this test's database, as the server opens it.
    func withStore<T>(_ body: (any ServerStore) async throws -> T) async throws -> T {
        let store = try await StoreOptions.open(.sqlite(path: self.database), logger: Logger(label: "users-test"))
        do {
            let result = try await body(store)
            try await store.shutdown()
            return result
        } catch {
            try? await store.shutdown()
            throw error
        }
    }

    /// Exit status 1 and exactly one line on stderr, which mentions `reason`.
    func expectRefused(_ run: Finished, _ reason: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(run.status == 1, sourceLocation: sourceLocation)
        #expect(run.errors.count == 1, "\(run.errors)", sourceLocation: sourceLocation)
        #expect(run.errors.first?.hasPrefix("mcp-server: ") == true, sourceLocation: sourceLocation)
        #expect(run.errors.first?.contains(reason) == true, "\(run.errors)", sourceLocation: sourceLocation)
    }

    @Test func addListPasswdDelete() async throws {
        defer { try? FileManager.default.removeItem(at: self.directory) }
        let first = "correct horse battery"
        let added = try await self.users(
            [
                "add", "  Alice.Smith ", "--display-name", "Alice Smith", "--email", "alice@example.com", "--admin",
                "--password-file", try self.passwordFile(first + "\n"), "--hash-cost", "4",
            ]
        )
        #expect(added.status == 0, "\(added.errors)")
        #expect(added.errors.contains { $0.contains(#""event":"person.added""#) && $0.contains("alice.smith") })
        let person = try #require(try await self.stored("alice.smith"))
        #expect(person.id.wholeMatch(of: /usr_[A-Za-z0-9_-]{22}/) != nil)
        #expect(person.displayName == "Alice Smith")
        #expect(person.email == "alice@example.com")
        #expect(person.isAdmin)
        // A new person's version is their creation second, so it never repeats one an earlier person had.
        #expect(person.credentialVersion == Int(person.createdAt.timeIntervalSince1970))
        let hash = try #require(person.passwordHash)
        #expect(hash.hasPrefix("$2b$04$"))
        #expect(try await self.hasher.verify(first, against: hash))

        // The same name in another case or with spaces is the same person.
        let duplicate = try await self.users(
            ["add", "ALICE.SMITH", "--password-file", try self.passwordFile("another password"), "--hash-cost", "4"]
        )
        self.expectRefused(duplicate, "a person named alice.smith exists")
        #expect(try await self.stored("alice.smith") == person)

        let listed = try await self.users(["list"])
        #expect(listed.status == 0)
        #expect(listed.output.count == 2)
        #expect(listed.output.first?.hasPrefix("ID") == true)
        let row = try #require(listed.output.last)
        for cell in [person.id, "alice.smith", "Alice Smith", "alice@example.com", "yes", "never"] {
            #expect(row.contains(cell), "\(row)")
        }
        for secret in [hash, first, "$2b$"] {
            #expect(!(listed.output + listed.errors).joined().contains(secret))
        }

        let second = "staple of the battery"
        let changed = try await self.users(
            ["passwd", "alice.smith", "--password-file", try self.passwordFile(second + "\r\n"), "--hash-cost", "4"]
        )
        #expect(changed.status == 0, "\(changed.errors)")
        #expect(changed.errors.contains { $0.contains(#""event":"person.password_changed""#) })
        let after = try #require(try await self.stored("alice.smith"))
        let newHash = try #require(after.passwordHash)
        #expect(newHash != hash)
        #expect(after.credentialVersion > person.credentialVersion)
        #expect(after.credentialVersion >= Int(after.updatedAt.timeIntervalSince1970))
        #expect(after.id == person.id && after.createdAt == person.createdAt && after.isAdmin)
        #expect(try await self.hasher.verify(second, against: newHash))
        #expect(try await !self.hasher.verify(first, against: newHash))

        self.expectRefused(
            try await self.users(["passwd", "nobody", "--password-file", try self.passwordFile(second)]),
            "no person named nobody"
        )

        let deleted = try await self.users(["delete", "Alice.Smith"])
        #expect(deleted.status == 0, "\(deleted.errors)")
        #expect(deleted.errors.contains { $0.contains(#""event":"person.deleted""#) })
        #expect(try await self.stored("alice.smith") == nil)
        #expect(try await self.users(["list"]).output.count == 1)
        self.expectRefused(try await self.users(["delete", "alice.smith"]), "no person named alice.smith")
    }

    @Test func passwordFromStandardInput() async throws {
        defer { try? FileManager.default.removeItem(at: self.directory) }
        let added = try await self.users(["add", "bob", "--hash-cost", "4"], input: "piped password\n")
        #expect(added.status == 0, "\(added.errors)")
        let bob = try #require(try await self.stored("bob"))
        let hash = try #require(bob.passwordHash)
        #expect(try await self.hasher.verify("piped password", against: hash))

        let changed = try await self.users(["passwd", "bob", "--hash-cost", "4"], input: "no line break")
        #expect(changed.status == 0, "\(changed.errors)")
        let after = try #require(try await self.stored("bob"))
        #expect(try await self.hasher.verify("no line break", against: try #require(after.passwordHash)))
        #expect(after.credentialVersion > bob.credentialVersion)

        // stdin is /dev/null: nothing to read, and no terminal to ask on.
        self.expectRefused(try await self.users(["add", "carol"]), "no password on stdin")
        self.expectRefused(try await self.users(["add", "carol"], input: "two\nlines\n"), "must be one line")
        #expect(try await self.stored("carol") == nil)
    }

    @Test(
        arguments: [
            ("short", "too short"),
            (String(repeating: "x", count: 73), "too long"),
            (String(repeating: "é", count: 37), "too long"),  // 37 characters, 74 bytes
            ("\n", "is empty"),
            ("line one\nline two", "must be one line"),
        ]
    )
    func refusedPasswords(password: String, reason: String) async throws {
        defer { try? FileManager.default.removeItem(at: self.directory) }
        let file = try self.passwordFile(password)
        let run = try await self.users(["add", "dave", "--password-file", file, "--hash-cost", "4"])
        self.expectRefused(run, reason)
        #expect(try await self.stored("dave") == nil)
    }

    @Test func passwordLimitsAreInclusive() async throws {
        defer { try? FileManager.default.removeItem(at: self.directory) }
        for (name, password) in [("eight", "8 chars!"), ("seventytwo", String(repeating: "z", count: 72))] {
            let run = try await self.users(
                ["add", name, "--password-file", try self.passwordFile(password), "--hash-cost", "4"]
            )
            #expect(run.status == 0, "\(run.errors)")
            #expect(
                try await self.hasher.verify(password, against: try #require(try await self.stored(name)?.passwordHash))
            )
        }
        // A wrong file is read no further than a bound, whatever its size.
        let huge = try self.passwordFile(String(repeating: "y", count: 5000))
        self.expectRefused(try await self.users(["add", "frank", "--password-file", huge]), "too long")
        self.expectRefused(
            try await self.users([
                "add", "frank", "--password-file", self.directory.appendingPathComponent("none").path,
            ]),
            "cannot read --password-file"
        )
    }

    @Test(
        arguments: [
            ("", "the username is empty"),
            ("   ", "the username is empty"),
            (String(repeating: "a", count: 65), "at most 64 characters"),
            ("a b", "(not U+0020)"),
            ("ålice", "(not U+00E5)"),
            ("bob/admin", "(not '/')"),
            (".hidden", "must start with a letter or a digit"),
            ("_x", "must start with a letter or a digit"),
        ]
    )
    func badUsernamesNameTheRule(username: String, reason: String) async throws {
        defer { try? FileManager.default.removeItem(at: self.directory) }
        let run = try await self.users(["add", username, "--password-file", try self.passwordFile("long enough")])
        self.expectRefused(run, reason)
        // Refused before the store is opened.
        #expect(!FileManager.default.fileExists(atPath: self.database))
    }

    @Test func usernamesAreNormalized() throws {
        #expect(try Username(normalizing: "  Alice.Smith+MCP@Example.COM\n").value == "alice.smith+mcp@example.com")
        #expect(try Username(normalizing: "0-x_y").value == "0-x_y")
        let longest = String(repeating: "a", count: Username.maximumLength)
        #expect(try Username(normalizing: longest).value == longest)
        #expect(throws: UsernameError.empty) { try Username(normalizing: "\t") }
        // Unicode case mapping would turn the Kelvin sign into "k": refused, not folded.
        #expect(throws: UsernameError.notAllowed("\u{212A}")) { try Username(normalizing: "\u{212A}elvin") }
        #expect(throws: UsernameError.notAllowed("\u{130}")) { try Username(normalizing: "\u{130}nci") }
    }

    @Test func profileFieldsAreChecked() async throws {
        defer { try? FileManager.default.removeItem(at: self.directory) }
        for (flags, reason) in [
            (["--email", "not-an-address"], "must look like name@example.com"),
            (["--email", "a@b@c"], "must look like name@example.com"),
            (["--display-name", "  "], "the display name is empty"),
            (["--display-name", "bell\u{7}"], "control character"),
        ] {
            let run = try await self.users(
                ["add", "gina", "--password-file", try self.passwordFile("long enough")] + flags
            )
            self.expectRefused(run, reason)
        }
        #expect(!FileManager.default.fileExists(atPath: self.database))
    }

    @Test func tableShowsNoHashAndDefangsNames() {
        let created = Date(timeIntervalSince1970: 1_800_000_000)
        let people = [
            StoredPerson(
                id: "usr_a",
                username: "ann",
                passwordHash: "$2b$04$secret",
                createdAt: created,
                updatedAt: created
            ),
            StoredPerson(
                id: "oidc_b",
                displayName: "Evil\u{1B}[2J\u{202E}",
                email: "b@example.com",
                isAdmin: true,
                createdAt: created,
                updatedAt: created,
                lastSignInAt: created
            ),
        ]
        let lines = PeopleTable.lines(people)
        #expect(lines.count == 3)
        #expect(lines[0].hasPrefix("ID      USERNAME  DISPLAY NAME"))
        #expect(lines[1].hasPrefix("usr_a   ann       -             -  "))
        // An upstream person: no username, named by id, with their email.
        #expect(lines[2].hasPrefix("oidc_b  -         Evil"))
        #expect(lines[2].contains("b@example.com"))
        #expect(lines[2].contains("Evil?[2J?") && lines[2].contains("yes"))
        #expect(lines[2].hasSuffix("2027-01-15T08:00:00Z"))
        #expect(!lines.joined().contains("secret"))
        #expect(lines.allSatisfy { !$0.hasSuffix(" ") })
    }

    @Test func signOutRaisesTheCredentialVersion() async throws {
        defer { try? FileManager.default.removeItem(at: self.directory) }
        let added = try await self.users(["add", "alice", "--password-file", try self.passwordFile("long enough")])
        #expect(added.status == 0, "\(added.errors)")
        let before = try #require(try await self.stored("alice"))

        let signedOut = try await self.users(["sign-out", " Alice "])
        #expect(signedOut.status == 0, "\(signedOut.errors)")
        #expect(signedOut.errors.contains { $0.contains(#""event":"person.signed_out""#) && $0.contains(before.id) })
        let after = try #require(try await self.stored("alice"))
        // Sessions and grant families carry the old version, so they end; nothing else about her changes.
        #expect(after.credentialVersion > before.credentialVersion)
        #expect(after.passwordHash == before.passwordHash && after.createdAt == before.createdAt)

        // Twice in one second still raises it: the second sign-out must end what was made after the first.
        #expect(try await self.users(["sign-out", "alice"]).status == 0)
        #expect(try #require(try await self.stored("alice")).credentialVersion > after.credentialVersion)

        self.expectRefused(try await self.users(["sign-out", "nobody"]), "no person named nobody")
        self.expectRefused(try await self.users(["sign-out", "bad name"]), "(not U+0020)")
    }

    @Test func forgetConsentForgetsOneClient() async throws {
        defer { try? FileManager.default.removeItem(at: self.directory) }
        #expect(
            try await self.users(["add", "alice", "--password-file", try self.passwordFile("long enough")]).status == 0
        )
        let alice = try #require(try await self.stored("alice"))
        let document = "https://app.example.com/client.json"
        try await self.withStore { store in
            for client in ["cli_one", document] {
                try await store.saveConsent(
                    StoredConsent(
                        personID: alice.id,
                        clientID: client,
                        scopes: ["mcp:tools"],
                        createdAt: alice.createdAt,
                        updatedAt: alice.createdAt
                    )
                )
            }
        }
        let forgot = try await self.users(["forget-consent", "alice", document])
        #expect(forgot.status == 0, "\(forgot.errors)")
        #expect(
            forgot.errors.contains {
                $0.contains(#""event":"person.consent_forgotten""#) && $0.contains(document) && $0.contains(alice.id)
            }
        )
        let left = try await self.withStore { store in
            (
                try await store.consent(personID: alice.id, clientID: document),
                try await store.consent(personID: alice.id, clientID: "cli_one")
            )
        }
        #expect(left.0 == nil)
        #expect(left.1 != nil)

        self.expectRefused(
            try await self.users(["forget-consent", "alice", document]),
            "alice has given no consent to client \(document)"
        )
        self.expectRefused(try await self.users(["forget-consent", "nobody", "cli_one"]), "no person named nobody")
        self.expectRefused(
            try await self.users(["forget-consent", "alice", "cli\u{1B}[2J"]),
            "the client_id is empty, too long or has control characters"
        )
    }

    @Test func upstreamPeopleAreListedAndManagedByTheirID() async throws {
        defer { try? FileManager.default.removeItem(at: self.directory) }
        let id = "oidc_Up" + String(repeating: "x", count: 20)
        let created = Date(timeIntervalSince1970: 1_800_000_000)
        let upstream = try await self.withStore { store in
            let person = try await store.upsertUpstreamPerson(
                StoredPerson(
                    id: id,
                    displayName: "Uma Upstream",
                    email: "uma@idp.example",
                    upstreamIssuer: "https://idp.example",
                    upstreamSubject: "uma",
                    createdAt: created,
                    updatedAt: created
                )
            )
            try await store.saveConsent(
                StoredConsent(
                    personID: id,
                    clientID: "cli_one",
                    scopes: ["mcp:tools"],
                    createdAt: created,
                    updatedAt: created
                )
            )
            return person
        }

        let listed = try await self.users(["list"])
        #expect(listed.status == 0)
        let row = try #require(listed.output.last)
        #expect(row.hasPrefix(id + "  -  "), "\(row)")
        for cell in ["Uma Upstream", "uma@idp.example"] { #expect(row.contains(cell), "\(row)") }

        let signedOut = try await self.users(["sign-out", id])
        #expect(signedOut.status == 0, "\(signedOut.errors)")
        #expect(signedOut.errors.contains { $0.contains(#""event":"person.signed_out""#) && $0.contains(id) })
        let after = try #require(try await self.withStore { try await $0.person(id: id) })
        #expect(after.credentialVersion > upstream.credentialVersion)

        #expect(try await self.users(["forget-consent", id, "cli_one"]).status == 0)
        #expect(try await self.withStore { try await $0.consent(personID: id, clientID: "cli_one") } == nil)

        let deleted = try await self.users(["delete", id])
        #expect(deleted.status == 0, "\(deleted.errors)")
        #expect(deleted.errors.contains { $0.contains(#""event":"person.deleted""#) && $0.contains(id) })
        #expect(try await self.withStore { try await $0.person(id: id) } == nil)
        // Every id could also be a username (usernames are lower-cased), so the refusal says it is neither.
        self.expectRefused(try await self.users(["delete", id]), "no person named or with id \(id)")
        self.expectRefused(try await self.users(["sign-out", id]), "no person named or with id \(id)")
    }

    @Test func anIDThatIsAlsoAnotherPersonsUsernameIsRefused() async throws {
        defer { try? FileManager.default.removeItem(at: self.directory) }
        // An upstream id of lower-case letters is also a valid username, which an operator could have added.
        let id = "oidc_" + String(repeating: "q", count: 22)
        let created = Date(timeIntervalSince1970: 1_800_000_000)
        _ = try await self.withStore { store in
            try await store.upsertUpstreamPerson(StoredPerson(id: id, createdAt: created, updatedAt: created))
        }
        #expect(
            try await self.users(["add", id, "--password-file", try self.passwordFile("long enough")]).status == 0
        )
        for command in [["delete", id], ["sign-out", id], ["forget-consent", id, "cli_one"]] {
            self.expectRefused(try await self.users(command), "is the id of one person and the username of another")
        }
        // Both are still there, untouched.
        #expect(try await self.withStore { try await $0.person(id: id) } != nil)
        let local = try #require(try await self.stored(id))
        #expect(local.id != id)
        // By its own id, the local one can be deleted.
        #expect(try await self.users(["delete", local.id]).status == 0)
        #expect(try await self.stored(id) == nil)
    }

    @Test func terminalPromptAsksTwiceWithoutEchoAndRestoresTheTerminal() async throws {
        defer { try? FileManager.default.removeItem(at: self.directory) }
        let typed = "typed at the terminal"
        let terminal = try PseudoTerminal()
        let add = try await terminal.start(
            try BuiltProduct.url(named: "mcp-server"),
            ["users", "add", "terry", "--hash-cost", "4", "--database", self.database]
        )
        #expect(terminal.read(until: "New password for terry: ").hasSuffix("New password for terry: "))
        #expect(!terminal.echoes)
        terminal.type(typed + "\n")
        #expect(terminal.read(until: "Retype the password: ").hasSuffix("Retype the password: "))
        #expect(!terminal.echoes)
        terminal.type(typed + "\n")
        #expect(await add.exit() == .init(reason: .exit, status: 0))
        #expect(terminal.echoes)
        #expect(!terminal.transcript.contains(typed))
        let terryAdded = try #require(try await self.stored("terry"))
        let hash = try #require(terryAdded.passwordHash)
        #expect(try await self.hasher.verify(typed, against: hash))

        // Different answers are refused; the terminal echoes again.
        let mismatch = try await terminal.start(
            try BuiltProduct.url(named: "mcp-server"),
            ["users", "passwd", "terry", "--hash-cost", "4", "--database", self.database]
        )
        _ = terminal.read(until: "New password for terry: ")
        terminal.type("first answer\n")
        _ = terminal.read(until: "Retype the password: ")
        terminal.type("second answer\n")
        #expect(await mismatch.exit() == .init(reason: .exit, status: 1))
        #expect(terminal.read(until: "do not match\r\n").hasSuffix("mcp-server: the two passwords do not match\r\n"))
        #expect(terminal.echoes)

        // Ctrl-C at the prompt: the process dies of SIGINT, with echo back on and nothing changed.
        let interrupted = try await terminal.start(
            try BuiltProduct.url(named: "mcp-server"),
            ["users", "passwd", "terry", "--hash-cost", "4", "--database", self.database]
        )
        _ = terminal.read(until: "New password for terry: ")
        #expect(!terminal.echoes)
        interrupted.process.interrupt()
        #expect(await interrupted.exit() == .init(reason: .uncaughtSignal, status: SIGINT))
        #expect(terminal.echoes)
        let after = try #require(try await self.stored("terry"))
        #expect(after.credentialVersion == terryAdded.credentialVersion && after.passwordHash == hash)
    }
}

/// A pseudo-terminal for the prompt test: the command gets its terminal side as stdin, stdout and stderr, and the
/// test reads and types on the other side, as a person at a terminal would.
final class PseudoTerminal {
    let controller: Int32
    let terminal: Int32
    /// Everything the command wrote (and the terminal echoed) so far.
    private(set) var transcript = ""

    init() throws {
        // grantpt, unlockpt and ptsname are libc's, but the Glibc module leaves them out (they need
        // _XOPEN_SOURCE), so they are looked up by name.
        typealias Call = @convention(c) (Int32) -> Int32
        typealias Name = @convention(c) (Int32) -> UnsafeMutablePointer<CChar>?
        let libc = dlopen(nil, RTLD_NOW)
        guard let grant = dlsym(libc, "grantpt"), let unlock = dlsym(libc, "unlockpt"),
            let name = dlsym(libc, "ptsname")
        else { throw POSIXError(.ENOSYS) }
        let controller = open("/dev/ptmx", O_RDWR | O_NOCTTY)
        guard controller >= 0, unsafeBitCast(grant, to: Call.self)(controller) == 0,
            unsafeBitCast(unlock, to: Call.self)(controller) == 0,
            let path = unsafeBitCast(name, to: Name.self)(controller)
        else { throw POSIXError(.ENODEV) }
        let terminal = open(path, O_RDWR | O_NOCTTY)
        guard terminal >= 0 else { throw POSIXError(.ENODEV) }
        self.controller = controller
        self.terminal = terminal
    }

    deinit {
        close(self.terminal)
        close(self.controller)
    }

    /// Whether the terminal echoes what is typed (its `ECHO` flag).
    var echoes: Bool {
        var settings = termios()
        _ = tcgetattr(self.controller, &settings)
        return settings.c_lflag & tcflag_t(ECHO) != 0
    }

    /// Starts `executable arguments` on this terminal.
    func start(_ executable: URL, _ arguments: [String]) async throws -> Command {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("MCP_SERVER_") }
        let handle = FileHandle(fileDescriptor: self.terminal, closeOnDealloc: false)
        process.standardInput = handle
        process.standardOutput = handle
        process.standardError = handle
        let (exited, finish) = AsyncStream<Void>.makeStream()
        process.terminationHandler = { _ in finish.finish() }
        try process.run()
        return Command(process: process, exited: exited)
    }

    /// Types `text`.
    func type(_ text: String) {
        _ = text.utf8CString.withUnsafeBufferPointer { write(self.controller, $0.baseAddress, $0.count - 1) }
    }

    /// Reads until the transcript ends with `token`, or ten seconds pass; returns the transcript.
    func read(until token: String) -> String {
        let deadline = ContinuousClock.now + .seconds(10)
        var buffer = [UInt8](repeating: 0, count: 512)
        while !self.transcript.hasSuffix(token), ContinuousClock.now < deadline {
            var ready = pollfd(fd: self.controller, events: Int16(POLLIN), revents: 0)
            guard poll(&ready, 1, 100) > 0 else { continue }
            let count = buffer.withUnsafeMutableBytes { readDescriptor(self.controller, $0) }
            guard count > 0 else { break }
            self.transcript += String(decoding: buffer[..<count], as: UTF8.self)
        }
        return self.transcript
    }

    /// A command started on the terminal.
    struct Command {
        let process: Process
        let exited: AsyncStream<Void>

        struct Exit: Equatable {
            let reason: Process.TerminationReason
            let status: Int32
        }

        /// Waits for the command to end (killing it after ten seconds, so a stuck prompt fails the test).
        func exit() async -> Exit {
            let process = self.process
            let watchdog = Task {
                try await Task.sleep(for: .seconds(10))
                process.terminate()
            }
            for await _ in self.exited {}
            watchdog.cancel()
            return Exit(reason: process.terminationReason, status: process.terminationStatus)
        }
    }
}
