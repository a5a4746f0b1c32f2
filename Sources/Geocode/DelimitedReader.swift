import Ingest

/// Reads the delimited text files of reference data: the shipped gazetteer and the
/// official address files (BAN, BeST, the Swiss building directory), as rows of strings.
///
/// These files are well-formed UTF-8 with a header, so the ingest stage's CSV parser is
/// used bare: no dialect or encoding detection, no header mapping, no records.
struct DelimitedReader {
    private let parser: CSVParser<MemorySource>
    /// The 1-based line where the last row returned started.
    private(set) var line = 0

    init(bytes: [UInt8], delimiter: UInt8 = UInt8(ascii: ",")) {
        // A UTF-8 byte order mark is not part of the first column's name.
        let body = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? Array(bytes.dropFirst(3)) : bytes
        parser = CSVParser(source: MemorySource(body), delimiter: delimiter)
    }

    /// The next row's fields, or nil at the end of the file. A quote that is never
    /// closed gives its line as a single field, which no importer takes for a row.
    mutating func nextRow() -> [String]? {
        // A memory source cannot fail to read.
        guard let row = try? parser.nextRow() else { return nil }
        switch row {
        case .cells(let cells):
            line = cells.line
            return (0..<cells.count).map { String(decoding: cells[$0], as: UTF8.self) }
        case .brokenQuote(let number, let raw, _):
            line = number
            return [String(decoding: raw, as: UTF8.self)]
        }
    }
}

/// A header row turned into a lookup from column name to index.
struct DelimitedHeader {
    let names: [String]
    private let indexByName: [String: Int]

    init(_ names: [String]) {
        self.names = names
        var indexByName: [String: Int] = [:]
        for (index, name) in names.enumerated() where indexByName[name] == nil {
            indexByName[name] = index
        }
        self.indexByName = indexByName
    }

    func index(_ name: String) -> Int? { indexByName[name] }

    /// The index of the first of `candidates` that the header has.
    func index(anyOf candidates: [String]) -> Int? {
        candidates.lazy.compactMap { indexByName[$0] }.first
    }
}

extension Array where Element == String {
    /// The field at `index`, or the empty string when the row is short.
    func field(_ index: Int?) -> String {
        guard let index, index < count else { return "" }
        return self[index]
    }
}
