import Foundation

/// A pipeline file as parsed, before it is checked: JSON5 read by Foundation's decoder
/// into plain values, so that validation can report every unknown key and wrong type
/// with its path instead of stopping at the first one as `Decodable` does.
indirect enum SpecNode: Decodable {
    case object([String: SpecNode])
    case array([SpecNode])
    case string(String)
    case number(Double)
    case bool(Bool)
    case null

    init(from decoder: Decoder) throws {
        if let container = try? decoder.container(keyedBy: AnyKey.self) {
            var members: [String: SpecNode] = [:]
            for key in container.allKeys {
                members[key.stringValue] = try container.decode(SpecNode.self, forKey: key)
            }
            self = .object(members)
            return
        }
        if var container = try? decoder.unkeyedContainer() {
            var items: [SpecNode] = []
            while !container.isAtEnd { items.append(try container.decode(SpecNode.self)) }
            self = .array(items)
            return
        }
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let flag = try? container.decode(Bool.self) {
            self = .bool(flag)
        } else if let number = try? container.decode(Double.self) {
            self = .number(number)
        } else {
            self = .string(try container.decode(String.self))
        }
    }

    /// What a person would call the value's type, for error messages.
    var kind: String {
        switch self {
        case .object: "an object"
        case .array: "a list"
        case .string: "a string"
        case .number: "a number"
        case .bool: "true or false"
        case .null: "null"
        }
    }

    private struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
}
