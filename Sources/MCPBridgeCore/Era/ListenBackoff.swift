/// How long to wait before opening a listen stream again: from one second, doubling to a minute while streams
/// keep ending quickly, back to one second after a stream that lasted a minute. Jittered, so bridges that lost
/// their streams together do not come back together.
struct ListenBackoff: Sendable {
    static let first = Duration.seconds(1)
    static let longest = Duration.seconds(60)
    private var current = ListenBackoff.first

    /// The wait after a stream that stayed open for `lasted`.
    mutating func next(after lasted: Duration) -> Duration {
        if lasted >= Self.longest { self.current = Self.first }
        let wait = self.current
        self.current = min(self.current * 2, Self.longest)
        return wait * Double.random(in: 0.8...1.2)
    }
}
