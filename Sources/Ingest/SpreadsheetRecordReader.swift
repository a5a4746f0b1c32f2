import GlaneurCore
import Spreadsheet

/// Reads a spreadsheet sheet as records, with the same title-row and header detection,
/// mapping and rejects as a CSV file.
public final class SpreadsheetRecordReader: RecordReader {
    public private(set) var description: SourceDescription
    public private(set) var counts = ReadCounts()

    private let rows: [SheetRow]
    private var position = 0
    private let builder: RecordBuilder
    private let columnCount: Int
    /// Rows before the first data row (title, header), for `read --raw`.
    private let leadingRows: [[String]]
    private var rawPosition = 0

    public init(path: String, options: ReadOptions = ReadOptions()) throws(GlaneurError) {
        let workbook: Workbook
        let sheet: Sheet
        do throws(SpreadsheetError) {
            workbook = try Workbook(path: path)
            sheet = try Self.sheet(in: workbook, named: options.sheet)
        } catch {
            // The error names the file already; only the archive part is added.
            let reason = error.part.map { "\($0): \(error.reason)" } ?? error.reason
            throw GlaneurError.unreadable(path: path, location: nil, reason: reason)
        }

        let nonBlank = sheet.rows.filter { row in
            row.cells.contains { !$0.text.allSatisfy(\.isWhitespace) }
        }
        let texts = nonBlank.map { $0.cells.map(\.text) }
        let dialect = DialectSniffer.sheetDialect(texts, hasHeader: options.hasHeader)

        var notes: [String] = []
        let headerIndex = dialect.preambleRows
        var columns: [String]
        var dataStart: Int
        if dialect.hasHeader, headerIndex < nonBlank.count {
            columns = HeaderMapping.uniqueColumnNames(texts[headerIndex], notes: &notes)
            dataStart = headerIndex + 1
        } else {
            let width = texts.map(\.count).max() ?? 0
            columns = (0..<width).map { "column_\($0 + 1)" }
            dataStart = headerIndex
        }
        // Header cells beyond the last named column are the sheet's formatting, not data.
        while let last = columns.last, last.hasPrefix("column_"), dialect.hasHeader,
            columns.count > 1
        {
            columns.removeLast()
        }

        rows = Array(nonBlank[min(dataStart, nonBlank.count)...])
        leadingRows = Array(texts.prefix(dataStart))
        columnCount = columns.count
        counts.preambleRows = dialect.preambleRows
        counts.blankRows = sheet.rows.count - nonBlank.count

        let source = options.sourceName ?? CSVRecordReader.sourceName(of: path)
        let mapping = try HeaderMapping(columns: columns, overrides: options.columnOverrides)
        let format: InputFormat = workbook.format == .ods ? .ods : .xlsx
        description = SourceDescription(
            path: path, source: source, format: options.format ?? format, encoding: nil,
            dialect: nil,
            headerLine: dialect.hasHeader && headerIndex < nonBlank.count
                ? nonBlank[headerIndex].number : nil,
            mapping: mapping, sheet: sheet.name, sheets: workbook.sheetNames, notes: notes)
        builder = RecordBuilder(mapping: mapping, source: source, file: path)
    }

    /// The workbook is read whole before the first record, so progress counts rows.
    public var bytesConsumed: Int { position }

    public func next() throws(GlaneurError) -> ReadItem? {
        guard position < rows.count else { return nil }
        let row = rows[position]
        position += 1
        counts.rows += 1

        var cells = row.cells
        while cells.count > columnCount, cells.last?.text.isEmpty == true { cells.removeLast() }
        let raw = cells.map(\.text).joined(separator: "\t")
        let provenance = Provenance(
            source: description.source, file: description.path, row: counts.rows,
            line: row.number)
        if cells.count > columnCount {
            counts.rejects += 1
            return .reject(
                Reject(
                    provenance: provenance, code: .raggedRow,
                    message: "the row has cells beyond the \(columnCount) named columns",
                    raw: raw))
        }

        let columns = description.mapping.columns
        var fields: [SourceField] = []
        var warnings: [RecordWarning] = []
        for (index, column) in columns.enumerated() {
            let cell = index < cells.count ? cells[index] : Cell(text: "")
            fields.append(SourceField(name: column, value: .text(cell.text)))
            if let warning = cell.warning {
                warnings.append(
                    RecordWarning(code: warning.rawValue, column: column, message: warning.message))
            }
        }
        let item = builder.build(
            fields: fields, row: counts.rows, line: row.number, warnings: warnings, raw: raw)
        switch item {
        case .record: counts.records += 1
        case .reject: counts.rejects += 1
        }
        return item
    }

    /// The next row as strings, title and header rows included, for `read --raw`.
    public func nextRawRow() -> [String]? {
        if rawPosition < leadingRows.count {
            rawPosition += 1
            return leadingRows[rawPosition - 1]
        }
        let index = rawPosition - leadingRows.count
        guard index < rows.count else { return nil }
        rawPosition += 1
        return rows[index].cells.map(\.text)
    }

    private static func sheet(in workbook: Workbook, named name: String?)
        throws(SpreadsheetError) -> Sheet
    {
        guard let name else { return try workbook.firstNonEmptySheet() }
        if let number = Int(name), !workbook.sheetNames.contains(name) {
            return try workbook.sheet(at: number - 1)
        }
        return try workbook.sheet(named: name)
    }
}

extension DialectSniffer {
    /// Title rows and header detection for rows that are already cells.
    static func sheetDialect(_ rows: [[String]], hasHeader: Bool?) -> Dialect {
        let trimmed = rows.map { row -> [String] in
            var row = row
            while row.last?.isEmpty == true { row.removeLast() }
            return row
        }
        let (width, _) = consistency(of: trimmed.map { $0 })
        let preamble = preambleRows(trimmed, width: width)
        guard preamble < rows.count else {
            return Dialect(delimiter: 0x09, hasHeader: hasHeader ?? true)
        }
        let header =
            hasHeader
            ?? looksLikeHeader(
                trimmed[preamble], dataRows: Array(trimmed.dropFirst(preamble + 1).prefix(50)))
        return Dialect(delimiter: 0x09, hasHeader: header, preambleRows: preamble)
    }
}
