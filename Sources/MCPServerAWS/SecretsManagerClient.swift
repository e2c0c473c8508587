import MCPWire

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Reads secrets from AWS Secrets Manager (`GetSecretValue`) through the same signed JSON client as DynamoDB.
public struct SecretsManagerClient: Sendable {
    let client: AWSJSONClient

    /// - Parameter client: an ``AWSJSONClient`` for ``AWSJSONClient/Service/secretsManager``.
    public init(client: AWSJSONClient) {
        precondition(client.service == .secretsManager, "a Secrets Manager client is needed")
        self.client = client
    }

    /// The current value of secret `id` (a name or an ARN) as text.
    public func secretString(id: String) async throws -> String {
        let answer = try await self.client.call("GetSecretValue", ["SecretId": .string(id)])
        if let text = answer["SecretString"]?.stringValue { return text }
        if let encoded = answer["SecretBinary"]?.stringValue, let bytes = Base64.decode(encoded),
            let text = String(strictUTF8: bytes)
        {
            return text
        }
        throw AWSServiceError(
            service: "secretsmanager",
            type: "EmptySecret",
            message: "secret \(id) has no SecretString",
            status: 200
        )
    }
}
