import GlaneurCore

/// Opens any partner file with the reader its format needs.
public enum SourceReader {
    /// Opens a file, detecting its format unless the options name one.
    ///
    /// - throws: `GlaneurError` when the file cannot be opened or its format is not one
    ///   Glaneur reads.
    public static func open(path: String, options: ReadOptions = ReadOptions())
        throws(GlaneurError) -> any RecordReader
    {
        let format: InputFormat
        if let given = options.format {
            format = given
        } else {
            format = try detectFormat(path: path)
        }
        switch format {
        case .csv: return try CSVRecordReader(path: path, options: options)
        case .json: return try JSONRecordReader(path: path, options: options)
        case .ndjson: return try NDJSONRecordReader(path: path, options: options)
        case .xlsx, .ods: return try SpreadsheetRecordReader(path: path, options: options)
        }
    }

    /// The format from the file's extension, or from its first bytes when the extension
    /// says nothing (`.txt`, `.dat`, standard input).
    public static func detectFormat(path: String) throws(GlaneurError) -> InputFormat {
        let lowered = path.lowercased()
        let byExtension: [(String, InputFormat)] = [
            (".csv", .csv), (".tsv", .csv), (".tab", .csv), (".ndjson", .ndjson),
            (".jsonl", .ndjson), (".json", .json), (".xlsx", .xlsx), (".xlsm", .xlsx),
            (".ods", .ods),
        ]
        if let (_, format) = byExtension.first(where: { lowered.hasSuffix($0.0) }) {
            return format
        }
        if path == "-" { return .csv }

        var file = try FileSource(path: path)
        let head = try readBlock(from: &file, count: 4096)
        if head.starts(with: [0xD0, 0xCF, 0x11, 0xE0]) {
            throw GlaneurError.unreadable(
                path: path, location: nil,
                reason: "an old Excel (.xls) or password-protected workbook; save it as "
                    + ".xlsx without a password, or export it as CSV")
        }
        if head.starts(with: [0x50, 0x4B, 0x03, 0x04]) {
            throw GlaneurError.unreadable(
                path: path, location: nil,
                reason: "a ZIP archive; if it is a spreadsheet, name it .xlsx or .ods, "
                    + "or pass --format xlsx|ods")
        }
        let text = head.drop(while: { [0x20, 0x09, 0x0A, 0x0D, 0xEF, 0xBB, 0xBF].contains($0) })
        switch text.first {
        case UInt8(ascii: "["): return .json
        case UInt8(ascii: "{"):
            // One object a line is NDJSON; an object spread over lines is a document.
            let firstLine = text.prefix(while: { $0 != 0x0A })
            return firstLine.last(where: { $0 != 0x0D && $0 != 0x20 }) == UInt8(ascii: "}")
                ? .ndjson : .json
        default: return .csv
        }
    }
}
