public import MCPWire

#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// CloudWatch metrics in Embedded Metric Format: one JSON log line per invocation that CloudWatch turns into
/// metrics, with no API call and no agent (the line goes to stdout, which Lambda sends to CloudWatch Logs).
///
/// Metrics (namespace configurable, `RemoteMCP` by default):
/// - `Requests` (Count) by `Route` and `Status`;
/// - `Latency` (Milliseconds) by `Route` and by `FunctionName`;
/// - `TokensIssued`, `Registrations`, `AuthFailures` and `ColdStart` (Count) by `FunctionName`.
///
/// `Route` is the matched route pattern (`/clients/{clientID}`), never the raw path, so the number of metric
/// series stays bounded whatever callers send.
public struct EmbeddedMetrics: Sendable {
    /// One invocation's figures.
    public struct Sample: Sendable {
        public var route: String
        public var status: Int
        public var latencyMilliseconds: Double
        public var coldStart: Bool
        public var requestID: String
        public var traceID: String?

        public init(
            route: String,
            status: Int,
            latencyMilliseconds: Double,
            coldStart: Bool,
            requestID: String,
            traceID: String?
        ) {
            self.route = route
            self.status = status
            self.latencyMilliseconds = latencyMilliseconds
            self.coldStart = coldStart
            self.requestID = requestID
            self.traceID = traceID
        }
    }

    public let namespace: String
    public let functionName: String
    /// The `CloudWatchMetrics` directives: the same for every line, so built once.
    private let directives: JSONValue

    public init(namespace: String, functionName: String) {
        self.namespace = namespace
        self.functionName = functionName
        let count: (String) -> JSONValue = { ["Name": .string($0), "Unit": "Count"] }
        self.directives = [
            [
                "Namespace": .string(namespace), "Dimensions": [["Route", "Status"]],
                "Metrics": [count("Requests")],
            ],
            [
                "Namespace": .string(namespace), "Dimensions": [["Route"], ["FunctionName"]],
                "Metrics": [["Name": "Latency", "Unit": "Milliseconds"]],
            ],
            [
                "Namespace": .string(namespace), "Dimensions": [["FunctionName"]],
                "Metrics": [count("TokensIssued"), count("Registrations"), count("AuthFailures"), count("ColdStart")],
            ],
        ]
    }

    /// The EMF document for `sample` (one line, no trailing newline).
    public func document(for sample: Sample, at date: Date = Date()) -> JSONValue {
        let route = sample.route
        let registered = (route.hasSuffix("/dcr") || route.hasSuffix("/register")) && sample.status == 201
        var document: [String: JSONValue] = [
            "_aws": [
                "Timestamp": .number(JSONNumber(Int64((date.timeIntervalSince1970 * 1000).rounded(.down)))),
                "CloudWatchMetrics": self.directives,
            ],
            "Route": .string(route),
            "Status": .string(String(sample.status)),
            "FunctionName": .string(self.functionName),
            "Requests": 1,
            "Latency": .number(JSONNumber((sample.latencyMilliseconds * 1000).rounded() / 1000)),
            "TokensIssued": route.hasSuffix("/token") && sample.status == 200 ? 1 : 0,
            "Registrations": registered ? 1 : 0,
            "AuthFailures": sample.status == 401 || sample.status == 403 ? 1 : 0,
            "ColdStart": sample.coldStart ? 1 : 0,
            "aws_request_id": .string(sample.requestID),
        ]
        if let trace = sample.traceID { document["trace_id"] = .string(trace) }
        return .object(document)
    }
}
