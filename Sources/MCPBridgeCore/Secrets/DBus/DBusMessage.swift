/// One D-Bus message: the fixed header, the header fields this client uses, and the body, kept as bytes until
/// someone asks for its ``arguments()`` (signals nobody waits for are never unmarshalled).
struct DBusMessage: Equatable, Sendable {
    enum Kind: UInt8, Sendable {
        case methodCall = 1
        case methodReturn = 2
        case error = 3
        case signal = 4
    }

    var kind: Kind
    var flags: UInt8 = 0
    /// Set by the connection when it sends the message; never 0 on the wire.
    var serial: UInt32 = 0
    var path: String?
    var interface: String?
    var member: String?
    var errorName: String?
    var replySerial: UInt32?
    var destination: String?
    var sender: String?
    /// The body's signature; empty when there is no body.
    var signature: String = ""
    /// The body, in the message's byte order; its offset 0 is 8-aligned in the message, as alignment needs.
    var body: [UInt8] = []
    var bigEndian: Bool = false

    /// An empty message of `kind`; the fields are set one by one.
    init(kind: Kind, flags: UInt8 = 0, bigEndian: Bool = false) {
        self.kind = kind
        self.flags = flags
        self.bigEndian = bigEndian
    }

    /// The largest message accepted or sent. The specification allows 128 MiB; a Secret Service answer for one
    /// item is a few hundred bytes, and a cap is what keeps a confused or hostile peer from filling memory.
    static let maxBytes = 1 << 20

    /// A method call carrying `arguments`.
    static func methodCall(
        destination: String,
        path: String,
        interface: String,
        member: String,
        arguments: [DBusValue] = [],
        bigEndian: Bool = false
    ) -> DBusMessage {
        var message = DBusMessage(kind: .methodCall)
        message.destination = destination
        message.path = path
        message.interface = interface
        message.member = member
        message.setBody(arguments, bigEndian: bigEndian)
        return message
    }

    /// Replaces the body with `arguments`.
    mutating func setBody(_ arguments: [DBusValue], bigEndian: Bool = false) {
        var writer = DBusWriter(bigEndian: bigEndian)
        for argument in arguments { writer.write(argument) }
        self.body = writer.bytes
        self.signature = arguments.map(\.type.signature).joined()
        self.bigEndian = bigEndian
    }

    /// The body's values, checked against the signature.
    func arguments() throws(DBusFailure) -> [DBusValue] {
        var reader = DBusReader(self.body, bigEndian: self.bigEndian)
        var values: [DBusValue] = []
        for type in try DBusType.parse(self.signature) { values.append(try reader.read(type)) }
        guard reader.isAtEnd else { throw .malformed("bytes after the body's last argument") }
        return values
    }

    // MARK: Wire form

    /// The message's bytes, in its byte order.
    func encoded() -> [UInt8] {
        var fields: [DBusValue] = []
        func field(_ code: UInt8, _ value: DBusValue?) {
            if let value { fields.append(.structure([.byte(code), .variant(value)])) }
        }
        field(1, self.path.map { .objectPath($0) })
        field(2, self.interface.map { .string($0) })
        field(3, self.member.map { .string($0) })
        field(4, self.errorName.map { .string($0) })
        field(5, self.replySerial.map { .uint32($0) })
        field(6, self.destination.map { .string($0) })
        field(7, self.sender.map { .string($0) })
        field(8, self.signature.isEmpty ? nil : .signature(self.signature))
        var header = DBusWriter(bigEndian: self.bigEndian)
        header.write(.byte(self.bigEndian ? UInt8(ascii: "B") : UInt8(ascii: "l")))
        header.write(.byte(self.kind.rawValue))
        header.write(.byte(self.flags))
        header.write(.byte(1))
        header.writeUInt32(UInt32(self.body.count))
        header.writeUInt32(self.serial)
        header.write(.array(.structure([.byte, .variant]), fields))
        header.pad(to: 8)
        return header.bytes + self.body
    }

    /// The length of the message at the start of `buffer`, once its first 16 bytes are there (`nil` before).
    ///
    /// - Throws: ``DBusFailure/malformed(_:)`` for a bad byte-order mark or a message over `maxBytes`, before
    ///   any of it has to be buffered.
    static func frameLength(of buffer: [UInt8], maxBytes: Int = Self.maxBytes) throws(DBusFailure) -> Int? {
        guard buffer.count >= 16 else { return nil }
        let bigEndian: Bool
        switch buffer[0] {
        case UInt8(ascii: "l"): bigEndian = false
        case UInt8(ascii: "B"): bigEndian = true
        default: throw .malformed("no byte-order mark")
        }
        let bodyLength = Int(DBusReader.uint32(in: buffer, at: 4, bigEndian: bigEndian))
        let fieldsLength = Int(DBusReader.uint32(in: buffer, at: 12, bigEndian: bigEndian))
        let total = 16 + (fieldsLength + 7) / 8 * 8 + bodyLength
        guard total <= maxBytes else { throw .malformed("a message of \(total) bytes, over the \(maxBytes)-byte cap") }
        return total
    }

    /// Parses one whole message (exactly ``frameLength(of:maxBytes:)`` bytes).
    init(decoding bytes: [UInt8], maxBytes: Int = Self.maxBytes) throws(DBusFailure) {
        guard let length = try Self.frameLength(of: bytes, maxBytes: maxBytes), length == bytes.count else {
            throw .malformed("a message whose length does not match its header")
        }
        let bigEndian = bytes[0] == UInt8(ascii: "B")
        guard let kind = Kind(rawValue: bytes[1]) else { throw .malformed("message type \(bytes[1])") }
        guard bytes[3] == 1 else { throw .malformed("protocol version \(bytes[3])") }
        self.init(kind: kind, flags: bytes[2], bigEndian: bigEndian)
        var reader = DBusReader(bytes, offset: 4, bigEndian: bigEndian)
        let bodyLength = Int(try reader.readUInt32())
        self.serial = try reader.readUInt32()
        guard self.serial != 0 else { throw .malformed("serial 0") }
        guard case .array(_, let fields) = try reader.read(.array(.structure([.byte, .variant]))) else {
            throw .malformed("no header fields")
        }
        for field in fields { try self.setField(field) }
        try reader.align(8)
        self.body = Array(bytes[reader.offset...])
        guard self.body.count == bodyLength else { throw .malformed("a body whose length does not match") }
        guard self.body.isEmpty || !self.signature.isEmpty else { throw .malformed("a body without a signature") }
        let required: [String?] =
            switch kind {
            case .methodCall: [self.path, self.member]
            case .methodReturn: [self.replySerial.map(String.init)]
            case .error: [self.errorName, self.replySerial.map(String.init)]
            case .signal: [self.path, self.interface, self.member]
            }
        guard !required.contains(nil) else { throw .malformed("a \(kind) without its required header fields") }
    }

    /// Takes one `(yv)` header field; a known code with the wrong type is malformed, unknown codes are ignored
    /// as the specification says.
    private mutating func setField(_ field: DBusValue) throws(DBusFailure) {
        guard let parts = field.fields, parts.count == 2, case .byte(let code) = parts[0],
            let value = parts[1].variantValue
        else { throw .malformed("a header field that is not (yv)") }
        switch (code, value) {
        case (1, .objectPath(let path)): self.path = path
        case (2, .string(let interface)): self.interface = interface
        case (3, .string(let member)): self.member = member
        case (4, .string(let name)): self.errorName = name
        case (5, .uint32(let serial)): self.replySerial = serial
        case (6, .string(let destination)): self.destination = destination
        case (7, .string(let sender)): self.sender = sender
        case (8, .signature(let signature)): self.signature = signature
        case (1...8, _): throw .malformed("header field \(code) of the wrong type")
        default: break
        }
    }
}
