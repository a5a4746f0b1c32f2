import GlaneurCore

/// Reads a delimited file (CSV, TSV, semicolons…) as records, one row at a time.
public final class CSVRecordReader: RecordReader {
    public private(set) var description: SourceDescription
    public internal(set) var counts = ReadCounts()

    let parser: CSVParser<AnySource>
    var decoder: CellDecoder
    private var builder: RecordBuilder
    var columnCount: Int
    var fallbackCells = 0
    var pendingRawRows: [[String]] = []
    /// The byte-level writer of `writeNextRecord(to:)`, prepared once the header is known.
    var ndjsonPlan: NDJSONPlan?

    /// How much of the file is read to detect its encoding and dialect.
    static let sampleSize = 256 << 10

    public init(path: String, options: ReadOptions = ReadOptions()) throws(GlaneurError) {
        let file = try FileSource(path: path)

        // Detect the encoding and the dialect on the first bytes, then read the file
        // from its start (those bytes included) through the same parser.
        let (sample, isComplete) = try Self.readSample(from: file)
        let detected = Self.encoding(of: sample, isComplete: isComplete, forced: options.encoding)
        try Self.refuseBinary(sample, encoding: detected.encoding, path: path)
        let body = Array(sample.dropFirst(detected.byteOrderMarkLength))
        let utf8Sample = Self.utf8View(
            of: body, encoding: detected.encoding, isComplete: isComplete)
        let dialect = DialectSniffer.sniff(
            utf8Sample, isComplete: isComplete, delimiter: options.delimiter,
            hasHeader: options.hasHeader)

        var input = AnySource(PrefixedSource(prefix: body, base: file))
        switch detected.encoding {
        case .utf16LittleEndian:
            input = AnySource(UTF16ToUTF8Source(base: input, bigEndian: false))
        case .utf16BigEndian:
            input = AnySource(UTF16ToUTF8Source(base: input, bigEndian: true))
        default: break
        }
        parser = CSVParser(source: input, delimiter: dialect.delimiter)
        decoder = CellDecoder(encoding: detected.encoding)

        let source = options.sourceName ?? Self.sourceName(of: path)
        description = SourceDescription(
            path: path, source: source, format: .csv, encoding: detected, dialect: dialect,
            headerLine: nil, mapping: try HeaderMapping(columns: []))
        builder = RecordBuilder(mapping: description.mapping, source: source, file: path)
        columnCount = 0

        try readHeader(dialect: dialect, overrides: options.columnOverrides)
    }

    public var bytesConsumed: Int { parser.bytesConsumed }

    // MARK: - Header

    private func readHeader(dialect: Dialect, overrides: [String: Field]) throws(GlaneurError) {
        var skipped = 0
        var firstRow: [String]?
        var firstLine = 1
        while firstRow == nil, let row = try parser.nextRow() {
            switch row {
            case .cells(let cells):
                if cells.isBlank {
                    counts.blankRows += 1
                    // `read --raw` shows `;;;` rows, not empty lines.
                    if !cells.raw.isEmpty { pendingRawRows.append(decodeAll(cells)) }
                    continue
                }
                let texts = decodeAll(cells)
                if skipped < dialect.preambleRows {
                    skipped += 1
                    pendingRawRows.append(texts)
                    continue
                }
                firstRow = texts
                firstLine = cells.line
            case .brokenQuote(let line, _, _):
                throw GlaneurError.unreadable(
                    path: description.path, location: .init(line: line),
                    reason: "the header row opens a quote that is never closed")
            }
        }
        counts.preambleRows = skipped

        let header = firstRow ?? []
        var notes: [String] = []
        let columns: [String]
        if dialect.hasHeader {
            columns = HeaderMapping.uniqueColumnNames(header, notes: &notes)
            description.headerLine = firstLine
            pendingRawRows.append(header)
        } else {
            columns = header.indices.map { "column_\($0 + 1)" }
            if let firstRow { pendingFirstDataRow = (firstRow, firstLine) }
        }
        columnCount = columns.count
        description.mapping = try HeaderMapping(columns: columns, overrides: overrides)
        description.notes += notes
        builder = RecordBuilder(
            mapping: description.mapping, source: description.source, file: description.path)
        ndjsonPlan = NDJSONPlan(description: description)
    }

    /// Without a header, the first row read is already data.
    var pendingFirstDataRow: ([String], Int)?

    // MARK: - Records

    public func next() throws(GlaneurError) -> ReadItem? {
        if let (cells, line) = pendingFirstDataRow {
            pendingFirstDataRow = nil
            return item(
                cells: cells, line: line, warnings: [],
                raw: cells.joined(
                    separator: String(Unicode.Scalar(parser.delimiter))))
        }
        while let row = try parser.nextRow() {
            switch row {
            case .brokenQuote(let line, let raw, let tooLarge):
                return reject(brokenQuoteAt: line, raw: raw, tooLarge: tooLarge)
            case .cells(let cells):
                if cells.isBlank {
                    counts.blankRows += 1
                    continue
                }
                return item(decoding: cells)
            }
        }
        noteFallbacks()
        return nil
    }

    /// Decodes a parsed row and makes a record or a reject of it.
    func item(decoding cells: CSVParser<AnySource>.ParsedRow) -> ReadItem {
        var warnings: [RecordWarning] = []
        let texts = decodeAll(cells, warnings: &warnings)
        return item(
            cells: texts, line: cells.line, warnings: warnings, raw: decodeRaw(cells.raw))
    }

    /// Tells the user, once the file is read, how many cells needed the fallback decoding.
    func noteFallbacks() {
        guard fallbackCells > 0 else { return }
        description.notes.append(
            "\(fallbackCells) cells were not valid \(decoder.encoding.rawValue) and were "
                + "read as Windows-1252; pass --encoding if that is wrong")
        fallbackCells = 0
    }

    func item(
        cells: [String], line: Int, warnings: [RecordWarning], raw: @autoclosure () -> String
    ) -> ReadItem {
        counts.rows += 1
        let row = counts.rows
        var cells = cells

        // Trailing empty cells beyond the header are what spreadsheets write for
        // formatted but empty columns: harmless.
        while cells.count > columnCount, cells.last?.isEmpty == true { cells.removeLast() }

        if cells.count != columnCount {
            counts.rejects += 1
            let tooMany = cells.count > columnCount
            let message =
                tooMany
                ? "the row has \(cells.count) cells but the header has \(columnCount) columns; "
                    + "a cell may hold an unquoted delimiter"
                : "the row has \(cells.count) cells but the header has \(columnCount) columns; "
                    + "the row may be cut or its cells shifted"
            return .reject(
                Reject(
                    provenance: provenance(row: row, line: line),
                    code: tooMany ? .raggedRow : .shortRow,
                    message: message, raw: raw()))
        }

        let columns = description.mapping.columns
        let fields = zip(columns, cells).map { SourceField(name: $0, value: .text($1)) }
        let result = builder.build(
            fields: fields, row: row, line: line, warnings: warnings, raw: raw())
        switch result {
        case .record: counts.records += 1
        case .reject: counts.rejects += 1
        }
        return result
    }

    func reject(brokenQuoteAt line: Int, raw: [UInt8], tooLarge: Bool) -> ReadItem {
        counts.rows += 1
        counts.rejects += 1
        let text = raw.withUnsafeBufferPointer { decoder.decode($0).text }
        let message =
            tooLarge
            ? "a quoted cell opened on this line grows past \(parser.maximumRowBytes >> 20) MiB; "
                + "the quote is probably never closed; reading resumes on the next line"
            : "a quoted cell opened on this line is never closed; reading resumes on the "
                + "next line"
        return .reject(
            Reject(
                provenance: provenance(row: counts.rows, line: line),
                code: tooLarge ? .rowTooLarge : .unterminatedQuote,
                message: message, raw: text))
    }

    private func provenance(row: Int, line: Int) -> Provenance {
        Provenance(source: description.source, file: description.path, row: row, line: line)
    }

    // MARK: - Raw rows

    /// The next parsed row as strings, preamble and header included, for `read --raw`.
    public func nextRawRow() throws(GlaneurError) -> [String]? {
        if !pendingRawRows.isEmpty { return pendingRawRows.removeFirst() }
        if let (cells, _) = pendingFirstDataRow {
            pendingFirstDataRow = nil
            return cells
        }
        while let row = try parser.nextRow() {
            guard case .cells(let cells) = row else { continue }
            if cells.count == 1 && cells[0].isEmpty && cells.raw.isEmpty { continue }
            return decodeAll(cells)
        }
        return nil
    }

    // MARK: - Decoding

    func decodeAll(_ cells: CSVParser<AnySource>.ParsedRow) -> [String] {
        var ignored: [RecordWarning] = []
        return decodeAll(cells, warnings: &ignored)
    }

    private func decodeAll(
        _ cells: CSVParser<AnySource>.ParsedRow, warnings: inout [RecordWarning]
    ) -> [String] {
        var texts: [String] = []
        texts.reserveCapacity(cells.count)
        for index in 0..<cells.count {
            let decoded = decoder.decode(cells[index])
            if decoded.usedFallback || decoded.removedNUL {
                let column =
                    index < description.mapping.columns.count
                    ? description.mapping.columns[index] : "column_\(index + 1)"
                if decoded.usedFallback {
                    fallbackCells += 1
                    warnings.append(
                        RecordWarning(
                            code: "encoding-fallback", column: column,
                            message: "not valid \(decoder.encoding.rawValue); read as "
                                + "Windows-1252"))
                }
                if decoded.removedNUL {
                    warnings.append(
                        RecordWarning(
                            code: "nul-byte", column: column, message: "NUL bytes removed"))
                }
            }
            texts.append(decoded.text)
        }
        return texts
    }

    private func decodeRaw(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        decoder.decode(bytes).text
    }

    // MARK: - Opening

    private static func readSample(from file: FileSource) throws(GlaneurError)
        -> ([UInt8], Bool)
    {
        var file = file
        var sample: [UInt8] = []
        while sample.count < sampleSize {
            let block = try readBlock(from: &file, count: sampleSize - sample.count)
            if block.isEmpty { return (sample, true) }
            sample += block
        }
        return (sample, false)
    }

    private static func encoding(of sample: [UInt8], isComplete: Bool, forced: TextEncoding?)
        -> DetectedEncoding
    {
        let detected = EncodingDetector.detect(sample, isComplete: isComplete)
        guard let forced else { return detected }
        let bom = forced == detected.encoding ? detected.byteOrderMarkLength : 0
        return DetectedEncoding(encoding: forced, byteOrderMarkLength: bom, reason: "given")
    }

    private static func utf8View(of body: [UInt8], encoding: TextEncoding, isComplete: Bool)
        -> [UInt8]
    {
        guard encoding == .utf16LittleEndian || encoding == .utf16BigEndian else { return body }
        var source = UTF16ToUTF8Source(
            base: MemorySource(body), bigEndian: encoding == .utf16BigEndian)
        var result: [UInt8] = []
        while let block = try? readBlock(from: &source, count: 1 << 16), !block.isEmpty {
            result += block
        }
        return result
    }

    /// Text has few control characters besides tabs and line ends; a file with many is an
    /// image, an archive or an old Excel workbook, and parsing it would only make rejects.
    private static func refuseBinary(_ sample: [UInt8], encoding: TextEncoding, path: String)
        throws(GlaneurError)
    {
        guard encoding != .utf16LittleEndian, encoding != .utf16BigEndian else { return }
        if sample.starts(with: [0xD0, 0xCF, 0x11, 0xE0]) || sample.starts(with: [0x50, 0x4B]) {
            throw GlaneurError.unreadable(
                path: path, location: nil,
                reason: "a binary workbook or archive, not delimited text; for a spreadsheet "
                    + "pass --format xlsx or ods, or export it as CSV")
        }
        let controls = sample.prefix(65536).filter {
            $0 < 0x20 && $0 != 0x09 && $0 != 0x0A && $0 != 0x0D
        }.count
        // A stray NUL or two is a damaged text file, read with warnings; one control byte
        // in twenty is no text at all.
        if controls >= 16 && controls * 20 > min(sample.count, 65536) {
            throw GlaneurError.unreadable(
                path: path, location: nil,
                reason: "\(controls) control bytes in the first \(min(sample.count, 65536)) "
                    + "bytes: this is not a text file; pass --encoding if it is text after all")
        }
    }

    static func sourceName(of path: String) -> String {
        if path == "-" { return "stdin" }
        let file = path.split(separator: "/").last.map(String.init) ?? path
        guard let dot = file.lastIndex(of: "."), dot != file.startIndex else { return file }
        return String(file[..<dot])
    }
}

/// A type-erased byte source, so that one parser type serves files, standard input and
/// UTF-16 conversion; the dynamic call happens once per block, not per byte.
final class AnySource: ByteSource {
    private var base: any ByteSource

    init(_ base: any ByteSource) {
        self.base = base
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws(GlaneurError) -> Int {
        try base.read(into: buffer)
    }
}
