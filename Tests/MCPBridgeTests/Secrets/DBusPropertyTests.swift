import PropertyBased
import Testing

@testable import MCPBridgeCore

/// Whatever bytes arrive, the unmarshaller answers with a message or ``DBusFailure``, never a trap; and random
/// values survive a round trip in both byte orders.
@Suite("D-Bus unmarshalling of random bytes (property-based)")
struct DBusPropertyTests {
    /// A valid message to damage: a reply with the Secret Service's deepest answer.
    static let sample: [UInt8] = {
        var message = DBusMessage(kind: .methodReturn)
        message.serial = 3
        message.replySerial = 2
        message.setBody(DBusMarshallingTests.createItem + DBusMarshallingTests.others)
        return message.encoded()
    }()

    /// Parses `bytes` as the connection would, down to the body's arguments.
    static func parse(_ bytes: [UInt8]) {
        guard let length = try? DBusMessage.frameLength(of: bytes), length <= bytes.count else { return }
        _ = try? DBusMessage(decoding: Array(bytes.prefix(length))).arguments()
        _ = try? DBusMessage(decoding: bytes).arguments()
    }

    @Test func randomBytesNeverTrap() async {
        await propertyCheck(count: 500, input: Gen<UInt8>.value(in: 0...255).array(of: 0...256)) { bytes in
            Self.parse(bytes)
            // With a plausible fixed header, so the header fields and body are reached.
            Self.parse([UInt8(ascii: "l"), 2, 0, 1] + bytes)
        }
    }

    @Test func damagedMessagesNeverTrap() async {
        let gen = Gen<Int>.int(in: 0...(Self.sample.count - 1)).array(of: 1...8)
        await propertyCheck(count: 500, input: gen, Gen<UInt8>.value(in: 0...255)) { positions, value in
            var bytes = Self.sample
            for position in positions { bytes[position] = value &+ UInt8(truncatingIfNeeded: position) }
            Self.parse(bytes)
            // Truncated at the first damaged byte, as a peer that closes mid-message leaves it.
            Self.parse(Array(Self.sample.prefix(positions[0])))
        }
    }

    /// A value of random type and content from `bytes` (read as a stream of choices), nested at most `depth`.
    static func value(_ next: () -> Int, depth: Int) -> DBusValue {
        let choice = next() % (depth > 0 ? 12 : 8)
        switch choice {
        case 0: return .byte(UInt8(next() % 256))
        case 1: return .boolean(next() % 2 == 0)
        case 2: return .int32(Int32(next()) - 128)
        case 3: return .uint32(UInt32(next()) << 20)
        case 4: return .string(["", "a", "é😀", "mcp-bridge"][next() % 4])
        case 5: return .objectPath(["/", "/a", "/org/x_1/y"][next() % 3])
        case 6: return .signature(["", "s", "a{sv}"][next() % 3])
        case 7: return .bytes((0..<(next() % 5)).map { _ in UInt8(next() % 256) })
        case 8: return .variant(Self.value(next, depth: depth - 1))
        case 9:
            let element = Self.value(next, depth: depth - 1)
            let count = next() % 3
            // `ay` has one form, the one the reader gives.
            if case .byte(let byte) = element { return .bytes(Array(repeating: byte, count: count)) }
            return .array(element.type, Array(repeating: element, count: count))
        case 10:
            let entries = (0..<(next() % 3)).map { index in
                DBusValue.Entry(key: .string("k\(index)"), value: .uint32(UInt32(next())))
            }
            return .dictionary(.string, .uint32, entries)
        default:
            return .structure((0...(next() % 3)).map { _ in Self.value(next, depth: depth - 1) })
        }
    }

    @Test func randomValuesRoundTrip() async {
        await propertyCheck(count: 300, input: Gen<UInt8>.value(in: 0...255).array(of: 1...64)) { bytes in
            var index = 0
            let next = {
                defer { index += 1 }
                return Int(bytes[index % bytes.count])
            }
            let arguments = (0...(next() % 3)).map { _ in Self.value(next, depth: 3) }
            for bigEndian in [false, true] {
                var message = DBusMessage(kind: .signal, bigEndian: bigEndian)
                message.serial = 1
                message.path = "/p"
                message.interface = "a.b"
                message.member = "C"
                message.setBody(arguments, bigEndian: bigEndian)
                let decoded = try? DBusMessage(decoding: message.encoded())
                #expect(decoded == message)
                #expect((try? decoded?.arguments()) == arguments)
            }
        }
    }
}
