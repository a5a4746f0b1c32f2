import GlaneurCore

/// What a reader hands out: a usable record, or a reject.
public enum ReadItem: Sendable {
    case record(ProducerRecord)
    case reject(Reject)
}

/// The formats partners send.
public enum InputFormat: String, CaseIterable, Sendable {
    case csv
    case json
    case ndjson
    case xlsx
    case ods
}

/// What the user may say about a file instead of letting Glaneur detect it.
public struct ReadOptions: Sendable {
    public var format: InputFormat?
    public var encoding: TextEncoding?
    public var delimiter: UInt8?
    /// `false` for a file without a header row (columns are then `column_1`…).
    public var hasHeader: Bool?
    /// For a JSON object holding the records in an array, the dotted path to it.
    public var jsonPath: String?
    /// The spreadsheet sheet, by name or 1-based number.
    public var sheet: String?
    /// The partner's name; by default the file's name without its extension.
    public var sourceName: String?
    /// Column name → field, applied before the automatic mapping.
    public var columnOverrides: [String: Field] = [:]

    public init() {}
}

/// Counts that always add up: `rows == records + rejects`.
public struct ReadCounts: Sendable, Equatable {
    /// Data rows read: every non-blank row after the header, used or rejected.
    public var rows = 0
    public var records = 0
    public var rejects = 0
    /// Empty lines, and rows whose every cell is empty, skipped without counting as rows.
    public var blankRows = 0
    /// Title rows above the header, skipped.
    public var preambleRows = 0

    public init() {}
}

/// What was found out about a file before reading its rows, for `glaneur inspect` and for
/// the summary of `glaneur read`.
public struct SourceDescription: Sendable {
    public var path: String
    public var source: String
    public var format: InputFormat
    public var encoding: DetectedEncoding?
    public var dialect: Dialect?
    /// The physical line (CSV) or sheet row (spreadsheets) of the header.
    public var headerLine: Int?
    public var mapping: HeaderMapping
    /// For JSON: the path of the array that holds the records ("" for a top-level array).
    public var jsonPath: String?
    /// For spreadsheets: the sheet read, and all the sheets of the workbook.
    public var sheet: String?
    public var sheets: [String] = []
    /// Things the user should know: renamed duplicate columns, cells decoded with a
    /// fallback, line-end style.
    public var notes: [String] = []
}

/// Reads one partner file as records and rejects.
public protocol RecordReader: AnyObject {
    var description: SourceDescription { get }
    var counts: ReadCounts { get }
    /// The next record or reject, or nil at the end of the file.
    func next() throws(GlaneurError) -> ReadItem?
    /// How far into the file reading has gone, in bytes, for progress reports.
    var bytesConsumed: Int { get }
}

extension RecordReader {
    /// Reads everything that is left.
    public func readAll() throws(GlaneurError) -> [ReadItem] {
        var items: [ReadItem] = []
        while let item = try next() { items.append(item) }
        return items
    }
}
