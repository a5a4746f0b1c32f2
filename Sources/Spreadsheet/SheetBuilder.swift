/// A rectangle of cells merged into one, 1-based and inclusive.
struct MergedRange: Equatable, Sendable {
    var firstRow: Int
    var firstColumn: Int
    var lastRow: Int
    var lastColumn: Int
}

/// Collects the cells of one sheet as a reader meets them, then gives the rows as a
/// person sees them: merged ranges filled, empty rows left out.
struct SheetBuilder {
    /// The sheet limits of Excel, which LibreOffice shares: a reference beyond them is
    /// damage, not data, and would otherwise make the reader allocate without end.
    static let maximumRows = 1_048_576
    static let maximumColumns = 16_384

    private var rows: [SheetRow] = []
    /// Whether rows arrived out of order, which a few writers do; sorted at the end.
    private var needsSorting = false
    private var merges: [MergedRange] = []

    /// Sets a cell; `row` and `column` are 1-based. Empty cells are not stored.
    mutating func set(_ cell: Cell, row: Int, column: Int) {
        guard !cell.text.isEmpty, row >= 1, row <= Self.maximumRows, column >= 1,
            column <= Self.maximumColumns
        else { return }

        if rows.last?.number != row {
            if let last = rows.last, last.number > row {
                needsSorting = true
            }
            rows.append(SheetRow(number: row, cells: []))
        }
        let index = rows.count - 1
        if rows[index].cells.count < column {
            rows[index].cells.append(
                contentsOf: repeatElement(.empty, count: column - rows[index].cells.count))
        }
        rows[index].cells[column - 1] = cell
    }

    mutating func merge(_ range: MergedRange) {
        merges.append(range)
    }

    /// The finished rows.
    mutating func finish() -> [SheetRow] {
        if needsSorting {
            rows = Self.combined(rows)
        }
        if !merges.isEmpty {
            fillMergedRanges()
        }
        return rows
    }

    /// Rows sorted by number, cells of a row met twice combined into one row.
    private static func combined(_ rows: [SheetRow]) -> [SheetRow] {
        var byNumber: [Int: SheetRow] = [:]
        for row in rows {
            guard var existing = byNumber[row.number] else {
                byNumber[row.number] = row
                continue
            }
            for (index, cell) in row.cells.enumerated() where !cell.text.isEmpty {
                if existing.cells.count <= index {
                    existing.cells.append(
                        contentsOf: repeatElement(.empty, count: index + 1 - existing.cells.count))
                }
                existing.cells[index] = cell
            }
            byNumber[row.number] = existing
        }
        return byNumber.values.sorted { $0.number < $1.number }
    }

    /// Copies each merged range's value (its top-left cell) into every cell it covers, so
    /// that a header merged across two columns names both, and a producer's name merged
    /// down over its product rows is on each of them.
    ///
    /// A range that is alone on its rows (a title merged across the top of the table) is
    /// left as one cell: copied, it would look like a header or a row of data to whoever
    /// reads the rows next. A range is also clipped to the sheet's data, so that a
    /// whole-row or whole-column merge does not create a million rows.
    private mutating func fillMergedRanges() {
        guard let lastRow = rows.last?.number else { return }
        let lastColumn = rows.map(\.cells.count).max() ?? 0
        var indexByNumber: [Int: Int] = [:]
        for (index, row) in rows.enumerated() {
            indexByNumber[row.number] = index
        }

        var added = false
        for range in merges {
            guard let topIndex = indexByNumber[range.firstRow],
                range.firstColumn <= rows[topIndex].cells.count
            else { continue }
            var value = rows[topIndex].cells[range.firstColumn - 1]
            guard !value.text.isEmpty else { continue }
            value.isMergedCopy = true

            let rowEnd = min(range.lastRow, lastRow)
            let columnEnd = min(range.lastColumn, lastColumn)
            guard range.firstRow <= rowEnd, range.firstColumn <= columnEnd else { continue }
            if range.lastColumn > range.firstColumn,
                isAloneOnItsRows(range, rowEnd: rowEnd, indexByNumber: indexByNumber)
            {
                continue
            }
            for rowNumber in range.firstRow...rowEnd {
                let index: Int
                if let existing = indexByNumber[rowNumber] {
                    index = existing
                } else {
                    rows.append(SheetRow(number: rowNumber, cells: []))
                    index = rows.count - 1
                    indexByNumber[rowNumber] = index
                    added = true
                }
                if rows[index].cells.count < columnEnd {
                    rows[index].cells.append(
                        contentsOf: repeatElement(
                            .empty, count: columnEnd - rows[index].cells.count))
                }
                for column in range.firstColumn...columnEnd
                where rows[index].cells[column - 1].text.isEmpty {
                    rows[index].cells[column - 1] = value
                }
            }
        }
        if added {
            rows.sort { $0.number < $1.number }
        }
    }

    /// Whether no row that the range covers has a value outside the range's columns.
    private func isAloneOnItsRows(
        _ range: MergedRange, rowEnd: Int, indexByNumber: [Int: Int]
    ) -> Bool {
        for rowNumber in range.firstRow...rowEnd {
            guard let index = indexByNumber[rowNumber] else { continue }
            for (offset, cell) in rows[index].cells.enumerated() where !cell.text.isEmpty {
                let column = offset + 1
                if column < range.firstColumn || column > range.lastColumn { return false }
            }
        }
        return true
    }
}

// MARK: - A1 references

enum CellReference {
    /// The 1-based row and column of a reference such as `B12` or `$B$12`; nil when the
    /// text is not one.
    static func parse<S: StringProtocol>(_ text: S) -> (row: Int, column: Int)? {
        var column = 0
        var row = 0
        var sawDigit = false
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "$"):
                continue
            case UInt8(ascii: "A")...UInt8(ascii: "Z") where !sawDigit:
                column = column * 26 + Int(byte - UInt8(ascii: "A")) + 1
            case UInt8(ascii: "a")...UInt8(ascii: "z") where !sawDigit:
                column = column * 26 + Int(byte - UInt8(ascii: "a")) + 1
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                sawDigit = true
                row = row * 10 + Int(byte - UInt8(ascii: "0"))
            default:
                return nil
            }
            // Beyond the sheet limits the reference is damage; stop before overflowing.
            if column > SheetBuilder.maximumColumns || row > SheetBuilder.maximumRows {
                return nil
            }
        }
        return column > 0 && row > 0 ? (row, column) : nil
    }

    /// The 1-based column of a reference whose row may be missing (`B` or `B12`).
    static func column<S: StringProtocol>(_ text: S) -> Int? {
        var column = 0
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"):
                column = column * 26 + Int(byte - UInt8(ascii: "A")) + 1
            case UInt8(ascii: "a")...UInt8(ascii: "z"):
                column = column * 26 + Int(byte - UInt8(ascii: "a")) + 1
            case UInt8(ascii: "$"):
                continue
            default:
                return column > 0 ? column : nil
            }
            if column > SheetBuilder.maximumColumns { return nil }
        }
        return column > 0 ? column : nil
    }

    /// A range such as `A1:C2`, or a single cell `A1`.
    static func range<S: StringProtocol>(_ text: S) -> MergedRange? {
        let parts = text.split(separator: ":")
        guard parts.count == 1 || parts.count == 2,
            let first = parse(parts[0]), let last = parse(parts[parts.count - 1])
        else { return nil }
        return MergedRange(
            firstRow: min(first.row, last.row), firstColumn: min(first.column, last.column),
            lastRow: max(first.row, last.row), lastColumn: max(first.column, last.column))
    }
}
