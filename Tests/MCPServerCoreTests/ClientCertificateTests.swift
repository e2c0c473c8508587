import MCPServerCore
import Testing

@Suite("Client certificate subject names")
struct ClientCertificateTests {
    @Test func distinguishedNamesCompareAttributeByAttribute() {
        #expect(ClientCertificate.sameDN("CN=mcp-client,O=remote-mcp tests", "cn = mcp-client , o=remote-mcp tests"))
        #expect(!ClientCertificate.sameDN("CN=mcp-client,O=remote-mcp tests", "CN=MCP-client,O=remote-mcp tests"))
        #expect(!ClientCertificate.sameDN("CN=mcp-client", "CN=mcp-client,O=x"))
        // An escaped comma is part of the value, compared exactly.
        #expect(ClientCertificate.sameDN(#"CN=Doe\, Jane,O=x"#, #"CN=Doe\, Jane, O=x"#))
        #expect(!ClientCertificate.sameDN(#"CN=Doe\, Jane"#, #"CN=Doe\, JANE"#))
        #expect(!ClientCertificate.sameDN(#"CN=Doe\, Jane"#, "CN=Doe,CN=Jane"))
        #expect(!ClientCertificate.sameDN("nonsense", "nonsense"))
        #expect(!ClientCertificate.sameDN(#"CN=x\"#, #"CN=x\"#))
    }
}
