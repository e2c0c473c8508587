import MCPWire
import Testing

struct MCPHeaderTests {
    /// The examples of the 2026-07-28 "Value Encoding" table.
    @Test(arguments: [
        ("us-west1", "us-west1"),
        ("Hello, 世界", "=?base64?SGVsbG8sIOS4lueVjA==?="),
        (" padded ", "=?base64?IHBhZGRlZCA=?="),
        ("line1\nline2", "=?base64?bGluZTEKbGluZTI=?="),
        ("=?base64?literal?=", "=?base64?PT9iYXNlNjQ/bGl0ZXJhbD89?="),
    ])
    func encodesAndDecodesTheSpecExamples(_ value: String, _ encoded: String) {
        #expect(MCPHeader.encodeValue(value) == encoded)
        #expect(MCPHeader.decodeValue(encoded) == value)
    }

    @Test func malformedValuesDecodeToNil() {
        #expect(MCPHeader.decodeValue("=?base64?not base64?=") == nil)
        #expect(MCPHeader.decodeValue("=?base64?wyg=?=") == nil)  // invalid UTF-8 inside
        #expect(MCPHeader.decodeValue("caf\u{E9}") == nil)
    }

    @Test func versionsKnowTheirEra() {
        #expect(MCPProtocolVersion.v2025_11_25.era == .legacy)
        #expect(MCPProtocolVersion.v2026_07_28.era == .modern)
        #expect(MCPProtocolVersion(rawValue: "2027-01-01").era == .modern)
        #expect(!MCPProtocolVersion(rawValue: "2027-01-01").isSupported)
        #expect(MCPProtocolVersion.all.count == 5)
    }
}
