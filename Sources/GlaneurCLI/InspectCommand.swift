import GlaneurCore
import Ingest

/// `glaneur inspect`: what a new user needs to know about a partner file before importing
/// it.
enum InspectCommand: Command {
    static let name = "inspect"
    static let abstract = "Show a file's encoding, dialect, header, column mapping and sample rows."
    static let usage = "FILE [--json] [--sample N] [options]"
    static let discussion = """
        Reads the whole file (nothing is written) and reports how Glaneur sees it: the
        detected encoding and why, the delimiter, title rows and header, the number of
        rows and how many would be rejected, the proposed mapping of columns onto fields
        and the columns left unmapped, and a few sample records. Adjust with the same
        options 'glaneur read' takes (--encoding, --delimiter, --map FIELD=COLUMN…).
        """
    static let options: [OptionDefinition] =
        [
            .flag("--json", help: "Print the report as JSON."),
            .value("--sample", name: "N", help: "Show N sample records (default: 3)."),
        ] + InputOptions.definitions

    static func run(_ arguments: ParsedArguments, context: CommandContext) throws -> ExitStatus {
        guard arguments.positionals.count == 1 else {
            throw UsageError(
                arguments.positionals.isEmpty ? "missing FILE" : "inspect takes one FILE")
        }
        let path = arguments.positionals[0]
        let sampleSize =
            try arguments.value("--sample").map { text throws(UsageError) in
                guard let count = Int(text), count >= 0 else {
                    throw UsageError("--sample takes a whole number, not '\(text)'")
                }
                return count
            } ?? 3
        let options = try InputOptions.readOptions(from: arguments)

        let reader = try SourceReader.open(path: path, options: options)
        let progress = ProgressLine(path, total: fileSize(path), context: context)
        var samples: [ProducerRecord] = []
        var rejectsByCode: [RejectCode: Int] = [:]
        var firstRejects: [Reject] = []
        while let item = try reader.next() {
            switch item {
            case .record(let record):
                if samples.count < sampleSize { samples.append(record) }
            case .reject(let reject):
                rejectsByCode[reject.code, default: 0] += 1
                if firstRejects.count < 5 { firstRejects.append(reject) }
            }
            if reader.counts.rows & 0x3FF == 0 {
                progress.update(done: reader.bytesConsumed, rows: reader.counts.rows)
            }
        }
        progress.finish()

        let report = InspectReport(
            description: reader.description, counts: reader.counts, samples: samples,
            rejectsByCode: rejectsByCode, firstRejects: firstRejects)
        print(arguments.flag("--json") ? report.json() : report.text(), terminator: "")
        return .success
    }
}

struct InspectReport {
    let description: SourceDescription
    let counts: ReadCounts
    let samples: [ProducerRecord]
    let rejectsByCode: [RejectCode: Int]
    let firstRejects: [Reject]

    // MARK: - Text

    func text() -> String {
        var lines: [String] = []
        func fact(_ label: String, _ value: String) {
            lines.append(label.padding(11) + " " + value)
        }
        fact("File:", description.path)
        fact("Format:", description.format.rawValue)
        if let encoding = description.encoding {
            fact("Encoding:", "\(encoding.encoding.rawValue) (\(encoding.reason))")
        }
        if let dialect = description.dialect {
            fact("Delimiter:", "'\(dialect.delimiterName)'")
        }
        if let sheet = description.sheet {
            fact(
                "Sheet:",
                "\"\(sheet)\" of \(description.sheets.map { "\"\($0)\"" }.joined(separator: ", "))")
        }
        if let jsonPath = description.jsonPath {
            fact("Records at:", jsonPath.isEmpty ? "the top-level array" : jsonPath)
        }
        if let headerLine = description.headerLine {
            let title = counts.preambleRows > 0 ? ", below \(counts.preambleRows) title rows" : ""
            fact("Header:", "line \(headerLine)\(title)")
        } else if description.format == .csv || description.format == .xlsx
            || description.format == .ods
        {
            fact("Header:", "none; columns are named column_1…")
        }
        var rows =
            "\(formatCount(counts.rows)) = \(formatCount(counts.records)) records + "
            + "\(formatCount(counts.rejects)) rejects"
        if counts.blankRows > 0 { rows += " (\(counts.blankRows) blank rows skipped)" }
        fact("Rows:", rows)
        for (code, count) in rejectsByCode.sorted(by: { $0.value > $1.value }) {
            lines.append("".padding(12) + "\(count) × \(code.rawValue): \(code.summary)")
        }

        lines.append("")
        lines.append("Columns:")
        let mapping = description.mapping
        let width = min(max(mapping.columns.map(\.count).max() ?? 0, 6), 32)
        for (index, column) in mapping.columns.enumerated() {
            let target = mapping.fields[index].map { "→ \($0.key)" } ?? "(unmapped, kept)"
            let reason = mapping.reasons[index].map { "  [\($0)]" } ?? ""
            lines.append("  " + column.padding(width) + "  " + target + reason)
        }
        if mapping.columns(for: .name).isEmpty {
            lines.append("  No column holds the producer name: every row will be rejected.")
            lines.append("  Map one with --map name=COLUMN.")
        }
        let placeFields: [Field] = [.address, .street, .postcode, .locality]
        if placeFields.allSatisfy({ mapping.columns(for: $0).isEmpty }) {
            lines.append("  No column holds an address, postcode or locality: nothing to geocode.")
        }

        if !description.notes.isEmpty {
            lines.append("")
            lines.append("Notes:")
            lines += description.notes.map { "  " + $0 }
        }
        if !samples.isEmpty {
            lines.append("")
            lines.append("Sample records:")
            for record in samples {
                lines.append("  row \(record.provenance.row) (line \(record.provenance.line)):")
                for field in record.presentFields {
                    let value = record.values(field).joined(separator: " | ")
                    lines.append("    " + field.key.padding(14) + " " + value)
                }
            }
        }
        if !firstRejects.isEmpty {
            lines.append("")
            lines.append("First rejects:")
            for reject in firstRejects {
                lines.append(
                    "  line \(reject.provenance.line) (\(reject.code.rawValue)): \(reject.message)")
                lines.append("    " + String(reject.raw.prefix(120)))
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    // MARK: - JSON

    func json() -> String {
        var writer = JSONWriter()
        writer.raw("{\"file\":")
        writer.string(description.path)
        writer.raw(",\"source\":")
        writer.string(description.source)
        writer.raw(",\"format\":")
        writer.string(description.format.rawValue)
        if let encoding = description.encoding {
            writer.raw(",\"encoding\":")
            writer.string(encoding.encoding.rawValue)
            writer.raw(",\"encoding_reason\":")
            writer.string(encoding.reason)
            writer.raw(",\"byte_order_mark\":")
            writer.raw(encoding.byteOrderMarkLength > 0 ? "true" : "false")
        }
        if let dialect = description.dialect {
            writer.raw(",\"delimiter\":")
            writer.string(String(Character(Unicode.Scalar(dialect.delimiter))))
            writer.raw(",\"has_header\":")
            writer.raw(dialect.hasHeader ? "true" : "false")
        }
        if let sheet = description.sheet {
            writer.raw(",\"sheet\":")
            writer.string(sheet)
            writer.raw(",\"sheets\":")
            writer.strings(description.sheets)
        }
        if let jsonPath = description.jsonPath {
            writer.raw(",\"json_path\":")
            writer.string(jsonPath)
        }
        writer.raw(",\"header_line\":")
        if let line = description.headerLine { writer.integer(line) } else { writer.raw("null") }
        writer.raw(",\"title_rows\":")
        writer.integer(counts.preambleRows)
        writer.raw(",\"rows\":")
        writer.integer(counts.rows)
        writer.raw(",\"records\":")
        writer.integer(counts.records)
        writer.raw(",\"rejects\":")
        writer.integer(counts.rejects)
        writer.raw(",\"blank_rows\":")
        writer.integer(counts.blankRows)
        writer.raw(",\"rejects_by_code\":{")
        for (index, (code, count)) in rejectsByCode.sorted(by: { $0.key.rawValue < $1.key.rawValue }
        )
        .enumerated() {
            if index > 0 { writer.byte(UInt8(ascii: ",")) }
            writer.key(code.rawValue)
            writer.integer(count)
        }
        writer.raw("},\"columns\":[")
        let mapping = description.mapping
        for (index, column) in mapping.columns.enumerated() {
            if index > 0 { writer.byte(UInt8(ascii: ",")) }
            writer.raw("{\"name\":")
            writer.string(column)
            writer.raw(",\"field\":")
            if let field = mapping.fields[index] {
                writer.string(field.key)
            } else {
                writer.raw("null")
            }
            if let reason = mapping.reasons[index] {
                writer.raw(",\"reason\":")
                writer.string(reason)
            }
            writer.byte(UInt8(ascii: "}"))
        }
        writer.raw("],\"unmapped\":")
        writer.strings(mapping.unmappedColumns)
        writer.raw(",\"notes\":")
        writer.strings(description.notes)
        writer.raw(",\"sample\":[")
        for (index, record) in samples.enumerated() {
            if index > 0 { writer.byte(UInt8(ascii: ",")) }
            record.writeJSON(to: &writer)
        }
        writer.raw("]}\n")
        return String(decoding: writer.bytes, as: UTF8.self)
    }
}

extension String {
    /// The string padded with spaces to `width` characters (never cut).
    func padding(_ width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}
