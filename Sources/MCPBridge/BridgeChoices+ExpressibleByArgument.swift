public import MCPBridgeCore
public import MCPCommandLine

// The protocol is written with its module's name, which tells the compiler this conformance of a type from
// another module is intended.
extension TransportChoice: MCPCommandLine.CaseInsensitiveArgument {}
extension ProtocolChoice: MCPCommandLine.CaseInsensitiveArgument {}
extension AuthChoice: MCPCommandLine.CaseInsensitiveArgument {}
extension CredentialStoreChoice: MCPCommandLine.CaseInsensitiveArgument {}
