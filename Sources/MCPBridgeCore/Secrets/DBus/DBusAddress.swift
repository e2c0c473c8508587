import MCPWire

/// Where the session bus listens, from `DBUS_SESSION_BUS_ADDRESS`: a Unix socket, by path or by Linux abstract
/// name. The other transports (`tcp:`, `launchd:`, `autolaunch:`, `unixexec:`) are refused: a desktop session's
/// keyring is always behind a Unix socket, and TCP would need cookie authentication for no gain.
enum DBusAddress: Equatable, Sendable {
    case path(String)
    case abstract(String)

    /// The first address in `text` (a `;`-separated list, tried in order by D-Bus clients) this client can use.
    init(parsing text: String) throws(DBusFailure) {
        for entry in text.split(separator: ";") {
            guard let colon = entry.firstIndex(of: ":"), entry[..<colon] == "unix" else { continue }
            var keys: [Substring: String] = [:]
            for pair in entry[entry.index(after: colon)...].split(separator: ",") {
                guard let equals = pair.firstIndex(of: "=") else { continue }
                keys[pair[..<equals]] = try Self.unescape(pair[pair.index(after: equals)...])
            }
            if let path = keys["path"], !path.isEmpty {
                self = .path(path)
                return
            }
            if let name = keys["abstract"], !name.isEmpty {
                self = .abstract(name)
                return
            }
        }
        throw .transport(
            "the session bus address \"\(text)\" names no Unix socket this bridge can use "
                + "(it connects to unix:path=... and unix:abstract=... only)"
        )
    }

    /// D-Bus addresses escape bytes as `%XX`.
    private static func unescape(_ value: Substring) throws(DBusFailure) -> String {
        var bytes: [UInt8] = []
        var utf8 = value.utf8.makeIterator()
        while let byte = utf8.next() {
            guard byte == UInt8(ascii: "%") else {
                bytes.append(byte)
                continue
            }
            guard let high = utf8.next().flatMap(Hex.value(of:)), let low = utf8.next().flatMap(Hex.value(of:)) else {
                throw .transport("the session bus address has a bad %-escape in \"\(value)\"")
            }
            bytes.append(high << 4 | low)
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
