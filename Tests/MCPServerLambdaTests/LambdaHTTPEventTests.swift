import Foundation
import MCPServerLambda
import MCPWire
import NIOCore
import Testing

@Suite("API Gateway and Function URL events")
struct LambdaHTTPEventTests {
    static func event(_ json: JSONValue) throws -> LambdaHTTPRequest {
        try LambdaHTTPRequest(event: json.serialized())
    }

    @Test("payload 2.0: stage prefix stripped, cookies folded, base64 body decoded, base URL keeps the stage")
    func version2() throws {
        let request = try Self.event([
            "version": "2.0", "rawPath": "/prod/clients/a%20b", "rawQueryString": "x=1&y=%2F",
            "cookies": ["a=1", "b=2"], "headers": ["content-type": "application/json", "cookie": "stale=1"],
            "requestContext": [
                "domainName": "id.execute-api.eu-west-1.amazonaws.com", "stage": "prod", "requestId": "gw-1",
                "http": ["method": "PUT", "path": "/prod/clients/a%20b", "sourceIp": "203.0.113.9"],
            ],
            "body": .string(Data("{\"k\":1}".utf8).base64EncodedString()), "isBase64Encoded": true,
        ])
        #expect(request.format == .version2)
        #expect(request.method == "PUT")
        #expect(request.target == "/clients/a%20b?x=1&y=%2F")
        #expect(request.headers.filter { $0.name == "cookie" }.map(\.value) == ["a=1; b=2"])
        #expect(request.body == Array("{\"k\":1}".utf8))
        #expect(request.sourceIP == "203.0.113.9")
        #expect(request.gatewayRequestID == "gw-1")
        #expect(request.publicBaseURL == "https://id.execute-api.eu-west-1.amazonaws.com/prod")
    }

    @Test("Function URLs and $default stages keep the path and have no stage in the base URL")
    func defaultStage() throws {
        let request = try Self.event([
            "version": "2.0", "rawPath": "/mcp", "rawQueryString": "",
            "requestContext": [
                "domainName": "u.lambda-url.us-west-2.on.aws", "stage": "$default",
                "http": ["method": "POST", "path": "/mcp", "sourceIp": "192.0.2.1"],
            ],
        ])
        #expect(request.target == "/mcp")
        #expect(request.body.isEmpty)
        #expect(request.publicBaseURL == "https://u.lambda-url.us-west-2.on.aws")
    }

    @Test("payload 1.0: multi-value headers and query kept apart and re-encoded; stage only on execute-api domains")
    func version1() throws {
        let request = try Self.event([
            "httpMethod": "GET", "path": "/jwks.json",
            "headers": ["Accept": "b"], "multiValueHeaders": ["Accept": ["a", "b"], "X-Many": ["1", "2"]],
            "queryStringParameters": ["q": "2"], "multiValueQueryStringParameters": ["q": ["1 2", "a&b"]],
            "requestContext": [
                "domainName": "r.execute-api.us-east-2.amazonaws.com", "stage": "Prod",
                "identity": ["sourceIp": "198.51.100.1"],
            ],
            "body": nil, "isBase64Encoded": false,
        ])
        #expect(request.format == .version1)
        #expect(request.headers.filter { $0.name == "Accept" }.map(\.value) == ["a", "b"])
        #expect(request.headers.filter { $0.name == "X-Many" }.count == 2)
        #expect(request.target == "/jwks.json?q=1%202&q=a%26b")
        #expect(request.sourceIP == "198.51.100.1")
        #expect(request.publicBaseURL == "https://r.execute-api.us-east-2.amazonaws.com/Prod")
        let custom = try Self.event([
            "httpMethod": "GET", "path": "/mcp",
            "requestContext": ["domainName": "mcp.example.com", "stage": "Prod"],
        ])
        #expect(custom.publicBaseURL == "https://mcp.example.com")
    }

    @Test(
        "events that are not HTTP requests are refused as Runtime.InvalidEvent",
        arguments: [
            "not json", "[1,2]", #"{"Records":[]}"#, #"{"version":"2.0","requestContext":{}}"#,
            #"{"httpMethod":"POST","path":"/","body":"%%%","isBase64Encoded":true}"#,
        ]
    )
    func invalidEvents(_ text: String) {
        #expect(throws: LambdaFunctionError.self) { try LambdaHTTPRequest(event: Array(text.utf8)) }
        do {
            _ = try LambdaHTTPRequest(event: Array(text.utf8))
        } catch {
            #expect(error.type == "Runtime.InvalidEvent")
        }
    }

    @Test("responses: 2.0 joins repeated headers and moves Set-Cookie to cookies; 1.0 keeps every value")
    func responses() {
        let response = LambdaHTTPResponse(
            status: 201,
            headers: [
                ("Content-Type", "application/json"), ("Vary", "Origin"), ("Vary", "Accept"),
                ("Set-Cookie", "a=1"), ("Set-Cookie", "b=2"),
            ],
            body: Array(#"{"ok":true}"#.utf8)
        )
        let v2 = response.document(for: .version2)
        #expect(v2["statusCode"] == 201)
        #expect(v2["headers"]?["vary"] == "Origin, Accept")
        #expect(v2["cookies"] == ["a=1", "b=2"])
        #expect(v2["body"] == #"{"ok":true}"#)
        #expect(v2["isBase64Encoded"] == false)
        let v1 = response.document(for: .version1)
        #expect(v1["multiValueHeaders"]?["vary"] == ["Origin", "Accept"])
        #expect(v1["multiValueHeaders"]?["set-cookie"] == ["a=1", "b=2"])
        #expect(v1["headers"] == nil)
    }

    @Test("binary and non-UTF-8 bodies are base64; empty bodies are empty strings")
    func bodies() {
        let binary = LambdaHTTPResponse(status: 200, headers: [("content-type", "image/png")], body: [0, 1, 2, 255])
        #expect(binary.document(for: .version2)["isBase64Encoded"] == true)
        #expect(binary.document(for: .version2)["body"] == "AAEC/w==")
        let badText = LambdaHTTPResponse(status: 200, headers: [("content-type", "text/plain")], body: [0xFF, 0xFE])
        #expect(badText.document(for: .version1)["isBase64Encoded"] == true)
        let empty = LambdaHTTPResponse(status: 204)
        #expect(empty.document(for: .version2)["body"] == "")
        #expect(empty.document(for: .version2)["isBase64Encoded"] == false)
    }
}

@Suite("CloudWatch Embedded Metric Format")
struct EmbeddedMetricsTests {
    @Test("one document per invocation: directives, dimensions and derived counters")
    func document() throws {
        let metrics = EmbeddedMetrics(namespace: "RemoteMCP", functionName: "fn")
        let sample = EmbeddedMetrics.Sample(
            route: "/token",
            status: 200,
            latencyMilliseconds: 1.23456,
            coldStart: true,
            requestID: "r1",
            traceID: "Root=1-x"
        )
        let document = metrics.document(for: sample, at: Date(timeIntervalSince1970: 1_700_000_000.5))
        #expect(document["_aws"]?["Timestamp"] == 1_700_000_000_500)
        let directives = try #require(document["_aws"]?["CloudWatchMetrics"]?.arrayValue)
        #expect(directives.map { $0["Namespace"] } == Array(repeating: "RemoteMCP", count: 3))
        #expect(directives[0]["Dimensions"] == [["Route", "Status"]])
        #expect(document["Route"] == "/token")
        #expect(document["Status"] == "200")
        #expect(document["Latency"] == .number(JSONNumber(1.235)))
        #expect(document["TokensIssued"] == 1)
        #expect(document["Registrations"] == 0)
        #expect(document["AuthFailures"] == 0)
        #expect(document["ColdStart"] == 1)
        #expect(document["trace_id"] == "Root=1-x")
        // Every metric a directive names is a member of the document, as EMF requires.
        for directive in directives {
            for metric in directive["Metrics"]?.arrayValue ?? [] {
                #expect(document[metric["Name"]?.stringValue ?? ""] != nil)
            }
        }
        let denied = metrics.document(
            for: .init(
                route: "/mcp",
                status: 401,
                latencyMilliseconds: 0,
                coldStart: false,
                requestID: "r2",
                traceID: nil
            )
        )
        #expect(denied["AuthFailures"] == 1)
        #expect(denied["ColdStart"] == 0)
        #expect(denied["trace_id"] == nil)
        let registered = metrics.document(
            for: .init(
                route: "/dcr",
                status: 201,
                latencyMilliseconds: 0,
                coldStart: false,
                requestID: "r3",
                traceID: nil
            )
        )
        #expect(registered["Registrations"] == 1)
    }

    @Test("the client certificate of an mTLS custom domain comes from the request context only (2.0 and 1.0)")
    func clientCertificate() throws {
        let pem = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"
        let version2 = try LambdaHTTPEventTests.event([
            "version": "2.0", "rawPath": "/token", "rawQueryString": "",
            "headers": ["x-client-cert": "forged"],
            "requestContext": [
                "domainName": "mcp.example.com", "stage": "$default",
                "http": ["method": "POST", "path": "/token", "sourceIp": "203.0.113.9"],
                "authentication": ["clientCert": ["clientCertPem": .string(pem)]],
            ],
        ])
        #expect(version2.clientCertificatePEM == pem)
        let version1 = try LambdaHTTPEventTests.event([
            "httpMethod": "POST", "path": "/token",
            "requestContext": [
                "stage": "prod", "domainName": "mcp.example.com",
                "identity": ["sourceIp": "203.0.113.9", "clientCert": ["clientCertPem": .string(pem)]],
            ],
        ])
        #expect(version1.clientCertificatePEM == pem)
        let none = try LambdaHTTPEventTests.event([
            "version": "2.0", "rawPath": "/token", "rawQueryString": "",
            "headers": ["clientcertpem": .string(pem)],
            "requestContext": ["domainName": "d", "http": ["method": "POST", "path": "/token"]],
        ])
        #expect(none.clientCertificatePEM == nil)
    }
}
