import MCPServerAWS
import MCPServerCore
import MCPWire

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Building blocks of the sign-in items: attribute values, and requests whose expressions name attributes as
/// `#name` and values as `:value`.
extension DynamoDBServerStore {
    // MARK: - Attribute values

    static func n(_ date: Date) -> JSONValue { ["N": .string(Self.number(date))] }

    static func n(_ value: Int) -> JSONValue { ["N": .string(String(value))] }

    /// The TTL attribute (`expires_at`): whole seconds, rounded up, so DynamoDB never purges an item early.
    static func ttl(_ date: Date) -> JSONValue {
        ["N": .string(String(Int64(date.timeIntervalSince1970.rounded(.up))))]
    }

    static func text(_ item: JSONValue, _ name: String) -> String? { item[name]?["S"]?.stringValue }

    static func integer(_ item: JSONValue, _ name: String) -> Int? {
        item[name]?["N"]?.stringValue.flatMap { Int($0) }
    }

    /// Sets `name` to `value` in `item`, or leaves it out when `value` is `nil`.
    static func set(_ item: inout [String: JSONValue], _ name: String, _ value: JSONValue?) {
        if let value { item[name] = value }
    }

    // MARK: - Requests

    /// `body` with `ExpressionAttributeNames` and `ExpressionAttributeValues` for exactly the `#name` and `:value`
    /// tokens its expressions use (DynamoDB refuses unused ones).
    static func request(_ body: [String: JSONValue], values: [String: JSONValue] = [:]) -> [String: JSONValue] {
        let expressions = ["ConditionExpression", "UpdateExpression", "KeyConditionExpression"]
            .compactMap { body[$0]?.stringValue }.joined(separator: " ")
        var names: [String: JSONValue] = [:]
        var used: [String: JSONValue] = [:]
        var token = ""
        for character in expressions + " " {
            if character.isLetter || character.isNumber || character == "_" {
                if !token.isEmpty { token.append(character) }
                continue
            }
            if token.count > 1, let first = token.first {
                if first == "#" {
                    names[token] = .string(String(token.dropFirst()))
                } else if let value = values[token] {
                    used[token] = value
                }
            }
            token = character == "#" || character == ":" ? String(character) : ""
        }
        var body = body
        if !names.isEmpty { body["ExpressionAttributeNames"] = .object(names) }
        if !used.isEmpty { body["ExpressionAttributeValues"] = .object(used) }
        return body
    }

    static func key(_ pk: String, _ sk: String) -> JSONValue { ["pk": Self.s(pk), "sk": Self.s(sk)] }

    /// A conditional `UpdateItem` returning the item as it is afterwards; `nil` when the condition failed.
    func update(
        pk: String,
        sk: String,
        _ expression: String,
        condition: String? = nil,
        values: [String: JSONValue]
    ) async throws -> JSONValue? {
        var body: [String: JSONValue] = [
            "TableName": .string(self.table), "Key": Self.key(pk, sk), "UpdateExpression": .string(expression),
            "ReturnValues": "ALL_NEW",
        ]
        if let condition { body["ConditionExpression"] = .string(condition) }
        do {
            return try await self.call("UpdateItem", .object(Self.request(body, values: values)))["Attributes"]
        } catch let error as AWSServiceError where error.type == "ConditionalCheckFailedException" {
            return nil
        }
    }

    /// A conditional `PutItem`; `false` when the condition failed.
    func put(_ item: JSONValue, condition: String, values: [String: JSONValue] = [:]) async throws -> Bool {
        let body: [String: JSONValue] = [
            "TableName": .string(self.table), "Item": item, "ConditionExpression": .string(condition),
        ]
        do {
            _ = try await self.call("PutItem", .object(Self.request(body, values: values)))
            return true
        } catch let error as AWSServiceError where error.type == "ConditionalCheckFailedException" {
            return false
        }
    }

    /// A conditional `DeleteItem` returning the item as it was; `nil` when there was none or the condition failed.
    func take(pk: String, sk: String, condition: String, values: [String: JSONValue]) async throws -> JSONValue? {
        let body: [String: JSONValue] = [
            "TableName": .string(self.table), "Key": Self.key(pk, sk), "ConditionExpression": .string(condition),
            "ReturnValues": "ALL_OLD",
        ]
        do {
            return try await self.call("DeleteItem", .object(Self.request(body, values: values)))["Attributes"]
        } catch let error as AWSServiceError where error.type == "ConditionalCheckFailedException" {
            return nil
        }
    }

    /// One action of ``transact(_:)``: `Put`, `Delete` or `Update` with its (request-shaped) body.
    static func action(
        _ kind: String,
        _ body: [String: JSONValue],
        values: [String: JSONValue] = [:]
    ) -> (kind: String, body: [String: JSONValue]) {
        (kind, Self.request(body, values: values))
    }

    /// The most actions one `TransactWriteItems` takes.
    static let transactionLimit = 100

    /// `TransactWriteItems`: every action or none; `false` when the transaction was cancelled (a condition
    /// failed, or a concurrent transaction touched the same items).
    func transact(_ actions: [(kind: String, body: [String: JSONValue])]) async throws -> Bool {
        let items: [JSONValue] = actions.map { action in
            var body = action.body
            body["TableName"] = .string(self.table)
            return .object([action.kind: .object(body)])
        }
        do {
            _ = try await self.call("TransactWriteItems", ["TransactItems": .array(items)])
            return true
        } catch let error as AWSServiceError where error.type == "TransactionCanceledException" {
            return false
        }
    }
}
