/// Percent-encoding (RFC 3986 §2.1) by bytes of the UTF-8 form, ASCII only: Foundation's `CharacterSet` sets count
/// non-ASCII letters as safe, and a URL, a query or a form must carry them as UTF-8 escapes. Neither side links
/// Foundation's `addingPercentEncoding`, which is not in FoundationEssentials.
public enum PercentEncoding {
    /// `text` with everything but RFC 3986's unreserved characters (`A-Z a-z 0-9 - . _ ~`) escaped, in upper-case
    /// hex (what AWS SigV4 and OAuth want). With `form`, a space becomes `+` (`application/x-www-form-urlencoded`,
    /// RFC 6749 Appendix B); otherwise `%20`.
    public static func encode(_ text: some StringProtocol, form: Bool = false) -> String {
        if form {
            return Self.encode(text, keeping: Self.isUnreserved, spaceAsPlus: true)
        }
        return Self.encode(text, keeping: Self.isUnreserved)
    }

    /// `text` with every byte `keep` refuses escaped, and `%` always (so the result decodes back to `text`).
    public static func encode(
        _ text: some StringProtocol,
        keeping keep: (UInt8) -> Bool,
        spaceAsPlus: Bool = false
    ) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            if byte != UInt8(ascii: "%") && keep(byte) {
                output.append(byte)
            } else if spaceAsPlus && byte == UInt8(ascii: " ") {
                output.append(UInt8(ascii: "+"))
            } else {
                output.append(contentsOf: [
                    UInt8(ascii: "%"), Self.hexDigits[Int(byte >> 4)], Self.hexDigits[Int(byte & 0x0F)],
                ])
            }
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// The text `encoded` stands for, or `nil` when an escape is broken or the bytes are not UTF-8. With `form`, a
    /// `+` is a space (form encoding); otherwise it is itself (a URI's path or query).
    public static func decode(_ encoded: some Collection<UInt8>, form: Bool) -> String? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(encoded.count)
        var iterator = encoded.makeIterator()
        while let byte = iterator.next() {
            switch byte {
            case UInt8(ascii: "+") where form:
                bytes.append(UInt8(ascii: " "))
            case UInt8(ascii: "%"):
                guard let high = iterator.next().flatMap(Hex.value(of:)),
                    let low = iterator.next().flatMap(Hex.value(of:))
                else { return nil }
                bytes.append(high << 4 | low)
            default:
                bytes.append(byte)
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }

    /// The `name=value` pairs of a query or form body, in order and decoded (`+` as a space); `nil` when any part
    /// is malformed or a name is empty.
    public static func pairs(_ query: String) -> [(name: String, value: String)]? {
        var pairs: [(name: String, value: String)] = []
        for part in query.utf8.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true) {
            let pieces = part.split(separator: UInt8(ascii: "="), maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = Self.decode(pieces[0], form: true), !name.isEmpty else { return nil }
            guard let value = pieces.count > 1 ? Self.decode(pieces[1], form: true) : "" else { return nil }
            pairs.append((name, value))
        }
        return pairs
    }

    /// Whether `byte` is one of RFC 3986's unreserved characters: `A-Z a-z 0-9 - . _ ~`.
    public static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
            UInt8(ascii: "~"):
            true
        default: false
        }
    }

    /// Whether `byte` may stand as it is in a URI path segment (RFC 3986 §3.3 `pchar`, without `%`): unreserved,
    /// a sub-delimiter (`! $ & ' ( ) * + , ; =`), `:` or `@`.
    public static func isPathSegmentCharacter(_ byte: UInt8) -> Bool {
        switch byte {
        case _ where Self.isUnreserved(byte): true
        case UInt8(ascii: "!"), UInt8(ascii: "$"), UInt8(ascii: "&"), UInt8(ascii: "'"), UInt8(ascii: "("),
            UInt8(ascii: ")"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: ","), UInt8(ascii: ";"),
            UInt8(ascii: "="), UInt8(ascii: ":"), UInt8(ascii: "@"):
            true
        default: false
        }
    }

    private static let hexDigits = Array("0123456789ABCDEF".utf8)
}
