/// Deterministic random inputs for the sign-in property tests.
///
/// This test target does not link swift-property-based (adding it means editing Package.swift, which the
/// storage work owns this round), so these properties run over a fixed number of inputs from SplitMix64 with
/// fixed seeds: every run checks the same cases, and a failure names the seed and the input.
struct SignInRandom: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { self.state = seed }

    /// SplitMix64 (Steele, Lea and Flood, 2014).
    mutating func next() -> UInt64 {
        self.state &+= 0x9E37_79B9_7F4A_7C15
        var z = self.state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    static let unreserved = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
    static let lowerAlphanumerics = Array("abcdefghijklmnopqrstuvwxyz0123456789")

    /// `count` characters drawn from `alphabet`.
    mutating func string(from alphabet: [Character], count: Int) -> String {
        String((0..<count).map { _ in alphabet.randomElement(using: &self)! })
    }

    /// A string of visible ASCII (`%x20-7E`), the alphabet of `state`.
    mutating func visibleASCII(count: Int) -> String {
        String(decoding: (0..<count).map { _ in UInt8.random(in: 0x20...0x7E, using: &self) }, as: UTF8.self)
    }

    /// Any Unicode scalars, biased towards the characters URL encoders get wrong.
    mutating func awkwardText(count: Int) -> String {
        let awkward: [Unicode.Scalar] = [
            "+", "&", "=", "%", "#", "?", "/", " ", ";", "\"", "\\", "é", "€", "😀", "\u{0}",
        ]
        var scalars = String.UnicodeScalarView()
        for _ in 0..<count {
            if Bool.random(using: &self) {
                scalars.append(awkward.randomElement(using: &self)!)
            } else if let scalar = Unicode.Scalar(UInt32.random(in: 0x20...0x2FFF, using: &self)) {
                scalars.append(scalar)
            }
        }
        return String(scalars)
    }
}
