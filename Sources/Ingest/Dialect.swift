import GlaneurCore

/// How a delimited file is written.
public struct Dialect: Sendable, Equatable {
    public var delimiter: UInt8
    public var quote: UInt8 = UInt8(ascii: "\"")
    public var hasHeader: Bool
    /// Non-blank rows above the header (or above the first data row): the title lines
    /// of a spreadsheet export.
    public var preambleRows: Int

    public init(delimiter: UInt8, hasHeader: Bool, preambleRows: Int = 0) {
        self.delimiter = delimiter
        self.hasHeader = hasHeader
        self.preambleRows = preambleRows
    }

    /// The delimiter as a person would name it: `;`, `,`, `tab`, `|`.
    public var delimiterName: String {
        Self.name(of: delimiter)
    }

    public static func name(of delimiter: UInt8) -> String {
        switch delimiter {
        case 0x09: "tab"
        case 0x20: "space"
        default: String(Character(Unicode.Scalar(delimiter)))
        }
    }

    /// Parses a delimiter given on the command line: one character, or `tab`, `\t`,
    /// `semicolon`, `comma`, `pipe`.
    public static func delimiter(named name: String) -> UInt8? {
        switch name.lowercased() {
        case "tab", "\\t", "\t": return 0x09
        case "semicolon", "semi-colon": return UInt8(ascii: ";")
        case "comma": return UInt8(ascii: ",")
        case "pipe": return UInt8(ascii: "|")
        default:
            guard name.utf8.count == 1, let byte = name.utf8.first, byte < 0x80,
                byte != 0x0A, byte != 0x0D, byte != UInt8(ascii: "\"")
            else { return nil }
            return byte
        }
    }
}

/// Finds the delimiter, the title rows and the header of a delimited file from a sample
/// of its first rows.
public enum DialectSniffer {
    public static let candidates: [UInt8] = [
        UInt8(ascii: ","), UInt8(ascii: ";"), 0x09, UInt8(ascii: "|"),
    ]

    /// - parameter sample: the file's first bytes, in UTF-8 (or any ASCII-compatible
    ///   encoding), without a byte-order mark.
    /// - parameter isComplete: whether the sample is the whole file; if not, its last
    ///   row may be cut and is ignored.
    public static func sniff(
        _ sample: [UInt8],
        isComplete: Bool,
        delimiter forcedDelimiter: UInt8? = nil,
        hasHeader forcedHeader: Bool? = nil
    ) -> Dialect {
        let candidates = forcedDelimiter.map { [$0] } ?? Self.candidates
        var best: (delimiter: UInt8, rows: [[String]], score: Int, width: Int)?
        for delimiter in candidates {
            let rows = sampleRows(sample, delimiter: delimiter, isComplete: isComplete)
            let (width, score) = consistency(of: rows)
            if best == nil || score > best!.score || (score == best!.score && width > best!.width) {
                best = (delimiter, rows, score, width)
            }
        }
        guard let best, !best.rows.isEmpty else {
            return Dialect(
                delimiter: forcedDelimiter ?? UInt8(ascii: ","), hasHeader: forcedHeader ?? true)
        }

        let preamble = preambleRows(best.rows, width: best.width)
        let candidate = best.rows[preamble]
        let following = Array(best.rows.dropFirst(preamble + 1).prefix(50))
        let hasHeader = forcedHeader ?? looksLikeHeader(candidate, dataRows: following)
        return Dialect(delimiter: best.delimiter, hasHeader: hasHeader, preambleRows: preamble)
    }

    /// The non-blank rows of the sample, parsed with one delimiter.
    static func sampleRows(_ sample: [UInt8], delimiter: UInt8, isComplete: Bool) -> [[String]] {
        let parser = CSVParser(source: MemorySource(sample), delimiter: delimiter)
        var decoder = CellDecoder(encoding: .utf8)
        var rows: [[String]] = []
        while rows.count < 200, let row = try? parser.nextRow() {
            guard case .cells(let cells) = row, !cells.isBlank else { continue }
            rows.append((0..<cells.count).map { decoder.decode(cells[$0]).text })
        }
        if !isComplete, rows.count > 1 { rows.removeLast() }
        return rows
    }

    /// The most common number of cells per row, and how many rows have it. A single
    /// column scores nothing, so that any real delimiter wins over none.
    static func consistency(of rows: [[String]]) -> (width: Int, score: Int) {
        var counts: [Int: Int] = [:]
        for row in rows { counts[row.count, default: 0] += 1 }
        guard let (width, score) = counts.max(by: { ($0.value, $0.key) < ($1.value, $1.key) })
        else { return (0, 0) }
        return width > 1 ? (width, score) : (width, 0)
    }

    /// Title lines above the header: rows that do not have the file's width or hold only
    /// one or two filled cells where the header has many.
    static func preambleRows(_ rows: [[String]], width: Int) -> Int {
        let minimumFilled = width <= 2 ? 1 : max(2, (width + 1) / 2)
        for (index, row) in rows.prefix(20).enumerated() {
            let filled = row.filter { !$0.allSatisfy(\.isWhitespace) }.count
            if row.count == width && filled >= minimumFilled { return index }
        }
        return 0
    }

    /// A first row is a header when it names known columns, or when it is all distinct,
    /// non-numeric labels above columns whose values look otherwise.
    static func looksLikeHeader(_ row: [String], dataRows: [[String]]) -> Bool {
        let recognised = row.filter { HeaderMapping.recognise($0) != nil }.count
        if recognised >= 2 || (recognised == 1 && row.count <= 2) { return true }

        let labels = row.map { $0.trimmingSpaces }
        let allLabels = labels.allSatisfy { !$0.isEmpty && !looksLikeValue($0) }
        guard allLabels, Set(labels).count == labels.count else { return false }
        guard !dataRows.isEmpty else { return recognised > 0 }

        // Somewhere below, a column holds numbers, e-mail addresses or URLs.
        for column in row.indices {
            let values = dataRows.compactMap { $0.indices.contains(column) ? $0[column] : nil }
            let valueLike = values.filter(looksLikeValue).count
            if valueLike * 2 > values.count { return true }
        }
        return false
    }

    private static func looksLikeValue(_ text: String) -> Bool {
        let trimmed = text.trimmingSpaces
        if trimmed.contains("@") || trimmed.hasPrefix("http") || trimmed.hasPrefix("www.") {
            return true
        }
        let digits = trimmed.filter(\.isNumber).count
        return digits > 0 && digits * 2 >= trimmed.count
    }
}

extension String {
    /// The string without leading and trailing white space (spaces, tabs, no-break
    /// spaces, line ends).
    var trimmingSpaces: String {
        guard let first = firstIndex(where: { !$0.isWhitespace }),
            let last = lastIndex(where: { !$0.isWhitespace })
        else { return "" }
        return String(self[first...last])
    }
}
