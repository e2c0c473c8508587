import Testing

@testable import MCPBridgeCore

/// The `claude mcp add …` line the bridge prints is pasted into a shell: every argument must reach it as one word.
@Suite("shell quoting of printed commands")
struct ShellQuotingTests {
    @Test("plain words stay as they are; anything else is single-quoted")
    func plainAndQuoted() {
        #expect(HostConfig.shellQuoted("https://mcp.example.com/mcp") == "https://mcp.example.com/mcp")
        #expect(HostConfig.shellQuoted("two words") == "'two words'")
        #expect(HostConfig.shellQuoted("caf\u{E9}") == "'caf\u{E9}'")
        #expect(HostConfig.shellQuoted("") == "''")
    }

    @Test("an apostrophe is escaped even when a combining mark makes it part of a larger character")
    func apostrophes() {
        #expect(HostConfig.shellQuoted("it's") == #"'it'\''s'"#)
        let tricky = "a'\u{301}; echo pwned; '\u{301}"
        let quoted = HostConfig.shellQuoted(tricky)
        // Every apostrophe scalar of the input is closed, escaped and reopened: none stands alone.
        #expect(quoted.unicodeScalars.filter { $0 == "'" }.count == 2 + 2 * 3)
        #expect(quoted == "'a'\\''\u{301}; echo pwned; '\\''\u{301}'")
    }
}
