/// Reads the delimited text files of reference data: the shipped gazetteer and the
/// official address files (BAN, BeST, the Swiss building directory).
///
/// These files are well-formed UTF-8 with a header; fields may be quoted with `"` and then
/// hold delimiters, doubled quotes and line breaks. Partner files, which are not
/// well-formed, go through the ingest stage's reader instead.
struct DelimitedReader {
    private let bytes: [UInt8]
    private let delimiter: UInt8
    private var position = 0
    /// The 1-based line where the last row returned started.
    private(set) var line = 0
    private var nextLine = 1

    init(bytes: [UInt8], delimiter: UInt8 = UInt8(ascii: ",")) {
        // A UTF-8 byte order mark is not part of the first column's name.
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
            self.bytes = Array(bytes.dropFirst(3))
        } else {
            self.bytes = bytes
        }
        self.delimiter = delimiter
    }

    /// The next row's fields, or nil at the end of the file.
    mutating func nextRow() -> [String]? {
        guard position < bytes.count else { return nil }
        line = nextLine
        var fields: [String] = []
        var field: [UInt8] = []
        var quoted = false
        while position < bytes.count {
            let byte = bytes[position]
            position += 1
            if quoted {
                if byte == UInt8(ascii: "\"") {
                    if position < bytes.count, bytes[position] == UInt8(ascii: "\"") {
                        field.append(byte)
                        position += 1
                    } else {
                        quoted = false
                    }
                } else {
                    if byte == 0x0A { nextLine += 1 }
                    field.append(byte)
                }
                continue
            }
            switch byte {
            case UInt8(ascii: "\"") where field.isEmpty:
                quoted = true
            case delimiter:
                fields.append(String(decoding: field, as: UTF8.self))
                field.removeAll(keepingCapacity: true)
            case 0x0A:
                nextLine += 1
                fields.append(String(decoding: trimCR(field), as: UTF8.self))
                return fields
            default:
                field.append(byte)
            }
        }
        fields.append(String(decoding: trimCR(field), as: UTF8.self))
        return fields
    }

    private func trimCR(_ field: [UInt8]) -> ArraySlice<UInt8> {
        field.last == 0x0D ? field.dropLast() : field[...]
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
