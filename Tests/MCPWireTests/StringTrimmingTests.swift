import MCPWire
import Testing

@Suite("Trimming white space without Foundation")
struct StringTrimmingTests {
    @Test(arguments: [
        ("  token  ", "token"), ("\ttoken\t", "token"), ("\ntoken\n", "token"), ("token\r\n", "token"),
        ("\r\n \t token \t\r\n", "token"), ("a b\tc", "a b\tc"), ("  a b  ", "a b"), ("line1\nline2\n", "line1\nline2"),
        ("", ""), ("   ", ""), ("\r\n\t \n", ""), ("token", "token"),
        ("\u{00A0}token\u{3000}", "token"), ("\u{3000}\u{2003}a\u{00A0}b\u{2028}", "a\u{00A0}b"),
    ])
    func trimmingWhitespace(_ text: String, _ trimmed: String) {
        #expect(text.trimmingWhitespace() == trimmed)
        #expect(Substring(text).trimmingWhitespace() == trimmed)
    }

    @Test(arguments: [
        (" text/html ", "text/html"), ("\tBearer x\t", "Bearer x"), (" \t a b \t ", "a b"), ("a\tb", "a\tb"),
        ("", ""), (" \t ", ""), ("value\r\n", "value\r\n"), ("\nvalue ", "\nvalue"),
        (" \u{00A0}v\u{00A0} ", "\u{00A0}v\u{00A0}"),
    ])
    func trimmingOWS(_ text: String, _ trimmed: String) {
        #expect(text.trimmingOWS() == trimmed)
        #expect(Substring(text).trimmingOWS() == trimmed)
    }

    @Test func substringsOfLargerText() {
        let text = "name:  value  ;rest"
        let value = text.split(separator: ":")[1].split(separator: ";")[0]
        #expect(value.trimmingOWS() == "value")
        #expect(value.trimmingWhitespace() == "value")
    }
}
