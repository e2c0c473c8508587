public import Logging

#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

#if canImport(Darwin)
import Darwin
#elseif canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif os(Windows)
// `Process`, which FoundationEssentials lacks; full Foundation is part of the system on Windows.
import Foundation
#endif

/// Opens a sign-in URL in the person's browser: `$BROWSER` when set, else the system's opener (`open` on macOS,
/// `xdg-open` elsewhere, `url.dll` on Windows).
///
/// The program is started directly, never through a shell, so nothing in the URL (`&`, `;`, quotes) is
/// interpreted on the way; and its standard input, output and error are `/dev/null`: the bridge's standard output
/// is the MCP connection to the host, and a browser printing there would corrupt it. The launcher does not wait
/// for the program; it is reaped in the background.
public struct BrowserLauncher: Sendable {
    /// The value of `$BROWSER`, if any: commands separated by `:` (`;` on Windows), tried in order until one
    /// starts (on Windows, name the program by its full path). Each is split into words on whitespace, with
    /// `'...'`, `"..."` and `\` quoting; `%s` in a word is replaced by the URL, and without one the URL is added as
    /// the last word.
    public var command: String?
    let logger: Logger?

    /// A launcher that runs `command` (`$BROWSER`) or, without one, the system's opener; `logger` hears which
    /// program was started, or why none was.
    public init(command: String?, logger: Logger? = nil) {
        self.command = command.flatMap { $0.isEmpty ? nil : $0 }
        self.logger = logger
    }

    /// A program that was started to open a URL.
    public struct Launch: Sendable {
        /// The program, as named in the command.
        public let program: String
        let exit: OneShot<Int32>

        /// Waits for the program to end and returns its exit status (128 + the signal when a signal ended it).
        /// Openers such as `xdg-open` end as soon as the browser has the URL; a browser started directly may
        /// run much longer.
        public func exitStatus() async throws -> Int32 {
            try await self.exit.value
        }
    }

    /// Opens `url` with the first command that can be started, without waiting for it. Returns whether one was
    /// started: when not (nothing on `PATH`, not an http(s) URL), the caller only prints the URL.
    @discardableResult
    public func open(_ url: URL) -> Bool {
        do {
            guard let launch = try self.launch(url) else {
                self.logger?.warning("No program could be started to open the browser")
                return false
            }
            self.logger?.debug("Opened the browser", metadata: ["program": "\(launch.program)"])
            return true
        } catch {
            self.logger?.warning("Not opening the browser: \(error)")
            return false
        }
    }

    /// Starts the first command that can be started with `url`, and returns it (`nil` when none could be).
    ///
    /// - Throws: ``BridgeError/configuration(_:)`` for anything but an `http://` or `https://` URL, which is
    ///   never handed to an opener (a `file:` or custom scheme would run something else).
    public func launch(_ url: URL) throws(BridgeError) -> Launch? {
        guard let scheme = url.scheme?.lowercased(), scheme == "https" || scheme == "http", url.host?.isEmpty == false
        else {
            throw .configuration(
                "refusing to open \(url.scheme ?? "a URL without a scheme"):… in the browser: only http(s) URLs are opened"
            )
        }
        for command in Self.commands(for: url.absoluteString, browser: self.command) {
            if let launch = Self.start(command) { return launch }
        }
        return nil
    }

    /// The browser's environment: the bridge's without its own `MCP_BRIDGE_*` settings, one of which may be a
    /// client secret (`MCP_BRIDGE_CLIENT_SECRET`) that a browser and whatever it starts have no business holding.
    static func childEnvironment(_ environment: [String: String]) -> [String: String] {
        environment.filter { !$0.key.uppercased().hasPrefix("MCP_BRIDGE_") }
    }

    /// The commands to try for `url`, in order: those of `browser` (`$BROWSER`), else the system's opener.
    static func commands(for url: String, browser: String?) -> [[String]] {
        guard let browser, !browser.isEmpty else { return [Self.systemOpener + [url]] }
        #if os(Windows)
        let separator: Character = ";"
        #else
        let separator: Character = ":"
        #endif
        return browser.split(separator: separator).compactMap { entry -> [String]? in
            guard var words = Self.words(String(entry)), !words.isEmpty else { return nil }
            if words.contains(where: { $0.contains("%s") }) {
                words = words.map { $0.replacing("%s", with: url) }
            } else {
                words.append(url)
            }
            return words
        }
    }

    #if os(macOS)
    static let systemOpener = ["/usr/bin/open"]
    #elseif os(Windows)
    // url.dll's handler opens the URL with the default browser and, unlike `cmd /c start`, parses no shell syntax.
    // A full path: Foundation's Process does not search PATH there.
    static var systemOpener: [String] {
        let root = ProcessInfo.processInfo.environment["SystemRoot"] ?? "C:\\Windows"
        return [root + "\\System32\\rundll32.exe", "url.dll,FileProtocolHandler"]
    }
    #else
    static let systemOpener = ["xdg-open"]
    #endif

    /// `command` split into words: whitespace separates; `'...'` is literal; `"..."` keeps spaces and takes `\`
    /// before `"` or `\`; outside quotes `\` escapes the next character (not on Windows, where it separates path
    /// components). `nil` when a quote is left open.
    static func words(_ command: String) -> [String]? {
        #if os(Windows)
        let backslashEscapes = false
        #else
        let backslashEscapes = true
        #endif
        var words: [String] = []
        var current = ""
        var inWord = false
        var quote: Character?
        var escaping = false
        for character in command {
            if escaping {
                if quote == "\"" && character != "\"" && character != "\\" { current.append("\\") }
                current.append(character)
                escaping = false
                continue
            }
            if let open = quote {
                if character == open {
                    quote = nil
                } else if open == "\"" && character == "\\" && backslashEscapes {
                    escaping = true
                } else {
                    current.append(character)
                }
                continue
            }
            switch character {
            case "'", "\"":
                quote = character
                inWord = true
            case "\\" where backslashEscapes:
                escaping = true
                inWord = true
            case _ where character.isWhitespace:
                if inWord { words.append(current) }
                current = ""
                inWord = false
            default:
                current.append(character)
                inWord = true
            }
        }
        guard quote == nil, !escaping else { return nil }
        if inWord { words.append(current) }
        return words
    }

    /// Starts `arguments` (the program found on `PATH`), detached from the bridge's standard streams and
    /// process group; `nil` when it cannot be started.
    private static func start(_ arguments: [String]) -> Launch? {
        #if os(Windows)
        let process = Process()
        let exit = OneShot<Int32>()
        process.executableURL = URL(fileURLWithPath: arguments[0])
        process.arguments = Array(arguments.dropFirst())
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        process.environment = Self.childEnvironment(ProcessInfo.processInfo.environment)
        process.terminationHandler = { process in exit.succeed(process.terminationStatus) }
        do {
            try process.run()
        } catch {
            return nil
        }
        return Launch(program: arguments[0], exit: exit)
        #else
        guard let pid = Self.spawn(arguments) else { return nil }
        let exit = OneShot<Int32>()
        // A thread of its own, not the shared pools: a browser started directly may run for hours.
        let waiting = DetachedThread.run {
            var status: Int32 = 0
            while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
            // WIFEXITED / WEXITSTATUS / WTERMSIG, which Swift does not import.
            let signal = status & 0x7F
            exit.succeed(signal == 0 ? (status >> 8) & 0xFF : 128 + signal)
        }
        if !waiting {
            // The program runs; only its exit status will never be known.
            exit.fail(BridgeError.configuration("no thread could be started to wait for \(arguments[0])"))
        }
        return Launch(program: arguments[0], exit: exit)
        #endif
    }

    #if !os(Windows)
    /// `posix_spawnp` with `/dev/null` as fds 0, 1 and 2, its own process group (a signal the host sends the
    /// bridge's group does not close the browser), default signal handling and an empty signal mask.
    private static func spawn(_ arguments: [String]) -> pid_t? {
        #if canImport(Darwin)
        var actions: posix_spawn_file_actions_t? = nil
        var attributes: posix_spawnattr_t? = nil
        #else
        var actions = posix_spawn_file_actions_t()
        var attributes = posix_spawnattr_t()
        #endif
        guard posix_spawn_file_actions_init(&actions) == 0 else { return nil }
        defer { posix_spawn_file_actions_destroy(&actions) }
        guard posix_spawnattr_init(&attributes) == 0 else { return nil }
        defer { posix_spawnattr_destroy(&attributes) }
        let nullOpened = [(Int32(0), O_RDONLY), (Int32(1), O_WRONLY), (Int32(2), O_WRONLY)].allSatisfy { fd, mode in
            posix_spawn_file_actions_addopen(&actions, fd, "/dev/null", mode, 0) == 0
        }
        guard nullOpened else { return nil }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        var defaultSignals = sigset_t()
        sigemptyset(&defaultSignals)
        for signal in [SIGPIPE, SIGINT, SIGTERM, SIGHUP, SIGQUIT] { sigaddset(&defaultSignals, signal) }
        let flags = Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF)
        guard posix_spawnattr_setflags(&attributes, flags) == 0, posix_spawnattr_setpgroup(&attributes, 0) == 0,
            posix_spawnattr_setsigmask(&attributes, &noSignals) == 0,
            posix_spawnattr_setsigdefault(&attributes, &defaultSignals) == 0
        else { return nil }

        let argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        let environment: [UnsafeMutablePointer<CChar>?] =
            Self.childEnvironment(ProcessInfo.processInfo.environment).map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for pointer in environment { free(pointer) } }
        var pid: pid_t = 0
        let result = posix_spawnp(&pid, arguments[0], &actions, &attributes, argv, environment)
        return result == 0 ? pid : nil
    }
    #endif
}
