public import MCPCommandLine
public import MCPServerCore

// The protocol is written with its module's name, which tells the compiler this conformance of a type from
// another module is intended.
extension ClientAuthMethod: MCPCommandLine.CaseInsensitiveArgument {}
