/// One HTTP header, as given by the user.
public struct HeaderField: Sendable, Hashable {
    /// The header name, as the user spelled it.
    public var name: String
    /// The value, with `${VAR}` already expanded.
    public var value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}
