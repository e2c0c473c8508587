/// Why a JWT was refused; ``description`` names the rule and is safe for an `error_description` or a log.
public struct JWTRefusal: Error, Sendable, Hashable, CustomStringConvertible {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}
