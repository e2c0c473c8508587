public import Logging

#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// Where and as whom to call one AWS service, read from the environment the way the AWS SDKs and CLI read it:
/// region from `AWS_REGION` (then `AWS_DEFAULT_REGION`, then `us-east-1`), credentials from
/// `AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY`/`AWS_SESSION_TOKEN` (as Lambda sets them), endpoint from the
/// service's override variable, then `AWS_ENDPOINT_URL`, then the public endpoint.
public struct AWSServiceConfiguration: Sendable, Hashable {
    /// Why the environment does not describe a usable service.
    public struct Invalid: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    public var service: AWSJSONClient.Service
    public var region: String
    public var endpoint: URL
    public var credentials: AWSCredentials

    public init(service: AWSJSONClient.Service, region: String, endpoint: URL, credentials: AWSCredentials) {
        self.service = service
        self.region = region
        self.endpoint = endpoint
        self.credentials = credentials
    }

    /// - Parameter purpose: what needs the service, for the error message ("--store dynamodb").
    public static func fromEnvironment(
        _ service: AWSJSONClient.Service,
        environment: [String: String],
        purpose: String
    ) throws(Invalid) -> AWSServiceConfiguration {
        // An empty variable counts as unset, as everywhere in the server.
        let region =
            ["AWS_REGION", "AWS_DEFAULT_REGION"].lazy.compactMap { environment[$0] }.first { !$0.isEmpty }
            ?? "us-east-1"
        guard let credentials = AWSCredentials.fromEnvironment(environment) else {
            throw Invalid(description: "\(purpose) needs AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY")
        }
        guard let endpoint = AWSJSONClient.endpoint(for: service, region: region, environment: environment) else {
            throw Invalid(description: "\(service.endpointVariable) (or AWS_ENDPOINT_URL) is not a URL")
        }
        return AWSServiceConfiguration(service: service, region: region, endpoint: endpoint, credentials: credentials)
    }

    /// A client for the service, signing for its region.
    public func client(logger: Logger) -> AWSJSONClient {
        AWSJSONClient(
            service: self.service,
            endpoint: self.endpoint,
            signer: AWSSigV4Signer(credentials: self.credentials, region: self.region, service: self.service.name),
            logger: logger
        )
    }
}
