import Crypto
import MCPWire

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Seals and opens 2026-07-28 `requestState`: the answers a tool call has gathered so far, which travel through the
/// client between rounds.
///
/// The state decides what a tool does ("the user said yes"), and the spec makes it attacker-controlled input, so it
/// is HMAC-SHA256 protected and bound to the tool, a digest of its arguments, the caller's client id, the resource
/// it was issued for (the request's MCP URL, so a staging state is refused in production even where the keys are the
/// same) and an expiry (SEP-2322's replay advice). It is signed, not encrypted: it holds only what the client itself
/// sent.
///
/// Form: base64url(JSON payload) `.` base64url(HMAC).
struct RequestStateSealer: Sendable {
    /// What a state says.
    struct Contents: Sendable, Hashable {
        var tool: String
        var argumentsDigest: String
        var principal: String
        /// The MCP URL of the request that was answered with the state.
        var resource: String
        var expires: Int64
        /// The keys of the `inputRequests` the state was issued with: the `inputResponses` the retry may bring.
        var asked: [String]
        /// Answers from earlier rounds, by key.
        var answers: [String: JSONValue]
    }

    /// Why a state was refused; the message is for the caller.
    struct Refusal: Error, Hashable {
        let message: String
    }

    private let keys: RequestStateKeys
    let lifetime: Duration

    /// - Parameter keys: shared by every process that may receive the retry.
    init(keys: RequestStateKeys, lifetime: Duration) {
        self.keys = keys
        self.lifetime = lifetime
    }

    /// The digest that binds a state to one call's arguments (key order does not matter: serialization sorts).
    static func digest(of arguments: JSONValue) -> String {
        Base64.encode(Array(SHA256.hash(data: arguments.serialized())), .url)
    }

    func seal(_ contents: Contents) -> String {
        let payload: JSONValue = [
            "v": 1,
            "tool": .string(contents.tool),
            "args": .string(contents.argumentsDigest),
            "sub": .string(contents.principal),
            "aud": .string(contents.resource),
            "exp": .number(JSONNumber(contents.expires)),
            "asked": .array(contents.asked.map { .string($0) }),
            "answers": .object(contents.answers),
        ]
        let bytes = payload.serialized()
        // Without a key (none loaded) a throwaway one: the state is then refused, never signed with nothing.
        let key = self.keys.secrets().first.map { SymmetricKey(data: $0) } ?? SymmetricKey(size: .bits256)
        let mac = HMAC<SHA256>.authenticationCode(for: bytes, using: key)
        return Base64.encode(bytes, .url) + "." + Base64.encode(Array(mac), .url)
    }

    /// Opens a state presented with a call of `tool` with `arguments` by `principal` at `resource`.
    /// - Throws: ``Refusal`` saying what is wrong with it.
    func open(
        _ token: String,
        tool: String,
        arguments: JSONValue,
        principal: String,
        resource: String,
        now: Date = Date()
    ) throws(Refusal) -> Contents {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, let payload = Base64.decode(parts[0], .url), let mac = Base64.decode(parts[1], .url)
        else { throw Refusal(message: "requestState is malformed") }
        // Every current key: the one that signs now, and those of a recent rotation.
        let verified = self.keys.secrets().contains { secret in
            HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: payload, using: SymmetricKey(data: secret))
        }
        guard verified else {
            throw Refusal(
                message:
                    "requestState failed verification: it was altered, or issued by another server or before a restart"
            )
        }
        guard let json = try? JSONValue(parsing: payload), json["v"] == 1,
            case .string(let stateTool) = json["tool"], case .string(let digest) = json["args"],
            case .string(let subject) = json["sub"], case .string(let audience) = json["aud"],
            let expires = json["exp"]?.numberValue?.int64Value,
            let asked = json["asked"]?.arrayValue?.compactMap(\.stringValue),
            case .object(let answers) = json["answers"]
        else { throw Refusal(message: "requestState is malformed") }
        guard Int64(now.timeIntervalSince1970) <= expires else {
            throw Refusal(message: "requestState has expired; call the tool again without it")
        }
        guard audience == resource else {
            throw Refusal(message: "requestState was issued by another deployment (for \(audience))")
        }
        guard stateTool == tool, digest == Self.digest(of: arguments) else {
            throw Refusal(message: "requestState was issued for another call (a different tool or arguments)")
        }
        guard subject == principal else { throw Refusal(message: "requestState was issued to another client") }
        return Contents(
            tool: stateTool,
            argumentsDigest: digest,
            principal: subject,
            resource: audience,
            expires: expires,
            asked: asked,
            answers: answers
        )
    }
}
