/// The NDJSON form of a record, written by `glaneur read` and read back by the later
/// stages:
///
/// ```json
/// {"source":"federation","file":"federation.csv","row":1,"line":3,
///  "name":"Ferme du Bois Joli","postcode":"5000","phones":["081/23.45.67"],
///  "fields":{"Nom":"Ferme du Bois Joli","CP":"5000","Tél.":"081/23.45.67"}}
/// ```
///
/// Canonical fields appear only when they hold a value; list fields (`phones`, `emails`,
/// `products`, `labels`) are always arrays. `fields` keeps every source column in order,
/// `warnings` appears when reading the row needed a workaround.
extension ProducerRecord {
    public func writeJSON(to writer: inout JSONWriter) {
        writer.openRecord(provenance)

        for field in Field.allCases {
            let values = self.values(field)
            if values.isEmpty { continue }
            writer.byte(UInt8(ascii: ","))
            writer.key(field.key)
            if field.holdsList {
                writer.strings(values)
            } else {
                writer.string(self[field] ?? "")
            }
        }

        writer.raw(",\"fields\":{")
        for (index, sourceField) in sourceFields.enumerated() {
            if index > 0 { writer.byte(UInt8(ascii: ",")) }
            writer.key(sourceField.name)
            switch sourceField.value {
            case .null: writer.raw("null")
            case .text(let text): writer.string(text)
            case .list(let items): writer.strings(items)
            }
        }
        writer.byte(UInt8(ascii: "}"))

        if !warnings.isEmpty {
            writer.raw(",\"warnings\":[")
            for (index, warning) in warnings.enumerated() {
                if index > 0 { writer.byte(UInt8(ascii: ",")) }
                writer.raw("{\"code\":")
                writer.string(warning.code)
                if let column = warning.column {
                    writer.raw(",\"column\":")
                    writer.string(column)
                }
                writer.raw(",\"message\":")
                writer.string(warning.message)
                writer.byte(UInt8(ascii: "}"))
            }
            writer.byte(UInt8(ascii: "]"))
        }
        writer.byte(UInt8(ascii: "}"))
    }

    /// Reads a record back from its NDJSON form.
    ///
    /// - throws: `RecordDecodingError` naming the member that is missing or malformed.
    public init(json: JSONValue) throws(RecordDecodingError) {
        guard case .object(let members) = json else {
            throw RecordDecodingError(message: "a record must be a JSON object")
        }
        let provenance = try Provenance(json: json)
        self.init(provenance: provenance)

        for member in members {
            guard let field = Field(rawValue: member.key) else { continue }
            switch member.value {
            case .array(let items): setValues(items.compactMap(\.scalarText), for: field)
            case .null: break
            default: if let text = member.value.scalarText { setValues([text], for: field) }
            }
        }

        sourceFields = SourceField.list(json["fields"])

        if case .array(let items) = json["warnings"] {
            warnings = items.map { item in
                RecordWarning(
                    code: item["code"]?.scalarText ?? "",
                    column: item["column"]?.scalarText,
                    message: item["message"]?.scalarText ?? ""
                )
            }
        }
    }
}

extension JSONWriter {
    /// Opens a record's NDJSON object with its provenance:
    /// `{"source":…,"file":…,"row":N,"line":N`, for raw and normalised records alike.
    public mutating func openRecord(_ provenance: Provenance) {
        raw("{\"source\":")
        string(provenance.source)
        raw(",\"file\":")
        string(provenance.file)
        raw(",\"row\":")
        integer(provenance.row)
        raw(",\"line\":")
        integer(provenance.line)
    }
}

extension Provenance {
    /// Reads `source`, `file`, `row` and `line` from a record's NDJSON form (a raw or a
    /// normalised record: both carry them at the top level).
    public init(json: JSONValue) throws(RecordDecodingError) {
        func text(_ key: String) throws(RecordDecodingError) -> String {
            guard let value = json[key]?.scalarText else {
                throw RecordDecodingError(message: "missing \"\(key)\"")
            }
            return value
        }
        func integer(_ key: String) throws(RecordDecodingError) -> Int {
            guard let value = Int(try text(key)) else {
                throw RecordDecodingError(message: "\"\(key)\" is not a whole number")
            }
            return value
        }
        self.init(
            source: try text("source"), file: try text("file"), row: try integer("row"),
            line: try integer("line"))
    }
}

extension SourceField {
    /// The `fields` object of a record's NDJSON form, in order; nothing for a missing or
    /// malformed member.
    public static func list(_ json: JSONValue?) -> [SourceField] {
        guard case .object(let fields)? = json else { return [] }
        return fields.map { member in
            switch member.value {
            case .null: SourceField(name: member.key, value: .null)
            case .array(let items):
                SourceField(name: member.key, value: .list(items.compactMap(\.scalarText)))
            default:
                SourceField(name: member.key, value: .text(member.value.scalarText ?? ""))
            }
        }
    }
}

public struct RecordDecodingError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
