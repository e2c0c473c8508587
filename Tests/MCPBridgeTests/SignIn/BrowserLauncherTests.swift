import Foundation
import Testing

@testable import MCPBridgeCore

@Suite("the browser launcher", .timeLimit(.minutes(1)))
struct BrowserLauncherTests {
    static let url = "https://as.example.com/authorize?client_id=a&state=b%20c&redirect_uri=http%3A%2F%2F127.0.0.1"

    @Test("$BROWSER words are split with simple quoting")
    func words() {
        #expect(BrowserLauncher.words("firefox --new-tab") == ["firefox", "--new-tab"])
        #expect(BrowserLauncher.words("  a   b  ") == ["a", "b"])
        #expect(BrowserLauncher.words("'/opt/My Browser/run' %s") == ["/opt/My Browser/run", "%s"])
        #expect(BrowserLauncher.words(#""a \"b\" \c" d"#) == [#"a "b" \c"#, "d"])
        #expect(BrowserLauncher.words(#"a\ b c"#) == ["a b", "c"])
        #expect(BrowserLauncher.words("''") == [""])
        #expect(BrowserLauncher.words("'open") == nil)
        #expect(BrowserLauncher.words(#"trailing\"#) == nil)
    }

    @Test("the browser gets the bridge's environment without its MCP_BRIDGE_* settings (a client secret among them)")
    func environment() {
        let environment = BrowserLauncher.childEnvironment([
            "PATH": "/usr/bin", "DISPLAY": ":0", "MCP_BRIDGE_CLIENT_SECRET": "s3cret", "mcp_bridge_home": "/x",
            "BROWSER": "firefox",
        ])
        #expect(environment == ["PATH": "/usr/bin", "DISPLAY": ":0", "BROWSER": "firefox"])
    }

    @Test("%s is replaced by the URL, else the URL is the last word; entries are tried in order")
    func commands() {
        #expect(
            BrowserLauncher.commands(for: "U", browser: "first --x:second %s --y::third")
                == [["first", "--x", "U"], ["second", "U", "--y"], ["third", "U"]]
        )
        #expect(BrowserLauncher.commands(for: "U", browser: "b --url=%s") == [["b", "--url=U"]])
        #expect(BrowserLauncher.commands(for: "U", browser: nil) == [BrowserLauncher.systemOpener + ["U"]])
        #expect(BrowserLauncher.commands(for: "U", browser: "") == [BrowserLauncher.systemOpener + ["U"]])
    }

    @Test("only http(s) URLs are opened")
    func schemes() throws {
        let launcher = BrowserLauncher(command: "/bin/true")
        for text in ["file:///etc/passwd", "javascript:alert(1)", "x-safari-https://as.example.com", "ftp://host/x"] {
            let url = try #require(URL(string: text))
            #expect(throws: BridgeError.self) { try launcher.launch(url) }
            #expect(!launcher.open(url))
        }
    }

    #if !os(Windows)
    @Test("$BROWSER gets the URL as one argument, unmangled, with /dev/null as its standard streams")
    func launchesBrowser() async throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let script = try Self.script(in: directory)
        let missing = directory.appendingPathComponent("no-such-browser").path
        // The first entry cannot be started; the second is the script.
        let launcher = BrowserLauncher(command: "\(missing):'\(script.path)' --flag")
        let url = try #require(URL(string: Self.url))
        let launch = try #require(try launcher.launch(url))
        #expect(launch.program == script.path)
        #expect(try await launch.exitStatus() == 0)

        let lines = try String(contentsOf: directory.appendingPathComponent("out"), encoding: .utf8)
            .split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines[0] == "2")
        #expect(lines[1] == "--flag")
        #expect(lines[2] == Self.url)
        #if os(Linux)
        // The child's stdin, stdout and stderr: never the bridge's stdout, which carries the MCP protocol.
        #expect(Array(lines[3...5]) == ["/dev/null", "/dev/null", "/dev/null"])
        #endif
    }

    @Test("with no program that can be started, nothing is opened")
    func nothingToStart() throws {
        let launcher = BrowserLauncher(command: "/nonexistent/browser-a:/nonexistent/browser-b %s")
        let url = try #require(URL(string: Self.url))
        #expect(try launcher.launch(url) == nil)
        #expect(!launcher.open(url))
    }

    @Test("the exit status of a program that fails is reported")
    func exitStatus() async throws {
        let url = try #require(URL(string: Self.url))
        let launch = try #require(try BrowserLauncher(command: "/bin/sh -c 'exit 3'").launch(url))
        #expect(try await launch.exitStatus() == 3)
    }

    /// A `$BROWSER` that writes its argument count, its arguments and (on Linux) where its fds 0-2 lead, then
    /// makes noise on stdout and stderr that must not reach the bridge's.
    static func script(in directory: URL) throws -> URL {
        let out = directory.appendingPathComponent("out").path
        let script = directory.appendingPathComponent("browser with space.sh")
        let text = """
            #!/bin/sh
            # Where the shell's own fds lead, read before any redirection ($$ is this shell, also in $(...)).
            if [ -e /proc/$$/fd/0 ]; then
              fds="$(readlink /proc/$$/fd/0)
            $(readlink /proc/$$/fd/1)
            $(readlink /proc/$$/fd/2)"
            fi
            {
              printf '%s\\n' "$#"
              for argument in "$@"; do printf '%s\\n' "$argument"; done
              if [ -n "$fds" ]; then printf '%s\\n' "$fds"; fi
            } > '\(out).partial'
            mv '\(out).partial' '\(out)'
            echo "noise on the browser's stdout"
            echo "noise on the browser's stderr" >&2
            """
        try text.write(to: script, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: script.path)
        return script
    }
    #endif

    static func temporaryDirectory() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("browser-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }
}
