/// Where server messages go: the host, or (for requests the bridge makes itself) nowhere.
public protocol ServerMessageSink: Sendable {
    func deliver(_ bytes: [UInt8])
}
