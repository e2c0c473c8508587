/// Strict UTF-8 validation (no overlongs, no surrogates, nothing above U+10FFFF).
enum UTF8Validator {
    static func isValid(_ bytes: ArraySlice<UInt8>) -> Bool {
        var index = bytes.startIndex
        let end = bytes.endIndex
        while index < end {
            let lead = bytes[index]
            if lead < 0x80 {
                index += 1
                continue
            }
            let count: Int
            var lowerBound: UInt8 = 0x80
            var upperBound: UInt8 = 0xBF
            switch lead {
            case 0xC2...0xDF: count = 1
            case 0xE0: count = 2; lowerBound = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: count = 2
            case 0xED: count = 2; upperBound = 0x9F
            case 0xF0: count = 3; lowerBound = 0x90
            case 0xF1...0xF3: count = 3
            case 0xF4: count = 3; upperBound = 0x8F
            default: return false
            }
            guard end - index > count else { return false }
            let second = bytes[index + 1]
            guard second >= lowerBound, second <= upperBound else { return false }
            for offset in stride(from: 2, through: count, by: 1) where bytes[index + offset] & 0xC0 != 0x80 {
                return false
            }
            index += count + 1
        }
        return true
    }
}

extension String {
    /// Decodes UTF-8, refusing invalid bytes instead of replacing them (`String(validating:)` needs macOS 15).
    public init?(strictUTF8 bytes: some Collection<UInt8>) {
        let array = Array(bytes)
        guard UTF8Validator.isValid(array[...]) else { return nil }
        self = String(decoding: array, as: UTF8.self)
    }
}
