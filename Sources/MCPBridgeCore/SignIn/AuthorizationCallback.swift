import MCPWire

/// The authorization server's redirect back to the bridge (RFC 6749 §4.1.2), checked against the request it
/// answers.
///
/// Only a callback that carries this request's `state` can end the sign-in, with a code or with an error. Anything
/// else (an old tab of an earlier sign-in, a page on the web aiming requests at the loopback port, a malformed
/// query) is ``Outcome/notThisFlow``: the bridge says so in that tab and keeps waiting, so nobody who cannot
/// read the state can cut a sign-in short.
public enum AuthorizationCallback {
    /// What a callback means for the sign-in in progress.
    public enum Outcome: Sendable {
        /// The authorization code, to exchange at the token endpoint.
        case code(String)
        /// The sign-in ended without a code: the server refused (`error`), or the answer breaks the rules
        /// (RFC 9207 `iss`, repeated parameters). Its message says which.
        case failed(BridgeError)
        /// Not an answer to this request (no or another `state`, malformed): the sign-in goes on.
        case notThisFlow
    }

    /// The longest query looked at. Codes and states are far shorter; a bigger query is not a real answer.
    public static let maximumQueryBytes = 8 * 1024

    /// Checks the callback's query (still percent-encoded, without the `?`) against `request`.
    ///
    /// The rules, in order: the query is well formed and within ``maximumQueryBytes``, and `state` appears once
    /// and equals the request's (compared in constant time), else ``Outcome/notThisFlow``. Then no parameter
    /// repeats (RFC 6749 §4.1.2); `iss`, when present, equals the issuer exactly, with no normalisation, and is
    /// present when the server's metadata promised it (RFC 9207 §2.4), checked before `error` because it applies
    /// to error responses too; `error` ends the sign-in with the server's reason; otherwise one non-empty `code`.
    public static func validate(query: String, for request: AuthorizationRequest) -> Outcome {
        guard query.utf8.count <= Self.maximumQueryBytes, let pairs = PercentEncoding.pairs(query) else {
            return .notThisFlow
        }
        let states = pairs.filter { $0.name == "state" }
        guard states.count == 1, Self.constantTimeEqual(states[0].value, request.state) else { return .notThisFlow }
        var parameters: [String: String] = [:]
        for (name, value) in pairs {
            guard parameters.updateValue(value, forKey: name) == nil else {
                return .failed(.authorization("the authorization response repeats `\(PrintableText.clean(name))`"))
            }
        }
        if let iss = parameters["iss"] {
            guard iss == request.issuer else {
                return .failed(
                    .authorization(
                        "the authorization response names issuer \(PrintableText.clean(iss)), not \(request.issuer) where the sign-in began (RFC 9207): refusing it, as it may come from another server"
                    )
                )
            }
        } else if request.issParameterSupported {
            return .failed(
                .authorization(
                    "the authorization response lacks `iss`, which \(request.issuer) promises in its metadata (RFC 9207): refusing it"
                )
            )
        }
        if let error = parameters["error"] {
            let description = parameters["error_description"].map { ": \(PrintableText.clean($0))" } ?? ""
            return .failed(
                .authorization("the server refused the sign-in (\(PrintableText.clean(error))\(description))")
            )
        }
        guard let code = parameters["code"], !code.isEmpty else {
            return .failed(.authorization("the authorization response carries neither a code nor an error"))
        }
        return .code(code)
    }

    /// Whether `left` and `right` are the same bytes, taking a time that depends only on their lengths.
    static func constantTimeEqual(_ left: String, _ right: String) -> Bool {
        let left = Array(left.utf8)
        let right = Array(right.utf8)
        guard left.count == right.count else { return false }
        var difference: UInt8 = 0
        for index in left.indices { difference |= left[index] ^ right[index] }
        return difference == 0
    }
}
