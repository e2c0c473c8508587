import MCPWire

/// Checks tool arguments against the common subset of JSON Schema that tool schemas use.
///
/// Supported: `type` (one or a list), `properties`, `required`, `additionalProperties: false`, `items`,
/// `enum`, `const`, `minimum`, `maximum`, `minLength`, `maxLength`, `minItems`, `maxItems`. Other keywords
/// are ignored (never rejected), so a richer schema still works; the handler's own decoding is the last
/// line of defence.
enum JSONSchemaCheck {
    /// The first problem found, phrased for the caller, or `nil` when `value` conforms.
    static func firstViolation(of schema: JSONValue, in value: JSONValue, path: String = "arguments") -> String? {
        guard case .object(let rules) = schema else { return nil }
        if let type = rules["type"], !Self.matches(type: type, value) {
            return "'\(path)' must be \(Self.describe(type: type)), not \(value.typeName)"
        }
        if let options = rules["enum"]?.arrayValue, !options.contains(value) {
            return "'\(path)' must be one of \(JSONValue.array(options).serializedString())"
        }
        if let constant = rules["const"], constant != value {
            return "'\(path)' must be \(constant.serializedString())"
        }
        switch value {
        case .number(let number):
            if let minimum = rules["minimum"]?.numberValue, number.doubleValue < minimum.doubleValue {
                return "'\(path)' must be at least \(minimum)"
            }
            if let maximum = rules["maximum"]?.numberValue, number.doubleValue > maximum.doubleValue {
                return "'\(path)' must be at most \(maximum)"
            }
        case .string(let string):
            if let minimum = rules["minLength"]?.numberValue?.int64Value, string.count < minimum {
                return "'\(path)' must have at least \(minimum) characters"
            }
            if let maximum = rules["maxLength"]?.numberValue?.int64Value, string.count > maximum {
                return "'\(path)' must have at most \(maximum) characters"
            }
        case .array(let elements):
            if let minimum = rules["minItems"]?.numberValue?.int64Value, elements.count < minimum {
                return "'\(path)' must have at least \(minimum) items"
            }
            if let maximum = rules["maxItems"]?.numberValue?.int64Value, elements.count > maximum {
                return "'\(path)' must have at most \(maximum) items"
            }
            if let items = rules["items"] {
                for (index, element) in elements.enumerated() {
                    if let violation = Self.firstViolation(of: items, in: element, path: "\(path)[\(index)]") {
                        return violation
                    }
                }
            }
        case .object(let members):
            for name in rules["required"]?.arrayValue?.compactMap(\.stringValue) ?? [] where members[name] == nil {
                return "missing required argument '\(Self.join(path, name))'"
            }
            let properties = rules["properties"]?.objectValue ?? [:]
            for name in members.keys.sorted() {
                if let propertySchema = properties[name] {
                    if let violation = Self.firstViolation(
                        of: propertySchema,
                        in: members[name]!,
                        path: Self.join(path, name)
                    ) {
                        return violation
                    }
                } else if rules["additionalProperties"] == .bool(false) {
                    return "unknown argument '\(Self.join(path, name))'"
                }
            }
        default:
            break
        }
        return nil
    }

    private static func join(_ path: String, _ name: String) -> String {
        path == "arguments" ? name : "\(path).\(name)"
    }

    private static func matches(type: JSONValue, _ value: JSONValue) -> Bool {
        switch type {
        case .string(let name): return Self.matches(typeName: name, value)
        case .array(let names):
            return names.contains { $0.stringValue.map { Self.matches(typeName: $0, value) } ?? false }
        default: return true
        }
    }

    private static func matches(typeName: String, _ value: JSONValue) -> Bool {
        switch (typeName, value) {
        case ("null", .null), ("boolean", .bool), ("string", .string), ("array", .array), ("object", .object),
            ("number", .number):
            return true
        case ("integer", .number(let number)):
            return number.int64Value != nil
        default:
            return false
        }
    }

    private static func describe(type: JSONValue) -> String {
        switch type {
        case .string(let name): "\(name == "integer" || name == "array" || name == "object" ? "an" : "a") \(name)"
        case .array(let names): "one of " + names.compactMap(\.stringValue).joined(separator: ", ")
        default: "valid"
        }
    }
}
