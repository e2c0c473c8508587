/// Base64 (RFC 4648) without Foundation, the one implementation both products use: the standard alphabet with
/// padding (§4: HTTP Basic, header values, Lambda bodies) and base64url without padding (§5: JWTs, secrets).
public enum Base64 {
    /// Which of RFC 4648's two alphabets, with its padding rule.
    public enum Alphabet: Sendable {
        /// `+` and `/`, padded with `=` to a multiple of four.
        case standard
        /// `-` and `_`, never padded.
        case url

        fileprivate var characters: [UInt8] {
            switch self {
            case .standard: Base64.standardCharacters
            case .url: Base64.urlCharacters
            }
        }
    }

    private static let standardCharacters = Array(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8
    )
    private static let urlCharacters = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
    /// Byte → value for each alphabet; 0xFF for bytes outside it.
    private static let standardValues = Self.values(of: Self.standardCharacters)
    private static let urlValues = Self.values(of: Self.urlCharacters)

    private static func values(of characters: [UInt8]) -> [UInt8] {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (index, byte) in characters.enumerated() { table[Int(byte)] = UInt8(index) }
        return table
    }

    /// `bytes` encoded in `alphabet`.
    public static func encode(_ bytes: some Collection<UInt8>, _ alphabet: Alphabet = .standard) -> String {
        let characters = alphabet.characters
        let bytes = Array(bytes)
        var output: [UInt8] = []
        output.reserveCapacity((bytes.count + 2) / 3 * 4)
        var index = 0
        while index < bytes.count {
            let count = min(3, bytes.count - index)
            let b0 = bytes[index]
            let b1 = count > 1 ? bytes[index + 1] : 0
            let b2 = count > 2 ? bytes[index + 2] : 0
            output.append(characters[Int(b0 >> 2)])
            output.append(characters[Int((b0 & 0x03) << 4 | b1 >> 4)])
            if count > 1 { output.append(characters[Int((b1 & 0x0F) << 2 | b2 >> 6)]) }
            if count > 2 { output.append(characters[Int(b2 & 0x3F)]) }
            if alphabet == .standard { output.append(contentsOf: repeatElement(UInt8(ascii: "="), count: 3 - count)) }
            index += 3
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// The bytes `text` encodes, or `nil` when it is not exactly `alphabet`'s form (wrong characters, wrong
    /// padding, a length no encoding has, or bits left over in the last character).
    public static func decode(_ text: some StringProtocol, _ alphabet: Alphabet = .standard) -> [UInt8]? {
        var bytes = Array(text.utf8)
        if alphabet == .standard {
            guard bytes.count % 4 == 0 else { return nil }
            var padding = 0
            while padding < 2, bytes.last == UInt8(ascii: "=") {
                bytes.removeLast()
                padding += 1
            }
        }
        guard bytes.count % 4 != 1 else { return nil }
        let values = alphabet == .standard ? Self.standardValues : Self.urlValues
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count / 4 * 3 + 2)
        var accumulator: UInt32 = 0
        var bits = 0
        for byte in bytes {
            let value = values[Int(byte)]
            guard value != 0xFF else { return nil }
            accumulator = accumulator << 6 | UInt32(value)
            bits += 6
            if bits >= 8 {
                bits -= 8
                output.append(UInt8(truncatingIfNeeded: accumulator >> UInt32(bits)))
            }
        }
        // Canonical only: the bits of the last character beyond the last byte must be zero.
        guard accumulator & ((1 << UInt32(bits)) - 1) == 0 else { return nil }
        return output
    }
}
