import MCPCommandLine

/// `--store`: which backend keeps clients, keys and rate-limit counters.
enum StoreKind: String, CaseInsensitiveArgument, Sendable {
    /// One file, no setup: the default of `serve`.
    case sqlite
    /// A DynamoDB table: the default on Lambda, where instances share it.
    case dynamodb
}
