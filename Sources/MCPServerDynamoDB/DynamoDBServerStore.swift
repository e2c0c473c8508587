public import Logging
public import MCPServerAWS
public import MCPServerCore
public import MCPWire

#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// ``ServerStore`` on one DynamoDB table (partition key `pk`, sort key `sk`, TTL attribute `expires_at`).
///
/// Items: clients under `pk = "clients"`, signing keys under `pk = "signing-keys"` (so each list is one
/// strongly consistent Query), rate-limit windows under `pk = "rate#<key>"` with a TTL. Conditional writes give
/// uniqueness (`attribute_not_exists`) and refuse updates of missing items; counters use atomic `ADD`. Expired
/// items are also filtered on read, because DynamoDB deletes them lazily.
///
/// Sign-in items (``SignInStore``, in `DynamoDBServerStore+People/+Grants/+SignIn.swift`): people under
/// `pk = "people"` with an index item per username under `pk = "people-by-username"`; authorization codes, grant
/// families and upstream sign-ins each in a partition of their own (`code#<hash>`, `family#<id>`,
/// `login#<stateHash>`); consents under `pk = "consents#<personID>", sk = <clientID>`.
public final class DynamoDBServerStore: ServerStore {
    public let table: String
    let client: AWSJSONClient
    let logger: Logger

    public init(table: String, client: AWSJSONClient, logger: Logger) {
        self.table = table
        self.client = client
        self.logger = logger
    }

    public var description: String { "DynamoDB table \(self.table) at \(self.client.endpoint.absoluteString)" }

    // MARK: - Table

    /// Creates the table (on-demand billing) and turns on TTL for `expires_at`; waits until it is active.
    public static func createTable(_ name: String, client: AWSJSONClient) async throws {
        _ = try await client.call(
            "CreateTable",
            [
                "TableName": .string(name),
                "BillingMode": "PAY_PER_REQUEST",
                "AttributeDefinitions": [
                    ["AttributeName": "pk", "AttributeType": "S"], ["AttributeName": "sk", "AttributeType": "S"],
                ],
                "KeySchema": [
                    ["AttributeName": "pk", "KeyType": "HASH"], ["AttributeName": "sk", "KeyType": "RANGE"],
                ],
                "SSESpecification": ["Enabled": true],
            ]
        )
        // Creation is asynchronous: poll the service (every 0.5 s, for at most a minute) until it says ACTIVE.
        var status = ""
        for _ in 0..<120 {
            let table = try await client.call("DescribeTable", ["TableName": .string(name)])
            status = table["Table"]?["TableStatus"]?.stringValue ?? ""
            if status == "ACTIVE" { break }
            try await Task.sleep(nanoseconds: 500_000_000)
        }
        guard status == "ACTIVE" else {
            throw ServerStoreError.unavailable("table \(name) is still \(status) after a minute; TTL is not set yet")
        }
        _ = try await client.call(
            "UpdateTimeToLive",
            ["TableName": .string(name), "TimeToLiveSpecification": ["Enabled": true, "AttributeName": "expires_at"]]
        )
    }

    /// Deletes the table (tests and tear-down).
    public static func deleteTable(_ name: String, client: AWSJSONClient) async throws {
        _ = try await client.call("DeleteTable", ["TableName": .string(name)])
    }

    // MARK: - Clients

    public func insertClient(_ client: StoredClient) async throws {
        try await self.put(Self.item(client), condition: "attribute_not_exists(pk)", failure: .duplicate)
    }

    public func client(id: String) async throws -> StoredClient? {
        try await self.get(pk: "clients", sk: id).map(Self.client(from:))
    }

    public func updateClient(_ client: StoredClient) async throws {
        try await self.put(Self.item(client), condition: "attribute_exists(pk)", failure: .notFound)
    }

    public func deleteClient(id: String) async throws -> Bool {
        try await self.delete(pk: "clients", sk: id)
    }

    public func listClients() async throws -> [StoredClient] {
        try await self.query(pk: "clients").map(Self.client(from:))
    }

    // MARK: - Signing keys

    public func insertSigningKey(_ key: StoredSigningKey) async throws {
        try await self.put(Self.item(key), condition: "attribute_not_exists(pk)", failure: .duplicate)
    }

    public func updateSigningKey(_ key: StoredSigningKey) async throws {
        try await self.put(Self.item(key), condition: "attribute_exists(pk)", failure: .notFound)
    }

    public func deleteSigningKey(id: String) async throws -> Bool {
        try await self.delete(pk: "signing-keys", sk: id)
    }

    public func signingKeys() async throws -> [StoredSigningKey] {
        // Newest first, as every store answers.
        try await self.query(pk: "signing-keys").map(Self.signingKey(from:)).sorted { $0.createdAt > $1.createdAt }
    }

    // MARK: - Rate limits

    public func consumeRateLimit(key: String, limit: Int, window: Duration, now: Date) async throws -> RateLimitDecision
    {
        let (start, end) = RateLimitDecision.window(containing: now, length: window)
        // One atomic ADD per hit: concurrent servers never lose a count. The item expires with its window.
        let answer = try await self.call(
            "UpdateItem",
            [
                "TableName": .string(self.table),
                "Key": ["pk": Self.s("rate#\(key)"), "sk": Self.s(Self.number(start))],
                "UpdateExpression": "ADD #count :one SET expires_at = :expires",
                "ExpressionAttributeNames": ["#count": "count"],
                "ExpressionAttributeValues": [
                    ":one": ["N": "1"],
                    ":expires": ["N": .string(String(Int64(end.timeIntervalSince1970.rounded(.up)) + 60))],
                ],
                "ReturnValues": "UPDATED_NEW",
            ]
        )
        let count = answer["Attributes"]?["count"]?["N"]?.stringValue.flatMap { Int($0) } ?? 1
        return RateLimitDecision(allowed: count <= limit, count: count, resetAt: end)
    }

    public func shutdown() async throws {}

    // MARK: - Items

    static func s(_ value: String) -> JSONValue { ["S": .string(value)] }

    static func number(_ date: Date) -> String { String(date.timeIntervalSince1970) }

    static func item(_ client: StoredClient) -> JSONValue {
        [
            "pk": s("clients"), "sk": s(client.id),
            "secret_hash": s(client.secretHash), "registration_token_hash": s(client.registrationTokenHash),
            "metadata": s(client.metadata.serializedString()),
            "created_at": ["N": .string(number(client.createdAt))],
            "updated_at": ["N": .string(number(client.updatedAt))],
        ]
    }

    static func item(_ key: StoredSigningKey) -> JSONValue {
        var item: [String: JSONValue] = [
            "pk": s("signing-keys"), "sk": s(key.id), "algorithm": s(key.algorithm), "pem": s(key.privateKeyPEM),
            "created_at": ["N": .string(number(key.createdAt))],
        ]
        if let retired = key.retiredAt { item["retired_at"] = ["N": .string(number(retired))] }
        return .object(item)
    }

    static func client(from item: JSONValue) throws -> StoredClient {
        guard let id = item["sk"]?["S"]?.stringValue, let secret = item["secret_hash"]?["S"]?.stringValue,
            let token = item["registration_token_hash"]?["S"]?.stringValue,
            let metadataText = item["metadata"]?["S"]?.stringValue,
            let metadata = try? JSONValue(parsing: metadataText),
            let created = date(item["created_at"]), let updated = date(item["updated_at"])
        else { throw ServerStoreError.corruptRecord("a client item lacks a field") }
        return StoredClient(
            id: id,
            secretHash: secret,
            registrationTokenHash: token,
            metadata: metadata,
            createdAt: created,
            updatedAt: updated
        )
    }

    static func signingKey(from item: JSONValue) throws -> StoredSigningKey {
        guard let id = item["sk"]?["S"]?.stringValue, let algorithm = item["algorithm"]?["S"]?.stringValue,
            let pem = item["pem"]?["S"]?.stringValue, let created = date(item["created_at"])
        else { throw ServerStoreError.corruptRecord("a signing key item lacks a field") }
        return StoredSigningKey(
            id: id,
            algorithm: algorithm,
            privateKeyPEM: pem,
            createdAt: created,
            retiredAt: date(item["retired_at"])
        )
    }

    static func date(_ attribute: JSONValue?) -> Date? {
        attribute?["N"]?.stringValue.flatMap(Double.init).map { Date(timeIntervalSince1970: $0) }
    }

    // MARK: - Operations

    /// Calls DynamoDB. A failed condition (`ConditionalCheckFailedException`, `TransactionCanceledException`)
    /// comes back as the ``AWSServiceError``; every other failure is ``ServerStoreError/unavailable(_:)``.
    func call(_ operation: String, _ body: JSONValue) async throws -> JSONValue {
        do {
            return try await self.client.call(operation, body)
        } catch let error as AWSServiceError {
            if Self.conditionFailures.contains(error.type) { throw error }
            throw ServerStoreError.unavailable("\(error)")
        } catch {
            throw ServerStoreError.unavailable("DynamoDB \(operation): \(error)")
        }
    }

    func put(_ item: JSONValue, condition: String, failure: ServerStoreError) async throws {
        do {
            _ = try await self.call(
                "PutItem",
                ["TableName": .string(self.table), "Item": item, "ConditionExpression": .string(condition)]
            )
        } catch let error as AWSServiceError where error.type == "ConditionalCheckFailedException" {
            throw failure
        }
    }

    static let conditionFailures: Set<String> = ["ConditionalCheckFailedException", "TransactionCanceledException"]

    func get(pk: String, sk: String) async throws -> JSONValue? {
        let answer = try await self.call(
            "GetItem",
            ["TableName": .string(self.table), "Key": ["pk": Self.s(pk), "sk": Self.s(sk)], "ConsistentRead": true]
        )
        // Not `flatMap { … ? nil : $0 }`: JSONValue is nil-literal convertible, so that `nil` would be `.null`.
        guard let item = answer["Item"], !Self.isExpired(item) else { return nil }
        return item
    }

    /// TTL deletion is lazy (typically within days), so an item past its `expires_at` is treated as gone.
    static func isExpired(_ item: JSONValue, now: Date = Date()) -> Bool {
        guard let expiry = item["expires_at"]?["N"]?.stringValue.flatMap(Double.init) else { return false }
        return expiry <= now.timeIntervalSince1970
    }

    func delete(pk: String, sk: String) async throws -> Bool {
        let answer = try await self.call(
            "DeleteItem",
            ["TableName": .string(self.table), "Key": ["pk": Self.s(pk), "sk": Self.s(sk)], "ReturnValues": "ALL_OLD"]
        )
        return answer["Attributes"] != nil
    }

    func query(pk: String) async throws -> [JSONValue] {
        var items: [JSONValue] = []
        var start: JSONValue?
        repeat {
            var body: [String: JSONValue] = [
                "TableName": .string(self.table), "KeyConditionExpression": "pk = :pk",
                "ExpressionAttributeValues": [":pk": Self.s(pk)], "ConsistentRead": true,
            ]
            if let start { body["ExclusiveStartKey"] = start }
            let page = try await self.call("Query", .object(body))
            items += (page["Items"]?.arrayValue ?? []).filter { !Self.isExpired($0) }
            start = page["LastEvaluatedKey"]
        } while start != nil
        return items
    }
}
