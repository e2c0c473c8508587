import Testing

@testable import MCPBridgeCore

/// The D-Bus wire format as the Secret Service needs it: what the bridge sends decodes to itself in both byte
/// orders, a message written by hand in the other byte order reads right, and what is malformed is refused.
@Suite("D-Bus marshalling")
struct DBusMarshallingTests {
    /// CreateItem's arguments: every type the Secret Service client writes.
    static let createItem: [DBusValue] = [
        .dictionary(
            .string,
            .variant,
            [
                .init(key: .string("org.freedesktop.Secret.Item.Label"), value: .variant(.string("a label é"))),
                .init(
                    key: .string("org.freedesktop.Secret.Item.Attributes"),
                    value: .variant(.stringDictionary(["application": "mcp-bridge", "account": "00ff"]))
                ),
            ]
        ),
        .structure([
            .objectPath("/org/freedesktop/secrets/session/s1"), .bytes([]), .bytes(Array("{\"a\":1}".utf8)),
            .string("application/json"),
        ]),
        .boolean(true),
    ]

    /// GetSecrets' answer and the rest: a{o(oayays)}, ao, g, i, u, y, v holding a container.
    static let others: [DBusValue] = [
        .dictionary(
            .objectPath,
            .structure([.objectPath, .array(.byte), .array(.byte), .string]),
            [
                .init(
                    key: .objectPath("/org/freedesktop/secrets/collection/login/1"),
                    value: .structure([.objectPath("/s"), .bytes([1]), .bytes([0, 255]), .string("text/plain")])
                )
            ]
        ),
        .objectPaths(["/a", "/a/b_c"]),
        .objectPaths([]),
        .signature("a{sv}"),
        .int32(-7),
        .uint32(.max),
        .byte(9),
        .variant(.objectPaths(["/x"])),
        .structure([.byte(1), .uint32(2)]),
    ]

    @Test("a method call decodes to what was encoded, little- and big-endian", arguments: [false, true])
    func roundTrip(bigEndian: Bool) throws {
        for arguments in [Self.createItem, Self.others] {
            var message = DBusMessage.methodCall(
                destination: "org.freedesktop.secrets",
                path: "/org/freedesktop/secrets/aliases/default",
                interface: "org.freedesktop.Secret.Collection",
                member: "CreateItem",
                arguments: arguments,
                bigEndian: bigEndian
            )
            message.serial = 42
            let bytes = message.encoded()
            #expect(bytes.count % 8 == message.body.count % 8)
            #expect(try DBusMessage.frameLength(of: bytes) == bytes.count)
            let decoded = try DBusMessage(decoding: bytes)
            #expect(decoded == message)
            #expect(try decoded.arguments() == arguments)
        }
    }

    @Test("a big-endian error written by hand: its name, reply serial and message")
    func bigEndianError() throws {
        // Header fields a(yv): ERROR_NAME s, REPLY_SERIAL u, SIGNATURE g; each struct 8-aligned.
        let name = Array("org.example.Error.Boom".utf8)
        var fields: [UInt8] = [4, 1, UInt8(ascii: "s"), 0] + [0, 0, 0, UInt8(name.count)] + name + [0]
        fields += [UInt8](repeating: 0, count: (8 - fields.count % 8) % 8)
        fields += [5, 1, UInt8(ascii: "u"), 0] + [0, 0, 0, 7]
        fields += [8, 1, UInt8(ascii: "g"), 0, 1, UInt8(ascii: "s"), 0]
        let body: [UInt8] = [0, 0, 0, 4] + Array("boom".utf8) + [0]
        var bytes: [UInt8] = [UInt8(ascii: "B"), 3, 0, 1] + [0, 0, 0, UInt8(body.count)] + [0, 0, 0, 9]
        bytes += [0, 0, 0, UInt8(fields.count)] + fields
        bytes += [UInt8](repeating: 0, count: (8 - bytes.count % 8) % 8) + body
        let message = try DBusMessage(decoding: bytes)
        #expect(message.kind == .error)
        #expect(message.serial == 9)
        #expect(message.errorName == "org.example.Error.Boom")
        #expect(message.replySerial == 7)
        #expect(try message.arguments() == [.string("boom")])
    }

    @Test("session bus addresses: unix path and abstract, escapes, lists; other transports refused")
    func addresses() throws {
        #expect(try DBusAddress(parsing: "unix:path=/run/user/1000/bus") == .path("/run/user/1000/bus"))
        #expect(try DBusAddress(parsing: "unix:abstract=/tmp/dbus-X,guid=ab") == .abstract("/tmp/dbus-X"))
        #expect(try DBusAddress(parsing: "unix:path=/tmp/a%2cb%20c") == .path("/tmp/a,b c"))
        #expect(try DBusAddress(parsing: "tcp:host=localhost,port=1;unix:path=/b") == .path("/b"))
        for refused in ["tcp:host=127.0.0.1,port=4", "unix:tmpdir=/tmp", "launchd:env=X", "", "unix:path=%zz"] {
            let error = #expect(throws: DBusFailure.self) { try DBusAddress(parsing: refused) }
            #expect(error?.description.contains("unix:path") == true || refused.contains("%zz"))
        }
    }

    @Test("signatures: containers parse, nonsense and unsupported types are refused")
    func signatures() throws {
        #expect(
            try DBusType.parse("a{o(oayays)}") == [
                .dictionary(.objectPath, .structure([.objectPath, .array(.byte), .array(.byte), .string]))
            ]
        )
        #expect(try DBusType.parse("aoo") == [.array(.objectPath), .objectPath])
        let nested = String(repeating: "a", count: DBusType.maxDepth) + "y"
        for bad in ["a", "a{vs}", "a{s}", "a{sss}", "()", "(s", "x", "t", "h", "{ss}", nested] {
            #expect(throws: DBusFailure.self, "\(bad)") { try DBusType.parse(bad) }
        }
    }

    @Test("the size cap is applied from the first 16 bytes, before the body arrives")
    func sizeCap() throws {
        var message = DBusMessage.methodCall(destination: "d", path: "/", interface: "i.f", member: "M")
        message.serial = 1
        message.setBody([.bytes([UInt8](repeating: 7, count: 4096))])
        let bytes = message.encoded()
        #expect(try DBusMessage.frameLength(of: Array(bytes.prefix(15))) == nil)
        #expect(throws: DBusFailure.self) { try DBusMessage.frameLength(of: Array(bytes.prefix(16)), maxBytes: 4096) }
        #expect(throws: DBusFailure.self) { try DBusMessage(decoding: bytes, maxBytes: 4096) }
        #expect(try DBusMessage(decoding: bytes, maxBytes: 8192) == message)
    }

    @Test("malformed values are refused: truncation, padding, booleans, strings, object paths")
    func malformed() throws {
        func read(_ bytes: [UInt8], _ type: DBusType) throws(DBusFailure) -> DBusValue {
            var reader = DBusReader(bytes, bigEndian: false)
            return try reader.read(type)
        }
        #expect(throws: DBusFailure.self) { try read([1, 0, 0], .uint32) }
        #expect(throws: DBusFailure.self) { try read([2, 0, 0, 0], .boolean) }
        #expect(throws: DBusFailure.self) { try read([1, 0, 0, 0, UInt8(ascii: "a"), 1], .string) }
        #expect(throws: DBusFailure.self) { try read([2, 0, 0, 0, UInt8(ascii: "a"), 0, 0], .string) }
        #expect(throws: DBusFailure.self) {
            try read([2, 0, 0, 0, UInt8(ascii: "/"), UInt8(ascii: "/"), 0], .objectPath)
        }
        #expect(throws: DBusFailure.self) { try read([0xff, 0xff, 0xff, 0x7f], .array(.uint32)) }
        // Non-zero padding between an array's length and its first 8-aligned element.
        #expect(throws: DBusFailure.self) {
            try read([8, 0, 0, 0, 1, 0, 0, 0, 5, 0, 0, 0, 6, 0, 0, 0], .array(.structure([.uint32, .uint32])))
        }
        // An element that runs past the array's length.
        #expect(throws: DBusFailure.self) { try read([2, 0, 0, 0, 1, 0, 0, 0], .array(.uint32)) }
        #expect(try read([4, 0, 0, 0, 1, 0, 0, 0], .array(.uint32)) == .array(.uint32, [.uint32(1)]))
    }
}
