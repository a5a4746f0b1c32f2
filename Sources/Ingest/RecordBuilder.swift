import GlaneurCore

/// Turns the source fields of one row into a record through the column mapping, or into
/// a reject when the row cannot be used.
struct RecordBuilder {
    let mapping: HeaderMapping
    let source: String
    let file: String

    func build(
        fields: [SourceField],
        row: Int,
        line: Int,
        warnings: [RecordWarning],
        raw: @autoclosure () -> String
    ) -> ReadItem {
        let provenance = Provenance(source: source, file: file, row: row, line: line)
        var record = ProducerRecord(
            provenance: provenance, sourceFields: fields, warnings: warnings)

        for (index, sourceField) in fields.enumerated() {
            guard index < mapping.fields.count, let field = mapping.fields[index] else {
                continue
            }
            for value in sourceField.value.strings
            where !value.allSatisfy(\.isWhitespace) {
                record.append(value, to: field)
            }
        }

        guard record[.name] != nil else {
            let message =
                mapping.columns(for: .name).isEmpty
                ? "no column is mapped to the producer name; map one with --map name=COLUMN"
                : "the name is empty"
            let column = mapping.columns(for: .name).first.map { mapping.columns[$0] }
            return .reject(
                Reject(
                    provenance: provenance, code: .missingName, column: column,
                    message: message, raw: raw()))
        }
        return .record(record)
    }
}

extension HeaderMapping {
    /// Column names made usable: empty ones named `column_N`, repeated ones suffixed
    /// ` (2)`, ` (3)`; each change explained in `notes`.
    static func uniqueColumnNames(_ names: [String], notes: inout [String]) -> [String] {
        var seen: [String: Int] = [:]
        var result: [String] = []
        for (index, name) in names.enumerated() {
            var column = name.trimmingSpaces
            if column.isEmpty {
                column = "column_\(index + 1)"
                notes.append("column \(index + 1) has no name; called it \"\(column)\"")
            }
            let count = seen[column, default: 0] + 1
            seen[column] = count
            if count > 1 {
                let renamed = "\(column) (\(count))"
                notes.append(
                    "column \(index + 1) repeats the name \"\(column)\"; called it \"\(renamed)\"")
                column = renamed
            }
            result.append(column)
        }
        return result
    }
}
