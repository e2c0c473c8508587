import MCPWire

#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// The device authorization grant (RFC 8628): a person signs in on any device with a code the bridge shows, while
/// the bridge polls the token endpoint.
extension OAuthClient {
    /// Asks the device authorization endpoint for a user code (RFC 8628 §3.1), for `resource` (RFC 8707).
    ///
    /// - Throws: ``BridgeError/authorization(_:)`` when the server refuses or answers something unusable (codes
    ///   missing or absurd, a verification URI that is not a web address).
    public func deviceAuthorization(
        endpoint: String,
        client: ClientAuthentication,
        scope: String?,
        resource: String
    ) async throws -> DeviceAuthorization {
        var form = [("resource", resource)]
        if let scope, !scope.isEmpty { form.append(("scope", scope)) }
        // RFC 8628 §3.1: a public client names itself; a confidential one authenticates as at the token endpoint.
        let (status, bytes) = try await self.postForm(
            form,
            to: endpoint,
            client: client,
            purpose: "device authorization endpoint"
        )
        guard status == 200 else {
            throw BridgeError.authorization(
                "the device authorization endpoint refused: HTTP \(status)\(Self.oauthError(bytes))"
            )
        }
        guard let response = try? JSONDecoder().decode(DeviceAuthorization.Response.self, from: Data(bytes)) else {
            throw BridgeError.authorization("the device authorization endpoint answered something that is not one")
        }
        return try DeviceAuthorization(
            response,
            receivedAt: Date(),
            allowPlainHTTP: self.http.settings.allowPlainHTTP
        )
    }

    /// Polls the token endpoint with `authorization`'s device code until the person has signed in (RFC 8628
    /// §3.4, §3.5): waits the interval before each poll, goes on while `authorization_pending`, adds 5 seconds on
    /// `slow_down`, and doubles the interval when a poll times out.
    ///
    /// - Parameters:
    ///   - now: the clock the deadline is read from.
    ///   - sleep: how the interval is waited (tests pass one that does not really wait).
    /// - Returns: the token, or ``TokenOutcome/invalidGrant(_:)`` / ``TokenOutcome/invalidClient`` as the server
    ///   says.
    /// - Throws: ``BridgeError/authorization(_:)`` when the person refused (`access_denied`) or the code expired
    ///   (`expired_token`, or the `expires_in` deadline passed), each saying so; `CancellationError` when
    ///   cancelled.
    public func pollDeviceToken(
        _ authorization: DeviceAuthorization,
        tokenEndpoint: String,
        client: ClientAuthentication,
        resource: String,
        now: @escaping @Sendable () -> Date = { Date() },
        sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) }
    ) async throws -> TokenOutcome {
        let form = [
            ("grant_type", Self.deviceCodeGrantType),
            ("device_code", authorization.deviceCode),
            ("resource", resource),
        ]
        let expired = BridgeError.authorization(
            "the sign-in code \(authorization.userCode) expired before anyone signed in with it; start the sign-in again"
        )
        var interval = authorization.interval
        while true {
            guard now() < authorization.expiresAt else { throw expired }
            try await sleep(.seconds(interval))
            guard now() < authorization.expiresAt else { throw expired }
            let answer: TokenAnswer
            do {
                answer = try await self.tokenAnswer(at: tokenEndpoint, form: form, client: client)
            } catch BridgeError.timeout {
                // RFC 8628 §3.5: a client whose poll timed out backs off.
                interval = min(interval * 2, DeviceAuthorization.maximumInterval)
                continue
            }
            switch answer {
            case .token(let token):
                return .token(token)
            case .refused(let status, let code, let description):
                switch code {
                case "authorization_pending":
                    continue
                case "slow_down":
                    interval = min(
                        interval + DeviceAuthorization.slowDownIncrement,
                        DeviceAuthorization.maximumInterval
                    )
                case "access_denied":
                    throw BridgeError.authorization(
                        "the sign-in with code \(authorization.userCode) was refused (access_denied\(description.map { ": \($0)" } ?? ""))"
                    )
                case "expired_token":
                    throw expired
                case "invalid_grant":
                    return .invalidGrant(description ?? "invalid_grant")
                case "invalid_client":
                    return .invalidClient
                default:
                    if status == 401 && code == nil { return .invalidClient }
                    throw BridgeError.authorization(
                        "the token endpoint refused the device code: HTTP \(status)\(Self.describe(code: code, description: description))"
                    )
                }
            }
        }
    }
}
