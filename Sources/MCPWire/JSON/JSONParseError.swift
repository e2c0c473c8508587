/// Why a text is not valid JSON.
public struct JSONParseError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong, in words fit for a JSON-RPC error message.
    public let reason: String
    /// The byte offset where the problem was found.
    public let offset: Int

    public var description: String { "\(self.reason) at byte \(self.offset)" }
}
