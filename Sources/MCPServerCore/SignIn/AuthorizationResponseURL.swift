import MCPWire

/// The URL `/authorize` redirects the browser to: the client's redirect URI with the response parameters added.
///
/// RFC 6749 §3.1.2 says the redirect URI's own query MUST be retained, so parameters are appended after it
/// with `&` (or after `?` when it has none); the URI never has a fragment (registration refuses one). Every
/// value is percent-encoded except RFC 3986's unreserved characters, so the result reads the same through a
/// form decoder (RFC 6749 Appendix B) and a plain RFC 3986 one, and `state` comes back byte for byte. `iss` is
/// always added (RFC 9207 §2), on errors too, so a client talking to several servers can tell which answered.
public enum AuthorizationResponseURL {
    /// The redirect for a granted request (RFC 6749 §4.1.2): `code`, `state` when the request had one, `iss`.
    public static func success(redirectURI: String, code: String, state: String?, issuer: String) -> String {
        var parameters = [("code", code)]
        if let state { parameters.append(("state", state)) }
        parameters.append(("iss", issuer))
        return Self.appending(parameters, to: redirectURI)
    }

    /// The redirect for a refused request (RFC 6749 §4.1.2.1): `error`, `error_description`, `state`, `iss`.
    ///
    /// `description` is reduced to the characters RFC 6749 allows in `error_description` (printable ASCII
    /// without `"` and `\`); anything else becomes `?`, because part of it may echo what the client sent.
    public static func error(
        redirectURI: String,
        error: String,
        description: String?,
        state: String?,
        issuer: String
    ) -> String {
        var parameters = [("error", error)]
        if let description { parameters.append(("error_description", Self.sanitizedDescription(description))) }
        if let state { parameters.append(("state", state)) }
        parameters.append(("iss", issuer))
        return Self.appending(parameters, to: redirectURI)
    }

    /// RFC 6749 §4.1.2.1: `error_description` is `%x20-21 / %x23-5B / %x5D-7E`.
    static func sanitizedDescription(_ text: String) -> String {
        String(
            decoding: text.unicodeScalars.map { scalar -> UInt8 in
                let value = scalar.value
                let allowed = (0x20...0x7E).contains(value) && value != 0x22 && value != 0x5C
                return allowed ? UInt8(value) : UInt8(ascii: "?")
            },
            as: UTF8.self
        )
    }

    static func appending(_ parameters: [(String, String)], to uri: String) -> String {
        let encoded = parameters.map { Self.encode($0.0) + "=" + Self.encode($0.1) }.joined(separator: "&")
        guard let question = uri.firstIndex(of: "?") else { return uri + "?" + encoded }
        // `cb?` and `cb?a=1&` already end where a parameter can start.
        let query = uri[uri.index(after: question)...]
        return query.isEmpty || query.hasSuffix("&") ? uri + encoded : uri + "&" + encoded
    }

    /// Percent-encodes every byte of the UTF-8 form except RFC 3986's unreserved characters.
    static func encode(_ text: String) -> String {
        PercentEncoding.encode(text)
    }
}
