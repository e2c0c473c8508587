#if os(Linux)
import Foundation
import NIOPosix
import RemoteMCPTestSupport
import Testing

@testable import MCPBridgeCore

extension Trait where Self == ConditionTrait {
    /// Runs with a private D-Bus session bus and GNOME Keyring on it (Debian's `dbus-daemon`, `gnome-keyring` and
    /// `libsecret-tools`). Like ``needsBrowser``, these skip without `REMOTE_MCP_PYTHON`, so `scripts/test.sh`
    /// runs them in its interop stage, after it installed the packages; there a missing program fails the test
    /// (``SecretServiceSession/program(_:)`` says what to install) instead of skipping it quietly.
    static var needsSecretService: Self {
        .enabled(if: Interop.python != nil, "needs REMOTE_MCP_PYTHON (scripts/test.sh, interop stage)")
    }
}

/// A private session bus (`dbus-daemon`) in a temporary directory, with GNOME Keyring's Secret Service on it or
/// not. Nothing of the developer's own session is touched: the bus has no service files, so nothing is started
/// on demand, and the keyring keeps its files under the temporary directory. The test's `.childProcesses`
/// scope stops both daemons.
struct SecretServiceSession {
    let directory: URL
    /// The `unix:path=...` address, as the bus printed it.
    let address: String
    /// How long the daemons get after SIGTERM. Short: they keep nothing the test needs, and children of the test
    /// runner start with SIGTERM blocked (its threads block signals, and the mask is inherited), so each would
    /// otherwise wait out a long grace period before SIGKILL.
    static let grace: Duration = .seconds(1)
    /// The keyring's password (the `--unlock` one).
    static let password = "test-keyring-password"

    /// Starts the bus and, with `keyring`, `gnome-keyring-daemon --components=secrets --unlock`; returns once the
    /// keyring owns `org.freedesktop.secrets`.
    static func start(keyring: Bool = true) async throws -> SecretServiceSession {
        // Short, under /tmp: the bus socket's path must fit in 107 bytes, which a long $TMPDIR could exceed.
        let directory = URL(fileURLWithPath: "/tmp/ss-\(UUID().uuidString.prefix(8))")
        let home = directory.appendingPathComponent("home")
        let runtime = directory.appendingPathComponent("run")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: runtime, withIntermediateDirectories: true)
        try #require(chmod(runtime.path, 0o700) == 0)
        // session.conf without <standard_session_servicedirs/>: no keyring is activated behind the test's back.
        let configuration = directory.appendingPathComponent("bus.conf")
        try """
        <!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
         "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
        <busconfig>
          <type>session</type>
          <listen>unix:path=\(directory.path)/bus</listen>
          <auth>EXTERNAL</auth>
          <policy context="default">
            <allow send_destination="*" eavesdrop="true"/>
            <allow eavesdrop="true"/>
            <allow own="*"/>
          </policy>
        </busconfig>
        """.write(to: configuration, atomically: true, encoding: .utf8)
        let bus = try ChildProcess(
            try Self.program("dbus-daemon"),
            ["--config-file=\(configuration.path)", "--nofork", "--print-address=1"],
            grace: Self.grace
        )
        let address = try await bus.stdout.line(timeout: .seconds(30)) { $0.hasPrefix("unix:") }
        let session = SecretServiceSession(directory: directory, address: address)
        guard keyring else { return session }
        let daemon = try ChildProcess(
            try Self.program("gnome-keyring-daemon"),
            ["--foreground", "--components=secrets", "--unlock"],
            environment: [
                "DBUS_SESSION_BUS_ADDRESS": address,
                "HOME": home.path,
                "XDG_DATA_HOME": home.appendingPathComponent(".local/share").path,
                "XDG_CONFIG_HOME": home.appendingPathComponent(".config").path,
                "XDG_RUNTIME_DIR": runtime.path,
                "DISPLAY": "",
                "WAYLAND_DISPLAY": "",
            ],
            standardInput: true,
            grace: Self.grace
        )
        // --unlock reads the login keyring's password up to end of input (and creates the keyring with it).
        daemon.write(Data(Self.password.utf8))
        daemon.closeInput()
        try await session.awaitOwner(of: SecretServiceStore.service, timeout: .seconds(30))
        return session
    }

    /// Returns once `name` has an owner on the bus: the owner-changed signal is watched first, then the bus is
    /// asked, so an owner that arrives in between is seen either way.
    func awaitOwner(of name: String, timeout: Duration) async throws {
        let address = try DBusAddress(parsing: self.address)
        try await NIOThreadPool.singleton.runIfActive {
            var connection = try DBusConnection.open(address, callTimeout: .seconds(5))
            defer { connection.close() }
            let changed = DBusSignalMatch(
                interface: DBusConnection.bus,
                member: "NameOwnerChanged",
                firstArgument: name
            )
            try connection.watch(changed)
            let owned = try connection.call(
                DBusConnection.bus,
                DBusConnection.busPath,
                DBusConnection.bus,
                "NameHasOwner",
                [.string(name)]
            )
            if owned.first?.boolean == true { return }
            _ = try connection.nextSignal(changed, timeout: timeout)
        }
    }

    /// Calls a Secret Service method as another program would (to lock the keyring, say).
    func call(
        _ path: String,
        _ interface: String,
        _ member: String,
        _ arguments: [DBusValue]
    ) async throws -> [DBusValue] {
        let address = try DBusAddress(parsing: self.address)
        return try await NIOThreadPool.singleton.runIfActive {
            var connection = try DBusConnection.open(address, callTimeout: .seconds(5))
            defer { connection.close() }
            return try connection.call(SecretServiceStore.service, path, interface, member, arguments)
        }
    }

    /// `secret-tool lookup application mcp-bridge account <account>`: libsecret's own reading of the item.
    func secretToolLookup(account: String) async throws -> ProcessRun {
        try await ChildProcess.run(
            try Self.program("secret-tool"),
            ["lookup", "application", "mcp-bridge", "account", account],
            environment: ["DBUS_SESSION_BUS_ADDRESS": self.address]
        )
    }

    /// Removes the temporary directory (the daemons are stopped by the test's scope).
    func remove() {
        try? FileManager.default.removeItem(at: self.directory)
    }

    /// `name` on `PATH`.
    static func program(_ name: String) throws -> URL {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for directory in path.split(separator: ":").map(String.init) + ["/usr/bin", "/usr/sbin"] {
            let candidate = URL(fileURLWithPath: directory).appendingPathComponent(name)
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        throw Missing(name: name)
    }

    struct Missing: Error, CustomStringConvertible {
        let name: String
        var description: String {
            "\(self.name) is not installed: apt-get install dbus-daemon gnome-keyring libsecret-tools "
                + "(scripts/test.sh installs them for its interop stage)"
        }
    }
}
#endif
