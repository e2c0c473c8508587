import Foundation
import InMemoryLogging
import Logging
import MCPServerCore
import MCPWire
import Testing

/// The Lambda function in process, through the real router and the Runtime API loop: the flows a deployment
/// serves, fed events shaped like AWS's documented examples.
@Suite("Lambda function: router flows in process", .timeLimit(.minutes(1)))
struct LambdaRouterFlowTests {
    @Test("HTTP API and REST API events: discovery, registration, token, MCP as JSON, client management, metrics, logs")
    func gatewayEvents() async throws {
        // Every request's line (checked below); by default only failures and slow requests get one.
        try await LambdaFunctionHarness.run(accessLog: .all) { function in
            let base = LambdaEvents.apiBase

            // Discovery under the stage: the URLs follow the event's domain and stage.
            let prm = try await function.response(
                to: LambdaEvents.httpAPI("GET", "/.well-known/oauth-protected-resource")
            )
            #expect(prm.status == 200)
            #expect(prm.json["resource"]?.stringValue == base + "/mcp")
            #expect(prm.json["authorization_servers"] == [.string(base)])
            #expect(prm.document["isBase64Encoded"] == false)
            #expect(prm.header("content-type") == "application/json")

            let metadata = try await function.response(
                to: LambdaEvents.httpAPI("GET", "/.well-known/openid-configuration")
            )
            #expect(metadata.status == 200)
            #expect(metadata.json["issuer"]?.stringValue == base)
            #expect(metadata.json["token_endpoint"]?.stringValue == base + "/token")

            // Registration (payload 2.0, JSON body).
            let registration = try await function.response(
                to: LambdaEvents.httpAPI(
                    "POST",
                    "/dcr",
                    body: #"{"client_name":"lambda test","grant_types":["client_credentials"]}"#
                )
            )
            #expect(registration.status == 201, "\(registration.body)")
            let clientID = try #require(registration.json["client_id"]?.stringValue)
            let secret = try #require(registration.json["client_secret"]?.stringValue)
            let management = try #require(registration.json["registration_access_token"]?.stringValue)
            #expect(registration.json["registration_client_uri"]?.stringValue == base + "/clients/" + clientID)

            // Token (payload 1.0: multi-value headers, base64 form body).
            let resource = (base + "/mcp").addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            let token = try await function.response(
                to: LambdaEvents.tokenRequest(
                    clientID: clientID,
                    secret: secret,
                    form: "grant_type=client_credentials&resource=\(resource)"
                )
            )
            #expect(token.status == 200, "\(token.body)")
            #expect(token.document["multiValueHeaders"]?.objectValue != nil)
            let accessToken = try #require(token.json["access_token"]?.stringValue)
            let bearer = ["authorization": "Bearer \(accessToken)", "mcp-protocol-version": "2025-06-18"]

            // MCP: initialize, then a tool call with a progress token is still one JSON answer on Lambda.
            let initialize = try await function.response(
                to: LambdaEvents.httpAPI(
                    "POST",
                    "/mcp",
                    body:
                        #"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}"#,
                    headers: bearer
                )
            )
            #expect(initialize.status == 200, "\(initialize.body)")
            #expect(initialize.header("content-type") == "application/json")
            #expect(initialize.json["result"]?["protocolVersion"] == "2025-06-18")
            #expect(initialize.header("mcp-session-id") == nil)

            let call = try await function.response(
                to: LambdaEvents.httpAPI(
                    "POST",
                    "/mcp",
                    body:
                        #"{"jsonrpc":"2.0","id":"c1","method":"tools/call","params":{"name":"countdown","arguments":{"steps":3},"_meta":{"progressToken":"p"}}}"#,
                    headers: bearer,
                    base64: true
                )
            )
            #expect(call.status == 200)
            #expect(call.header("content-type") == "application/json")
            #expect(call.json["id"] == "c1")
            #expect(call.json["result"] != nil, "\(call.body)")

            let get = try await function.response(to: LambdaEvents.httpAPI("GET", "/mcp", headers: bearer))
            #expect(get.status == 405)
            #expect(get.header("allow") == "POST")

            let anonymous = try await function.response(to: LambdaEvents.mcp("tools/list", token: nil))
            #expect(anonymous.status == 401)
            #expect(
                anonymous.header("www-authenticate")?.contains(
                    #"resource_metadata="\#(base)/.well-known/oauth-protected-resource""#
                ) == true
            )

            // RFC 7592 management (payload 1.0), then the client's token is refused.
            let read = try await function.response(
                to: LambdaEvents.restAPI(
                    "GET",
                    "/clients/\(clientID)",
                    headers: ["Authorization": ["Bearer \(management)"]]
                )
            )
            #expect(read.status == 200)
            #expect(read.json["client_id"]?.stringValue == clientID)
            let delete = try await function.response(
                to: LambdaEvents.restAPI(
                    "DELETE",
                    "/clients/\(clientID)",
                    headers: ["Authorization": ["Bearer \(management)"]]
                )
            )
            #expect(delete.status == 204)
            let refused = try await function.response(to: LambdaEvents.mcp("tools/list", token: accessToken))
            #expect(refused.status == 401)

            // Log lines carry the invocation's request id and trace id.
            let lastID = "last-invocation"
            _ = await function.invoke(try LambdaEvents.httpAPI("GET", "/jwks.json"), requestID: lastID)
            let line = try #require(
                function.logs.entries.first {
                    $0.metadata["aws_request_id"] == "\(lastID)" && $0.metadata["path"] == "/jwks.json"
                }
            )
            #expect(line.metadata["trace_id"] == "\(LambdaFunctionHarness.traceID)")

            // EMF: one line per invocation; a cold start first, then warm; counters for tokens, registrations,
            // refused credentials.
            let metrics = function.metricLines
            #expect(metrics.count == 12)
            #expect(metrics.last?["aws_request_id"] == .string(lastID))
            #expect(metrics.last?["trace_id"] == .string(LambdaFunctionHarness.traceID))
            #expect(metrics.first?["ColdStart"] == 1)
            #expect(metrics.dropFirst().allSatisfy { $0["ColdStart"] == 0 })
            func total(_ name: String) -> Int64 {
                metrics.reduce(0) { $0 + ($1[name]?.numberValue?.int64Value ?? 0) }
            }
            #expect(total("TokensIssued") == 1)
            #expect(total("Registrations") == 1)
            #expect(total("AuthFailures") == 2)
            let routes = Set(metrics.compactMap { $0["Route"]?.stringValue })
            #expect(routes.isSuperset(of: ["/mcp", "/dcr", "/token", "/jwks.json"]))
            #expect(routes.contains { $0.hasPrefix("/clients/") && !$0.contains(clientID) })
            #expect(metrics.allSatisfy { $0["FunctionName"] == "mcp-server-test" })
            let directives = metrics.first?["_aws"]?["CloudWatchMetrics"]?.arrayValue
            #expect(directives?.count == 3)
            #expect(directives?.allSatisfy { $0["Namespace"] == "RemoteMCP" } == true)
        }
    }

    @Test("Function URL events; a tool past the deadline gets 504; a non-HTTP event goes to the error endpoint")
    func functionURLDeadlineAndInvalidEvent() async throws {
        try await LambdaFunctionHarness.run(signingKey: nil) { function in
            let list = try await function.response(
                to: LambdaEvents.functionURL(
                    "POST",
                    "/mcp",
                    body: #"{"jsonrpc":"2.0","id":1,"method":"tools/list"}"#,
                    headers: ["mcp-protocol-version": "2025-06-18"]
                )
            )
            #expect(list.status == 200)
            #expect(list.json["result"]?["tools"]?.arrayValue?.isEmpty == false)
            #expect(list.document["headers"]?.objectValue != nil)

            // A minute of work (six steps of ten seconds): only the deadline answers it in time.
            let slow = try await function.response(
                to: LambdaEvents.functionURL(
                    "POST",
                    "/mcp",
                    body:
                        #"{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"countdown","arguments":{"steps":6,"delayMs":10000}}}"#,
                    headers: ["mcp-protocol-version": "2025-06-18"]
                ),
                deadline: .milliseconds(600)
            )
            #expect(slow.status == 504)
            #expect(slow.json["error"]?["code"] == -32603)

            let event: JSONValue = ["source": "aws.events", "detail-type": "Scheduled Event"]
            let failure = await function.invoke(event, requestID: "scheduled")
            #expect(failure == .failure(requestID: "scheduled", type: "Runtime.InvalidEvent"))

            // The function still serves after both.
            let again = try await function.response(to: LambdaEvents.functionURL("GET", "/healthz"))
            #expect(again.status == 200)
        }
    }

    @Test(
        "key rotation: an instance on {current: new, previous: [old]} accepts tokens an instance on the old key signed"
    )
    func keyRotationKeepsTokensValid() async throws {
        let newSeed = "n3wS33dFromSecretsManager0123456789abcdefXYZ"
        let oldSeed = LambdaFunctionHarness.keySeed
        // One store, as the instances of one deployment share their table.
        let store = InMemoryServerStore()
        try await LambdaFunctionHarness.run(signingKey: oldSeed, store: store) { old in
            try await LambdaFunctionHarness.run(
                signingKey: #"{"current":"\#(newSeed)","previous":["\#(oldSeed)"]}"#,
                store: store
            ) { new in
                let registration = try await old.response(
                    to: LambdaEvents.httpAPI("POST", "/dcr", body: #"{"client_name":"rotation"}"#)
                )
                let clientID = try #require(registration.json["client_id"]?.stringValue)
                let secret = try #require(registration.json["client_secret"]?.stringValue)
                func token(_ function: LambdaFunctionHarness) async throws -> String {
                    let answer = try await function.response(
                        to: LambdaEvents.tokenRequest(clientID: clientID, secret: secret)
                    )
                    return try #require(answer.json["access_token"]?.stringValue, "\(answer.body)")
                }
                func list(_ function: LambdaFunctionHarness, _ token: String) async throws -> Int {
                    try await function.response(to: LambdaEvents.mcp("tools/list", token: token)).status
                }
                let oldToken = try await token(old)
                let newToken = try await token(new)
                #expect(try await list(new, oldToken) == 200)
                #expect(try await list(new, newToken) == 200)
                // Why server/README.md's procedure first adds the new key as `previous` everywhere: an instance
                // still on the old key alone cannot verify what the new key signed.
                #expect(try await list(old, newToken) == 401)
                let jwks = try await new.response(to: LambdaEvents.httpAPI("GET", "/jwks.json"))
                #expect(jwks.json["keys"]?.arrayValue?.count == 2)
            }
        }
    }

    @Test("events for two domains: each request's tokens, refusals and challenges name the domain it came to")
    func twoDomains() async throws {
        let domainA = LambdaEvents.apiDomain
        let baseA = LambdaEvents.apiBase
        // B: a custom domain mapped to the same API, without the stage in its paths.
        let domainB = "mcp.example.com"
        let baseB = "https://mcp.example.com"
        try await LambdaFunctionHarness.run { function in
            func register(_ domain: String, _ stage: String, scope: String? = nil) async throws -> (String, String) {
                let body: JSONValue =
                    scope.map { ["client_name": "two domains", "scope": .string($0)] } ?? ["client_name": "two domains"]
                let answer = try await function.response(
                    to: LambdaEvents.httpAPI(
                        "POST",
                        "/dcr",
                        body: body.serializedString(),
                        domain: domain,
                        stage: stage
                    )
                )
                #expect(answer.status == 201, "\(answer.body)")
                #expect(
                    answer.json["registration_client_uri"]?.stringValue?.hasPrefix(domain == domainA ? baseA : baseB)
                        == true
                )
                return (
                    try #require(answer.json["client_id"]?.stringValue),
                    try #require(answer.json["client_secret"]?.stringValue)
                )
            }
            func token(_ client: (String, String), _ domain: String, _ stage: String) async throws -> String {
                let basic = Base64.encode(Array("\(client.0):\(client.1)".utf8))
                let answer = try await function.response(
                    to: LambdaEvents.httpAPI(
                        "POST",
                        "/token",
                        body: "grant_type=client_credentials",
                        headers: [
                            "authorization": "Basic \(basic)",
                            "content-type": "application/x-www-form-urlencoded",
                        ],
                        domain: domain,
                        stage: stage
                    )
                )
                return try #require(answer.json["access_token"]?.stringValue, "\(answer.body)")
            }

            // A token issued at A is A's: issuer A, audience A's MCP endpoint.
            let tokenA = try await token(try await register(domainA, "prod"), domainA, "prod")
            let claims = try Self.claims(of: tokenA)
            #expect(claims["iss"]?.stringValue == baseA)
            let audience =
                claims["aud"]?.arrayValue?.compactMap(\.stringValue) ?? claims["aud"]?.stringValue.map { [$0] }
            #expect(audience == [baseA + "/mcp"])
            let atA = try await function.response(to: LambdaEvents.mcp("tools/list", token: tokenA))
            #expect(atA.status == 200, "\(atA.body)")

            // At B it is refused, and the challenge sends the client to B's metadata.
            let atB = try await function.response(
                to: LambdaEvents.mcp("tools/list", token: tokenA, domain: domainB, stage: "$default")
            )
            #expect(atB.status == 401)
            let refusal = try #require(atB.header("www-authenticate"))
            #expect(refusal.contains(#"error="invalid_token""#))
            #expect(refusal.contains(#"resource_metadata="\#(baseB)/.well-known/oauth-protected-resource""#))
            #expect(!refusal.contains(domainA))
            let anonymous = try await function.response(
                to: LambdaEvents.mcp("tools/list", token: nil, domain: domainB, stage: "$default")
            )
            #expect(
                anonymous.header("www-authenticate")?.contains(
                    #"resource_metadata="\#(baseB)/.well-known/oauth-protected-resource""#
                ) == true
            )
            let metadataB = try await function.response(
                to: LambdaEvents.httpAPI(
                    "GET",
                    "/.well-known/oauth-protected-resource",
                    domain: domainB,
                    stage: "$default"
                )
            )
            #expect(metadataB.json["resource"]?.stringValue == baseB + "/mcp")
            #expect(metadataB.json["authorization_servers"] == [.string(baseB)])

            // A read-only token of B's may list at B, but a tool call gets 403 insufficient_scope naming B.
            let readOnly = try await token(
                try await register(domainB, "$default", scope: OAuthScope.read),
                domainB,
                "$default"
            )
            #expect(try Self.claims(of: readOnly)["iss"]?.stringValue == baseB)
            let call = try await function.response(
                to: LambdaEvents.mcp(
                    "tools/call",
                    params: ["name": "echo", "arguments": ["text": "hi"]],
                    token: readOnly,
                    domain: domainB,
                    stage: "$default"
                )
            )
            #expect(call.status == 403, "\(call.body)")
            let challenge = try #require(call.header("www-authenticate"))
            #expect(challenge.contains(#"error="insufficient_scope""#))
            #expect(challenge.contains(#"scope="\#(OAuthScope.tools)""#))
            #expect(challenge.contains(#"resource_metadata="\#(baseB)/.well-known/oauth-protected-resource""#))
            #expect(!challenge.contains(domainA))
        }
    }

    /// The claims of a JWT, unverified.
    static func claims(of token: String) throws -> JSONValue {
        let parts = token.split(separator: ".")
        let payload = try #require(parts.count == 3 ? Base64.decode(parts[1], .url) : nil)
        return try JSONValue(parsing: payload)
    }
}
