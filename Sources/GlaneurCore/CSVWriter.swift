/// Writes RFC 4180 CSV: cells quoted when they hold the delimiter, a quote or a line
/// end, quotes doubled, LF line ends.
public struct CSVWriter {
    public let delimiter: UInt8
    /// Quote every cell that starts like a spreadsheet formula (`=`, `+`, `-`, `@`) with
    /// a leading apostrophe, so that opening the file in a spreadsheet runs nothing.
    public let neutralisesFormulas: Bool
    public private(set) var bytes: [UInt8] = []

    public init(delimiter: UInt8 = UInt8(ascii: ","), neutralisesFormulas: Bool = false) {
        self.delimiter = delimiter
        self.neutralisesFormulas = neutralisesFormulas
    }

    public mutating func removeAll() {
        bytes.removeAll(keepingCapacity: true)
    }

    public mutating func row(_ cells: [String]) {
        for (index, cell) in cells.enumerated() {
            if index > 0 { bytes.append(delimiter) }
            append(cell)
        }
        bytes.append(0x0A)
    }

    private mutating func append(_ cell: String) {
        var text = cell
        if neutralisesFormulas, let first = text.utf8.first,
            [UInt8(ascii: "="), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "@")]
                .contains(first)
        {
            text = "'" + text
        }
        let needsQuotes = text.utf8.contains {
            $0 == delimiter || $0 == UInt8(ascii: "\"") || $0 == 0x0A || $0 == 0x0D
        }
        guard needsQuotes else {
            bytes.append(contentsOf: text.utf8)
            return
        }
        bytes.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            if byte == UInt8(ascii: "\"") { bytes.append(byte) }
            bytes.append(byte)
        }
        bytes.append(UInt8(ascii: "\""))
    }
}
