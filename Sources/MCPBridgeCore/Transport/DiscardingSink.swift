/// Discards what it is given: the answers to requests the bridge replays on its own behalf.
struct DiscardingSink: ServerMessageSink {
    func deliver(_ bytes: [UInt8]) {}
}
